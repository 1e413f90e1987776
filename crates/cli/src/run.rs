//! `run --config FILE`: the scheduled run. Every account of the config (of this job's shard)
//! is collected into the history store and compared with its previous run; then the
//! portfolio at the store's root is rewritten from the store's latest bundles.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser};
use rds_evidence_history::Portfolio;
use rds_evidence_inventory::input;
use serde::{Deserialize, Serialize};

use crate::collect::{self, CollectArgs, Completion};
use crate::store::OpenStore;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The run's configuration (TOML; see docs/SCHEDULING.md).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,

    /// Only the accounts of shard I of N (I from 0 to N-1), for N parallel jobs.
    #[arg(long, value_name = "I/N", env = "RDS_EVIDENCE_SHARD")]
    shard: Option<String>,

    /// Send every AWS request, the store's included, to this endpoint (a local emulator).
    #[arg(long, value_name = "URL", hide = true)]
    endpoint_url: Option<String>,

    /// Allow an http:// webhook_url: the run's summary then crosses the network unencrypted.
    #[arg(long)]
    allow_insecure_webhook: bool,
}

/// run.toml. Paths are relative to the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunConfig {
    /// A directory or s3://BUCKET/PREFIX.
    store: String,
    /// The accounts file `collect --accounts` takes; or
    accounts: Option<PathBuf>,
    /// case-study files, each stored under its id (`collect --case-study`).
    #[serde(default)]
    case_studies: Vec<PathBuf>,
    /// Role assumed in accounts whose entry names none.
    role_name: Option<String>,
    /// For accounts naming none: region names, or ["all"].
    regions: Option<Vec<String>>,
    profile: Option<PathBuf>,
    attestations: Option<PathBuf>,
    /// Directories attested documents may also come from (`--documents-root`).
    #[serde(default)]
    document_roots: Vec<PathBuf>,
    /// `--max-document-size`, e.g. "100M".
    max_document_size: Option<String>,
    sign_key: Option<PathBuf>,
    store_cache: Option<PathBuf>,
    store_region: Option<String>,
    /// The account that owns an s3:// store's bucket (required for one).
    store_bucket_owner: Option<String>,
    store_profile: Option<String>,
    concurrency: Option<u16>,
    service_concurrency: Option<u16>,
    account_concurrency: Option<u16>,
    metrics_days: Option<u32>,
    changes_days: Option<u32>,
    notify: Option<Notify>,
}

/// Where the run's summary is sent when it ends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Notify {
    /// Receives the summary as a JSON POST.
    webhook_url: String,
}

/// What the webhook receives.
#[derive(Debug, Serialize)]
struct Summary<'a> {
    tool: &'static str,
    version: &'static str,
    store: &'a str,
    shard: Option<&'a str>,
    /// 0, 3 or 1, as the process exits.
    exit_code: u8,
    collected: &'a [String],
    regressed: &'a [String],
    failed: &'a [String],
    portfolio: String,
}

impl RunConfig {
    fn read(path: &Path, allow_insecure_webhook: bool) -> anyhow::Result<RunConfig> {
        let text = input::read_to_string(path, input::limits::CONFIG)
            .with_context(|| format!("cannot read the run config {}", path.display()))?;
        let config: RunConfig = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let line = text[..span.start].matches('\n').count() + 1;
                    format!(" line {line}:")
                })
                .unwrap_or_default();
            anyhow::anyhow!("{}:{at} {}", path.display(), e.message())
        })?;
        if config.accounts.is_some() != config.case_studies.is_empty() {
            anyhow::bail!(
                "{}: give either accounts = \"FILE\" or case_studies = [\"FILE\", ...]",
                path.display()
            );
        }
        if let Some(notify) = &config.notify {
            let url = &notify.webhook_url;
            let secure = url.starts_with("https://");
            if !secure && !url.starts_with("http://") {
                anyhow::bail!(
                    "{}: [notify] webhook_url `{url}` is not an https:// URL",
                    path.display()
                );
            }
            if !secure && !allow_insecure_webhook {
                anyhow::bail!(
                    "{}: [notify] webhook_url `{url}` is not https://: the summary would cross \
                     the network unencrypted; use https://, or pass --allow-insecure-webhook",
                    path.display()
                );
            }
        }
        Ok(config)
    }

    /// The `collect` arguments this config stands for, so that a scheduled run validates and
    /// collects exactly as `collect` does.
    fn collect_argv(&self, base: &Path, run: &RunArgs) -> Vec<String> {
        let path = |p: &Path| base.join(p).display().to_string();
        let mut argv = vec![
            "collect".to_owned(),
            "--store".to_owned(),
            match self.store.starts_with("s3://") {
                true => self.store.clone(),
                false => path(Path::new(&self.store)),
            },
        ];
        if let Some(accounts) = &self.accounts {
            argv.extend(["--accounts".to_owned(), path(accounts)]);
        }
        for case_study in &self.case_studies {
            argv.extend(["--case-study".to_owned(), path(case_study)]);
        }
        let mut push = |flag: &str, value: Option<String>| {
            if let Some(value) = value {
                argv.push(flag.to_owned());
                argv.push(value);
            }
        };
        push("--role-name", self.role_name.clone());
        push("--regions", self.regions.as_ref().map(|r| r.join(",")));
        push("--checklist", self.profile.as_deref().map(path));
        push("--attestations", self.attestations.as_deref().map(path));
        for root in &self.document_roots {
            push("--documents-root", Some(path(root)));
        }
        push("--max-document-size", self.max_document_size.clone());
        push("--sign-key", self.sign_key.as_deref().map(path));
        push("--store-cache", self.store_cache.as_deref().map(path));
        push("--store-region", self.store_region.clone());
        push("--store-profile", self.store_profile.clone());
        push("--concurrency", self.concurrency.map(|n| n.to_string()));
        push(
            "--service-concurrency",
            self.service_concurrency.map(|n| n.to_string()),
        );
        push(
            "--account-concurrency",
            self.account_concurrency.map(|n| n.to_string()),
        );
        push("--metrics-days", self.metrics_days.map(|n| n.to_string()));
        push("--changes-days", self.changes_days.map(|n| n.to_string()));
        push("--shard", run.shard.clone());
        push("--store-bucket-owner", self.store_bucket_owner.clone());
        push("--endpoint-url", run.endpoint_url.clone());
        argv
    }
}

