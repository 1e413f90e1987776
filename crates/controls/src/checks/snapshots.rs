//! Manual snapshots: encryption and who they are shared with.

use rds_evidence_inventory::rds::DbSnapshot;
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::judge_each;
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &SNAPSHOT_ENCRYPTED,
    &SNAPSHOT_NOT_PUBLIC,
    &SNAPSHOT_NOT_SHARED_OUTSIDE_ACCOUNT,
];

check! {
    /// Manual DB and cluster snapshots are encrypted.
    ///
    /// Automated and AWS Backup snapshots take their encryption from the database they are taken
    /// of, which `rds.instance.storage_encrypted` and `rds.cluster.storage_encrypted` judge; only
    /// manual snapshots (copies can change encryption) are judged here.
    pub static SNAPSHOT_ENCRYPTED = Check {
        id: "rds.snapshot.encrypted",
        title: "Manual DB snapshots are encrypted",
        rationale: "A manual snapshot is a full copy of the database that outlives it and can be \
                    copied, shared and restored elsewhere; unencrypted, anyone who can restore it \
                    reads the data.",
        remediation: "Copy the snapshot with a KMS key (copy-db-snapshot / \
                      copy-db-cluster-snapshot with --kms-key-id), then delete the unencrypted \
                      original.",
        severity: Severity::High,
        scope: Scope::DbSnapshot,
        evaluate: snapshot_encrypted,
    };
}

fn snapshot_encrypted(ctx: &Context) -> Vec<Finding> {
    let check = &SNAPSHOT_ENCRYPTED;
    each_snapshot(check, ctx, |region, snapshot| {
        let resource = snapshot_resource(region, snapshot);
        match snapshot.snapshot_type.as_deref() {
            // An unreported type is judged too: whatever the type, the encryption flag is
            // what the snapshot holds.
            Some("manual") | None => {
                if snapshot.encrypted {
                    Finding::new(check, resource, Outcome::Pass, "snapshot encrypted")
                        .with("kms_key_id", &snapshot.kms_key_id)
                } else {
                    Finding::new(check, resource, Outcome::Fail, "snapshot not encrypted")
                }
            }
            Some(kind) => Finding::new(
                check,
                resource,
                Outcome::NotApplicable,
                format!("{kind} snapshot: encrypted as its source database, judged there"),
            ),
        }
        .with("snapshot_type", &snapshot.snapshot_type)
    })
}

check! {
    /// Manual snapshots are not public.
    pub static SNAPSHOT_NOT_PUBLIC = Check {
        id: "rds.snapshot.not_public",
        title: "Manual DB snapshots are not shared publicly",
        rationale: "A snapshot shared with `all` can be restored by every AWS account in the \
                    world: the whole database is published.",
        remediation: "Remove `all` from the snapshot's restore attribute \
                      (modify-db-snapshot-attribute --attribute-name restore \
                      --values-to-remove all).",
        severity: Severity::Critical,
        scope: Scope::DbSnapshot,
        evaluate: snapshot_not_public,
    };
}

fn snapshot_not_public(ctx: &Context) -> Vec<Finding> {
    let check = &SNAPSHOT_NOT_PUBLIC;
    each_snapshot(check, ctx, |region, snapshot| {
        let resource = snapshot_resource(region, snapshot);
        match sharing(snapshot) {
            Err((outcome, detail)) => Finding::new(check, resource, outcome, detail),
            Ok(accounts) if accounts.iter().any(|a| a == PUBLIC) => Finding::new(
                check,
                resource,
                Outcome::Fail,
                "snapshot is public: every AWS account can restore it",
            )
            .with("shared_with", accounts),
            Ok(accounts) => Finding::new(check, resource, Outcome::Pass, "snapshot not public")
                .with("shared_with", accounts),
        }
    })
}

