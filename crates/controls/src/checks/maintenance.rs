//! Maintenance: scheduled actions left to lapse, engine versions RDS no longer supports.

use rds_evidence_inventory::rds::{EngineVersion, PendingAction};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, epoch_seconds, instance_resource, judge_each,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&PENDING_MAINTENANCE, &ENGINE_VERSION_SUPPORTED];

check! {
    /// No required maintenance is past its deadline.
    ///
    /// Judges every instance (Aurora members included: operating-system updates are per instance)
    /// and every cluster against the region's pending-maintenance listing. An action whose forced
    /// apply date or auto-apply date has passed at collection is overdue; other pending actions
    /// are reported as observations with their dates.
    pub static PENDING_MAINTENANCE = Check {
        id: "rds.database.pending_maintenance",
        title: "Required maintenance is applied before its deadline",
        rationale: "Security patches and engine updates RDS marks as required are applied by force \
                    at their deadline, in or out of the maintenance window; an overdue action means \
                    patches are not being planned, and the restart comes when RDS decides.",
        remediation: "Apply the pending actions in a planned window (apply-pending-maintenance-action \
                      --opt-in-type next-maintenance), and review pending maintenance as part of \
                      the operations routine.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: pending_maintenance,
    };
}

fn pending_maintenance(ctx: &Context) -> Vec<Finding> {
    let check = &PENDING_MAINTENANCE;
    let collected = epoch_seconds(&ctx.snapshot.collected_at);
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, i| {
            Some(judge_maintenance(
                check,
                instance_resource(region, i),
                region,
                &i.arn,
                collected,
            ))
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, c| {
            Some(judge_maintenance(
                check,
                cluster_resource(region, c),
                region,
                &c.arn,
                collected,
            ))
        },
    ));
    findings
}

fn judge_maintenance(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    arn: &str,
    collected: Option<i64>,
) -> Finding {
    let listing = match &region.pending_maintenance {
        Observed::Value(listing) => listing,
        Observed::Unknown(why) => {
            return Finding::new(
                check,
                resource,
                Outcome::InsufficientEvidence,
                format!("pending maintenance unknown: {why}"),
            )
        }
    };
    let actions: &[PendingAction] = listing
        .iter()
        .find(|m| m.resource_arn == arn)
        .map(|m| m.actions.as_slice())
        .unwrap_or_default();
    if actions.is_empty() {
        return Finding::new(check, resource, Outcome::Pass, "no pending maintenance");
    }
    let names: Vec<&str> = actions.iter().map(|a| a.action.as_str()).collect();
    let Some(collected) = collected else {
        return Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            "collection time not readable",
        )
        .with("actions", names);
    };
    let mut overdue = Vec::new();
    let mut unreadable = Vec::new();
    for action in actions {
        let deadlines = [
            ("forced apply date", &action.forced_apply_date),
            ("auto-apply date", &action.auto_applied_after),
        ];
        for (what, date) in deadlines {
            let Some(date) = date else { continue };
            match epoch_seconds(date) {
                Some(deadline) if deadline <= collected => {
                    overdue.push(format!("{} ({what} {date})", action.action))
                }
                Some(_) => {}
                None => unreadable.push(format!("{} ({what} {date})", action.action)),
            }
        }
    }
    let finding = |outcome, detail: String| {
        Finding::new(check, resource.clone(), outcome, detail).with(
            "actions",
            actions.iter().map(action_facts).collect::<Vec<_>>(),
        )
    };
    if !overdue.is_empty() {
        finding(
            Outcome::Fail,
            format!("overdue maintenance: {}", overdue.join(", ")),
        )
    } else if !unreadable.is_empty() {
        finding(
            Outcome::InsufficientEvidence,
            format!("maintenance dates not readable: {}", unreadable.join(", ")),
        )
    } else {
        finding(
            Outcome::Observation,
            format!("pending maintenance, none overdue: {}", names.join(", ")),
        )
    }
}

