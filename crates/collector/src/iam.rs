//! IAM, account-wide: root MFA and keys, password policy, wildcard policies, roles and their
//! trust, federation providers, and the credential report.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_iam::operation::get_account_password_policy::{
    GetAccountPasswordPolicyError, GetAccountPasswordPolicyOutput,
};
use aws_sdk_iam::operation::get_credential_report::{
    GetCredentialReportError, GetCredentialReportOutput,
};
use aws_sdk_iam::types::{self as sdk, SummaryKeyType};
use aws_sdk_iam::Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::DateTime;
use futures::{stream, StreamExt};
use rds_evidence_inventory::iam::{
    AccountSummary, Iam, PasswordPolicy, Role, UserCredentials, UsersSource, WildcardPolicy,
};
use rds_evidence_inventory::{FailureKind, Unavailable};
use serde_json::Value;

use crate::convert::time;
use crate::failure::unavailable;
use crate::pages::drain;

const DETAILS: &str = "iam:GetAccountAuthorizationDetails";
/// Users whose access keys are listed at once when the credential report cannot be read.
const USER_KEYS_AT_ONCE: usize = 8;
const REPORT: &str = "iam:GetCredentialReport";

/// Reads everything IAM contributes to the snapshot. `collected_at` is the snapshot's time:
/// access key ages are counted to it, so that a replay gives the ages of the recording.
pub(crate) async fn iam(client: &Client, collected_at: &str) -> Iam {
    // The snapshot's own time always parses; the clock is only a fallback for the impossible.
    let now = DateTime::from_str(collected_at, Format::DateTime)
        .unwrap_or_else(|_| DateTime::from(std::time::SystemTime::now()));
    let (summary, password_policy, details, saml_providers, oidc_providers, report) = tokio::join!(
        summary(client),
        password_policy(client),
        authorization_details(client),
        saml_providers(client),
        oidc_providers(client),
        credential_report(client, &now),
    );
    let (wildcard_policies, roles) = match &details {
        Ok(details) => (wildcard_policies(details), roles(details)),
        Err(why) => (Err(why.clone()), Err(why.clone())),
    };
    let (users, users_source, credential_report_generated_at) = match report {
        Ok((users, generated_at)) => (Ok(users), UsersSource::CredentialReport, generated_at),
        Err(report) => {
            let (users, source) = users_without_report(client, &summary, report, &now).await;
            (users, source, None)
        }
    };
    Iam {
        summary: summary.into(),
        password_policy: password_policy.into(),
        wildcard_policies: wildcard_policies.into(),
        roles: roles.into(),
        users: users.into(),
        users_source,
        credential_report_generated_at,
        saml_providers: saml_providers.into(),
        oidc_providers: oidc_providers.into(),
    }
}

fn malformed(action: &str, message: String) -> Unavailable {
    Unavailable {
        action: action.to_owned(),
        kind: FailureKind::Other,
        message,
    }
}

async fn summary(client: &Client) -> Result<AccountSummary, Unavailable> {
    let out = client
        .get_account_summary()
        .send()
        .await
        .map_err(|e| unavailable("iam:GetAccountSummary", &e))?;
    account_summary(out.summary_map())
}

fn account_summary(
    map: Option<&HashMap<SummaryKeyType, i32>>,
) -> Result<AccountSummary, Unavailable> {
    let get = |key: SummaryKeyType| {
        map.and_then(|m| m.get(&key)).copied().ok_or_else(|| {
            malformed(
                "iam:GetAccountSummary",
                format!("the summary has no {}", key.as_str()),
            )
        })
    };
    Ok(AccountSummary {
        root_mfa_enabled: get(SummaryKeyType::AccountMfaEnabled)? == 1,
        root_access_keys_present: get(SummaryKeyType::AccountAccessKeysPresent)? == 1,
        users: get(SummaryKeyType::Users)?,
        roles: get(SummaryKeyType::Roles)?,
        mfa_devices: get(SummaryKeyType::MfaDevices)?,
    })
}

async fn password_policy(client: &Client) -> Result<Option<PasswordPolicy>, Unavailable> {
    password_policy_from(client.get_account_password_policy().send().await)
}

fn password_policy_from(
    result: Result<
        GetAccountPasswordPolicyOutput,
        SdkError<GetAccountPasswordPolicyError, Response>,
    >,
) -> Result<Option<PasswordPolicy>, Unavailable> {
    const ACTION: &str = "iam:GetAccountPasswordPolicy";
    match result {
        Ok(out) => out
            .password_policy()
            .map(|p| Some(password_policy_of(p)))
            .ok_or_else(|| malformed(ACTION, "response has no PasswordPolicy".to_owned())),
        // The account has no password policy: a value, not a failure.
        Err(e) if e.as_service_error().and_then(|s| s.code()) == Some("NoSuchEntity") => Ok(None),
        Err(e) => Err(unavailable(ACTION, &e)),
    }
}

