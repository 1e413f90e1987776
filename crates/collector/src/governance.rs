//! Account-wide governance: CloudTrail trails, the S3 buckets they deliver to, CloudTrail Lake
//! event data stores, contacts.

use std::collections::BTreeMap;

use aws_sdk_account::types::{self as account_sdk, AlternateContactType};
use aws_sdk_account::Client as AccountClient;
use aws_sdk_cloudtrail::types::{self as trail_sdk, ReadWriteType};
use aws_sdk_cloudtrail::Client as CloudTrailClient;
use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::types::{self as s3_sdk, ObjectLockEnabled};
use aws_sdk_s3::Client as S3Client;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::{stream, StreamExt};
use rds_evidence_inventory::governance::{
    AlternateContact, Contacts, EventDataStore, EventDataStoreSettings, PrimaryContact,
    PublicAccessBlock, Trail, TrailBucket,
};
use rds_evidence_inventory::{FailureKind, Observed, Unavailable};

use crate::call_log::CallLog;
use crate::convert::owned;
use crate::failure::unavailable;
use crate::organization::Organization;
use crate::pages::drain;

/// `ListEventDataStores` returns at most 1000 stores a page.
const STORES_PAGE: i32 = 1000;

/// The account being collected, and the organization accounts that read what it cannot.
pub(crate) struct Member<'a> {
    pub account: &'a str,
    pub organization: Option<&'a Organization>,
    /// Calls the organization accounts made are credited here.
    pub log: &'a CallLog,
}

/// Every trail with its status and event selectors, and each distinct trail bucket once. An
/// organization trail owned by another account has its selectors read in the management
/// account and its bucket in the log-archive account when the accounts file names them;
/// otherwise what the member cannot read says what to add.
pub(crate) async fn trails_and_buckets(
    cloudtrail: &CloudTrailClient,
    s3: &S3Client,
    s3_in: &(dyn Fn(&str) -> S3Client + Sync),
    concurrency: usize,
    member: &Member<'_>,
) -> (Observed<Vec<Trail>>, Vec<TrailBucket>) {
    let listed = match describe_trails(cloudtrail).await {
        Ok(listed) => listed,
        Err(why) => return (Observed::Unknown(why), Vec::new()),
    };
    let trails: Vec<Trail> = stream::iter(listed)
        .map(|t| trail(cloudtrail, t, member))
        .buffered(concurrency)
        .collect()
        .await;
    // Trails often share one bucket: read each once, in name order, with the trail whose
    // bucket it is when that trail is another account's.
    let mut bucket_names: BTreeMap<String, Option<&Trail>> = BTreeMap::new();
    for trail in &trails {
        if let Some(name) = &trail.s3_bucket {
            let foreign = foreign_owner(trail, member.account).map(|_| trail);
            let entry = bucket_names.entry(name.clone()).or_default();
            *entry = entry.or(foreign);
        }
    }
    let buckets = stream::iter(bucket_names)
        .map(|(name, foreign)| async move {
            let credited = match foreign {
                Some(trail) => match member.organization {
                    Some(organization) => {
                        let region = trail.home_region.as_deref().unwrap_or_default();
                        organization.bucket(&name, region, member.log).await
                    }
                    None => None,
                },
                None => None,
            };
            match (credited, foreign) {
                (Some(bucket), _) => bucket,
                (None, Some(trail)) => {
                    with_hint(bucket(s3, s3_in, name).await, &log_archive_hint(trail))
                }
                (None, None) => bucket(s3, s3_in, name).await,
            }
        })
        .buffered(concurrency)
        .collect()
        .await;
    (Observed::Value(trails), buckets)
}

/// The account that owns `trail`, when not `account`: an organization trail seen from a
/// member.
fn foreign_owner<'t>(trail: &'t Trail, account: &str) -> Option<&'t str> {
    trail.owner_account().filter(|owner| *owner != account)
}

