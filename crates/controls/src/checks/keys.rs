//! KMS keys behind encrypted resources: who manages them, rotation, policies.

use std::collections::BTreeMap;

use rds_evidence_inventory::kms::{KmsKey, AWS_MANAGED_ALIAS_PREFIX};
use rds_evidence_inventory::rds::Storage;
use rds_evidence_inventory::{Environment, Observed, RegionSnapshot};
use serde_json::Value;

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, instance_resource, is_cluster_member, judge_each,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &CUSTOMER_MANAGED_KEY,
    &KEY_ROTATION_ENABLED,
    &KEY_POLICY_NOT_PUBLIC,
    &KEYS_SEPARATE_PROD_NONPROD,
];

check! {
    /// Encrypted database storage uses a customer-managed KMS key.
    ///
    /// A key is AWS-managed when DescribeKey reports `KeyManager = AWS` or one of its aliases is
    /// under `alias/aws/` (only AWS can create those, `alias/aws/rds` among them): such a key
    /// fails, since its policy cannot be scoped to the database's life cycle. A key DescribeKey
    /// reports as `CUSTOMER`, with no `alias/aws/` alias, passes. Unencrypted storage fails too:
    /// no key at all protects it. When neither the key's metadata nor its aliases could be read,
    /// the evidence is insufficient. Judges standalone instances and clusters; Aurora members
    /// share their cluster's volume and are judged there.
    pub static CUSTOMER_MANAGED_KEY = Check {
        id: "rds.encryption.customer_managed_key",
        title: "Encrypted database storage uses a customer-managed KMS key",
        rationale: "The AWS-managed key aws/rds has a fixed policy that lets every principal of \
                    the account use it through RDS: access cannot be restricted per database or \
                    per environment, rotation cannot be controlled, and snapshots encrypted with \
                    it cannot be shared with another account.",
        remediation: "Create a customer-managed key with a policy scoped to the database's \
                      environment, copy a snapshot with that key, restore from the copy and cut \
                      over.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: customer_managed_key,
    };
}

fn customer_managed_key(ctx: &Context) -> Vec<Finding> {
    let check = &CUSTOMER_MANAGED_KEY;
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            cluster_member(check, &resource, instance).or_else(|| {
                Some(storage_key_manager(
                    check,
                    resource,
                    region,
                    &instance.storage,
                ))
            })
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            Some(storage_key_manager(
                check,
                resource,
                region,
                &cluster.storage,
            ))
        },
    ));
    findings
}

fn storage_key_manager(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    storage: &Storage,
) -> Finding {
    if !storage.encrypted {
        return Finding::new(
            check,
            resource,
            Outcome::Fail,
            "storage not encrypted: no key protects it",
        );
    }
    let Some(key_id) = &storage.kms_key_id else {
        return Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            "storage encrypted but the API reported no KMS key",
        );
    };
    let finding = |outcome, detail: String| {
        Finding::new(check, resource.clone(), outcome, detail).with("kms_key_id", key_id)
    };
    let Some(key) = find_key(region, key_id) else {
        return finding(
            Outcome::InsufficientEvidence,
            format!("key {key_id} is not in the snapshot"),
        );
    };
    match key.is_aws_managed() {
        Some(false) => finding(
            Outcome::Pass,
            "storage encrypted with a customer-managed key".to_owned(),
        ),
        Some(true) => finding(
            Outcome::Fail,
            format!(
                "storage encrypted with the AWS-managed key {}",
                key_name(key)
            ),
        ),
        None => finding(
            Outcome::InsufficientEvidence,
            format!("cannot tell who manages the key: {}", unknown_manager(key)),
        ),
    }
}

/// The key's `alias/aws/…` alias when it has one, else its ARN.
fn key_name(key: &KmsKey) -> &str {
    key.aliases
        .value()
        .and_then(|aliases| {
            aliases
                .iter()
                .find(|a| a.starts_with(AWS_MANAGED_ALIAS_PREFIX))
        })
        .map_or(&key.arn, String::as_str)
}

/// Why [`KmsKey::is_aws_managed`] could not tell.
fn unknown_manager(key: &KmsKey) -> String {
    match &key.metadata {
        Observed::Unknown(why) => format!("key metadata unknown: {why}"),
        Observed::Value(meta) => format!(
            "key manager not recognised: {}",
            meta.key_manager.as_deref().unwrap_or("not reported")
        ),
    }
}

