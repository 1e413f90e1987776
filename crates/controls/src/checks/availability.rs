//! Availability: Multi-AZ, replicas in other zones and regions.

use std::collections::BTreeSet;

use rds_evidence_inventory::rds::{DbCluster, DbInstance, GlobalCluster};
use rds_evidence_inventory::{Observed, RegionSnapshot, Unavailable};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, instance_resource, judge_each, read_replica, InstancesById,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&MULTI_AZ, &REPLICA_IN_OTHER_AZ, &CROSS_REGION_RECOVERY];

check! {
    /// A database survives the loss of one availability zone: a standalone primary is Multi-AZ;
    /// a cluster reports Multi-AZ or has instances in at least two zones.
    ///
    /// Cluster members are judged on their cluster, never one by one; read replicas follow their
    /// source's availability design.
    pub static MULTI_AZ = Check {
        id: "rds.database.multi_az",
        title: "Database is deployed across availability zones",
        rationale: "A Single-AZ instance, or a cluster whose instances share one zone, is down for \
                    as long as that zone is: a standby or reader in a second zone is the \
                    checklist's baseline against AZ failure (RDS-005, RDS-009). Aurora storage \
                    spans three zones, but compute does not.",
        remediation: "Modify the instance to Multi-AZ, or add a reader in another availability \
                      zone to the cluster (it becomes the failover target); or document why the \
                      workload accepts a single zone.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: multi_az,
    };
}

fn multi_az(ctx: &Context) -> Vec<Finding> {
    let mut findings = instance_multi_az(ctx);
    findings.extend(cluster_multi_az(ctx));
    findings
}

fn instance_multi_az(ctx: &Context) -> Vec<Finding> {
    let check = &MULTI_AZ;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                if let Some(skip) = member_or_replica(check, &resource, instance) {
                    skip
                } else if instance.multi_az {
                    Finding::new(check, resource, Outcome::Pass, "Multi-AZ deployment")
                        .with("availability_zone", &instance.availability_zone)
                        .with(
                            "secondary_availability_zone",
                            &instance.secondary_availability_zone,
                        )
                } else {
                    Finding::new(check, resource, Outcome::Fail, "Single-AZ deployment")
                        .with("availability_zone", &instance.availability_zone)
                },
            )
        },
    )
}

fn cluster_multi_az(ctx: &Context) -> Vec<Finding> {
    let check = &MULTI_AZ;
    let mut instances = InstancesById::default();
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            if cluster.multi_az {
                return Some(
                    Finding::new(
                        check,
                        resource,
                        Outcome::Pass,
                        "the cluster reports Multi-AZ",
                    )
                    .with("availability_zones", &cluster.availability_zones),
                );
            }
            if cluster.members.is_empty() {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    "the cluster has no instances",
                ));
            }
            let placement = match member_placement(&mut instances, region, cluster) {
                Ok(placement) => placement,
                Err(why) => return Some(members_unknown(check, resource, why)),
            };
            let zones = placement.zones();
            Some(if zones.len() >= 2 {
                Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!("instances in {} availability zones", zones.len()),
                )
                .with("member_zones", zones)
            } else if !placement.unplaced.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "the availability zone of member(s) {} is unknown: they are missing from \
                         the instance listing or report no zone",
                        placement.unplaced.join(", ")
                    ),
                )
                .with("member_zones", zones)
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!(
                        "all {} instance(s) are in one availability zone",
                        cluster.members.len()
                    ),
                )
                .with("member_zones", zones)
            })
        },
    )
}

check! {
    /// A database has a failover target in another availability zone of its region: a
    /// same-region read replica of a standalone primary, or a cluster reader, in a different zone
    /// from the primary or writer.
    pub static REPLICA_IN_OTHER_AZ = Check {
        id: "rds.database.replica_in_other_az",
        title: "Database has a read replica in another availability zone than the primary",
        rationale: "RDS-005 accepts a primary with a read replica in a different zone as its \
                    failover target: a replica in the primary's own zone fails with it.",
        remediation: "Create a read replica (for a cluster, a reader instance with a high promotion \
                      tier) in another availability zone of the region, and document the promotion \
                      procedure.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: replica_in_other_az,
    };
}

