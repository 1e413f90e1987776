use serde::{Deserialize, Serialize};

use crate::activity::{ChangeHistory, DbMetrics, LogGroup, RdsEvent, ReplicationTask};
use crate::governance::{AccountWide, EventDataStore};
use crate::kms::KmsKey;
use crate::network::{FlowLog, NetworkAcl, PrefixList, RouteTable, SecurityGroup, Subnet, Vpc};
use crate::rds::{
    Certificate, DbCluster, DbInstance, DbProxy, DbSnapshot, DbSubnetGroup, EngineLifecycle,
    EngineVersion, EventSubscription, ExcludedResource, GlobalCluster, OptionGroup, ParameterGroup,
    PendingMaintenance, ReservedInstance,
};
use crate::services::{Alarm, BackupSetup, GuardDutyDetector, ScalableTarget, Secret, Stack};
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
    /// CloudTrail, IAM, contacts: read once for the account.
    pub account_wide: AccountWide,
    /// Sorted by region name.
    pub regions: Vec<RegionSnapshot>,
    /// Opt-in regions the account has not enabled: nothing can run there, so they are not
    /// collected, and named here so that "every region" is checkable.
    #[serde(default)]
    pub disabled_regions: Vec<String>,
    /// Every AWS request made, in the order they started.
    pub calls: Vec<ApiCall>,
    /// The other accounts of a case study, each whole as collected (this snapshot is its
    /// first account). Empty outside a case study.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_accounts: Vec<Snapshot>,
    /// The Well-Architected review a case study names, read where its workload lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub well_architected: Option<crate::well_architected::WellArchitected>,
    /// Where the responses came from: AWS, an endpoint named instead, or a recording. Absent
    /// in snapshots written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// How a snapshot was collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Source {
    /// Read from AWS, or from the endpoint named instead (an emulator).
    Live {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        endpoint: Option<String>,
    },
    /// Answered from a recording: this run read nothing from AWS. What the recording says of
    /// itself is copied here.
    Replay {
        /// The recording's directory, as given.
        recording: String,
        recorded_at: String,
        /// The version of rds-evidence that recorded it.
        recorded_by: String,
        anonymized: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// The identity the tool ran as (an assumed-role ARN normally).
    pub caller_arn: String,
    /// From the accounts file, e.g. `customer`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub labels: std::collections::BTreeMap<String, String>,
    /// The environment the partner declared for the whole account (accounts file): it
    /// classifies every database in it, before any rule or tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
}

/// Which life cycle a database serves. The one vocabulary of the tool: accounts, the
/// attestations file's rules and the profile's tag rule all map onto it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    Production,
    NonProduction,
    /// Nothing says which: no declaration, no rule, no recognised tag, or rules that disagree.
    Unknown,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::NonProduction => "non-production",
            Environment::Unknown => "unknown",
        }
    }

    /// What a partner may declare: `production` or `non-production` (`unknown` is what is
    /// left when nothing is declared).
    pub fn parse_declared(text: &str) -> Result<Environment, String> {
        match text {
            "production" => Ok(Environment::Production),
            "non-production" => Ok(Environment::NonProduction),
            other => Err(format!(
                "environment '{other}' is not one of: production, non-production"
            )),
        }
    }
}