fn password_policy_of(p: &sdk::PasswordPolicy) -> PasswordPolicy {
    PasswordPolicy {
        minimum_length: p.minimum_password_length(),
        require_symbols: p.require_symbols(),
        require_numbers: p.require_numbers(),
        require_uppercase: p.require_uppercase_characters(),
        require_lowercase: p.require_lowercase_characters(),
        max_age_days: p.max_password_age(),
        reuse_prevention: p.password_reuse_prevention(),
    }
}

async fn saml_providers(client: &Client) -> Result<Vec<String>, Unavailable> {
    let out = client
        .list_saml_providers()
        .send()
        .await
        .map_err(|e| unavailable("iam:ListSAMLProviders", &e))?;
    Ok(sorted_arns(
        out.saml_provider_list().iter().map(|p| p.arn()),
    ))
}

async fn oidc_providers(client: &Client) -> Result<Vec<String>, Unavailable> {
    let out = client
        .list_open_id_connect_providers()
        .send()
        .await
        .map_err(|e| unavailable("iam:ListOpenIDConnectProviders", &e))?;
    Ok(sorted_arns(
        out.open_id_connect_provider_list().iter().map(|p| p.arn()),
    ))
}

fn sorted_arns<'a>(arns: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    let mut arns: Vec<String> = arns.flatten().map(str::to_owned).collect();
    arns.sort();
    arns
}

/// Every page of `GetAccountAuthorizationDetails`, all entity types.
#[derive(Debug, Default)]
struct Details {
    users: Vec<sdk::UserDetail>,
    groups: Vec<sdk::GroupDetail>,
    roles: Vec<sdk::RoleDetail>,
    policies: Vec<sdk::ManagedPolicyDetail>,
}

async fn authorization_details(client: &Client) -> Result<Details, Unavailable> {
    let pages = drain(
        client
            .get_account_authorization_details()
            .max_items(1000)
            .into_paginator()
            .send(),
        DETAILS,
    )
    .await?;
    let mut details = Details::default();
    for page in pages {
        details
            .users
            .extend(page.user_detail_list.unwrap_or_default());
        details
            .groups
            .extend(page.group_detail_list.unwrap_or_default());
        details
            .roles
            .extend(page.role_detail_list.unwrap_or_default());
        details.policies.extend(page.policies.unwrap_or_default());
    }
    Ok(details)
}

/// Managed policies whose default version, and inline policies whose document, allow `*`
/// actions or resources, whole services (`s3:*`), or everything but some (`NotAction`,
/// `NotResource`). AWS-managed policies count only where something in the account uses
/// them; a customer-managed one is listed even when attached to nothing.
fn wildcard_policies(details: &Details) -> Result<Vec<WildcardPolicy>, Unavailable> {
    let users = details.users.iter().map(|u| {
        (
            "user",
            u.user_name(),
            u.attached_managed_policies(),
            u.user_policy_list(),
        )
    });
    let groups = details.groups.iter().map(|g| {
        (
            "group",
            g.group_name(),
            g.attached_managed_policies(),
            g.group_policy_list(),
        )
    });
    let roles = details.roles.iter().map(|r| {
        (
            "role",
            r.role_name(),
            r.attached_managed_policies(),
            r.role_policy_list(),
        )
    });
    let mut attached: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut found = Vec::new();
    for (kind, name, managed, inline) in users.chain(groups).chain(roles) {
        let entity = format!("{kind}/{}", name.unwrap_or_default());
        for policy in managed {
            if let Some(arn) = policy.policy_arn() {
                attached.entry(arn).or_default().push(entity.clone());
            }
        }
        for policy in inline {
            let name = policy.policy_name().unwrap_or_default();
            let document = policy
                .policy_document()
                .ok_or_else(|| format!("inline policy {name} of {entity} has no document"))
                .and_then(parse_document)
                .map_err(|why| malformed(DETAILS, why))?;
            let breadth = Breadth::of(&document);
            if breadth.any() {
                found.push(breadth.policy(name.to_owned(), None, "inline", vec![entity.clone()]));
            }
        }
    }
    for policy in &details.policies {
        let arn = policy.arn().unwrap_or_default();
        let attached_to = attached.get(arn).cloned().unwrap_or_default();
        if is_aws_managed(arn) && attached_to.is_empty() {
            continue;
        }
        let document = default_document(policy)
            .ok_or_else(|| format!("managed policy {arn} has no default version document"))
            .and_then(parse_document)
            .map_err(|why| malformed(DETAILS, why))?;
        let breadth = Breadth::of(&document);
        if breadth.any() {
            // moto omits PolicyName here; the ARN ends with it.
            let name = policy
                .policy_name()
                .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn));
            found.push(breadth.policy(
                name.to_owned(),
                Some(arn.to_owned()),
                "managed",
                attached_to,
            ));
        }
    }
    found.sort_by(|a, b| {
        (&a.kind, &a.name, &a.arn, &a.attached_to).cmp(&(&b.kind, &b.name, &b.arn, &b.attached_to))
    });
    Ok(found)
}

