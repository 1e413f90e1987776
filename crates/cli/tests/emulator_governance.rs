//! End to end against the moto emulator: the governance part of the demo estate
//! (tests/emulator/estate_governance.py), collected once, checked against how it was built.
//! Account contacts are not served by moto: `replay_governance.rs` covers them.

mod common;

use common::{demo_collection, DemoCollection};
use rds_evidence_inventory::governance::{AlternateContact, PublicAccessBlock, Trail, TrailBucket};
use rds_evidence_inventory::{CallOutcome, Observed};

fn collected() -> &'static DemoCollection {
    demo_collection()
}

/// What the estate script built: `section` is `trails` (ARNs) or `trail_buckets` (names),
/// keyed by trail name.
fn built(section: &str, trail: &str) -> &'static str {
    collected().estate[section][trail]
        .as_str()
        .unwrap_or_else(|| panic!("estate has no {section} {trail}"))
}

fn trails() -> &'static [Trail] {
    collected()
        .snapshot
        .account_wide
        .trails
        .value()
        .expect("trails observed")
}

fn trail(name: &str) -> &'static Trail {
    trails()
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("trail {name} missing"))
}

/// moto 5.2.5 answers GetBucketVersioning with a `GetBucketVersioningResponse` root element
/// where S3 sends `VersioningConfiguration`; boto3 ignores the root, the Rust SDK rejects the
/// response. So versioning reads as unknown here, never as a guessed value; the real-shapes
/// fixture covers the real response.
fn assert_versioning_unknown(bucket: &TrailBucket) {
    for field in [&bucket.versioning, &bucket.mfa_delete] {
        let why = field
            .unavailable()
            .expect("moto's versioning answer is not readable");
        assert_eq!(why.action, "s3:GetBucketVersioning");
    }
}

fn bucket(name: &str) -> &'static TrailBucket {
    collected()
        .snapshot
        .account_wide
        .trail_buckets
        .iter()
        .find(|b| b.name == name)
        .unwrap_or_else(|| panic!("bucket {name} missing"))
}

#[test]
fn both_trails_once_in_name_order() {
    let names: Vec<&str> = trails().iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["dev-trail", "org-audit-trail"]);
}

#[test]
fn multi_region_audit_trail() {
    let audit = trail("org-audit-trail");
    assert_eq!(
        audit.arn.as_deref(),
        Some(built("trails", "org-audit-trail"))
    );
    assert_eq!(audit.home_region.as_deref(), Some("us-east-1"));
    assert!(audit.multi_region);
    assert!(!audit.organization_trail);
    assert!(audit.log_file_validation);
    assert_eq!(
        audit.kms_key_id.as_deref(),
        collected().estate["trail_kms_key"].as_str()
    );
    assert_eq!(
        audit.s3_bucket.as_deref(),
        Some(built("trail_buckets", "org-audit-trail"))
    );
    assert_eq!(audit.cloudwatch_logs_log_group_arn, None);
    assert_eq!(audit.logging, Observed::Value(true));
    assert_eq!(audit.management_events, Observed::Value(Some("All".into())));
}

#[test]
fn single_region_dev_trail() {
    let dev = trail("dev-trail");
    assert_eq!(dev.arn.as_deref(), Some(built("trails", "dev-trail")));
    assert!(!dev.multi_region);
    assert!(!dev.log_file_validation);
    assert_eq!(dev.kms_key_id, None);
    assert_eq!(
        dev.s3_bucket.as_deref(),
        Some(built("trail_buckets", "dev-trail"))
    );
    assert_eq!(dev.logging, Observed::Value(false));
    assert_eq!(
        dev.management_events,
        Observed::Value(Some("WriteOnly".into()))
    );
}

#[test]
fn protected_audit_bucket() {
    let audit = bucket(built("trail_buckets", "org-audit-trail"));
    assert_versioning_unknown(audit);
    assert_eq!(audit.object_lock, Observed::Value(false));
    assert_eq!(
        audit.public_access_block,
        Observed::Value(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }))
    );
    assert_eq!(
        audit.default_encryption,
        Observed::Value(Some("AES256".into()))
    );
    assert_eq!(audit.has_policy, Observed::Value(true));
}

