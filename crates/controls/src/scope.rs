//! A snapshot narrowed to a case study's databases and what they use.
//!
//! The databases in scope are those the selection names, with what belongs to them: a cluster
//! brings its members, a member its cluster, a primary its read replicas (in other regions too)
//! and a global database its clusters. Everything else of the region is kept only where an
//! in-scope database uses it: its DB subnet group, VPC and what is in it, parameter and option
//! groups, KMS keys, snapshots, secrets, alarms, metrics, log groups, DMS tasks writing into
//! it, maintenance, scaling targets, backup recovery points, and the RDS changes that name it.
//! Region-wide settings (event subscriptions, backup plans and vaults, stacks, certificates,
//! reserved instances, engine versions) stay whole; account-wide state is untouched. A listing
//! that could not be read stays unknown: nothing can be selected from it.

use std::collections::BTreeSet;

use rds_evidence_inventory::rds::{DbCluster, DbInstance, Tags};
use rds_evidence_inventory::{Observed, RegionSnapshot, Snapshot};

use crate::case_study::Selection;
use crate::check::{Resource, Scope};

/// A snapshot narrowed to a scope, and which databases fell on each side.
#[derive(Debug, Clone, PartialEq)]
pub struct Narrowed {
    pub snapshot: Snapshot,
    /// DB instances and clusters in the case study.
    pub in_scope: Vec<Resource>,
    /// Those of the account that are not: listed, never judged.
    pub out_of_scope: Vec<Resource>,
}

/// `(region, identifier)` of the databases in scope, instances and clusters apart.
#[derive(Default)]
struct Chosen {
    instances: BTreeSet<(String, String)>,
    clusters: BTreeSet<(String, String)>,
}

impl Chosen {
    fn has_instance(&self, region: &str, id: &str) -> bool {
        self.instances.contains(&(region.to_owned(), id.to_owned()))
    }

    fn has_cluster(&self, region: &str, id: &str) -> bool {
        self.clusters.contains(&(region.to_owned(), id.to_owned()))
    }
}

pub fn narrow(whole: &Snapshot, selection: &Selection) -> Narrowed {
    let chosen = choose(whole, selection);
    let mut in_scope = Vec::new();
    let mut out_of_scope = Vec::new();
    for region in &whole.regions {
        let name = &region.region;
        for instance in listed(&region.db_instances) {
            let resource = Resource::new(Scope::DbInstance, name, &instance.identifier);
            if chosen.has_instance(name, &instance.identifier) {
                in_scope.push(resource);
            } else {
                out_of_scope.push(resource);
            }
        }
        for cluster in listed(&region.db_clusters) {
            let resource = Resource::new(Scope::DbCluster, name, &cluster.identifier);
            if chosen.has_cluster(name, &cluster.identifier) {
                in_scope.push(resource);
            } else {
                out_of_scope.push(resource);
            }
        }
    }
    let regions = whole
        .regions
        .iter()
        .map(|region| narrow_region(region, &chosen))
        .collect();
    Narrowed {
        snapshot: Snapshot {
            regions,
            ..whole.clone()
        },
        in_scope,
        out_of_scope,
    }
}

fn listed<T>(listing: &Observed<Vec<T>>) -> &[T] {
    listing.value().map_or(&[][..], Vec::as_slice)
}

/// The selected databases and what belongs to them, to a fixed point: a replica in another
/// region brings nothing new that a second pass would not find.
fn choose(whole: &Snapshot, selection: &Selection) -> Chosen {
    let mut chosen = Chosen::default();
    for region in &whole.regions {
        for instance in listed(&region.db_instances) {
            if selection.selects(&instance.identifier, &instance.tags) {
                chosen
                    .instances
                    .insert((region.region.clone(), instance.identifier.clone()));
            }
        }
        for cluster in listed(&region.db_clusters) {
            if selection.selects(&cluster.identifier, &cluster.tags) {
                chosen
                    .clusters
                    .insert((region.region.clone(), cluster.identifier.clone()));
            }
        }
    }
    loop {
        let before = chosen.instances.len() + chosen.clusters.len();
        for region in &whole.regions {
            let name = &region.region;
            for cluster in listed(&region.db_clusters) {
                if chosen.has_cluster(name, &cluster.identifier) {
                    for member in &cluster.members {
                        chosen
                            .instances
                            .insert((name.clone(), member.instance_identifier.clone()));
                    }
                    for replica in &cluster.read_replicas {
                        chosen.clusters.insert(located(replica, name));
                    }
                    for global in listed(&region.global_clusters).iter().filter(|g| {
                        cluster.global_cluster.as_deref() == Some(g.identifier.as_str())
                            || g.members.iter().any(|m| m.cluster_arn == cluster.arn)
                    }) {
                        for member in &global.members {
                            chosen.clusters.insert(located(&member.cluster_arn, name));
                        }
                    }
                }
            }
            for instance in listed(&region.db_instances) {
                if chosen.has_instance(name, &instance.identifier) {
                    for replica in &instance.read_replicas {
                        chosen.instances.insert(located(replica, name));
                    }
                    if let Some(cluster) = &instance.cluster_identifier {
                        chosen.clusters.insert((name.clone(), cluster.clone()));
                    }
                }
            }
        }
        if chosen.instances.len() + chosen.clusters.len() == before {
            return chosen;
        }
    }
}

