//! Recovery objectives: what each database's configuration allows, against what was declared.

use super::availability::{member_placement, remote_copy, RemoteCopy};
use crate::check::{check, Check, Finding, Outcome, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, instance_resource, judge_each, read_replica, InstancesById,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&RECOVERY_OBJECTIVES];

check! {
    /// Estimated RPO and RTO per database, compared with the targets in the attestations.
    ///
    /// The estimate follows the database's configuration, for the loss of an availability zone:
    /// a synchronous standby loses nothing and fails over in about two minutes; otherwise a
    /// cross-region replica loses seconds and is promoted in about fifteen minutes; otherwise
    /// point-in-time recovery loses up to five minutes (the log upload interval) and a restore
    /// takes about an hour; without backups there is no recovery point at all. An instance has
    /// a synchronous standby when it is Multi-AZ; a cluster only when its instances span at
    /// least two availability zones (the zones of members that cannot be placed leave it
    /// insufficient evidence, unless two zones are already seen). A global database gives
    /// cross-region recovery only with a secondary cluster in another region, as a
    /// cross-region read replica does. Without declared targets the estimates are reported as
    /// observations.
    pub static RECOVERY_OBJECTIVES = Check {
        id: "rds.database.recovery_objectives",
        title: "Each database's configuration meets the declared RPO and RTO",
        rationale: "REL-002 and RDS-009 ask for RPO and RTO targets and an architecture that meets \
                    them; the configuration bounds what recovery can achieve whatever the runbook \
                    says.",
        remediation: "Declare targets in the attestations file ([targets] rpo_minutes, \
                      rto_minutes); where a database misses them, add Multi-AZ, a replica, or \
                      backups with point-in-time recovery.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: recovery_objectives,
    };
}

/// Minutes lost and minutes to recover, or `None` for RPO when nothing can be recovered.
struct Estimate {
    rpo_minutes: Option<u32>,
    rto_minutes: u32,
    basis: &'static str,
}

fn estimate(
    synchronous_standby: bool,
    cross_region_replica: bool,
    retention_days: i32,
) -> Estimate {
    if synchronous_standby {
        Estimate {
            rpo_minutes: Some(0),
            rto_minutes: 2,
            basis: "synchronous standby in another availability zone",
        }
    } else if cross_region_replica {
        Estimate {
            rpo_minutes: Some(1),
            rto_minutes: 15,
            basis: "promotion of a cross-region read replica",
        }
    } else if retention_days > 0 {
        Estimate {
            rpo_minutes: Some(5),
            rto_minutes: 60,
            basis: "point-in-time restore from automated backups",
        }
    } else {
        Estimate {
            rpo_minutes: None,
            rto_minutes: 0,
            basis: "no standby, no replica and no automated backups",
        }
    }
}

fn judge(check: &Check, ctx: &Context, resource: crate::Resource, estimate: Estimate) -> Finding {
    let targets = ctx.targets;
    let Some(rpo) = estimate.rpo_minutes else {
        return Finding::new(
            check,
            resource,
            Outcome::Fail,
            format!("nothing to recover from: {}", estimate.basis),
        );
    };
    let finding = |outcome, detail: String| {
        Finding::new(check, resource.clone(), outcome, detail)
            .with("estimated_rpo_minutes", rpo)
            .with("estimated_rto_minutes", estimate.rto_minutes)
            .with("basis", estimate.basis)
    };
    let described = format!(
        "RPO about {rpo} min, RTO about {} min ({})",
        estimate.rto_minutes, estimate.basis
    );
    match (targets.rpo_minutes, targets.rto_minutes) {
        (None, None) => finding(
            Outcome::Observation,
            format!("{described}; no targets declared"),
        ),
        (rpo_target, rto_target) => {
            let rpo_ok = rpo_target.is_none_or(|t| rpo <= t);
            let rto_ok = rto_target.is_none_or(|t| estimate.rto_minutes <= t);
            let outcome = if rpo_ok && rto_ok {
                Outcome::Pass
            } else {
                Outcome::Fail
            };
            finding(
                outcome,
                format!(
                    "{described}; targets RPO {} / RTO {} min",
                    rpo_target.map_or("-".to_owned(), |t| t.to_string()),
                    rto_target.map_or("-".to_owned(), |t| t.to_string())
                ),
            )
        }
    }
}

