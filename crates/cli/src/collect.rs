use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use futures::{stream, StreamExt};
use rds_evidence_bundle::manifest::collection_source;
use rds_evidence_bundle::{
    check_accounts_destination, write_accounts_workbook, Contents, Destination, Input, Manifest,
};
use rds_evidence_collector::faults::FaultPlan;
use rds_evidence_collector::traffic::{
    check_recording_destination, check_recordings_destination, MissingResponse, Traffic,
};
use rds_evidence_collector::{
    accounts_from_ids, caller_partition, load_accounts, parse_external_id, parse_role_arn,
    parse_session_name, Access, AccountTarget, Accounts, AssumeRole, CollectOptions, NoProgress,
    Organization, OrganizationAccounts, RegionSelection, RequestLimit, TargetRole, Windows,
};
use rds_evidence_controls::Evaluation;
use rds_evidence_history::{compare, HistoryTable, IndexEntry, Shard, Store};
use rds_evidence_inventory::well_architected::WellArchitected;
use rds_evidence_inventory::{ApiCall, FailureKind, Observed, Snapshot, Unavailable};

use crate::bundle::{ArchiveFailed, BundleArgs, BundleWriter, Provenance};
use crate::evaluate::{evaluate_into, DocumentArgs, EvaluationInputs, LoadedInputs};
use crate::history::StoreArgs;
use crate::progress::TerminalProgress;
use crate::store::OpenStore;
use crate::summary;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("role_source").args(["role_arn", "account_ids"])))]
pub struct CollectArgs {
    /// The bundle directory to write (new, empty, or an earlier bundle to replace). With
    /// several accounts: a directory holding one bundle per account.
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "store",
        conflicts_with = "store"
    )]
    out: Option<PathBuf>,

    /// Write each account's bundle into this history store instead, named by account and
    /// time, and compare it with the account's previous run there (exit 3 on a regression).
    #[command(flatten)]
    pub store: StoreArgs,

    /// Collect only the accounts of shard I of N, I from 0 to N-1: a stable hash of the
    /// account id picks the shard, so N jobs cover every account exactly once. `auto/N` takes
    /// I from JOB_COMPLETION_INDEX (Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch).
    #[arg(long, value_name = "I/N", env = "RDS_EVIDENCE_SHARD", value_parser = parse_shard)]
    shard: Option<Shard>,

    /// Regions to collect: a comma-separated list, or `all` for every region enabled in the
    /// account. Default: the region of the environment or AWS profile.
    #[arg(long, visible_alias = "region", value_name = "LIST", value_parser = RegionSelection::parse)]
    regions: Option<RegionSelection>,

    /// AWS profile to take credentials and region from. Default: the standard provider chain
    /// (environment, profile, SSO, container or instance metadata).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,

    /// Role in the customer's account to assume (read-only; see `allow-list`).
    #[arg(long, value_name = "ARN", value_parser = parse_role_arn, conflicts_with_all = ["accounts", "account_ids"])]
    role_arn: Option<String>,

    /// Collect many accounts: a TOML file of `[[account]]` entries (id, role_arn or
    /// --role-name, external_id, regions, labels). Writes DIR/<account id>/ for each.
    #[arg(long, value_name = "FILE", conflicts_with = "account_ids")]
    accounts: Option<PathBuf>,

    /// Collect the accounts of this case study and write one bundle for it, `DIR/<case study
    /// id>/`, judging only its scope (repeatable; an account two case studies share is
    /// collected once; `rds-evidence case-study init` writes a template).
    #[arg(
        long = "case-study",
        value_name = "FILE",
        conflicts_with_all = ["role_arn", "accounts", "account_ids", "no_evaluate", "shard"]
    )]
    case_studies: Vec<PathBuf>,

    /// Collect these accounts (comma-separated ids) through the role --role-name.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        requires = "role_name"
    )]
    account_ids: Vec<String>,

    /// The role to assume in each account of --accounts or --account-ids that names none.
    #[arg(long, value_name = "NAME")]
    role_name: Option<String>,

    /// Accounts collected at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    account_concurrency: u16,

    /// External id the role's trust policy requires (with --role-arn or --account-ids).
    #[arg(long, value_name = "ID", requires = "role_source", value_parser = parse_external_id)]
    external_id: Option<String>,

    /// Session name for the assumed role, visible in the customer's CloudTrail.
    #[arg(long, value_name = "NAME", default_value = "rds-evidence", value_parser = parse_session_name)]
    session_name: String,

    /// Send every request to this endpoint instead of AWS (a local emulator).
    #[arg(long, value_name = "URL", value_parser = parse_endpoint_url)]
    endpoint_url: Option<String>,

    /// AWS requests in flight at once, across all regions and accounts. Time a request waits
    /// for its turn does not count against --call-timeout.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,

    /// AWS requests of one service in one region of an account in flight at once: AWS limits
    /// request rates per service (or operation), account and region.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    service_concurrency: u16,

    /// Days of CloudWatch statistics summarised per database (peaks, growth, rightsizing).
    #[arg(long, value_name = "DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=455))]
    metrics_days: u32,

    /// Days of CloudTrail history searched for RDS changes (CloudTrail keeps 90).
    #[arg(long, value_name = "DAYS", default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=90))]
    changes_days: u32,

    /// Attempts per request, the first included; throttling and transient errors are retried
    /// with exponential backoff and jitter.
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,

    /// Also write every AWS response to DIR, one file per request, for replay (credentials and
    /// signatures removed).
    #[arg(long, value_name = "DIR", conflicts_with = "replay")]
    record: Option<PathBuf>,

    /// With --record: replace account ids, also inside ARNs, by stable placeholders.
    #[arg(long, requires = "record")]
    anonymize: bool,

    /// Answer every request from a recording made with --record: no AWS, no network, no
    /// credentials. Regions default to those recorded.
    #[arg(
        long,
        value_name = "DIR",
        conflicts_with_all = ["profile", "role_arn", "endpoint_url"]
    )]
    replay: Option<PathBuf>,

    /// With --replay: what a request the recording has no answer for does.
    #[arg(
        long,
        value_enum,
        value_name = "WHAT",
        default_value = "fail",
        requires = "replay"
    )]
    replay_missing: ReplayMissing,

    /// Checklist profile file to evaluate against. Default: the built-in August 2025 edition.
    #[arg(long, value_name = "FILE")]
    checklist: Option<PathBuf>,

    /// Attestations file (`rds-evidence attestations init` writes a template).
    #[arg(long, value_name = "FILE")]
    attestations: Option<PathBuf>,

    #[command(flatten)]
    documents: DocumentArgs,

    /// Only collect: a bundle of snapshot.json and its manifest, no findings, verdicts or
    /// reports.
    #[arg(long, conflicts_with_all = ["checklist", "attestations"])]
    no_evaluate: bool,

    #[command(flatten)]
    bundle: BundleArgs,

    /// Seconds the whole collection may take; past that it stops and writes nothing.
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    timeout: Option<u64>,

    /// Testing: inject faults under the SDK, e.g.
    /// `rate=0.3,seed=7,kinds=throttle+5xx+reset+slow,slow-ms=1500,deny=kms:GetKeyPolicy`.
    #[arg(long, value_name = "SPEC", hide = true, value_parser = FaultPlan::parse)]
    inject_faults: Option<FaultPlan>,

    /// Seconds allowed for one attempt of one request, from when it is sent (time queued
    /// behind --concurrency and --service-concurrency does not count).
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    call_timeout: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReplayMissing {
    /// Stop with an error naming the missing request.
    Fail,
    /// Record that data as unavailable in the snapshot, like an unsupported API.
    RecordAsUnavailable,
}

