//! Backups and recovery: retention, point-in-time recovery, deletion protection, AWS Backup
//! coverage and copies kept in another region or account.

use rds_evidence_inventory::rds::{Backup, DbInstance, Tags};
use rds_evidence_inventory::services::{BackupPlan, BackupSelection, TagCondition};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, each_database, epoch_seconds, glob_match, instance_resource,
    judge_each, read_replica, Database,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &BACKUP_RETENTION,
    &POINT_IN_TIME_RECOVERY_CURRENT,
    &DELETION_PROTECTION,
    &BACKUP_COVERAGE,
    &COPIED_OFF_SITE,
];

check! {
    /// Automated backups are kept at least `thresholds.min_backup_retention_days`.
    ///
    /// Judged on standalone primaries and on clusters; members take their cluster's retention and
    /// read replicas have no automated backups by design.
    pub static BACKUP_RETENTION = Check {
        id: "rds.database.backup_retention",
        title: "Automated backups are retained for the minimum number of days",
        rationale: "Automated backups are what point-in-time recovery restores from; a retention of \
                    0 switches them off, and a short one loses the ability to go back before a \
                    corruption noticed late (RDS-009, REL-002).",
        remediation: "Set the backup retention period to at least the profile's minimum (modify the \
                      instance or cluster; applying it does not interrupt the database) and record \
                      the retention policy agreed with the customer.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: backup_retention,
    };
}

fn backup_retention(ctx: &Context) -> Vec<Finding> {
    let check = &BACKUP_RETENTION;
    let minimum = ctx.thresholds.min_backup_retention_days;
    let judge = |resource: Resource, backup: &Backup| {
        let days = backup.retention_days;
        let (outcome, detail) = if days <= 0 {
            (
                Outcome::Fail,
                "automated backups are off (retention 0 days)".to_owned(),
            )
        } else if days < minimum {
            (
                Outcome::Fail,
                format!("backups retained {days} day(s), below the minimum of {minimum}"),
            )
        } else {
            (Outcome::Pass, format!("backups retained {days} day(s)"))
        };
        Finding::new(check, resource, outcome, detail)
            .with("retention_days", days)
            .with("minimum_days", minimum)
    };
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                without_own_backups(check, &resource, instance)
                    .unwrap_or_else(|| judge(resource, &instance.backup)),
            )
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| Some(judge(cluster_resource(region, cluster), &cluster.backup)),
    ));
    findings
}

check! {
    /// Point-in-time recovery reaches close to the time of collection.
    pub static POINT_IN_TIME_RECOVERY_CURRENT = Check {
        id: "rds.database.point_in_time_recovery_current",
        title: "Point-in-time recovery is current",
        rationale: "The latest restorable time is the recovery point a restore would reach now: \
                    when it lags far behind, transaction logs are not being archived and the real \
                    RPO is much worse than the one promised (RDS-009, REL-002).",
        remediation: "Turn automated backups on; if they are on and the restorable time still lags, \
                      check the database's events for backup or log-archiving failures (a stopped \
                      instance stops archiving too) and open a support case if needed.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: point_in_time_recovery_current,
    };
}

fn point_in_time_recovery_current(ctx: &Context) -> Vec<Finding> {
    let check = &POINT_IN_TIME_RECOVERY_CURRENT;
    let max_lag_minutes = ctx.thresholds.max_restore_lag_minutes;
    let collected_at = ctx.snapshot.collected_at.as_str();
    let judge = |resource: Resource, backup: &Backup, status: Option<&str>| {
        let finding = |outcome, detail: String| {
            Finding::new(check, resource.clone(), outcome, detail)
                .with("latest_restorable_time", &backup.latest_restorable_time)
                .with("status", status)
        };
        if backup.retention_days <= 0 {
            return finding(
                Outcome::Fail,
                "automated backups are off: no point-in-time recovery".to_owned(),
            );
        }
        let Some(latest) = backup.latest_restorable_time.as_deref() else {
            return finding(
                Outcome::InsufficientEvidence,
                "backups are on but the API reported no latest restorable time".to_owned(),
            );
        };
        let (Some(latest_s), Some(collected_s)) =
            (epoch_seconds(latest), epoch_seconds(collected_at))
        else {
            return finding(
                Outcome::InsufficientEvidence,
                format!(
                    "cannot compare latest restorable time '{latest}' with collection time \
                     '{collected_at}'"
                ),
            );
        };
        // The database is described after collection starts, so it may be restorable to a
        // moment past `collected_at`: that is no lag.
        let lag_minutes = (collected_s - latest_s).max(0) / 60;
        let (outcome, detail) = if lag_minutes <= max_lag_minutes {
            (
                Outcome::Pass,
                format!("restorable to {lag_minutes} minute(s) before collection"),
            )
        } else {
            (
                Outcome::Fail,
                format!(
                    "latest restorable time is {lag_minutes} minutes before collection, more than \
                     {max_lag_minutes}{}",
                    status
                        .filter(|s| *s != "available")
                        .map(|s| format!(" (status {s})"))
                        .unwrap_or_default()
                ),
            )
        };
        finding(outcome, detail)
            .with("lag_minutes", lag_minutes)
            .with("max_lag_minutes", max_lag_minutes)
    };
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                without_own_backups(check, &resource, instance).unwrap_or_else(|| {
                    judge(resource, &instance.backup, instance.status.as_deref())
                }),
            )
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            Some(judge(
                cluster_resource(region, cluster),
                &cluster.backup,
                cluster.status.as_deref(),
            ))
        },
    ));
    findings
}

