//! The customer's side of least privilege: the IAM policy that grants exactly the allow-list,
//! and a CloudFormation template for the read-only role the partner assumes.

use serde_json::{json, Value};

use crate::allow_list::ALLOWED_ACTIONS;

/// API operations whose IAM action has another name (S3 names bucket configuration actions
/// after the resource, not the API call).
const RENAMED_ACTIONS: &[(&str, &str)] = &[
    ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    (
        "s3:GetObjectLockConfiguration",
        "s3:GetBucketObjectLockConfiguration",
    ),
    ("s3:GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
];

/// The IAM actions the allow-list needs, sorted and unique.
pub fn iam_actions() -> Vec<&'static str> {
    let mut actions: Vec<&str> = ALLOWED_ACTIONS
        .iter()
        .map(|action| {
            RENAMED_ACTIONS
                .iter()
                .find(|(operation, _)| operation == action)
                .map_or(*action, |(_, permission)| permission)
        })
        .collect();
    actions.sort_unstable();
    actions.dedup();
    actions
}

/// An identity policy allowing exactly [`iam_actions`] and nothing else.
pub fn iam_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "RdsEvidenceReadOnly",
            "Effect": "Allow",
            "Action": iam_actions(),
            "Resource": "*",
        }],
    })
}

/// A CloudFormation template (JSON) for the customer's account: a role the partner's account
/// may assume only with the agreed external id, carrying [`iam_policy`] inline.
pub fn role_template() -> Value {
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Read-only role for rds-evidence: exactly the actions it may call, \
                        assumable by the partner's account with the agreed external id.",
        "Parameters": {
            "PartnerAccountId": {
                "Type": "String",
                "Description": "The AWS account id the partner runs rds-evidence from.",
                "AllowedPattern": "^[0-9]{12}$",
                "ConstraintDescription": "twelve digits",
            },
            "ExternalId": {
                "Type": "String",
                "Description": "The external id agreed with the partner (sts:ExternalId).",
                "MinLength": 2,
                "MaxLength": 1224,
                "AllowedPattern": "^[\\w+=,.@:/-]+$",
                "NoEcho": true,
            },
            "RoleName": {
                "Type": "String",
                "Default": "RdsEvidenceReadOnly",
            },
        },
        "Resources": {
            "RdsEvidenceRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": { "Ref": "RoleName" },
                    "Description": "Read-only evidence collection for the Amazon RDS Service Delivery designation (rds-evidence).",
                    "MaxSessionDuration": 3600,
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Effect": "Allow",
                            "Principal": {
                                "AWS": { "Fn::Sub": "arn:${AWS::Partition}:iam::${PartnerAccountId}:root" },
                            },
                            "Action": "sts:AssumeRole",
                            "Condition": {
                                "StringEquals": { "sts:ExternalId": { "Ref": "ExternalId" } },
                            },
                        }],
                    },
                    "Policies": [{
                        "PolicyName": "rds-evidence-read-only",
                        "PolicyDocument": iam_policy(),
                    }],
                },
            },
        },
        "Outputs": {
            "RoleArn": {
                "Description": "Give this to the partner with the external id (--role-arn).",
                "Value": { "Fn::GetAtt": ["RdsEvidenceRole", "Arn"] },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allow_list::READ_ONLY_PREFIXES;

    #[test]
    fn the_policy_grants_one_action_per_allowed_operation_and_only_reads() {
        let actions = iam_actions();
        assert_eq!(actions.len(), ALLOWED_ACTIONS.len());
        for action in &actions {
            let (_, name) = action.split_once(':').unwrap();
            assert!(
                READ_ONLY_PREFIXES.iter().any(|p| name.starts_with(p)),
                "{action}"
            );
        }
        assert!(actions.contains(&"s3:GetBucketPublicAccessBlock"));
        assert!(!actions.contains(&"s3:GetPublicAccessBlock"));
        let policy = iam_policy();
        assert_eq!(policy["Statement"][0]["Effect"], "Allow");
        assert_eq!(
            policy["Statement"][0]["Action"].as_array().unwrap().len(),
            actions.len()
        );
    }

    #[test]
    fn every_renamed_operation_is_allow_listed() {
        for (operation, _) in RENAMED_ACTIONS {
            assert!(ALLOWED_ACTIONS.contains(operation), "{operation}");
        }
    }

    #[test]
    fn the_role_requires_the_external_id_and_carries_the_policy() {
        let template = role_template();
        let role = &template["Resources"]["RdsEvidenceRole"]["Properties"];
        let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(trust["Action"], "sts:AssumeRole");
        assert_eq!(
            trust["Condition"]["StringEquals"]["sts:ExternalId"],
            json!({ "Ref": "ExternalId" })
        );
        assert_eq!(role["Policies"][0]["PolicyDocument"], iam_policy());
    }
}