#[test]
fn unprotected_dev_bucket_reads_as_not_configured_not_unknown() {
    let dev = bucket(built("trail_buckets", "dev-trail"));
    assert_versioning_unknown(dev);
    assert_eq!(dev.object_lock, Observed::Value(false));
    assert_eq!(dev.public_access_block, Observed::Value(None));
    assert_eq!(dev.default_encryption, Observed::Value(None));
    assert_eq!(dev.has_policy, Observed::Value(false));
}

#[test]
fn only_trail_buckets_are_read_each_once() {
    let names: Vec<&str> = collected()
        .snapshot
        .account_wide
        .trail_buckets
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    let mut expected = [
        built("trail_buckets", "dev-trail"),
        built("trail_buckets", "org-audit-trail"),
    ];
    expected.sort_unstable();
    assert_eq!(names, expected);
    let calls = |action: &str| {
        collected()
            .snapshot
            .calls
            .iter()
            .filter(|c| c.action == action)
            .count()
    };
    for action in [
        "s3:GetBucketVersioning",
        "s3:GetObjectLockConfiguration",
        "s3:GetPublicAccessBlock",
        "s3:GetBucketEncryption",
        "s3:GetBucketPolicy",
    ] {
        assert_eq!(calls(action), 2, "{action}");
    }
    assert_eq!(calls("cloudtrail:DescribeTrails"), 1);
    assert_eq!(calls("cloudtrail:GetTrailStatus"), 2);
    assert_eq!(calls("cloudtrail:GetEventSelectors"), 2);
}

#[test]
fn governance_calls_are_made_in_the_home_region_and_trails_are_complete() {
    let snapshot = &collected().snapshot;
    // The event history and the Lake event data stores are regional, not account-wide.
    let regional = ["cloudtrail:LookupEvents", "cloudtrail:ListEventDataStores"];
    for call in snapshot.calls.iter().filter(|c| {
        (c.action.starts_with("cloudtrail:") || c.action.starts_with("s3:"))
            && !regional.contains(&c.action.as_str())
    }) {
        assert_eq!(call.region, "us-east-1", "{call:?}");
        // "Not configured" answers are errors on the wire, values in the snapshot.
        if call.action.starts_with("cloudtrail:") {
            assert_eq!(call.outcome, CallOutcome::Ok, "{call:?}");
        }
    }
    let gaps: Vec<String> = snapshot
        .gaps()
        .iter()
        .filter(|g| g.region == "account")
        .map(|g| g.subject.clone())
        .filter(|s| s.contains("trail") || s.contains("bucket"))
        .filter(|s| !s.starts_with("versioning of") && !s.starts_with("MFA delete of"))
        .collect();
    assert!(gaps.is_empty(), "{gaps:?}");
}

#[test]
fn alternate_contacts_keep_no_personal_data() {
    let contacts = &collected().snapshot.account_wide.contacts;
    assert_eq!(
        contacts.alternate,
        Observed::Value(vec![AlternateContact {
            contact_type: "SECURITY".into(),
            email_domain: Some("example.com".into()),
            has_phone: true,
        }]),
        "billing and operations are unset: not found is a value"
    );
    let text = serde_json::to_string(&collected().snapshot).unwrap();
    let built = &collected().estate["security_contact"];
    for personal in ["EmailAddress", "Name", "PhoneNumber", "Title"] {
        let value = built[personal].as_str().unwrap();
        assert!(
            !text.contains(value),
            "{personal} {value} is in the snapshot"
        );
    }
}

#[test]
fn primary_contact_moto_does_not_serve_is_unknown_not_empty() {
    let primary = &collected().snapshot.account_wide.contacts.primary;
    let why = primary
        .unavailable()
        .expect("moto has no GetContactInformation");
    assert_eq!(why.action, "account:GetContactInformation");
}