fn replica_in_other_az(ctx: &Context) -> Vec<Finding> {
    let mut findings = instance_replica_in_other_az(ctx);
    findings.extend(cluster_replica_in_other_az(ctx));
    findings
}

fn instance_replica_in_other_az(ctx: &Context) -> Vec<Finding> {
    let check = &REPLICA_IN_OTHER_AZ;
    let mut instances = InstancesById::default();
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            if let Some(skip) = member_or_replica(check, &resource, instance) {
                return Some(skip);
            }
            let Some(primary_zone) = instance.availability_zone.as_deref() else {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    "the API reported no availability zone for the primary",
                ));
            };
            let mut unplaced = Vec::new();
            let mut same_zone = Vec::new();
            for reference in &instance.read_replicas {
                if arn_region(reference).is_some_and(|r| r != region.region) {
                    continue;
                }
                let name = resource_name(reference);
                match instances
                    .get(region, name)
                    .ok()
                    .flatten()
                    .and_then(|i| i.availability_zone.as_deref())
                {
                    Some(zone) if zone != primary_zone => {
                        return Some(
                            Finding::new(
                                check,
                                resource,
                                Outcome::Pass,
                                format!(
                                    "read replica {name} is in {zone}, the primary in \
                                     {primary_zone}"
                                ),
                            )
                            .with("replica", name)
                            .with("replica_zone", zone)
                            .with("primary_zone", primary_zone),
                        );
                    }
                    Some(_) => same_zone.push(name),
                    None => unplaced.push(name),
                }
            }
            Some(if !unplaced.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "the availability zone of read replica(s) {} is unknown: they are not DB \
                         instances in the listing or report no zone",
                        unplaced.join(", ")
                    ),
                )
                .with("primary_zone", primary_zone)
            } else if !same_zone.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!(
                        "every same-region read replica is in the primary's zone {primary_zone}"
                    ),
                )
                .with("replicas", same_zone)
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    "no read replica in the primary's region",
                )
                .with("read_replicas", &instance.read_replicas)
            })
        },
    )
}

fn cluster_replica_in_other_az(ctx: &Context) -> Vec<Finding> {
    let check = &REPLICA_IN_OTHER_AZ;
    let mut instances = InstancesById::default();
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            let Some(writer) = cluster.members.iter().find(|m| m.is_writer) else {
                return Some(
                    match (&cluster.global_cluster, cluster.members.is_empty()) {
                        (_, true) => Finding::new(
                            check,
                            resource,
                            Outcome::Fail,
                            "the cluster has no instances",
                        ),
                        // A global database's secondary cluster has readers only until it is
                        // promoted; its protection is the primary region's.
                        (Some(global), false) => Finding::new(
                            check,
                            resource,
                            Outcome::NotApplicable,
                            format!(
                                "secondary cluster of global database {global}: it has no writer"
                            ),
                        ),
                        (None, false) => Finding::new(
                            check,
                            resource,
                            Outcome::InsufficientEvidence,
                            "the API reported no writer among the cluster's members",
                        ),
                    },
                );
            };
            let placement = match member_placement(&mut instances, region, cluster) {
                Ok(placement) => placement,
                Err(why) => return Some(members_unknown(check, resource, why)),
            };
            let zone_of = |id: &str| {
                placement
                    .placed
                    .iter()
                    .find(|(member, _)| member == id)
                    .map(|(_, zone)| zone.clone())
            };
            let Some(writer_zone) = zone_of(&writer.instance_identifier) else {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "the availability zone of writer {} is unknown: it is missing from the \
                         instance listing or reports no zone",
                        writer.instance_identifier
                    ),
                ));
            };
            let readers: Vec<&str> = cluster
                .members
                .iter()
                .filter(|m| !m.is_writer)
                .map(|m| m.instance_identifier.as_str())
                .collect();
            if let Some((reader, zone)) = placement
                .placed
                .iter()
                .find(|(member, zone)| readers.contains(&member.as_str()) && *zone != writer_zone)
            {
                return Some(
                    Finding::new(
                        check,
                        resource,
                        Outcome::Pass,
                        format!("reader {reader} is in {zone}, the writer in {writer_zone}"),
                    )
                    .with("reader", reader)
                    .with("reader_zone", zone)
                    .with("writer_zone", &writer_zone),
                );
            }
            let unplaced_readers: Vec<&str> = readers
                .iter()
                .copied()
                .filter(|r| placement.unplaced.iter().any(|u| u == r))
                .collect();
            Some(if !unplaced_readers.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "the availability zone of reader(s) {} is unknown: they are missing from \
                         the instance listing or report no zone",
                        unplaced_readers.join(", ")
                    ),
                )
                .with("writer_zone", &writer_zone)
            } else if readers.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    "the cluster has a writer and no reader",
                )
                .with("writer_zone", &writer_zone)
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!("every reader is in the writer's zone {writer_zone}"),
                )
                .with("readers", readers)
            })
        },
    )
}

