//! A large snapshot for benchmarks, generated rather than checked in: the demo account
//! (`fixtures/emulator-demo-snapshot.json`) with its databases and snapshots copied, region by region,
//! until it holds the requested number of DB instances. Each copy's identifiers get a suffix,
//! so that replicas, cluster members and snapshot sources still point inside their copy;
//! parameter groups, keys and networks stay shared, as in a real fleet.

use rds_evidence_inventory::rds::{DbCluster, DbInstance, DbSnapshot};
use rds_evidence_inventory::{Observed, RegionSnapshot, Snapshot};

/// The figure the performance targets are stated for.
pub const INSTANCES: usize = 10_000;

/// At least `instances` DB instances: whole copies of the demo estate, so a few more.
pub fn large_snapshot(instances: usize) -> Snapshot {
    let demo: Snapshot = serde_json::from_str(include_str!(
        "../../../../fixtures/emulator-demo-snapshot.json"
    ))
    .expect("fixtures/emulator-demo-snapshot.json is a valid snapshot");
    let per_copy: usize = demo.regions.iter().map(|r| listed(&r.db_instances)).sum();
    let copies = instances.div_ceil(per_copy);
    let mut snapshot = demo.clone();
    for (region, template) in snapshot.regions.iter_mut().zip(&demo.regions) {
        for copy in 1..copies {
            append_copy(region, template, &format!("-c{copy:05}"));
        }
    }
    snapshot
}

fn listed<T>(observed: &Observed<Vec<T>>) -> usize {
    observed.value().map_or(0, Vec::len)
}

fn append_copy(region: &mut RegionSnapshot, template: &RegionSnapshot, suffix: &str) {
    extend(&mut region.db_instances, &template.db_instances, |i| {
        instance(i, suffix)
    });
    extend(&mut region.db_clusters, &template.db_clusters, |c| {
        cluster(c, suffix)
    });
    extend(&mut region.db_snapshots, &template.db_snapshots, |s| {
        snapshot(s, suffix)
    });
    extend(
        &mut region.db_cluster_snapshots,
        &template.db_cluster_snapshots,
        |s| snapshot(s, suffix),
    );
}

fn extend<T>(into: &mut Observed<Vec<T>>, from: &Observed<Vec<T>>, rename: impl Fn(&T) -> T) {
    if let (Observed::Value(into), Observed::Value(from)) = (into, from) {
        into.extend(from.iter().map(rename));
    }
}

/// Identifiers and ARNs both end with the resource's name, so one suffix renames either.
fn renamed(name: &str, suffix: &str) -> String {
    format!("{name}{suffix}")
}

fn instance(template: &DbInstance, suffix: &str) -> DbInstance {
    let mut copy = template.clone();
    copy.identifier = renamed(&copy.identifier, suffix);
    copy.arn = renamed(&copy.arn, suffix);
    copy.cluster_identifier = copy.cluster_identifier.map(|id| renamed(&id, suffix));
    copy.replica_source = copy.replica_source.map(|id| renamed(&id, suffix));
    for replica in &mut copy.read_replicas {
        *replica = renamed(replica, suffix);
    }
    copy
}

fn cluster(template: &DbCluster, suffix: &str) -> DbCluster {
    let mut copy = template.clone();
    copy.identifier = renamed(&copy.identifier, suffix);
    copy.arn = renamed(&copy.arn, suffix);
    copy.replica_source = copy.replica_source.map(|id| renamed(&id, suffix));
    for replica in &mut copy.read_replicas {
        *replica = renamed(replica, suffix);
    }
    for member in &mut copy.members {
        member.instance_identifier = renamed(&member.instance_identifier, suffix);
    }
    copy
}

fn snapshot(template: &DbSnapshot, suffix: &str) -> DbSnapshot {
    let mut copy = template.clone();
    copy.identifier = renamed(&copy.identifier, suffix);
    copy.arn = copy.arn.map(|arn| renamed(&arn, suffix));
    copy.source_identifier = copy.source_identifier.map(|id| renamed(&id, suffix));
    copy
}
