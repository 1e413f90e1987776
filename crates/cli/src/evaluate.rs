//! `evaluate`, and the evaluation `collect` runs after collecting.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use rds_evidence_bundle::{read_snapshot, Contents, Destination, Input, Manifest};
use rds_evidence_controls::{
    evaluate, evaluate_case_study, Attestations, CaseStudy, DocumentPolicy, Evaluation, Profile,
    Verdict,
};
use rds_evidence_history::HistoryTable;
use rds_evidence_inventory::Snapshot;

use crate::bundle::{BundleArgs, BundleWriter, Provenance};

/// Which checklist to evaluate against, and the partner's attestations.
#[derive(Debug, Clone, Default)]
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
pub struct LoadedInputs {
    pub paths: EvaluationInputs,
    pub profile: Profile,
    pub attestations: Attestations,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// A snapshot.json written by `collect`; with --case-study, one per account of the case
    /// study (or a case-study bundle's snapshot, which holds them all).
    #[arg(long, value_name = "FILE", required = true)]
    snapshot: Vec<PathBuf>,

    /// Evaluate the case study of this file: only its scope's databases are judged, across
    /// its accounts (`rds-evidence case-study init` writes a template).
    #[arg(long = "case-study", value_name = "FILE")]
    case_study: Option<PathBuf>,

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
    pub fn load(&self) -> anyhow::Result<LoadedInputs> {
        let profile = load_profile(self.profile.as_deref())?;
        let attestations = match &self.attestations {
            Some(path) => Attestations::load(path, &profile, &self.documents)?,
            None => Attestations::default(),
        };
        Ok(LoadedInputs {
            paths: self.clone(),
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
    let writer = args.bundle.load()?;
    let source = args
        .snapshot
        .iter()
        .map(|path| format!("snapshot:{}", path.display()))
        .collect::<Vec<_>>()
        .join(",");
    let documents = args.documents.policy();
    let Some(case_study) = &args.case_study else {
        let [snapshot] = args.snapshot.as_slice() else {
            anyhow::bail!(
                "--snapshot: {} snapshots given; several are evaluated together only as the \
                 accounts of a --case-study",
                args.snapshot.len()
            );
        };
        let paths = EvaluationInputs {
            profile: args.profile,
            attestations: args.attestations,
            documents,
        };
        let inputs = paths.load()?;
        writer.check_destination(&args.out)?;
        let snapshot = read_snapshot(snapshot)?;
        let out = Destination::At(&args.out);
        let (_, dir, manifest) =
            evaluate_into(out, &snapshot, &inputs, &writer, source, None, None)?;
        writer.archive(&dir, &manifest)?;
        return Ok(());
    };
    let [loaded] = crate::case_study::load(
        std::slice::from_ref(case_study),
        args.profile.as_deref(),
        args.attestations.as_deref(),
        &documents,
        None,
    )?
    .try_into()
    .unwrap_or_else(|_| unreachable!("one file, one case study"));
    writer.check_destination(&args.out)?;
    let mut accounts = Vec::new();
    for path in &args.snapshot {
        let mut snapshot = read_snapshot(path)?;
        accounts.append(&mut snapshot.other_accounts);
        accounts.push(snapshot);
    }
    let combined = crate::case_study::combine(&loaded.case, &accounts)?;
    crate::case_study::check_scope(&loaded.case, &combined)?;
    let (_, dir, manifest) = evaluate_into(
        Destination::At(&args.out),
        &combined,
        &loaded.inputs,
        &writer,
        source,
        None,
        Some(&loaded.case),
    )?;
    writer.archive(&dir, &manifest)?;
    Ok(())
}

/// Evaluates `snapshot` (as a case study, when one is given), prints the verdicts and writes
/// the whole bundle at `out`; returns the evaluation, where the bundle went and its manifest.
pub fn evaluate_into(
    out: Destination,
    snapshot: &Snapshot,
    inputs: &LoadedInputs,
    writer: &BundleWriter,
    source: String,
    history: Option<HistoryTable>,
    case_study: Option<&CaseStudy>,
) -> anyhow::Result<(Evaluation, PathBuf, Manifest)> {
    let evaluation = match case_study {
        Some(case_study) => {
            evaluate_case_study(snapshot, case_study, &inputs.profile, &inputs.attestations)
        }
        None => evaluate(snapshot, &inputs.profile, &inputs.attestations),
    };
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
        case_study,
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
            Verdict::ExemptWafr => "exempt (WAFR)",
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