impl std::fmt::Display for Environment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// The option groups the instances use.
    #[serde(default)]
    pub option_groups: Vec<OptionGroup>,
    /// Aurora global databases, with clusters in any region.
    #[serde(default = "not_collected")]
    pub global_clusters: Observed<Vec<GlobalCluster>>,
    /// Maintenance scheduled for the region's instances and clusters; resources with none are
    /// absent.
    #[serde(default = "not_collected")]
    pub pending_maintenance: Observed<Vec<PendingMaintenance>>,
    /// The engine versions the databases run, each distinct `(engine, version)` once.
    #[serde(default)]
    pub engine_versions: Vec<EngineVersion>,
    /// The support lifecycle of each engine in use that has one published.
    #[serde(default)]
    pub engine_lifecycles: Vec<EngineLifecycle>,
    /// The CA certificates RDS offers in the region.
    #[serde(default = "not_collected")]
    pub certificates: Observed<Vec<Certificate>>,
    #[serde(default = "not_collected")]
    pub reserved_instances: Observed<Vec<ReservedInstance>>,
    pub network: Network,
    pub kms_keys: Vec<KmsKey>,
    /// Secrets that may belong to databases: RDS-managed, referenced, tagged for one, attached
    /// by a CloudFormation stack, or named after one. The checks associate them.
    pub secrets: Observed<Vec<Secret>>,
    pub backup: BackupSetup,
    /// Aurora replica auto scaling.
    pub scalable_targets: Observed<Vec<ScalableTarget>>,
    /// CloudFormation stacks that own databases, keys or network resources: those the
    /// `aws:cloudformation:stack-name` tags of the databases, their keys, secrets and network
    /// name.
    pub stacks: Observed<Vec<Stack>>,
    /// CloudWatch alarms on RDS metrics.
    pub alarms: Observed<Vec<Alarm>>,
    /// GuardDuty's detectors in the region, with their features (RDS Protection among them).
    #[serde(default = "not_collected")]
    pub guardduty: Observed<Vec<GuardDutyDetector>>,
    /// Daily utilisation statistics per instance and Aurora cluster over the metrics window.
    #[serde(default = "not_collected")]
    pub metrics: Observed<Vec<DbMetrics>>,
    /// Changes around the databases (RDS, their security groups' rules, key policies) and
    /// failover drills CloudTrail recorded in the region over the change window.
    #[serde(default = "not_collected")]
    pub changes: Observed<ChangeHistory>,
    /// The CloudTrail Lake event data stores of the region: the account's own, and the
    /// organization's when its management account is named.
    #[serde(default = "not_collected")]
    pub event_data_stores: Observed<Vec<EventDataStore>>,
    /// RDS failover events of the last 14 days.
    #[serde(default = "not_collected")]
    pub failover_events: Observed<Vec<RdsEvent>>,
    /// The log groups RDS exports database logs to.
    #[serde(default = "not_collected")]
    pub log_groups: Observed<Vec<LogGroup>>,
    /// DMS replication tasks, with their endpoints.
    #[serde(default = "not_collected")]
    pub replication_tasks: Observed<Vec<ReplicationTask>>,
}

/// What a snapshot written before a field existed says of it: unknown, never empty.
pub(crate) fn not_collected<T>() -> Observed<T> {
    Observed::Unknown(Unavailable {
        action: String::new(),
        kind: FailureKind::Other,
        message: "not collected by the tool version that wrote this snapshot".to_owned(),
    })
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
    /// The managed prefix lists the security groups' inbound rules name, with their entries.
    #[serde(default)]
    pub prefix_lists: Vec<PrefixList>,
}

impl RegionSnapshot {
    /// The DB subnet group an instance is placed in: its own, or, for an Aurora or Multi-AZ DB
    /// cluster member that reports none, its cluster's.
    pub fn subnet_group_of<'a>(&'a self, instance: &'a DbInstance) -> Option<&'a str> {
        instance.subnet_group.as_deref().or_else(|| {
            let cluster = instance.cluster_identifier.as_deref()?;
            self.db_clusters
                .value()?
                .iter()
                .find(|c| c.identifier == cluster)?
                .subnet_group
                .as_deref()
        })
    }

