//! Regional services around the databases: secrets, AWS Backup, Aurora replica auto scaling,
//! CloudFormation stacks, GuardDuty.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_applicationautoscaling::types as scaling;
use aws_sdk_backup::types as backup_sdk;
use aws_sdk_cloudformation::types as cfn;
use aws_sdk_secretsmanager::types as secrets_sdk;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::{stream, StreamExt};
use rds_evidence_inventory::services::{
    BackupPlan, BackupRule, BackupSelection, BackupSetup, BackupVault, GuardDutyDetector,
    ProtectedResource, ScalableTarget, Secret, Stack, StackResource, TagCondition,
};
use rds_evidence_inventory::{FailureKind, Observed, Unavailable};

use crate::convert::{owned, time};
use crate::failure::unavailable;
use crate::pages::drain;

/// Secrets Manager returns at most 100 secrets a page.
const SECRETS_PAGE: i32 = 100;
/// AWS Backup listings return at most 1000 items a page.
const BACKUP_PAGE: i32 = 1000;
/// Application Auto Scaling pages: 50 targets, but only 10 policies.
const TARGETS_PAGE: i32 = 50;
const POLICIES_PAGE: i32 = 10;

/// Tag keys that name the database a secret belongs to: the two RDS puts on the master-user
/// secrets it manages, and the one a team can put on secrets it made by hand.
const DATABASE_TAG_KEYS: &[&str] = &[
    "aws:rds:primaryDBClusterArn",
    "aws:rds:primaryDBInstanceArn",
    "rds-db",
];

/// AWS Backup's resource types for RDS instances and Aurora clusters.
const BACKUP_RDS_TYPES: &[&str] = &["Aurora", "RDS"];

/// Stack resource types that are evidence of databases, their keys, secrets or network being
/// managed as code.
const STACK_TYPE_PREFIXES: &[&str] = &["AWS::KMS::", "AWS::RDS::", "AWS::SecretsManager::"];
const STACK_NETWORK_TYPES: &[&str] = &[
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::Subnet",
    "AWS::EC2::VPC",
];

/// The tag CloudFormation puts on every resource of a stack that takes tags.
pub(crate) const STACK_NAME_TAG: &str = "aws:cloudformation:stack-name";

/// Secrets Manager takes at most 10 values a filter.
const FILTER_VALUES: usize = 10;
/// Filtered listings sent at once: each is a page or two, and a region with many databases
/// asks a few hundred of them.
const SECRET_QUERIES_AT_ONCE: usize = 4;

/// What to ask `ListSecrets` for: the secrets carrying `key` prefixed by one of `values`.
pub(crate) struct SecretQuery {
    pub key: secrets_sdk::FilterNameStringType,
    pub values: Vec<String>,
}

impl SecretQuery {
    /// Secrets carrying one of the database tag keys: RDS puts its `aws:rds:primaryDB…` tags
    /// on every secret it manages, a database's master-user secret among them.
    pub(crate) fn database_tag_keys() -> SecretQuery {
        SecretQuery {
            key: secrets_sdk::FilterNameStringType::TagKey,
            values: DATABASE_TAG_KEYS.iter().map(|k| (*k).to_owned()).collect(),
        }
    }
}

/// The secrets matching any of `queries`, each asked server-side (filter values are prefix
/// matches, at most 10 a request), so that the requests grow with the databases, not the
/// account's secrets. `ListSecrets` returns metadata only; values are never requested.
/// [`database_secrets`] keeps those that may belong to a database.
pub(crate) async fn secrets(
    client: &aws_sdk_secretsmanager::Client,
    queries: &[SecretQuery],
) -> Observed<Vec<Secret>> {
    let filters = queries.iter().flat_map(|q| {
        q.values.chunks(FILTER_VALUES).map(|values| {
            secrets_sdk::Filter::builder()
                .key(q.key.clone())
                .set_values(Some(values.to_vec()))
                .build()
        })
    });
    let mut listings = stream::iter(filters)
        .map(|filter| {
            drain(
                client
                    .list_secrets()
                    .filters(filter)
                    .max_results(SECRETS_PAGE)
                    .into_paginator()
                    .send(),
                "secretsmanager:ListSecrets",
            )
        })
        .buffered(SECRET_QUERIES_AT_ONCE);
    // In the order asked, each secret once; the first failure stops the rest.
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    while let Some(pages) = listings.next().await {
        match pages {
            Ok(pages) => {
                for s in pages.iter().flat_map(|page| page.secret_list()) {
                    let s = secret(s);
                    if seen.insert(s.arn.clone()) {
                        found.push(s);
                    }
                }
            }
            Err(e) => return Observed::Unknown(e),
        }
    }
    Observed::Value(found)
}