check! {
    /// Customer-managed keys rotate their key material automatically.
    ///
    /// AWS-managed keys (`KeyManager = AWS`, or an alias under `alias/aws/`) are not applicable:
    /// AWS rotates them every year. Keys with imported material (`Origin = EXTERNAL`) or in a
    /// custom key store (CloudHSM or external, `CustomKeyStoreId` set) cannot rotate
    /// automatically: not applicable, saying so, since rotation there is a manual procedure to
    /// document. Every other customer-managed key passes with automatic rotation on and fails
    /// without it; rotation status that could not be read is insufficient evidence.
    pub static KEY_ROTATION_ENABLED = Check {
        id: "kms.key.rotation_enabled",
        title: "Customer-managed KMS keys have automatic rotation enabled",
        rationale: "Rotation limits how much data one key version protects and is what key \
                    management policies usually require; AWS-managed keys rotate on their own, \
                    customer-managed keys only when told to.",
        remediation: "Enable automatic rotation on the key (kms enable-key-rotation). Keys with \
                      imported material or in a custom key store cannot rotate automatically: \
                      rotate them manually and document the procedure.",
        severity: Severity::Medium,
        scope: Scope::KmsKey,
        evaluate: key_rotation_enabled,
    };
}

fn key_rotation_enabled(ctx: &Context) -> Vec<Finding> {
    let check = &KEY_ROTATION_ENABLED;
    each_key(ctx, |region, key| {
        let resource = key_resource(region, key);
        let finding =
            |outcome, detail: String| Finding::new(check, resource.clone(), outcome, detail);
        match key.is_aws_managed() {
            Some(true) => {
                return finding(
                    Outcome::NotApplicable,
                    format!("AWS-managed key {}: AWS rotates it", key_name(key)),
                )
            }
            Some(false) => {}
            None => {
                return finding(
                    Outcome::InsufficientEvidence,
                    format!("cannot tell who manages the key: {}", unknown_manager(key)),
                )
            }
        }
        if let Some(meta) = key.metadata.value() {
            if let Some(store) = &meta.custom_key_store_id {
                return finding(
                    Outcome::NotApplicable,
                    format!(
                        "key in custom key store {store}: it cannot rotate automatically, so \
                         rotation is a manual procedure to document"
                    ),
                )
                .with("custom_key_store_id", store);
            }
            if let Some(origin @ ("EXTERNAL" | "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE")) =
                meta.origin.as_deref()
            {
                return finding(
                    Outcome::NotApplicable,
                    format!(
                        "key material of origin {origin} cannot rotate automatically, so \
                         rotation is a manual procedure to document"
                    ),
                )
                .with("origin", origin);
            }
        }
        match &key.rotation_enabled {
            Observed::Unknown(why) => finding(
                Outcome::InsufficientEvidence,
                format!("rotation status unknown: {why}"),
            ),
            Observed::Value(true) => {
                finding(Outcome::Pass, "automatic rotation enabled".to_owned())
            }
            Observed::Value(false) => {
                finding(Outcome::Fail, "automatic rotation disabled".to_owned())
            }
        }
    })
}

check! {
    /// No key policy statement lets anyone use the key.
    ///
    /// An `Allow` statement whose principal is anyone — `Principal: "*"`, `{"AWS": "*"}`,
    /// `{"AWS": ["*", …]}`, or any `NotPrincipal` — is public unless a condition restricts *who*
    /// the caller is: `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`,
    /// `aws:PrincipalArn`, `aws:SourceAccount`, `aws:SourceArn`, `kms:CallerAccount`, or a VPC
    /// endpoint condition (`aws:SourceVpce`, `aws:SourceVpc`), with a positive operator
    /// (`StringEquals`, `StringLike`, `ArnEquals`, `ArnLike`) — not an `…IfExists` variant, not
    /// a negated operator — and no wildcard value (an ARN value may use wildcards after a fixed
    /// account). Conditions on transport (`aws:SecureTransport`), on the encryption context or
    /// on `kms:ViaService` alone do not restrict the caller. So the AWS-managed `aws/rds`
    /// policy (`kms:ViaService` with `kms:CallerAccount`) is not public. The finding names each
    /// public statement and why; a policy that cannot be read is insufficient evidence.
    pub static KEY_POLICY_NOT_PUBLIC = Check {
        id: "kms.key.policy_not_public",
        title: "KMS key policies do not let anyone use the key",
        rationale: "A key policy statement that allows every principal, unless a condition \
                    confines who the caller is, lets any AWS principal in any account use the \
                    key: encryption then protects nothing from whoever obtains a copy of the \
                    data (RDS-003, RDS-006, NETSEC-002).",
        remediation: "Replace the wildcard principal with the account root or named roles, or \
                      add a condition on the caller (kms:CallerAccount, aws:PrincipalOrgID, \
                      aws:PrincipalArn) with StringEquals or ArnLike.",
        severity: Severity::Critical,
        scope: Scope::KmsKey,
        evaluate: key_policy_not_public,
    };
}