    /// A region where every listing was read and found empty.
    pub fn empty(region: &str) -> RegionSnapshot {
        RegionSnapshot {
            region: region.to_owned(),
            db_instances: Observed::Value(Vec::new()),
            db_clusters: Observed::Value(Vec::new()),
            excluded: Vec::new(),
            db_subnet_groups: Observed::Value(Vec::new()),
            parameter_groups: Vec::new(),
            db_snapshots: Observed::Value(Vec::new()),
            db_cluster_snapshots: Observed::Value(Vec::new()),
            event_subscriptions: Observed::Value(Vec::new()),
            db_proxies: Observed::Value(Vec::new()),
            option_groups: Vec::new(),
            global_clusters: Observed::Value(Vec::new()),
            pending_maintenance: Observed::Value(Vec::new()),
            engine_versions: Vec::new(),
            engine_lifecycles: Vec::new(),
            certificates: Observed::Value(Vec::new()),
            reserved_instances: Observed::Value(Vec::new()),
            network: Network::empty(),
            kms_keys: Vec::new(),
            secrets: Observed::Value(Vec::new()),
            backup: BackupSetup {
                plans: Observed::Value(Vec::new()),
                vaults: Observed::Value(Vec::new()),
                protected_resources: Observed::Value(Vec::new()),
                opt_in: Observed::Value(Default::default()),
            },
            scalable_targets: Observed::Value(Vec::new()),
            stacks: Observed::Value(Vec::new()),
            alarms: Observed::Value(Vec::new()),
            guardduty: Observed::Value(Vec::new()),
            metrics: Observed::Value(Vec::new()),
            changes: Observed::Value(ChangeHistory {
                window_days: 0,
                events: Vec::new(),
                truncated: Vec::new(),
                interrupted: None,
            }),
            event_data_stores: Observed::Value(Vec::new()),
            failover_events: Observed::Value(Vec::new()),
            log_groups: Observed::Value(Vec::new()),
            replication_tasks: Observed::Value(Vec::new()),
        }
    }
}

