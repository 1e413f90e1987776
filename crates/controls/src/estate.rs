//! Views over the snapshot that many checks share: listings with their unknowns, cluster
//! membership, time arithmetic on the snapshot's own timestamps.

use std::collections::HashMap;

use rds_evidence_inventory::rds::{
    Backup, DbCluster, DbInstance, MasterUserSecret, Parameter, ParameterGroupKind, Tags,
};
use rds_evidence_inventory::{Observed, RegionSnapshot, Snapshot, Unavailable};

use crate::check::{Check, Finding, Outcome, Resource, Scope};
use crate::Context;

/// An item of a regional listing, or the reason a region's listing is unknown.
pub enum Listed<'a, T: 'a> {
    Item(&'a RegionSnapshot, &'a T),
    Unknown(&'a RegionSnapshot, &'a Unavailable),
}

/// Every item of one listing across regions; an unknown listing yields one `Unknown`.
pub fn listed<'a, T: 'a>(
    snapshot: &'a Snapshot,
    listing: impl Fn(&'a RegionSnapshot) -> &'a Observed<Vec<T>>,
) -> Vec<Listed<'a, T>> {
    let mut out = Vec::new();
    for region in &snapshot.regions {
        match listing(region) {
            Observed::Value(items) => {
                out.extend(items.iter().map(|item| Listed::Item(region, item)))
            }
            Observed::Unknown(why) => out.push(Listed::Unknown(region, why)),
        }
    }
    out
}

/// A region's DB instances by identifier, built when a check first looks into the region: a
/// check that finds each database's replicas or members by scanning the listing is quadratic
/// in the fleet. [`judge_each`] visits regions one after another, so each is indexed once.
#[derive(Default)]
pub struct InstancesById<'a> {
    region: Option<&'a str>,
    by_id: HashMap<&'a str, &'a DbInstance>,
}

impl<'a> InstancesById<'a> {
    /// The instance `id` of `region`; `Err` when the region's instance listing is unknown.
    pub fn get(
        &mut self,
        region: &'a RegionSnapshot,
        id: &str,
    ) -> Result<Option<&'a DbInstance>, &'a Unavailable> {
        let instances = match &region.db_instances {
            Observed::Value(instances) => instances,
            Observed::Unknown(why) => return Err(why),
        };
        if self.region != Some(region.region.as_str()) {
            self.by_id = instances
                .iter()
                .map(|instance| (instance.identifier.as_str(), instance))
                .collect();
            self.region = Some(&region.region);
        }
        Ok(self.by_id.get(id).copied())
    }
}

/// The finding for a region whose listing could not be read: every resource in it is unknown.
pub fn region_unknown(check: &Check, region: &RegionSnapshot, why: &Unavailable) -> Finding {
    Finding::new(
        check,
        Resource::new(Scope::Region, &region.region, &region.region),
        Outcome::InsufficientEvidence,
        format!("cannot judge {}: {why}", region.region),
    )
}

