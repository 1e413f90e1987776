//! Reads an AWS account's RDS and Aurora estate, and what surrounds it, into a [`Snapshot`].
//!
//! This is the only crate that talks to AWS, and it only reads: every operation it may call is
//! in [`allow_list::ALLOWED_ACTIONS`], enforced on every request. What it cannot read (access
//! denied, throttled, unsupported) is recorded in the snapshot as unknown, never left out.

mod accounts;
pub mod allow_list;
mod call_log;
mod changes;
mod cloudwatch;
mod convert;
mod dms;
mod ec2;
mod error;
mod failure;
pub mod faults;
mod governance;
mod http;
mod iam;
mod input;
mod kms;
mod logs;
mod organization;
mod pages;
pub mod permissions;
mod rds;
mod rds_extras;
mod region;
mod services;
mod session;
pub mod traffic;
mod well_architected;

use futures::{stream, StreamExt};
use rds_evidence_inventory::governance::AccountWide;
use rds_evidence_inventory::{Account, Snapshot, Source, SCHEMA_VERSION};

pub use accounts::{
    account_target, accounts_from_ids, load_accounts, AccountTarget, Accounts, AccountsError,
    OrganizationAccounts, TargetRole,
};
pub use call_log::CallLog;
pub use convert::now as utc_now;
pub use error::CollectError;
pub use failure::error_chain;
pub use http::RequestLimit;
pub use input::{
    check_region, parse_external_id, parse_role_arn, parse_session_name, InvalidInput,
    RegionSelection,
};
pub use organization::Organization;
pub use session::{Access, AssumeRole};
pub use well_architected::{parse_workload_arn, well_architected};

use crate::failure::unavailable;
use crate::session::Clients;
use crate::traffic::{MissingResponse, RecordingManifest, Traffic};

/// What to collect, and how to reach it.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub access: Access,
    pub regions: RegionSelection,
    /// Carried into the snapshot's account, e.g. the customer's name.
    pub labels: std::collections::BTreeMap<String, String>,
    /// Declared for the whole account (accounts file), carried into the snapshot.
    pub environment: Option<rds_evidence_inventory::Environment>,
    pub windows: Windows,
    /// The organization's management and log-archive accounts, shared by every account of
    /// the run: what a member cannot read is read there, once.
    pub organization: Option<std::sync::Arc<Organization>>,
}

/// How far back activity is read, in whole days before the collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// Utilisation statistics (CloudWatch).
    pub metrics_days: u32,
    /// RDS changes (CloudTrail keeps 90 days of management events).
    pub changes_days: u32,
}

impl Default for Windows {
    fn default() -> Self {
        Windows {
            metrics_days: 14,
            changes_days: 90,
        }
    }
}

/// Told about progress as collection goes; the CLI draws it on a terminal.
pub trait Progress: Sync {
    fn regions_resolved(&self, _regions: &[String]) {}
    fn region_collected(&self, _region: &str) {}
}

/// Reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Regions collected at once. Requests are bounded separately, by `Access::concurrency`.
const REGIONS_AT_ONCE: usize = 4;

/// Who the caller is; an unreachable endpoint is named as such.
async fn caller_identity(
    sts: &aws_sdk_sts::Client,
    access: &Access,
    home: &str,
) -> Result<aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput, CollectError> {
    sts.get_caller_identity().send().await.map_err(|e| {
        let why = unavailable("sts:GetCallerIdentity", &e);
        match why.kind {
            rds_evidence_inventory::FailureKind::Unreachable => CollectError::Unreachable {
                endpoint: access
                    .endpoint_url
                    .clone()
                    .unwrap_or_else(|| format!("the STS endpoint of {home}")),
                message: why.message,
            },
            _ => CollectError::Identity(why),
        }
    })
}

/// The partition (`aws`, `aws-us-gov`, `aws-cn`, …) of the caller's own identity, from the ARN
/// it names: where the ARN of a role given by name points. Asked live, with the caller's
/// credentials, in the first of `regions` (else the configured region).
pub async fn caller_partition(
    access: &Access,
    regions: &RegionSelection,
) -> Result<String, CollectError> {
    let access = Access {
        role: None,
        traffic: Traffic::Live,
        ..access.clone()
    };
    let connection = session::connect(&access, regions.home()).await?;
    let home = connection
        .config
        .region()
        .map(|r| r.as_ref().to_owned())
        .ok_or(CollectError::NoRegion)?;
    let log = CallLog::new();
    let sts = session::sts_client(&connection.config, &home, &log, &connection.transport);
    let identity = caller_identity(&sts, &access, &home).await?;
    let arn = identity.arn().unwrap_or_default();
    match arn.split(':').nth(1) {
        Some(partition) if arn.starts_with("arn:") && partition.starts_with("aws") => {
            Ok(partition.to_owned())
        }
        _ => Err(CollectError::Identity(
            rds_evidence_inventory::Unavailable {
                action: "sts:GetCallerIdentity".to_owned(),
                kind: rds_evidence_inventory::FailureKind::Other,
                message: format!("the caller's ARN '{arn}' names no partition"),
            },
        )),
    }
}