/// What to add when a member cannot read an organization trail's event selectors.
fn management_hint(trail: &Trail, owner: &str) -> String {
    format!(
        "trail {} belongs to account {owner}, the organization's: its event selectors are read \
         there; name it in the accounts file ([organization] management = {{ id = \"{owner}\" }})",
        trail.name
    )
}

/// What to add when a member cannot read an organization trail's bucket.
fn log_archive_hint(trail: &Trail) -> String {
    format!(
        "the bucket of trail {}, the organization's (account {}), lives in its log-archive \
         account: name that account in the accounts file ([organization] log_archive = \
         {{ id = \"…\" }}) to read the bucket there",
        trail.name,
        trail.owner_account().unwrap_or("?")
    )
}

/// `hint` added to each setting of `bucket` that could not be read.
fn with_hint(mut bucket: TrailBucket, hint: &str) -> TrailBucket {
    fn add<T>(observed: &mut Observed<T>, hint: &str) {
        if let Observed::Unknown(why) = observed {
            why.message = format!("{}; {hint}", why.message);
        }
    }
    add(&mut bucket.versioning, hint);
    add(&mut bucket.mfa_delete, hint);
    add(&mut bucket.object_lock, hint);
    add(&mut bucket.public_access_block, hint);
    add(&mut bucket.default_encryption, hint);
    add(&mut bucket.has_policy, hint);
    bucket
}

/// A bucket none of whose settings could be read, for `why`.
pub(crate) fn unknown_bucket(name: &str, why: Unavailable) -> TrailBucket {
    TrailBucket {
        name: name.to_owned(),
        versioning: Observed::Unknown(why.clone()),
        mfa_delete: Observed::Unknown(why.clone()),
        object_lock: Observed::Unknown(why.clone()),
        public_access_block: Observed::Unknown(why.clone()),
        default_encryption: Observed::Unknown(why.clone()),
        has_policy: Observed::Unknown(why),
        read_in: None,
    }
}

/// The region's CloudTrail Lake event data stores, each with its settings. The listing's own
/// fields beyond ARN and name are deprecated: `GetEventDataStore` gives them.
pub(crate) async fn event_data_stores(
    client: &CloudTrailClient,
    concurrency: usize,
) -> Observed<Vec<EventDataStore>> {
    let listed = match drain(
        client
            .list_event_data_stores()
            .max_results(STORES_PAGE)
            .into_paginator()
            .send(),
        "cloudtrail:ListEventDataStores",
    )
    .await
    {
        Ok(pages) => pages,
        Err(why) => return Observed::Unknown(why),
    };
    let arns: Vec<(String, Option<String>)> = listed
        .iter()
        .flat_map(|page| page.event_data_stores())
        .filter_map(|s| Some((owned(s.event_data_store_arn())?, owned(s.name()))))
        .collect();
    Observed::Value(
        stream::iter(arns)
            .map(|(arn, name)| async move {
                let settings = client
                    .get_event_data_store()
                    .event_data_store(&arn)
                    .send()
                    .await
                    .map(|out| EventDataStoreSettings {
                        status: out.status().map(|s| s.as_str().to_owned()),
                        multi_region: out.multi_region_enabled(),
                        organization: out.organization_enabled(),
                        termination_protection: out.termination_protection_enabled(),
                        retention_days: out.retention_period(),
                        management_events: management_scope(&[], out.advanced_event_selectors()),
                    })
                    .map_err(|e| unavailable("cloudtrail:GetEventDataStore", &e));
                EventDataStore {
                    arn,
                    name,
                    settings: settings.into(),
                    read_in: None,
                }
            })
            .buffered(concurrency)
            .collect()
            .await,
    )
}

/// DescribeTrails is not paginated. With shadow trails included, the home region lists its own
/// trails and every multi-region trail of the account, wherever it was created; a trail can
/// still appear twice (e.g. an organization trail), so trails are deduplicated by ARN and
/// sorted by name for a stable snapshot.
async fn describe_trails(client: &CloudTrailClient) -> Result<Vec<trail_sdk::Trail>, Unavailable> {
    let out = client
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(|e| unavailable("cloudtrail:DescribeTrails", &e))?;
    Ok(distinct_trails(out.trail_list()))
}

