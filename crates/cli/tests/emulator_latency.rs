//! Real accounts at real speed: the emulator answers in a millisecond and never throttles; the
//! proxy in front of it (`tests/emulator/aws_proxy.py`) puts back what an account far away
//! does: 40–150 ms a request, the per-API rates AWS documents, a per-account request rate,
//! S3's region redirects and credentials that expire. Six accounts × three regions and 288
//! databases, reached through roles assumed in each account, each with a multi-region trail
//! whose bucket lives in another region.
//!
//! Both runs of a comparison go through the proxy, the baseline with no latency and no limits:
//! the proxy also answers the operations moto does not implement as not implemented rather
//! than with moto's HTTP 500, which the SDK would retry for seconds each.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::{
    gaps_beyond_emulator, python, rds_evidence_with_credentials, stderr, stdout, workspace_root,
    Emulator, Proxy,
};
use rds_evidence_inventory::{FailureKind, Snapshot};

const ACCOUNTS: [&str; 6] = [
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "666666666666",
];
const REGIONS: &str = "us-east-1,eu-west-1,ap-southeast-2";
const PER_REGION: &str = "16";
const ROLE: &str = "RdsEvidenceReadOnly";

/// The estate, built once per test binary.
fn emulator() -> &'static Emulator {
    static ESTATE: OnceLock<Emulator> = OnceLock::new();
    ESTATE.get_or_init(|| {
        let emulator = Emulator::start();
        let output = Command::new(python())
            .arg(workspace_root().join("tests/emulator/build_accounts.py"))
            .args(["--endpoint-url", &emulator.endpoint])
            .args(["--accounts", &ACCOUNTS.join(",")])
            .args(["--regions", REGIONS, "--instances-per-region", PER_REGION])
            // The trail is made in us-east-1, its bucket lives in ap-southeast-2.
            .args(["--trail-bucket-region", "ap-southeast-2"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        emulator
    })
}

/// Collects `accounts` in `regions` through `endpoint` into `out/<account>/`; returns the wall
/// time.
fn collect(
    endpoint: &str,
    accounts: &[&str],
    regions: &str,
    out: &Path,
    extra: &[&str],
) -> Duration {
    let home = out.with_extension("home");
    std::fs::create_dir_all(&home).unwrap();
    let started = Instant::now();
    let output = rds_evidence_with_credentials(&home)
        .args(["collect", "--regions", regions, "--role-name", ROLE])
        .args(["--account-ids", &accounts.join(",")])
        .args(["--endpoint-url", endpoint])
        .args(extra)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    elapsed
}

fn snapshot(out: &Path, account: &str) -> Snapshot {
    rds_evidence_bundle::read_snapshot(&out.join(account).join("snapshot.json")).unwrap()
}

/// The account's findings, less the one value that follows the clock: moto reports the time
/// of the request as a database's latest restorable time.
fn findings(out: &Path, account: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join(account).join("findings.json")).unwrap();
    let mut findings: serde_json::Value = serde_json::from_str(&text).unwrap();
    for finding in findings.as_array_mut().unwrap() {
        if let Some(values) = finding.get_mut("values").and_then(|v| v.as_object_mut()) {
            values.remove("latest_restorable_time");
        }
    }
    findings
}

/// Unknowns a slow or throttling account must not cause.
fn timeouts_or_throttling(snapshot: &Snapshot) -> Vec<String> {
    snapshot
        .gaps()
        .into_iter()
        .filter(|gap| {
            matches!(
                gap.why.kind,
                FailureKind::Throttled | FailureKind::Unreachable
            )
        })
        .map(|gap| format!("{} {}: {}", gap.region, gap.subject, gap.why))
        .collect()
}