/// Whether the written snapshot holds everything that was asked for, and whether a stored
/// run regressed against the one before.
pub enum Completion {
    Complete,
    Incomplete,
    Regressed,
}

impl CollectArgs {
    /// The history store, reached the way this collection reaches AWS.
    pub fn open_store(&self) -> anyhow::Result<Option<OpenStore>> {
        self.store
            .open_for_collection(self.endpoint_url.as_deref(), self.replay.is_some())
    }
}

/// `I/N`, or `auto/N`: the index of a Kubernetes Indexed Job or an AWS Batch array job.
fn parse_shard(text: &str) -> Result<Shard, String> {
    let spec = match text.strip_prefix("auto/") {
        Some(count) => {
            let index = ARRAY_INDEX_VARIABLES
                .iter()
                .find_map(|name| std::env::var(name).ok())
                .ok_or_else(|| {
                    format!(
                        "{text}: none of {} is set; give the shard as I/N",
                        ARRAY_INDEX_VARIABLES.join(", ")
                    )
                })?;
            format!("{index}/{count}")
        }
        None => text.to_owned(),
    };
    Shard::parse(&spec).map_err(|e| e.to_string())
}

/// Where parallel-job schedulers put a job's index, counted from 0.
const ARRAY_INDEX_VARIABLES: &[&str] = &["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"];