fn is_aws_managed(arn: &str) -> bool {
    arn.split(':').nth(4) == Some("aws")
}

fn default_document(policy: &sdk::ManagedPolicyDetail) -> Option<&str> {
    let versions = policy.policy_version_list();
    versions
        .iter()
        .find(|v| v.is_default_version())
        .or_else(|| {
            versions
                .iter()
                .find(|v| v.version_id().is_some() && v.version_id() == policy.default_version_id())
        })
        .and_then(|v| v.document())
}

/// What the Allow statements of one policy document grant broadly.
#[derive(Debug, Default, PartialEq, Eq)]
struct Breadth {
    all_actions: bool,
    all_resources: bool,
    both: bool,
    /// `service:*` actions, each once.
    service_wildcards: BTreeSet<String>,
    not_action: bool,
    not_resource: bool,
}

impl Breadth {
    fn of(document: &Value) -> Breadth {
        let mut breadth = Breadth::default();
        for statement in allow_statements(document) {
            let action_list = strings(statement.get("Action"));
            let actions = action_list.contains(&"*");
            let resources = strings(statement.get("Resource")).contains(&"*");
            breadth.all_actions |= actions;
            breadth.all_resources |= resources;
            breadth.both |= actions && resources;
            breadth.service_wildcards.extend(
                action_list
                    .iter()
                    .filter(|action| action.len() > 2 && action.ends_with(":*"))
                    .map(|action| (*action).to_owned()),
            );
            breadth.not_action |= statement.get("NotAction").is_some();
            breadth.not_resource |= statement.get("NotResource").is_some();
        }
        breadth
    }

    fn any(&self) -> bool {
        self.all_actions
            || self.all_resources
            || !self.service_wildcards.is_empty()
            || self.not_action
            || self.not_resource
    }

    fn policy(
        &self,
        name: String,
        arn: Option<String>,
        kind: &str,
        attached_to: Vec<String>,
    ) -> WildcardPolicy {
        WildcardPolicy {
            name,
            arn,
            kind: kind.to_owned(),
            attached_to,
            allows_all_actions: self.all_actions,
            allows_all_resources: self.all_resources,
            allows_all_actions_on_all_resources: self.both,
            service_wildcards: self.service_wildcards.iter().cloned().collect(),
            allows_not_action: self.not_action,
            allows_not_resource: self.not_resource,
        }
    }
}

/// A policy document as JSON. The API sends documents URL-encoded (RFC 3986) and this SDK
/// passes them on as sent, while emulators send some plain: both are accepted.
fn parse_document(raw: &str) -> Result<Value, String> {
    let text = if raw.trim_start().starts_with('{') {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(percent_decode(raw)?)
    };
    serde_json::from_str(&text).map_err(|e| format!("policy document is not JSON: {e}"))
}

fn percent_decode(raw: &str) -> Result<String, String> {
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let digit = |at: usize| {
                bytes
                    .get(at)
                    .and_then(|b| char::from(*b).to_digit(16))
                    .ok_or_else(|| format!("policy document has a bad escape at byte {i}"))
            };
            let byte = digit(i + 1)? * 16 + digit(i + 2)?;
            decoded.push(u8::try_from(byte).expect("two hex digits fit a byte"));
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| "policy document is not UTF-8".to_owned())
}

fn allow_statements(document: &Value) -> Vec<&Value> {
    let statements = match document.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => Vec::new(),
    };
    statements
        .into_iter()
        .filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .collect()
}

/// A policy element that may be one string or a list of them.
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn roles(details: &Details) -> Result<Vec<Role>, Unavailable> {
    let mut roles = details
        .roles
        .iter()
        .map(role)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|why| malformed(DETAILS, why))?;
    roles.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(roles)
}

fn role(detail: &sdk::RoleDetail) -> Result<Role, String> {
    let name = detail.role_name().unwrap_or_default();
    let trust = detail
        .assume_role_policy_document()
        .ok_or_else(|| format!("role {name} has no trust policy"))
        .and_then(parse_document)?;
    let (trusted_principals, requires_external_id) = trust_of(&trust);
    Ok(Role {
        name: name.to_owned(),
        arn: detail.arn().unwrap_or_default().to_owned(),
        trusted_principals,
        requires_external_id,
    })
}

/// The principals a trust policy allows, and whether every statement trusting an AWS principal
/// (an account, a user or role, or `*`) demands an external id.
fn trust_of(document: &Value) -> (Vec<String>, bool) {
    let mut principals = BTreeSet::new();
    let (mut aws_statements, mut with_external_id) = (0, 0);
    for statement in allow_statements(document) {
        let names_aws = match statement.get("Principal") {
            Some(Value::String(anyone)) => {
                principals.insert(anyone.clone());
                true
            }
            Some(Value::Object(by_kind)) => {
                let mut names_aws = false;
                for (kind, values) in by_kind {
                    let values = strings(Some(values));
                    names_aws |= kind == "AWS" && !values.is_empty();
                    principals.extend(values.into_iter().map(str::to_owned));
                }
                names_aws
            }
            _ => false,
        };
        if names_aws {
            aws_statements += 1;
            if demands_external_id(statement) {
                with_external_id += 1;
            }
        }
    }
    (
        principals.into_iter().collect(),
        aws_statements > 0 && aws_statements == with_external_id,
    )
}