fn key_policy_not_public(ctx: &Context) -> Vec<Finding> {
    let check = &KEY_POLICY_NOT_PUBLIC;
    each_key(ctx, |region, key| {
        let resource = key_resource(region, key);
        match &key.policy {
            Observed::Unknown(why) => Finding::new(
                check,
                resource,
                Outcome::InsufficientEvidence,
                format!("key policy unknown: {why}"),
            ),
            Observed::Value(policy) => match public_statements(policy) {
                Err(why) => Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!("key policy cannot be read: {why}"),
                ),
                Ok(public) if public.is_empty() => Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    "no statement lets anyone use the key",
                ),
                Ok(public) => {
                    let listed: Vec<String> = public
                        .iter()
                        .map(|p| format!("statement {} {}", p.statement, p.why))
                        .collect();
                    Finding::new(
                        check,
                        resource,
                        Outcome::Fail,
                        format!(
                            "the key policy lets anyone use the key: {}",
                            listed.join("; ")
                        ),
                    )
                    .with("public_statements", public)
                }
            },
        }
    })
}

/// A statement that lets anyone use the key, and why.
#[derive(Debug, serde::Serialize)]
struct PublicStatement {
    /// Its Sid, or its position (`#2`) when it has none.
    statement: String,
    why: String,
}

/// The statements of a key policy that let anyone use the key.
fn public_statements(policy: &str) -> Result<Vec<PublicStatement>, String> {
    let document: Value = serde_json::from_str(policy).map_err(|e| e.to_string())?;
    let statements = match document.get("Statement") {
        Some(Value::Array(statements)) => statements.iter().collect(),
        Some(statement @ Value::Object(_)) => vec![statement],
        _ => return Err("no Statement list".to_owned()),
    };
    Ok(statements
        .into_iter()
        .enumerate()
        .filter_map(|(index, statement)| {
            let why = why_public(statement)?;
            let statement = match statement.get("Sid").and_then(Value::as_str) {
                Some(sid) if !sid.is_empty() => format!("'{sid}'"),
                _ => format!("#{}", index + 1),
            };
            Some(PublicStatement { statement, why })
        })
        .collect())
}

/// Condition keys that say who the caller is, lower-cased (condition keys are
/// case-insensitive). The ARN-valued ones may use wildcards after a fixed account.
const CALLER_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceaccount",
    "kms:calleraccount",
    "aws:sourcevpce",
    "aws:sourcevpc",
];
const CALLER_ARN_KEYS: &[&str] = &["aws:principalarn", "aws:sourcearn"];
/// Operators that restrict only when the key is present and matches: no `…IfExists`, no
/// negation. `ForAnyValue:` on a single-valued key behaves the same.
const POSITIVE_OPERATORS: &[&str] = &["StringEquals", "StringLike", "ArnEquals", "ArnLike"];

/// Why an `Allow` statement lets anyone use the key; `None` when it does not.
fn why_public(statement: &Value) -> Option<String> {
    if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
        return None;
    }
    let anyone = if statement.get("NotPrincipal").is_some() {
        "allows everyone but its NotPrincipal"
    } else if statement.get("Principal").is_some_and(is_anyone) {
        "allows Principal \"*\""
    } else {
        return None;
    };
    let conditions = match statement.get("Condition") {
        Some(Value::Object(conditions)) => conditions,
        _ => return Some(format!("{anyone} with no condition")),
    };
    let mut keys: Vec<&str> = Vec::new();
    for (operator, tests) in conditions {
        let Value::Object(tests) = tests else {
            continue;
        };
        for (key, values) in tests {
            if restricts_caller(operator, key, values) {
                return None;
            }
            keys.push(key);
        }
    }
    if keys.is_empty() {
        return Some(format!("{anyone} with no condition"));
    }
    keys.sort_unstable();
    keys.dedup();
    Some(format!(
        "{anyone}; its conditions ({}) do not restrict who the caller is",
        keys.join(", ")
    ))
}