fn distinct_trails(listed: &[trail_sdk::Trail]) -> Vec<trail_sdk::Trail> {
    let by_arn: BTreeMap<(&str, &str), &trail_sdk::Trail> = listed
        .iter()
        .map(|t| {
            let arn = t.trail_arn().or(t.name()).unwrap_or_default();
            ((arn, t.name().unwrap_or_default()), t)
        })
        .collect();
    let mut trails: Vec<trail_sdk::Trail> = by_arn.into_values().cloned().collect();
    trails.sort_by(|a, b| (a.name(), a.trail_arn()).cmp(&(b.name(), b.trail_arn())));
    trails
}

async fn trail(client: &CloudTrailClient, listed: trail_sdk::Trail, member: &Member<'_>) -> Trail {
    // A shadow copy of a multi-region trail, or an organization trail seen from a member,
    // can only be addressed by its ARN.
    let id = listed
        .trail_arn()
        .or(listed.name())
        .unwrap_or_default()
        .to_owned();
    let mut trail = trail_from(&listed, Observed::Value(false), Observed::Value(None));
    let owner = foreign_owner(&trail, member.account).map(str::to_owned);
    let selectors = async {
        let credited = match (&owner, member.organization) {
            (Some(_), Some(organization)) => organization.trail_selectors(&id, member.log).await,
            _ => None,
        };
        match (credited, &owner) {
            (Some((events, account)), _) => (events, Some(account)),
            (None, Some(owner)) => {
                let hint = management_hint(&trail, owner);
                let events = management_events(client, &id).await.map_err(|mut why| {
                    why.message = format!("{}; {hint}", why.message);
                    why
                });
                (events.into(), None)
            }
            (None, None) => (management_events(client, &id).await.into(), None),
        }
    };
    let (logging, (management_events, read_in)) = tokio::join!(logging(client, &id), selectors);
    trail.logging = logging.into();
    trail.management_events = management_events;
    trail.selectors_read_in = read_in;
    trail
}

fn trail_from(
    t: &trail_sdk::Trail,
    logging: Observed<bool>,
    management_events: Observed<Option<String>>,
) -> Trail {
    Trail {
        name: t.name().unwrap_or_default().to_owned(),
        arn: owned(t.trail_arn()),
        home_region: owned(t.home_region()),
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        organization_trail: t.is_organization_trail().unwrap_or(false),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        kms_key_id: owned(t.kms_key_id()),
        s3_bucket: owned(t.s3_bucket_name()),
        cloudwatch_logs_log_group_arn: owned(t.cloud_watch_logs_log_group_arn()),
        logging,
        management_events,
        selectors_read_in: None,
    }
}

async fn logging(client: &CloudTrailClient, trail: &str) -> Result<bool, Unavailable> {
    let out = client
        .get_trail_status()
        .name(trail)
        .send()
        .await
        .map_err(|e| unavailable("cloudtrail:GetTrailStatus", &e))?;
    // IsLogging is documented as always present; without it the status is not known.
    out.is_logging().ok_or_else(|| Unavailable {
        action: "cloudtrail:GetTrailStatus".to_owned(),
        kind: FailureKind::Other,
        message: "response has no IsLogging".to_owned(),
    })
}

pub(crate) async fn management_events(
    client: &CloudTrailClient,
    trail: &str,
) -> Result<Option<String>, Unavailable> {
    let out = client
        .get_event_selectors()
        .trail_name(trail)
        .send()
        .await
        .map_err(|e| unavailable("cloudtrail:GetEventSelectors", &e))?;
    Ok(management_scope(
        out.event_selectors(),
        out.advanced_event_selectors(),
    ))
}