fn demands_external_id(statement: &Value) -> bool {
    let Some(operators) = statement.get("Condition").and_then(Value::as_object) else {
        return false;
    };
    operators.iter().any(|(operator, keys)| {
        keys.as_object().is_some_and(|keys| {
            keys.iter().any(|(key, value)| {
                key.eq_ignore_ascii_case("sts:ExternalId")
                    // `Null: false` demands the key be present; `Null: true` demands it absent.
                    && (!operator.eq_ignore_ascii_case("Null")
                        || matches!(value, Value::Bool(false))
                        || value.as_str() == Some("false"))
            })
        })
    })
}

/// What can be read when the credential report cannot: no user at all, by the account summary;
/// else each user's active access keys, by `ListUsers` and `ListAccessKeys`. When neither
/// tells, the report's failure stands, with the listing's.
async fn users_without_report(
    client: &Client,
    summary: &Result<AccountSummary, Unavailable>,
    report: Unavailable,
    now: &DateTime,
) -> (Result<Vec<UserCredentials>, Unavailable>, UsersSource) {
    if matches!(summary, Ok(summary) if summary.users == 0) {
        return (Ok(Vec::new()), UsersSource::AccountSummary { report });
    }
    match listed_users(client, now).await {
        Ok(users) => (Ok(users), UsersSource::UserListing { report }),
        Err(listing) => (
            Err(Unavailable {
                message: format!(
                    "{}; users could not be listed either: {listing}",
                    report.message
                ),
                ..report
            }),
            UsersSource::CredentialReport,
        ),
    }
}

/// Each IAM user with the ages of their active access keys, from the listings.
async fn listed_users(
    client: &Client,
    now: &DateTime,
) -> Result<Vec<UserCredentials>, Unavailable> {
    let users = drain(
        client
            .list_users()
            .max_items(1000)
            .into_paginator()
            .items()
            .send(),
        "iam:ListUsers",
    )
    .await?;
    let mut listed = stream::iter(&users)
        .map(|user| async move {
            let keys = drain(
                client
                    .list_access_keys()
                    .user_name(user.user_name())
                    .into_paginator()
                    .items()
                    .send(),
                "iam:ListAccessKeys",
            )
            .await?;
            Ok(listed_user(user, &keys, now))
        })
        .buffered(USER_KEYS_AT_ONCE)
        .collect::<Vec<Result<UserCredentials, Unavailable>>>()
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    listed.sort_by(|a, b| a.user.cmp(&b.user));
    Ok(listed)
}

/// A listed user: active keys and their ages, counted from their creation; console access and
/// MFA are not in the listings.
fn listed_user(
    user: &sdk::User,
    keys: &[sdk::AccessKeyMetadata],
    now: &DateTime,
) -> UserCredentials {
    let created: Vec<&DateTime> = keys
        .iter()
        .filter(|k| k.status() == Some(&sdk::StatusType::Active))
        .filter_map(|k| k.create_date())
        .collect();
    UserCredentials {
        user: user.user_name().to_owned(),
        arn: Some(user.arn().to_owned()),
        console_access: None,
        mfa_active: None,
        active_access_key_ages_days: created
            .iter()
            .map(|at| (now.secs() - at.secs()).div_euclid(86_400).max(0))
            .collect(),
        active_access_key_last_rotated: created.iter().filter_map(|at| time(Some(*at))).collect(),
    }
}

/// The credential report's rows and when AWS generated it. Generating a report is a write, so
/// an account without a current one gets an instruction instead.
async fn credential_report(
    client: &Client,
    now: &DateTime,
) -> Result<(Vec<UserCredentials>, Option<String>), Unavailable> {
    report_from(client.get_credential_report().send().await, now)
}

fn report_from(
    result: Result<GetCredentialReportOutput, SdkError<GetCredentialReportError, Response>>,
    now: &DateTime,
) -> Result<(Vec<UserCredentials>, Option<String>), Unavailable> {
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            let code = e.as_service_error().and_then(|s| s.code());
            return Err(match report_missing(code) {
                Some(message) => Unavailable {
                    action: REPORT.to_owned(),
                    kind: FailureKind::NotFound,
                    message,
                },
                None => unavailable(REPORT, &e),
            });
        }
    };
    // The SDK has already decoded the base64 of the wire: the Blob holds the CSV itself.
    let content = out
        .content()
        .ok_or_else(|| malformed(REPORT, "response has no Content".to_owned()))?;
    let csv = std::str::from_utf8(content.as_ref())
        .map_err(|_| malformed(REPORT, "the credential report is not UTF-8".to_owned()))?;
    let users = parse_report(csv, now).map_err(|why| malformed(REPORT, why))?;
    Ok((users, time(out.generated_time())))
}

