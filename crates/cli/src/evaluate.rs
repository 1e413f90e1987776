//! `evaluate`, and the evaluation `collect` runs after writing its snapshot.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use rds_evidence_bundle::{read_snapshot, write_json, CONTROLS_FILE, FINDINGS_FILE};
use rds_evidence_controls::{evaluate, Attestations, Evaluation, Profile, Verdict};
use rds_evidence_inventory::Snapshot;

/// Which checklist to evaluate against, and the partner's attestations.
#[derive(Debug, Default)]
pub struct EvaluationInputs {
    pub profile: Option<PathBuf>,
    pub attestations: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// A snapshot.json written by `collect`.
    #[arg(long, value_name = "FILE")]
    snapshot: PathBuf,

    /// Directory to write findings.json and controls.json into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,

    /// Profile (checklist edition) file. Default: the built-in August 2025 edition.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,

    /// Attestations file (`rds-evidence attestations init` writes a template).
    #[arg(long, value_name = "FILE")]
    attestations: Option<PathBuf>,
}

impl EvaluationInputs {
    pub fn load(&self) -> anyhow::Result<(Profile, Attestations)> {
        let profile = load_profile(self.profile.as_deref())?;
        let attestations = match &self.attestations {
            Some(path) => Attestations::load(path, &profile)?,
            None => Attestations::default(),
        };
        Ok((profile, attestations))
    }
}

pub fn load_profile(path: Option<&Path>) -> anyhow::Result<Profile> {
    Ok(match path {
        Some(path) => Profile::load(path)?,
        None => Profile::builtin(),
    })
}

pub fn run(args: EvaluateArgs) -> anyhow::Result<()> {
    let inputs = EvaluationInputs {
        profile: args.profile,
        attestations: args.attestations,
    };
    let (profile, attestations) = inputs.load()?;
    let snapshot = read_snapshot(&args.snapshot)?;
    let evaluation = evaluate(&snapshot, &profile, &attestations);
    write(&args.out, &evaluation)?;
    print!("{}", render(&evaluation));
    Ok(())
}

/// Evaluates and writes the results beside the snapshot.
pub fn evaluate_into(
    out: &Path,
    snapshot: &Snapshot,
    inputs: &EvaluationInputs,
) -> anyhow::Result<Evaluation> {
    let (profile, attestations) = inputs.load()?;
    let evaluation = evaluate(snapshot, &profile, &attestations);
    write(out, &evaluation)?;
    Ok(evaluation)
}

fn write(out: &Path, evaluation: &Evaluation) -> anyhow::Result<()> {
    write_json(out, FINDINGS_FILE, &evaluation.findings).context("writing findings")?;
    write_json(out, CONTROLS_FILE, &evaluation.controls).context("writing control verdicts")?;
    Ok(())
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
