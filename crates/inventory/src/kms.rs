//! KMS keys behind the encrypted databases and snapshots.

use serde::{Deserialize, Serialize};

use crate::rds::Tags;
use crate::Observed;

/// A key some database, cluster or snapshot is encrypted with, read once however many use it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KmsKey {
    /// As the referencing resource names it (normally the key ARN).
    pub arn: String,
    pub metadata: Observed<KeyMetadata>,
    pub aliases: Observed<Vec<String>>,
    /// The `default` key policy document, as JSON text.
    pub policy: Observed<String>,
    pub rotation_enabled: Observed<bool>,
    pub grants: Observed<Vec<Grant>>,
    /// Customer-managed keys only; AWS-managed keys cannot carry tags.
    pub tags: Observed<Tags>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyMetadata {
    pub key_id: String,
    pub description: Option<String>,
    /// `CUSTOMER` or `AWS`.
    pub key_manager: Option<String>,
    pub key_state: Option<String>,
    pub enabled: bool,
    pub origin: Option<String>,
    pub key_spec: Option<String>,
    pub multi_region: Option<bool>,
    pub created_at: Option<String>,
    /// Set for keys in a custom key store (CloudHSM or external): their material cannot rotate
    /// automatically.
    #[serde(default)]
    pub custom_key_store_id: Option<String>,
}

impl KeyMetadata {
    pub fn is_customer_managed(&self) -> bool {
        self.key_manager.as_deref() == Some("CUSTOMER")
    }
}

/// Aliases under this prefix name AWS-managed keys; no customer can create one.
pub const AWS_MANAGED_ALIAS_PREFIX: &str = "alias/aws/";

impl KmsKey {
    /// Whether AWS manages the key: DescribeKey's `KeyManager = AWS`, or an alias under
    /// `alias/aws/`. `None` when neither the metadata nor the aliases tell.
    pub fn is_aws_managed(&self) -> Option<bool> {
        let aws_alias = self.aliases.value().map(|aliases| {
            aliases
                .iter()
                .any(|alias| alias.starts_with(AWS_MANAGED_ALIAS_PREFIX))
        });
        let manager = self
            .metadata
            .value()
            .and_then(|meta| meta.key_manager.as_deref());
        match (manager, aws_alias) {
            (Some("AWS"), _) | (_, Some(true)) => Some(true),
            (Some("CUSTOMER"), _) => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    pub grant_id: Option<String>,
    pub name: Option<String>,
    pub grantee_principal: Option<String>,
    pub retiring_principal: Option<String>,
    pub operations: Vec<String>,
}