check! {
    /// A database can be recovered in another region: a cross-region read replica, cross-region
    /// replication of automated backups, or (clusters) a global database with a cluster in another
    /// region.
    pub static CROSS_REGION_RECOVERY = Check {
        id: "rds.database.cross_region_recovery",
        title: "Database has a cross-region replica, global database or backup replication",
        rationale: "A regional outage takes every zone of the region with it: RDS-005's first use \
                    case is a copy of the data in another region, as a read replica, a global \
                    database secondary or replicated automated backups.",
        remediation: "Create a cross-region read replica, add a secondary region with Aurora Global \
                      Database, or enable cross-region replication of automated backups; document \
                      the recovery procedure and its RPO/RTO.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: cross_region_recovery,
    };
}

fn cross_region_recovery(ctx: &Context) -> Vec<Finding> {
    let mut findings = instance_cross_region_recovery(ctx);
    findings.extend(cluster_cross_region_recovery(ctx));
    findings
}

fn instance_cross_region_recovery(ctx: &Context) -> Vec<Finding> {
    let check = &CROSS_REGION_RECOVERY;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            if let Some(skip) = member_or_replica(check, &resource, instance) {
                return Some(skip);
            }
            let remote = remote_replicas(region, &instance.read_replicas);
            let backups = &instance.backup.cross_region_replications;
            Some(if !remote.is_empty() || !backups.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    recovery_sentence(&remote, backups),
                )
                .with("cross_region_replicas", remote)
                .with("cross_region_backup_replications", backups)
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    "no cross-region read replica and no cross-region backup replication",
                )
            })
        },
    )
}

fn cluster_cross_region_recovery(ctx: &Context) -> Vec<Finding> {
    let check = &CROSS_REGION_RECOVERY;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            if let Some(source) = &cluster.replica_source {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::NotApplicable,
                    format!("replica of {source}: the recovery copy, judged on its source"),
                ));
            }
            let backups = &cluster.backup.cross_region_replications;
            let replicated = |remote: &[&str]| {
                Finding::new(
                    check,
                    resource.clone(),
                    Outcome::Pass,
                    recovery_sentence(remote, backups),
                )
                .with("cross_region_replicas", remote)
                .with("cross_region_backup_replications", backups)
            };
            Some(match remote_copy(ctx, region, cluster) {
                RemoteCopy::Replicas(remote) => replicated(&remote),
                _ if !backups.is_empty() => replicated(&[]),
                RemoteCopy::Global {
                    global,
                    region: other,
                    cluster: partner,
                } => Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!("global database {global} also has cluster {partner} in {other}"),
                )
                .with("global_cluster", global)
                .with("partner_region", other)
                .with("partner_cluster", partner),
                RemoteCopy::None(why) => Finding::new(check, resource, Outcome::Fail, why),
                RemoteCopy::Unknown(why) => {
                    Finding::new(check, resource, Outcome::InsufficientEvidence, why)
                        .with("global_cluster", &cluster.global_cluster)
                }
            })
        },
    )
}