#[derive(Debug, Parser)]
#[command(name = "rds-evidence run")]
struct AsCollect {
    #[command(subcommand)]
    command: Collect,
}

#[derive(Debug, clap::Subcommand)]
enum Collect {
    Collect(Box<CollectArgs>),
}

/// Exit: 0 nothing regressed, 3 something did, an error (1) when an account failed.
pub fn run(args: RunArgs) -> anyhow::Result<Completion> {
    let config = RunConfig::read(&args.config, args.allow_insecure_webhook)?;
    let base = args.config.parent().unwrap_or(Path::new("."));
    let argv = config.collect_argv(base, &args);
    let AsCollect {
        command: Collect::Collect(collect_args),
    } = AsCollect::try_parse_from(std::iter::once("rds-evidence".to_owned()).chain(argv))
        .map_err(|e| anyhow::anyhow!("{}: {}", args.config.display(), e.render()))?;
    // The portfolio covers what the store holds, whatever this run managed.
    let open = collect_args
        .open_store()?
        .context("a run always has a store")?;
    let report = collect::collect_accounts(*collect_args)?;
    let portfolio = write_portfolio(&open)?;
    let exit_code = match (&report.failed.is_empty(), &report.completion) {
        (false, _) => 1,
        (true, Completion::Regressed) => 3,
        (true, _) => 0,
    };
    if let Some(notify) = &config.notify {
        let summary = Summary {
            tool: "rds-evidence",
            version: env!("CARGO_PKG_VERSION"),
            store: &config.store,
            shard: args.shard.as_deref(),
            exit_code,
            collected: &report.collected,
            regressed: &report.regressed,
            failed: &report.failed,
            portfolio: portfolio.display().to_string(),
        };
        send(&notify.webhook_url, &summary)?;
    }
    if !report.failed.is_empty() {
        anyhow::bail!(
            "{} account(s) could not be collected: {}; the others were written",
            report.failed.len(),
            report.failed.join(", ")
        );
    }
    match report.completion {
        // Missing data is in each bundle and its summary; for a schedule it is not a failure.
        Completion::Incomplete => Ok(Completion::Complete),
        other => Ok(other),
    }
}

/// Rewrites portfolio.md and portfolio.json at the store's root from its latest bundles.
pub fn write_portfolio(open: &OpenStore) -> anyhow::Result<PathBuf> {
    let portfolio = Portfolio::from_store(&open.store)?;
    open.put("portfolio.md", portfolio.to_markdown().as_bytes())?;
    open.put(
        "portfolio.json",
        serde_json::to_string_pretty(&portfolio)?.as_bytes(),
    )?;
    let path = open.store.root().join("portfolio.md");
    println!("\nPortfolio: {}", path.display());
    Ok(path)
}

/// POSTs the summary; a webhook that does not take it fails the run, so nobody relies on a
/// notification that never came.
fn send(url: &str, summary: &Summary) -> anyhow::Result<()> {
    let body = serde_json::to_string(summary)?;
    let tls = ureq::tls::TlsConfig::builder()
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .build();
    // Not redirected: a redirect could send the summary somewhere the config does not name.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .tls_config(tls)
        .timeout_global(Some(std::time::Duration::from_secs(15)))
        .build()
        .into();
    agent
        .post(url)
        .header("content-type", "application/json")
        .send(body.as_bytes())
        .map_err(|e| anyhow::anyhow!("notifying {url} failed: {e}"))?;
    println!("Notified {url}");
    Ok(())
}