/// Collects one account. Fails only when nothing can be collected (no credentials, no such
/// region, endpoint unreachable); narrower failures are recorded in the snapshot.
pub async fn collect(
    options: &CollectOptions,
    progress: &dyn Progress,
) -> Result<Snapshot, CollectError> {
    let log = CallLog::new();
    let home = options.regions.home();
    let replay_manifest = match &options.access.traffic {
        Traffic::Replay { dir, .. } => {
            Some(RecordingManifest::read(dir).map_err(CollectError::Recording)?)
        }
        _ => None,
    };
    // A replay asks for account-level data where the recording did.
    let home = match &replay_manifest {
        Some(manifest) => Some(manifest.home_region.as_str()),
        None => home,
    };
    let collected_at = match &replay_manifest {
        Some(manifest) => manifest.recorded_at.clone(),
        None => convert::now(),
    };
    let connection = session::connect(&options.access, home).await?;
    let config = &connection.config;
    let home = config
        .region()
        .map(|r| r.as_ref().to_owned())
        .ok_or(CollectError::NoRegion)?;
    let transport = &connection.transport;
    let home_clients = Clients::new(config, &home, &log, transport);

    let identity = caller_identity(&home_clients.sts, &options.access, &home).await?;
    let account = Account {
        id: identity.account().unwrap_or_default().to_owned(),
        caller_arn: identity.arn().unwrap_or_default().to_owned(),
        labels: options.labels.clone(),
        environment: options.environment,
    };

    let (enabled, disabled) = ec2::regions(&home_clients.ec2)
        .await
        .map_err(CollectError::Regions)?;
    let regions = match &options.regions {
        RegionSelection::Configured => match &replay_manifest {
            Some(manifest) => manifest.regions.clone(),
            None => vec![home.clone()],
        },
        RegionSelection::Named(named) => named.clone(),
        RegionSelection::All => enabled.clone(),
    };
    let unknown: Vec<&str> = regions
        .iter()
        .filter(|r| !enabled.contains(r))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(CollectError::UnknownRegions {
            unknown: unknown.join(", "),
            enabled: enabled.join(", "),
        });
    }
    progress.regions_resolved(&regions);
    let recorded_regions = regions.clone();

    let concurrency = options.access.concurrency.max(1);
    let activity = region::Activity::before(&collected_at, options.windows);
    let activity = &activity;
    let s3_in = |region: &str| session::s3_client(config, region, &log, transport);
    let member = governance::Member {
        account: &account.id,
        organization: options.organization.as_deref(),
        log: &log,
    };
    let member = &member;
    let account_wide = async {
        let ((trails, trail_buckets), iam, contacts) = tokio::join!(
            governance::trails_and_buckets(
                &home_clients.cloudtrail,
                &home_clients.s3,
                &s3_in,
                concurrency,
                member,
            ),
            iam::iam(&home_clients.iam, &collected_at),
            governance::contacts(&home_clients.account),
        );
        AccountWide {
            trails,
            trail_buckets,
            iam,
            contacts,
        }
    };
    let region_snapshots = stream::iter(regions)
        .map(|region| {
            let clients = Clients::new(config, &region, &log, transport);
            async move {
                let snapshot =
                    region::collect(&clients, &region, concurrency, activity, member).await;
                progress.region_collected(&region);
                snapshot
            }
        })
        .buffer_unordered(REGIONS_AT_ONCE)
        .collect::<Vec<_>>();
    let (account_wide, mut region_snapshots) = tokio::join!(account_wide, region_snapshots);
    region_snapshots.sort_by(|a, b| a.region.cmp(&b.region));

    if let Some(recorder) = &connection.recorder {
        let anonymize = matches!(
            options.access.traffic,
            Traffic::Record {
                anonymize: true,
                ..
            }
        );
        recorder
            .write_manifest(&RecordingManifest {
                tool_version: env!("CARGO_PKG_VERSION").to_owned(),
                recorded_at: collected_at.clone(),
                home_region: home.clone(),
                regions: recorded_regions,
                anonymized: anonymize,
            })
            .map_err(CollectError::Recording)?;
        if let Some(first) = recorder.failures().first() {
            return Err(CollectError::Recording(format!(
                "the recording is incomplete: cannot write {first}"
            )));
        }
    }
    let (mut unanswered, unwritten) = options
        .organization
        .as_deref()
        .map(Organization::problems)
        .unwrap_or_default();
    if let Some(first) = unwritten.first() {
        return Err(CollectError::Recording(format!(
            "the organization accounts' recording is incomplete: cannot write {first}"
        )));
    }
    if let (Some(replayer), Traffic::Replay { missing, .. }) =
        (&connection.replayer, &options.access.traffic)
    {
        unanswered.extend(replayer.missing());
        if *missing == MissingResponse::Fail && !unanswered.is_empty() {
            return Err(CollectError::ReplayMissing {
                count: unanswered.len(),
                first: unanswered[0].clone(),
            });
        }
    }

    let source = match (&options.access.traffic, replay_manifest) {
        (Traffic::Replay { dir, .. }, Some(manifest)) => Source::Replay {
            recording: dir.display().to_string(),
            recorded_at: manifest.recorded_at,
            recorded_by: manifest.tool_version,
            anonymized: manifest.anonymized,
        },
        _ => Source::Live {
            endpoint: options.access.endpoint_url.clone(),
        },
    };
    Ok(Snapshot {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        collected_at,
        account,
        account_wide,
        regions: region_snapshots,
        disabled_regions: disabled,
        calls: log.calls(),
        source: Some(source),
        other_accounts: Vec::new(),
        well_architected: None,
    })
}
