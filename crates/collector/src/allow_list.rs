//! The one list of AWS operations rds-evidence may call.
//!
//! Every SDK client the collector builds carries the call-log interceptor, which refuses any
//! operation not listed here before a byte is sent. The list is also what `iam-policy` prints,
//! so the customer's role needs exactly these actions and nothing more.
//!
//! Credential providers make their own calls outside this list (`sts:AssumeRole` for
//! `--role-arn`, SSO token exchange); they run with the caller's own identity, not the
//! customer's read-only role.

/// `<IAM service prefix>:<API operation>`, sorted. Only read operations: Describe, List, Get,
/// Lookup. (For most services the API operation is also the IAM action; S3 names a few
/// actions differently, e.g. `GetPublicAccessBlock` needs `s3:GetBucketPublicAccessBlock`.)
pub const ALLOWED_ACTIONS: &[&str] = &[
    "account:GetAlternateContact",
    "account:GetContactInformation",
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
    "backup:DescribeRegionSettings",
    "backup:GetBackupPlan",
    "backup:GetBackupSelection",
    "backup:ListBackupPlans",
    "backup:ListBackupSelections",
    "backup:ListBackupVaults",
    "backup:ListProtectedResources",
    "cloudformation:DescribeStacks",
    "cloudformation:ListStackResources",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetEventDataStore",
    "cloudtrail:GetEventSelectors",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:ListEventDataStores",
    "cloudtrail:LookupEvents",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetMetricData",
    "dms:DescribeEndpoints",
    "dms:DescribeReplicationTasks",
    "ec2:DescribeFlowLogs",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRegions",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "ec2:GetManagedPrefixListEntries",
    "guardduty:GetDetector",
    "guardduty:ListDetectors",
    "iam:GetAccountAuthorizationDetails",
    "iam:GetAccountPasswordPolicy",
    "iam:GetAccountSummary",
    "iam:GetCredentialReport",
    "iam:ListAccessKeys",
    "iam:ListOpenIDConnectProviders",
    "iam:ListSAMLProviders",
    "iam:ListUsers",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListResourceTags",
    "logs:DescribeLogGroups",
    "rds:DescribeCertificates",
    "rds:DescribeDBClusterParameters",
    "rds:DescribeDBClusterSnapshotAttributes",
    "rds:DescribeDBClusterSnapshots",
    "rds:DescribeDBClusters",
    "rds:DescribeDBEngineVersions",
    "rds:DescribeDBInstances",
    "rds:DescribeDBMajorEngineVersions",
    "rds:DescribeDBParameters",
    "rds:DescribeDBProxies",
    "rds:DescribeDBSnapshotAttributes",
    "rds:DescribeDBSnapshots",
    "rds:DescribeDBSubnetGroups",
    "rds:DescribeEventSubscriptions",
    "rds:DescribeEvents",
    "rds:DescribeGlobalClusters",
    "rds:DescribeOptionGroups",
    "rds:DescribePendingMaintenanceActions",
    "rds:DescribeReservedDBInstances",
    "s3:GetBucketEncryption",
    "s3:GetBucketPolicy",
    "s3:GetBucketVersioning",
    "s3:GetObjectLockConfiguration",
    "s3:GetPublicAccessBlock",
    "secretsmanager:ListSecrets",
    "sts:GetCallerIdentity",
    "wellarchitected:GetLensReview",
    "wellarchitected:GetLensReviewReport",
    "wellarchitected:GetWorkload",
    "wellarchitected:ListMilestones",
];

/// The operations that read a case study's Well-Architected review (`[case_study.wafr]`),
/// called only for a case study that names one, in the workload's account.
pub const CASE_STUDY_ACTIONS: &[&str] = &[
    "wellarchitected:GetLensReview",
    "wellarchitected:GetLensReviewReport",
    "wellarchitected:GetWorkload",
    "wellarchitected:ListMilestones",
];