check! {
    /// Manual snapshots are not shared with other accounts.
    pub static SNAPSHOT_NOT_SHARED_OUTSIDE_ACCOUNT = Check {
        id: "rds.snapshot.not_shared_outside_account",
        title: "Manual DB snapshots are not shared with other AWS accounts",
        rationale: "Every account a snapshot is shared with can restore its own copy of the \
                    database; sharing is legitimate only with accounts the customer owns (backup \
                    or DR accounts), which the partner must confirm for the accounts listed.",
        remediation: "Remove accounts that are not the customer's from the snapshot's restore \
                      attribute (modify-db-snapshot-attribute --values-to-remove), or document \
                      why each remaining account is the customer's own.",
        severity: Severity::High,
        scope: Scope::DbSnapshot,
        evaluate: snapshot_not_shared_outside_account,
    };
}

fn snapshot_not_shared_outside_account(ctx: &Context) -> Vec<Finding> {
    let check = &SNAPSHOT_NOT_SHARED_OUTSIDE_ACCOUNT;
    let own = ctx.snapshot.account.id.as_str();
    each_snapshot(check, ctx, |region, snapshot| {
        let resource = snapshot_resource(region, snapshot);
        match sharing(snapshot) {
            Err((outcome, detail)) => Finding::new(check, resource, outcome, detail),
            Ok(accounts) => {
                let outside: Vec<&String> = accounts.iter().filter(|a| *a != own).collect();
                if outside.is_empty() {
                    Finding::new(
                        check,
                        resource,
                        Outcome::Pass,
                        "snapshot not shared with any other account",
                    )
                } else {
                    let listed: Vec<&str> = outside
                        .iter()
                        .map(|a| {
                            if *a == PUBLIC {
                                "all (public)"
                            } else {
                                a.as_str()
                            }
                        })
                        .collect();
                    Finding::new(
                        check,
                        resource,
                        Outcome::Fail,
                        format!(
                            "snapshot shared outside account {own} with: {}",
                            listed.join(", ")
                        ),
                    )
                    .with("shared_with_accounts", outside)
                }
            }
        }
    })
}

/// The value of the restore attribute that makes a snapshot public.
const PUBLIC: &str = "all";

/// Judges every DB snapshot, then every cluster snapshot.
fn each_snapshot<'a>(
    check: &Check,
    ctx: &Context<'a>,
    mut judge: impl FnMut(&'a RegionSnapshot, &'a DbSnapshot) -> Finding,
) -> Vec<Finding> {
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_snapshots,
        |region, snapshot| Some(judge(region, snapshot)),
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_cluster_snapshots,
        |region, snapshot| Some(judge(region, snapshot)),
    ));
    findings
}

fn snapshot_resource(region: &RegionSnapshot, snapshot: &DbSnapshot) -> Resource {
    Resource::new(Scope::DbSnapshot, &region.region, &snapshot.identifier)
}