pub fn run(args: CollectArgs) -> anyhow::Result<Completion> {
    let report = collect_accounts(args)?;
    if !report.failed.is_empty() {
        anyhow::bail!(
            "{} account(s) or case stud(ies) could not be collected or written: {}; the others \
             were written",
            report.failed.len(),
            report.failed.join(", ")
        )
    }
    if !report.not_archived.is_empty() {
        return Err(ArchiveFailed {
            why: format!(
                "{} of {} archive(s) could not be written",
                report.not_archived.len(),
                report.collected.len()
            ),
            bundles: report.not_archived,
        }
        .into());
    }
    Ok(report.completion)
}

/// What a run did, account by account.
pub struct RunReport {
    /// `Regressed` when any stored account regressed, whatever else happened.
    pub completion: Completion,
    pub collected: Vec<String>,
    pub regressed: Vec<String>,
    /// Accounts that could not be collected or written; the others were.
    pub failed: Vec<String>,
    /// Bundles written whose `--archive` failed.
    pub not_archived: Vec<PathBuf>,
}

/// Collects and writes every account; an account that fails is reported, not fatal.
pub fn collect_accounts(args: CollectArgs) -> anyhow::Result<RunReport> {
    let inputs = EvaluationInputs {
        profile: args.checklist.clone(),
        attestations: args.attestations.clone(),
        documents: args.documents.policy(),
    };
    // Bad inputs are refused before any AWS call is made.
    let loaded = if args.no_evaluate {
        None
    } else {
        Some(inputs.load()?)
    };
    let case_studies = crate::case_study::load(
        &args.case_studies,
        args.checklist.as_deref(),
        args.attestations.as_deref(),
        &inputs.documents,
        args.role_name.as_deref(),
    )?;
    let writer = args.bundle.load()?;
    let store = args.open_store()?;
    let run = Run {
        args: &args,
        inputs: loaded.as_ref(),
        writer: &writer,
        store: store.as_ref(),
        regressed: Mutex::default(),
    };
    let accounts = if case_studies.is_empty() {
        account_targets(&args)?
    } else {
        Some(Accounts {
            targets: case_study_targets(&case_studies),
            organization: OrganizationAccounts::default(),
        })
    };
    // Where the run writes is checked before collecting: nothing that is not the tool's is
    // ever overwritten.
    match (&args.out, &accounts) {
        (Some(out), None) => writer.check_destination(out)?,
        (Some(out), Some(_)) if !case_studies.is_empty() => {
            for loaded in &case_studies {
                writer.check_destination(&out.join(&loaded.case.id))?;
            }
        }
        (Some(out), Some(_)) => check_accounts_destination(out)?,
        (None, _) => {}
    }
    match (&args.record, &accounts) {
        (Some(dir), None) => check_recording_destination(dir).map_err(anyhow::Error::msg)?,
        (Some(dir), Some(_)) => check_recordings_destination(dir).map_err(anyhow::Error::msg)?,
        (None, _) => {}
    }
    let mut base = CollectOptions {
        access: Access {
            profile: args.profile.clone(),
            role: args.role_arn.clone().map(|role_arn| AssumeRole {
                role_arn,
                external_id: args.external_id.clone(),
                session_name: args.session_name.clone(),
            }),
            endpoint_url: args.endpoint_url.clone(),
            concurrency: usize::from(args.concurrency),
            request_limit: RequestLimit::new(usize::from(args.concurrency)),
            service_concurrency: usize::from(args.service_concurrency),
            max_attempts: args.max_attempts,
            call_timeout: Duration::from_secs(args.call_timeout),
            traffic: traffic(
                args.record.clone(),
                args.anonymize,
                args.replay.clone(),
                args.replay_missing,
            ),
            faults: args.inject_faults.clone(),
        },
        regions: args.regions.clone().unwrap_or(RegionSelection::Configured),
        labels: Default::default(),
        environment: None,
        windows: Windows {
            metrics_days: args.metrics_days,
            changes_days: args.changes_days,
        },
        organization: None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let Some(Accounts {
        targets,
        organization,
    }) = accounts
    else {
        let progress = TerminalProgress::new();
        let collection = rds_evidence_collector::collect(&base, &progress);
        let snapshot = within(&runtime, args.timeout, collection)??;
        progress.finish();
        let written = run.write(args.out.as_deref(), &snapshot)?;
        writer.archive(&written.dir, &written.manifest)?;
        return Ok(run.report(
            written.completion,
            vec![snapshot.account.id.clone()],
            Vec::new(),
            Vec::new(),
        ));
    };

    // A role given by name is in the partition of the caller's own identity (aws-us-gov,
    // aws-cn, …); a replay assumes no role.
    let named = targets
        .iter()
        .chain(&organization.management)
        .chain(&organization.log_archive)
        .any(|t| matches!(t.role, TargetRole::Name(_)));
    let partition = if named && args.replay.is_none() {
        let lookup = caller_partition(&base.access, &base.regions);
        Some(within(&runtime, args.timeout, lookup)??)
    } else {
        None
    };
    // The organization's accounts, reached like the others: their reads are shared by all.
    let reach = |target: &AccountTarget| {
        let access = options_for(&base, target, &args.session_name, partition.as_deref()).access;
        (target.id.clone(), access)
    };
    if organization.management.is_some() || organization.log_archive.is_some() {
        base.organization = Some(Arc::new(Organization::new(
            organization.management.as_ref().map(reach),
            organization.log_archive.as_ref().map(reach),
        )));
    }
    let results = within(
        &runtime,
        args.timeout,
        stream::iter(targets)
            .map(|target| {
                let options = options_for(&base, &target, &args.session_name, partition.as_deref());
                async move {
                    let result = rds_evidence_collector::collect(&options, &NoProgress).await;
                    (target.id, result)
                }
            })
            .buffer_unordered(usize::from(args.account_concurrency))
            .collect::<Vec<_>>(),
    )?;
    let mut results = results;
    results.sort_by(|a, b| a.0.cmp(&b.0));
    if !case_studies.is_empty() {
        let reviews = within(
            &runtime,
            args.timeout,
            wafr_reviews(&base.access, &case_studies, &args.session_name),
        )?;
        return run.write_case_studies(&case_studies, results, reviews);
    }
    let mut failed = Vec::new();
    let mut not_archived = Vec::new();
    let mut collected = Vec::new();
    let mut completion = Completion::Complete;
    let mut cases = Vec::new();
    for (id, result) in results {
        let written = result.map_err(anyhow::Error::from).and_then(|snapshot| {
            println!("\n== Account {id} ==");
            let out = args.out.as_ref().map(|out| out.join(&id));
            let written = run.write(out.as_deref(), &snapshot)?;
            Ok((written, snapshot))
        });
        match written {
            Ok((written, snapshot)) => {
                collected.push(id.clone());
                if let Completion::Incomplete = written.completion {
                    completion = Completion::Incomplete;
                }
                if let Err(error) = writer.archive(&written.dir, &written.manifest) {
                    eprintln!("error: account {id}: {error}");
                    not_archived.push(written.dir);
                }
                cases.extend(written.evaluation.map(|evaluation| (snapshot, evaluation)));
            }
            Err(error) => {
                eprintln!("error: account {id}: {}", crate::one_line(&error));
                failed.push(id);
            }
        }
    }
    if let (Some(inputs), Some(out)) = (&loaded, &args.out) {
        write_portfolio_workbook(out, &cases, inputs)?;
    }
    Ok(run.report(completion, collected, failed, not_archived))
}

/// Runs `work` to its end, or gives up once `--timeout` has passed: a run always ends.
fn within<T>(
    runtime: &tokio::runtime::Runtime,
    timeout: Option<u64>,
    work: impl std::future::Future<Output = T>,
) -> anyhow::Result<T> {
    let Some(seconds) = timeout else {
        return Ok(runtime.block_on(work));
    };
    // The timer needs the runtime: it is made inside it.
    runtime
        .block_on(async { tokio::time::timeout(Duration::from_secs(seconds), work).await })
        .map_err(|_| {
            anyhow::anyhow!(
                "collection did not finish within --timeout {seconds}s; nothing was written"
            )
        })
}

/// The accounts of --accounts or --account-ids, of this job's shard, and the organization's
/// accounts the accounts file names; `None` for a single-account run.
fn account_targets(args: &CollectArgs) -> anyhow::Result<Option<Accounts>> {
    let role_name = args.role_name.as_deref();
    let Accounts {
        targets,
        organization,
    } = match (&args.accounts, args.account_ids.is_empty()) {
        (Some(path), _) => load_accounts(path, role_name)?,
        (None, false) => Accounts {
            targets: accounts_from_ids(
                &args.account_ids,
                role_name.unwrap_or_default(),
                args.external_id.as_deref(),
            )?,
            organization: OrganizationAccounts::default(),
        },
        (None, true) => {
            if args.shard.is_some() {
                anyhow::bail!("--shard splits an account list: give --accounts or --account-ids");
            }
            return Ok(None);
        }
    };
    let Some(shard) = args.shard else {
        return Ok(Some(Accounts {
            targets,
            organization,
        }));
    };
    let mine: Vec<AccountTarget> = targets
        .into_iter()
        .filter(|target| shard.contains(&target.id))
        .collect();
    println!("Shard {shard}: {} account(s)", mine.len());
    Ok(Some(Accounts {
        targets: mine,
        organization,
    }))
}

/// Every account of the case studies, once: the first case study to name an account gives
/// its role and regions.
fn case_study_targets(case_studies: &[crate::case_study::LoadedCaseStudy]) -> Vec<AccountTarget> {
    let mut targets: Vec<AccountTarget> = Vec::new();
    for target in case_studies.iter().flat_map(|loaded| &loaded.targets) {
        if !targets.iter().any(|t| t.id == target.id) {
            targets.push(target.clone());
        }
    }
    targets
}

/// The run's options for one account: its role, regions and labels, and its own recording.
/// `partition` is the caller's, known whenever a live run names a role; a replay assumes none.
fn options_for(
    base: &CollectOptions,
    target: &AccountTarget,
    session_name: &str,
    partition: Option<&str>,
) -> CollectOptions {
    let mut options = base.clone();
    let role_arn = match (&target.role, partition) {
        (TargetRole::Arn(arn), _) => Some(arn.clone()),
        (TargetRole::Name(_), Some(partition)) => Some(target.role_arn(partition)),
        (TargetRole::Name(_), None) => None,
    };
    options.access.role = role_arn.map(|role_arn| AssumeRole {
        role_arn,
        external_id: target.external_id.clone(),
        session_name: session_name.to_owned(),
    });
    if let Some(regions) = &target.regions {
        options.regions = regions.clone();
    }
    options.labels = target.labels.clone();
    options.environment = target.environment;
    options.access.traffic = traffic_under(&base.access.traffic, Path::new(&target.id));
    options
}

/// Recordings of one account or review: in their own directory of the run's.
fn traffic_under(traffic: &Traffic, sub: &Path) -> Traffic {
    match traffic {
        Traffic::Record { dir, anonymize } => Traffic::Record {
            dir: dir.join(sub),
            anonymize: *anonymize,
        },
        Traffic::Replay { dir, missing } => Traffic::Replay {
            dir: dir.join(sub),
            missing: *missing,
        },
        Traffic::Live => Traffic::Live,
    }
}

/// Where a case study's Well-Architected review is recorded, beside its accounts'.
const WAFR_TRAFFIC_DIR: &str = "well-architected";

/// A case study's review as read, with the calls made for it.
type Review = (WellArchitected, Vec<ApiCall>);

/// The Well-Architected review each case study names, read with the identity its file gives
/// (the run's own credentials otherwise). A review that cannot be read is unknown, part by
/// part: it exempts nothing, and the case study's bundle is still written.
async fn wafr_reviews(
    base: &Access,
    case_studies: &[crate::case_study::LoadedCaseStudy],
    session_name: &str,
) -> BTreeMap<String, Review> {
    let mut reviews = BTreeMap::new();
    for loaded in case_studies {
        let Some(wafr) = &loaded.case.wafr else {
            continue;
        };
        let mut access = base.clone();
        if let Some(role_arn) = &wafr.role_arn {
            access.role = Some(AssumeRole {
                role_arn: role_arn.clone(),
                external_id: wafr.external_id.clone(),
                session_name: session_name.to_owned(),
            });
        }
        access.traffic = traffic_under(
            &base.traffic,
            &Path::new(WAFR_TRAFFIC_DIR).join(&loaded.case.id),
        );
        let review = rds_evidence_collector::well_architected(&access, &wafr.workload)
            .await
            .unwrap_or_else(|error| {
                let error = anyhow::Error::from(error);
                (unreadable_review(&wafr.workload, &error), Vec::new())
            });
        reviews.insert(loaded.case.id.clone(), review);
    }
    reviews
}

/// A review none of whose parts could be read, each saying why.
fn unreadable_review(workload_arn: &str, error: &anyhow::Error) -> WellArchitected {
    let why = |action: &str| Unavailable {
        action: action.to_owned(),
        kind: FailureKind::Other,
        message: crate::one_line(error),
    };
    WellArchitected {
        workload_arn: workload_arn.to_owned(),
        workload: Observed::Unknown(why("wellarchitected:GetWorkload")),
        pillars: Observed::Unknown(why("wellarchitected:GetLensReview")),
        milestones: Observed::Unknown(why("wellarchitected:ListMilestones")),
        report: Observed::Unknown(why("wellarchitected:GetLensReviewReport")),
    }
}

/// One run's settings for writing each account's bundle.
struct Run<'a> {
    args: &'a CollectArgs,
    inputs: Option<&'a LoadedInputs>,
    writer: &'a BundleWriter,
    store: Option<&'a OpenStore>,
    /// Accounts whose stored run regressed against the one before.
    regressed: Mutex<Vec<String>>,
}