/// Which management events a trail records, over all its selectors: `All`, `ReadOnly`,
/// `WriteOnly`, or `None`. A trail has either basic or advanced selectors, never both.
fn management_scope(
    basic: &[trail_sdk::EventSelector],
    advanced: &[trail_sdk::AdvancedEventSelector],
) -> Option<String> {
    let mut read = false;
    let mut write = false;
    // IncludeManagementEvents and ReadWriteType default to true and All when omitted.
    for selector in basic
        .iter()
        .filter(|s| s.include_management_events().unwrap_or(true))
    {
        match selector.read_write_type() {
            Some(ReadWriteType::ReadOnly) => read = true,
            Some(ReadWriteType::WriteOnly) => write = true,
            _ => (read, write) = (true, true),
        }
    }
    for selector in advanced {
        let fields = selector.field_selectors();
        let management = fields
            .iter()
            .any(|f| f.field() == "eventCategory" && f.equals().iter().any(|v| v == "Management"));
        if !management {
            continue;
        }
        match fields.iter().find(|f| f.field() == "readOnly") {
            Some(f) if only(f.equals(), "true") || only(f.not_equals(), "false") => read = true,
            Some(f) if only(f.equals(), "false") || only(f.not_equals(), "true") => write = true,
            _ => (read, write) = (true, true),
        }
    }
    match (read, write) {
        (true, true) => Some("All".to_owned()),
        (true, false) => Some("ReadOnly".to_owned()),
        (false, true) => Some("WriteOnly".to_owned()),
        (false, false) => None,
    }
}

fn only(values: &[String], value: &str) -> bool {
    values.len() == 1 && values[0] == value
}

/// Every setting of one trail bucket. A bucket in another region than the trail's home
/// answers there with a redirect naming its region (`x-amz-bucket-region`): every call about
/// it then goes to that region.
pub(crate) async fn bucket(
    home: &S3Client,
    s3_in: &(dyn Fn(&str) -> S3Client + Sync),
    name: String,
) -> TrailBucket {
    let probe = home.get_bucket_versioning().bucket(&name).send().await;
    let home_region = home.config().region().map(|r| r.as_ref().to_owned());
    let regional = probe
        .as_ref()
        .err()
        .and_then(redirected_region)
        .filter(|region| home_region.as_deref() != Some(region.as_str()))
        .map(|region| s3_in(&region));
    let client = regional.as_ref().unwrap_or(home);
    let versioning_result = match &regional {
        Some(client) => client.get_bucket_versioning().bucket(&name).send().await,
        None => probe,
    };
    let (object_lock, public_access_block, default_encryption, has_policy) = tokio::join!(
        object_lock(client, &name),
        public_access_block(client, &name),
        default_encryption(client, &name),
        has_policy(client, &name),
    );
    let (versioning, mfa_delete) = match versioning(versioning_result) {
        Ok((status, mfa_delete)) => (Observed::Value(status), Observed::Value(mfa_delete)),
        Err(why) => (Observed::Unknown(why.clone()), Observed::Unknown(why)),
    };
    TrailBucket {
        name,
        versioning,
        mfa_delete,
        object_lock: object_lock.into(),
        public_access_block: public_access_block.into(),
        default_encryption: default_encryption.into(),
        has_policy: has_policy.into(),
        read_in: None,
    }
}

/// The region S3 names in a redirect for a bucket that lives elsewhere.
fn redirected_region<E>(error: &SdkError<E, Response>) -> Option<String> {
    error
        .raw_response()?
        .headers()
        .get("x-amz-bucket-region")
        .map(str::to_owned)
}

/// Status and MFA delete; S3 omits both on a bucket whose versioning was never turned on.
fn versioning<E>(
    result: Result<GetBucketVersioningOutput, SdkError<E, Response>>,
) -> Result<(Option<String>, Option<String>), Unavailable>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let out = result.map_err(|e| unavailable("s3:GetBucketVersioning", &e))?;
    Ok((
        out.status().map(|s| s.as_str().to_owned()),
        out.mfa_delete().map(|m| m.as_str().to_owned()),
    ))
}

async fn object_lock(client: &S3Client, bucket: &str) -> Result<bool, Unavailable> {
    let result = client
        .get_object_lock_configuration()
        .bucket(bucket)
        .send()
        .await;
    value_unless(
        result,
        "s3:GetObjectLockConfiguration",
        "ObjectLockConfigurationNotFoundError",
        false,
        |out| {
            out.object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                == Some(&ObjectLockEnabled::Enabled)
        },
    )
}