check! {
    /// Deletion protection is on.
    pub static DELETION_PROTECTION = Check {
        id: "rds.database.deletion_protection",
        title: "Deletion protection is enabled",
        rationale: "Without it one API call or console click deletes the database, and with it, by \
                    default, its automated backups: deletion protection forces a deliberate change \
                    first (RDS-009).",
        remediation: "Enable deletion protection on the instance or cluster (no downtime); disable \
                      it deliberately, through change control, when a database is retired.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: deletion_protection,
    };
}

fn deletion_protection(ctx: &Context) -> Vec<Finding> {
    let check = &DELETION_PROTECTION;
    let judge = |resource: Resource, protected: bool| {
        if protected {
            Finding::new(check, resource, Outcome::Pass, "deletion protection on")
        } else {
            Finding::new(check, resource, Outcome::Fail, "deletion protection off")
        }
    };
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                cluster_member(check, &resource, instance)
                    .or_else(|| {
                        read_replica(
                            check,
                            &resource,
                            instance,
                            "the data survives its deletion on the source",
                        )
                    })
                    .unwrap_or_else(|| judge(resource, instance.deletion_protection)),
            )
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            Some(judge(
                cluster_resource(region, cluster),
                cluster.deletion_protection,
            ))
        },
    ));
    findings
}

check! {
    /// Each database is protected by AWS Backup.
    ///
    /// A backup plan's selection assigns the database when its `Resources` (ARN patterns, `*`
    /// anywhere, e.g. `arn:aws:rds:*:*:db:*`) or any of its `ListOfTags` match it — every
    /// resource when it names neither — and every one of its `Conditions` (`StringEquals`,
    /// `StringNotEquals`, `StringLike`, `StringNotLike` on tags) holds, and no `NotResources`
    /// pattern excludes it. Tag keys may carry the `aws:ResourceTag/` prefix. Aurora is
    /// selected by its cluster ARN, and only where the region's Backup settings opt Aurora in
    /// (`DescribeRegionSettings`); other databases need the `RDS` opt-in unless a `Resources`
    /// pattern names their resource type. Recovery points count only when recent: a database
    /// no plan assigns passes when its last recovery point is at most the profile's
    /// `max_recovery_point_age_days` (2) old, and fails when it is older. Plans, selections,
    /// settings or recovery points that could not be read leave it insufficient evidence.
    pub static BACKUP_COVERAGE = Check {
        id: "backup.database.covered",
        title: "Databases are covered by an AWS Backup plan",
        rationale: "RDS-009 asks for a backup policy: automated backups expire with the \
                    database's retention and are deleted with it, while AWS Backup keeps \
                    independent, policy-driven recovery points (and can copy them away).",
        remediation: "Add the database to a backup plan's resource selection, by ARN or by \
                      tag, and opt the resource type (Aurora, RDS) in in the region's AWS \
                      Backup settings.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: backup_coverage,
    };
}