impl Run<'_> {
    /// A regression outranks missing data, which the run has reported.
    fn report(
        &self,
        completion: Completion,
        collected: Vec<String>,
        failed: Vec<String>,
        not_archived: Vec<PathBuf>,
    ) -> RunReport {
        let regressed =
            std::mem::take(&mut *self.regressed.lock().unwrap_or_else(|p| p.into_inner()));
        let completion = if regressed.is_empty() {
            completion
        } else {
            println!(
                "\nRegressed since the previous run: {}",
                regressed.join(", ")
            );
            Completion::Regressed
        };
        RunReport {
            completion,
            collected,
            regressed,
            failed,
            not_archived,
        }
    }

    /// One bundle per case study from its accounts' snapshots; a case study with an account
    /// that could not be collected is reported, the others written.
    fn write_case_studies(
        &self,
        case_studies: &[crate::case_study::LoadedCaseStudy],
        results: Vec<(
            String,
            Result<Snapshot, rds_evidence_collector::CollectError>,
        )>,
        mut reviews: BTreeMap<String, Review>,
    ) -> anyhow::Result<RunReport> {
        let mut snapshots = Vec::new();
        let mut unreachable = Vec::new();
        for (id, result) in results {
            match result {
                Ok(snapshot) => snapshots.push(snapshot),
                Err(error) => {
                    let error = anyhow::Error::from(error);
                    eprintln!("error: account {id}: {}", crate::one_line(&error));
                    unreachable.push(id);
                }
            }
        }
        let mut completion = Completion::Complete;
        let (mut collected, mut failed, mut not_archived) = (Vec::new(), Vec::new(), Vec::new());
        for loaded in case_studies {
            let case = &loaded.case;
            let written = (|| -> anyhow::Result<(Completion, PathBuf, Manifest)> {
                if let Some(missing) = case.accounts.iter().find(|a| unreachable.contains(&a.id)) {
                    anyhow::bail!("account {} could not be collected", missing.id);
                }
                let mut combined = crate::case_study::combine(case, &snapshots)?;
                if let Some((review, calls)) = reviews.remove(&case.id) {
                    combined.well_architected = Some(review);
                    combined.calls.extend(calls);
                }
                crate::case_study::check_scope(case, &combined)?;
                println!("\n== Case study {} ({}) ==", case.id, case.customer);
                for account in std::iter::once(&combined).chain(&combined.other_accounts) {
                    print!("{}", summary::render(account));
                }
                let out = self.args.out.as_ref().map(|out| out.join(&case.id));
                let (store_dirs, history) =
                    self.store_dirs(out.as_deref(), &case.id, &combined.collected_at)?;
                let destination = match &out {
                    Some(out) => Destination::At(out),
                    None => Destination::FirstFree(&store_dirs),
                };
                let (_, dir, manifest) = evaluate_into(
                    destination,
                    &combined,
                    &loaded.inputs,
                    self.writer,
                    collection_source(&combined),
                    history,
                    Some(case),
                )?;
                self.record(&dir)?;
                let complete = std::iter::once(&combined)
                    .chain(&combined.other_accounts)
                    .all(|s| s.gaps().is_empty());
                let completion = if complete {
                    Completion::Complete
                } else {
                    Completion::Incomplete
                };
                Ok((completion, dir, manifest))
            })();
            match written {
                Ok((case_completion, dir, manifest)) => {
                    if let Completion::Incomplete = case_completion {
                        completion = Completion::Incomplete;
                    }
                    collected.push(case.id.clone());
                    if let Err(error) = self.writer.archive(&dir, &manifest) {
                        eprintln!("error: case study {}: {error}", case.id);
                        not_archived.push(dir);
                    }
                }
                Err(error) => {
                    eprintln!("error: case study {}: {}", case.id, crate::one_line(&error));
                    failed.push(case.id.clone());
                }
            }
        }
        Ok(self.report(completion, collected, failed, not_archived))
    }

    /// The store's directories for `unit` (an account or a case study) when the bundle goes
    /// there rather than to `out` (the first free one is used: a store never replaces a
    /// bundle), with the unit's earlier runs for the report's trend.
    fn store_dirs(
        &self,
        out: Option<&Path>,
        unit: &str,
        collected_at: &str,
    ) -> anyhow::Result<(Vec<PathBuf>, Option<HistoryTable>)> {
        Ok(match (out, self.store) {
            (Some(_), _) => (Vec::new(), None),
            (None, Some(open)) => (
                open.store.new_bundle_dirs(unit, collected_at)?,
                Some(previous_runs(&open.store, unit)?),
            ),
            (None, None) => anyhow::bail!("give --out DIR or --store"),
        })
    }

    /// Records a bundle written into the store and compares it with its unit's previous run.
    fn record(&self, dir: &Path) -> anyhow::Result<()> {
        if let Some(open) = self.store {
            let written = open.record(dir)?;
            if compare_with_previous(&open.store, &written)? {
                self.regressed
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(written.account.clone());
            }
        }
        Ok(())
    }

    /// Prints the summary and writes the bundle (evaluated unless --no-evaluate) at `out`,
    /// or into the store, then compares it with the account's previous stored run.
    fn write(&self, out: Option<&Path>, snapshot: &Snapshot) -> anyhow::Result<Written> {
        let account = &snapshot.account.id;
        let (store_dirs, history) = self.store_dirs(out, account, &snapshot.collected_at)?;
        let destination = match out {
            Some(out) => Destination::At(out),
            None => Destination::FirstFree(&store_dirs),
        };
        print!("{}", summary::render(snapshot));
        let source = collection_source(snapshot);
        let (evaluation, dir, manifest) = match self.inputs {
            Some(inputs) => {
                let (evaluation, dir, manifest) = evaluate_into(
                    destination,
                    snapshot,
                    inputs,
                    self.writer,
                    source,
                    history,
                    None,
                )?;
                (Some(evaluation), dir, manifest)
            }
            None => {
                let provenance = Provenance {
                    source,
                    profile: None,
                    attestations: None,
                    case_study: None,
                    evaluated: false,
                    trend: None,
                };
                let (dir, manifest) =
                    self.writer
                        .write(destination, Input::Snapshot(snapshot), &provenance)?;
                (None, dir, manifest)
            }
        };
        self.record(&dir)?;
        let completion = if snapshot.gaps().is_empty() {
            Completion::Complete
        } else {
            Completion::Incomplete
        };
        Ok(Written {
            dir,
            manifest,
            completion,
            evaluation,
        })
    }
}

