//! The one list of AWS operations rds-evidence may call.
//!
//! Every SDK client the collector builds carries the call-log interceptor, which refuses any
//! operation not listed here before a byte is sent. The list is also what `iam-policy` prints,
//! so the customer's role needs exactly these actions and nothing more.
//!
//! Credential providers make their own calls outside this list (`sts:AssumeRole` for
//! `--role-arn`, SSO token exchange); they run with the caller's own identity, not the
//! customer's read-only role.

/// IAM action names, sorted. Only read operations: Describe, List, Get, Lookup.
pub const ALLOWED_ACTIONS: &[&str] = &[
    "ec2:DescribeFlowLogs",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRegions",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListResourceTags",
    "rds:DescribeDBClusterParameters",
    "rds:DescribeDBClusterSnapshotAttributes",
    "rds:DescribeDBClusterSnapshots",
    "rds:DescribeDBClusters",
    "rds:DescribeDBInstances",
    "rds:DescribeDBParameters",
    "rds:DescribeDBProxies",
    "rds:DescribeDBSnapshotAttributes",
    "rds:DescribeDBSnapshots",
    "rds:DescribeDBSubnetGroups",
    "rds:DescribeEventSubscriptions",
    "sts:GetCallerIdentity",
];

/// The verbs of read-only AWS operations.
pub const READ_ONLY_PREFIXES: &[&str] = &["Describe", "List", "Get", "Lookup"];

pub fn is_allowed(action: &str) -> bool {
    ALLOWED_ACTIONS.binary_search(&action).is_ok()
}

/// The IAM action for an SDK operation: the SDK names services as its model does (`RDS`,
/// `EC2`), IAM in lower case.
pub fn iam_action(service: &str, operation: &str) -> String {
    format!("{}:{operation}", service.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn sdk_service_names_map_to_iam_prefixes() {
        assert_eq!(
            iam_action("RDS", "DescribeDBInstances"),
            "rds:DescribeDBInstances"
        );
        assert!(is_allowed(&iam_action("KMS", "GetKeyPolicy")));
        assert!(!is_allowed(&iam_action("RDS", "ModifyDBInstance")));
        assert!(!is_allowed(&iam_action("RDS", "DeleteDBInstance")));
    }
}
