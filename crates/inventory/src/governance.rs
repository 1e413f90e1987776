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
    /// The account the event selectors were read in, when not this one: an organization
    /// trail's are readable only in the organization's management account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors_read_in: Option<String>,
}

impl Trail {
    /// The account that owns the trail, from its ARN: for an organization trail seen from a
    /// member account, the organization's management account.
    pub fn owner_account(&self) -> Option<&str> {
        self.arn.as_deref()?.split(':').nth(4)
    }
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
    /// The account the bucket was read in, when not this one: an organization trail's bucket
    /// usually lives in the organization's log-archive account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_in: Option<String>,
}

/// A CloudTrail Lake event data store (`ListEventDataStores`, `GetEventDataStore`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDataStore {
    pub arn: String,
    pub name: Option<String>,
    pub settings: Observed<EventDataStoreSettings>,
    /// The account the store was read in, when not this one: an organization's stores are
    /// listed only in its management (or delegated administrator) account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_in: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDataStoreSettings {
    /// `ENABLED`, `CREATED`, `STARTING_INGESTION`, `STOPPED_INGESTION`, `PENDING_DELETION`, …
    pub status: Option<String>,
    pub multi_region: Option<bool>,
    /// Collects the events of every account of the organization.
    pub organization: Option<bool>,
    pub termination_protection: Option<bool>,
    pub retention_days: Option<i32>,
    /// Management events collected: `All`, `ReadOnly`, `WriteOnly`; `None` when not collected.
    pub management_events: Option<String>,
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
