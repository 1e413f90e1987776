//! Least privilege, proven against the emulator with IAM enforcement switched on: the policy
//! `iam-policy` prints is enough for a full collection, a role missing one action loses
//! exactly the evidence that action provides, and one that may not read the credential report
//! lists the users instead.

mod common;

use std::path::Path;
use std::process::Command;

use common::{python, rds_evidence, stderr, stdout, workspace_root, Emulator};
use rds_evidence_controls::{Finding, Outcome};
use rds_evidence_inventory::iam::UsersSource;
use rds_evidence_inventory::{FailureKind, Snapshot};

const WITHHELD: &str = "kms:GetKeyPolicy";

/// Withheld from a third user: the users must then be listed (`ListUsers`, `ListAccessKeys`).
const REPORT: &str = "iam:GetCredentialReport";

/// Where moto 5.2.5's IAM enforcement disagrees with AWS: it checks these S3 calls against
/// permissions named after the API operation (AWS: `s3:GetBucketObjectLockConfiguration`,
/// `s3:GetBucketPublicAccessBlock`, `s3:GetEncryptionConfiguration`, which the policy grants),
/// and denies the AWS Backup listings and GuardDuty's `ListDetectors` to any policy (the
/// printed policy grants them: `permissions.rs` tests it holds every allow-listed action).
const EMULATOR_IAM_DIVERGENCES: &[&str] = &[
    "backup:ListBackupPlans",
    "backup:ListBackupVaults",
    "guardduty:ListDetectors",
    "s3:GetBucketEncryption",
    "s3:GetObjectLockConfiguration",
    "s3:GetPublicAccessBlock",
];

struct Credentials {
    access_key_id: String,
    secret_access_key: String,
}

/// Collects and evaluates the demo estate as `user`; returns the snapshot and the findings.
fn collect_as(
    emulator: &Emulator,
    user: &Credentials,
    home: &Path,
    name: &str,
) -> (Snapshot, Vec<Finding>) {
    let out = home.join(name);
    let output = rds_evidence(home)
        .arg("-vv")
        .env("AWS_ACCESS_KEY_ID", &user.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &user.secret_access_key)
        .args(["collect", "--regions", "us-east-1,eu-west-1"])
        .args(["--endpoint-url", &emulator.endpoint, "--max-attempts", "2"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 4)),
        "collect as {name} failed:\n{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    // Debug logging on: still no credential in what the tool prints.
    for printed in [stdout(&output), stderr(&output)] {
        assert!(
            !printed.contains(&user.secret_access_key),
            "secret key logged"
        );
        common::assert_no_secret_in(&printed, "collect -vv output");
    }
    let snapshot = rds_evidence_bundle::read_snapshot(&out.join("snapshot.json")).unwrap();
    let findings =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    (snapshot, findings)
}

/// The demo estate, users limited to the printed policy (one without [`WITHHELD`], one without
/// [`REPORT`]), and IAM enforcement on.
fn enforced_estate(home: &Path) -> (Emulator, [Credentials; 3]) {
    let emulator = Emulator::start();
    emulator.build_demo_estate();
    let printed = rds_evidence(home).arg("iam-policy").output().unwrap();
    assert!(printed.status.success(), "{}", stderr(&printed));
    let policy = home.join("policy.json");
    std::fs::write(&policy, &printed.stdout).unwrap();
    let output = Command::new(python())
        .arg(workspace_root().join("tests/emulator/least_privilege.py"))
        .args(["--endpoint-url", &emulator.endpoint])
        .args(["--without", WITHHELD, "--without", REPORT])
        .arg("--policy")
        .arg(&policy)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let users: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let user = |name: &str| Credentials {
        access_key_id: users[name]["access_key_id"].as_str().unwrap().to_owned(),
        secret_access_key: users[name]["secret_access_key"]
            .as_str()
            .unwrap()
            .to_owned(),
    };
    let without = |action: &str| user(&format!("auditor-without-{}", action.replace(':', "-")));
    (
        emulator,
        [user("auditor"), without(WITHHELD), without(REPORT)],
    )
}