/// The accounts a snapshot is shared with, or the outcome and reason when they cannot be
/// judged.
fn sharing(snapshot: &DbSnapshot) -> Result<&Vec<String>, (Outcome, String)> {
    match (&snapshot.shared_with, snapshot.snapshot_type.as_deref()) {
        (Some(Observed::Value(accounts)), _) => Ok(accounts),
        (Some(Observed::Unknown(why)), _) => Err((
            Outcome::InsufficientEvidence,
            format!("sharing unknown: {why}"),
        )),
        (None, Some("manual")) => Err((
            Outcome::InsufficientEvidence,
            "sharing of this manual snapshot was not read".to_owned(),
        )),
        (None, None) => Err((
            Outcome::InsufficientEvidence,
            "snapshot type not reported and sharing not read".to_owned(),
        )),
        // Automated and AWS Backup snapshots cannot be shared; copies of them are manual.
        (None, Some(kind)) => Err((
            Outcome::NotApplicable,
            format!("{kind} snapshot: cannot be shared"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn with_snapshots(
        snapshots: Vec<DbSnapshot>,
        cluster_snapshots: Vec<DbSnapshot>,
    ) -> Vec<RegionSnapshot> {
        let mut east = region("us-east-1");
        east.db_snapshots = Observed::Value(snapshots);
        east.db_cluster_snapshots = Observed::Value(cluster_snapshots);
        vec![east]
    }

    fn automated(id: &str) -> DbSnapshot {
        let mut snapshot = db_snapshot(id);
        snapshot.snapshot_type = Some("automated".into());
        snapshot.shared_with = None;
        snapshot
    }

    fn shared(id: &str, accounts: &[&str]) -> DbSnapshot {
        let mut snapshot = db_snapshot(id);
        snapshot.shared_with = Some(Observed::Value(
            accounts.iter().map(|a| (*a).to_owned()).collect(),
        ));
        snapshot
    }

    fn sharing_unknown(id: &str) -> DbSnapshot {
        let mut snapshot = db_snapshot(id);
        snapshot.shared_with = Some(Observed::Unknown(denied(
            "rds:DescribeDBSnapshotAttributes",
        )));
        snapshot
    }

    #[test]
    fn encrypted_judges_manual_snapshots_of_both_kinds() {
        let mut plain = db_snapshot("plain");
        plain.encrypted = false;
        let mut auto_plain = automated("auto");
        auto_plain.encrypted = false;
        let mut cluster_plain = db_snapshot("cluster-plain");
        cluster_plain.encrypted = false;
        let findings = run(
            &SNAPSHOT_ENCRYPTED,
            &snapshot(with_snapshots(
                vec![db_snapshot("good"), plain, auto_plain],
                vec![cluster_plain],
            )),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("plain".into(), Outcome::Fail),
                ("auto".into(), Outcome::NotApplicable),
                ("cluster-plain".into(), Outcome::Fail),
            ]
        );
    }

    #[test]
    fn encrypted_unknown_listing_is_insufficient_evidence() {
        let mut regions = with_snapshots(vec![db_snapshot("good")], Vec::new());
        regions[0].db_cluster_snapshots =
            Observed::Unknown(denied("rds:DescribeDBClusterSnapshots"));
        let findings = run(&SNAPSHOT_ENCRYPTED, &snapshot(regions));
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("us-east-1".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[1]
            .detail
            .contains("rds:DescribeDBClusterSnapshots"));
    }

    #[test]
    fn not_public_outcomes() {
        let findings = run(
            &SNAPSHOT_NOT_PUBLIC,
            &snapshot(with_snapshots(
                vec![
                    shared("partner", &["444455556666"]),
                    shared("public", &["all"]),
                    automated("auto"),
                    sharing_unknown("unknown"),
                ],
                Vec::new(),
            )),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("partner".into(), Outcome::Pass),
                ("public".into(), Outcome::Fail),
                ("auto".into(), Outcome::NotApplicable),
                ("unknown".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[3]
            .detail
            .contains("rds:DescribeDBSnapshotAttributes access denied"));
    }

    #[test]
    fn manual_snapshot_without_sharing_is_not_a_pass() {
        let mut unread = db_snapshot("unread");
        unread.shared_with = None;
        let findings = run(
            &SNAPSHOT_NOT_PUBLIC,
            &snapshot(with_snapshots(vec![unread], Vec::new())),
        );
        assert_eq!(
            outcomes(&findings),
            [("unread".into(), Outcome::InsufficientEvidence)]
        );
    }

    #[test]
    fn not_shared_outside_account_outcomes() {
        let findings = run(
            &SNAPSHOT_NOT_SHARED_OUTSIDE_ACCOUNT,
            &snapshot(with_snapshots(
                vec![
                    db_snapshot("private"),
                    shared("own", &["111122223333"]),
                    automated("auto"),
                    sharing_unknown("unknown"),
                ],
                vec![shared(
                    "cluster-shared",
                    &["111122223333", "444455556666", "all"],
                )],
            )),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("private".into(), Outcome::Pass),
                ("own".into(), Outcome::Pass),
                ("auto".into(), Outcome::NotApplicable),
                ("unknown".into(), Outcome::InsufficientEvidence),
                ("cluster-shared".into(), Outcome::Fail),
            ]
        );
        assert_eq!(
            findings[4].values["shared_with_accounts"],
            serde_json::json!(["444455556666", "all"])
        );
        assert!(findings[4].detail.contains("444455556666, all (public)"));
    }
}