fn is_anyone(principal: &Value) -> bool {
    let star = |v: &Value| match v {
        Value::String(s) => s == "*",
        Value::Array(items) => items.iter().any(|i| i.as_str() == Some("*")),
        _ => false,
    };
    match principal {
        Value::Object(by_kind) => by_kind.get("AWS").is_some_and(star),
        other => star(other),
    }
}

/// A condition that admits only named callers: a caller key, a positive operator, and values
/// that each name someone.
fn restricts_caller(operator: &str, key: &str, values: &Value) -> bool {
    let operator = operator.strip_prefix("ForAnyValue:").unwrap_or(operator);
    if !POSITIVE_OPERATORS.contains(&operator) {
        return false;
    }
    let key = key.to_ascii_lowercase();
    let arn_key = CALLER_ARN_KEYS.contains(&key.as_str());
    if !arn_key && !CALLER_KEYS.contains(&key.as_str()) {
        return false;
    }
    let values: Vec<&str> = match values {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => return false,
    };
    let names_someone = |value: &str| {
        let wildcard = |text: &str| text.contains(['*', '?']);
        if arn_key {
            // `arn:partition:service:region:account:resource`: the account must be fixed.
            let account = value.split(':').nth(4).unwrap_or_default();
            value.starts_with("arn:") && !account.is_empty() && !wildcard(account)
        } else {
            !value.is_empty() && !wildcard(value)
        }
    };
    !values.is_empty() && values.iter().all(|value| names_someone(value))
}

check! {
    /// Production and non-production databases do not share a storage key.
    pub static KEYS_SEPARATE_PROD_NONPROD = Check {
        id: "kms.keys.separate_prod_nonprod",
        title: "Production and non-production databases use different KMS keys",
        rationale: "Whoever may use a key to restore or read a non-production database can then \
                    decrypt every production database and snapshot under the same key; the \
                    checklist asks for key policies per database life cycle.",
        remediation: "Give production its own customer-managed keys whose policies admit only \
                      production roles, and re-encrypt the non-production databases (snapshot \
                      copy with another key, restore, cut over).",
        severity: Severity::High,
        scope: Scope::Account,
        evaluate: keys_separate_prod_nonprod,
    };
}

/// The databases of each environment that use one key.
#[derive(Default)]
struct KeyUse {
    production: Vec<String>,
    non_production: Vec<String>,
}

