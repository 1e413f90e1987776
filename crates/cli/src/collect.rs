use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use futures::{stream, StreamExt};
use rds_evidence_bundle::{
    check_destination, write_self_assessment, Contents, Input, SPREADSHEET_FILE,
};
use rds_evidence_collector::faults::FaultPlan;
use rds_evidence_collector::traffic::{MissingResponse, Traffic};
use rds_evidence_collector::{
    accounts_from_ids, load_accounts, parse_external_id, parse_role_arn, parse_session_name,
    Access, AccountTarget, AssumeRole, CollectOptions, NoProgress, RegionSelection,
};
use rds_evidence_controls::Evaluation;
use rds_evidence_inventory::Snapshot;

use crate::bundle::{BundleArgs, BundleWriter, Provenance};
use crate::evaluate::{evaluate_into, EvaluationInputs, LoadedInputs};
use crate::progress::TerminalProgress;
use crate::summary;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("role_source").args(["role_arn", "account_ids"])))]
pub struct CollectArgs {
    /// The bundle directory to write (new, empty, or an earlier bundle to replace). With
    /// several accounts: a directory holding one bundle per account.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

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

    /// AWS requests in flight at once, across all regions.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    concurrency: u16,

    /// Attempts per request, the first included; throttling and transient errors are retried
    /// with adaptive backoff.
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

    /// Seconds allowed for one attempt of one request.
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

/// Whether the written snapshot holds everything that was asked for.
pub enum Completion {
    Complete,
    Incomplete,
}

pub fn run(args: CollectArgs) -> anyhow::Result<Completion> {
    let inputs = EvaluationInputs {
        profile: args.checklist.clone(),
        attestations: args.attestations.clone(),
    };
    // Bad inputs are refused before any AWS call is made.
    let loaded = if args.no_evaluate {
        None
    } else {
        Some(inputs.load()?)
    };
    let writer = args.bundle.load()?;
    let run = Run {
        args: &args,
        inputs: loaded.as_ref(),
        writer: &writer,
    };
    let targets = account_targets(&args)?;
    match &targets {
        None => check_destination(&args.out)?,
        Some(targets) => {
            for target in targets {
                check_destination(&args.out.join(&target.id))?;
            }
        }
    }
    let base = CollectOptions {
        access: Access {
            profile: args.profile.clone(),
            role: args.role_arn.clone().map(|role_arn| AssumeRole {
                role_arn,
                external_id: args.external_id.clone(),
                session_name: args.session_name.clone(),
            }),
            endpoint_url: args.endpoint_url.clone(),
            concurrency: usize::from(args.concurrency),
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
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let Some(targets) = targets else {
        let progress = TerminalProgress::new();
        let collection = rds_evidence_collector::collect(&base, &progress);
        let snapshot = within(&runtime, args.timeout, collection)??;
        progress.finish();
        return run
            .write(&args.out, &snapshot)
            .map(|(completion, _)| completion);
    };

    let results = within(
        &runtime,
        args.timeout,
        stream::iter(targets)
            .map(|target| {
                let options = options_for(&base, &target, &args.session_name);
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
    let mut failed = Vec::new();
    let mut completion = Completion::Complete;
    let mut cases = Vec::new();
    for (id, result) in results {
        let written = result.map_err(anyhow::Error::from).and_then(|snapshot| {
            println!("\n== Account {id} ==");
            let (completion, evaluation) = run.write(&args.out.join(&id), &snapshot)?;
            Ok((completion, snapshot, evaluation))
        });
        match written {
            Ok((account_completion, snapshot, evaluation)) => {
                if let Completion::Incomplete = account_completion {
                    completion = Completion::Incomplete;
                }
                cases.extend(evaluation.map(|evaluation| (snapshot, evaluation)));
            }
            Err(error) => {
                eprintln!("error: account {id}: {error:#}");
                failed.push(id);
            }
        }
    }
    if let Some(inputs) = &loaded {
        write_portfolio_workbook(&args.out, &cases, inputs)?;
    }
    if failed.is_empty() {
        Ok(completion)
    } else {
        anyhow::bail!(
            "{} account(s) could not be collected: {}; the others were written",
            failed.len(),
            failed.join(", ")
        )
    }
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

/// The accounts of --accounts or --account-ids; `None` for a single-account run.
fn account_targets(args: &CollectArgs) -> anyhow::Result<Option<Vec<AccountTarget>>> {
    let role_name = args.role_name.as_deref();
    Ok(match (&args.accounts, args.account_ids.is_empty()) {
        (Some(path), _) => Some(load_accounts(path, role_name)?),
        (None, false) => Some(accounts_from_ids(
            &args.account_ids,
            role_name.unwrap_or_default(),
            args.external_id.as_deref(),
        )?),
        (None, true) => None,
    })
}

/// The run's options for one account: its role, regions and labels, and its own recording.
fn options_for(
    base: &CollectOptions,
    target: &AccountTarget,
    session_name: &str,
) -> CollectOptions {
    let mut options = base.clone();
    options.access.role = Some(AssumeRole {
        role_arn: target.role_arn.clone(),
        external_id: target.external_id.clone(),
        session_name: session_name.to_owned(),
    });
    if let Some(regions) = &target.regions {
        options.regions = regions.clone();
    }
    options.labels = target.labels.clone();
    options.access.traffic = match &base.access.traffic {
        Traffic::Record { dir, anonymize } => Traffic::Record {
            dir: dir.join(&target.id),
            anonymize: *anonymize,
        },
        Traffic::Replay { dir, missing } => Traffic::Replay {
            dir: dir.join(&target.id),
            missing: *missing,
        },
        Traffic::Live => Traffic::Live,
    };
    options
}

/// One run's settings for writing each account's bundle.
struct Run<'a> {
    args: &'a CollectArgs,
    inputs: Option<&'a LoadedInputs<'a>>,
    writer: &'a BundleWriter,
}

impl Run<'_> {
    /// Prints the summary and writes the bundle (evaluated unless --no-evaluate) at `out`.
    fn write(
        &self,
        out: &Path,
        snapshot: &Snapshot,
    ) -> anyhow::Result<(Completion, Option<Evaluation>)> {
        print!("{}", summary::render(snapshot));
        let source = match (&self.args.replay, &self.args.endpoint_url) {
            (Some(dir), _) => format!("replay:{}", dir.display()),
            (None, Some(url)) => format!("endpoint:{url}"),
            (None, None) => "live".to_owned(),
        };
        let evaluation = match self.inputs {
            Some(inputs) => Some(evaluate_into(out, snapshot, inputs, self.writer, source)?),
            None => {
                let provenance = Provenance {
                    source,
                    profile: None,
                    attestations: None,
                    evaluated: false,
                };
                self.writer
                    .write(out, Input::Snapshot(snapshot), &provenance)?;
                None
            }
        };
        let completion = if snapshot.gaps().is_empty() {
            Completion::Complete
        } else {
            Completion::Incomplete
        };
        Ok((completion, evaluation))
    }
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
    let path = out.join(SPREADSHEET_FILE);
    write_self_assessment(&path, &contents)
        .with_context(|| format!("writing {}", path.display()))?;
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