/// The operations that stand in for the IAM credential report when it cannot be read (none
/// generated yet, or denied): users and their access keys as listed. An account whose report
/// is read, the demo's among them, never calls them.
pub const CREDENTIAL_REPORT_FALLBACK_ACTIONS: &[&str] = &["iam:ListAccessKeys", "iam:ListUsers"];

/// The verbs of read-only AWS operations.
pub const READ_ONLY_PREFIXES: &[&str] = &["Describe", "List", "Get", "Lookup"];

pub fn is_allowed(action: &str) -> bool {
    ALLOWED_ACTIONS.binary_search(&action).is_ok()
}

/// The allow-list entry for an SDK operation: the SDK names services by their model's sdkId
/// (`RDS`, `Secrets Manager`, `Application Auto Scaling`), IAM by its service prefix.
pub fn iam_action(sdk_service: &str, operation: &str) -> String {
    // The SDK writes some names with spaces ("Secrets Manager", "Application Auto Scaling").
    let service: String = sdk_service
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let prefix = match service.as_str() {
        "applicationautoscaling" => "application-autoscaling",
        "cloudwatchlogs" => "logs",
        "databasemigrationservice" => "dms",
        other => other,
    };
    format!("{prefix}:{operation}")
}

/// The allow-list entry for a request signed for `signing_name` (SigV4 scope).
pub fn action_for_signing_name(signing_name: &str, operation: &str) -> String {
    let prefix = match signing_name {
        "monitoring" => "cloudwatch",
        other => other,
    };
    format!("{prefix}:{operation}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_study_and_fallback_actions_are_allowed() {
        for action in CASE_STUDY_ACTIONS
            .iter()
            .chain(CREDENTIAL_REPORT_FALLBACK_ACTIONS)
        {
            assert!(is_allowed(action), "{action}");
        }
    }

    #[test]
    fn list_is_sorted_and_unique_so_binary_search_works() {
        let mut sorted = ALLOWED_ACTIONS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, ALLOWED_ACTIONS);
    }

    #[test]
    fn every_entry_is_a_read_operation() {
        for action in ALLOWED_ACTIONS {
            let (_, operation) = action.split_once(':').expect("service:Operation");
            assert!(
                READ_ONLY_PREFIXES.iter().any(|p| operation.starts_with(p)),
                "{action} is not a read operation"
            );
        }
    }

    #[test]
    fn rds_extras_are_allowed_and_their_writes_are_not() {
        for operation in [
            "DescribeCertificates",
            "DescribeDBEngineVersions",
            "DescribeGlobalClusters",
            "DescribeOptionGroups",
            "DescribePendingMaintenanceActions",
            "DescribeReservedDBInstances",
        ] {
            assert!(is_allowed(&iam_action("RDS", operation)), "{operation}");
        }
        for write in [
            "ApplyPendingMaintenanceAction",
            "ModifyOptionGroup",
            "ModifyCertificates",
            "PurchaseReservedDBInstancesOffering",
            "RemoveFromGlobalCluster",
        ] {
            assert!(!is_allowed(&iam_action("RDS", write)), "{write}");
        }
    }

    #[test]
    fn sdk_service_names_map_to_iam_prefixes() {
        assert_eq!(
            iam_action("RDS", "DescribeDBInstances"),
            "rds:DescribeDBInstances"
        );
        assert!(is_allowed(&iam_action("KMS", "GetKeyPolicy")));
        assert!(!is_allowed(&iam_action("RDS", "ModifyDBInstance")));
        assert!(!is_allowed(&iam_action("RDS", "DeleteDBInstance")));
        assert_eq!(
            iam_action("Application Auto Scaling", "DescribeScalableTargets"),
            "application-autoscaling:DescribeScalableTargets"
        );
        assert_eq!(
            iam_action("Secrets Manager", "ListSecrets"),
            "secretsmanager:ListSecrets"
        );
        assert_eq!(
            iam_action("CloudWatch Logs", "DescribeLogGroups"),
            "logs:DescribeLogGroups"
        );
        assert!(is_allowed(&action_for_signing_name(
            "monitoring",
            "DescribeAlarms"
        )));
    }
}