fn backup_coverage(ctx: &Context) -> Vec<Finding> {
    let check = &BACKUP_COVERAGE;
    let max_days = ctx.thresholds.max_recovery_point_age_days;
    let collected = epoch_seconds(&ctx.snapshot.collected_at);
    each_database(check, ctx, "backed up through its source", |region, db| {
        let protection = Protection::of(region, &db);
        let finding = |outcome, detail: String| {
            Finding::new(check, db.resource.clone(), outcome, detail)
                .with("last_recovery_point", protection.last_recovery_point)
        };
        if !protection.plans.is_empty() {
            let plans: Vec<&str> = protection
                .plans
                .iter()
                .map(|(_, how)| how.as_str())
                .collect();
            return finding(Outcome::Pass, format!("assigned by {}", plans.join("; ")))
                .with("plans", plans);
        }
        let age_days = protection
            .last_recovery_point
            .and_then(epoch_seconds)
            .zip(collected)
            .map(|(last, now)| (now - last).max(0) / 86_400);
        match (protection.last_recovery_point, age_days) {
            (Some(last), Some(age)) if age <= max_days => {
                return finding(
                    Outcome::Pass,
                    format!("AWS Backup took a recovery point of it at {last}"),
                )
            }
            _ if !protection.unknown.is_empty() => {
                return finding(Outcome::InsufficientEvidence, protection.unknown.join("; "))
            }
            (Some(last), Some(age)) => {
                return finding(
                    Outcome::Fail,
                    format!(
                        "in no backup plan; its last recovery point, {last}, is {age} days old \
                         (more than {max_days})"
                    ),
                )
            }
            (Some(last), None) => {
                return finding(
                    Outcome::InsufficientEvidence,
                    format!("in no backup plan; the time of its last recovery point, '{last}', cannot be read"),
                )
            }
            (None, _) => {}
        }
        if protection.opted_out.is_empty() {
            finding(Outcome::Fail, "in no backup plan".to_owned())
        } else {
            finding(Outcome::Fail, protection.opted_out.join("; "))
        }
    })
}

check! {
    /// Each database's backups are also kept in another region or another account.
    ///
    /// A database assigned by an AWS Backup plan (as `backup.database.covered` reads
    /// selections and the region's opt-in) passes when a rule of that plan has a copy action
    /// to a vault in another region or another account; so does an instance whose automated
    /// backups RDS replicates to another region. A database whose plans copy nowhere, or that
    /// no plan assigns, fails; plans or selections that could not be read are insufficient
    /// evidence.
    pub static COPIED_OFF_SITE = Check {
        id: "backup.database.copied_off_site",
        title: "Database backups are copied to another region or account",
        rationale: "A backup kept only beside the database goes with its region in a regional \
                    outage, and with its account when the account is compromised: RDS-009's \
                    disaster recovery needs a copy elsewhere.",
        remediation: "Add a copy action to the backup plan's rule, to a vault in another \
                      region or in a separate backup account, or enable cross-region \
                      replication of the database's automated backups.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: copied_off_site,
    };
}

fn copied_off_site(ctx: &Context) -> Vec<Finding> {
    let check = &COPIED_OFF_SITE;
    each_database(check, ctx, "backed up through its source", |region, db| {
        if let Some(replication) = db.backup.cross_region_replications.first() {
            return Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!("automated backups replicated to {replication}"),
            );
        }
        let protection = Protection::of(region, &db);
        let account = db.arn.split(':').nth(4).unwrap_or_default();
        let copies: Vec<String> = protection
            .plans
            .iter()
            .flat_map(|(plan, _)| plan.rules.iter().map(move |rule| (plan, rule)))
            .flat_map(|(plan, rule)| rule.copy_to.iter().map(move |vault| (plan, vault)))
            .filter(|(_, vault)| {
                let mut parts = vault.split(':').skip(3);
                let (vault_region, vault_account) = (parts.next(), parts.next());
                vault_region != Some(region.region.as_str()) || vault_account != Some(account)
            })
            .map(|(plan, vault)| format!("backup plan {} copies to {vault}", plan.name))
            .collect();
        if !copies.is_empty() {
            Finding::new(check, db.resource, Outcome::Pass, copies.join("; "))
                .with("copies", copies)
        } else if !protection.unknown.is_empty() {
            Finding::new(
                check,
                db.resource,
                Outcome::InsufficientEvidence,
                protection.unknown.join("; "),
            )
        } else if protection.plans.is_empty() {
            Finding::new(
                check,
                db.resource,
                Outcome::Fail,
                "no AWS Backup plan assigns it and its automated backups are not replicated",
            )
        } else {
            let plans: Vec<&str> = protection
                .plans
                .iter()
                .map(|(p, _)| p.name.as_str())
                .collect();
            Finding::new(
                check,
                db.resource,
                Outcome::Fail,
                format!(
                    "its backup plan(s) {} copy to no other region or account",
                    plans.join(", ")
                ),
            )
        }
    })
}