/// `(region, identifier)` of a reference that is an ARN (another region) or an identifier
/// (this one).
fn located(reference: &str, here: &str) -> (String, String) {
    let parts: Vec<&str> = reference.split(':').collect();
    match parts.as_slice() {
        ["arn", _, _, region, _, _kind, id] => ((*region).to_owned(), (*id).to_owned()),
        _ => (here.to_owned(), reference.to_owned()),
    }
}

fn narrow_region(region: &RegionSnapshot, chosen: &Chosen) -> RegionSnapshot {
    let name = &region.region;
    let keep = |listing: &Observed<Vec<DbInstance>>| match listing {
        Observed::Value(items) => Observed::Value(
            items
                .iter()
                .filter(|i| chosen.has_instance(name, &i.identifier))
                .cloned()
                .collect(),
        ),
        Observed::Unknown(why) => Observed::Unknown(why.clone()),
    };
    let instances = keep(&region.db_instances);
    let clusters = match &region.db_clusters {
        Observed::Value(items) => Observed::Value(
            items
                .iter()
                .filter(|c| chosen.has_cluster(name, &c.identifier))
                .cloned()
                .collect::<Vec<DbCluster>>(),
        ),
        Observed::Unknown(why) => Observed::Unknown(why.clone()),
    };
    let uses = Uses::of(listed(&instances), listed(&clusters), region);
    let mut narrowed = RegionSnapshot {
        db_instances: instances.clone(),
        db_clusters: clusters.clone(),
        excluded: Vec::new(),
        ..region.clone()
    };
    retain(&mut narrowed.db_subnet_groups, |g| {
        uses.subnet_groups.contains(&g.name)
    });
    narrowed
        .parameter_groups
        .retain(|g| uses.parameter_groups.contains(&g.name));
    narrowed
        .option_groups
        .retain(|g| uses.option_groups.contains(&g.name));
    let from_database = |snapshot: &rds_evidence_inventory::rds::DbSnapshot| {
        snapshot
            .source_identifier
            .as_deref()
            .is_some_and(|source| uses.identifiers.contains(source))
    };
    retain(&mut narrowed.db_snapshots, from_database);
    retain(&mut narrowed.db_cluster_snapshots, from_database);
    retain(&mut narrowed.db_proxies, |p| {
        p.vpc_id.as_ref().is_some_and(|vpc| uses.vpcs.contains(vpc))
    });
    retain(&mut narrowed.global_clusters, |g| {
        g.members.iter().any(|m| uses.arns.contains(&m.cluster_arn))
    });
    retain(&mut narrowed.pending_maintenance, |m| {
        uses.arns.contains(&m.resource_arn)
    });
    let network = &mut narrowed.network;
    retain(&mut network.vpcs, |v| uses.vpcs.contains(&v.id));
    retain(&mut network.subnets, |s| uses.vpcs.contains(&s.vpc_id));
    retain(&mut network.route_tables, |t| uses.vpcs.contains(&t.vpc_id));
    retain(&mut network.network_acls, |a| uses.vpcs.contains(&a.vpc_id));
    retain(&mut network.security_groups, |g| {
        g.vpc_id.as_ref().is_some_and(|vpc| uses.vpcs.contains(vpc))
            || uses.security_groups.contains(&g.id)
    });
    retain(&mut network.flow_logs, |f| {
        f.resource_id
            .as_ref()
            .is_none_or(|id| !id.starts_with("vpc-") || uses.vpcs.contains(id))
    });
    narrowed.kms_keys.retain(|k| uses.keys.contains(&k.arn));
    retain(&mut narrowed.secrets, |s| uses.owns_secret(&s.arn, &s.tags));
    retain(&mut narrowed.backup.protected_resources, |r| {
        uses.arns.contains(&r.arn)
    });
    retain(&mut narrowed.scalable_targets, |t| {
        t.resource_id
            .strip_prefix("cluster:")
            .is_some_and(|id| uses.identifiers.contains(id))
    });
    retain(&mut narrowed.alarms, |a| {
        ["DBInstanceIdentifier", "DBClusterIdentifier"]
            .iter()
            .filter_map(|d| a.dimensions.get(*d))
            .any(|id| uses.identifiers.contains(id))
    });
    retain(&mut narrowed.metrics, |m| uses.identifiers.contains(&m.id));
    if let Observed::Value(history) = &mut narrowed.changes {
        // An event that names no resource cannot be placed outside the case study.
        history.events.retain(|e| {
            e.resources.is_empty()
                || e.resources
                    .iter()
                    .any(|r| uses.identifiers.contains(r) || uses.arns.contains(r))
        });
    }
    retain(&mut narrowed.log_groups, |g| {
        log_group_database(&g.name).is_some_and(|(_, id)| uses.identifiers.contains(id))
    });
    retain(&mut narrowed.replication_tasks, |t| {
        t.target
            .as_ref()
            .and_then(|e| e.server.as_deref())
            .is_some_and(|server| uses.endpoints.contains(server))
    });
    narrowed
}

