use serde::{Deserialize, Serialize};

use crate::kms::KmsKey;
use crate::network::{FlowLog, NetworkAcl, RouteTable, SecurityGroup, Subnet, Vpc};
use crate::rds::{
    DbCluster, DbInstance, DbProxy, DbSnapshot, DbSubnetGroup, EventSubscription, ExcludedResource,
    ParameterGroup,
};
use crate::{FailureKind, Observed, Unavailable};

/// Bumped whenever a field changes meaning or is removed; readers refuse newer versions.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything observed in one AWS account, plus how it was observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: u32,
    pub tool_version: String,
    /// RFC 3339, UTC, when collection started.
    pub collected_at: String,
    pub account: Account,
    /// Sorted by region name.
    pub regions: Vec<RegionSnapshot>,
    /// Every AWS request made, in the order they started.
    pub calls: Vec<ApiCall>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// The identity the tool ran as (an assumed-role ARN normally).
    pub caller_arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionSnapshot {
    pub region: String,
    pub db_instances: Observed<Vec<DbInstance>>,
    pub db_clusters: Observed<Vec<DbCluster>>,
    /// DocumentDB and Neptune resources the RDS API returned and the tool left out.
    pub excluded: Vec<ExcludedResource>,
    pub db_subnet_groups: Observed<Vec<DbSubnetGroup>>,
    /// The parameter groups the databases use, instance and cluster groups alike.
    pub parameter_groups: Vec<ParameterGroup>,
    pub db_snapshots: Observed<Vec<DbSnapshot>>,
    pub db_cluster_snapshots: Observed<Vec<DbSnapshot>>,
    pub event_subscriptions: Observed<Vec<EventSubscription>>,
    pub db_proxies: Observed<Vec<DbProxy>>,
    pub network: Network,
    pub kms_keys: Vec<KmsKey>,
}

/// The VPCs that host databases, and what is in them. Other VPCs are not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Network {
    pub vpcs: Observed<Vec<Vpc>>,
    pub subnets: Observed<Vec<Subnet>>,
    pub route_tables: Observed<Vec<RouteTable>>,
    pub network_acls: Observed<Vec<NetworkAcl>>,
    pub security_groups: Observed<Vec<SecurityGroup>>,
    pub flow_logs: Observed<Vec<FlowLog>>,
}

impl Network {
    /// Nothing to read: no database lives in a VPC in this region.
    pub fn empty() -> Self {
        Network {
            vpcs: Observed::Value(Vec::new()),
            subnets: Observed::Value(Vec::new()),
            route_tables: Observed::Value(Vec::new()),
            network_acls: Observed::Value(Vec::new()),
            security_groups: Observed::Value(Vec::new()),
            flow_logs: Observed::Value(Vec::new()),
        }
    }
}

/// One AWS request, as the call log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCall {
    /// IAM action form, e.g. `rds:DescribeDBInstances`.
    pub action: String,
    pub region: String,
    /// Milliseconds from the start of collection.
    pub started_ms: u64,
    pub duration_ms: u64,
    /// Attempts made, retries included.
    pub attempts: u32,
    pub outcome: CallOutcome,
    pub http_status: Option<u16>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Ok,
    Failed(FailureKind),
}

/// Something the snapshot could not observe, with where it belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap<'a> {
    pub region: &'a str,
    /// What is unknown, e.g. `db_instances` or `kms key arn:aws:kms:…`.
    pub subject: String,
    pub why: &'a Unavailable,
}

impl Snapshot {
    /// Every part of the snapshot that is unknown, region by region.
    pub fn gaps(&self) -> Vec<Gap<'_>> {
        let mut gaps = Vec::new();
        for region in &self.regions {
            region.collect_gaps(&mut gaps);
        }
        gaps
    }

    pub fn failed_calls(&self) -> impl Iterator<Item = &ApiCall> {
        self.calls
            .iter()
            .filter(|call| call.outcome != CallOutcome::Ok)
    }
}

impl RegionSnapshot {
    fn collect_gaps<'a>(&'a self, gaps: &mut Vec<Gap<'a>>) {
        let region = self.region.as_str();
        let mut push = |subject: String, why: Option<&'a Unavailable>| {
            if let Some(why) = why {
                gaps.push(Gap {
                    region,
                    subject,
                    why,
                });
            }
        };
        push("db_instances".into(), self.db_instances.unavailable());
        push("db_clusters".into(), self.db_clusters.unavailable());
        push(
            "db_subnet_groups".into(),
            self.db_subnet_groups.unavailable(),
        );
        push("db_snapshots".into(), self.db_snapshots.unavailable());
        push(
            "db_cluster_snapshots".into(),
            self.db_cluster_snapshots.unavailable(),
        );
        push(
            "event_subscriptions".into(),
            self.event_subscriptions.unavailable(),
        );
        push("db_proxies".into(), self.db_proxies.unavailable());
        let network = &self.network;
        push("vpcs".into(), network.vpcs.unavailable());
        push("subnets".into(), network.subnets.unavailable());
        push("route_tables".into(), network.route_tables.unavailable());
        push("network_acls".into(), network.network_acls.unavailable());
        push(
            "security_groups".into(),
            network.security_groups.unavailable(),
        );
        push("flow_logs".into(), network.flow_logs.unavailable());
        for group in &self.parameter_groups {
            push(
                format!("parameters of {}", group.name),
                group.parameters.unavailable(),
            );
        }
        for snapshots in [&self.db_snapshots, &self.db_cluster_snapshots] {
            for snapshot in snapshots.value().into_iter().flatten() {
                let sharing = snapshot.shared_with.as_ref();
                push(
                    format!("sharing of snapshot {}", snapshot.identifier),
                    sharing.and_then(Observed::unavailable),
                );
            }
        }
        for key in &self.kms_keys {
            let arn = &key.arn;
            push(format!("metadata of key {arn}"), key.metadata.unavailable());
            push(format!("aliases of key {arn}"), key.aliases.unavailable());
            push(format!("policy of key {arn}"), key.policy.unavailable());
            push(
                format!("rotation of key {arn}"),
                key.rotation_enabled.unavailable(),
            );
            push(format!("grants of key {arn}"), key.grants.unavailable());
            push(format!("tags of key {arn}"), key.tags.unavailable());
        }
    }
}
