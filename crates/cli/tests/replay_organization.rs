//! Offline: an AWS Organization, from `fixtures/organization`, hand-written in the real wire
//! formats (the emulator has no organizations): two member accounts see the organization
//! trail, owned by the management account 111122223333, which also holds the organization's
//! CloudTrail Lake event data store; the trail's bucket lives in the log-archive account
//! 222233334444. What the members cannot read is read there, once, and credited to both.
//! The recording answers only what concerns the trail, its bucket and the event data stores:
//! the rest is recorded as unavailable.

mod common;

use std::path::Path;

use common::{fixture, rds_evidence, stderr, stdout};
use rds_evidence_controls::{evaluate, Attestations, Finding, Outcome, Profile};
use rds_evidence_inventory::{Observed, Snapshot};

const MANAGEMENT: &str = "111122223333";
const LOG_ARCHIVE: &str = "222233334444";
const MEMBERS: [&str; 2] = ["333344445555", "444455556666"];

/// Replays every member of `fixtures/organization` with `organization` as the accounts file's
/// `[organization]` table, and `extra` arguments.
fn replay(dir: &Path, organization: &str, extra: &[&str]) -> Vec<Snapshot> {
    let accounts = dir.join("accounts.toml");
    let members: String = MEMBERS
        .iter()
        .map(|id| format!("[[account]]\nid = \"{id}\"\n"))
        .collect();
    std::fs::write(&accounts, format!("{members}\n{organization}")).unwrap();
    let out = dir.join("out");
    let output = rds_evidence(dir)
        .args([
            "collect",
            "--no-evaluate",
            "--role-name",
            "RdsEvidenceReadOnly",
        ])
        .arg("--accounts")
        .arg(&accounts)
        .arg("--replay")
        .arg(fixture("organization"))
        .args(["--replay-missing", "record-as-unavailable"])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(4),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    MEMBERS
        .iter()
        .map(|id| rds_evidence_bundle::read_snapshot(&out.join(id).join("snapshot.json")).unwrap())
        .collect()
}

fn finding(snapshot: &Snapshot, check: &str) -> Finding {
    evaluate(snapshot, &Profile::builtin(), &Attestations::default())
        .findings
        .into_iter()
        .find(|f| f.check == check)
        .unwrap_or_else(|| panic!("no finding of {check}"))
}

#[test]
fn members_are_credited_with_what_the_organizations_accounts_show_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let organization = format!(
        "[organization]\nmanagement = {{ id = \"{MANAGEMENT}\" }}\n\
         log_archive = {{ id = \"{LOG_ARCHIVE}\" }}\n"
    );
    // Each organization account answers each read once: a second read would be throttled.
    let once = "exhaust=cloudtrail:GetEventSelectors:1+cloudtrail:ListEventDataStores:1+\
                cloudtrail:GetEventDataStore:1+s3:GetBucketVersioning:1+s3:GetBucketPolicy:1";
    let snapshots = replay(
        dir.path(),
        &organization,
        &["--inject-faults", once, "--max-attempts", "1"],
    );
    for snapshot in &snapshots {
        let trails = snapshot.account_wide.trails.value().unwrap();
        let trail = &trails[0];
        assert!(trail.organization_trail);
        assert_eq!(trail.owner_account(), Some(MANAGEMENT));
        assert_eq!(trail.logging, Observed::Value(true), "read by the member");
        assert_eq!(trail.management_events, Observed::Value(Some("All".into())));
        assert_eq!(trail.selectors_read_in.as_deref(), Some(MANAGEMENT));

        let bucket = &snapshot.account_wide.trail_buckets[0];
        assert_eq!(bucket.read_in.as_deref(), Some(LOG_ARCHIVE));
        assert_eq!(bucket.versioning, Observed::Value(Some("Enabled".into())));
        assert_eq!(bucket.object_lock, Observed::Value(true));
        assert!(bucket.has_policy.value().copied().unwrap());

        let stores = snapshot.regions[0].event_data_stores.value().unwrap();
        assert_eq!(stores.len(), 1);
        assert_eq!(stores[0].name.as_deref(), Some("org-lake"));
        assert_eq!(stores[0].read_in.as_deref(), Some(MANAGEMENT));

        // The calls that showed it are in each member's log, marked with their account.
        let credited = |action: &str| {
            snapshot
                .calls
                .iter()
                .find(|c| c.action == action && c.account.is_some())
                .and_then(|c| c.account.clone())
        };
        assert_eq!(
            credited("cloudtrail:GetEventSelectors").as_deref(),
            Some(MANAGEMENT)
        );
        assert_eq!(
            credited("cloudtrail:GetEventDataStore").as_deref(),
            Some(MANAGEMENT)
        );
        assert_eq!(
            credited("s3:GetBucketVersioning").as_deref(),
            Some(LOG_ARCHIVE)
        );

        let trail = finding(snapshot, "cloudtrail.account.multi_region_trail");
        assert_eq!(trail.outcome, Outcome::Pass, "{}", trail.detail);
        assert_eq!(trail.values["selectors_read_in"], MANAGEMENT);
        let bucket = finding(snapshot, "cloudtrail.bucket.protected");
        assert_eq!(bucket.outcome, Outcome::Pass, "{}", bucket.detail);
    }
    assert_eq!(
        snapshots[0].account_wide.trails,
        snapshots[1].account_wide.trails
    );
}

#[test]
fn without_the_organizations_accounts_the_findings_say_what_to_add() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = &replay(dir.path(), "", &[])[0];
    let trail = &snapshot.account_wide.trails.value().unwrap()[0];
    assert_eq!(trail.logging, Observed::Value(true));
    let why = trail.management_events.unavailable().unwrap();
    assert!(
        why.message
            .contains("[organization] management = { id = \"111122223333\" }"),
        "{why}"
    );
    let bucket = &snapshot.account_wide.trail_buckets[0];
    assert_eq!(bucket.read_in, None);
    let why = bucket.versioning.unavailable().unwrap();
    assert!(why.message.contains("[organization] log_archive"), "{why}");

    let trail = finding(snapshot, "cloudtrail.account.multi_region_trail");
    assert_eq!(trail.outcome, Outcome::InsufficientEvidence);
    assert!(
        trail.detail.contains("[organization] management"),
        "{}",
        trail.detail
    );
    let bucket = finding(snapshot, "cloudtrail.bucket.protected");
    assert_eq!(bucket.outcome, Outcome::InsufficientEvidence);
    assert!(
        bucket.detail.contains("[organization] log_archive"),
        "{}",
        bucket.detail
    );
}