fn action_facts(action: &PendingAction) -> serde_json::Value {
    serde_json::json!({
        "action": action.action,
        "description": action.description,
        "auto_applied_after": action.auto_applied_after,
        "forced_apply_date": action.forced_apply_date,
        "current_apply_date": action.current_apply_date,
        "opt_in_status": action.opt_in_status,
    })
}

check! {
    /// The database runs an engine version RDS still supports.
    ///
    /// Judges standalone instances and clusters on `DescribeDBEngineVersions` (deprecated
    /// versions included); cluster members run their cluster's version and are judged there.
    pub static ENGINE_VERSION_SUPPORTED = Check {
        id: "rds.engine.version_supported",
        title: "Databases run a supported engine version",
        rationale: "A deprecated engine version gets no more security fixes and is upgraded by RDS \
                    on its own schedule; a partner's customer should be on a version that is \
                    patched and whose upgrade is planned.",
        remediation: "Plan and test a major or minor version upgrade to a version RDS lists as \
                      available (describe-db-engine-versions shows the valid upgrade targets), \
                      then upgrade in a maintenance window.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: engine_version_supported,
    };
}

fn engine_version_supported(ctx: &Context) -> Vec<Finding> {
    let check = &ENGINE_VERSION_SUPPORTED;
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, i| {
            let resource = instance_resource(region, i);
            Some(cluster_member(check, &resource, i).unwrap_or_else(|| {
                judge_version(check, resource, region, &i.engine, &i.engine_version)
            }))
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, c| {
            Some(judge_version(
                check,
                cluster_resource(region, c),
                region,
                &c.engine,
                &c.engine_version,
            ))
        },
    ));
    findings
}