async fn public_access_block(
    client: &S3Client,
    bucket: &str,
) -> Result<Option<PublicAccessBlock>, Unavailable> {
    let result = client.get_public_access_block().bucket(bucket).send().await;
    value_unless(
        result,
        "s3:GetPublicAccessBlock",
        "NoSuchPublicAccessBlockConfiguration",
        None,
        |out| out.public_access_block_configuration().map(access_block),
    )
}

/// S3 documents an omitted setting as false: the block is off for that setting.
fn access_block(c: &s3_sdk::PublicAccessBlockConfiguration) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: c.block_public_acls().unwrap_or(false),
        ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
        block_public_policy: c.block_public_policy().unwrap_or(false),
        restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
    }
}

async fn default_encryption(
    client: &S3Client,
    bucket: &str,
) -> Result<Option<String>, Unavailable> {
    let result = client.get_bucket_encryption().bucket(bucket).send().await;
    value_unless(
        result,
        "s3:GetBucketEncryption",
        "ServerSideEncryptionConfigurationNotFoundError",
        None,
        |out| {
            out.server_side_encryption_configuration()
                .and_then(encryption_algorithm)
        },
    )
}

fn encryption_algorithm(c: &s3_sdk::ServerSideEncryptionConfiguration) -> Option<String> {
    c.rules()
        .first()
        .and_then(|rule| rule.apply_server_side_encryption_by_default())
        .map(|default| default.sse_algorithm().as_str().to_owned())
}

/// Only whether a policy exists: its text is not kept.
async fn has_policy(client: &S3Client, bucket: &str) -> Result<bool, Unavailable> {
    let result = client.get_bucket_policy().bucket(bucket).send().await;
    value_unless(
        result,
        "s3:GetBucketPolicy",
        "NoSuchBucketPolicy",
        false,
        |out| out.policy().is_some(),
    )
}

/// `convert` of a successful response; `absent` when the call failed with `absent_code`, the
/// API's way of saying "not configured"; unavailable for any other failure.
fn value_unless<O, T, E>(
    result: Result<O, SdkError<E, Response>>,
    action: &str,
    absent_code: &str,
    absent: T,
    convert: impl FnOnce(O) -> T,
) -> Result<T, Unavailable>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(out) => Ok(convert(out)),
        Err(e)
            if e.as_service_error().and_then(ProvideErrorMetadata::code) == Some(absent_code) =>
        {
            Ok(absent)
        }
        Err(e) => Err(unavailable(action, &e)),
    }
}

/// The primary contact and the alternate contacts that are set, reduced to what shows whether
/// they are set and corporate.
pub(crate) async fn contacts(account: &AccountClient) -> Contacts {
    let (primary, alternate) = tokio::join!(primary_contact(account), alternate_contacts(account));
    Contacts {
        primary: primary.into(),
        alternate: alternate.into(),
    }
}

async fn primary_contact(client: &AccountClient) -> Result<Option<PrimaryContact>, Unavailable> {
    let result = client.get_contact_information().send().await;
    value_unless(
        result,
        "account:GetContactInformation",
        "ResourceNotFoundException",
        None,
        |out| out.contact_information().map(primary_from),
    )
}

fn primary_from(c: &account_sdk::ContactInformation) -> PrimaryContact {
    PrimaryContact {
        company_name: non_empty(c.company_name()),
        country_code: non_empty(Some(c.country_code())),
        has_phone: non_empty(Some(c.phone_number())).is_some(),
    }
}

/// Each type is asked for separately; an unset one answers ResourceNotFoundException.
async fn alternate_contacts(client: &AccountClient) -> Result<Vec<AlternateContact>, Unavailable> {
    let kinds = [
        AlternateContactType::Billing,
        AlternateContactType::Operations,
        AlternateContactType::Security,
    ];
    let found = futures::future::join_all(kinds.map(|kind| alternate_contact(client, kind))).await;
    Ok(found
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect())
}