/// `scripts/floor.py` on the snapshots: requests against the floor, and the critical path.
fn floor(out: &Path, accounts: &[&str], proxy_args: &[&str]) -> serde_json::Value {
    let output = Command::new(python())
        .arg(workspace_root().join("scripts/floor.py"))
        .arg("--assumed-role")
        .args(proxy_args)
        .args(
            accounts
                .iter()
                .map(|a| out.join(a).join("snapshot.json"))
                .collect::<Vec<PathBuf>>(),
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn six_accounts_far_away_and_throttled_find_what_a_direct_run_finds() {
    let emulator = emulator();
    let near = Proxy::start(&emulator.endpoint, &["--latency-ms", "0-0"]);
    let far_args = ["--latency-ms", "40-150", "--account-rate", "20"];
    let proxy = Proxy::start(&emulator.endpoint, &far_args);
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline");
    let baseline_wall = collect(&near.endpoint, &ACCOUNTS, REGIONS, &baseline, &[]);
    let far_away = dir.path().join("far");
    let wall = collect(&proxy.endpoint, &ACCOUNTS, REGIONS, &far_away, &[]);

    for account in ACCOUNTS {
        let snapshot = snapshot(&far_away, account);
        assert_eq!(timeouts_or_throttling(&snapshot), Vec::<String>::new());
        assert_eq!(gaps_beyond_emulator(&snapshot), Vec::<String>::new());
        let (far, near) = (findings(&far_away, account), findings(&baseline, account));
        let only = |a: &serde_json::Value, b: &serde_json::Value| -> Vec<serde_json::Value> {
            let b = b.as_array().unwrap();
            a.as_array()
                .unwrap()
                .iter()
                .filter(|f| !b.contains(f))
                .cloned()
                .collect()
        };
        assert_eq!(
            (only(&far, &near), only(&near, &far)),
            (Vec::new(), Vec::new()),
            "{account}: findings far away and not near, near and not far away"
        );
    }
    let stats = proxy.stats();
    let throttled: u64 = stats["throttled"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert!(throttled > 0, "the proxy throttled nothing: {stats}");
    let floor = floor(&far_away, &ACCOUNTS, &far_args);
    println!(
        "6 accounts × 3 regions, 288 databases, 40–150 ms a request, 20 a second per account: \
         {:.1} s ({:.1} s without latency and limits); the floor's critical path {} s; {} \
         requests (floor {}), {throttled} throttled and retried",
        wall.as_secs_f64(),
        baseline_wall.as_secs_f64(),
        floor["critical_path_s"],
        floor["requests"],
        floor["floor"],
    );
}

#[test]
fn credentials_expiring_mid_run_are_refreshed_and_queued_requests_do_not_time_out() {
    let emulator = emulator();
    // Each request takes 200 ms and one goes at a time: requests wait far longer than their
    // three-second timeout for their turn (which leaves room for a loaded CI machine), and the role's credentials, good for 14 seconds, are
    // refreshed several times while they wait.
    let proxy = Proxy::start(
        &emulator.endpoint,
        &["--latency-ms", "200-200", "--credential-lifetime", "14"],
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let account = ACCOUNTS[0];
    let wall = collect(
        &proxy.endpoint,
        &[account],
        "us-east-1",
        &out,
        &[
            "--concurrency",
            "1",
            "--call-timeout",
            "3",
            "--max-attempts",
            "2",
        ],
    );
    let snapshot = snapshot(&out, account);
    assert_eq!(timeouts_or_throttling(&snapshot), Vec::<String>::new());
    assert_eq!(gaps_beyond_emulator(&snapshot), Vec::<String>::new());
    let stats = proxy.stats();
    assert_eq!(stats["expired"], 0, "{stats}");
    assert!(
        stats["assumed_roles"].as_u64().unwrap() >= 2,
        "the run outlived its first credentials and refreshed them: {wall:?}, {stats}"
    );
}

#[test]
fn a_recording_made_far_from_us_east_1_replays() {
    let emulator = emulator();
    // S3 redirects a bucket addressed in the wrong region, as AWS does and moto does not.
    let proxy = Proxy::start(&emulator.endpoint, &["--latency-ms", "0-0"]);
    let dir = tempfile::tempdir().unwrap();
    let account = ACCOUNTS[1];
    let recording = dir.path().join("recording");
    let recorded = dir.path().join("recorded");
    // Home region eu-west-1: the trail's bucket answers from ap-southeast-2, and IAM, a global
    // service, is signed for eu-west-1 through the endpoint (for us-east-1 on AWS, and when
    // replayed).
    let record = ["--record".to_owned(), recording.display().to_string()];
    let record: Vec<&str> = record.iter().map(String::as_str).collect();
    collect(&proxy.endpoint, &[account], "eu-west-1", &recorded, &record);
    assert!(proxy.stats()["redirected"].as_u64().unwrap() > 0);
    let live = snapshot(&recorded, account);
    let buckets = &live.account_wide.trail_buckets;
    assert_eq!(buckets.len(), 1);
    assert!(
        buckets[0].public_access_block.is_known(),
        "read where the bucket lives: {buckets:?}"
    );

    let replayed = dir.path().join("replayed");
    let output = common::rds_evidence(dir.path())
        .args(["collect", "--account-ids", account, "--role-name", ROLE])
        .arg("--replay")
        .arg(&recording)
        .arg("--out")
        .arg(&replayed)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(
        common::comparable(&snapshot(&replayed, account)),
        common::comparable(&live)
    );
}

#[test]
fn roles_given_by_name_are_in_the_callers_partition() {
    let emulator = emulator();
    // The proxy refuses a role ARN of another partition than the region's, as STS does.
    let proxy = Proxy::start(&emulator.endpoint, &["--latency-ms", "0-0"]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let account = ACCOUNTS[2];
    collect(&proxy.endpoint, &[account], "us-gov-west-1", &out, &[]);
    let snapshot = snapshot(&out, account);
    assert!(
        snapshot.account.caller_arn.starts_with(&format!(
            "arn:aws-us-gov:sts::{account}:assumed-role/{ROLE}/"
        )),
        "{}",
        snapshot.account.caller_arn
    );
    assert_eq!(proxy.stats()["other_partition"], 0);
}