fn report_missing(code: Option<&str>) -> Option<String> {
    const GENERATE: &str = "run `aws iam generate-credential-report` in this account, \
        wait until it reports COMPLETE, then collect again";
    match code? {
        "ReportNotPresent" => Some(format!("the account has no credential report: {GENERATE}")),
        "ReportExpired" => Some(format!(
            "the credential report is more than four hours old: {GENERATE}"
        )),
        "ReportInProgress" => Some(format!(
            "a credential report is still being generated: {GENERATE}"
        )),
        _ => None,
    }
}

/// The report's CSV, one row per user (`<root_account>` skipped: the account summary covers
/// root). Columns are found by their header names.
fn parse_report(csv: &str, now: &DateTime) -> Result<Vec<UserCredentials>, String> {
    let mut lines = csv.lines().filter(|line| !line.trim().is_empty());
    let header = csv_fields(lines.next().ok_or("the credential report is empty")?);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("the credential report has no {name} column"))
    };
    let (user, arn) = (column("user")?, column("arn")?);
    let (password, mfa) = (column("password_enabled")?, column("mfa_active")?);
    let mut keys = Vec::new();
    for n in [1, 2] {
        keys.push((
            column(&format!("access_key_{n}_active"))?,
            column(&format!("access_key_{n}_last_rotated"))?,
            format!("access_key_{n}_last_rotated"),
        ));
    }
    let mut users = Vec::new();
    for line in lines {
        let fields = csv_fields(line);
        let field = |i: usize| {
            fields
                .get(i)
                .map(String::as_str)
                .ok_or_else(|| format!("credential report row '{line}' is short"))
        };
        let name = field(user)?;
        if name == "<root_account>" {
            continue;
        }
        let mut ages = Vec::new();
        let mut rotated = Vec::new();
        for (active, last_rotated, column_name) in &keys {
            if flag(field(*active)?) != Some(true) {
                continue;
            }
            let value = field(*last_rotated)?;
            let at = DateTime::from_str(value, Format::DateTimeWithOffset)
                .map_err(|_| format!("user {name}: {column_name} '{value}' is not a time"))?;
            ages.push((now.secs() - at.secs()).div_euclid(86_400).max(0));
            rotated.extend(time(Some(&at)));
        }
        users.push(UserCredentials {
            user: name.to_owned(),
            arn: Some(field(arn)?)
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
            console_access: flag(field(password)?),
            mfa_active: flag(field(mfa)?),
            active_access_key_ages_days: ages,
            active_access_key_last_rotated: rotated,
        });
    }
    users.sort_by(|a, b| a.user.cmp(&b.user));
    Ok(users)
}