fn retain<T>(listing: &mut Observed<Vec<T>>, keep: impl FnMut(&T) -> bool) {
    if let Observed::Value(items) = listing {
        items.retain(keep);
    }
}

/// What the in-scope databases of a region use.
#[derive(Default)]
struct Uses {
    identifiers: BTreeSet<String>,
    arns: BTreeSet<String>,
    endpoints: BTreeSet<String>,
    subnet_groups: BTreeSet<String>,
    vpcs: BTreeSet<String>,
    security_groups: BTreeSet<String>,
    parameter_groups: BTreeSet<String>,
    option_groups: BTreeSet<String>,
    keys: BTreeSet<String>,
    secrets: BTreeSet<String>,
}

impl Uses {
    fn of(instances: &[DbInstance], clusters: &[DbCluster], region: &RegionSnapshot) -> Uses {
        let mut uses = Uses::default();
        for i in instances {
            uses.identifiers.insert(i.identifier.clone());
            uses.arns.insert(i.arn.clone());
            uses.endpoints
                .extend(i.endpoint.as_ref().map(|e| e.address.clone()));
            uses.subnet_groups.extend(i.subnet_group.clone());
            uses.vpcs.extend(i.vpc_id.clone());
            uses.security_groups
                .extend(i.vpc_security_groups.iter().cloned());
            uses.parameter_groups
                .extend(i.parameter_groups.iter().map(|g| g.name.clone()));
            uses.option_groups.extend(i.option_groups.iter().cloned());
            uses.keys.extend(i.storage.kms_key_id.clone());
            uses.keys
                .extend(i.monitoring.performance_insights_kms_key_id.clone());
            if let Some(secret) = &i.master_user_secret {
                uses.secrets.extend(secret.secret_arn.clone());
                uses.keys.extend(secret.kms_key_id.clone());
            }
        }
        for c in clusters {
            uses.identifiers.insert(c.identifier.clone());
            uses.arns.insert(c.arn.clone());
            uses.endpoints.extend(c.endpoint.clone());
            uses.endpoints.extend(c.reader_endpoint.clone());
            uses.subnet_groups.extend(c.subnet_group.clone());
            uses.security_groups
                .extend(c.vpc_security_groups.iter().cloned());
            uses.parameter_groups.extend(c.parameter_group.clone());
            uses.keys.extend(c.storage.kms_key_id.clone());
            if let Some(secret) = &c.master_user_secret {
                uses.secrets.extend(secret.secret_arn.clone());
                uses.keys.extend(secret.kms_key_id.clone());
            }
        }
        for group in listed(&region.db_subnet_groups) {
            if uses.subnet_groups.contains(&group.name) {
                uses.vpcs.extend(group.vpc_id.clone());
            }
        }
        // Keys of the copies of the data: the in-scope databases' snapshots.
        for snapshot in listed(&region.db_snapshots)
            .iter()
            .chain(listed(&region.db_cluster_snapshots))
        {
            if snapshot
                .source_identifier
                .as_deref()
                .is_some_and(|source| uses.identifiers.contains(source))
            {
                uses.keys.extend(snapshot.kms_key_id.clone());
            }
        }
        uses
    }

    /// A secret belongs to an in-scope database when one names it, or it names one (by the
    /// tags RDS puts on the secrets it manages, or the `rds-db` tag a team puts by hand).
    fn owns_secret(&self, arn: &str, tags: &Tags) -> bool {
        self.secrets.contains(arn)
            || [
                "aws:rds:primaryDBClusterArn",
                "aws:rds:primaryDBInstanceArn",
                "rds-db",
            ]
            .iter()
            .filter_map(|key| tags.get(*key))
            .any(|value| self.arns.contains(value) || self.identifiers.contains(value))
    }
}

