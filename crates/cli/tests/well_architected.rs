//! A case study that names its Well-Architected review (`[case_study.wafr]`), replayed from
//! `fixtures/well-architected` (the `wellarchitected` REST-JSON responses as the API reference
//! gives them) beside the demo account's recording: a review with no high risk and nothing
//! unanswered in Security, Operational Excellence and Reliability exempts the common controls
//! and puts the exported report in the bundle; one high risk in Security exempts nothing.

mod common;

use std::path::{Path, PathBuf};

use common::{copy_dir, fixture, rds_evidence, stderr, stdout};
use rds_evidence_controls::{ControlVerdict, Verdict};

const ACCOUNT: &str = "444455556666";

/// The demo account's recording under the account's id and the reviews beside it: the layout
/// `collect --case-study --record` writes.
fn replay_dir(root: &Path) -> PathBuf {
    let replay = root.join("replay");
    copy_dir(&fixture("demo"), &replay.join(ACCOUNT));
    copy_dir(
        &fixture("well-architected"),
        &replay.join("well-architected"),
    );
    replay
}

fn case_study(dir: &Path, id: &str, workload: &str) -> PathBuf {
    let path = dir.join(format!("{id}.toml"));
    std::fs::write(
        &path,
        format!(
            "[case_study]\nid = \"{id}\"\ncustomer = \"Example Shop Ltd\"\n\
             engine = \"aurora-postgresql\"\nattestations = \"{}\"\n\n\
             [[case_study.account]]\nid = \"{ACCOUNT}\"\n\
             role_arn = \"arn:aws:iam::{ACCOUNT}:role/RdsEvidenceReadOnly\"\n\
             regions = [\"us-east-1\", \"us-west-2\"]\nenvironment = \"production\"\n\n\
             [case_study.scope]\ntags = {{ Application = \"shop\" }}\n\n\
             [case_study.wafr]\n\
             workload = \"arn:aws:wellarchitected:us-east-1:{ACCOUNT}:workload/{workload}\"\n",
            fixture("demo/attestations.toml").display()
        ),
    )
    .unwrap();
    path
}

/// `collect --case-study` for each (id, workload) pair, replayed; returns `--out` and the run.
fn collect_case_studies(dir: &Path, cases: &[(&str, &str)]) -> (PathBuf, std::process::Output) {
    let out = dir.join("out");
    let mut command = rds_evidence(dir);
    command.arg("collect");
    for (id, workload) in cases {
        command
            .arg("--case-study")
            .arg(case_study(dir, id, workload));
    }
    let output = command
        .arg("--replay")
        .arg(replay_dir(dir))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    (out, output)
}

fn controls(bundle: &Path) -> Vec<ControlVerdict> {
    serde_json::from_slice(&std::fs::read(bundle.join("controls.json")).unwrap()).unwrap()
}

#[test]
fn a_clear_review_exempts_the_common_controls_and_a_high_risk_exempts_none() {
    let dir = tempfile::tempdir().unwrap();
    let (out, output) = collect_case_studies(
        dir.path(),
        &[
            ("shop-clear", "4f1c9d2e7a8b6c5d4e3f2a1b0c9d8e7f"),
            ("shop-high-risk", "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"),
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );

    let clear = out.join("shop-clear");
    let verdicts = controls(&clear);
    let common: Vec<&ControlVerdict> = verdicts.iter().filter(|c| c.common).collect();
    assert!(!common.is_empty());
    for control in &common {
        assert_eq!(control.verdict, Verdict::ExemptWafr, "{}", control.control);
        assert!(
            control.narrative.contains("shop-orders"),
            "{}",
            control.narrative
        );
    }
    // The RDS-specific controls are judged on the account whatever the review says.
    assert!(verdicts
        .iter()
        .filter(|c| !c.common)
        .all(|c| c.verdict != Verdict::ExemptWafr));
    // The exported report is the evidence: in the bundle, decoded, and hashed in the manifest.
    let pdf = std::fs::read(clear.join("well-architected/lens-review-report.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let manifest = std::fs::read_to_string(clear.join("manifest.json")).unwrap();
    assert!(manifest.contains("well-architected/lens-review-report.pdf"));
    let snapshot = rds_evidence_bundle::read_snapshot(&clear.join("snapshot.json")).unwrap();
    let review = snapshot.well_architected.as_ref().unwrap();
    assert_eq!(review.milestones.value().map(Vec::len), Some(2));
    let called: std::collections::BTreeSet<&str> =
        snapshot.calls.iter().map(|c| c.action.as_str()).collect();
    for action in rds_evidence_collector::allow_list::CASE_STUDY_ACTIONS {
        assert!(called.contains(action), "{action} not called");
    }
    let report = std::fs::read_to_string(clear.join("report.md")).unwrap();
    assert!(report.contains("Well-Architected"), "{report}");

    let high_risk = out.join("shop-high-risk");
    for control in controls(&high_risk).iter().filter(|c| c.common) {
        assert_ne!(control.verdict, Verdict::ExemptWafr, "{}", control.control);
        assert!(
            control
                .narrative
                .contains("does not exempt it: Security: 1 high risk(s), 0 unanswered"),
            "{}",
            control.narrative
        );
    }
    // The review read is evidence still, beside the account's.
    assert!(high_risk
        .join("well-architected/lens-review-report.pdf")
        .exists());
}

#[test]
fn a_review_that_cannot_be_read_exempts_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // No recording answers this workload: as if the review's role were refused.
    let (out, output) = collect_case_studies(
        dir.path(),
        &[("shop-clear", "00000000000000000000000000000000")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bundle = out.join("shop-clear");
    for control in controls(&bundle).iter().filter(|c| c.common) {
        assert_ne!(control.verdict, Verdict::ExemptWafr, "{}", control.control);
        assert!(
            control.narrative.contains("could not be read"),
            "{}",
            control.narrative
        );
    }
    assert!(!bundle.join("well-architected").exists());
}
