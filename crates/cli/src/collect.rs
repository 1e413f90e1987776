use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use rds_evidence_collector::traffic::{MissingResponse, Traffic};
use rds_evidence_collector::{
    parse_external_id, parse_role_arn, parse_session_name, Access, AssumeRole, CollectOptions,
    RegionSelection,
};

use crate::evaluate::{self, evaluate_into, EvaluationInputs};
use crate::progress::TerminalProgress;
use crate::summary;

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Directory to write snapshot.json into (created if missing).
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
    #[arg(long, value_name = "ARN", value_parser = parse_role_arn)]
    role_arn: Option<String>,

    /// External id the role's trust policy requires.
    #[arg(long, value_name = "ID", requires = "role_arn", value_parser = parse_external_id)]
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

    /// Only collect: write snapshot.json, no findings or control verdicts.
    #[arg(long, conflicts_with_all = ["checklist", "attestations"])]
    no_evaluate: bool,

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
        profile: args.checklist,
        attestations: args.attestations,
    };
    // Bad evaluation inputs are refused before any AWS call is made.
    if !args.no_evaluate {
        inputs.load()?;
    }
    let options = CollectOptions {
        access: Access {
            profile: args.profile,
            role: args.role_arn.map(|role_arn| AssumeRole {
                role_arn,
                external_id: args.external_id,
                session_name: args.session_name,
            }),
            endpoint_url: args.endpoint_url,
            concurrency: usize::from(args.concurrency),
            max_attempts: args.max_attempts,
            call_timeout: Duration::from_secs(args.call_timeout),
            traffic: traffic(
                args.record,
                args.anonymize,
                args.replay,
                args.replay_missing,
            ),
        },
        regions: args.regions.unwrap_or(RegionSelection::Configured),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let progress = TerminalProgress::new();
    let snapshot = runtime.block_on(rds_evidence_collector::collect(&options, &progress))?;
    progress.finish();

    let path = rds_evidence_bundle::write_snapshot(&args.out, &snapshot)?;
    print!("{}", summary::render(&snapshot));
    if !args.no_evaluate {
        let evaluation = evaluate_into(&args.out, &snapshot, &inputs)?;
        print!("{}", evaluate::render(&evaluation));
    }
    println!("Snapshot written to {}", path.display());
    Ok(if snapshot.gaps().is_empty() {
        Completion::Complete
    } else {
        Completion::Incomplete
    })
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