/// Judges each item of a listing with `judge`; regions whose listing is unknown become
/// insufficient evidence.
pub fn judge_each<'a, T: 'a>(
    check: &Check,
    snapshot: &'a Snapshot,
    listing: impl Fn(&'a RegionSnapshot) -> &'a Observed<Vec<T>>,
    mut judge: impl FnMut(&'a RegionSnapshot, &'a T) -> Option<Finding>,
) -> Vec<Finding> {
    listed(snapshot, listing)
        .into_iter()
        .filter_map(|entry| match entry {
            Listed::Item(region, item) => judge(region, item),
            Listed::Unknown(region, why) => Some(region_unknown(check, region, why)),
        })
        .collect()
}

pub fn instance_resource(region: &RegionSnapshot, instance: &DbInstance) -> Resource {
    Resource::new(Scope::DbInstance, &region.region, &instance.identifier)
}

pub fn cluster_resource(region: &RegionSnapshot, cluster: &DbCluster) -> Resource {
    Resource::new(Scope::DbCluster, &region.region, &cluster.identifier)
}

/// Aurora members take storage, backup and availability settings from their cluster: judge
/// those on the cluster, never on each member.
pub fn is_cluster_member(instance: &DbInstance) -> bool {
    instance.cluster_identifier.is_some()
}

pub fn is_read_replica(instance: &DbInstance) -> bool {
    instance.replica_source.is_some()
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp as the snapshot writes them
/// (`2026-01-31T12:00:00Z`, fractions ignored).
pub fn epoch_seconds(timestamp: &str) -> Option<i64> {
    let (date, time) = timestamp.strip_suffix('Z')?.split_once('T')?;
    let mut date_parts = date.splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (
        date_parts.next()?.ok()?,
        date_parts.next()?.ok()?,
        date_parts.next()?.ok()?,
    );
    let time = time.split('.').next()?;
    let mut time_parts = time.splitn(3, ':').map(str::parse::<i64>);
    let (hour, minute, second) = (
        time_parts.next()?.ok()?,
        time_parts.next()?.ok()?,
        time_parts.next()?.ok()?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from civil, after Howard Hinnant's algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// `*` matches any run of characters, everything else itself (case-sensitive): the wildcard of
/// name patterns, AWS Backup resource patterns and `…Like` conditions.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Aurora and Multi-AZ DB cluster members take storage, backup and availability settings from their cluster:
/// `Some(NotApplicable)` for a member, `None` otherwise.
pub fn cluster_member(
    check: &Check,
    resource: &Resource,
    instance: &DbInstance,
) -> Option<Finding> {
    is_cluster_member(instance).then(|| {
        let cluster = instance.cluster_identifier.as_deref().unwrap_or_default();
        Finding::new(
            check,
            resource.clone(),
            Outcome::NotApplicable,
            format!("member of cluster {cluster}: judged on the cluster"),
        )
    })
}

/// `Some(NotApplicable)` for a read replica, saying `why` the setting is its source's business;
/// `None` otherwise.
pub fn read_replica(
    check: &Check,
    resource: &Resource,
    instance: &DbInstance,
    why: &str,
) -> Option<Finding> {
    is_read_replica(instance).then(|| {
        let source = instance.replica_source.as_deref().unwrap_or_default();
        Finding::new(
            check,
            resource.clone(),
            Outcome::NotApplicable,
            format!("read replica of {source}: {why}"),
        )
    })
}

/// The parameters of the region's parameter group `name` of `kind`, or why they are unknown
/// (not read, or not in the snapshot).
pub fn parameters_of<'a>(
    region: &'a RegionSnapshot,
    name: &str,
    kind: ParameterGroupKind,
) -> Result<&'a [Parameter], String> {
    let group = region
        .parameter_groups
        .iter()
        .find(|g| g.name == name && g.kind == kind)
        .ok_or_else(|| format!("parameter group {name} is not in the snapshot"))?;
    match &group.parameters {
        Observed::Value(parameters) => Ok(parameters),
        Observed::Unknown(why) => Err(format!("parameters of {name} unknown: {why}")),
    }
}

/// A boolean parameter's value as the engines spell it (`1`, `ON`, `true`, …); `None` for
/// anything else.
pub fn parameter_switch(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "on" | "true" => Some(true),
        "0" | "off" | "false" => Some(false),
        _ => None,
    }
}

/// The major version of an engine version string (`16` of `16.4`).
pub fn major_version(version: &str) -> Option<u32> {
    version.split('.').next()?.parse().ok()
}

/// One database, instance or cluster, as checks that judge databases alike see it.
pub struct Database<'a> {
    pub resource: Resource,
    pub arn: &'a str,
    pub engine: &'a str,
    pub engine_version: &'a str,
    /// The DB parameter group of an instance, the cluster parameter group of a cluster.
    pub parameter_group: Option<(&'a str, ParameterGroupKind)>,
    pub status: Option<&'a str>,
    pub created_at: Option<&'a str>,
    pub tags: &'a Tags,
    pub backup: &'a Backup,
    pub master_user_secret: Option<&'a MasterUserSecret>,
    /// The alarm dimension that names it.
    pub dimension: (&'static str, &'a str),
    /// The instances that serve it: itself, or a cluster's members.
    pub instances: Vec<&'a str>,
}

/// Standalone primary instances and clusters; members and replicas get `NotApplicable`.
pub fn each_database<'a>(
    check: &Check,
    ctx: &Context<'a>,
    why_not_replicas: &str,
    mut judge: impl FnMut(&'a RegionSnapshot, Database<'a>) -> Finding,
) -> Vec<Finding> {
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            if let Some(skip) = cluster_member(check, &resource, instance)
                .or_else(|| read_replica(check, &resource, instance, why_not_replicas))
            {
                return Some(skip);
            }
            let database = Database {
                resource,
                arn: &instance.arn,
                engine: &instance.engine,
                engine_version: &instance.engine_version,
                parameter_group: instance
                    .parameter_groups
                    .first()
                    .map(|g| (g.name.as_str(), ParameterGroupKind::Instance)),
                status: instance.status.as_deref(),
                created_at: instance.created_at.as_deref(),
                tags: &instance.tags,
                backup: &instance.backup,
                master_user_secret: instance.master_user_secret.as_ref(),
                dimension: ("DBInstanceIdentifier", &instance.identifier),
                instances: vec![&instance.identifier],
            };
            Some(judge(region, database))
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let database = Database {
                resource: cluster_resource(region, cluster),
                arn: &cluster.arn,
                engine: &cluster.engine,
                engine_version: &cluster.engine_version,
                parameter_group: cluster
                    .parameter_group
                    .as_deref()
                    .map(|name| (name, ParameterGroupKind::Cluster)),
                status: cluster.status.as_deref(),
                created_at: cluster.created_at.as_deref(),
                tags: &cluster.tags,
                backup: &cluster.backup,
                master_user_secret: cluster.master_user_secret.as_ref(),
                dimension: ("DBClusterIdentifier", &cluster.identifier),
                instances: cluster
                    .members
                    .iter()
                    .map(|m| m.instance_identifier.as_str())
                    .collect(),
            };
            Some(judge(region, database))
        },
    ));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_of_snapshot_timestamps() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(epoch_seconds("2024-02-29T00:00:00.5Z"), Some(1_709_164_800));
        assert_eq!(epoch_seconds("2024-13-01T00:00:00Z"), None);
        assert_eq!(epoch_seconds("yesterday"), None);
    }
}
