//! `evaluate`, and the evaluation `collect` runs after collecting.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use rds_evidence_bundle::{check_destination, read_snapshot, Contents, Input};
use rds_evidence_controls::{
    evaluate, evaluate_case_study, Attestations, CaseStudy, Evaluation, Profile, Verdict,
};
use rds_evidence_history::HistoryTable;
use rds_evidence_inventory::Snapshot;

use crate::bundle::{BundleArgs, BundleWriter, Provenance};

/// Which checklist to evaluate against, and the partner's attestations.
#[derive(Debug, Clone, Default)]
pub struct EvaluationInputs {
    pub profile: Option<PathBuf>,
    pub attestations: Option<PathBuf>,
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
    bundle: BundleArgs,
}

impl EvaluationInputs {
    pub fn load(&self) -> anyhow::Result<LoadedInputs> {
        let profile = load_profile(self.profile.as_deref())?;
        let attestations = match &self.attestations {
            Some(path) => Attestations::load(path, &profile)?,
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
    let Some(case_study) = &args.case_study else {
        let [snapshot] = args.snapshot.as_slice() else {
            anyhow::bail!(
                "--snapshot: {} snapshots given; several are evaluated together only as the                  accounts of a --case-study",
                args.snapshot.len()
            );
        };
        let paths = EvaluationInputs {
            profile: args.profile,
            attestations: args.attestations,
        };
        let inputs = paths.load()?;
        check_destination(&args.out)?;
        let snapshot = read_snapshot(snapshot)?;
        evaluate_into(&args.out, &snapshot, &inputs, &writer, source, None, None)?;
        return Ok(());
    };
    let [loaded] = crate::case_study::load(
        std::slice::from_ref(case_study),
        args.profile.as_deref(),
        args.attestations.as_deref(),
        None,
    )?
    .try_into()
    .unwrap_or_else(|_| unreachable!("one file, one case study"));
    check_destination(&args.out)?;
    let mut accounts = Vec::new();
    for path in &args.snapshot {
        let mut snapshot = read_snapshot(path)?;
        accounts.append(&mut snapshot.other_accounts);
        accounts.push(snapshot);
    }
    let combined = crate::case_study::combine(&loaded.case, &accounts)?;
    crate::case_study::check_scope(&loaded.case, &combined)?;
    evaluate_into(
        &args.out,
        &combined,
        &loaded.inputs,
        &writer,
        source,
        None,
        Some(&loaded.case),
    )?;
    Ok(())
}

/// Evaluates `snapshot` (as a case study, when one is given), prints the verdicts and writes
/// the whole bundle at `out`.
pub fn evaluate_into(
    out: &Path,
    snapshot: &Snapshot,
    inputs: &LoadedInputs,
    writer: &BundleWriter,
    source: String,
    history: Option<HistoryTable>,
    case_study: Option<&CaseStudy>,
) -> anyhow::Result<Evaluation> {
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
    writer.write(out, Input::Evaluated(contents), &provenance)?;
    Ok(evaluation)
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
