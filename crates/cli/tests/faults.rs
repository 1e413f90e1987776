//! Faults survived, offline: the demo recording replayed through the fault-injecting HTTP
//! layer (`--inject-faults`). Transient faults are retried away; a permanent denial costs
//! exactly the evidence it denies; `--timeout` ends a run that cannot finish.

mod common;

use std::path::Path;

use common::{collect_snapshot, comparable, fixture, gaps_beyond_emulator, rds_evidence, stderr};
use rds_evidence_controls::{Finding, Outcome};
use rds_evidence_inventory::{FailureKind, Snapshot};

fn replay(home: &Path, name: &str, extra: &[&str]) -> (Snapshot, Vec<Finding>) {
    let out = home.join(name);
    let mut command = rds_evidence(home);
    command
        .args(["collect", "--replay"])
        .arg(fixture("emulator-demo"))
        .args(extra);
    let (snapshot, _) = collect_snapshot(command, &out);
    let findings =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    (snapshot, findings)
}

#[test]
fn thirty_percent_transient_faults_leave_the_snapshot_unchanged() {
    let home = tempfile::tempdir().unwrap();
    let (clean, clean_findings) = replay(home.path(), "clean", &[]);
    let faults = "rate=0.3,seed=11,kinds=throttle+5xx+reset+slow,slow-ms=1500";
    let (faulty, faulty_findings) = replay(
        home.path(),
        "faulty",
        &["--inject-faults", faults, "--call-timeout", "1"],
    );
    assert_eq!(comparable(&clean), comparable(&faulty));
    assert_eq!(clean_findings, faulty_findings);
    let retried = faulty.calls.iter().filter(|c| c.attempts > 1).count();
    assert!(
        retried * 5 > faulty.calls.len(),
        "about 30% of {} calls retried, not {retried}",
        faulty.calls.len()
    );
}

#[test]
fn a_permanent_denial_costs_only_the_evidence_it_denies() {
    let home = tempfile::tempdir().unwrap();
    let (_, clean_findings) = replay(home.path(), "clean", &[]);
    let (denied, denied_findings) = replay(
        home.path(),
        "denied",
        &["--inject-faults", "deny=kms:GetKeyPolicy"],
    );
    let gaps = gaps_beyond_emulator(&denied);
    assert!(!gaps.is_empty());
    for gap in denied.gaps() {
        if gap.why.action == "kms:GetKeyPolicy" {
            assert_eq!(gap.why.kind, FailureKind::AccessDenied, "{}", gap.why);
        } else {
            assert!(
                common::EMULATOR_GAPS.contains(&gap.why.action.as_str()),
                "{}",
                gap.why
            );
        }
    }
    let changed: Vec<_> = clean_findings
        .iter()
        .zip(&denied_findings)
        .filter(|(clean, denied)| clean.outcome != denied.outcome)
        .collect();
    assert!(!changed.is_empty());
    for (clean, denied) in changed {
        assert_eq!(clean.check, "kms.key.policy_not_public", "{clean:?}");
        assert_eq!(denied.outcome, Outcome::InsufficientEvidence);
    }
}

#[test]
fn a_run_that_cannot_finish_in_time_ends_and_writes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("out");
    let output = rds_evidence(home.path())
        .args(["collect", "--replay"])
        .arg(fixture("emulator-demo"))
        .arg("--out")
        .arg(&out)
        .args([
            "--inject-faults",
            "rate=1,kinds=slow,slow-ms=5000",
            "--timeout",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--timeout 2s"),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
}

#[test]
fn a_bad_fault_spec_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let output = rds_evidence(home.path())
        .args([
            "collect",
            "--inject-faults",
            "kinds=flood",
            "--out",
            "unused",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("'flood' is not a fault kind"));
}