/// How AWS Backup protects one database: its plans, the region's opt-in, its recovery points.
struct Protection<'a> {
    /// Plans with a selection that assigns it, each with how (`plan P, selection S, by …`).
    plans: Vec<(&'a BackupPlan, String)>,
    /// Selections that would assign it, but for the region's opt-in.
    opted_out: Vec<String>,
    /// What could not be read.
    unknown: Vec<String>,
    last_recovery_point: Option<&'a str>,
}

impl<'a> Protection<'a> {
    fn of(region: &'a RegionSnapshot, db: &Database<'a>) -> Protection<'a> {
        let backup = &region.backup;
        let mut protection = Protection {
            plans: Vec::new(),
            opted_out: Vec::new(),
            unknown: Vec::new(),
            last_recovery_point: None,
        };
        // AWS Backup's resource type: Aurora clusters are `Aurora`, every other RDS database
        // (instances, Multi-AZ DB clusters) `RDS`.
        let resource_type = if db.engine.starts_with("aurora") {
            "Aurora"
        } else {
            "RDS"
        };
        match &backup.plans {
            Observed::Unknown(why) => protection.unknown.push(why.to_string()),
            Observed::Value(plans) => {
                for plan in plans {
                    let selections = match &plan.selections {
                        Observed::Value(selections) => selections,
                        Observed::Unknown(why) => {
                            protection.unknown.push(why.to_string());
                            continue;
                        }
                    };
                    for selection in selections {
                        let Some(how) = assignment(selection, db.arn, db.tags) else {
                            continue;
                        };
                        let named = format!(
                            "backup plan {} (selection {}, {how})",
                            plan.name, selection.name
                        );
                        // Aurora always needs the opt-in; other types when not named by type.
                        let needs_opt_in = resource_type == "Aurora" || !how.names_resource_type();
                        match (&backup.opt_in, needs_opt_in) {
                            (_, false) => protection.plans.push((plan, named)),
                            (Observed::Value(opt_in), true) => {
                                if opt_in.get(resource_type) == Some(&true) {
                                    protection.plans.push((plan, named));
                                } else {
                                    protection.opted_out.push(format!(
                                        "assigned by {named}, but the region's AWS Backup \
                                         settings do not opt {resource_type} in"
                                    ));
                                }
                            }
                            (Observed::Unknown(why), true) => protection.unknown.push(format!(
                                "assigned by {named}, but whether the region opts \
                                 {resource_type} in is unknown: {why}"
                            )),
                        }
                    }
                }
            }
        }
        match &backup.protected_resources {
            Observed::Value(resources) => {
                protection.last_recovery_point = resources
                    .iter()
                    .find(|r| r.arn == db.arn)
                    .and_then(|r| r.last_backup.as_deref());
            }
            Observed::Unknown(why) => protection.unknown.push(why.to_string()),
        }
        protection
    }
}

/// How a selection assigns a resource.
enum Assignment<'s> {
    Pattern(&'s str),
    Tag(&'s TagCondition),
    /// A selection naming neither resources nor tags assigns every resource.
    Everything,
}

impl Assignment<'_> {
    /// Whether the pattern names the resource type (`…:db:…`, `…:cluster:…`), which AWS
    /// Backup honours whatever the region's opt-in for RDS says (not for Aurora).
    fn names_resource_type(&self) -> bool {
        match self {
            Assignment::Pattern(pattern) => pattern
                .split(':')
                .nth(5)
                .is_some_and(|kind| kind == "db" || kind == "cluster"),
            _ => false,
        }
    }
}

impl std::fmt::Display for Assignment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Assignment::Pattern(pattern) => write!(f, "by resource {pattern}"),
            Assignment::Tag(tag) => write!(f, "by tag {}={}", tag_key(&tag.key), tag.value),
            Assignment::Everything => f.write_str("of every resource"),
        }
    }
}

