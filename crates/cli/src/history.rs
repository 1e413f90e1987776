//! The commands that read a history store: `diff`, `history` and `portfolio`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use rds_evidence_history::{compare, HistoryTable, LoadedBundle, Portfolio};

use crate::store::{OpenStore, StoreAccess, StoreLocation};

fn parse_account_id(text: &str) -> Result<String, String> {
    if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(format!("'{text}' is not a 12-digit AWS account id"))
    }
}

/// Where the store is and how to reach it.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The history store: a directory, or s3://BUCKET/PREFIX (the partner's own bucket).
    #[arg(long, value_name = "DIR|S3-URL", env = "RDS_EVIDENCE_STORE")]
    pub store: Option<StoreLocation>,

    /// Local mirror of an S3 store (default: under $XDG_CACHE_HOME/rds-evidence/store).
    #[arg(long, value_name = "DIR")]
    pub store_cache: Option<PathBuf>,

    /// The AWS account that owns the S3 store's bucket (required with s3://): every request
    /// to the bucket names it, so a bucket of that name in another account is never used.
    #[arg(long, value_name = "ACCOUNT_ID", env = "RDS_EVIDENCE_STORE_BUCKET_OWNER", value_parser = parse_account_id)]
    pub store_bucket_owner: Option<String>,

    /// The AWS profile that reaches an S3 store (the partner's, not a customer's).
    #[arg(long, value_name = "NAME")]
    pub store_profile: Option<String>,

    /// The S3 store bucket's region. Default: the environment's or profile's, else us-east-1.
    #[arg(long, value_name = "REGION")]
    pub store_region: Option<String>,

    /// Send S3 store requests to this endpoint (a local emulator). `collect` and `run` send
    /// them to their --endpoint-url.
    #[arg(long, value_name = "URL", hide = true)]
    pub store_endpoint_url: Option<String>,
}

impl StoreArgs {
    pub fn open(&self) -> anyhow::Result<Option<OpenStore>> {
        let Some(location) = &self.store else {
            return Ok(None);
        };
        let access = StoreAccess {
            bucket_owner: self.store_bucket_owner.as_deref(),
            profile: self.store_profile.as_deref(),
            endpoint_url: self.store_endpoint_url.as_deref(),
            region: self.store_region.as_deref(),
            cache: self.store_cache.as_deref(),
        };
        OpenStore::open(location, &access).map(Some)
    }

    /// The store of a collection, reached the way its AWS requests are: an S3 store through
    /// the collection's `endpoint_url`, and none at all for a replay, which reaches no network
    /// unless told where the store is.
    pub fn open_for_collection(
        &self,
        endpoint_url: Option<&str>,
        replay: bool,
    ) -> anyhow::Result<Option<OpenStore>> {
        let Some(StoreLocation::S3 { bucket, .. }) = &self.store else {
            return self.open();
        };
        if replay && self.store_endpoint_url.is_none() {
            anyhow::bail!(
                "--store s3://{bucket}: --replay reaches no network, so it does not use an S3 \
                 store; give a local --store DIR"
            );
        }
        let mut args = self.clone();
        args.store_endpoint_url = args
            .store_endpoint_url
            .or_else(|| endpoint_url.map(str::to_owned));
        args.open()
    }

    fn require(&self, command: &str) -> anyhow::Result<OpenStore> {
        self.open()?.ok_or_else(|| {
            anyhow::anyhow!("{command} needs a store: pass --store DIR|s3://BUCKET/PREFIX")
        })
    }
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier bundle: a bundle directory, or ACCOUNT@latest, ACCOUNT@-1 … with --store.
    old: String,
    /// The later bundle, named the same ways.
    new: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    store: StoreArgs,
}

/// Whether `diff` found a regression: exit code 3, as `run`.
pub enum DiffOutcome {
    Unchanged,
    Regressed,
}

pub fn run_diff(args: DiffArgs) -> anyhow::Result<DiffOutcome> {
    let open = args.store.open()?;
    // Without a store, OLD and NEW can only be bundle directories.
    let resolve = |reference: &str| match &open {
        Some(open) => open.store.resolve(reference),
        None => LoadedBundle::open(Path::new(reference)),
    };
    let old = resolve(&args.old)?;
    let new = resolve(&args.new)?;
    let diff = compare(&old, &new);
    match args.format {
        Format::Text => print!("{}", diff.to_text()),
        Format::Markdown => print!("{}", diff.to_markdown()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&diff)?),
    }
    Ok(if diff.regressed() {
        DiffOutcome::Regressed
    } else {
        DiffOutcome::Unchanged
    })
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The account whose runs to show.
    account: String,
    /// Only the last N runs.
    #[arg(long, value_name = "N")]
    last: Option<usize>,
    /// Write the verdict trend chart (SVG) to FILE as well.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn run_history(args: HistoryArgs) -> anyhow::Result<()> {
    let open = args.store.require("history")?;
    let table = HistoryTable::from_store(&open.store, &args.account, args.last)?;
    print!("{}", table.to_text());
    if let Some(path) = &args.svg {
        std::fs::write(path, table.trend_svg())
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Also rewrite portfolio.md and portfolio.json at the store's root (after sharded runs).
    #[arg(long)]
    write: bool,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn run_portfolio(args: PortfolioArgs) -> anyhow::Result<()> {
    let open = args.store.require("portfolio")?;
    if args.write {
        crate::run::write_portfolio(&open)?;
    }
    let portfolio = Portfolio::from_store(&open.store)?;
    match args.format {
        Format::Text => print!("{}", portfolio.to_text()),
        Format::Markdown => print!("{}", portfolio.to_markdown()),
        Format::Json => println!("{}", serde_json::to_string_pretty(&portfolio)?),
    }
    Ok(())
}
