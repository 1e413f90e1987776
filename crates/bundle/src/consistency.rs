//! Whether a manifest says of its bundle what the bundle's own files say: the account and its
//! labels, when it was observed, the regions, the tool version, how the snapshot was collected,
//! and the counts of verdicts, outcomes and unknowns. Hashes prove the files unchanged since
//! the manifest was written; these checks catch a manifest edited afterwards to claim another
//! account, time or source (an unsigned bundle, or one signed again by another key).

use std::collections::BTreeMap;
use std::path::Path;

use rds_evidence_controls::{ControlVerdict, Finding};
use rds_evidence_inventory::{input, Snapshot};
use serde::de::DeserializeOwned;

use crate::findings_csv::snake_case;
use crate::manifest::{collection_source, Manifest};
use crate::verify::Problem;
use crate::{CONTROLS_FILE, FINDINGS_FILE, SNAPSHOT_FILE};

/// The contradictions between `manifest` and the files it was written with. `evaluation` is
/// the control verdicts and findings of an evaluated bundle.
pub fn check_consistency(
    manifest: &Manifest,
    snapshot: &Snapshot,
    evaluation: Option<(&[ControlVerdict], &[Finding])>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut differ = |what: &str, claimed: String, found: String| {
        if claimed != found {
            problems.push(Problem::Inconsistent(format!(
                "the manifest's {what} is {claimed}, {SNAPSHOT_FILE}'s {found}"
            )));
        }
    };
    differ(
        "account",
        manifest.account.id.clone(),
        snapshot.account.id.clone(),
    );
    differ(
        "account labels",
        format!("{:?}", manifest.account.labels),
        format!("{:?}", snapshot.account.labels),
    );
    differ(
        "collection time",
        manifest.collected_at.clone(),
        snapshot.collected_at.clone(),
    );
    differ(
        "tool version",
        manifest.tool_version.clone(),
        snapshot.tool_version.clone(),
    );
    differ(
        "regions",
        manifest.regions.join(", "),
        snapshot
            .regions
            .iter()
            .map(|r| r.region.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    differ(
        "count of unknowns",
        manifest.unavailable.to_string(),
        snapshot.gaps().len().to_string(),
    );
    // A snapshot evaluated again names its file; one written before sources were kept, none.
    if !manifest.inputs.source.starts_with("snapshot:") && snapshot.source.is_some() {
        differ(
            "source",
            manifest.inputs.source.clone(),
            collection_source(snapshot),
        );
    }
    match (&manifest.profile, evaluation) {
        (Some(_), Some((controls, findings))) => {
            let verdicts = tally(controls.iter().map(|c| c.verdict));
            let outcomes = tally(findings.iter().map(|f| f.outcome));
            for (what, claimed, file, found) in [
                ("verdicts", &manifest.verdicts, CONTROLS_FILE, verdicts),
                ("outcomes", &manifest.outcomes, FINDINGS_FILE, outcomes),
            ] {
                if *claimed != found {
                    problems.push(Problem::Inconsistent(format!(
                        "the manifest counts {what} {claimed:?}, {file} holds {found:?}"
                    )));
                }
            }
        }
        (None, None) => {}
        (Some(_), None) => problems.push(Problem::Inconsistent(format!(
            "the manifest names a profile, and the bundle has no {CONTROLS_FILE} and \
             {FINDINGS_FILE} to show for it"
        ))),
        (None, Some(_)) => problems.push(Problem::Inconsistent(format!(
            "the bundle holds {CONTROLS_FILE} and {FINDINGS_FILE}, and the manifest names no \
             profile"
        ))),
    }
    problems
}

fn tally<T: serde::Serialize>(values: impl Iterator<Item = T>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for value in values {
        *counts.entry(snake_case(value)).or_insert(0) += 1;
    }
    counts
}

/// Reads the bundle at `dir`'s snapshot and evaluation (the files are already verified
/// against `manifest`) and checks them against it. A file that does not parse is a problem.
pub(crate) fn check_files(dir: &Path, manifest: &Manifest) -> Vec<Problem> {
    let listed = |file: &str| manifest.files.iter().any(|f| f.path == file);
    let snapshot = match parse::<Snapshot>(dir, SNAPSHOT_FILE) {
        Ok(snapshot) => snapshot,
        Err(problem) => return vec![problem],
    };
    let evaluation = if listed(CONTROLS_FILE) && listed(FINDINGS_FILE) {
        let controls = parse::<Vec<ControlVerdict>>(dir, CONTROLS_FILE);
        let findings = parse::<Vec<Finding>>(dir, FINDINGS_FILE);
        match (controls, findings) {
            (Ok(controls), Ok(findings)) => Some((controls, findings)),
            (Err(problem), _) | (_, Err(problem)) => return vec![problem],
        }
    } else {
        None
    };
    check_consistency(
        manifest,
        &snapshot,
        evaluation
            .as_ref()
            .map(|(c, f)| (c.as_slice(), f.as_slice())),
    )
}

fn parse<T: DeserializeOwned>(dir: &Path, file: &str) -> Result<T, Problem> {
    let unreadable = |why: String| Problem::Inconsistent(format!("{file} cannot be read: {why}"));
    let bytes = input::read(&dir.join(file), input::limits::EVIDENCE)
        .map_err(|e| unreadable(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))
}