/// `true`/`false`; the report's `N/A` and `not_supported` are not known either way.
fn flag(value: &str) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// One CSV line. AWS quotes nothing today, but user names may contain commas.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    const ADMIN_ENCODED: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

    fn doc(text: &str) -> Value {
        parse_document(text).unwrap()
    }

    #[test]
    fn documents_parse_url_encoded_or_plain() {
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
        assert_eq!(doc(ADMIN_ENCODED), doc(plain));
        // A space encoded as %20 and a literal '+' (left alone by RFC 3986 decoding).
        assert_eq!(
            doc("%7B%22Sid%22%3A%20%22a+b%22%7D"),
            serde_json::json!({"Sid": "a+b"})
        );
        assert!(parse_document("%7B%2").is_err());
        assert!(parse_document("%7Bnot json").is_err());
    }

    #[test]
    fn breadth_counts_allow_statements_only() {
        let admin = Breadth::of(&doc(ADMIN_ENCODED));
        assert_eq!(
            admin,
            Breadth {
                all_actions: true,
                all_resources: true,
                both: true,
                ..Breadth::default()
            }
        );
        let read_only = Breadth::of(&doc(
            r#"{"Statement":{"Effect":"Allow","Action":["rds:Describe*"],"Resource":"*"}}"#,
        ));
        assert_eq!(
            read_only,
            Breadth {
                all_resources: true,
                ..Breadth::default()
            }
        );
        let split = Breadth::of(&doc(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","*"],"Resource":"arn:aws:s3:::b/*"},
                             {"Effect":"Allow","Action":"s3:ListBucket","Resource":["arn:aws:s3:::b","*"]}]}"#,
        ));
        assert!(split.all_actions && split.all_resources && !split.both);
        let deny = Breadth::of(&doc(
            r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
        ));
        assert!(!deny.any());
    }

    /// The default versions of the AWS-managed PowerUserAccess and IAMFullAccess, and a
    /// NotResource grant: wildcards other than `*`.
    #[test]
    fn breadth_sees_service_wildcards_and_negations() {
        let power_user = Breadth::of(&doc(r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},
                {"Effect":"Allow","Action":["account:GetAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization"],"Resource":"*"}]}"#));
        assert!(power_user.not_action && power_user.all_resources && !power_user.all_actions);
        assert!(
            power_user.service_wildcards.is_empty(),
            "NotAction's are exclusions"
        );
        let iam_full = Breadth::of(&doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:ListPolicies"],"Resource":"*"}]}"#,
        ));
        assert_eq!(
            iam_full.service_wildcards.iter().collect::<Vec<_>>(),
            ["iam:*"]
        );
        let all_but = Breadth::of(&doc(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secrets/*"}}"#,
        ));
        assert!(all_but.not_resource && all_but.any());
        let guardrail = Breadth::of(&doc(
            r#"{"Statement":{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}}"#,
        ));
        assert!(!guardrail.any(), "a Deny grants nothing");
    }

    /// ListUsers' User and ListAccessKeys' AccessKeyMetadata, per the IAM API Reference.
    #[test]
    fn listed_users_carry_their_active_keys_ages() {
        let now = DateTime::from_secs(1_700_000_000); // 2023-11-14T22:13:20Z
        let user = sdk::User::builder()
            .user_name("ci-deployer")
            .user_id("AIDAEXAMPLEUSERID0001")
            .arn("arn:aws:iam::123456789012:user/ci-deployer")
            .path("/")
            .create_date(DateTime::from_secs(1_600_000_000))
            .build()
            .unwrap();
        let key = |status: sdk::StatusType, created: i64| {
            sdk::AccessKeyMetadata::builder()
                .user_name("ci-deployer")
                .status(status)
                .create_date(DateTime::from_secs(created))
                .build()
        };
        let listed = listed_user(
            &user,
            &[
                key(sdk::StatusType::Active, 1_690_000_000),
                key(sdk::StatusType::Inactive, 1_600_000_000),
            ],
            &now,
        );
        assert_eq!(
            listed,
            UserCredentials {
                user: "ci-deployer".into(),
                arn: Some("arn:aws:iam::123456789012:user/ci-deployer".into()),
                console_access: None,
                mfa_active: None,
                active_access_key_ages_days: vec![115],
                active_access_key_last_rotated: vec!["2023-07-22T04:26:40Z".into()],
            }
        );
    }

    fn attached(arn: &str) -> sdk::AttachedPolicy {
        sdk::AttachedPolicy::builder().policy_arn(arn).build()
    }

    fn managed(arn: &str, document: &str) -> sdk::ManagedPolicyDetail {
        sdk::ManagedPolicyDetail::builder()
            .arn(arn)
            .default_version_id("v2")
            .policy_version_list(
                sdk::PolicyVersion::builder()
                    .version_id("v1")
                    .document("%7B%7D")
                    .build(),
            )
            .policy_version_list(
                sdk::PolicyVersion::builder()
                    .version_id("v2")
                    .is_default_version(true)
                    .document(document)
                    .build(),
            )
            .build()
    }

    #[test]
    fn wildcard_policies_with_where_they_are_attached() {
        let admin_aws = "arn:aws:iam::aws:policy/AdministratorAccess";
        let unused_aws = "arn:aws:iam::aws:policy/PowerUserAccess";
        let local = "arn:aws:iam::123456789012:policy/ops/RdsReadOnly";
        let unattached = "arn:aws:iam::123456789012:policy/Spare";
        let details = Details {
            users: vec![sdk::UserDetail::builder()
                .user_name("ci")
                .attached_managed_policies(attached(local))
                .build()],
            groups: vec![sdk::GroupDetail::builder()
                .group_name("ops")
                .attached_managed_policies(attached(local))
                .group_policy_list(
                    sdk::PolicyDetail::builder()
                        .policy_name("narrow")
                        .policy_document(
                            r#"{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::x/*"}}"#,
                        )
                        .build(),
                )
                .build()],
            roles: vec![sdk::RoleDetail::builder()
                .role_name("admin")
                .attached_managed_policies(attached(admin_aws))
                .role_policy_list(
                    sdk::PolicyDetail::builder()
                        .policy_name("everything")
                        .policy_document(ADMIN_ENCODED)
                        .build(),
                )
                .build()],
            policies: vec![
                managed(admin_aws, ADMIN_ENCODED),
                managed(unused_aws, ADMIN_ENCODED),
                managed(
                    local,
                    r#"{"Statement":[{"Effect":"Allow","Action":"rds:Describe*","Resource":"*"}]}"#,
                ),
                managed(unattached, ADMIN_ENCODED),
            ],
        };
        let found = wildcard_policies(&details).unwrap();
        let summary: Vec<String> = found
            .iter()
            .map(|p| {
                let flags = [
                    (p.allows_all_actions, " actions"),
                    (p.allows_all_resources, " resources"),
                    (p.allows_all_actions_on_all_resources, " both"),
                ];
                let flags: String = flags.iter().filter(|f| f.0).map(|f| f.1).collect();
                format!("{} {} {:?}{flags}", p.kind, p.name, p.attached_to)
            })
            .collect();
        assert_eq!(
            summary,
            [
                r#"inline everything ["role/admin"] actions resources both"#,
                r#"managed AdministratorAccess ["role/admin"] actions resources both"#,
                r#"managed RdsReadOnly ["user/ci", "group/ops"] resources"#,
                r#"managed Spare [] actions resources both"#,
            ]
        );
        assert_eq!(found[0].arn, None);
        assert_eq!(found[1].arn.as_deref(), Some(admin_aws));
    }

    #[test]
    fn an_unreadable_document_makes_the_list_unknown() {
        let details = Details {
            policies: vec![managed(
                "arn:aws:iam::123456789012:policy/Broken",
                "%7Bnope",
            )],
            ..Details::default()
        };
        let why = wildcard_policies(&details).unwrap_err();
        assert_eq!(why.action, "iam:GetAccountAuthorizationDetails");
        assert!(why.message.contains("not JSON"), "{}", why.message);
    }

    #[test]
    fn trust_principals_and_external_id() {
        let vendor = role(
            &sdk::RoleDetail::builder()
                .role_name("RdsEvidenceReadOnly")
                .arn("arn:aws:iam::123456789012:role/RdsEvidenceReadOnly")
                .assume_role_policy_document(
                    "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A111122223333%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22sts%3AExternalId%22%3A%22x%22%7D%7D%7D%5D%7D",
                )
                .build(),
        )
        .unwrap();
        assert_eq!(
            vendor,
            Role {
                name: "RdsEvidenceReadOnly".to_owned(),
                arn: "arn:aws:iam::123456789012:role/RdsEvidenceReadOnly".to_owned(),
                trusted_principals: vec!["arn:aws:iam::111122223333:root".to_owned()],
                requires_external_id: true,
            }
        );

        let (principals, external_id) = trust_of(&doc(r#"{"Statement":[
                {"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"},
                {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/corp-idp"},"Action":"sts:AssumeRoleWithSAML"}]}"#));
        assert_eq!(
            principals,
            [
                "arn:aws:iam::123456789012:saml-provider/corp-idp",
                "ec2.amazonaws.com",
                "lambda.amazonaws.com"
            ]
        );
        assert!(!external_id, "no AWS principal: nothing to demand it of");

        // One AWS statement without the condition is a way in without it.
        let (principals, external_id) = trust_of(&doc(r#"{"Statement":[
                {"Effect":"Allow","Principal":{"AWS":["111122223333","444455556666"]},"Action":"sts:AssumeRole","Condition":{"StringLike":{"sts:externalid":"a*"}}},
                {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#));
        assert_eq!(principals, ["*", "111122223333", "444455556666"]);
        assert!(!external_id);

        let (_, absent_demanded) = trust_of(&doc(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Condition":{"Null":{"sts:ExternalId":"true"}}}}"#,
        ));
        assert!(!absent_demanded);
    }

    #[test]
    fn a_role_without_a_readable_trust_policy_is_an_error() {
        assert!(role(&sdk::RoleDetail::builder().role_name("r").build()).is_err());
    }

    #[test]
    fn account_summary_flags_and_counts() {
        let map: HashMap<SummaryKeyType, i32> = [
            (SummaryKeyType::AccountMfaEnabled, 1),
            (SummaryKeyType::AccountAccessKeysPresent, 0),
            (SummaryKeyType::Users, 2),
            (SummaryKeyType::Roles, 3),
            (SummaryKeyType::MfaDevices, 1),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            account_summary(Some(&map)).unwrap(),
            AccountSummary {
                root_mfa_enabled: true,
                root_access_keys_present: false,
                users: 2,
                roles: 3,
                mfa_devices: 1,
            }
        );
        let mut partial = map;
        partial.remove(&SummaryKeyType::AccountMfaEnabled);
        let why = account_summary(Some(&partial)).unwrap_err();
        assert!(why.message.contains("AccountMFAEnabled"), "{}", why.message);
    }

    #[test]
    fn password_policy_fields() {
        let p = sdk::PasswordPolicy::builder()
            .minimum_password_length(14)
            .require_symbols(true)
            .require_numbers(true)
            .require_uppercase_characters(true)
            .require_lowercase_characters(false)
            .max_password_age(90)
            .password_reuse_prevention(24)
            .build();
        assert_eq!(
            password_policy_of(&p),
            PasswordPolicy {
                minimum_length: Some(14),
                require_symbols: true,
                require_numbers: true,
                require_uppercase: true,
                require_lowercase: false,
                max_age_days: Some(90),
                reuse_prevention: Some(24),
            }
        );
    }

    const REPORT_CSV: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
ci-deployer,arn:aws:iam::123456789012:user/ci-deployer,2023-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2023-11-04T22:13:20+00:00,N/A,N/A,N/A,true,2023-11-14T20:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2023-01-01T00:00:00+00:00,true,2023-11-01T00:00:00+00:00,2023-01-01T00:00:00+00:00,N/A,true,false,2022-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn credential_report_rows_with_ages_at_collection() {
        let now = DateTime::from_secs(1_700_000_000); // 2023-11-14T22:13:20Z
        let users = parse_report(REPORT_CSV, &now).unwrap();
        assert_eq!(
            users,
            vec![
                UserCredentials {
                    user: "alice".to_owned(),
                    arn: Some("arn:aws:iam::123456789012:user/alice".to_owned()),
                    console_access: Some(true),
                    mfa_active: Some(true),
                    active_access_key_ages_days: vec![],
                    active_access_key_last_rotated: vec![],
                },
                UserCredentials {
                    user: "ci-deployer".to_owned(),
                    arn: Some("arn:aws:iam::123456789012:user/ci-deployer".to_owned()),
                    console_access: Some(false),
                    mfa_active: Some(false),
                    active_access_key_ages_days: vec![10, 0],
                    active_access_key_last_rotated: vec![
                        "2023-11-04T22:13:20Z".to_owned(),
                        "2023-11-14T20:00:00Z".to_owned()
                    ],
                },
            ]
        );
    }

    #[test]
    fn credential_report_errors_name_the_problem() {
        let now = DateTime::from_secs(1_700_000_000);
        assert!(parse_report("", &now).unwrap_err().contains("empty"));
        assert!(parse_report("user,arn\nbob,x\n", &now)
            .unwrap_err()
            .contains("password_enabled"));
        let bad_time = REPORT_CSV.replace("2023-11-04T22:13:20+00:00", "yesterday");
        assert!(parse_report(&bad_time, &now)
            .unwrap_err()
            .contains("access_key_1_last_rotated 'yesterday'"));
    }

    #[test]
    fn quoted_csv_fields() {
        assert_eq!(
            csv_fields(r#"a,"b,c","d""e",,f"#),
            ["a", "b,c", "d\"e", "", "f"]
        );
    }

    fn service_error<E>(error: E, status: u16) -> SdkError<E, Response> {
        SdkError::service_error(
            error,
            Response::new(status.try_into().unwrap(), SdkBody::empty()),
        )
    }

    fn metadata(code: &str) -> ErrorMetadata {
        ErrorMetadata::builder().code(code).message("m").build()
    }

    #[test]
    fn no_password_policy_is_a_value_other_errors_are_unknown() {
        let missing = GetAccountPasswordPolicyError::generic(metadata("NoSuchEntity"));
        assert_eq!(
            password_policy_from(Err(service_error(missing, 404))),
            Ok(None)
        );
        let denied = GetAccountPasswordPolicyError::generic(metadata("AccessDenied"));
        let why = password_policy_from(Err(service_error(denied, 403))).unwrap_err();
        assert_eq!(why.kind, FailureKind::AccessDenied);
        assert_eq!(why.action, "iam:GetAccountPasswordPolicy");
        let set = GetAccountPasswordPolicyOutput::builder()
            .password_policy(
                sdk::PasswordPolicy::builder()
                    .minimum_password_length(8)
                    .build(),
            )
            .build();
        assert_eq!(
            password_policy_from(Ok(set))
                .unwrap()
                .unwrap()
                .minimum_length,
            Some(8)
        );
    }

    #[test]
    fn a_missing_report_is_not_found_with_an_instruction() {
        let now = DateTime::from_secs(1_700_000_000);
        for code in ["ReportNotPresent", "ReportExpired", "ReportInProgress"] {
            let error = GetCredentialReportError::generic(metadata(code));
            let why = report_from(Err(service_error(error, 410)), &now).unwrap_err();
            assert_eq!(why.kind, FailureKind::NotFound, "{code}");
            assert_eq!(why.action, "iam:GetCredentialReport");
            assert!(
                why.message.contains("aws iam generate-credential-report"),
                "{}",
                why.message
            );
        }
        let denied = GetCredentialReportError::generic(metadata("AccessDenied"));
        let why = report_from(Err(service_error(denied, 403)), &now).unwrap_err();
        assert_eq!(why.kind, FailureKind::AccessDenied);
    }

    #[test]
    fn the_report_blob_is_the_csv() {
        let now = DateTime::from_secs(1_700_000_000);
        let out = GetCredentialReportOutput::builder()
            .content(aws_smithy_types::Blob::new(REPORT_CSV))
            .generated_time(DateTime::from_secs(1_699_990_000))
            .build();
        let (users, generated_at) = report_from(Ok(out), &now).unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(generated_at.as_deref(), Some("2023-11-14T19:26:40Z"));
    }

    #[test]
    fn aws_managed_policies_by_arn() {
        assert!(is_aws_managed(
            "arn:aws:iam::aws:policy/AdministratorAccess"
        ));
        assert!(is_aws_managed(
            "arn:aws-cn:iam::aws:policy/job-function/ViewOnlyAccess"
        ));
        assert!(!is_aws_managed("arn:aws:iam::123456789012:policy/aws"));
    }
}
