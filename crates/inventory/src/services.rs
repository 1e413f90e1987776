//! Regional services around the databases: secrets, backups, scaling, stacks, alarms.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::rds::Tags;
use crate::Observed;

/// A Secrets Manager secret that may belong to a database: metadata only, never the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    pub name: String,
    pub arn: String,
    /// Absent when the secret uses the AWS managed key `aws/secretsmanager`.
    pub kms_key_id: Option<String>,
    pub rotation_enabled: bool,
    pub rotation_days: Option<i64>,
    /// `rate(..)` or `cron(..)` when rotation is scheduled by expression rather than by days.
    pub rotation_schedule: Option<String>,
    pub last_rotated: Option<String>,
    pub last_changed: Option<String>,
    /// `rds` for secrets RDS manages for a master user.
    pub owning_service: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSetup {
    /// Unknown when the listing, or the rules of any plan, could not be read: a plan without
    /// its rules says nothing about retention.
    pub plans: Observed<Vec<BackupPlan>>,
    pub vaults: Observed<Vec<BackupVault>>,
    /// Resources AWS Backup has recovery points for, with the latest one.
    pub protected_resources: Observed<Vec<ProtectedResource>>,
    /// The region's service opt-in (`DescribeRegionSettings`' ResourceTypeOptInPreference),
    /// by AWS Backup resource type (`RDS`, `Aurora`, …): AWS Backup protects Aurora clusters
    /// only where Aurora is opted in.
    #[serde(default = "crate::snapshot::not_collected")]
    pub opt_in: Observed<BTreeMap<String, bool>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupPlan {
    pub id: String,
    pub name: String,
    pub rules: Vec<BackupRule>,
    pub selections: Observed<Vec<BackupSelection>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupRule {
    pub name: String,
    pub schedule: Option<String>,
    pub target_vault: String,
    pub delete_after_days: Option<i64>,
    /// Destination vault ARNs of copy actions (another region or account).
    pub copy_to: Vec<String>,
}

/// Which resources a backup plan assigns: those matching `resources` or any of
/// `list_of_tags` (every resource when both are empty), narrowed by every one of
/// `conditions`, less `not_resources`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupSelection {
    pub name: String,
    /// Resource ARNs or ARN patterns (`*` anywhere) selected.
    pub resources: Vec<String>,
    /// `ListOfTags`: a resource matching any one is selected (`StringEquals` only). Older
    /// snapshots wrote them as `tag_conditions`, `key=value`.
    #[serde(alias = "tag_conditions")]
    pub list_of_tags: Vec<TagCondition>,
    /// Resource ARNs or ARN patterns excluded from the selection.
    pub not_resources: Vec<String>,
    /// `Conditions`: all must match, narrowing what the rest selected.
    #[serde(default)]
    pub conditions: Vec<TagCondition>,
}

/// A condition on a resource tag, as AWS Backup selections write them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "TagConditionForm")]
pub struct TagCondition {
    /// `StringEquals`, `StringNotEquals`, `StringLike` or `StringNotLike`.
    pub operator: String,
    /// The tag key as written, possibly with the `aws:ResourceTag/` prefix.
    pub key: String,
    /// `*` matches any run of characters under the `Like` operators.
    pub value: String,
}

/// What snapshots hold: the condition, or the `key=value` of older snapshots (which knew
/// `ListOfTags` only, so `StringEquals`).
#[derive(Deserialize)]
#[serde(untagged)]
enum TagConditionForm {
    Written {
        operator: String,
        key: String,
        value: String,
    },
    KeyEqualsValue(String),
}

impl From<TagConditionForm> for TagCondition {
    fn from(form: TagConditionForm) -> Self {
        match form {
            TagConditionForm::Written {
                operator,
                key,
                value,
            } => TagCondition {
                operator,
                key,
                value,
            },
            TagConditionForm::KeyEqualsValue(text) => {
                let (key, value) = text.split_once('=').unwrap_or((&text, ""));
                TagCondition {
                    operator: "StringEquals".to_owned(),
                    key: key.to_owned(),
                    value: value.to_owned(),
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackupVault {
    pub name: String,
    pub arn: Option<String>,
    pub encryption_key_arn: Option<String>,
    pub locked: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtectedResource {
    pub arn: String,
    pub resource_type: Option<String>,
    pub last_backup: Option<String>,
}

/// An Application Auto Scaling target for RDS (Aurora replica count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalableTarget {
    /// `cluster:<identifier>`.
    pub resource_id: String,
    pub dimension: String,
    pub min_capacity: Option<i32>,
    pub max_capacity: Option<i32>,
    /// Scaling policy names. The region's `scalable_targets` is unknown when the policies could
    /// not be listed, so an empty list here means none.
    pub policies: Vec<String>,
}

/// The CloudFormation resource that attaches a secret to a database; its physical id is the
/// secret's ARN.
pub const SECRET_TARGET_ATTACHMENT: &str = "AWS::SecretsManager::SecretTargetAttachment";

/// A CloudFormation stack and the resources of interest it owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stack {
    pub name: String,
    pub id: Option<String>,
    pub status: Option<String>,
    /// RDS, KMS and EC2 network resources the stack manages.
    pub resources: Observed<Vec<StackResource>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackResource {
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub resource_type: String,
}

/// A GuardDuty detector of the region (an account has at most one per region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardDutyDetector {
    pub id: String,
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
    /// Each feature's status by name: `RDS_LOGIN_EVENTS` (RDS Protection) → `ENABLED`.
    pub features: BTreeMap<String, String>,
}

/// A CloudWatch alarm on an RDS metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub arn: Option<String>,
    pub metric: Option<String>,
    pub namespace: Option<String>,
    pub dimensions: BTreeMap<String, String>,
    pub statistic: Option<String>,
    pub comparison: Option<String>,
    pub threshold: Option<f64>,
    pub period_s: Option<i32>,
    pub evaluation_periods: Option<i32>,
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
    pub state: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_snapshots_selections_still_load() {
        let older: BackupSelection = serde_json::from_str(
            r#"{"name":"s","resources":[],"tag_conditions":["backup=daily"],"not_resources":[]}"#,
        )
        .unwrap();
        assert_eq!(
            older.list_of_tags,
            [TagCondition {
                operator: "StringEquals".into(),
                key: "backup".into(),
                value: "daily".into(),
            }]
        );
        assert!(older.conditions.is_empty());
        let written = serde_json::to_string(&older).unwrap();
        assert_eq!(
            serde_json::from_str::<BackupSelection>(&written).unwrap(),
            older
        );
    }
}
