//! Account governance (ACCT-001): CloudTrail everywhere with protected logs, the root user,
//! contacts.

use rds_evidence_inventory::governance::{EventDataStore, Trail};
use rds_evidence_inventory::Observed;

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &MULTI_REGION_TRAIL,
    &TRAIL_BUCKET_PROTECTED,
    &ROOT_MFA,
    &ROOT_ACCESS_KEYS,
    &SECURITY_CONTACT,
];

fn account(ctx: &Context) -> Resource {
    Resource::new(Scope::Account, "", &ctx.snapshot.account.id)
}

check! {
    /// At least one multi-region trail is logging all management events with log file validation,
    /// or a CloudTrail Lake event data store collects them in every region.
    ///
    /// An organization trail counts for every member account: its status is read from the member
    /// (by ARN), its event selectors in the organization's management account when the accounts
    /// file names it. A Lake event data store counts when it is `ENABLED`, multi-region, collects
    /// all management events and has termination protection: the account's own, or the
    /// organization's, read in the management account.
    pub static MULTI_REGION_TRAIL = Check {
        id: "cloudtrail.account.multi_region_trail",
        title: "CloudTrail records all management events in every region",
        rationale: "ACCT-001 asks for CloudTrail in all regions: without it, changes to databases, \
                    keys and networks in an unwatched region leave no record. A multi-region \
                    trail with log file validation proves the record was not edited; a CloudTrail \
                    Lake event data store keeps the events immutable in the store itself.",
        remediation: "Create (or update) a trail with IsMultiRegionTrail, management events Read \
                      and Write, log file validation on, and start logging; or a multi-region \
                      CloudTrail Lake event data store of all management events with termination \
                      protection.",
        severity: Severity::High,
        scope: Scope::Account,
        evaluate: multi_region_trail,
    };
}

fn multi_region_trail(ctx: &Context) -> Vec<Finding> {
    let check = &MULTI_REGION_TRAIL;
    let trails = match &ctx.snapshot.account_wide.trails {
        Observed::Value(trails) => trails,
        Observed::Unknown(why) => {
            return vec![Finding::new(
                check,
                account(ctx),
                Outcome::InsufficientEvidence,
                format!("trails unknown: {why}"),
            )]
        }
    };
    let mut unknown = Vec::new();
    let mut shortfalls = Vec::new();
    for trail in trails.iter().filter(|t| t.multi_region) {
        match trail_shortfall(trail) {
            Ok(None) => {
                let finding = Finding::new(
                    check,
                    account(ctx),
                    Outcome::Pass,
                    format!(
                        "trail {} logs all management events in every region",
                        trail.name
                    ),
                )
                .with("trail", &trail.name);
                return vec![credited(
                    finding,
                    "selectors_read_in",
                    &trail.selectors_read_in,
                )];
            }
            Ok(Some(shortfall)) => shortfalls.push(format!("{}: {shortfall}", trail.name)),
            Err(why) => unknown.push(format!("{}: {why}", trail.name)),
        }
    }
    for region in &ctx.snapshot.regions {
        let stores = match &region.event_data_stores {
            Observed::Value(stores) => stores,
            Observed::Unknown(why) => {
                unknown.push(format!("event data stores of {}: {why}", region.region));
                continue;
            }
        };
        for store in stores {
            let name = store.name.as_deref().unwrap_or(&store.arn);
            match store_shortfall(store) {
                Ok(None) => {
                    let finding = Finding::new(
                        check,
                        account(ctx),
                        Outcome::Pass,
                        format!(
                            "CloudTrail Lake event data store {name} ({}) collects all \
                             management events in every region",
                            region.region
                        ),
                    )
                    .with("event_data_store", &store.arn);
                    return vec![credited(finding, "read_in", &store.read_in)];
                }
                Ok(Some(shortfall)) => shortfalls.push(format!("{name}: {shortfall}")),
                Err(why) => unknown.push(format!("{name}: {why}")),
            }
        }
    }
    let (outcome, detail) = if !unknown.is_empty() {
        (
            Outcome::InsufficientEvidence,
            format!("cannot tell: {}", unknown.join("; ")),
        )
    } else if shortfalls.is_empty() {
        (
            Outcome::Fail,
            "no multi-region trail, no CloudTrail Lake event data store".to_owned(),
        )
    } else {
        (Outcome::Fail, shortfalls.join("; "))
    };
    vec![Finding::new(check, account(ctx), outcome, detail)]
}