impl AccountWide {
    /// An account where everything was read and found empty.
    pub fn empty() -> AccountWide {
        AccountWide {
            trails: Observed::Value(Vec::new()),
            trail_buckets: Vec::new(),
            iam: crate::iam::Iam {
                summary: Observed::Value(crate::iam::AccountSummary {
                    root_mfa_enabled: false,
                    root_access_keys_present: false,
                    users: 0,
                    roles: 0,
                    mfa_devices: 0,
                }),
                password_policy: Observed::Value(None),
                wildcard_policies: Observed::Value(Vec::new()),
                roles: Observed::Value(Vec::new()),
                users: Observed::Value(Vec::new()),
                users_source: crate::iam::UsersSource::CredentialReport,
                credential_report_generated_at: None,
                saml_providers: Observed::Value(Vec::new()),
                oidc_providers: Observed::Value(Vec::new()),
            },
            contacts: crate::governance::Contacts {
                primary: Observed::Value(None),
                alternate: Observed::Value(Vec::new()),
            },
        }
    }
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
            prefix_lists: Vec::new(),
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
    /// The account the call was made in, when not the snapshot's: reads of the organization's
    /// management or log-archive account whose results the snapshot is credited with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
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
        self.account_wide.collect_gaps(&mut gaps);
        for region in &self.regions {
            region.collect_gaps(&mut gaps);
        }
        gaps
    }

    /// Accounts other than the snapshot's own that the ARNs of its databases name. The caller
    /// identity says which account was observed; a database's ARN names the account that
    /// owns it. They differ only when the responses do not come from one account: a
    /// recording edited, or assembled from several.
    pub fn foreign_owners(&self) -> std::collections::BTreeSet<&str> {
        let own = self.account.id.as_str();
        self.regions
            .iter()
            .flat_map(|region| {
                let instances = region.db_instances.value().into_iter().flatten();
                let clusters = region.db_clusters.value().into_iter().flatten();
                instances
                    .map(|i| i.arn.as_str())
                    .chain(clusters.map(|c| c.arn.as_str()))
            })
            .filter_map(|arn| arn.split(':').nth(4))
            .filter(|owner| !owner.is_empty() && *owner != own)
            .collect()
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
        push("global_clusters".into(), self.global_clusters.unavailable());
        push(
            "pending_maintenance".into(),
            self.pending_maintenance.unavailable(),
        );
        push("certificates".into(), self.certificates.unavailable());
        push(
            "reserved_instances".into(),
            self.reserved_instances.unavailable(),
        );
        for group in &self.option_groups {
            push(
                format!("options of {}", group.name),
                group.options.unavailable(),
            );
        }
        for version in &self.engine_versions {
            push(
                format!("status of {} {}", version.engine, version.version),
                version.details.unavailable(),
            );
        }
        for lifecycle in &self.engine_lifecycles {
            push(
                format!("support lifecycle of {}", lifecycle.engine),
                lifecycle.major_versions.unavailable(),
            );
        }
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
        for list in &network.prefix_lists {
            push(
                format!("entries of prefix list {}", list.id),
                list.entries.unavailable(),
            );
        }
        push("secrets".into(), self.secrets.unavailable());
        push("backup plans".into(), self.backup.plans.unavailable());
        for plan in self.backup.plans.value().into_iter().flatten() {
            push(
                format!("selections of backup plan {}", plan.name),
                plan.selections.unavailable(),
            );
        }
        push("backup vaults".into(), self.backup.vaults.unavailable());
        push(
            "backup protected resources".into(),
            self.backup.protected_resources.unavailable(),
        );
        push(
            "backup region settings".into(),
            self.backup.opt_in.unavailable(),
        );
        push(
            "scalable_targets".into(),
            self.scalable_targets.unavailable(),
        );
        push("stacks".into(), self.stacks.unavailable());
        for stack in self.stacks.value().into_iter().flatten() {
            push(
                format!("resources of stack {}", stack.name),
                stack.resources.unavailable(),
            );
        }
        push("alarms".into(), self.alarms.unavailable());
        push("guardduty".into(), self.guardduty.unavailable());
        push("metrics".into(), self.metrics.unavailable());
        push("changes".into(), self.changes.unavailable());
        if let Some(cut) = self.changes.value().and_then(|h| h.interrupted.as_ref()) {
            push(
                format!("changes after the first {} events", cut.after_events),
                Some(&cut.why),
            );
        }
        push("failover_events".into(), self.failover_events.unavailable());
        push("log_groups".into(), self.log_groups.unavailable());
        push(
            "event_data_stores".into(),
            self.event_data_stores.unavailable(),
        );
        for store in self.event_data_stores.value().into_iter().flatten() {
            push(
                format!("settings of event data store {}", store.arn),
                store.settings.unavailable(),
            );
        }
        push(
            "replication_tasks".into(),
            self.replication_tasks.unavailable(),
        );
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

impl AccountWide {
    fn collect_gaps<'a>(&'a self, gaps: &mut Vec<Gap<'a>>) {
        let mut push = |subject: String, why: Option<&'a Unavailable>| {
            if let Some(why) = why {
                gaps.push(Gap {
                    region: "account",
                    subject,
                    why,
                });
            }
        };
        push("trails".into(), self.trails.unavailable());
        for trail in self.trails.value().into_iter().flatten() {
            let name = &trail.name;
            push(
                format!("logging status of trail {name}"),
                trail.logging.unavailable(),
            );
            push(
                format!("event selectors of trail {name}"),
                trail.management_events.unavailable(),
            );
        }
        for bucket in &self.trail_buckets {
            let name = &bucket.name;
            push(
                format!("versioning of bucket {name}"),
                bucket.versioning.unavailable(),
            );
            push(
                format!("MFA delete of bucket {name}"),
                bucket.mfa_delete.unavailable(),
            );
            push(
                format!("object lock of bucket {name}"),
                bucket.object_lock.unavailable(),
            );
            push(
                format!("public access block of bucket {name}"),
                bucket.public_access_block.unavailable(),
            );
            push(
                format!("encryption of bucket {name}"),
                bucket.default_encryption.unavailable(),
            );
            push(
                format!("policy of bucket {name}"),
                bucket.has_policy.unavailable(),
            );
        }
        let iam = &self.iam;
        push("IAM account summary".into(), iam.summary.unavailable());
        push(
            "IAM password policy".into(),
            iam.password_policy.unavailable(),
        );
        push(
            "IAM wildcard policies".into(),
            iam.wildcard_policies.unavailable(),
        );
        push("IAM roles".into(), iam.roles.unavailable());
        push("IAM credential report".into(), iam.users.unavailable());
        push("SAML providers".into(), iam.saml_providers.unavailable());
        push("OIDC providers".into(), iam.oidc_providers.unavailable());
        push(
            "primary contact".into(),
            self.contacts.primary.unavailable(),
        );
        push(
            "alternate contacts".into(),
            self.contacts.alternate.unavailable(),
        );
    }
}