/// A copy of a cluster's data in another region.
pub(super) enum RemoteCopy<'a> {
    /// Cross-region read replica clusters.
    Replicas(Vec<&'a str>),
    /// Another cluster of its global database, elsewhere.
    Global {
        global: &'a str,
        region: &'a str,
        cluster: &'a str,
    },
    /// None, and why that is known.
    None(String),
    /// The global database's other regions could not be read, or were not collected.
    Unknown(String),
}

/// Where else a cluster's data lives: a cross-region read replica cluster, or a secondary
/// cluster of its global database in another region. A global database with a cluster in
/// one region only is no cross-region copy.
pub(super) fn remote_copy<'a>(
    ctx: &Context<'a>,
    region: &'a RegionSnapshot,
    cluster: &'a DbCluster,
) -> RemoteCopy<'a> {
    let remote = remote_replicas(region, &cluster.read_replicas);
    if !remote.is_empty() {
        return RemoteCopy::Replicas(remote);
    }
    if let Some(global) = global_database_of(region, cluster) {
        return match global
            .members
            .iter()
            .map(|m| m.cluster_arn.as_str())
            .find(|arn| arn_region(arn).is_some_and(|other| other != region.region))
        {
            Some(arn) => RemoteCopy::Global {
                global: &global.identifier,
                region: arn_region(arn).unwrap_or_default(),
                cluster: resource_name(arn),
            },
            None => RemoteCopy::None(format!(
                "global database {} has no cluster in another region",
                global.identifier
            )),
        };
    }
    let Some(global) = &cluster.global_cluster else {
        return RemoteCopy::None("no global database, no cross-region replica cluster".to_owned());
    };
    // The global database is not in the region's listing (unreadable): membership proves
    // nothing by itself, since a global database may hold one regional cluster only, so look
    // for a partner cluster in the other collected regions.
    let mut unknown: Vec<String> = Vec::new();
    for other in ctx
        .snapshot
        .regions
        .iter()
        .filter(|r| r.region != region.region)
    {
        match &other.db_clusters {
            Observed::Value(clusters) => {
                if let Some(partner) = clusters
                    .iter()
                    .find(|c| c.global_cluster.as_ref() == Some(global))
                {
                    return RemoteCopy::Global {
                        global,
                        region: &other.region,
                        cluster: &partner.identifier,
                    };
                }
            }
            Observed::Unknown(why) => unknown.push(format!("{}: {why}", other.region)),
        }
    }
    RemoteCopy::Unknown(if unknown.is_empty() {
        format!(
            "member of global database {global}, but no cluster of it was found in another \
             collected region"
        )
    } else {
        format!(
            "member of global database {global}; its other regions could not be read ({})",
            unknown.join("; ")
        )
    })
}

/// The global database the region's listing names this cluster a member of.
fn global_database_of<'a>(
    region: &'a RegionSnapshot,
    cluster: &DbCluster,
) -> Option<&'a GlobalCluster> {
    region.global_clusters.value()?.iter().find(|g| {
        cluster.global_cluster.as_deref() == Some(g.identifier.as_str())
            || g.members.iter().any(|m| m.cluster_arn == cluster.arn)
    })
}

fn member_or_replica(check: &Check, resource: &Resource, instance: &DbInstance) -> Option<Finding> {
    cluster_member(check, resource, instance)
        .or_else(|| read_replica(check, resource, instance, "judged on its source"))
}