/// One account's bundle, written.
struct Written {
    dir: PathBuf,
    manifest: Manifest,
    completion: Completion,
    evaluation: Option<Evaluation>,
}

/// The account's stored runs, for the new report's trend; none yet is an empty history.
fn previous_runs(store: &Store, account: &str) -> anyhow::Result<HistoryTable> {
    if store.entries(Some(account))?.is_empty() {
        return Ok(HistoryTable {
            account: account.to_owned(),
            runs: Vec::new(),
            controls: Vec::new(),
            not_verified: Vec::new(),
            not_evaluated: Vec::new(),
        });
    }
    Ok(HistoryTable::from_store(store, account, None)?)
}

/// Prints what changed since the run before `written` in the store: the latest earlier run
/// that verifies (one that does not is named and skipped, never used). True when it regressed.
fn compare_with_previous(store: &Store, written: &IndexEntry) -> anyhow::Result<bool> {
    let entries = store.entries(Some(&written.account))?;
    let earlier = entries
        .iter()
        .position(|e| e.path == written.path)
        .map_or(&entries[..], |at| &entries[..at]);
    for previous in earlier.iter().rev() {
        let old = match store.load(previous) {
            Ok(old) => old,
            Err(error) => {
                eprintln!("warning: {error}");
                continue;
            }
        };
        let new = store.load(written)?;
        let diff = compare(&old, &new);
        println!("\nSince {} ({}):", previous.time, previous.path);
        print!("{}", diff.to_text());
        return Ok(diff.regressed());
    }
    println!(
        "First stored run of {}: nothing to compare with.",
        written.account
    );
    Ok(false)
}