fn keys_separate_prod_nonprod(ctx: &Context) -> Vec<Finding> {
    let check = &KEYS_SEPARATE_PROD_NONPROD;
    let mut by_key: BTreeMap<String, KeyUse> = BTreeMap::new();
    let mut unplaced = Vec::new();
    let mut without_key = Vec::new();
    let mut unknown = Vec::new();
    let mut place = |region: &RegionSnapshot, kind: Scope, id: &str, storage: &Storage| {
        if !storage.encrypted {
            return;
        }
        let name = format!("{}/{id}", region.region);
        let c = ctx.environments.of(kind, &region.region, id);
        if c.environment == Environment::Unknown {
            unplaced.push(format!("{name} ({})", c.basis));
            return;
        }
        let Some(key) = &storage.kms_key_id else {
            without_key.push(name);
            return;
        };
        let uses = by_key.entry(key_identity(key)).or_default();
        match c.environment {
            Environment::Production => uses.production.push(name),
            _ => uses.non_production.push(name),
        }
    };
    for region in &ctx.snapshot.regions {
        match &region.db_instances {
            Observed::Value(instances) => instances
                .iter()
                .filter(|i| !is_cluster_member(i))
                .for_each(|i| place(region, Scope::DbInstance, &i.identifier, &i.storage)),
            Observed::Unknown(why) => unknown.push(format!("{}: {why}", region.region)),
        }
        match &region.db_clusters {
            Observed::Value(clusters) => clusters
                .iter()
                .for_each(|c| place(region, Scope::DbCluster, &c.identifier, &c.storage)),
            Observed::Unknown(why) => unknown.push(format!("{}: {why}", region.region)),
        }
    }

    let production: usize = by_key.values().map(|u| u.production.len()).sum();
    let non_production: usize = by_key.values().map(|u| u.non_production.len()).sum();
    let shared: Vec<(&String, &KeyUse)> = by_key
        .iter()
        .filter(|(_, u)| !u.production.is_empty() && !u.non_production.is_empty())
        .collect();
    let account = &ctx.snapshot.account.id;
    let (outcome, detail) = if !shared.is_empty() {
        let listed: Vec<String> = shared
            .iter()
            .map(|(key, u)| {
                format!(
                    "{key} (production: {}; non-production: {})",
                    u.production.join(", "),
                    u.non_production.join(", ")
                )
            })
            .collect();
        (
            Outcome::Fail,
            format!(
                "keys used by both production and non-production databases: {}",
                listed.join("; ")
            ),
        )
    } else if !unknown.is_empty() {
        (
            Outcome::InsufficientEvidence,
            format!("cannot list every database: {}", unknown.join("; ")),
        )
    } else if !without_key.is_empty() {
        (
            Outcome::InsufficientEvidence,
            format!(
                "encrypted databases with no key reported: {}",
                without_key.join(", ")
            ),
        )
    } else if !unplaced.is_empty() {
        (
            Outcome::InsufficientEvidence,
            format!(
                "cannot place encrypted database(s) in an environment: {}",
                unplaced.join("; ")
            ),
        )
    } else if production == 0 || non_production == 0 {
        (
            Outcome::NotApplicable,
            format!(
                "no pair to compare: {production} production and {non_production} \
                 non-production encrypted databases"
            ),
        )
    } else {
        (
            Outcome::Pass,
            format!(
                "{production} production and {non_production} non-production databases use \
                 disjoint keys"
            ),
        )
    };
    let shared_keys: Vec<Value> = shared
        .iter()
        .map(|(key, u)| {
            serde_json::json!({
                "key": key,
                "production": u.production,
                "non_production": u.non_production,
            })
        })
        .collect();
    let mut finding = Finding::new(
        check,
        Resource::new(Scope::Account, "", account),
        outcome,
        detail,
    )
    .with("production_databases", production)
    .with("non_production_databases", non_production)
    .with("unknown_environment", &unplaced);
    if !shared_keys.is_empty() {
        finding = finding.with("shared_keys", shared_keys);
    }
    vec![finding]
}

/// What makes two key references the same key material: the ARN, except that the replicas of
/// a multi-region key (`mrk-…`) share their material across regions under one key id.
fn key_identity(arn: &str) -> String {
    match arn.rsplit_once("key/") {
        Some((_, id)) if id.starts_with("mrk-") => id.to_owned(),
        _ => arn.to_owned(),
    }
}

fn find_key<'a>(region: &'a RegionSnapshot, arn: &str) -> Option<&'a KmsKey> {
    region.kms_keys.iter().find(|key| key.arn == arn)
}

fn key_resource(region: &RegionSnapshot, key: &KmsKey) -> Resource {
    Resource::new(Scope::KmsKey, &region.region, &key.arn)
}

