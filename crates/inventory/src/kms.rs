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
}

impl KeyMetadata {
    pub fn is_customer_managed(&self) -> bool {
        self.key_manager.as_deref() == Some("CUSTOMER")
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