/// Several accounts: one self-assessment workbook with a sheet per case study, beside the
/// accounts' bundles.
fn write_portfolio_workbook(
    out: &Path,
    cases: &[(Snapshot, Evaluation)],
    inputs: &LoadedInputs,
) -> anyhow::Result<()> {
    if cases.len() < 2 {
        return Ok(());
    }
    let contents: Vec<Contents> = cases
        .iter()
        .map(|(snapshot, evaluation)| Contents {
            snapshot,
            evaluation,
            profile: &inputs.profile,
            attestations: &inputs.attestations,
        })
        .collect();
    let path = write_accounts_workbook(out, &contents)?;
    println!("\nSelf-assessment for all accounts: {}", path.display());
    Ok(())
}

fn traffic(
    record: Option<PathBuf>,
    anonymize: bool,
    replay: Option<PathBuf>,
    missing: ReplayMissing,
) -> Traffic {
    match (record, replay) {
        (Some(dir), _) => Traffic::Record { dir, anonymize },
        (None, Some(dir)) => Traffic::Replay {
            dir,
            missing: match missing {
                ReplayMissing::Fail => MissingResponse::Fail,
                ReplayMissing::RecordAsUnavailable => MissingResponse::RecordAsUnavailable,
            },
        },
        (None, None) => Traffic::Live,
    }
}

fn parse_endpoint_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| format!("'{url}' is not an http:// or https:// URL"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("'{url}' has no host"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}
