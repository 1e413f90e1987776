//! What the databases did over a window: their metrics, the changes made to them, their logs,
//! and migrations into them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Unavailable;

/// Utilisation of one database over the metrics window (CloudWatch `GetMetricData`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbMetrics {
    /// `DBInstanceIdentifier` or `DBClusterIdentifier`.
    pub dimension: String,
    pub id: String,
    /// By metric name (`CPUUtilization`, `FreeStorageSpace`, …); a metric with no datapoints
    /// in the window is absent.
    pub metrics: BTreeMap<String, MetricSummary>,
}

/// One metric over the window, from daily statistics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricSummary {
    /// The lowest of the daily minima: for free storage and memory, the tightest moment.
    pub min: f64,
    /// The highest of the daily maxima.
    pub max: f64,
    /// The mean of the daily averages.
    pub average: f64,
    /// The highest daily 95th percentile: a busy day's typical peak, not a one-off spike.
    pub p95: f64,
    /// Least-squares slope of the daily averages, in the metric's unit per day; how fast
    /// storage fills or frees.
    pub slope_per_day: Option<f64>,
    /// Days with data.
    pub days: u32,
}

/// Changes to the rules of security groups (EC2), among which the databases' own.
pub const SECURITY_GROUP_CHANGES: &[&str] = &[
    "AuthorizeSecurityGroupEgress",
    "AuthorizeSecurityGroupIngress",
    "ModifySecurityGroupRules",
    "RevokeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
];
/// Changes to KMS key policies, among which those of the databases' keys.
pub const KEY_POLICY_CHANGES: &[&str] = &["PutKeyPolicy"];
/// Calls that exercise a failover rather than change anything: `FailoverDBCluster`, and
/// `RebootDBInstance` with `ForceFailover`.
pub const FAILOVER_CALLS: &[&str] = &["FailoverDBCluster", "RebootDBInstance"];

/// Changes around the databases, and failover drills, recorded by CloudTrail (`LookupEvents`)
/// over the change window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeHistory {
    pub window_days: u32,
    /// Newest first.
    pub events: Vec<ChangeEvent>,
    /// Event names whose events exceeded the page budget: the history of those is partial.
    pub truncated: Vec<String>,
    /// Set when a lookup failed after others had answered: the events read before it are
    /// kept, and the history is partial from there on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interruption>,
}

/// Where a change history stops short, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interruption {
    /// Events read before the failure; all of them are in the history.
    pub after_events: usize,
    /// When the failing request was answered (RFC 3339, UTC).
    pub at: String,
    /// Event names not read to their end: the one whose lookup failed, then those after it.
    pub unread: Vec<String>,
    pub why: Unavailable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEvent {
    pub event_name: String,
    pub event_time: String,
    /// The identity's ARN, or the user name when the event has no ARN.
    pub principal: Option<String>,
    pub user_agent: Option<String>,
    /// The AWS service that made the call on the principal's behalf (`cloudformation.amazonaws.com`).
    pub invoked_by: Option<String>,
    /// Made from the AWS Management Console: by a console session's credentials, or with the
    /// console's user agent.
    pub from_console: bool,
    /// The RDS resources the event names (identifiers as CloudTrail gives them).
    pub resources: Vec<String>,
    /// Set when the call failed; a failed change changed nothing.
    pub error_code: Option<String>,
    /// `RebootDBInstance`'s `ForceFailover`: a reboot that fails over to the standby.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_failover: Option<bool>,
}

/// An RDS event of the failover category (`DescribeEvents`), which RDS keeps 14 days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RdsEvent {
    /// The instance or cluster identifier.
    pub source_id: String,
    /// `db-instance`, `db-cluster`, …
    pub source_type: Option<String>,
    pub date: Option<String>,
    pub message: Option<String>,
    pub categories: Vec<String>,
}

/// A CloudWatch Logs log group RDS exports to (`/aws/rds/…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    /// `None`: the logs never expire.
    pub retention_days: Option<i32>,
    pub kms_key_id: Option<String>,
    pub stored_bytes: Option<i64>,
}

/// A DMS replication task (RDS-008 migration evidence), with its endpoints' engines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplicationTask {
    pub id: String,
    pub arn: String,
    pub status: Option<String>,
    /// `full-load`, `cdc` or `full-load-and-cdc`.
    pub migration_type: Option<String>,
    pub source: Option<MigrationEndpoint>,
    pub target: Option<MigrationEndpoint>,
    pub last_failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationEndpoint {
    pub arn: String,
    pub engine: Option<String>,
    /// Host name; an RDS endpoint names the database it reaches.
    pub server: Option<String>,
}