/// Adds the secrets of `more` that `known` does not hold yet.
pub(crate) fn more_secrets(
    known: Observed<Vec<Secret>>,
    more: Observed<Vec<Secret>>,
) -> Observed<Vec<Secret>> {
    match (known, more) {
        (Observed::Value(mut known), Observed::Value(more)) => {
            let seen: BTreeSet<String> = known.iter().map(|s| s.arn.clone()).collect();
            known.extend(more.into_iter().filter(|s| !seen.contains(&s.arn)));
            Observed::Value(known)
        }
        (Observed::Value(_), unknown) | (unknown, _) => unknown,
    }
}

/// What may tie a secret to a database, as the checks associate them.
pub(crate) struct SecretOwners<'a> {
    /// Master-user secrets the databases name.
    pub referenced: BTreeSet<String>,
    /// Identifiers and ARNs of the region's databases.
    pub databases: BTreeSet<&'a str>,
    /// Physical ids of the stacks' `AWS::SecretsManager::SecretTargetAttachment`s.
    pub attachments: BTreeSet<&'a str>,
}

/// The secrets that may belong to a database: owned by RDS, named by a database, tagged for
/// one (by a key that says so, or by a tag whose value is a database's identifier or ARN),
/// attached to one by CloudFormation, or carrying a database's identifier in their name.
pub(crate) fn database_secrets(
    secrets: Observed<Vec<Secret>>,
    owners: &SecretOwners,
) -> Observed<Vec<Secret>> {
    match secrets {
        Observed::Value(secrets) => Observed::Value(
            secrets
                .into_iter()
                .filter(|s| may_belong_to_database(s, owners))
                .collect(),
        ),
        unknown => unknown,
    }
}

fn may_belong_to_database(s: &Secret, owners: &SecretOwners) -> bool {
    let name = s.name.to_ascii_lowercase();
    s.owning_service.as_deref() == Some("rds")
        || owners.referenced.contains(&s.arn)
        || owners.attachments.contains(s.arn.as_str())
        || owners.attachments.contains(s.name.as_str())
        || s.tags.iter().any(|(key, value)| {
            DATABASE_TAG_KEYS.contains(&key.as_str()) || owners.databases.contains(value.as_str())
        })
        || owners
            .databases
            .iter()
            .any(|db| !db.starts_with("arn:") && name.contains(&db.to_ascii_lowercase()))
}

fn secret(s: &secrets_sdk::SecretListEntry) -> Secret {
    let rules = s.rotation_rules();
    Secret {
        name: s.name().unwrap_or_default().to_owned(),
        arn: s.arn().unwrap_or_default().to_owned(),
        kms_key_id: owned(s.kms_key_id()),
        // ListSecrets leaves the flag out for secrets that were never set to rotate.
        rotation_enabled: s.rotation_enabled().unwrap_or(false),
        rotation_days: rules.and_then(|r| r.automatically_after_days()),
        rotation_schedule: owned(rules.and_then(|r| r.schedule_expression())),
        last_rotated: time(s.last_rotated_date()),
        last_changed: time(s.last_changed_date()),
        owning_service: owned(s.owning_service()),
        tags: s
            .tags()
            .iter()
            .filter_map(|t| {
                Some((
                    t.key()?.to_owned(),
                    t.value().unwrap_or_default().to_owned(),
                ))
            })
            .collect(),
    }
}

pub(crate) async fn backup(client: &aws_sdk_backup::Client, concurrency: usize) -> BackupSetup {
    let (plans, vaults, protected_resources, opt_in) = tokio::join!(
        backup_plans(client, concurrency),
        backup_vaults(client),
        protected_resources(client),
        opt_in(client),
    );
    BackupSetup {
        plans: plans.into(),
        vaults: vaults.into(),
        protected_resources: protected_resources.into(),
        opt_in: opt_in.into(),
    }
}

/// The region's service opt-in by resource type: AWS Backup protects only opted-in types
/// (Aurora whatever the selection says).
async fn opt_in(client: &aws_sdk_backup::Client) -> Result<BTreeMap<String, bool>, Unavailable> {
    let out = client
        .describe_region_settings()
        .send()
        .await
        .map_err(|e| unavailable("backup:DescribeRegionSettings", &e))?;
    Ok(out
        .resource_type_opt_in_preference()
        .into_iter()
        .flatten()
        .map(|(kind, opted_in)| (kind.clone(), *opted_in))
        .collect())
}