async fn alternate_contact(
    client: &AccountClient,
    kind: AlternateContactType,
) -> Result<Option<AlternateContact>, Unavailable> {
    let result = client
        .get_alternate_contact()
        .alternate_contact_type(kind.clone())
        .send()
        .await;
    value_unless(
        result,
        "account:GetAlternateContact",
        "ResourceNotFoundException",
        None,
        |out| {
            out.alternate_contact()
                .map(|c| alternate_from(kind.as_str(), c))
        },
    )
}

/// Names, titles, full addresses and numbers are personal data: only the email's domain and
/// whether a phone number is set are kept.
fn alternate_from(kind: &str, c: &account_sdk::AlternateContact) -> AlternateContact {
    AlternateContact {
        contact_type: kind.to_owned(),
        email_domain: c
            .email_address()
            .and_then(|e| e.rsplit_once('@'))
            .and_then(|(_, domain)| non_empty(Some(domain)))
            .map(|d| d.to_ascii_lowercase()),
        has_phone: non_empty(c.phone_number()).is_some(),
    }
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::AdvancedFieldSelector;
    use aws_sdk_s3::operation::get_bucket_policy::{GetBucketPolicyError, GetBucketPolicyOutput};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn basic(include: Option<bool>, rw: Option<ReadWriteType>) -> trail_sdk::EventSelector {
        trail_sdk::EventSelector::builder()
            .set_include_management_events(include)
            .set_read_write_type(rw)
            .build()
    }

    fn field(name: &str, equals: &[&str], not_equals: &[&str]) -> AdvancedFieldSelector {
        AdvancedFieldSelector::builder()
            .field(name)
            .set_equals(Some(equals.iter().map(|v| v.to_string()).collect()))
            .set_not_equals(Some(not_equals.iter().map(|v| v.to_string()).collect()))
            .build()
            .unwrap()
    }

    fn advanced(fields: Vec<AdvancedFieldSelector>) -> trail_sdk::AdvancedEventSelector {
        trail_sdk::AdvancedEventSelector::builder()
            .set_field_selectors(Some(fields))
            .build()
            .unwrap()
    }

    #[test]
    fn basic_selectors_give_the_management_scope() {
        let scope = |s: &[trail_sdk::EventSelector]| management_scope(s, &[]);
        assert_eq!(scope(&[basic(None, None)]).as_deref(), Some("All"));
        assert_eq!(
            scope(&[basic(Some(true), Some(ReadWriteType::WriteOnly))]).as_deref(),
            Some("WriteOnly")
        );
        assert_eq!(
            scope(&[
                basic(Some(true), Some(ReadWriteType::ReadOnly)),
                basic(Some(true), Some(ReadWriteType::WriteOnly))
            ])
            .as_deref(),
            Some("All")
        );
        assert_eq!(scope(&[basic(Some(false), Some(ReadWriteType::All))]), None);
        assert_eq!(scope(&[]), None);
    }

    #[test]
    fn advanced_selectors_give_the_management_scope() {
        let management = || field("eventCategory", &["Management"], &[]);
        let scope = |s: &[trail_sdk::AdvancedEventSelector]| management_scope(&[], s);
        assert_eq!(
            scope(&[advanced(vec![management()])]).as_deref(),
            Some("All")
        );
        assert_eq!(
            scope(&[advanced(vec![
                management(),
                field("readOnly", &["false"], &[])
            ])])
            .as_deref(),
            Some("WriteOnly")
        );
        assert_eq!(
            scope(&[advanced(vec![
                management(),
                field("readOnly", &[], &["false"])
            ])])
            .as_deref(),
            Some("ReadOnly")
        );
        // Data events only: management events are not recorded.
        let data = advanced(vec![
            field("eventCategory", &["Data"], &[]),
            field("resources.type", &["AWS::S3::Object"], &[]),
        ]);
        assert_eq!(scope(&[data]), None);
    }

    #[test]
    fn shadow_trails_appear_once_sorted_by_name() {
        let t = |name: &str, region: &str| {
            trail_sdk::Trail::builder()
                .name(name)
                .trail_arn(format!(
                    "arn:aws:cloudtrail:{region}:111122223333:trail/{name}"
                ))
                .build()
        };
        let listed = [
            t("org", "eu-west-1"),
            t("dev", "us-east-1"),
            t("org", "eu-west-1"),
        ];
        let names: Vec<_> = distinct_trails(&listed)
            .iter()
            .map(|t| t.name().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["dev", "org"]);
    }

    #[test]
    fn trail_fields_map_and_absent_flags_are_false() {
        let listed = trail_sdk::Trail::builder()
            .name("audit")
            .trail_arn("arn:aws:cloudtrail:us-east-1:111122223333:trail/audit")
            .home_region("us-east-1")
            .is_multi_region_trail(true)
            .s3_bucket_name("logs")
            .build();
        let trail = trail_from(
            &listed,
            Observed::Value(true),
            Observed::Value(Some("All".into())),
        );
        assert!(trail.multi_region);
        assert!(!trail.log_file_validation && !trail.organization_trail);
        assert_eq!(trail.s3_bucket.as_deref(), Some("logs"));
        assert_eq!(trail.kms_key_id, None);
    }

    #[test]
    fn bucket_settings_map() {
        let block = access_block(
            &s3_sdk::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .build(),
        );
        assert!(block.block_public_policy && !block.restrict_public_buckets);
        assert!(!block.blocks_everything());
        let encryption = s3_sdk::ServerSideEncryptionConfiguration::builder()
            .rules(
                s3_sdk::ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(
                        s3_sdk::ServerSideEncryptionByDefault::builder()
                            .sse_algorithm(s3_sdk::ServerSideEncryption::AwsKms)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build()
            .unwrap();
        assert_eq!(
            encryption_algorithm(&encryption).as_deref(),
            Some("aws:kms")
        );
    }

    fn policy_error(code: &str, status: u16) -> SdkError<GetBucketPolicyError, Response> {
        let error = GetBucketPolicyError::generic(ErrorMetadata::builder().code(code).build());
        let raw = Response::new(status.try_into().unwrap(), SdkBody::empty());
        SdkError::service_error(error, raw)
    }

    #[test]
    fn not_configured_is_a_value_other_errors_are_unknown() {
        let has = |result| {
            value_unless(
                result,
                "s3:GetBucketPolicy",
                "NoSuchBucketPolicy",
                false,
                |o: GetBucketPolicyOutput| o.policy().is_some(),
            )
        };
        assert_eq!(has(Err(policy_error("NoSuchBucketPolicy", 404))), Ok(false));
        let denied = has(Err(policy_error("AccessDenied", 403))).unwrap_err();
        assert_eq!(denied.kind, FailureKind::AccessDenied);
        assert_eq!(denied.action, "s3:GetBucketPolicy");
        let with_policy = GetBucketPolicyOutput::builder().policy("{}").build();
        assert_eq!(has(Ok(with_policy)), Ok(true));
    }

    #[test]
    fn contacts_keep_no_personal_data() {
        let alternate = account_sdk::AlternateContact::builder()
            .name("Jane Doe")
            .title("CISO")
            .email_address("Jane.Doe@Example.COM")
            .phone_number("+1 555 0100")
            .alternate_contact_type(AlternateContactType::Security)
            .build();
        assert_eq!(
            alternate_from("SECURITY", &alternate),
            AlternateContact {
                contact_type: "SECURITY".into(),
                email_domain: Some("example.com".into()),
                has_phone: true,
            }
        );
        let primary = account_sdk::ContactInformation::builder()
            .full_name("Jane Doe")
            .address_line1("1 Main St")
            .city("Seattle")
            .postal_code("98101")
            .country_code("US")
            .phone_number("+1 555 0100")
            .company_name("Example Corp")
            .build()
            .unwrap();
        assert_eq!(
            primary_from(&primary),
            PrimaryContact {
                company_name: Some("Example Corp".into()),
                country_code: Some("US".into()),
                has_phone: true,
            }
        );
    }
}
