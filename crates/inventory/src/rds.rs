//! RDS and Aurora resources as observed through the RDS API.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Observed;

pub type Tags = BTreeMap<String, String>;

/// Engines the RDS API also returns but that are not RDS: DocumentDB and Neptune.
pub const NON_RDS_ENGINES: &[&str] = &["docdb", "neptune"];

pub fn is_rds_engine(engine: &str) -> bool {
    !NON_RDS_ENGINES.contains(&engine)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbInstance {
    pub identifier: String,
    pub arn: String,
    pub engine: String,
    pub engine_version: String,
    pub instance_class: String,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub storage: Storage,
    pub multi_az: bool,
    pub availability_zone: Option<String>,
    /// The AZ of the Multi-AZ standby, when the API reports it.
    pub secondary_availability_zone: Option<String>,
    /// Set when the instance is an Aurora cluster member: cluster-level settings live there.
    pub cluster_identifier: Option<String>,
    /// The source of a read replica: an identifier in the same region, an ARN across regions.
    pub replica_source: Option<String>,
    /// Read replicas of this instance (identifiers, or ARNs for cross-region replicas).
    pub read_replicas: Vec<String>,
    /// Absent in some API responses; absent is not "private".
    pub publicly_accessible: Option<bool>,
    pub endpoint: Option<Endpoint>,
    pub port: Option<i32>,
    pub subnet_group: Option<String>,
    pub vpc_id: Option<String>,
    pub vpc_security_groups: Vec<String>,
    pub parameter_groups: Vec<ParameterGroupMembership>,
    pub option_groups: Vec<String>,
    pub backup: Backup,
    pub deletion_protection: bool,
    pub iam_database_authentication: bool,
    pub monitoring: Monitoring,
    pub log_exports: Vec<String>,
    pub ca_certificate: Option<CaCertificate>,
    pub master_user_secret: Option<MasterUserSecret>,
    pub auto_minor_version_upgrade: bool,
    pub tags: Tags,
}

/// A parameter group an instance uses. Values of static parameters take effect only after a
/// reboot: `pending-reboot` means the group's values are not yet what the instance runs with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterGroupMembership {
    pub name: String,
    /// `in-sync`, `pending-reboot`, `applying`, …
    pub apply_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Storage {
    pub storage_type: Option<String>,
    pub allocated_gib: Option<i32>,
    pub max_allocated_gib: Option<i32>,
    pub iops: Option<i32>,
    pub throughput_mibps: Option<i32>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub address: String,
    pub port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backup {
    pub retention_days: i32,
    pub preferred_window: Option<String>,
    /// Point-in-time recovery is possible up to this time.
    pub latest_restorable_time: Option<String>,
    /// ARNs of cross-region replications of the automated backups.
    pub cross_region_replications: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    /// Enhanced Monitoring interval; 0 or absent means off.
    pub enhanced_monitoring_interval_s: Option<i32>,
    pub enhanced_monitoring_role_arn: Option<String>,
    /// Absent in some API responses; absent is not "off".
    pub performance_insights_enabled: Option<bool>,
    pub performance_insights_kms_key_id: Option<String>,
    pub performance_insights_retention_days: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaCertificate {
    pub identifier: String,
    pub valid_till: Option<String>,
}

/// The Secrets Manager secret RDS manages for the master user: metadata only, never the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MasterUserSecret {
    pub secret_arn: Option<String>,
    pub status: Option<String>,
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbCluster {
    pub identifier: String,
    pub arn: String,
    pub engine: String,
    pub engine_version: String,
    pub engine_mode: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub members: Vec<ClusterMember>,
    pub endpoint: Option<String>,
    pub reader_endpoint: Option<String>,
    pub custom_endpoints: Vec<String>,
    pub port: Option<i32>,
    pub multi_az: bool,
    pub availability_zones: Vec<String>,
    pub global_cluster: Option<String>,
    /// The source cluster (ARN) when this cluster is a cross-region read replica.
    pub replica_source: Option<String>,
    pub read_replicas: Vec<String>,
    pub storage: Storage,
    /// Multi-AZ DB clusters (not Aurora) can be public; absent is not "private".
    pub publicly_accessible: Option<bool>,
    pub subnet_group: Option<String>,
    pub vpc_security_groups: Vec<String>,
    pub parameter_group: Option<String>,
    pub backup: Backup,
    pub deletion_protection: bool,
    pub iam_database_authentication: bool,
    pub monitoring: Monitoring,
    pub log_exports: Vec<String>,
    pub master_user_secret: Option<MasterUserSecret>,
    pub auto_minor_version_upgrade: Option<bool>,
    pub serverless_v2_scaling: Option<ServerlessV2Scaling>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterMember {
    pub instance_identifier: String,
    pub is_writer: bool,
    pub promotion_tier: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerlessV2Scaling {
    pub min_capacity: Option<f64>,
    pub max_capacity: Option<f64>,
}

/// A resource the RDS API returned that is not RDS (DocumentDB, Neptune), listed so that the
/// reader can see it was left out on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedResource {
    pub kind: ResourceKind,
    pub identifier: String,
    pub engine: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    DbInstance,
    DbCluster,
    DbSnapshot,
    DbClusterSnapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbSubnetGroup {
    pub name: String,
    pub arn: Option<String>,
    pub vpc_id: Option<String>,
    pub subnets: Vec<SubnetRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubnetRef {
    pub subnet_id: String,
    pub availability_zone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterGroupKind {
    Instance,
    Cluster,
}

/// A parameter group some database uses, read once however many databases share it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParameterGroup {
    pub name: String,
    pub kind: ParameterGroupKind,
    pub parameters: Observed<Vec<Parameter>>,
}

impl ParameterGroup {
    /// The value set for `name`, if the API returned one. Absent means the engine default.
    pub fn value_of(&self, name: &str) -> Option<&str> {
        self.parameters
            .value()?
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    pub value: Option<String>,
    /// `user`, `system` or `engine-default`, when the API says.
    pub source: Option<String>,
    /// `static` parameters apply at the next reboot, `dynamic` ones at once.
    pub apply_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbSnapshot {
    pub identifier: String,
    pub arn: Option<String>,
    /// The instance, or for a cluster snapshot the cluster, it was taken of.
    pub source_identifier: Option<String>,
    /// `manual`, `automated`, `awsbackup`, …
    pub snapshot_type: Option<String>,
    pub engine: Option<String>,
    pub created_at: Option<String>,
    pub status: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    /// Accounts allowed to restore it (`all` = public). `None` for automated snapshots, which
    /// cannot be shared and so are not asked about.
    pub shared_with: Option<Observed<Vec<String>>>,
}

impl DbSnapshot {
    pub fn is_manual(&self) -> bool {
        self.snapshot_type.as_deref() == Some("manual")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventSubscription {
    pub name: String,
    pub arn: Option<String>,
    pub sns_topic_arn: Option<String>,
    pub source_type: Option<String>,
    pub source_ids: Vec<String>,
    /// Empty means every category.
    pub event_categories: Vec<String>,
    pub enabled: bool,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbProxy {
    pub name: String,
    pub arn: Option<String>,
    pub engine_family: Option<String>,
    pub require_tls: bool,
    pub vpc_id: Option<String>,
    pub vpc_security_groups: Vec<String>,
    pub vpc_subnets: Vec<String>,
    pub auth: Vec<ProxyAuth>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProxyAuth {
    pub secret_arn: Option<String>,
    pub iam_auth: Option<String>,
}

/// An option group some instance uses, read once however many instances share it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionGroup {
    pub name: String,
    pub options: Observed<Vec<DbOption>>,
}

impl OptionGroup {
    pub fn option(&self, name: &str) -> Option<&DbOption> {
        self.options.value()?.iter().find(|o| o.name == name)
    }
}

/// One option of an option group (Oracle `SSL`, `NATIVE_NETWORK_ENCRYPTION`, MySQL audit, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbOption {
    pub name: String,
    /// The port the option listens on (Oracle's SSL listener), when it has one.
    pub port: Option<i32>,
    pub settings: Vec<OptionSetting>,
}

impl DbOption {
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.name == name)
            .and_then(|s| s.value.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionSetting {
    pub name: String,
    pub value: Option<String>,
}

/// An Aurora global database: its clusters, each named by ARN (so by region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlobalCluster {
    pub identifier: String,
    pub arn: Option<String>,
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub status: Option<String>,
    pub members: Vec<GlobalClusterMember>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlobalClusterMember {
    pub cluster_arn: String,
    pub is_writer: bool,
    /// ARNs of the secondary clusters this member replicates to.
    pub readers: Vec<String>,
}

/// The maintenance RDS has scheduled for one instance or cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingMaintenance {
    /// The instance or cluster ARN.
    pub resource_arn: String,
    pub actions: Vec<PendingAction>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingAction {
    /// `system-update`, `db-upgrade`, `hardware-maintenance`, `ca-certificate-rotation`, …
    pub action: String,
    pub description: Option<String>,
    /// After this date RDS applies the action in the next maintenance window.
    pub auto_applied_after: Option<String>,
    /// On this date RDS applies the action whatever the maintenance window.
    pub forced_apply_date: Option<String>,
    /// When the action will be applied, the earliest of the dates above and the opt-in.
    pub current_apply_date: Option<String>,
    /// `immediate`, `next-maintenance`, `undo-opt-in`, when the customer opted in.
    pub opt_in_status: Option<String>,
}

/// One engine version a database runs, asked about once however many databases run it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineVersion {
    pub engine: String,
    pub version: String,
    /// `None` when RDS does not list the version at all, even among deprecated ones.
    pub details: Observed<Option<EngineVersionDetails>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineVersionDetails {
    /// `available` or `deprecated`.
    pub status: Option<String>,
    /// How many versions a database can be upgraded to from this one.
    pub upgrade_targets: usize,
}

/// Engines for which RDS publishes support lifecycle dates (`DescribeDBMajorEngineVersions`):
/// the open-source engines and Aurora. Oracle, SQL Server and Db2 have none.
pub const LIFECYCLE_ENGINES: &[&str] = &[
    "aurora-mysql",
    "aurora-postgresql",
    "mariadb",
    "mysql",
    "postgres",
];

/// The support lifecycle RDS publishes for the major versions of one engine, asked about once
/// per engine in use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineLifecycle {
    pub engine: String,
    pub major_versions: Observed<Vec<MajorEngineVersion>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MajorEngineVersion {
    /// `16`, `8.0`, `10.11`.
    pub version: String,
    pub lifecycles: Vec<SupportLifecycle>,
}

/// One kind of support and its dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupportLifecycle {
    /// `open-source-rds-standard-support` or `open-source-rds-extended-support` (RDS Extended
    /// Support, charged).
    pub name: String,
    pub start: Option<String>,
    pub end: Option<String>,
}

/// A CA certificate RDS offers in the region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub identifier: String,
    pub certificate_type: Option<String>,
    pub valid_from: Option<String>,
    pub valid_till: Option<String>,
    /// The CA new databases get by default in this region.
    pub default_for_new_launches: bool,
}

/// A reservation of DB instance capacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReservedInstance {
    pub id: String,
    pub instance_class: String,
    /// The RI's product description (`postgresql`, `mysql`, `aurora-postgresql`, …): not the
    /// engine name instances report.
    pub product_description: Option<String>,
    pub multi_az: bool,
    pub count: i32,
    /// `active`, `payment-pending`, `retired`, …
    pub state: Option<String>,
    pub start: Option<String>,
    /// Start plus the term.
    pub end: Option<String>,
    pub offering_type: Option<String>,
}
