//! Account-wide governance: CloudTrail and the buckets it writes to, IAM, contacts.

use serde::{Deserialize, Serialize};

use crate::Observed;

/// What belongs to the account rather than a region; read once, from the home region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountWide {
    /// Every trail the account has, shadow copies of multi-region trails included once.
    pub trails: Observed<Vec<Trail>>,
    /// The S3 buckets trails deliver to, and how they are protected.
    pub trail_buckets: Vec<TrailBucket>,
    pub iam: crate::iam::Iam,
    pub contacts: Contacts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: Option<String>,
    pub home_region: Option<String>,
    pub multi_region: bool,
    pub organization_trail: bool,
    pub log_file_validation: bool,
    pub kms_key_id: Option<String>,
    pub s3_bucket: Option<String>,
    pub cloudwatch_logs_log_group_arn: Option<String>,
    /// Whether the trail is delivering now (`GetTrailStatus`).
    pub logging: Observed<bool>,
    /// Management events recorded: `All`, `ReadOnly`, `WriteOnly`; `None` when not recorded.
    pub management_events: Observed<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailBucket {
    pub name: String,
    /// `Enabled`, `Suspended`, or `None` when versioning was never turned on.
    pub versioning: Observed<Option<String>>,
    pub mfa_delete: Observed<Option<String>>,
    pub object_lock: Observed<bool>,
    /// `None` when the bucket has no public access block configuration.
    pub public_access_block: Observed<Option<PublicAccessBlock>>,
    /// Default encryption algorithm (`AES256`, `aws:kms`, …).
    pub default_encryption: Observed<Option<String>>,
    pub has_policy: Observed<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn blocks_everything(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

/// Who AWS contacts about the account. Only what shows whether contacts are set and
/// corporate: no names, addresses or numbers are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contacts {
    pub primary: Observed<Option<PrimaryContact>>,
    /// Billing, operations and security contacts that are set.
    pub alternate: Observed<Vec<AlternateContact>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryContact {
    pub company_name: Option<String>,
    pub country_code: Option<String>,
    pub has_phone: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternateContact {
    /// `BILLING`, `OPERATIONS` or `SECURITY`.
    pub contact_type: String,
    /// The part after `@`: enough to tell a corporate address from a personal one.
    pub email_domain: Option<String>,
    pub has_phone: bool,
}
