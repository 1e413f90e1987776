//! IAM: how people and tools get into the account (ACCT-001, ACCT-002).

use serde::{Deserialize, Serialize};

use crate::{Observed, Unavailable};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Iam {
    pub summary: Observed<AccountSummary>,
    /// `None` when the account has no password policy.
    pub password_policy: Observed<Option<PasswordPolicy>>,
    /// Policies (managed or inline) that allow `*` actions or `*` resources.
    pub wildcard_policies: Observed<Vec<WildcardPolicy>>,
    pub roles: Observed<Vec<Role>>,
    /// From the credential report: console access, MFA and access keys per user. Unknown with
    /// kind `not_found` when the account has no current report (rds-evidence never generates
    /// one: that is a write) and nothing else could be listed either; see `users_source`.
    pub users: Observed<Vec<UserCredentials>>,
    /// Where `users` comes from.
    #[serde(default)]
    pub users_source: UsersSource,
    /// When AWS generated the credential report `users` comes from; `None` when it was not read.
    pub credential_report_generated_at: Option<String>,
    pub saml_providers: Observed<Vec<String>>,
    pub oidc_providers: Observed<Vec<String>>,
}

/// The credential report, or what could be listed instead when it could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum UsersSource {
    #[default]
    CredentialReport,
    /// `ListUsers` and `ListAccessKeys`: each user's active keys and their ages, but neither
    /// console access nor MFA.
    UserListing { report: Unavailable },
    /// `GetAccountSummary` counts no IAM user.
    AccountSummary { report: Unavailable },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub root_mfa_enabled: bool,
    pub root_access_keys_present: bool,
    pub users: i32,
    pub roles: i32,
    pub mfa_devices: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: Option<i32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub max_age_days: Option<i32>,
    pub reuse_prevention: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WildcardPolicy {
    pub name: String,
    pub arn: Option<String>,
    /// `managed` or `inline`. AWS-managed policies (account `aws` in the ARN) are listed only
    /// when attached to something in the account.
    pub kind: String,
    /// Users, groups and roles it is attached to or embedded in, as `user/NAME`, `group/NAME`,
    /// `role/NAME`; empty for a customer-managed policy attached to nothing.
    pub attached_to: Vec<String>,
    /// Some Allow statement has `"*"` among its actions (default version for managed policies).
    pub allows_all_actions: bool,
    /// Some Allow statement has `"*"` among its resources.
    pub allows_all_resources: bool,
    /// One Allow statement has both: administrator access.
    pub allows_all_actions_on_all_resources: bool,
    /// The whole-service wildcards among the Allow statements' actions (`s3:*`, `iam:*`).
    #[serde(default)]
    pub service_wildcards: Vec<String>,
    /// Some Allow statement uses `NotAction`: every action but those named.
    #[serde(default)]
    pub allows_not_action: bool,
    /// Some Allow statement uses `NotResource`: every resource but those named.
    #[serde(default)]
    pub allows_not_resource: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub arn: String,
    /// Principals the trust policy's Allow statements name, as written there, sorted: `*`, AWS
    /// account ids and ARNs, service names (`ec2.amazonaws.com`), federated providers (SAML or
    /// OIDC provider ARNs, `cognito-identity.amazonaws.com`).
    pub trusted_principals: Vec<String>,
    /// Every Allow statement that trusts an AWS principal has an `sts:ExternalId` condition (and
    /// there is at least one such statement).
    pub requires_external_id: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCredentials {
    pub user: String,
    pub arn: Option<String>,
    pub console_access: Option<bool>,
    pub mfa_active: Option<bool>,
    /// Ages in days, at collection, of the user's active access keys: whole days since the key
    /// was created or last rotated.
    pub active_access_key_ages_days: Vec<i64>,
    /// When each of those keys was created or last rotated (RFC 3339, UTC), in the same order.
    pub active_access_key_last_rotated: Vec<String>,
}