/// `finding`, naming the organization account its evidence was read in, if another.
fn credited(finding: Finding, name: &str, account: &Option<String>) -> Finding {
    match account {
        Some(account) => finding.with(name, account),
        None => finding,
    }
}

/// What keeps an event data store from being the record of every region, or why that is
/// unknown.
fn store_shortfall(store: &EventDataStore) -> Result<Option<String>, String> {
    let settings = match &store.settings {
        Observed::Value(settings) => settings,
        Observed::Unknown(why) => return Err(why.to_string()),
    };
    let mut missing = Vec::new();
    if settings.status.as_deref() != Some("ENABLED") {
        missing.push(format!(
            "status {}",
            settings.status.as_deref().unwrap_or("not given")
        ));
    }
    if settings.multi_region != Some(true) {
        missing.push("not multi-region".to_owned());
    }
    match settings.management_events.as_deref() {
        Some("All") => {}
        Some(other) => missing.push(format!("management events {other} only")),
        None => missing.push("no management events".to_owned()),
    }
    if settings.termination_protection != Some(true) {
        missing.push("termination protection off".to_owned());
    }
    Ok((!missing.is_empty()).then(|| missing.join(", ")))
}

/// What keeps a multi-region trail from qualifying, or why that is unknown.
fn trail_shortfall(trail: &Trail) -> Result<Option<String>, String> {
    let logging = match &trail.logging {
        Observed::Value(logging) => *logging,
        Observed::Unknown(why) => return Err(why.to_string()),
    };
    let events = match &trail.management_events {
        Observed::Value(events) => events.clone(),
        Observed::Unknown(why) => return Err(why.to_string()),
    };
    let mut missing = Vec::new();
    if !logging {
        missing.push("not logging".to_owned());
    }
    match events.as_deref() {
        Some("All") => {}
        Some(other) => missing.push(format!("management events {other} only")),
        None => missing.push("no management events".to_owned()),
    }
    if !trail.log_file_validation {
        missing.push("log file validation off".to_owned());
    }
    Ok((!missing.is_empty()).then(|| missing.join(", ")))
}

check! {
    /// The buckets trails deliver to are versioned (or locked) and blocked from public access.
    pub static TRAIL_BUCKET_PROTECTED = Check {
        id: "cloudtrail.bucket.protected",
        title: "CloudTrail log buckets are versioned and not public",
        rationale: "ACCT-001 asks for CloudTrail logs protected from accidental deletion in a \
                    dedicated bucket: versioning or object lock keeps deleted logs recoverable, and \
                    a full public access block keeps them private.",
        remediation: "Enable versioning (or object lock) on the log bucket and turn on all four \
                      settings of its public access block.",
        severity: Severity::High,
        scope: Scope::S3Bucket,
        evaluate: trail_bucket_protected,
    };
}

fn trail_bucket_protected(ctx: &Context) -> Vec<Finding> {
    let check = &TRAIL_BUCKET_PROTECTED;
    ctx.snapshot
        .account_wide
        .trail_buckets
        .iter()
        .map(|bucket| {
            let resource = Resource::new(Scope::S3Bucket, "", &bucket.name);
            let versioned = match (&bucket.versioning, &bucket.object_lock) {
                (_, Observed::Value(true)) => Ok(true),
                (Observed::Value(status), _) => Ok(status.as_deref() == Some("Enabled")),
                (Observed::Unknown(why), _) => Err(why.to_string()),
            };
            let private = match &bucket.public_access_block {
                Observed::Value(block) => Ok(block.is_some_and(|b| b.blocks_everything())),
                Observed::Unknown(why) => Err(why.to_string()),
            };
            match (versioned, private) {
                (Ok(true), Ok(true)) => Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    "versioned or locked, public access blocked",
                ),
                (Ok(false), _) => Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    "neither versioned nor locked",
                ),
                (_, Ok(false)) => Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    "public access not fully blocked",
                ),
                (Err(why), _) | (_, Err(why)) => {
                    Finding::new(check, resource, Outcome::InsufficientEvidence, why)
                }
            }
        })
        .collect()
}

