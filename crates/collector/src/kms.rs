//! KMS: the keys behind encrypted databases and snapshots, each read once.

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use futures::{stream, StreamExt};
use rds_evidence_inventory::kms::{Grant, KeyMetadata, KmsKey};
use rds_evidence_inventory::rds::Tags;
use rds_evidence_inventory::{FailureKind, Unavailable};

use crate::convert::{owned, time};
use crate::failure::unavailable;
use crate::pages::drain;

/// Reads each key in `arns` (already deduplicated): metadata, aliases, the default key policy,
/// rotation, grants and, for customer-managed keys, tags.
pub(crate) async fn keys(client: &Client, arns: Vec<String>, concurrency: usize) -> Vec<KmsKey> {
    if arns.is_empty() {
        return Vec::new();
    }
    // One alias listing serves every key of the region.
    let aliases = aliases_by_key(client).await;
    stream::iter(arns)
        .map(|arn| key(client, arn, &aliases))
        .buffered(concurrency)
        .collect()
        .await
}

async fn key(
    client: &Client,
    arn: String,
    aliases: &Result<BTreeMap<String, Vec<String>>, Unavailable>,
) -> KmsKey {
    let (metadata, policy, rotation_enabled, grants) = tokio::join!(
        metadata(client, &arn),
        policy(client, &arn),
        rotation(client, &arn),
        grants(client, &arn),
    );
    let tags = match &metadata {
        Ok(meta) if meta.is_customer_managed() => tags(client, &arn).await,
        Ok(_) => Ok(Tags::new()),
        Err(why) => Err(why.clone()),
    };
    let key_id = match &metadata {
        Ok(meta) => meta.key_id.clone(),
        Err(_) => arn.rsplit('/').next().unwrap_or(&arn).to_owned(),
    };
    KmsKey {
        aliases: aliases
            .as_ref()
            .map(|by_key| by_key.get(&key_id).cloned().unwrap_or_default())
            .map_err(Clone::clone)
            .into(),
        arn,
        metadata: metadata.into(),
        policy: policy.into(),
        rotation_enabled: rotation_enabled.into(),
        grants: grants.into(),
        tags: tags.into(),
    }
}

async fn aliases_by_key(client: &Client) -> Result<BTreeMap<String, Vec<String>>, Unavailable> {
    let items = drain(
        client
            .list_aliases()
            .limit(100)
            .into_paginator()
            .items()
            .send(),
        "kms:ListAliases",
    )
    .await?;
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for alias in &items {
        if let (Some(key), Some(name)) = (alias.target_key_id(), alias.alias_name()) {
            by_key
                .entry(key.to_owned())
                .or_default()
                .push(name.to_owned());
        }
    }
    Ok(by_key)
}

async fn metadata(client: &Client, arn: &str) -> Result<KeyMetadata, Unavailable> {
    let out = client
        .describe_key()
        .key_id(arn)
        .send()
        .await
        .map_err(|e| unavailable("kms:DescribeKey", &e))?;
    out.key_metadata()
        .map(key_metadata)
        .ok_or_else(|| Unavailable {
            action: "kms:DescribeKey".to_owned(),
            kind: FailureKind::Other,
            message: "response has no KeyMetadata".to_owned(),
        })
}

fn key_metadata(m: &aws_sdk_kms::types::KeyMetadata) -> KeyMetadata {
    KeyMetadata {
        key_id: m.key_id().to_owned(),
        description: owned(m.description()),
        key_manager: m.key_manager().map(|k| k.as_str().to_owned()),
        key_state: m.key_state().map(|k| k.as_str().to_owned()),
        enabled: m.enabled(),
        origin: m.origin().map(|o| o.as_str().to_owned()),
        key_spec: m.key_spec().map(|k| k.as_str().to_owned()),
        multi_region: m.multi_region(),
        created_at: time(m.creation_date()),
        custom_key_store_id: owned(m.custom_key_store_id()),
    }
}

async fn policy(client: &Client, arn: &str) -> Result<String, Unavailable> {
    let out = client
        .get_key_policy()
        .key_id(arn)
        .policy_name("default")
        .send()
        .await
        .map_err(|e| unavailable("kms:GetKeyPolicy", &e))?;
    Ok(out.policy().unwrap_or_default().to_owned())
}

async fn rotation(client: &Client, arn: &str) -> Result<bool, Unavailable> {
    client
        .get_key_rotation_status()
        .key_id(arn)
        .send()
        .await
        .map(|out| out.key_rotation_enabled())
        .map_err(|e| unavailable("kms:GetKeyRotationStatus", &e))
}

async fn grants(client: &Client, arn: &str) -> Result<Vec<Grant>, Unavailable> {
    let items = drain(
        client
            .list_grants()
            .key_id(arn)
            .limit(100)
            .into_paginator()
            .items()
            .send(),
        "kms:ListGrants",
    )
    .await?;
    Ok(items
        .iter()
        .map(|g| Grant {
            grant_id: owned(g.grant_id()),
            name: owned(g.name()),
            grantee_principal: owned(g.grantee_principal()),
            retiring_principal: owned(g.retiring_principal()),
            operations: g
                .operations()
                .iter()
                .map(|o| o.as_str().to_owned())
                .collect(),
        })
        .collect())
}

async fn tags(client: &Client, arn: &str) -> Result<Tags, Unavailable> {
    let items = drain(
        client
            .list_resource_tags()
            .key_id(arn)
            .limit(50)
            .into_paginator()
            .items()
            .send(),
        "kms:ListResourceTags",
    )
    .await?;
    Ok(items
        .iter()
        .map(|t| (t.tag_key().to_owned(), t.tag_value().to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_kms::types::{self as sdk, KeyManagerType, OriginType};

    /// DescribeKey's KeyMetadata for a key in a CloudHSM key store, per the KMS API Reference.
    #[test]
    fn custom_key_store_keys_say_so() {
        let m = sdk::KeyMetadata::builder()
            .key_id("0987dcba-09fe-87dc-65ba-ab0987654321")
            .key_manager(KeyManagerType::Customer)
            .origin(OriginType::AwsCloudhsm)
            .custom_key_store_id("cks-1234567890abcdef0")
            .enabled(true)
            .build()
            .unwrap();
        let meta = key_metadata(&m);
        assert_eq!(meta.origin.as_deref(), Some("AWS_CLOUDHSM"));
        assert_eq!(
            meta.custom_key_store_id.as_deref(),
            Some("cks-1234567890abcdef0")
        );
        assert!(meta.is_customer_managed());
    }
}