/// Each plan's rules and selections, read per plan. A plan whose rules cannot be read makes the
/// listing unknown; its selections are unknown on their own.
async fn backup_plans(
    client: &aws_sdk_backup::Client,
    concurrency: usize,
) -> Result<Vec<BackupPlan>, Unavailable> {
    let listed = drain(
        client
            .list_backup_plans()
            .max_results(BACKUP_PAGE)
            .into_paginator()
            .items()
            .send(),
        "backup:ListBackupPlans",
    )
    .await?;
    stream::iter(&listed)
        .filter_map(|p| async move {
            Some((
                p.backup_plan_id()?,
                p.backup_plan_name().unwrap_or_default(),
            ))
        })
        .map(|(id, name)| backup_plan(client, id, name, concurrency))
        .buffered(concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

async fn backup_plan(
    client: &aws_sdk_backup::Client,
    id: &str,
    name: &str,
    concurrency: usize,
) -> Result<BackupPlan, Unavailable> {
    let (rules, selections) = tokio::join!(
        backup_rules(client, id),
        backup_selections(client, id, concurrency),
    );
    Ok(BackupPlan {
        id: id.to_owned(),
        name: name.to_owned(),
        rules: rules?,
        selections: selections.into(),
    })
}

async fn backup_rules(
    client: &aws_sdk_backup::Client,
    plan_id: &str,
) -> Result<Vec<BackupRule>, Unavailable> {
    let out = client
        .get_backup_plan()
        .backup_plan_id(plan_id)
        .send()
        .await
        .map_err(|e| unavailable("backup:GetBackupPlan", &e))?;
    let plan = out.backup_plan().ok_or_else(|| Unavailable {
        action: "backup:GetBackupPlan".to_owned(),
        kind: FailureKind::Other,
        message: "response has no BackupPlan".to_owned(),
    })?;
    Ok(plan.rules().iter().map(backup_rule).collect())
}

fn backup_rule(r: &backup_sdk::BackupRule) -> BackupRule {
    BackupRule {
        name: r.rule_name().to_owned(),
        schedule: owned(r.schedule_expression()),
        target_vault: r.target_backup_vault_name().to_owned(),
        delete_after_days: r.lifecycle().and_then(|l| l.delete_after_days()),
        copy_to: r
            .copy_actions()
            .iter()
            .map(|c| c.destination_backup_vault_arn().to_owned())
            .collect(),
    }
}

/// A plan's selections; one that cannot be read makes the plan's selections unknown, since a
/// shorter list would understate what the plan covers.
async fn backup_selections(
    client: &aws_sdk_backup::Client,
    plan_id: &str,
    concurrency: usize,
) -> Result<Vec<BackupSelection>, Unavailable> {
    let listed = drain(
        client
            .list_backup_selections()
            .backup_plan_id(plan_id)
            .max_results(BACKUP_PAGE)
            .into_paginator()
            .items()
            .send(),
        "backup:ListBackupSelections",
    )
    .await?;
    stream::iter(listed.iter().filter_map(|s| s.selection_id()))
        .map(|selection_id| async move {
            client
                .get_backup_selection()
                .backup_plan_id(plan_id)
                .selection_id(selection_id)
                .send()
                .await
                .map_err(|e| unavailable("backup:GetBackupSelection", &e))
                .and_then(|out| {
                    out.backup_selection()
                        .map(backup_selection)
                        .ok_or_else(|| Unavailable {
                            action: "backup:GetBackupSelection".to_owned(),
                            kind: FailureKind::Other,
                            message: "response has no BackupSelection".to_owned(),
                        })
                })
        })
        .buffered(concurrency)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

fn backup_selection(s: &backup_sdk::BackupSelection) -> BackupSelection {
    let conditions = s.conditions();
    let parameters = |operator: &str, list: Option<&[backup_sdk::ConditionParameter]>| {
        list.unwrap_or_default()
            .iter()
            .map(|p| TagCondition {
                operator: operator.to_owned(),
                key: p.condition_key().unwrap_or_default().to_owned(),
                value: p.condition_value().unwrap_or_default().to_owned(),
            })
            .collect::<Vec<_>>()
    };
    BackupSelection {
        name: s.selection_name().to_owned(),
        resources: s.resources().to_vec(),
        list_of_tags: s
            .list_of_tags()
            .iter()
            .map(|c| TagCondition {
                // ListOfTags knows STRINGEQUALS only.
                operator: "StringEquals".to_owned(),
                key: c.condition_key().to_owned(),
                value: c.condition_value().to_owned(),
            })
            .collect(),
        not_resources: s.not_resources().to_vec(),
        conditions: [
            parameters("StringEquals", conditions.map(|c| c.string_equals())),
            parameters("StringNotEquals", conditions.map(|c| c.string_not_equals())),
            parameters("StringLike", conditions.map(|c| c.string_like())),
            parameters("StringNotLike", conditions.map(|c| c.string_not_like())),
        ]
        .concat(),
    }
}

async fn backup_vaults(client: &aws_sdk_backup::Client) -> Result<Vec<BackupVault>, Unavailable> {
    let items = drain(
        client
            .list_backup_vaults()
            .max_results(BACKUP_PAGE)
            .into_paginator()
            .items()
            .send(),
        "backup:ListBackupVaults",
    )
    .await?;
    Ok(items.iter().map(backup_vault).collect())
}

fn backup_vault(v: &backup_sdk::BackupVaultListMember) -> BackupVault {
    BackupVault {
        name: v.backup_vault_name().unwrap_or_default().to_owned(),
        arn: owned(v.backup_vault_arn()),
        encryption_key_arn: owned(v.encryption_key_arn()),
        locked: v.locked(),
    }
}

/// RDS instances and Aurora clusters with recovery points; the API has no type filter.
async fn protected_resources(
    client: &aws_sdk_backup::Client,
) -> Result<Vec<ProtectedResource>, Unavailable> {
    let items = drain(
        client
            .list_protected_resources()
            .max_results(BACKUP_PAGE)
            .into_paginator()
            .items()
            .send(),
        "backup:ListProtectedResources",
    )
    .await?;
    Ok(items.iter().filter_map(protected_resource).collect())
}

fn protected_resource(r: &backup_sdk::ProtectedResource) -> Option<ProtectedResource> {
    let resource_type = r.resource_type()?;
    BACKUP_RDS_TYPES
        .contains(&resource_type)
        .then(|| ProtectedResource {
            arn: r.resource_arn().unwrap_or_default().to_owned(),
            resource_type: Some(resource_type.to_owned()),
            last_backup: time(r.last_backup_time()),
        })
}

/// RDS scalable targets (Aurora replica count) with their policies. The policies are listed
/// once for the region, and only when there is a target to attach them to; when they cannot be
/// listed the targets are unknown, since a target without its policies does not scale.
pub(crate) async fn scalable_targets(
    client: &aws_sdk_applicationautoscaling::Client,
) -> Observed<Vec<ScalableTarget>> {
    let targets = match drain(
        client
            .describe_scalable_targets()
            .service_namespace(scaling::ServiceNamespace::Rds)
            .max_results(TARGETS_PAGE)
            .into_paginator()
            .items()
            .send(),
        "application-autoscaling:DescribeScalableTargets",
    )
    .await
    {
        Ok(targets) => targets,
        Err(why) => return Observed::Unknown(why),
    };
    if targets.is_empty() {
        return Observed::Value(Vec::new());
    }
    drain(
        client
            .describe_scaling_policies()
            .service_namespace(scaling::ServiceNamespace::Rds)
            .max_results(POLICIES_PAGE)
            .into_paginator()
            .items()
            .send(),
        "application-autoscaling:DescribeScalingPolicies",
    )
    .await
    .map(|policies| {
        let by_target = policies_by_target(&policies);
        targets
            .iter()
            .map(|t| scalable_target(t, &by_target))
            .collect()
    })
    .into()
}

type PoliciesByTarget = BTreeMap<(String, String), Vec<String>>;

/// Policy names by (resource id, scalable dimension).
fn policies_by_target(policies: &[scaling::ScalingPolicy]) -> PoliciesByTarget {
    let mut by_target = PoliciesByTarget::new();
    for p in policies {
        by_target
            .entry((
                p.resource_id().to_owned(),
                p.scalable_dimension().as_str().to_owned(),
            ))
            .or_default()
            .push(p.policy_name().to_owned());
    }
    by_target
}

fn scalable_target(t: &scaling::ScalableTarget, policies: &PoliciesByTarget) -> ScalableTarget {
    let key = (
        t.resource_id().to_owned(),
        t.scalable_dimension().as_str().to_owned(),
    );
    let policies = policies.get(&key).cloned().unwrap_or_default();
    let (resource_id, dimension) = key;
    ScalableTarget {
        resource_id,
        dimension,
        min_capacity: Some(t.min_capacity()),
        max_capacity: Some(t.max_capacity()),
        policies,
    }
}

/// The stacks `names` names (from the `aws:cloudformation:stack-name` tags of the databases,
/// their keys, secrets and network), with their RDS, KMS, Secrets Manager and network
/// resources: the requests grow with the stacks that own what the databases use, never with
/// the account's other stacks. A stack that owns none of those resources is left out, one
/// deleted since it tagged them is gone; one that cannot be read is kept, its resources
/// unknown.
pub(crate) async fn stacks(
    client: &aws_sdk_cloudformation::Client,
    names: BTreeSet<String>,
    concurrency: usize,
) -> Observed<Vec<Stack>> {
    let stacks: Vec<Option<Stack>> = stream::iter(names)
        .map(|name| stack(client, name))
        .buffered(concurrency)
        .collect()
        .await;
    Observed::Value(stacks.into_iter().flatten().filter(owns_relevant).collect())
}

async fn stack(client: &aws_sdk_cloudformation::Client, name: String) -> Option<Stack> {
    let described = match client.describe_stacks().stack_name(&name).send().await {
        Ok(out) => out.stacks().first().cloned(),
        Err(e) if is_gone(&e) => None,
        Err(e) => {
            return Some(Stack {
                name,
                id: None,
                status: None,
                resources: Observed::Unknown(unavailable("cloudformation:DescribeStacks", &e)),
            })
        }
    };
    let described =
        described.filter(|s| s.stack_status() != Some(&cfn::StackStatus::DeleteComplete))?;
    let resources = drain(
        client
            .list_stack_resources()
            .stack_name(&name)
            .into_paginator()
            .items()
            .send(),
        "cloudformation:ListStackResources",
    )
    .await
    .map(|items| items.iter().filter_map(stack_resource).collect());
    Some(Stack {
        name,
        id: owned(described.stack_id()),
        status: described
            .stack_status()
            .map(|status| status.as_str().to_owned()),
        resources: resources.into(),
    })
}

/// CloudFormation answers a stack name it no longer knows with `ValidationError: Stack with
/// id NAME does not exist`.
fn is_gone<E: ProvideErrorMetadata>(error: &SdkError<E, Response>) -> bool {
    error.as_service_error().is_some_and(|e| {
        e.code() == Some("ValidationError")
            && e.message().is_some_and(|m| m.contains("does not exist"))
    })
}

fn stack_resource(r: &cfn::StackResourceSummary) -> Option<StackResource> {
    let resource_type = r.resource_type()?;
    is_relevant_type(resource_type).then(|| StackResource {
        logical_id: r.logical_resource_id().unwrap_or_default().to_owned(),
        // A resource still being created has an empty physical id.
        physical_id: r
            .physical_resource_id()
            .filter(|id| !id.is_empty())
            .map(str::to_owned),
        resource_type: resource_type.to_owned(),
    })
}

fn is_relevant_type(resource_type: &str) -> bool {
    STACK_TYPE_PREFIXES
        .iter()
        .any(|prefix| resource_type.starts_with(prefix))
        || STACK_NETWORK_TYPES.contains(&resource_type)
}

fn owns_relevant(stack: &Stack) -> bool {
    match &stack.resources {
        Observed::Value(resources) => !resources.is_empty(),
        Observed::Unknown(_) => true,
    }
}

/// The region's GuardDuty detectors with their features: whether RDS Protection watches the
/// databases' login activity.
pub(crate) async fn guardduty(
    client: &aws_sdk_guardduty::Client,
) -> Observed<Vec<GuardDutyDetector>> {
    let ids = match drain(
        client
            .list_detectors()
            .max_results(50)
            .into_paginator()
            .items()
            .send(),
        "guardduty:ListDetectors",
    )
    .await
    {
        Ok(ids) => ids,
        Err(why) => return Observed::Unknown(why),
    };
    futures::future::join_all(ids.iter().map(|id| async move {
        client
            .get_detector()
            .detector_id(id)
            .send()
            .await
            .map(|out| detector(id, &out))
            .map_err(|e| unavailable("guardduty:GetDetector", &e))
    }))
    .await
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .into()
}

fn detector(
    id: &str,
    out: &aws_sdk_guardduty::operation::get_detector::GetDetectorOutput,
) -> GuardDutyDetector {
    GuardDutyDetector {
        id: id.to_owned(),
        status: out.status().map(|s| s.as_str().to_owned()),
        features: out
            .features()
            .iter()
            .filter_map(|f| {
                Some((
                    f.name()?.as_str().to_owned(),
                    f.status()?.as_str().to_owned(),
                ))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::DateTime;

    const ACCOUNT_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret";

    fn secret_entry(name: &str) -> secrets_sdk::builders::SecretListEntryBuilder {
        secrets_sdk::SecretListEntry::builder()
            .name(name)
            .arn(format!("{ACCOUNT_ARN}:{name}-AbCdEf"))
    }

    #[test]
    fn rds_managed_secret_maps_rotation_and_tags() {
        let entry = secret_entry("rds!db-1")
            .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/k1")
            .rotation_enabled(true)
            .rotation_rules(
                secrets_sdk::RotationRulesType::builder()
                    .automatically_after_days(7)
                    .build(),
            )
            .last_rotated_date(DateTime::from_secs(1_700_000_000))
            .last_changed_date(DateTime::from_fractional_secs(1_700_000_100, 0.5))
            .owning_service("rds")
            .tags(
                secrets_sdk::Tag::builder()
                    .key("aws:rds:primaryDBInstanceArn")
                    .value("arn:aws:rds:us-east-1:123456789012:db:orders")
                    .build(),
            )
            .build();
        let s = secret(&entry);
        assert_eq!(s.name, "rds!db-1");
        assert_eq!(s.arn, format!("{ACCOUNT_ARN}:rds!db-1-AbCdEf"));
        assert_eq!(
            s.kms_key_id.as_deref(),
            Some("arn:aws:kms:us-east-1:123456789012:key/k1")
        );
        assert!(s.rotation_enabled);
        assert_eq!(s.rotation_days, Some(7));
        assert_eq!(s.rotation_schedule, None);
        assert_eq!(s.last_rotated.as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(s.last_changed.as_deref(), Some("2023-11-14T22:15:00Z"));
        assert_eq!(s.owning_service.as_deref(), Some("rds"));
        assert_eq!(
            s.tags["aws:rds:primaryDBInstanceArn"],
            "arn:aws:rds:us-east-1:123456789012:db:orders"
        );
    }

    #[test]
    fn secret_never_set_to_rotate_is_not_rotating_and_uses_the_default_key() {
        let s = secret(&secret_entry("dev-mysql/admin").build());
        assert!(!s.rotation_enabled);
        assert_eq!(s.rotation_days, None);
        assert_eq!(s.kms_key_id, None);
        assert_eq!(s.last_rotated, None);
        assert!(s.tags.is_empty());
    }

    #[test]
    fn rotation_by_schedule_expression_is_kept() {
        let entry = secret_entry("orders/app")
            .rotation_enabled(true)
            .rotation_rules(
                secrets_sdk::RotationRulesType::builder()
                    .schedule_expression("rate(10 days)")
                    .build(),
            )
            .build();
        let s = secret(&entry);
        assert_eq!(s.rotation_days, None);
        assert_eq!(s.rotation_schedule.as_deref(), Some("rate(10 days)"));
    }

    #[test]
    fn only_secrets_that_may_belong_to_a_database_are_kept() {
        let referenced_arn = format!("{ACCOUNT_ARN}:orders/master-AbCdEf");
        let attached_arn = format!("{ACCOUNT_ARN}:cfn-made-AbCdEf");
        let owners = SecretOwners {
            referenced: BTreeSet::from([referenced_arn]),
            databases: BTreeSet::from([
                "orders-pg",
                "arn:aws:rds:us-east-1:123456789012:db:orders-pg",
            ]),
            attachments: BTreeSet::from([attached_arn.as_str()]),
        };
        let tag =
            |key: &str, value: &str| secrets_sdk::Tag::builder().key(key).value(value).build();
        let keeps = |entry: secrets_sdk::SecretListEntry| {
            let listed = database_secrets(Observed::Value(vec![secret(&entry)]), &owners);
            listed.value().is_some_and(|kept| kept.len() == 1)
        };
        assert!(keeps(secret_entry("orders/master").build()), "referenced");
        assert!(keeps(
            secret_entry("x").tags(tag("rds-db", "orders")).build()
        ));
        assert!(keeps(
            secret_entry("y")
                .tags(tag("aws:rds:primaryDBClusterArn", "orders"))
                .build()
        ));
        assert!(keeps(secret_entry("z").owning_service("rds").build()));
        assert!(
            keeps(secret_entry("cfn-made").build()),
            "attached by a stack"
        );
        assert!(
            keeps(secret_entry("w").tags(tag("database", "orders-pg")).build()),
            "tagged with its identifier"
        );
        assert!(
            keeps(secret_entry("prod/Orders-PG/app").build()),
            "named after it"
        );
        assert!(!keeps(
            secret_entry("api/token")
                .tags(tag("team", "orders"))
                .build()
        ));
        assert!(!keeps(
            secret_entry("appflow!conn")
                .owning_service("appflow")
                .build()
        ));
        let unknown = Observed::Unknown(Unavailable {
            action: "secretsmanager:ListSecrets".into(),
            kind: FailureKind::AccessDenied,
            message: "denied".into(),
        });
        assert!(!database_secrets(unknown, &owners).is_known());
    }

    /// GetDetector's response with its features, per the GuardDuty API Reference.
    #[test]
    fn detector_keeps_its_status_and_features() {
        use aws_sdk_guardduty::types::{
            DetectorFeatureConfigurationResult, DetectorFeatureResult, DetectorStatus,
            FeatureStatus,
        };
        let feature = |name, status| {
            DetectorFeatureConfigurationResult::builder()
                .name(name)
                .status(status)
                .build()
        };
        let out = aws_sdk_guardduty::operation::get_detector::GetDetectorOutput::builder()
            .status(DetectorStatus::Enabled)
            .service_role("arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty")
            .features(feature(DetectorFeatureResult::RdsLoginEvents, FeatureStatus::Enabled))
            .features(feature(DetectorFeatureResult::S3DataEvents, FeatureStatus::Disabled))
            .build();
        let d = detector("12abc34d567e8fa901bc2d34e56789f0", &out);
        assert_eq!(d.status.as_deref(), Some("ENABLED"));
        assert_eq!(d.features["RDS_LOGIN_EVENTS"], "ENABLED");
        assert_eq!(d.features["S3_DATA_EVENTS"], "DISABLED");
    }

    #[test]
    fn backup_rule_with_retention_and_cross_region_copy() {
        let rule = backup_sdk::BackupRule::builder()
            .rule_name("daily")
            .target_backup_vault_name("rds-vault")
            .schedule_expression("cron(0 5 ? * * *)")
            .lifecycle(
                backup_sdk::Lifecycle::builder()
                    .delete_after_days(35)
                    .build(),
            )
            .copy_actions(
                backup_sdk::CopyAction::builder()
                    .destination_backup_vault_arn(
                        "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr",
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        assert_eq!(
            backup_rule(&rule),
            BackupRule {
                name: "daily".into(),
                schedule: Some("cron(0 5 ? * * *)".into()),
                target_vault: "rds-vault".into(),
                delete_after_days: Some(35),
                copy_to: vec!["arn:aws:backup:eu-west-1:123456789012:backup-vault:dr".into()],
            }
        );
    }

    #[test]
    fn backup_rule_kept_forever_has_no_retention() {
        let rule = backup_sdk::BackupRule::builder()
            .rule_name("forever")
            .target_backup_vault_name("Default")
            .build()
            .unwrap();
        let r = backup_rule(&rule);
        assert_eq!(r.delete_after_days, None);
        assert_eq!(r.schedule, None);
        assert!(r.copy_to.is_empty());
    }

    #[test]
    fn backup_selection_resources_tags_and_conditions() {
        let parameter = |key: &str, value: &str| {
            backup_sdk::ConditionParameter::builder()
                .condition_key(key)
                .condition_value(value)
                .build()
        };
        let selection = backup_sdk::BackupSelection::builder()
            .selection_name("databases")
            .iam_role_arn("arn:aws:iam::123456789012:role/backup")
            .resources("arn:aws:rds:us-east-1:123456789012:db:orders")
            .resources("arn:aws:rds:*:*:cluster:*")
            .not_resources("arn:aws:rds:us-east-1:123456789012:db:scratch")
            .list_of_tags(
                backup_sdk::Condition::builder()
                    .condition_type(backup_sdk::ConditionType::Stringequals)
                    .condition_key("backup")
                    .condition_value("daily")
                    .build()
                    .unwrap(),
            )
            .conditions(
                backup_sdk::Conditions::builder()
                    .string_equals(parameter("aws:ResourceTag/stage", "prod"))
                    .string_not_like(parameter("aws:ResourceTag/team", "sand*"))
                    .build(),
            )
            .build()
            .unwrap();
        let condition = |operator: &str, key: &str, value: &str| TagCondition {
            operator: operator.into(),
            key: key.into(),
            value: value.into(),
        };
        assert_eq!(
            backup_selection(&selection),
            BackupSelection {
                name: "databases".into(),
                resources: vec![
                    "arn:aws:rds:us-east-1:123456789012:db:orders".into(),
                    "arn:aws:rds:*:*:cluster:*".into(),
                ],
                list_of_tags: vec![condition("StringEquals", "backup", "daily")],
                not_resources: vec!["arn:aws:rds:us-east-1:123456789012:db:scratch".into()],
                conditions: vec![
                    condition("StringEquals", "aws:ResourceTag/stage", "prod"),
                    condition("StringNotLike", "aws:ResourceTag/team", "sand*"),
                ],
            }
        );
    }

    #[test]
    fn vault_lock_is_left_unknown_when_absent() {
        let locked = backup_sdk::BackupVaultListMember::builder()
            .backup_vault_name("rds-vault")
            .backup_vault_arn("arn:aws:backup:us-east-1:123456789012:backup-vault:rds-vault")
            .encryption_key_arn("arn:aws:kms:us-east-1:123456789012:key/k1")
            .locked(true)
            .build();
        let v = backup_vault(&locked);
        assert_eq!(v.name, "rds-vault");
        assert_eq!(v.locked, Some(true));
        assert_eq!(
            v.encryption_key_arn.as_deref(),
            Some("arn:aws:kms:us-east-1:123456789012:key/k1")
        );
        let plain = backup_sdk::BackupVaultListMember::builder()
            .backup_vault_name("Default")
            .build();
        assert_eq!(backup_vault(&plain).locked, None);
    }

    #[test]
    fn only_rds_and_aurora_protected_resources_are_kept() {
        let resource = |kind: &str, arn: &str| {
            backup_sdk::ProtectedResource::builder()
                .resource_type(kind)
                .resource_arn(arn)
                .last_backup_time(DateTime::from_secs(1_700_000_000))
                .build()
        };
        let rds = protected_resource(&resource(
            "RDS",
            "arn:aws:rds:us-east-1:123456789012:db:orders",
        ))
        .unwrap();
        assert_eq!(rds.arn, "arn:aws:rds:us-east-1:123456789012:db:orders");
        assert_eq!(rds.resource_type.as_deref(), Some("RDS"));
        assert_eq!(rds.last_backup.as_deref(), Some("2023-11-14T22:13:20Z"));
        assert!(protected_resource(&resource(
            "Aurora",
            "arn:aws:rds:us-east-1:123456789012:cluster:c"
        ))
        .is_some());
        assert!(protected_resource(&resource(
            "EBS",
            "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
        ))
        .is_none());
    }

    fn target(resource_id: &str) -> scaling::ScalableTarget {
        scaling::ScalableTarget::builder()
            .service_namespace(scaling::ServiceNamespace::Rds)
            .resource_id(resource_id)
            .scalable_dimension(scaling::ScalableDimension::RdsClusterReadReplicaCount)
            .min_capacity(1)
            .max_capacity(4)
            .role_arn("arn:aws:iam::123456789012:role/aws-service-role/x")
            .creation_time(DateTime::from_secs(1_700_000_000))
            .build()
            .unwrap()
    }

    fn policy(name: &str, resource_id: &str) -> scaling::ScalingPolicy {
        scaling::ScalingPolicy::builder()
            .policy_arn(format!("arn:aws:autoscaling:us-east-1:123456789012:{name}"))
            .policy_name(name)
            .service_namespace(scaling::ServiceNamespace::Rds)
            .resource_id(resource_id)
            .scalable_dimension(scaling::ScalableDimension::RdsClusterReadReplicaCount)
            .policy_type(scaling::PolicyType::TargetTrackingScaling)
            .creation_time(DateTime::from_secs(1_700_000_000))
            .build()
            .unwrap()
    }

    #[test]
    fn scalable_targets_get_their_own_policies() {
        let policies = policies_by_target(&[
            policy("cpu", "cluster:orders"),
            policy("connections", "cluster:orders"),
            policy("cpu", "cluster:reports"),
        ]);
        let t = scalable_target(&target("cluster:orders"), &policies);
        assert_eq!(t.resource_id, "cluster:orders");
        assert_eq!(t.dimension, "rds:cluster:ReadReplicaCount");
        assert_eq!((t.min_capacity, t.max_capacity), (Some(1), Some(4)));
        assert_eq!(t.policies, ["cpu", "connections"]);
        let lone = scalable_target(&target("cluster:lone"), &policies);
        assert!(lone.policies.is_empty());
    }

    fn summary(logical: &str, physical: &str, kind: &str) -> cfn::StackResourceSummary {
        cfn::StackResourceSummary::builder()
            .logical_resource_id(logical)
            .physical_resource_id(physical)
            .resource_type(kind)
            .build()
    }

    #[test]
    fn stack_resources_of_interest_only() {
        let kept = stack_resource(&summary("Db", "orders", "AWS::RDS::DBInstance")).unwrap();
        assert_eq!(
            kept,
            StackResource {
                logical_id: "Db".into(),
                physical_id: Some("orders".into()),
                resource_type: "AWS::RDS::DBInstance".into(),
            }
        );
        for kind in [
            "AWS::KMS::Key",
            "AWS::SecretsManager::Secret",
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::VPC",
            "AWS::EC2::Subnet",
            "AWS::EC2::NetworkAcl",
            "AWS::EC2::RouteTable",
        ] {
            assert!(
                stack_resource(&summary("R", "r-1", kind)).is_some(),
                "{kind}"
            );
        }
        for kind in [
            "AWS::SQS::Queue",
            "AWS::EC2::Instance",
            "AWS::Lambda::Function",
        ] {
            assert!(
                stack_resource(&summary("R", "r-1", kind)).is_none(),
                "{kind}"
            );
        }
        let pending = stack_resource(&summary("Params", "", "AWS::RDS::DBParameterGroup"));
        assert_eq!(pending.unwrap().physical_id, None);
    }

    #[test]
    fn a_stack_deleted_since_it_tagged_is_gone_other_errors_are_not() {
        use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
        use aws_smithy_types::body::SdkBody;
        use aws_smithy_types::error::ErrorMetadata;
        let error = |code: &str, message: &str| {
            let error = DescribeStacksError::generic(
                ErrorMetadata::builder().code(code).message(message).build(),
            );
            SdkError::service_error(
                error,
                Response::new(400.try_into().unwrap(), SdkBody::empty()),
            )
        };
        assert!(is_gone(&error(
            "ValidationError",
            "Stack with id orders-db does not exist"
        )));
        assert!(!is_gone(&error("AccessDenied", "not authorized")));
        assert!(!is_gone(&error(
            "ValidationError",
            "1 validation error detected"
        )));
    }

    #[test]
    fn stacks_without_relevant_resources_are_dropped_unknown_ones_kept() {
        let stack = |resources| Stack {
            name: "s".into(),
            id: None,
            status: Some("CREATE_COMPLETE".into()),
            resources,
        };
        assert!(!owns_relevant(&stack(Observed::Value(Vec::new()))));
        assert!(owns_relevant(&stack(Observed::Value(vec![
            StackResource {
                logical_id: "Key".into(),
                physical_id: None,
                resource_type: "AWS::KMS::Key".into(),
            }
        ]))));
        assert!(owns_relevant(&stack(Observed::Unknown(Unavailable {
            action: "cloudformation:ListStackResources".into(),
            kind: FailureKind::Throttled,
            message: "slow down".into(),
        }))));
    }
}