fn recovery_objectives(ctx: &Context) -> Vec<Finding> {
    let check = &RECOVERY_OBJECTIVES;
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            if let Some(skip) = cluster_member(check, &resource, instance)
                .or_else(|| read_replica(check, &resource, instance, "recovers through its source"))
            {
                return Some(skip);
            }
            let cross_region = instance
                .read_replicas
                .iter()
                .any(|r| r.starts_with("arn:") && !r.contains(&format!(":{}:", region.region)));
            let estimate = estimate(
                instance.multi_az,
                cross_region,
                instance.backup.retention_days,
            );
            Some(judge(check, ctx, resource, estimate))
        },
    );
    let mut instances = InstancesById::default();
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            let placement = match member_placement(&mut instances, region, cluster) {
                Ok(placement) => placement,
                Err(why) => {
                    return Some(Finding::new(
                        check,
                        resource,
                        Outcome::InsufficientEvidence,
                        format!("the zones of the cluster's instances are unknown: {why}"),
                    ))
                }
            };
            let zones = placement.zones();
            let standby = zones.len() >= 2;
            let copy = remote_copy(ctx, region, cluster);
            let cross_region = matches!(copy, RemoteCopy::Replicas(_) | RemoteCopy::Global { .. });
            if !standby && !placement.unplaced.is_empty() {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "whether the cluster has a standby in another zone is unknown: member(s) \
                         {} cannot be placed",
                        placement.unplaced.join(", ")
                    ),
                ));
            }
            if let (false, false, RemoteCopy::Unknown(why)) = (standby, cross_region, &copy) {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!("whether the cluster has a copy in another region is unknown: {why}"),
                ));
            }
            let estimate = estimate(standby, cross_region, cluster.backup.retention_days);
            Some(judge(check, ctx, resource, estimate).with("member_zones", zones))
        },
    ));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use crate::Targets;
    use rds_evidence_inventory::Observed;

    fn estate() -> rds_evidence_inventory::Snapshot {
        let mut single = instance("single");
        single.multi_az = false;
        let mut bare = instance("bare");
        bare.multi_az = false;
        bare.backup.retention_days = 0;
        with_instances(vec![
            instance("multi"),
            single,
            bare,
            replica_of("ro", "multi"),
        ])
    }

    fn with_targets(rpo: Option<u32>, rto: Option<u32>) -> Vec<Finding> {
        let targets = Targets {
            rpo_minutes: rpo,
            rto_minutes: rto,
        };
        run_with(
            &RECOVERY_OBJECTIVES,
            &estate(),
            &Default::default(),
            &targets,
        )
    }

    #[test]
    fn without_targets_estimates_are_observations_and_no_backups_fails() {
        let findings = run(&RECOVERY_OBJECTIVES, &estate());
        assert_eq!(
            outcomes(&findings),
            [
                ("multi".into(), Outcome::Observation),
                ("single".into(), Outcome::Observation),
                ("bare".into(), Outcome::Fail),
                ("ro".into(), Outcome::NotApplicable),
            ]
        );
        assert_eq!(findings[1].values["estimated_rto_minutes"], 60);
    }

    #[test]
    fn targets_decide_pass_and_fail() {
        let findings = with_targets(Some(15), Some(30));
        assert_eq!(
            outcomes(&findings),
            [
                ("multi".into(), Outcome::Pass),
                ("single".into(), Outcome::Fail),
                ("bare".into(), Outcome::Fail),
                ("ro".into(), Outcome::NotApplicable),
            ]
        );
        assert!(findings[1].detail.contains("targets RPO 15 / RTO 30"));
    }

    /// DescribeDBClusters' DBClusterMembers, placed by DescribeDBInstances' AvailabilityZone;
    /// DescribeGlobalClusters' GlobalClusterMembers by ARN.
    #[test]
    fn a_cluster_needs_two_zones_for_a_standby_and_a_second_region_for_cross_region() {
        let targets = Targets {
            rpo_minutes: Some(1),
            rto_minutes: Some(30),
        };
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            member_of("one-1", "one-zone", "us-east-1a"),
            member_of("one-2", "one-zone", "us-east-1a"),
            member_of("two-1", "two-zones", "us-east-1a"),
            member_of("two-2", "two-zones", "us-east-1b"),
            member_of("lone-1", "lone-global", "us-east-1a"),
            member_of("wide-1", "wide-global", "us-east-1a"),
        ]);
        let mut lone = cluster_of("lone-global", &[("lone-1", true)]);
        lone.global_cluster = Some("orders-global".into());
        let mut wide = cluster_of("wide-global", &[("wide-1", true)]);
        wide.global_cluster = Some("billing-global".into());
        east.db_clusters = Observed::Value(vec![
            cluster_of("one-zone", &[("one-1", true), ("one-2", false)]),
            cluster_of("two-zones", &[("two-1", true), ("two-2", false)]),
            cluster_of("ghost-member", &[("gone-1", true), ("gone-2", false)]),
            lone.clone(),
            wide.clone(),
        ]);
        let global = |id: &str, members: &[&str]| rds_evidence_inventory::rds::GlobalCluster {
            identifier: id.into(),
            arn: None,
            engine: Some("aurora-postgresql".into()),
            engine_version: None,
            status: Some("available".into()),
            members: members
                .iter()
                .map(|arn| rds_evidence_inventory::rds::GlobalClusterMember {
                    cluster_arn: arn.to_string(),
                    is_writer: arn.contains("us-east-1"),
                    readers: Vec::new(),
                })
                .collect(),
        };
        east.global_clusters = Observed::Value(vec![
            global("orders-global", &[&lone.arn]),
            global(
                "billing-global",
                &[
                    &wide.arn,
                    "arn:aws:rds:eu-west-1:111122223333:cluster:wide-global-eu",
                ],
            ),
        ]);
        let findings = run_with(
            &RECOVERY_OBJECTIVES,
            &snapshot(vec![east]),
            &Default::default(),
            &targets,
        );
        let clusters: Vec<_> = findings
            .iter()
            .filter(|f| f.resource.kind == crate::Scope::DbCluster)
            .map(|f| {
                (
                    f.resource.id.as_str(),
                    f.outcome,
                    f.values.get("basis").cloned(),
                )
            })
            .collect();
        let basis = |text: &str| Some(serde_json::json!(text));
        assert_eq!(
            clusters,
            [
                (
                    "one-zone",
                    Outcome::Fail,
                    basis("point-in-time restore from automated backups")
                ),
                (
                    "two-zones",
                    Outcome::Pass,
                    basis("synchronous standby in another availability zone")
                ),
                ("ghost-member", Outcome::InsufficientEvidence, None),
                (
                    "lone-global",
                    Outcome::Fail,
                    basis("point-in-time restore from automated backups")
                ),
                (
                    "wide-global",
                    Outcome::Pass,
                    basis("promotion of a cross-region read replica")
                ),
            ]
        );
    }

    #[test]
    fn unknown_listing_is_insufficient_evidence() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        let findings = run(&RECOVERY_OBJECTIVES, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::InsufficientEvidence)]
        );
    }
}