/// How `selection` assigns the resource `arn` with `tags`, if it does.
fn assignment<'s>(
    selection: &'s BackupSelection,
    arn: &str,
    tags: &Tags,
) -> Option<Assignment<'s>> {
    if selection.not_resources.iter().any(|p| glob_match(p, arn)) {
        return None;
    }
    if !selection
        .conditions
        .iter()
        .all(|c| condition_holds(c, tags))
    {
        return None;
    }
    if selection.resources.is_empty() && selection.list_of_tags.is_empty() {
        return Some(Assignment::Everything);
    }
    selection
        .resources
        .iter()
        .find(|p| glob_match(p, arn))
        .map(|p| Assignment::Pattern(p))
        .or_else(|| {
            selection
                .list_of_tags
                .iter()
                .find(|c| condition_holds(c, tags))
                .map(Assignment::Tag)
        })
}

/// A tag key without the `aws:ResourceTag/` prefix selections may give it.
fn tag_key(key: &str) -> &str {
    key.strip_prefix("aws:ResourceTag/").unwrap_or(key)
}

/// A tag condition on a resource's tags; the negated operators hold for an absent tag.
fn condition_holds(condition: &TagCondition, tags: &Tags) -> bool {
    let value = tags.get(tag_key(&condition.key));
    let value = value.map(String::as_str);
    match condition.operator.as_str() {
        "StringEquals" => value == Some(condition.value.as_str()),
        "StringNotEquals" => value != Some(condition.value.as_str()),
        "StringLike" => value.is_some_and(|v| glob_match(&condition.value, v)),
        "StringNotLike" => !value.is_some_and(|v| glob_match(&condition.value, v)),
        _ => false,
    }
}

