//! Backups and recovery: retention, point-in-time recovery, deletion protection.

use rds_evidence_inventory::rds::{Backup, DbInstance};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, epoch_seconds, instance_resource, judge_each, read_replica,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &BACKUP_RETENTION,
    &POINT_IN_TIME_RECOVERY_CURRENT,
    &DELETION_PROTECTION,
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