check! {
    /// The root user has MFA.
    pub static ROOT_MFA = Check {
        id: "iam.root.mfa_enabled",
        title: "The root user has MFA enabled",
        rationale: "The root user can do anything, including closing the account; ACCT-001 asks \
                    for MFA on it.",
        remediation: "Sign in as root and assign an MFA device (a hardware key preferably).",
        severity: Severity::Critical,
        scope: Scope::Account,
        evaluate: root_mfa,
    };
}

fn root_mfa(ctx: &Context) -> Vec<Finding> {
    let check = &ROOT_MFA;
    vec![match &ctx.snapshot.account_wide.iam.summary {
        Observed::Value(s) if s.root_mfa_enabled => {
            Finding::new(check, account(ctx), Outcome::Pass, "root MFA enabled")
        }
        Observed::Value(_) => Finding::new(check, account(ctx), Outcome::Fail, "root MFA off"),
        Observed::Unknown(why) => Finding::new(
            check,
            account(ctx),
            Outcome::InsufficientEvidence,
            why.to_string(),
        ),
    }]
}

check! {
    /// The root user has no access keys.
    pub static ROOT_ACCESS_KEYS = Check {
        id: "iam.root.no_access_keys",
        title: "The root user has no access keys",
        rationale: "Root access keys give unrestricted programmatic access that no policy can \
                    limit; ACCT-001 asks when root is used at all, and the answer is never by key.",
        remediation: "Delete the root user's access keys and use IAM roles instead.",
        severity: Severity::Critical,
        scope: Scope::Account,
        evaluate: root_access_keys,
    };
}

fn root_access_keys(ctx: &Context) -> Vec<Finding> {
    let check = &ROOT_ACCESS_KEYS;
    vec![match &ctx.snapshot.account_wide.iam.summary {
        Observed::Value(s) if s.root_access_keys_present => {
            Finding::new(check, account(ctx), Outcome::Fail, "root has access keys")
        }
        Observed::Value(_) => Finding::new(
            check,
            account(ctx),
            Outcome::Pass,
            "root has no access keys",
        ),
        Observed::Unknown(why) => Finding::new(
            check,
            account(ctx),
            Outcome::InsufficientEvidence,
            why.to_string(),
        ),
    }]
}

check! {
    /// A security contact is set, besides the primary contact.
    pub static SECURITY_CONTACT = Check {
        id: "account.contacts.security_contact",
        title: "The account has a primary and a security contact",
        rationale: "ACCT-001 asks for contact information on corporate addresses: AWS sends \
                    security notices to the security contact, and they must reach someone.",
        remediation: "Set the primary contact and the SECURITY alternate contact (a team mailbox \
                      on the company's domain).",
        severity: Severity::Medium,
        scope: Scope::Account,
        evaluate: security_contact,
    };
}