/// Members back up through their cluster; read replicas have no automated backups by design.
fn without_own_backups(
    check: &Check,
    resource: &Resource,
    instance: &DbInstance,
) -> Option<Finding> {
    cluster_member(check, resource, instance).or_else(|| {
        read_replica(
            check,
            resource,
            instance,
            "read replicas have no automated backups of their own",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use crate::{Targets, Thresholds};
    use rds_evidence_inventory::Observed;

    fn with_clusters(
        instances: Vec<DbInstance>,
        clusters: Vec<rds_evidence_inventory::rds::DbCluster>,
    ) -> rds_evidence_inventory::Snapshot {
        let mut snapshot = with_instances(instances);
        snapshot.regions[0].db_clusters = Observed::Value(clusters);
        snapshot
    }

    #[test]
    fn retention_against_the_profile_minimum() {
        let mut short = instance("short");
        short.backup.retention_days = 3;
        let mut off = instance("off");
        off.backup.retention_days = 0;
        let mut brief_cluster = cluster("brief");
        brief_cluster.backup.retention_days = 1;
        let snapshot = with_clusters(
            vec![
                instance("good"),
                short,
                off,
                replica_of("replica", "good"),
                member_of("member-1", "aurora", "us-east-1a"),
            ],
            vec![cluster("aurora"), brief_cluster],
        );
        let findings = run(&BACKUP_RETENTION, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("short".into(), Outcome::Fail),
                ("off".into(), Outcome::Fail),
                ("replica".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
                ("brief".into(), Outcome::Fail),
            ]
        );
        assert!(findings[1].detail.contains("below the minimum of 7"));
        assert!(findings[2].detail.contains("off"));
        assert!(findings[3].detail.contains("no automated backups"));
        assert_eq!(findings[6].resource.kind, Scope::DbCluster);

        let strict = Thresholds {
            min_backup_retention_days: 14,
            ..Thresholds::default()
        };
        let findings = run_with(
            &BACKUP_RETENTION,
            &with_instances(vec![instance("good")]),
            &strict,
            &Targets::default(),
        );
        assert_eq!(outcomes(&findings), [("good".into(), Outcome::Fail)]);
    }

    #[test]
    fn point_in_time_recovery_lag() {
        let mut stale = instance("stale");
        stale.backup.latest_restorable_time = Some("2026-01-15T10:00:00Z".into());
        stale.status = Some("stopped".into());
        let mut ahead = instance("ahead");
        ahead.backup.latest_restorable_time = Some("2026-01-15T12:03:00Z".into());
        let mut off = instance("off");
        off.backup.retention_days = 0;
        let mut unreported = instance("unreported");
        unreported.backup.latest_restorable_time = None;
        let mut garbled = instance("garbled");
        garbled.backup.latest_restorable_time = Some("yesterday".into());
        let mut stale_cluster = cluster("stale-cluster");
        stale_cluster.backup.latest_restorable_time = Some("2026-01-14T12:00:00Z".into());
        let snapshot = with_clusters(
            vec![
                instance("good"),
                stale,
                ahead,
                off,
                unreported,
                garbled,
                replica_of("replica", "good"),
                member_of("member-1", "aurora", "us-east-1a"),
            ],
            vec![cluster("aurora"), stale_cluster],
        );
        let findings = run(&POINT_IN_TIME_RECOVERY_CURRENT, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("stale".into(), Outcome::Fail),
                ("ahead".into(), Outcome::Pass),
                ("off".into(), Outcome::Fail),
                ("unreported".into(), Outcome::InsufficientEvidence),
                ("garbled".into(), Outcome::InsufficientEvidence),
                ("replica".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
                ("stale-cluster".into(), Outcome::Fail),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "restorable to 5 minute(s) before collection"
        );
        assert!(
            findings[1].detail.contains("120 minutes") && findings[1].detail.contains("stopped"),
            "{}",
            findings[1].detail
        );
        assert!(findings[3].detail.contains("no point-in-time recovery"));

        let tight = Thresholds {
            max_restore_lag_minutes: 3,
            ..Thresholds::default()
        };
        let findings = run_with(
            &POINT_IN_TIME_RECOVERY_CURRENT,
            &with_instances(vec![instance("good")]),
            &tight,
            &Targets::default(),
        );
        assert_eq!(outcomes(&findings), [("good".into(), Outcome::Fail)]);
    }

    #[test]
    fn deletion_protection_on_primaries_and_clusters() {
        let mut exposed = instance("exposed");
        exposed.deletion_protection = false;
        let mut exposed_cluster = cluster("exposed-cluster");
        exposed_cluster.deletion_protection = false;
        let mut member = member_of("member-1", "aurora", "us-east-1a");
        member.deletion_protection = false;
        let snapshot = with_clusters(
            vec![
                instance("good"),
                exposed,
                replica_of("replica", "good"),
                member,
            ],
            vec![cluster("aurora"), exposed_cluster],
        );
        let findings = run(&DELETION_PROTECTION, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("exposed".into(), Outcome::Fail),
                ("replica".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
                ("exposed-cluster".into(), Outcome::Fail),
            ]
        );
    }

    use rds_evidence_inventory::services::{BackupRule, ProtectedResource};
    use std::collections::BTreeMap;

    const ACCOUNT: &str = "111122223333";

    fn condition(operator: &str, key: &str, value: &str) -> TagCondition {
        TagCondition {
            operator: operator.into(),
            key: key.into(),
            value: value.into(),
        }
    }

    /// A selection as GetBackupSelection returns it: Resources, ListOfTags, NotResources and
    /// Conditions (AWS Backup API Reference, BackupSelection).
    fn selection(
        resources: &[&str],
        list_of_tags: Vec<TagCondition>,
        not_resources: &[&str],
        conditions: Vec<TagCondition>,
    ) -> BackupSelection {
        BackupSelection {
            name: "databases".into(),
            resources: resources.iter().map(|r| r.to_string()).collect(),
            list_of_tags,
            not_resources: not_resources.iter().map(|r| r.to_string()).collect(),
            conditions,
        }
    }

    fn plan(selections: Vec<BackupSelection>, copy_to: &[&str]) -> BackupPlan {
        BackupPlan {
            id: "8f1c3b5e".into(),
            name: "daily".into(),
            rules: vec![BackupRule {
                name: "daily-35d".into(),
                schedule: Some("cron(0 5 ? * * *)".into()),
                target_vault: "Default".into(),
                delete_after_days: Some(35),
                copy_to: copy_to.iter().map(|v| v.to_string()).collect(),
            }],
            selections: Observed::Value(selections),
        }
    }

    fn tagged(id: &str, tags: &[(&str, &str)]) -> DbInstance {
        let mut db = instance(id);
        db.tags = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        db
    }

    /// `us-east-1` with these instances, an Aurora cluster `aurora`, these plans, the RDS and
    /// Aurora opt-ins as given, and no recovery point.
    fn backed_up(
        instances: Vec<DbInstance>,
        plans: Vec<BackupPlan>,
        opt_in: &[(&str, bool)],
    ) -> rds_evidence_inventory::Snapshot {
        let mut s = with_clusters(instances, vec![cluster("aurora")]);
        let backup = &mut s.regions[0].backup;
        backup.plans = Observed::Value(plans);
        backup.opt_in = Observed::Value(
            opt_in
                .iter()
                .map(|(kind, on)| (kind.to_string(), *on))
                .collect::<BTreeMap<_, _>>(),
        );
        s
    }

    #[test]
    fn selections_are_read_whole() {
        let by_type = selection(&["arn:aws:rds:*:*:db:*"], vec![], &[], vec![]);
        let by_tag = selection(
            &[],
            vec![
                condition("StringEquals", "aws:ResourceTag/backup", "daily"),
                condition("StringEquals", "backup", "hourly"),
            ],
            &[],
            vec![],
        );
        // Everything tagged stage=prod and not owned by a sandbox team, but not `scratch`.
        let narrowed = selection(
            &["*"],
            vec![],
            &["arn:aws:rds:us-east-1:111122223333:db:scratch"],
            vec![
                condition("StringEquals", "aws:ResourceTag/stage", "prod"),
                condition("StringNotLike", "aws:ResourceTag/team", "sand*"),
            ],
        );
        let instances = || {
            vec![
                tagged("plain", &[]),
                tagged("daily", &[("backup", "daily")]),
                tagged("hourly", &[("backup", "hourly")]),
                tagged("prod", &[("stage", "prod"), ("team", "orders")]),
                tagged("sandbox", &[("stage", "prod"), ("team", "sandbox-1")]),
                tagged("scratch", &[("stage", "prod")]),
            ]
        };
        let all_in = [("RDS", true), ("Aurora", true)];
        let findings = run(
            &BACKUP_COVERAGE,
            &backed_up(instances(), vec![plan(vec![by_type], &[])], &all_in),
        );
        assert_eq!(
            findings.iter().map(|f| f.outcome).collect::<Vec<_>>(),
            [Outcome::Pass; 6]
                .into_iter()
                .chain([Outcome::Fail])
                .collect::<Vec<_>>(),
            "every instance by its type, not the Aurora cluster"
        );
        assert!(
            findings[0].detail.contains(
                "backup plan daily (selection databases, by resource arn:aws:rds:*:*:db:*)"
            ),
            "{}",
            findings[0].detail
        );

        let findings = run(
            &BACKUP_COVERAGE,
            &backed_up(instances(), vec![plan(vec![by_tag], &[])], &all_in),
        );
        assert_eq!(
            outcomes(&findings)[..3],
            [
                ("plain".into(), Outcome::Fail),
                ("daily".into(), Outcome::Pass),
                ("hourly".into(), Outcome::Pass),
            ]
        );
        assert!(findings[1].detail.contains("by tag backup=daily"));

        let findings = run(
            &BACKUP_COVERAGE,
            &backed_up(instances(), vec![plan(vec![narrowed], &[])], &all_in),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("plain".into(), Outcome::Fail),
                ("daily".into(), Outcome::Fail),
                ("hourly".into(), Outcome::Fail),
                ("prod".into(), Outcome::Pass),
                ("sandbox".into(), Outcome::Fail),
                ("scratch".into(), Outcome::Fail),
                ("aurora".into(), Outcome::Fail),
            ]
        );
    }

    #[test]
    fn aurora_needs_the_regions_opt_in() {
        let clusters = selection(&["arn:aws:rds:*:*:cluster:*"], vec![], &[], vec![]);
        let everything = selection(&[], vec![], &[], vec![]);
        let judge = |selection: &BackupSelection, opt_in: &[(&str, bool)]| {
            let s = backed_up(
                vec![instance("db")],
                vec![plan(vec![selection.clone()], &[])],
                opt_in,
            );
            run(&BACKUP_COVERAGE, &s)
        };
        let findings = judge(&clusters, &[("RDS", true), ("Aurora", false)]);
        assert_eq!(
            outcomes(&findings),
            [
                ("db".into(), Outcome::Fail),
                ("aurora".into(), Outcome::Fail)
            ]
        );
        assert!(
            findings[1]
                .detail
                .contains("the region's AWS Backup settings do not opt Aurora in"),
            "{}",
            findings[1].detail
        );
        let findings = judge(&clusters, &[("RDS", true), ("Aurora", true)]);
        assert_eq!(findings[1].outcome, Outcome::Pass);

        // Every resource, but only the opted-in types.
        let findings = judge(&everything, &[("RDS", false), ("Aurora", true)]);
        assert_eq!(
            outcomes(&findings),
            [
                ("db".into(), Outcome::Fail),
                ("aurora".into(), Outcome::Pass)
            ]
        );
        assert!(findings[1].detail.contains("of every resource"));

        let mut s = backed_up(vec![instance("db")], vec![plan(vec![clusters], &[])], &[]);
        s.regions[0].backup.opt_in = Observed::Unknown(denied("backup:DescribeRegionSettings"));
        let findings = run(&BACKUP_COVERAGE, &s);
        assert_eq!(findings[1].outcome, Outcome::InsufficientEvidence);
        assert!(findings[1].detail.contains("backup:DescribeRegionSettings"));
    }

    #[test]
    fn recovery_points_count_only_when_recent() {
        let mut s = backed_up(
            vec![instance("recent"), instance("stale"), instance("never")],
            Vec::new(),
            &[("RDS", true)],
        );
        let point = |id: &str, at: &str| ProtectedResource {
            arn: format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:{id}"),
            resource_type: Some("RDS".into()),
            last_backup: Some(at.into()),
        };
        s.regions[0].backup.protected_resources = Observed::Value(vec![
            point("recent", "2026-01-14T05:10:00Z"),
            point("stale", "2026-01-02T05:10:00Z"),
        ]);
        let findings = run(&BACKUP_COVERAGE, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("recent".into(), Outcome::Pass),
                ("stale".into(), Outcome::Fail),
                ("never".into(), Outcome::Fail),
                ("aurora".into(), Outcome::Fail),
            ]
        );
        assert!(
            findings[1].detail.contains("13 days old (more than 2)"),
            "{}",
            findings[1].detail
        );

        s.regions[0].backup.protected_resources =
            Observed::Unknown(denied("backup:ListProtectedResources"));
        let findings = run(&BACKUP_COVERAGE, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
    }

    #[test]
    fn copies_in_another_region_or_account() {
        let all = selection(&["arn:aws:rds:*:*:*"], vec![], &[], vec![]);
        let judge = |copy_to: &[&str]| {
            let s = backed_up(
                vec![instance("db")],
                vec![plan(vec![all.clone()], copy_to)],
                &[("RDS", true), ("Aurora", true)],
            );
            run(&COPIED_OFF_SITE, &s)
        };
        let other_region = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr";
        let other_account = "arn:aws:backup:us-east-1:444455556666:backup-vault:vault";
        let same_place = "arn:aws:backup:us-east-1:111122223333:backup-vault:second";
        let findings = judge(&[other_region]);
        assert_eq!(findings[0].outcome, Outcome::Pass);
        assert_eq!(
            findings[0].detail,
            format!("backup plan daily copies to {other_region}")
        );
        assert_eq!(judge(&[other_account])[1].outcome, Outcome::Pass);
        let findings = judge(&[same_place]);
        assert_eq!(findings[0].outcome, Outcome::Fail);
        assert!(findings[0]
            .detail
            .contains("backup plan(s) daily copy to no other region or account"));

        let mut replicated = instance("replicated");
        replicated.backup.cross_region_replications =
            vec!["arn:aws:rds:us-west-2:111122223333:auto-backup:ab-1".into()];
        let s = backed_up(vec![replicated, instance("alone")], Vec::new(), &[]);
        assert_eq!(
            outcomes(&run(&COPIED_OFF_SITE, &s)),
            [
                ("replicated".into(), Outcome::Pass),
                ("alone".into(), Outcome::Fail),
                ("aurora".into(), Outcome::Fail),
            ]
        );
    }

    #[test]
    fn unknown_listings_are_insufficient_evidence() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        east.db_clusters = Observed::Unknown(denied("rds:DescribeDBClusters"));
        for check in CHECKS {
            let findings = run(check, &snapshot(vec![east.clone()]));
            assert_eq!(
                outcomes(&findings),
                [
                    ("us-east-1".into(), Outcome::InsufficientEvidence),
                    ("us-east-1".into(), Outcome::InsufficientEvidence),
                ],
                "{}",
                check.id
            );
            assert!(findings[0].detail.contains("rds:DescribeDBInstances"));
            assert!(findings[1].detail.contains("rds:DescribeDBClusters"));
        }
    }
}