/// Judges every key of every region, in snapshot order.
fn each_key(
    ctx: &Context,
    mut judge: impl FnMut(&RegionSnapshot, &KmsKey) -> Finding,
) -> Vec<Finding> {
    ctx.snapshot
        .regions
        .iter()
        .flat_map(|region| region.kms_keys.iter().map(move |key| (region, key)))
        .map(|(region, key)| judge(region, key))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn aws_managed(name: &str) -> KmsKey {
        let mut key = kms_key(name);
        if let Observed::Value(meta) = &mut key.metadata {
            meta.key_manager = Some("AWS".into());
        }
        key
    }

    fn encrypted_with(mut storage: Storage, key: &str) -> Storage {
        storage.kms_key_id = Some(key_arn(key));
        storage
    }

    #[test]
    fn customer_managed_key_outcomes() {
        let mut east = region("us-east-1");
        let mut aws = instance("aws");
        aws.storage = encrypted_with(aws.storage, "aws-rds");
        let mut missing = instance("missing");
        missing.storage = encrypted_with(missing.storage, "gone");
        let mut plain = instance("plain");
        plain.storage.encrypted = false;
        let mut member = instance("member-1");
        member.cluster_identifier = Some("aurora".into());
        let mut blind = cluster("blind");
        blind.storage = encrypted_with(blind.storage, "blind");
        let mut unknown_key = kms_key("blind");
        unknown_key.metadata = Observed::Unknown(denied("kms:DescribeKey"));
        east.db_instances = Observed::Value(vec![instance("good"), aws, missing, plain, member]);
        east.db_clusters = Observed::Value(vec![cluster("aurora"), blind]);
        east.kms_keys = vec![kms_key("prod"), aws_managed("aws-rds"), unknown_key];
        let findings = run(&CUSTOMER_MANAGED_KEY, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("aws".into(), Outcome::Fail),
                ("missing".into(), Outcome::InsufficientEvidence),
                ("plain".into(), Outcome::Fail),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
                ("blind".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(findings[5].resource.kind, Scope::DbCluster);
        assert!(findings[6].detail.contains("kms:DescribeKey access denied"));
    }

    /// The key behind `alias/aws/rds` as an emulator describes it: `KeyManager = CUSTOMER`.
    fn aws_alias_only(name: &str) -> KmsKey {
        let mut key = kms_key(name);
        key.aliases = Observed::Value(vec!["alias/aws/rds".into()]);
        key.rotation_enabled = Observed::Value(false);
        key
    }

    #[test]
    fn rotation_outcomes() {
        let mut east = region("us-east-1");
        let mut off = kms_key("off");
        off.rotation_enabled = Observed::Value(false);
        let mut unknown = kms_key("unknown");
        unknown.rotation_enabled = Observed::Unknown(denied("kms:GetKeyRotationStatus"));
        let mut aws = aws_managed("aws-rds");
        aws.rotation_enabled = Observed::Unknown(denied("kms:GetKeyRotationStatus"));
        // GetKeyRotationStatus fails with UnsupportedOperationException on imported material.
        let mut imported = kms_key("imported");
        imported.rotation_enabled = Observed::Unknown(denied("kms:GetKeyRotationStatus"));
        if let Observed::Value(meta) = &mut imported.metadata {
            meta.origin = Some("EXTERNAL".into());
        }
        let mut cloudhsm = kms_key("cloudhsm");
        cloudhsm.rotation_enabled = Observed::Value(false);
        if let Observed::Value(meta) = &mut cloudhsm.metadata {
            meta.origin = Some("AWS_CLOUDHSM".into());
            meta.custom_key_store_id = Some("cks-1234567890abcdef0".into());
        }
        east.kms_keys = vec![
            kms_key("on"),
            off,
            aws,
            unknown,
            aws_alias_only("aliased"),
            imported,
            cloudhsm,
        ];
        let findings = run(&KEY_ROTATION_ENABLED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                (key_arn("on"), Outcome::Pass),
                (key_arn("off"), Outcome::Fail),
                (key_arn("aws-rds"), Outcome::NotApplicable),
                (key_arn("unknown"), Outcome::InsufficientEvidence),
                (key_arn("aliased"), Outcome::NotApplicable),
                (key_arn("imported"), Outcome::NotApplicable),
                (key_arn("cloudhsm"), Outcome::NotApplicable),
            ]
        );
        assert!(findings[3].detail.contains("kms:GetKeyRotationStatus"));
        assert_eq!(
            findings[4].detail,
            "AWS-managed key alias/aws/rds: AWS rotates it"
        );
        assert!(
            findings[5]
                .detail
                .contains("origin EXTERNAL cannot rotate automatically"),
            "{}",
            findings[5].detail
        );
        assert!(findings[6]
            .detail
            .contains("custom key store cks-1234567890abcdef0"));
    }

    #[test]
    fn an_aws_alias_makes_the_key_aws_managed() {
        let mut db = instance("db");
        db.storage = encrypted_with(db.storage, "aliased");
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![db]);
        east.kms_keys = vec![aws_alias_only("aliased")];
        let findings = run(&CUSTOMER_MANAGED_KEY, &snapshot(vec![east]));
        assert_eq!(findings[0].outcome, Outcome::Fail);
        assert_eq!(
            findings[0].detail,
            "storage encrypted with the AWS-managed key alias/aws/rds"
        );
    }

    #[test]
    fn rotation_unknown_manager_is_insufficient_evidence() {
        let mut east = region("us-east-1");
        let mut key = kms_key("blind");
        key.metadata = Observed::Unknown(denied("kms:DescribeKey"));
        east.kms_keys = vec![key];
        let findings = run(&KEY_ROTATION_ENABLED, &snapshot(vec![east]));
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
    }

    fn with_policy(name: &str, policy: &str) -> KmsKey {
        let mut key = kms_key(name);
        key.policy = Observed::Value(policy.to_owned());
        key
    }

    /// The default policy of `aws/rds`, as GetKeyPolicy returns it (AWS KMS Developer Guide,
    /// "Default key policy of AWS managed keys"): anyone, through RDS, from the account.
    const AWS_RDS_POLICY: &str = r#"{"Version":"2012-10-17","Id":"auto-rds-2","Statement":[
        {"Sid":"Allow access through RDS for all principals in the account that are authorized to use RDS","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:ListGrants","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"rds.us-east-1.amazonaws.com"}}},
        {"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}]}"#;

    /// One statement `{"Effect":"Allow","Principal":<principal>,"Action":"kms:Decrypt",
    /// "Resource":"*"}` with `condition` when given, as a key policy.
    fn one_statement(principal: &str, condition: Option<&str>) -> String {
        let condition = condition
            .map(|c| format!(r#","Condition":{c}"#))
            .unwrap_or_default();
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S","Effect":"Allow","Principal":{principal},"Action":"kms:Decrypt","Resource":"*"{condition}}}]}}"#
        )
    }

    fn policy_outcome(policy: &str) -> (Outcome, String) {
        let mut east = region("us-east-1");
        east.kms_keys = vec![with_policy("k", policy)];
        let findings = run(&KEY_POLICY_NOT_PUBLIC, &snapshot(vec![east]));
        (findings[0].outcome, findings[0].detail.clone())
    }

    #[test]
    fn a_wildcard_principal_is_public_unless_a_condition_names_the_caller() {
        let public = [
            (r#""*""#, None),
            (r#"{"AWS":"*"}"#, None),
            (r#"{"AWS":["arn:aws:iam::111122223333:root","*"]}"#, None),
            // Transport, encryption context and the calling service do not say who calls.
            (
                r#"{"AWS":"*"}"#,
                Some(r#"{"Bool":{"aws:SecureTransport":"true"}}"#),
            ),
            (
                r#"{"AWS":"*"}"#,
                Some(
                    r#"{"StringEquals":{"kms:ViaService":"rds.us-east-1.amazonaws.com","kms:EncryptionContext:aws:rds:db-id":"db-ABC"}}"#,
                ),
            ),
            // IfExists passes when the key is absent; negations admit everyone else.
            (
                r#"{"AWS":"*"}"#,
                Some(r#"{"StringEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}"#),
            ),
            (
                r#"{"AWS":"*"}"#,
                Some(r#"{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#),
            ),
            // A wildcard value names no one; nor does an ARN with a wildcard account.
            (
                r#"{"AWS":"*"}"#,
                Some(r#"{"StringLike":{"aws:PrincipalAccount":"*"}}"#),
            ),
            (
                r#"{"AWS":"*"}"#,
                Some(r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}}"#),
            ),
            (
                r#"{"AWS":"*"}"#,
                Some(r#"{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#),
            ),
        ];
        for (principal, condition) in public {
            let (outcome, detail) = policy_outcome(&one_statement(principal, condition));
            assert_eq!(
                outcome,
                Outcome::Fail,
                "{principal} {condition:?}: {detail}"
            );
            assert!(detail.contains("statement 'S' allows"), "{detail}");
        }
        let (_, detail) = policy_outcome(&one_statement(
            r#"{"AWS":"*"}"#,
            Some(r#"{"Bool":{"aws:SecureTransport":"true"}}"#),
        ));
        assert!(
            detail
                .contains("its conditions (aws:SecureTransport) do not restrict who the caller is"),
            "{detail}"
        );

        let private = [
            r#"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#,
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}"#,
            r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"}}"#,
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app-*"}}"#,
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:rds:us-east-1:111122223333:db:orders"}}"#,
            r#"{"StringEquals":{"aws:SourceAccount":["111122223333","444455556666"]}}"#,
            r#"{"StringEquals":{"aws:sourceVpce":"vpce-1a2b3c4d"}}"#,
            r#"{"StringEquals":{"kms:CallerAccount":"111122223333"},"Bool":{"aws:SecureTransport":"true"}}"#,
        ];
        for condition in private {
            let (outcome, detail) =
                policy_outcome(&one_statement(r#"{"AWS":"*"}"#, Some(condition)));
            assert_eq!(outcome, Outcome::Pass, "{condition}: {detail}");
        }
    }

    #[test]
    fn policy_outcomes() {
        let mut east = region("us-east-1");
        let not_principal = r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/Auditor"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
        let denied_everyone =
            r#"{"Statement":[{"Sid":"Deny","Effect":"Deny","Principal":"*","Action":"kms:*"}]}"#;
        let mut unknown = kms_key("unknown");
        unknown.policy = Observed::Unknown(denied("kms:GetKeyPolicy"));
        east.kms_keys = vec![
            kms_key("good"),
            with_policy("aws-rds", AWS_RDS_POLICY),
            with_policy("not-principal", not_principal),
            with_policy("deny", denied_everyone),
            with_policy("garbled", "{not json"),
            unknown,
        ];
        let findings = run(&KEY_POLICY_NOT_PUBLIC, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                (key_arn("good"), Outcome::Pass),
                (key_arn("aws-rds"), Outcome::Pass),
                (key_arn("not-principal"), Outcome::Fail),
                (key_arn("deny"), Outcome::Pass),
                (key_arn("garbled"), Outcome::InsufficientEvidence),
                (key_arn("unknown"), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[2].values["public_statements"],
            serde_json::json!([{
                "statement": "#1",
                "why": "allows everyone but its NotPrincipal with no condition"
            }])
        );
        assert!(findings[5]
            .detail
            .contains("kms:GetKeyPolicy access denied"));
    }

    fn tagged(id: &str, environment: &str, key: &str) -> rds_evidence_inventory::rds::DbInstance {
        let mut db = instance(id);
        db.tags = tags(environment);
        db.storage = encrypted_with(db.storage, key);
        db
    }

    fn separation(instances: Vec<rds_evidence_inventory::rds::DbInstance>) -> Vec<Finding> {
        run(&KEYS_SEPARATE_PROD_NONPROD, &with_instances(instances))
    }

    #[test]
    fn separation_fails_on_a_shared_key() {
        let mut untagged = instance("loose");
        untagged.tags.clear();
        let findings = separation(vec![
            tagged("app", "prod", "shared"),
            tagged("app-dev", "dev", "shared"),
            tagged("billing", "Production", "billing"),
            untagged,
        ]);
        assert_eq!(
            outcomes(&findings),
            [("111122223333".into(), Outcome::Fail)]
        );
        assert!(findings[0].detail.contains(&format!(
            "{} (production: us-east-1/app; non-production: us-east-1/app-dev)",
            key_arn("shared")
        )));
        assert_eq!(
            findings[0].values["unknown_environment"],
            serde_json::json!([
                "us-east-1/loose (no Environment tag, no rule, no account declaration)"
            ]),
            "a proven shared key outranks an unplaced database"
        );
    }

    #[test]
    fn separation_cannot_pass_with_an_unplaced_database() {
        let mut untagged = instance("loose");
        untagged.tags.clear();
        let findings = separation(vec![
            tagged("app", "prod", "prod"),
            tagged("app-dev", "dev", "dev"),
            untagged,
        ]);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(
            findings[0]
                .detail
                .contains("cannot place encrypted database(s)"),
            "{}",
            findings[0].detail
        );
    }

    #[test]
    fn separation_passes_on_disjoint_keys() {
        let findings = separation(vec![
            tagged("app", "prod", "prod"),
            tagged("app-dev", "dev", "dev"),
        ]);
        assert_eq!(
            outcomes(&findings),
            [("111122223333".into(), Outcome::Pass)]
        );
    }

    #[test]
    fn separation_sees_multi_region_replicas_as_one_key() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![tagged("app", "prod", "mrk-1")]);
        let mut west = region("us-west-2");
        let mut dev = tagged("app-dev", "dev", "mrk-1");
        dev.storage.kms_key_id = Some("arn:aws:kms:us-west-2:111122223333:key/mrk-1".into());
        west.db_instances = Observed::Value(vec![dev]);
        let findings = run(&KEYS_SEPARATE_PROD_NONPROD, &snapshot(vec![east, west]));
        assert_eq!(findings[0].outcome, Outcome::Fail);
    }

    #[test]
    fn separation_not_applicable_without_both_environments() {
        let findings = separation(vec![tagged("app", "prod", "a"), tagged("b", "prod", "b")]);
        assert_eq!(
            outcomes(&findings),
            [("111122223333".into(), Outcome::NotApplicable)]
        );
    }

    #[test]
    fn separation_unknown_listing_is_insufficient_evidence() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            tagged("app", "prod", "prod"),
            tagged("app-dev", "dev", "dev"),
        ]);
        east.db_clusters = Observed::Unknown(denied("rds:DescribeDBClusters"));
        let findings = run(&KEYS_SEPARATE_PROD_NONPROD, &snapshot(vec![east]));
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0].detail.contains("rds:DescribeDBClusters"));
    }
}