fn security_contact(ctx: &Context) -> Vec<Finding> {
    let check = &SECURITY_CONTACT;
    let contacts = &ctx.snapshot.account_wide.contacts;
    let finding = match (&contacts.primary, &contacts.alternate) {
        (Observed::Unknown(why), _) | (_, Observed::Unknown(why)) => Finding::new(
            check,
            account(ctx),
            Outcome::InsufficientEvidence,
            why.to_string(),
        ),
        (Observed::Value(primary), Observed::Value(alternate)) => {
            let security = alternate.iter().find(|c| c.contact_type == "SECURITY");
            match (primary, security) {
                (Some(_), Some(security)) => Finding::new(
                    check,
                    account(ctx),
                    Outcome::Pass,
                    "primary and security contacts set",
                )
                .with("security_email_domain", &security.email_domain),
                (None, _) => Finding::new(check, account(ctx), Outcome::Fail, "no primary contact"),
                (_, None) => {
                    Finding::new(check, account(ctx), Outcome::Fail, "no security contact")
                }
            }
        }
    };
    vec![finding]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::governance::{
        AlternateContact, EventDataStoreSettings, PrimaryContact, PublicAccessBlock, TrailBucket,
    };

    fn trail(name: &str) -> Trail {
        Trail {
            name: name.into(),
            arn: None,
            home_region: Some("us-east-1".into()),
            multi_region: true,
            organization_trail: false,
            log_file_validation: true,
            kms_key_id: None,
            s3_bucket: Some("logs".into()),
            cloudwatch_logs_log_group_arn: None,
            logging: Observed::Value(true),
            management_events: Observed::Value(Some("All".into())),
            selectors_read_in: None,
        }
    }

    fn with_trails(trails: Observed<Vec<Trail>>) -> rds_evidence_inventory::Snapshot {
        let mut snapshot = snapshot(vec![]);
        snapshot.account_wide.trails = trails;
        snapshot
    }

    #[test]
    fn multi_region_trail_pass_fail_unknown() {
        let pass = run(
            &MULTI_REGION_TRAIL,
            &with_trails(Observed::Value(vec![trail("audit")])),
        );
        assert_eq!(pass[0].outcome, Outcome::Pass);

        let mut regional = trail("local");
        regional.multi_region = false;
        let mut unvalidated = trail("audit");
        unvalidated.log_file_validation = false;
        unvalidated.management_events = Observed::Value(Some("WriteOnly".into()));
        let fail = run(
            &MULTI_REGION_TRAIL,
            &with_trails(Observed::Value(vec![regional, unvalidated])),
        );
        assert_eq!(fail[0].outcome, Outcome::Fail);
        assert!(fail[0].detail.contains("WriteOnly") && fail[0].detail.contains("validation"));

        let mut unknown_status = trail("audit");
        unknown_status.logging = Observed::Unknown(denied("cloudtrail:GetTrailStatus"));
        let unknown = run(
            &MULTI_REGION_TRAIL,
            &with_trails(Observed::Value(vec![unknown_status])),
        );
        assert_eq!(unknown[0].outcome, Outcome::InsufficientEvidence);
        let none = run(
            &MULTI_REGION_TRAIL,
            &with_trails(Observed::Unknown(denied("cloudtrail:DescribeTrails"))),
        );
        assert_eq!(none[0].outcome, Outcome::InsufficientEvidence);
        let empty = run(&MULTI_REGION_TRAIL, &with_trails(Observed::Value(vec![])));
        assert_eq!(empty[0].outcome, Outcome::Fail);
    }

    fn store(protected: bool) -> EventDataStore {
        EventDataStore {
            arn: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/org-lake".into(),
            name: Some("org-lake".into()),
            settings: Observed::Value(EventDataStoreSettings {
                status: Some("ENABLED".into()),
                multi_region: Some(true),
                organization: Some(true),
                termination_protection: Some(protected),
                retention_days: Some(2557),
                management_events: Some("All".into()),
            }),
            read_in: Some("111122223333".into()),
        }
    }

    #[test]
    fn a_lake_event_data_store_is_the_record_when_no_trail_is() {
        let mut regional = trail("local");
        regional.multi_region = false;
        let mut snapshot = with_trails(Observed::Value(vec![regional]));
        snapshot.regions = vec![region("us-east-1")];
        snapshot.regions[0].event_data_stores = Observed::Value(vec![store(true)]);
        let pass = run(&MULTI_REGION_TRAIL, &snapshot);
        assert_eq!(pass[0].outcome, Outcome::Pass);
        assert!(
            pass[0].detail.contains("org-lake (us-east-1)"),
            "{}",
            pass[0].detail
        );
        assert_eq!(pass[0].values["read_in"], "111122223333");

        snapshot.regions[0].event_data_stores = Observed::Value(vec![store(false)]);
        let fail = run(&MULTI_REGION_TRAIL, &snapshot);
        assert_eq!(fail[0].outcome, Outcome::Fail);
        assert!(fail[0]
            .detail
            .contains("org-lake: termination protection off"));

        snapshot.regions[0].event_data_stores =
            Observed::Unknown(denied("cloudtrail:ListEventDataStores"));
        let unknown = run(&MULTI_REGION_TRAIL, &snapshot);
        assert_eq!(unknown[0].outcome, Outcome::InsufficientEvidence);
        assert!(unknown[0].detail.contains("event data stores of us-east-1"));

        // A qualifying trail is enough whatever the stores.
        snapshot.account_wide.trails = Observed::Value(vec![trail("audit")]);
        assert_eq!(
            run(&MULTI_REGION_TRAIL, &snapshot)[0].outcome,
            Outcome::Pass
        );
    }

    #[test]
    fn an_organization_trail_read_in_the_management_account_counts() {
        let mut organization = trail("org-trail");
        organization.organization_trail = true;
        organization.arn = Some("arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail".into());
        organization.selectors_read_in = Some("111122223333".into());
        let pass = run(
            &MULTI_REGION_TRAIL,
            &with_trails(Observed::Value(vec![organization])),
        );
        assert_eq!(pass[0].outcome, Outcome::Pass);
        assert_eq!(pass[0].values["selectors_read_in"], "111122223333");
    }

    fn bucket(name: &str, versioning: Option<&str>, blocked: bool) -> TrailBucket {
        TrailBucket {
            name: name.into(),
            versioning: Observed::Value(versioning.map(str::to_owned)),
            mfa_delete: Observed::Value(None),
            object_lock: Observed::Value(false),
            public_access_block: Observed::Value(Some(PublicAccessBlock {
                block_public_acls: blocked,
                ignore_public_acls: blocked,
                block_public_policy: blocked,
                restrict_public_buckets: blocked,
            })),
            default_encryption: Observed::Value(Some("AES256".into())),
            has_policy: Observed::Value(true),
            read_in: None,
        }
    }

    #[test]
    fn trail_buckets() {
        let mut snapshot = snapshot(vec![]);
        let mut unknown = bucket("unknown", Some("Enabled"), true);
        unknown.public_access_block = Observed::Unknown(denied("s3:GetPublicAccessBlock"));
        snapshot.account_wide.trail_buckets = vec![
            bucket("good", Some("Enabled"), true),
            bucket("unversioned", None, true),
            bucket("open", Some("Enabled"), false),
            unknown,
        ];
        assert_eq!(
            outcomes(&run(&TRAIL_BUCKET_PROTECTED, &snapshot)),
            [
                ("good".into(), Outcome::Pass),
                ("unversioned".into(), Outcome::Fail),
                ("open".into(), Outcome::Fail),
                ("unknown".into(), Outcome::InsufficientEvidence),
            ]
        );
    }

    #[test]
    fn root_user() {
        let mut snapshot = snapshot(vec![]);
        assert_eq!(run(&ROOT_MFA, &snapshot)[0].outcome, Outcome::Fail);
        assert_eq!(run(&ROOT_ACCESS_KEYS, &snapshot)[0].outcome, Outcome::Pass);
        if let Observed::Value(summary) = &mut snapshot.account_wide.iam.summary {
            summary.root_mfa_enabled = true;
            summary.root_access_keys_present = true;
        }
        assert_eq!(run(&ROOT_MFA, &snapshot)[0].outcome, Outcome::Pass);
        assert_eq!(run(&ROOT_ACCESS_KEYS, &snapshot)[0].outcome, Outcome::Fail);
        snapshot.account_wide.iam.summary = Observed::Unknown(denied("iam:GetAccountSummary"));
        assert_eq!(
            run(&ROOT_MFA, &snapshot)[0].outcome,
            Outcome::InsufficientEvidence
        );
        assert_eq!(
            run(&ROOT_ACCESS_KEYS, &snapshot)[0].outcome,
            Outcome::InsufficientEvidence
        );
    }

    #[test]
    fn contacts() {
        let mut snapshot = snapshot(vec![]);
        assert_eq!(run(&SECURITY_CONTACT, &snapshot)[0].outcome, Outcome::Fail);
        snapshot.account_wide.contacts.primary = Observed::Value(Some(PrimaryContact {
            company_name: Some("Example Corp".into()),
            country_code: Some("DE".into()),
            has_phone: true,
        }));
        snapshot.account_wide.contacts.alternate = Observed::Value(vec![AlternateContact {
            contact_type: "SECURITY".into(),
            email_domain: Some("example.com".into()),
            has_phone: true,
        }]);
        assert_eq!(run(&SECURITY_CONTACT, &snapshot)[0].outcome, Outcome::Pass);
        snapshot.account_wide.contacts.alternate =
            Observed::Unknown(denied("account:GetAlternateContact"));
        assert_eq!(
            run(&SECURITY_CONTACT, &snapshot)[0].outcome,
            Outcome::InsufficientEvidence
        );
    }
}