fn judge_version(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    engine: &str,
    version: &str,
) -> Finding {
    let finding = |outcome, detail: String| {
        Finding::new(check, resource.clone(), outcome, detail)
            .with("engine", engine)
            .with("engine_version", version)
    };
    let known = region
        .engine_versions
        .iter()
        .find(|v: &&EngineVersion| v.engine == engine && v.version == version);
    let Some(known) = known else {
        return finding(
            Outcome::InsufficientEvidence,
            format!("{engine} {version} is not in the snapshot"),
        );
    };
    let details = match &known.details {
        Observed::Value(Some(details)) => details,
        Observed::Value(None) => {
            return finding(
                Outcome::InsufficientEvidence,
                format!("RDS does not list {engine} {version}, not even as deprecated"),
            )
        }
        Observed::Unknown(why) => {
            return finding(
                Outcome::InsufficientEvidence,
                format!("status of {engine} {version} unknown: {why}"),
            )
        }
    };
    let finding = |outcome, detail: String| {
        finding(outcome, detail).with("upgrade_targets", details.upgrade_targets)
    };
    match details.status.as_deref() {
        Some("available") => finding(Outcome::Pass, format!("{engine} {version} is available")),
        Some("deprecated") => finding(
            Outcome::Fail,
            format!(
                "{engine} {version} is deprecated ({} upgrade target(s))",
                details.upgrade_targets
            ),
        ),
        Some(other) => finding(
            Outcome::InsufficientEvidence,
            format!("{engine} {version} has status {other}, not recognised"),
        ),
        None => finding(
            Outcome::InsufficientEvidence,
            format!("RDS reports no status for {engine} {version}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::rds::{EngineVersionDetails, PendingMaintenance};

    fn action(name: &str, forced: Option<&str>, auto: Option<&str>) -> PendingAction {
        PendingAction {
            action: name.to_owned(),
            description: None,
            auto_applied_after: auto.map(str::to_owned),
            forced_apply_date: forced.map(str::to_owned),
            current_apply_date: None,
            opt_in_status: None,
        }
    }

    fn pending(arn: String, actions: Vec<PendingAction>) -> PendingMaintenance {
        PendingMaintenance {
            resource_arn: arn,
            actions,
        }
    }

    #[test]
    fn pending_maintenance_outcomes() {
        let names = ["current", "forced", "auto", "upcoming", "garbled"];
        let dbs: Vec<_> = names.iter().map(|n| instance(n)).collect();
        let mut east = region("us-east-1");
        east.pending_maintenance = Observed::Value(vec![
            pending(
                dbs[1].arn.clone(),
                vec![action("system-update", Some("2026-01-01T00:00:00Z"), None)],
            ),
            pending(
                dbs[2].arn.clone(),
                vec![action("db-upgrade", None, Some("2026-01-15T11:00:00Z"))],
            ),
            pending(
                dbs[3].arn.clone(),
                vec![action(
                    "system-update",
                    Some("2026-03-01T00:00:00Z"),
                    Some("2026-02-01T00:00:00Z"),
                )],
            ),
            pending(
                dbs[4].arn.clone(),
                vec![action("system-update", Some("soon"), None)],
            ),
        ]);
        east.db_instances = Observed::Value(dbs);
        east.db_clusters = Observed::Value(vec![cluster("aurora")]);
        let findings = run(&PENDING_MAINTENANCE, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("current".into(), Outcome::Pass),
                ("forced".into(), Outcome::Fail),
                ("auto".into(), Outcome::Fail),
                ("upcoming".into(), Outcome::Observation),
                ("garbled".into(), Outcome::InsufficientEvidence),
                ("aurora".into(), Outcome::Pass),
            ]
        );
        assert!(findings[1]
            .detail
            .contains("system-update (forced apply date 2026-01-01T00:00:00Z)"));
        assert!(findings[2].detail.contains("auto-apply date"));
        assert_eq!(findings[5].resource.kind, Scope::DbCluster);
    }

    #[test]
    fn unknown_maintenance_listing_is_insufficient() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![instance("db")]);
        east.pending_maintenance =
            Observed::Unknown(denied("rds:DescribePendingMaintenanceActions"));
        let findings = run(&PENDING_MAINTENANCE, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [("db".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0]
            .detail
            .contains("rds:DescribePendingMaintenanceActions access denied"));
    }

    fn version(engine: &str, version: &str, status: Option<&str>) -> EngineVersion {
        EngineVersion {
            engine: engine.to_owned(),
            version: version.to_owned(),
            details: Observed::Value(status.map(|s| EngineVersionDetails {
                status: Some(s.to_owned()),
                upgrade_targets: 3,
            })),
        }
    }

    #[test]
    fn engine_version_outcomes() {
        let mut old = instance("old");
        old.engine_version = "11.22".into();
        let mut ghost = instance("ghost");
        ghost.engine_version = "9.6.1".into();
        let mut unasked = instance("unasked");
        unasked.engine = "mysql".into();
        let mut member = instance("member-1");
        member.cluster_identifier = Some("aurora".into());
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![instance("new"), old, ghost, unasked, member]);
        east.db_clusters = Observed::Value(vec![cluster("aurora")]);
        east.engine_versions = vec![
            version("postgres", "16.4", Some("available")),
            version("postgres", "11.22", Some("deprecated")),
            version("postgres", "9.6.1", None),
            EngineVersion {
                details: Observed::Unknown(denied("rds:DescribeDBEngineVersions")),
                ..version("aurora-postgresql", "16.4", None)
            },
        ];
        let findings = run(&ENGINE_VERSION_SUPPORTED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("new".into(), Outcome::Pass),
                ("old".into(), Outcome::Fail),
                ("ghost".into(), Outcome::InsufficientEvidence),
                ("unasked".into(), Outcome::InsufficientEvidence),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[1]
            .detail
            .contains("deprecated (3 upgrade target(s))"));
        assert!(findings[2].detail.contains("not even as deprecated"));
        assert!(findings[5]
            .detail
            .contains("rds:DescribeDBEngineVersions access denied"));
    }
}
