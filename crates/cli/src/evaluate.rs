//! `evaluate`, and the evaluation `collect` runs after collecting.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use rds_evidence_bundle::{read_snapshot, Contents, Destination, Input, Manifest};
use rds_evidence_controls::{evaluate, Attestations, DocumentPolicy, Evaluation, Profile, Verdict};
use rds_evidence_history::HistoryTable;
use rds_evidence_inventory::Snapshot;

use crate::bundle::{BundleArgs, BundleWriter, Provenance};

/// Which checklist to evaluate against, and the partner's attestations.
#[derive(Debug, Default)]
pub struct EvaluationInputs {
    pub profile: Option<PathBuf>,
    pub attestations: Option<PathBuf>,
    pub documents: DocumentPolicy,
}

/// Which files attestations may cite as documents.
#[derive(Debug, Clone, Args)]
pub struct DocumentArgs {
    /// Also accept attested documents under DIR (repeatable). Documents under the attestations
    /// file's own directory are always accepted; nothing else is.
    #[arg(long = "documents-root", value_name = "DIR")]
    documents_roots: Vec<PathBuf>,

    /// The largest attested document copied into a bundle: bytes, or a number with K, M or G
    /// (binary units).
    #[arg(long, value_name = "SIZE", default_value = "100M", value_parser = parse_size)]
    max_document_size: u64,
}

impl DocumentArgs {
    pub fn policy(&self) -> DocumentPolicy {
        DocumentPolicy {
            extra_roots: self.documents_roots.clone(),
            max_bytes: self.max_document_size,
        }
    }
}

/// `1048576`, `512K`, `100M`, `2G`.
fn parse_size(text: &str) -> Result<u64, String> {
    let (number, shift) = match text.strip_suffix(['K', 'k', 'M', 'm', 'G', 'g']) {
        Some(number) => (
            number,
            match text.as_bytes()[text.len() - 1].to_ascii_uppercase() {
                b'K' => 10,
                b'M' => 20,
                _ => 30,
            },
        ),
        None => (text, 0),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .filter(|&bytes| bytes > 0)
        .ok_or_else(|| format!("'{text}' is not a size such as 100M, 512K or 1048576"))
}

/// The inputs, read and checked.
pub struct LoadedInputs<'a> {
    pub paths: &'a EvaluationInputs,
    pub profile: Profile,
    pub attestations: Attestations,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// A snapshot.json written by `collect`.
    #[arg(long, value_name = "FILE")]
    snapshot: PathBuf,

    /// The bundle directory to write (new, empty, or an earlier bundle to replace).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// Profile (checklist edition) file. Default: the built-in August 2025 edition.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,

    /// Attestations file (`rds-evidence attestations init` writes a template).
    #[arg(long, value_name = "FILE")]
    attestations: Option<PathBuf>,

    #[command(flatten)]
    documents: DocumentArgs,

    #[command(flatten)]
    bundle: BundleArgs,
}

impl EvaluationInputs {
    pub fn load(&self) -> anyhow::Result<LoadedInputs<'_>> {
        let profile = load_profile(self.profile.as_deref())?;
        let attestations = match &self.attestations {
            Some(path) => Attestations::load(path, &profile, &self.documents)?,
            None => Attestations::default(),
        };
        Ok(LoadedInputs {
            paths: self,
            profile,
            attestations,
        })
    }
}

pub fn load_profile(path: Option<&Path>) -> anyhow::Result<Profile> {
    Ok(match path {
        Some(path) => Profile::load(path)?,
        None => Profile::builtin(),
    })
}

pub fn run(args: EvaluateArgs) -> anyhow::Result<()> {
    let paths = EvaluationInputs {
        profile: args.profile,
        attestations: args.attestations,
        documents: args.documents.policy(),
    };
    let inputs = paths.load()?;
    let writer = args.bundle.load()?;
    writer.check_destination(&args.out)?;
    let snapshot = read_snapshot(&args.snapshot)?;
    let source = format!("snapshot:{}", args.snapshot.display());
    let out = Destination::At(&args.out);
    let (_, dir, manifest) = evaluate_into(out, &snapshot, &inputs, &writer, source, None)?;
    writer.archive(&dir, &manifest)?;
    Ok(())
}

/// Evaluates `snapshot`, prints the verdicts and writes the whole bundle at `out`; returns the
/// evaluation, where the bundle went and its manifest.
pub fn evaluate_into(
    out: Destination,
    snapshot: &Snapshot,
    inputs: &LoadedInputs,
    writer: &BundleWriter,
    source: String,
    history: Option<HistoryTable>,
) -> anyhow::Result<(Evaluation, PathBuf, Manifest)> {
    let evaluation = evaluate(snapshot, &inputs.profile, &inputs.attestations);
    print!("{}", render(&evaluation));
    // The report's trend ends with this run.
    let trend = match history {
        Some(mut history) => {
            history.push(&snapshot.collected_at, &evaluation.controls)?;
            Some(history.trend())
        }
        None => None,
    };
    let contents = Contents {
        snapshot,
        evaluation: &evaluation,
        profile: &inputs.profile,
        attestations: &inputs.attestations,
    };
    let provenance = Provenance {
        source,
        profile: inputs.paths.profile.as_deref(),
        attestations: inputs.paths.attestations.as_deref(),
        evaluated: true,
        trend: trend.as_ref(),
    };
    let (dir, manifest) = writer.write(out, Input::Evaluated(contents), &provenance)?;
    Ok((evaluation, dir, manifest))
}

/// One line per control the account speaks to; the controls that only await the partner's
/// documents on one line at the end.
pub fn render(evaluation: &Evaluation) -> String {
    let mut out = format!("\nControls ({})\n", evaluation.profile);
    let mut documents_only = Vec::new();
    for control in &evaluation.controls {
        if control.verdict == Verdict::NeedsAttestation && control.checks.is_empty() {
            documents_only.push(control.control.as_str());
            continue;
        }
        let verdict = match control.verdict {
            Verdict::Met => "met",
            Verdict::PartiallyMet => "partially met",
            Verdict::NotMet => "NOT MET",
            Verdict::NeedsAttestation => "needs attestation",
            Verdict::InsufficientEvidence => "insufficient evidence",
        };
        let _ = writeln!(
            out,
            "  {:<10} {:<21} {}",
            control.control, verdict, control.narrative
        );
    }
    if !documents_only.is_empty() {
        let _ = writeln!(
            out,
            "  Awaiting the partner's documents only: {}",
            documents_only.join(", ")
        );
    }
    out
}
