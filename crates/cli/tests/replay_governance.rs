//! Offline: governance on `fixtures/real-shapes`, hand-written in the real wire formats. Covers
//! what moto cannot serve (the primary account contact, S3 versioning as S3 sends it) and what
//! it does not model (shadow trails, advanced event selectors, SSE-KMS, "not configured" errors).

mod common;

use std::sync::OnceLock;

use common::{collect_snapshot, fixture, rds_evidence};
use rds_evidence_inventory::governance::{
    AccountWide, AlternateContact, PrimaryContact, PublicAccessBlock, Trail,
};
use rds_evidence_inventory::{Observed, Snapshot};

const BUCKET: &str = "aws-cloudtrail-logs-210987654321-5c1e7a2d";
/// The shadow trail's bucket, in eu-west-1: S3 redirects requests made from us-east-1.
const EU_BUCKET: &str = "eu-data-events-logs-210987654321";

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut command = rds_evidence(dir.path());
        // Missing responses become gaps, so that this test names governance's own (below)
        // whatever other collectors still lack; replay.rs requires none at all.
        command
            .args(["collect", "--no-evaluate"])
            .args(["--replay-missing", "record-as-unavailable", "--replay"])
            .arg(fixture("real-shapes"));
        collect_snapshot(command, &dir.path().join("out")).0
    })
}

fn account_wide() -> &'static AccountWide {
    &snapshot().account_wide
}

fn trail(name: &str) -> &'static Trail {
    account_wide()
        .trails
        .value()
        .expect("trails observed")
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("trail {name} missing"))
}

#[test]
fn own_and_shadow_trails_in_name_order() {
    let names: Vec<&str> = account_wide()
        .trails
        .value()
        .unwrap()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(names, ["eu-data-events", "management-events"]);
}

#[test]
fn home_region_trail_with_basic_selectors() {
    let main = trail("management-events");
    assert_eq!(main.home_region.as_deref(), Some("us-east-1"));
    assert!(main.multi_region && main.log_file_validation && !main.organization_trail);
    assert_eq!(
        main.kms_key_id.as_deref(),
        Some("arn:aws:kms:us-east-1:210987654321:key/7d4e1b2c-5a6f-4e3d-9c8b-1a2b3c4d5e6f")
    );
    assert!(main
        .cloudwatch_logs_log_group_arn
        .as_deref()
        .is_some_and(|arn| arn.starts_with("arn:aws:logs:us-east-1:210987654321:log-group:")));
    assert_eq!(main.s3_bucket.as_deref(), Some(BUCKET));
    assert_eq!(main.logging, Observed::Value(true));
    assert_eq!(main.management_events, Observed::Value(Some("All".into())));
}

#[test]
fn shadow_trail_is_read_by_arn_with_advanced_selectors() {
    let shadow = trail("eu-data-events");
    assert_eq!(shadow.home_region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        shadow.arn.as_deref(),
        Some("arn:aws:cloudtrail:eu-west-1:210987654321:trail/eu-data-events")
    );
    assert!(!shadow.log_file_validation);
    assert_eq!(shadow.kms_key_id, None);
    assert_eq!(shadow.logging, Observed::Value(false));
    // The data-event selector does not count; the management one is read-only.
    assert_eq!(
        shadow.management_events,
        Observed::Value(Some("ReadOnly".into()))
    );
}

#[test]
fn a_bucket_in_another_region_is_read_there_after_the_redirect() {
    let buckets = &account_wide().trail_buckets;
    let bucket = buckets.iter().find(|b| b.name == EU_BUCKET).unwrap();
    assert_eq!(bucket.versioning, Observed::Value(Some("Enabled".into())));
    assert_eq!(bucket.mfa_delete, Observed::Value(None));
    assert_eq!(bucket.object_lock, Observed::Value(false));
    assert_eq!(
        bucket.default_encryption,
        Observed::Value(Some("AES256".into()))
    );
    assert_eq!(bucket.has_policy, Observed::Value(true));
    let asked: Vec<(&str, &str)> = snapshot()
        .calls
        .iter()
        .filter(|c| c.action.starts_with("s3:") && c.region == "eu-west-1")
        .map(|c| (c.action.as_str(), c.region.as_str()))
        .collect();
    assert_eq!(
        asked.len(),
        5,
        "every setting asked in eu-west-1: {asked:?}"
    );
}

#[test]
fn each_bucket_is_read_once_and_no_lock_is_a_value() {
    let buckets = &account_wide().trail_buckets;
    assert_eq!(buckets.len(), 2, "{buckets:?}");
    let bucket = buckets.iter().find(|b| b.name == BUCKET).unwrap();
    assert_eq!(bucket.name, BUCKET);
    assert_eq!(bucket.versioning, Observed::Value(Some("Enabled".into())));
    assert_eq!(bucket.mfa_delete, Observed::Value(Some("Disabled".into())));
    assert_eq!(bucket.object_lock, Observed::Value(false));
    assert_eq!(
        bucket.public_access_block,
        Observed::Value(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }))
    );
    assert_eq!(
        bucket.default_encryption,
        Observed::Value(Some("aws:kms".into()))
    );
    assert_eq!(bucket.has_policy, Observed::Value(true));
}

#[test]
fn contacts_are_reduced_to_what_shows_they_are_set() {
    let contacts = &account_wide().contacts;
    assert_eq!(
        contacts.primary,
        Observed::Value(Some(PrimaryContact {
            company_name: Some("Example Corp".into()),
            country_code: Some("US".into()),
            has_phone: true,
        }))
    );
    // Billing is unset (ResourceNotFoundException): left out, not unknown.
    assert_eq!(
        contacts.alternate,
        Observed::Value(vec![
            AlternateContact {
                contact_type: "OPERATIONS".into(),
                email_domain: Some("gmail.com".into()),
                has_phone: true,
            },
            AlternateContact {
                contact_type: "SECURITY".into(),
                email_domain: Some("example.com".into()),
                has_phone: true,
            },
        ])
    );
}

#[test]
fn no_personal_data_or_policy_text_reaches_the_snapshot() {
    let text = serde_json::to_string(snapshot()).unwrap();
    for personal in [
        "Alex Example",
        "410 Terry Ave",
        "98109",
        "+12065550199",
        "Sam Oncall",
        "sam.oncall.42",
        "+12065550142",
        "Security Operations",
        "security-team",
        "AWSCloudTrailWrite",
    ] {
        assert!(!text.contains(personal), "{personal} is in the snapshot");
    }
}

#[test]
fn governance_has_no_gaps() {
    let gaps: Vec<String> = snapshot()
        .gaps()
        .iter()
        .filter(|g| g.region == "account")
        .filter(|g| !g.subject.starts_with("IAM") && !g.subject.contains("provider"))
        .map(|g| format!("{}: {:?}", g.subject, g.why))
        .collect();
    assert!(gaps.is_empty(), "{gaps:?}");
}
