//! KMS keys behind encrypted resources: who manages them, rotation, policies.

use std::collections::BTreeMap;

use rds_evidence_inventory::kms::KmsKey;
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
    /// Judges standalone instances (scope `db_instance`) and clusters (scope `db_cluster`); Aurora
    /// members share their cluster's volume and are judged there. Unencrypted storage fails too:
    /// no key at all protects it, so no key policy can be scoped to its life cycle.
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
    match &key.metadata {
        Observed::Unknown(why) => finding(
            Outcome::InsufficientEvidence,
            format!("key metadata unknown: {why}"),
        ),
        Observed::Value(meta) => match meta.key_manager.as_deref() {
            Some("CUSTOMER") => finding(
                Outcome::Pass,
                "storage encrypted with a customer-managed key".to_owned(),
            ),
            Some("AWS") => finding(
                Outcome::Fail,
                "storage encrypted with the AWS-managed key (aws/rds)".to_owned(),
            ),
            other => finding(
                Outcome::InsufficientEvidence,
                format!("key manager not recognised: {other:?}"),
            ),
        },
    }
}

check! {
    /// Customer-managed keys rotate their key material automatically.
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
        let meta = match &key.metadata {
            Observed::Unknown(why) => {
                return finding(
                    Outcome::InsufficientEvidence,
                    format!("cannot tell who manages the key: {why}"),
                )
            }
            Observed::Value(meta) => meta,
        };
        match meta.key_manager.as_deref() {
            Some("CUSTOMER") => {}
            Some("AWS") => {
                return finding(
                    Outcome::NotApplicable,
                    "AWS-managed key: AWS rotates it".to_owned(),
                )
            }
            other => {
                return finding(
                    Outcome::InsufficientEvidence,
                    format!("key manager not recognised: {other:?}"),
                )
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
            Observed::Value(false) => match meta.origin.as_deref() {
                Some(origin) if origin != "AWS_KMS" => finding(
                    Outcome::Fail,
                    format!(
                        "automatic rotation off; key material of origin {origin} cannot rotate \
                         automatically, so rotation must be manual"
                    ),
                ),
                _ => finding(Outcome::Fail, "automatic rotation disabled".to_owned()),
            }
            .with("origin", &meta.origin),
        }
    })
}

check! {
    /// No key policy statement lets anyone use the key.
    pub static KEY_POLICY_NOT_PUBLIC = Check {
        id: "kms.key.policy_not_public",
        title: "KMS key policies do not allow every principal without a condition",
        rationale: "A key policy statement that allows Principal \"*\" with no condition lets any \
                    AWS principal, in any account, use the key: encryption then protects nothing \
                    from whoever obtains a copy of the data.",
        remediation: "Replace the wildcard principal with the account root or named roles, or add \
                      conditions (kms:CallerAccount, kms:ViaService) that confine it.",
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
                    "no statement allows every principal unconditionally",
                ),
                Ok(public) => Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!(
                        "key policy allows every principal without a condition in: {}",
                        public.join(", ")
                    ),
                )
                .with("public_statements", public),
            },
        }
    })
}

/// The Sids (or positions, for statements without one) of the policy's statements that allow
/// every principal with no condition.
fn public_statements(policy: &str) -> Result<Vec<String>, String> {
    let document: Value = serde_json::from_str(policy).map_err(|e| e.to_string())?;
    let statements = match document.get("Statement") {
        Some(Value::Array(statements)) => statements.iter().collect(),
        Some(statement @ Value::Object(_)) => vec![statement],
        _ => return Err("no Statement list".to_owned()),
    };
    Ok(statements
        .into_iter()
        .enumerate()
        .filter(|(_, statement)| is_public(statement))
        .map(
            |(index, statement)| match statement.get("Sid").and_then(Value::as_str) {
                Some(sid) if !sid.is_empty() => sid.to_owned(),
                _ => format!("statement #{}", index + 1),
            },
        )
        .collect())
}

fn is_public(statement: &Value) -> bool {
    let allows = statement.get("Effect").and_then(Value::as_str) == Some("Allow");
    let unconditional = match statement.get("Condition") {
        None | Some(Value::Null) => true,
        Some(Value::Object(conditions)) => conditions.is_empty(),
        Some(_) => false,
    };
    let principal = statement.get("Principal").is_some_and(is_wildcard)
        // Allow with NotPrincipal grants everyone but the few named.
        || statement.get("NotPrincipal").is_some();
    allows && unconditional && principal
}

fn is_wildcard(principal: &Value) -> bool {
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

    #[test]
    fn rotation_outcomes() {
        let mut east = region("us-east-1");
        let mut off = kms_key("off");
        off.rotation_enabled = Observed::Value(false);
        let mut unknown = kms_key("unknown");
        unknown.rotation_enabled = Observed::Unknown(denied("kms:GetKeyRotationStatus"));
        let mut aws = aws_managed("aws-rds");
        aws.rotation_enabled = Observed::Unknown(denied("kms:GetKeyRotationStatus"));
        east.kms_keys = vec![kms_key("on"), off, aws, unknown];
        let findings = run(&KEY_ROTATION_ENABLED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                (key_arn("on"), Outcome::Pass),
                (key_arn("off"), Outcome::Fail),
                (key_arn("aws-rds"), Outcome::NotApplicable),
                (key_arn("unknown"), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[3].detail.contains("kms:GetKeyRotationStatus"));
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

    #[test]
    fn policy_outcomes() {
        let mut east = region("us-east-1");
        let public = r#"{"Statement":[
            {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*"},
            {"Sid":"Everyone","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"kms:Decrypt"},
            {"Effect":"Allow","Principal":"*","Action":"kms:Encrypt"}]}"#;
        // The shape of aws/rds: wildcard principal confined by conditions.
        let conditioned = r#"{"Statement":{"Sid":"Via RDS","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt",
            "Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"rds.us-east-1.amazonaws.com"}}}}"#;
        let denied_everyone =
            r#"{"Statement":[{"Sid":"Deny","Effect":"Deny","Principal":"*","Action":"kms:*"}]}"#;
        let mut unknown = kms_key("unknown");
        unknown.policy = Observed::Unknown(denied("kms:GetKeyPolicy"));
        east.kms_keys = vec![
            kms_key("good"),
            with_policy("public", public),
            with_policy("conditioned", conditioned),
            with_policy("deny", denied_everyone),
            with_policy("garbled", "{not json"),
            unknown,
        ];
        let findings = run(&KEY_POLICY_NOT_PUBLIC, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                (key_arn("good"), Outcome::Pass),
                (key_arn("public"), Outcome::Fail),
                (key_arn("conditioned"), Outcome::Pass),
                (key_arn("deny"), Outcome::Pass),
                (key_arn("garbled"), Outcome::InsufficientEvidence),
                (key_arn("unknown"), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[1].values["public_statements"],
            serde_json::json!(["Everyone", "statement #3"])
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