#[test]
fn the_printed_policy_is_enough_and_a_missing_action_costs_only_its_evidence() {
    let home = tempfile::tempdir().unwrap();
    let (emulator, [auditor, limited, no_report]) = enforced_estate(home.path());

    let (full, full_findings) = collect_as(&emulator, &auditor, home.path(), "full");
    let denied: Vec<String> = full
        .gaps()
        .into_iter()
        .filter(|gap| !common::EMULATOR_GAPS.contains(&gap.why.action.as_str()))
        .map(|gap| {
            assert_eq!(gap.why.kind, FailureKind::AccessDenied, "{}", gap.why);
            gap.why.action.clone()
        })
        .collect();
    for action in &denied {
        assert!(
            EMULATOR_IAM_DIVERGENCES.contains(&action.as_str()),
            "the printed policy must allow {action}"
        );
    }
    assert!(full.regions.iter().any(|r| !r.kms_keys.is_empty()));

    let (partial, partial_findings) = collect_as(&emulator, &limited, home.path(), "limited");
    let gaps = partial.gaps();
    let beyond: Vec<_> = gaps
        .iter()
        .filter(|gap| !common::EMULATOR_GAPS.contains(&gap.why.action.as_str()))
        .collect();
    assert!(!beyond.is_empty(), "withholding {WITHHELD} must show");
    for gap in beyond
        .iter()
        .filter(|gap| !EMULATOR_IAM_DIVERGENCES.contains(&gap.why.action.as_str()))
    {
        assert_eq!(gap.why.action, WITHHELD, "{} {}", gap.region, gap.subject);
        assert_eq!(gap.why.kind, FailureKind::AccessDenied, "{}", gap.why);
    }

    // Only the findings built on key policies change, and only to insufficient evidence.
    assert_eq!(full_findings.len(), partial_findings.len());
    let mut changed = 0;
    for (with, without) in full_findings.iter().zip(&partial_findings) {
        assert_eq!(with.resource, without.resource);
        if with.outcome != without.outcome {
            changed += 1;
            assert_eq!(with.check, "kms.key.policy_not_public", "{with:?}");
            assert_eq!(without.outcome, Outcome::InsufficientEvidence);
            assert!(without.detail.contains(WITHHELD), "{}", without.detail);
        }
    }
    assert!(changed > 0, "a key policy check lost its evidence");

    // Without the credential report the users are listed instead: each user of the report is
    // there with the same active keys, and their rotation is judged as from the report.
    let (listed, listed_findings) = collect_as(&emulator, &no_report, home.path(), "no-report");
    match &listed.account_wide.iam.users_source {
        UsersSource::UserListing { report } => {
            assert_eq!(report.action, REPORT);
            assert_eq!(report.kind, FailureKind::AccessDenied, "{report}");
        }
        other => panic!("users read from {other:?}, not listed"),
    }
    let users = |snapshot: &Snapshot| {
        snapshot
            .account_wide
            .iam
            .users
            .value()
            .expect("users read")
            .iter()
            .map(|u| (u.user.clone(), u.active_access_key_ages_days.clone()))
            .collect::<Vec<_>>()
    };
    let (reported, listed_users) = (users(&full), users(&listed));
    assert!(!reported.is_empty());
    // The report was generated before the auditors were made; the listing has them too.
    for user in &reported {
        assert!(listed_users.contains(user), "{user:?} not listed alike");
    }
    let rotation = |findings: &[Finding]| {
        findings
            .iter()
            .filter(|f| f.check == "iam.users.access_keys_rotated")
            .filter(|f| reported.iter().any(|(user, _)| f.resource.id == *user))
            .map(|f| (f.resource.id.clone(), f.outcome))
            .collect::<Vec<_>>()
    };
    assert!(!rotation(&full_findings).is_empty());
    assert_eq!(rotation(&listed_findings), rotation(&full_findings));
}