/// The database an RDS log group belongs to: `/aws/rds/instance/<id>/<log>` or
/// `/aws/rds/cluster/<id>/<log>`.
pub(crate) fn log_group_database(name: &str) -> Option<(Scope, &str)> {
    let rest = name.strip_prefix("/aws/rds/")?;
    let (kind, rest) = rest.split_once('/')?;
    let (id, _) = rest.split_once('/')?;
    match kind {
        "instance" => Some((Scope::DbInstance, id)),
        "cluster" => Some((Scope::DbCluster, id)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use std::collections::BTreeMap;

    fn workload(id: &str, workload: &str) -> DbInstance {
        let mut db = instance(id);
        db.tags.insert("Workload".into(), workload.into());
        db
    }

    fn orders() -> Selection {
        Selection {
            tags: BTreeMap::from([("Workload".into(), "orders".into())]),
            identifiers: Vec::new(),
        }
    }

    #[test]
    fn only_the_workload_and_what_it_uses_remain() {
        let mut sandbox = workload("sandbox", "crm");
        sandbox.vpc_security_groups = vec!["sg-sandbox".into()];
        sandbox.storage.kms_key_id = Some(key_arn("crm"));
        let mut s = networked(vec![workload("orders-db", "orders"), sandbox]);
        let east = &mut s.regions[0];
        east.kms_keys = vec![kms_key("prod"), kms_key("crm")];
        let mut crm_snapshot = db_snapshot("crm-snap");
        crm_snapshot.source_identifier = Some("sandbox".into());
        east.db_snapshots = Observed::Value(vec![db_snapshot("orders-snap"), crm_snapshot]);
        items_mut(&mut east.db_snapshots)[0].source_identifier = Some("orders-db".into());

        let narrowed = narrow(&s, &orders());
        assert_eq!(
            narrowed.in_scope,
            [Resource::new(Scope::DbInstance, "us-east-1", "orders-db")]
        );
        assert_eq!(
            narrowed.out_of_scope,
            [Resource::new(Scope::DbInstance, "us-east-1", "sandbox")]
        );
        let east = &narrowed.snapshot.regions[0];
        assert_eq!(listed(&east.db_instances).len(), 1);
        assert_eq!(
            east.kms_keys
                .iter()
                .map(|k| k.arn.as_str())
                .collect::<Vec<_>>(),
            [key_arn("prod")]
        );
        assert_eq!(listed(&east.db_snapshots)[0].identifier, "orders-snap");
        assert_eq!(listed(&east.db_snapshots).len(), 1);
        assert_eq!(listed(&east.network.vpcs).len(), 1, "the workload's VPC");
    }

    #[test]
    fn a_cluster_brings_its_members_and_a_primary_its_replicas_elsewhere() {
        let mut east = region("us-east-1");
        let mut aurora = cluster_of("orders", &[("orders-1", true), ("orders-2", false)]);
        aurora.tags.insert("Workload".into(), "orders".into());
        let mut primary = workload("ledger", "orders");
        primary.read_replicas = vec!["arn:aws:rds:eu-west-1:111122223333:db:ledger-dr".into()];
        east.db_instances = Observed::Value(vec![
            member_of("orders-1", "orders", "us-east-1a"),
            member_of("orders-2", "orders", "us-east-1b"),
            primary,
            instance("unrelated"),
        ]);
        east.db_clusters = Observed::Value(vec![aurora]);
        let mut west = region("eu-west-1");
        let mut dr = instance("ledger-dr");
        dr.replica_source = Some("arn:aws:rds:us-east-1:111122223333:db:ledger".into());
        west.db_instances = Observed::Value(vec![dr]);
        let s = snapshot(vec![east, west]);

        let narrowed = narrow(&s, &orders());
        let ids: Vec<&str> = narrowed.in_scope.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["orders-1", "orders-2", "ledger", "orders", "ledger-dr"]
        );
        assert_eq!(narrowed.out_of_scope.len(), 1);
    }

    #[test]
    fn an_unknown_listing_stays_unknown() {
        let mut s = networked(vec![workload("orders-db", "orders")]);
        s.regions[0].db_clusters = Observed::Unknown(denied("rds:DescribeDBClusters"));
        let narrowed = narrow(&s, &orders());
        assert!(!narrowed.snapshot.regions[0].db_clusters.is_known());
    }

    #[test]
    fn log_groups_name_their_database() {
        assert_eq!(
            log_group_database("/aws/rds/cluster/orders/postgresql"),
            Some((Scope::DbCluster, "orders"))
        );
        assert_eq!(log_group_database("/aws/rds/proxy/p"), None);
    }
}