/// Where a cluster's members run, from the region's instance listing.
pub(super) struct Placement {
    /// `(member, availability zone)`, in the cluster's member order.
    pub placed: Vec<(String, String)>,
    /// Members missing from the listing or reporting no zone.
    pub unplaced: Vec<String>,
}

impl Placement {
    pub fn zones(&self) -> BTreeSet<&str> {
        self.placed.iter().map(|(_, zone)| zone.as_str()).collect()
    }
}

pub(super) fn member_placement<'a>(
    instances: &mut InstancesById<'a>,
    region: &'a RegionSnapshot,
    cluster: &DbCluster,
) -> Result<Placement, &'a Unavailable> {
    let mut placement = Placement {
        placed: Vec::new(),
        unplaced: Vec::new(),
    };
    for member in &cluster.members {
        let id = &member.instance_identifier;
        match instances
            .get(region, id)?
            .filter(|i| i.cluster_identifier.as_ref() == Some(&cluster.identifier))
            .and_then(|i| i.availability_zone.clone())
        {
            Some(zone) => placement.placed.push((id.clone(), zone)),
            None => placement.unplaced.push(id.clone()),
        }
    }
    Ok(placement)
}

fn members_unknown(check: &Check, resource: Resource, why: &Unavailable) -> Finding {
    Finding::new(
        check,
        resource,
        Outcome::InsufficientEvidence,
        format!("the zones of the cluster's instances are unknown: {why}"),
    )
}

/// The region an ARN names; `None` for a plain identifier, which is always same-region.
fn arn_region(reference: &str) -> Option<&str> {
    let mut parts = reference.split(':');
    if parts.next()? != "arn" {
        return None;
    }
    parts.nth(2)
}

/// The identifier in an ARN (`arn:aws:rds:…:db:name` → `name`), or the identifier itself.
fn resource_name(reference: &str) -> &str {
    match arn_region(reference) {
        Some(_) => reference.rsplit(':').next().unwrap_or(reference),
        None => reference,
    }
}

fn remote_replicas<'a>(region: &RegionSnapshot, replicas: &'a [String]) -> Vec<&'a str> {
    replicas
        .iter()
        .filter(|r| arn_region(r).is_some_and(|other| other != region.region))
        .map(String::as_str)
        .collect()
}

