//! Scheduled runs against the emulator: three customers' accounts collected by `run --config`
//! into an S3 store (a versioned bucket) in two shards, a change in one account, a second run
//! whose diff finds exactly that change, and the portfolio over the three customers.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Output, Stdio};

use common::{python, rds_evidence_with_credentials, stderr, stdout, workspace_root, Emulator};

const ACME: &str = "111111111111";
const GLOBEX: &str = "222222222222";
const INITECH: &str = "333333333333";
const BUCKET: &str = "partner-evidence";
/// The emulator's own account, which owns the buckets made in it.
const OWNER: &str = "123456789012";

fn portfolio_script(emulator: &Emulator, args: &[&str]) -> serde_json::Value {
    let output = Command::new(python())
        .arg(workspace_root().join("tests/emulator/build_portfolio.py"))
        .args(["--endpoint-url", &emulator.endpoint])
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

struct Schedule {
    emulator: Emulator,
    dir: tempfile::TempDir,
    /// Receives the runs' notifications; stops when its stdin closes with the test.
    _webhook: (Child, ChildStdin),
}

/// Starts tests/emulator/webhook_sink.py writing to `received`; returns it and its URL.
fn webhook_sink(received: &Path) -> ((Child, ChildStdin), String) {
    let mut child = Command::new(python())
        .arg(workspace_root().join("tests/emulator/webhook_sink.py"))
        .arg(received)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut port = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let url = format!("http://127.0.0.1:{}/hooks/rds-evidence", port.trim());
    ((child, stdin), url)
}

impl Schedule {
    fn new() -> Schedule {
        let dir = tempfile::tempdir().unwrap();
        // moto records every request it serves here, headers included, once told to start.
        let emulator =
            Emulator::start_with(&[("MOTO_RECORDER_FILEPATH", &dir.path().join("requests.jsonl"))]);
        let accounts = format!("{ACME}:postgres,{GLOBEX}:postgres,{INITECH}:mysql");
        portfolio_script(&emulator, &["build", "--accounts", &accounts]);
        portfolio_script(&emulator, &["bucket", "--name", BUCKET]);
        let mut listed = String::new();
        for (id, customer) in [(ACME, "Acme"), (GLOBEX, "Globex"), (INITECH, "Initech")] {
            listed.push_str(&format!(
                "[[account]]\nid = \"{id}\"\nlabels = {{ customer = \"{customer}\" }}\n\n"
            ));
        }
        std::fs::write(dir.path().join("accounts.toml"), listed).unwrap();
        let (webhook, url) = webhook_sink(&dir.path().join("notifications.jsonl"));
        std::fs::write(
            dir.path().join("run.toml"),
            format!(
                "store = \"s3://{BUCKET}/rds\"\nstore_bucket_owner = \"{OWNER}\"\n\
                 accounts = \"accounts.toml\"\nrole_name = \"RdsEvidenceReadOnly\"\n\
                 regions = [\"us-east-1\"]\nstore_cache = \"cache\"\n\n[notify]\n\
                 webhook_url = \"{url}\"\n"
            ),
        )
        .unwrap();
        Schedule {
            emulator,
            dir,
            _webhook: webhook,
        }
    }

    /// The notifications received so far, oldest first.
    fn notifications(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("notifications.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    fn rds_evidence(&self, args: &[&str]) -> Output {
        rds_evidence_with_credentials(self.dir.path())
            .args(args)
            .args(["--endpoint-url", &self.emulator.endpoint])
            .output()
            .unwrap()
    }

    fn run(&self, shard: Option<&str>) -> Output {
        let config = self.dir.path().join("run.toml");
        // The sink listens on plain http, on loopback.
        let mut args = vec![
            "run",
            "--config",
            config.to_str().unwrap(),
            "--allow-insecure-webhook",
        ];
        if let Some(shard) = shard {
            args.extend(["--shard", shard]);
        }
        self.rds_evidence(&args)
    }

    fn store_args(&self) -> Vec<String> {
        vec![
            "--store".into(),
            format!("s3://{BUCKET}/rds"),
            "--store-cache".into(),
            self.dir.path().join("cache").display().to_string(),
            "--store-bucket-owner".into(),
            OWNER.into(),
            "--store-endpoint-url".into(),
            self.emulator.endpoint.clone(),
        ]
    }

    fn read_command(&self, args: &[&str]) -> Output {
        rds_evidence_with_credentials(self.dir.path())
            .args(args)
            .args(self.store_args())
            .output()
            .unwrap()
    }

    /// The S3 requests rds-evidence (not the test's own boto3) sent for the bucket since
    /// `record_requests`, each as its method and path, and its `x-amz-expected-bucket-owner`.
    fn bucket_requests(&self) -> Vec<(String, Option<String>)> {
        let text = std::fs::read_to_string(self.dir.path().join("requests.jsonl")).unwrap();
        // moto's server threads append to the file at once: a line may hold two requests.
        serde_json::Deserializer::from_str(&text)
            .into_iter::<serde_json::Value>()
            .map(Result::unwrap)
            .filter(|request| {
                let url = request["url"].as_str().unwrap_or_default();
                let agent = header(request, "user-agent").unwrap_or_default();
                url.contains(&format!("/{BUCKET}")) && agent.contains("aws-sdk-rust")
            })
            .map(|request| {
                let owner = header(&request, "x-amz-expected-bucket-owner");
                let what = format!(
                    "{} {}",
                    request["method"].as_str().unwrap_or_default(),
                    request["url"].as_str().unwrap_or_default()
                );
                (what, owner)
            })
            .collect()
    }

    fn record_requests(&self) {
        let script = format!(
            "import urllib.request;urllib.request.urlopen(urllib.request.Request(\
             '{}/moto-api/recorder/start-recording', method='POST'))",
            self.emulator.endpoint
        );
        let output = Command::new(python())
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    }

    /// The bucket's keys, listed with the emulator's own client.
    fn keys(&self) -> Vec<String> {
        let script = format!(
            "import boto3,json;s3=boto3.client('s3',region_name='us-east-1',endpoint_url='{}',\
             aws_access_key_id='testing',aws_secret_access_key='testing');\
             print(json.dumps([o['Key'] for p in s3.get_paginator('list_objects_v2')\
             .paginate(Bucket='{BUCKET}') for o in p.get('Contents',[])]))",
            self.emulator.endpoint
        );
        let output = Command::new(python())
            .args(["-c", &script])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

/// A header of a request moto recorded, by name in any case.
fn header(request: &serde_json::Value, name: &str) -> Option<String> {
    request["headers"]
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .and_then(|(_, value)| value.as_str().map(str::to_owned))
}

fn bundles_of(keys: &[String]) -> BTreeSet<(String, String)> {
    keys.iter()
        .filter_map(|k| k.strip_suffix("/manifest.json"))
        .filter_map(|k| {
            let mut parts = k.rsplitn(3, '/');
            let time = parts.next()?;
            let account = parts.next()?;
            Some((account.to_owned(), time.to_owned()))
        })
        .collect()
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

#[test]
fn scheduled_runs_shards_drift_and_portfolio() {
    let schedule = Schedule::new();
    schedule.record_requests();

    // Two shards of the first round cover every account exactly once.
    let mut first_round = Vec::new();
    for shard in ["0/2", "1/2"] {
        let output = schedule.run(Some(shard));
        assert_eq!(
            code(&output),
            Some(0),
            "{}\n{}",
            stdout(&output),
            stderr(&output)
        );
        first_round.push(stdout(&output));
    }
    let stored = bundles_of(&schedule.keys());
    let accounts: Vec<&str> = stored.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(accounts, [ACME, GLOBEX, INITECH], "{stored:?}");
    for (shard, printed) in first_round.iter().enumerate() {
        assert!(printed.contains(&format!("Shard {shard}/2")), "{printed}");
    }
    assert!(schedule.keys().contains(&"rds/index.json".to_owned()));
    assert!(schedule.keys().contains(&"rds/portfolio.json".to_owned()));
    // The store was reached through the run's --endpoint-url, and every request to the bucket
    // named its owner.
    let requests = schedule.bucket_requests();
    assert!(
        requests.iter().any(|(what, _)| what.starts_with("PUT")),
        "{requests:?}"
    );
    let unchecked: Vec<&String> = requests
        .iter()
        .filter(|(_, owner)| owner.as_deref() != Some(OWNER))
        .map(|(what, _)| what)
        .collect();
    assert!(
        unchecked.is_empty(),
        "without ExpectedBucketOwner: {unchecked:?}"
    );
    let notified = schedule.notifications();
    assert_eq!(
        notified.len(),
        2,
        "one notification per shard: {notified:?}"
    );
    let mut collected: Vec<&str> = notified
        .iter()
        .flat_map(|n| n["collected"].as_array().unwrap())
        .filter_map(|a| a.as_str())
        .collect();
    collected.sort_unstable();
    assert_eq!(collected, [ACME, GLOBEX, INITECH]);
    assert!(notified.iter().all(|n| n["exit_code"] == 0));

    // Acme turns Multi-AZ off, keeps one day of backups and opens its database to the world.
    portfolio_script(&schedule.emulator, &["drift", "--account", ACME]);
    // A second, later run (bundle names are per second).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let output = schedule.run(None);
    assert_eq!(
        code(&output),
        Some(3),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    let printed = stdout(&output);
    assert!(
        printed.contains(&format!("Regressed since the previous run: {ACME}")),
        "{printed}"
    );
    assert_eq!(bundles_of(&schedule.keys()).len(), 6);
    let last = schedule.notifications().pop().unwrap();
    assert_eq!(last["exit_code"], 3);
    assert_eq!(last["regressed"], serde_json::json!([ACME]));

    let acme = format!("{ACME}@latest");
    let before = format!("{ACME}@-1");
    let output = schedule.read_command(&["diff", &before, &acme, "--format", "json"]);
    assert_eq!(code(&output), Some(3), "{}", stderr(&output));
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let drift: BTreeSet<(String, String)> = diff["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["resource"]["id"].as_str().unwrap_or_default().to_owned(),
                d["attribute"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let database = format!("orders-{}", &ACME[8..]);
    let attributes: BTreeSet<&str> = drift.iter().map(|(_, a)| a.as_str()).collect();
    assert!(
        drift.contains(&(database.clone(), "multi_az".into())),
        "{drift:?}"
    );
    assert!(
        drift.contains(&(database.clone(), "backup_retention_days".into())),
        "{drift:?}"
    );
    assert!(
        attributes.iter().any(|a| a.contains("ingress")),
        "{drift:?}"
    );
    assert_eq!(drift.len(), 3, "exactly the three changes: {drift:?}");

    // The other customers did not change.
    for account in [GLOBEX, INITECH] {
        let output = schedule.read_command(&[
            "diff",
            &format!("{account}@-1"),
            &format!("{account}@latest"),
        ]);
        assert_eq!(
            code(&output),
            Some(0),
            "{}\n{}",
            stdout(&output),
            stderr(&output)
        );
    }

    // History of Acme: two runs.
    let output = schedule.read_command(&["history", ACME]);
    assert_eq!(code(&output), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("RDS-009"), "{}", stdout(&output));

    // The portfolio names three customers.
    let output = schedule.read_command(&["portfolio", "--format", "json"]);
    assert_eq!(code(&output), Some(0), "{}", stderr(&output));
    let portfolio: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let customers: BTreeSet<&str> = portfolio["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["customer"].as_str())
        .collect();
    assert_eq!(customers, BTreeSet::from(["Acme", "Globex", "Initech"]));

    // A bundle altered in the store is reported by name, never used.
    let cache = schedule.dir.path().join("cache");
    let latest = newest_bundle(&cache.join(ACME));
    std::fs::write(latest.join("report.md"), "altered").unwrap();
    let output = rds_evidence_with_credentials(schedule.dir.path())
        .args(["diff", &before, &acme, "--store"])
        .arg(&cache)
        .output()
        .unwrap();
    assert_eq!(code(&output), Some(1), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(error.contains("report.md"), "{error}");
    assert!(error.contains(ACME), "{error}");
}

/// A recording replayed twice into an S3 store is observed at the same second twice: the
/// second run is stored beside the first (`<time>-2/`), neither object overwritten.
#[test]
fn runs_of_the_same_second_are_both_kept_in_s3() {
    let emulator = Emulator::start();
    portfolio_script(&emulator, &["bucket", "--name", BUCKET]);
    let dir = tempfile::tempdir().unwrap();
    let replay = || {
        rds_evidence_with_credentials(dir.path())
            .args(["collect", "--replay"])
            .arg(common::fixture("emulator-demo"))
            .args(["--store", &format!("s3://{BUCKET}/replays")])
            .args(["--store-bucket-owner", OWNER])
            .args(["--store-endpoint-url", &emulator.endpoint])
            .arg("--store-cache")
            .arg(dir.path().join("cache"))
            .output()
            .unwrap()
    };
    for round in ["first", "second"] {
        let output = replay();
        assert_eq!(code(&output), Some(4), "{round}: {}", stderr(&output));
    }
    let script = format!(
        "import boto3,json;s3=boto3.client('s3',region_name='us-east-1',endpoint_url='{}',\
         aws_access_key_id='testing',aws_secret_access_key='testing');\
         print(json.dumps([o['Key'] for o in s3.list_objects_v2(Bucket='{BUCKET}',\
         Prefix='replays/')['Contents']]))",
        emulator.endpoint
    );
    let output = Command::new(python())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let keys: Vec<String> = serde_json::from_slice(&output.stdout).unwrap();
    let runs: BTreeSet<&str> = keys
        .iter()
        .filter_map(|k| k.strip_suffix("/manifest.json"))
        .collect();
    assert_eq!(
        runs,
        BTreeSet::from([
            "replays/000034941834/20261206T201815Z",
            "replays/000034941834/20261206T201815Z-2"
        ])
    );
}

fn newest_bundle(account_dir: &Path) -> std::path::PathBuf {
    let mut bundles: Vec<_> = std::fs::read_dir(account_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    bundles.sort();
    bundles.pop().unwrap()
}