fn recovery_sentence(remote: &[&str], backups: &[String]) -> String {
    match (remote.is_empty(), backups.is_empty()) {
        (false, false) => format!(
            "{} cross-region read replica(s) and {} cross-region backup replication(s)",
            remote.len(),
            backups.len()
        ),
        (false, true) => format!("{} cross-region read replica(s)", remote.len()),
        _ => format!("{} cross-region backup replication(s)", backups.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::rds::GlobalClusterMember;

    fn east(instances: Vec<DbInstance>, clusters: Vec<DbCluster>) -> RegionSnapshot {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(instances);
        east.db_clusters = Observed::Value(clusters);
        east
    }

    #[test]
    fn multi_az_instances_judge_standalone_primaries_only() {
        let mut single = instance("single");
        single.multi_az = false;
        let findings = run(
            &MULTI_AZ,
            &with_instances(vec![
                instance("good"),
                single,
                replica_of("replica", "good"),
                member_of("member-1", "aurora", "us-east-1a"),
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("single".into(), Outcome::Fail),
                ("replica".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
            ]
        );
        assert!(findings[3].detail.contains("cluster aurora"));
    }

    #[test]
    fn multi_az_clusters_are_judged_on_their_members_zones() {
        let mut flagged = cluster_of("flagged", &[("f-1", true)]);
        flagged.multi_az = true;
        let spread = cluster_of("spread", &[("s-1", true), ("s-2", false)]);
        let packed = cluster_of("packed", &[("p-1", true), ("p-2", false)]);
        let missing = cluster_of("missing", &[("m-1", true), ("m-gone", false)]);
        let empty = cluster_of("empty", &[]);
        let snapshot = snapshot(vec![east(
            vec![
                member_of("f-1", "flagged", "us-east-1a"),
                member_of("s-1", "spread", "us-east-1a"),
                member_of("s-2", "spread", "us-east-1c"),
                member_of("p-1", "packed", "us-east-1a"),
                member_of("p-2", "packed", "us-east-1a"),
                member_of("m-1", "missing", "us-east-1a"),
            ],
            vec![flagged, spread, packed, missing, empty],
        )]);
        let findings = run(&MULTI_AZ, &snapshot);
        let clusters: Vec<_> = outcomes(&findings).into_iter().skip(6).collect();
        assert_eq!(
            clusters,
            [
                ("flagged".into(), Outcome::Pass),
                ("spread".into(), Outcome::Pass),
                ("packed".into(), Outcome::Fail),
                ("missing".into(), Outcome::InsufficientEvidence),
                ("empty".into(), Outcome::Fail),
            ]
        );
        assert!(outcomes(&findings)[..6]
            .iter()
            .all(|(_, outcome)| *outcome == Outcome::NotApplicable));
        assert!(
            findings[9].detail.contains("m-gone"),
            "{}",
            findings[9].detail
        );
        assert!(findings[8].detail.contains("one availability zone"));
    }

    #[test]
    fn unknown_instances_leave_cluster_placement_unknown() {
        let mut east = east(
            Vec::new(),
            vec![cluster_of("aurora", &[("a-1", true), ("a-2", false)])],
        );
        east.db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        for check in [&MULTI_AZ, &REPLICA_IN_OTHER_AZ] {
            let findings = run(check, &snapshot(vec![east.clone()]));
            assert_eq!(
                outcomes(&findings),
                [
                    ("us-east-1".into(), Outcome::InsufficientEvidence),
                    ("aurora".into(), Outcome::InsufficientEvidence),
                ],
                "{}",
                check.id
            );
            assert!(findings[1].detail.contains("rds:DescribeDBInstances"));
        }
    }

    #[test]
    fn unknown_cluster_listing_is_insufficient_evidence() {
        let mut east = region("us-east-1");
        east.db_clusters = Observed::Unknown(denied("rds:DescribeDBClusters"));
        for check in CHECKS {
            let findings = run(check, &snapshot(vec![east.clone()]));
            assert_eq!(
                outcomes(&findings),
                [("us-east-1".into(), Outcome::InsufficientEvidence)],
                "{}",
                check.id
            );
            assert!(findings[0].detail.contains("rds:DescribeDBClusters"));
        }
    }

    #[test]
    fn instance_replica_must_sit_in_another_zone() {
        let mut other_zone = instance("other-zone");
        other_zone.read_replicas = vec!["r-b".into()];
        let mut same_zone = instance("same-zone");
        same_zone.read_replicas = vec!["r-a".into()];
        let mut r_a = replica_of("r-a", "same-zone");
        r_a.availability_zone = Some("us-east-1a".into());
        let mut unlisted = instance("unlisted");
        unlisted.read_replicas = vec!["r-gone".into()];
        let mut remote_only = instance("remote-only");
        remote_only.read_replicas = vec!["arn:aws:rds:eu-west-1:111122223333:db:far-away".into()];
        let mut by_arn = instance("by-arn");
        by_arn.read_replicas = vec!["arn:aws:rds:us-east-1:111122223333:db:r-b".into()];
        let mut no_zone = instance("no-zone");
        no_zone.availability_zone = None;
        no_zone.read_replicas = vec!["r-b".into()];
        let findings = run(
            &REPLICA_IN_OTHER_AZ,
            &with_instances(vec![
                other_zone,
                same_zone,
                unlisted,
                remote_only,
                by_arn,
                no_zone,
                instance("none"),
                replica_of("r-b", "other-zone"),
                r_a,
                member_of("member-1", "aurora", "us-east-1a"),
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("other-zone".into(), Outcome::Pass),
                ("same-zone".into(), Outcome::Fail),
                ("unlisted".into(), Outcome::InsufficientEvidence),
                ("remote-only".into(), Outcome::Fail),
                ("by-arn".into(), Outcome::Pass),
                ("no-zone".into(), Outcome::InsufficientEvidence),
                ("none".into(), Outcome::Fail),
                ("r-b".into(), Outcome::NotApplicable),
                ("r-a".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
            ]
        );
        assert!(findings[0].detail.contains("r-b is in us-east-1b"));
        assert!(findings[2].detail.contains("r-gone"));
    }

    #[test]
    fn cluster_reader_must_sit_outside_the_writers_zone() {
        let mut secondary = cluster_of("secondary", &[("g-1", false)]);
        secondary.global_cluster = Some("global-1".into());
        let snapshot = snapshot(vec![east(
            vec![
                member_of("s-w", "spread", "us-east-1a"),
                member_of("s-r", "spread", "us-east-1b"),
                member_of("p-w", "packed", "us-east-1a"),
                member_of("p-r", "packed", "us-east-1a"),
                member_of("l-w", "lonely", "us-east-1a"),
                member_of("u-w", "unlisted", "us-east-1a"),
                member_of("g-1", "secondary", "us-east-1a"),
            ],
            vec![
                cluster_of("spread", &[("s-w", true), ("s-r", false)]),
                cluster_of("packed", &[("p-w", true), ("p-r", false)]),
                cluster_of("lonely", &[("l-w", true)]),
                cluster_of("unlisted", &[("u-w", true), ("u-gone", false)]),
                cluster_of("headless", &[("h-1", false)]),
                secondary,
                cluster_of("empty", &[]),
            ],
        )]);
        let findings = run(&REPLICA_IN_OTHER_AZ, &snapshot);
        let clusters: Vec<_> = outcomes(&findings).into_iter().skip(7).collect();
        assert_eq!(
            clusters,
            [
                ("spread".into(), Outcome::Pass),
                ("packed".into(), Outcome::Fail),
                ("lonely".into(), Outcome::Fail),
                ("unlisted".into(), Outcome::InsufficientEvidence),
                ("headless".into(), Outcome::InsufficientEvidence),
                ("secondary".into(), Outcome::NotApplicable),
                ("empty".into(), Outcome::Fail),
            ]
        );
        assert!(findings[7].detail.contains("s-r is in us-east-1b"));
        assert!(findings[10].detail.contains("u-gone"));
    }

    #[test]
    fn instance_cross_region_recovery() {
        let mut replicated = instance("replicated");
        replicated.read_replicas = vec!["arn:aws:rds:eu-west-1:111122223333:db:dr".into()];
        let mut backups = instance("backups");
        backups.backup.cross_region_replications =
            vec!["arn:aws:rds:eu-west-1:111122223333:auto-backup:ab-1".into()];
        let mut local_arn = instance("local-arn");
        local_arn.read_replicas = vec!["arn:aws:rds:us-east-1:111122223333:db:near".into()];
        let findings = run(
            &CROSS_REGION_RECOVERY,
            &with_instances(vec![
                replicated,
                backups,
                local_arn,
                instance("alone"),
                replica_of("near", "local-arn"),
                member_of("member-1", "aurora", "us-east-1a"),
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("replicated".into(), Outcome::Pass),
                ("backups".into(), Outcome::Pass),
                ("local-arn".into(), Outcome::Fail),
                ("alone".into(), Outcome::Fail),
                ("near".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
            ]
        );
        assert_eq!(findings[0].detail, "1 cross-region read replica(s)");
        assert_eq!(findings[1].detail, "1 cross-region backup replication(s)");
    }

    #[test]
    fn cluster_cross_region_recovery_needs_a_partner_in_another_region() {
        let mut primary = cluster("primary");
        primary.global_cluster = Some("global-1".into());
        let mut orphan = cluster("orphan");
        orphan.global_cluster = Some("global-2".into());
        let mut replicated = cluster("replicated");
        replicated.read_replicas =
            vec!["arn:aws:rds:us-west-2:111122223333:cluster:replicated-dr".into()];
        let mut replica = cluster("replica");
        replica.replica_source =
            Some("arn:aws:rds:us-west-2:111122223333:cluster:elsewhere".into());
        let mut secondary = cluster("secondary");
        secondary.global_cluster = Some("global-1".into());
        let mut west = region("us-west-2");
        west.db_clusters = Observed::Value(vec![secondary]);
        let east = east(
            Vec::new(),
            vec![primary, orphan, replicated, replica, cluster("alone")],
        );
        let findings = run(&CROSS_REGION_RECOVERY, &snapshot(vec![east.clone(), west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("primary".into(), Outcome::Pass),
                ("orphan".into(), Outcome::InsufficientEvidence),
                ("replicated".into(), Outcome::Pass),
                ("replica".into(), Outcome::NotApplicable),
                ("alone".into(), Outcome::Fail),
                ("secondary".into(), Outcome::Pass),
            ]
        );
        assert!(findings[0].detail.contains("secondary in us-west-2"));
        assert!(findings[5].detail.contains("primary in us-east-1"));

        let mut unreadable = region("us-west-2");
        unreadable.db_clusters = Observed::Unknown(denied("rds:DescribeDBClusters"));
        let findings = run(&CROSS_REGION_RECOVERY, &snapshot(vec![east, unreadable]));
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0]
            .detail
            .contains("us-west-2: rds:DescribeDBClusters"));
    }

    #[test]
    fn a_listed_global_database_decides_cross_region_recovery() {
        let arn =
            |region: &str, id: &str| format!("arn:aws:rds:{region}:111122223333:cluster:{id}");
        let member = |cluster_arn: String| GlobalClusterMember {
            cluster_arn,
            is_writer: false,
            readers: Vec::new(),
        };
        let global = |id: &str, members: Vec<GlobalClusterMember>| GlobalCluster {
            identifier: id.into(),
            arn: None,
            engine: Some("aurora-postgresql".into()),
            engine_version: None,
            status: Some("available".into()),
            members,
        };
        let mut spanning = cluster("spanning");
        spanning.global_cluster = Some("global-1".into());
        let mut single = cluster("single");
        single.global_cluster = Some("global-2".into());
        // Named only by the global database's member list.
        let unnamed = cluster("unnamed");
        let mut east = east(
            Vec::new(),
            vec![spanning, single, unnamed, cluster("alone")],
        );
        east.global_clusters = Observed::Value(vec![
            global(
                "global-1",
                vec![
                    member(arn("us-east-1", "spanning")),
                    member(arn("eu-west-1", "spanning-dr")),
                ],
            ),
            global("global-2", vec![member(arn("us-east-1", "single"))]),
            global(
                "global-3",
                vec![
                    member(arn("us-east-1", "unnamed")),
                    member(arn("us-west-2", "unnamed-dr")),
                ],
            ),
        ]);
        let findings = run(&CROSS_REGION_RECOVERY, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("spanning".into(), Outcome::Pass),
                ("single".into(), Outcome::Fail),
                ("unnamed".into(), Outcome::Pass),
                ("alone".into(), Outcome::Fail),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "global database global-1 also has cluster spanning-dr in eu-west-1"
        );
        assert_eq!(
            findings[1].detail,
            "global database global-2 has no cluster in another region"
        );
    }

    #[test]
    fn arn_parts() {
        assert_eq!(
            arn_region("arn:aws:rds:eu-west-1:111122223333:db:x"),
            Some("eu-west-1")
        );
        assert_eq!(arn_region("plain-id"), None);
        assert_eq!(resource_name("arn:aws:rds:eu-west-1:1:db:x"), "x");
        assert_eq!(resource_name("plain-id"), "plain-id");
    }
}
