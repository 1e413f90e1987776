//! Checks over a snapshot, the checklist profile as data, attestations, and control verdicts.
//!
//! `evaluate` is pure: `Snapshot × Profile × Attestations → Evaluation`, with no I/O and no
//! clock (times are compared with the snapshot's own `collected_at`), and byte-identical output
//! for identical input. Each check lives in `checks/`, one small family per file, and its
//! metadata is its documentation.

mod attestations;
mod check;
pub mod checks;
mod estate;
mod profile;
#[cfg(test)]
mod testing;
mod values;
mod verdict;

use rds_evidence_inventory::Snapshot;
use serde::{Deserialize, Serialize};

pub use attestations::{
    template as attestations_template, AttestationError, Attestations, AttestedDocument,
    ControlAttestation, DocumentPolicy, Targets,
};
pub use check::{Check, Context, Finding, Outcome, Resource, Scope, Severity};
pub use checks::network::{subnet_routing, SubnetRouting};
pub use estate::epoch_seconds;
pub use profile::{ControlSpec, Profile, ProfileError, Rollup, Thresholds, BUILTIN_PROFILE};
pub use values::Values;
pub use verdict::{CheckStatus, CheckSummary, ControlVerdict, Verdict};

/// The result of evaluating one snapshot against one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub profile: String,
    pub account: String,
    /// Sorted by check, then resource.
    pub findings: Vec<Finding>,
    /// In the profile's (the checklist's) order.
    pub controls: Vec<ControlVerdict>,
}

pub fn evaluate(snapshot: &Snapshot, profile: &Profile, attestations: &Attestations) -> Evaluation {
    let context = Context {
        snapshot,
        thresholds: &profile.thresholds,
        targets: &attestations.targets,
    };
    // Sorted by check, then resource: each check's findings sorted on their own, the checks in
    // id order. One sort of all findings would compare check ids in every comparison.
    let mut checks = profile.checks();
    checks.sort_by_key(|check| check.id);
    let findings: Vec<Finding> = checks
        .iter()
        .flat_map(|check| {
            let mut of_check = (check.evaluate)(&context);
            debug_assert!(of_check.iter().all(|f| f.check == check.id));
            of_check.sort_by(|a, b| a.resource.cmp(&b.resource));
            of_check
        })
        .collect();

    let controls = profile
        .controls
        .iter()
        .map(|spec| {
            let summaries: Vec<CheckSummary> = spec
                .checks
                .iter()
                .map(|id| {
                    let of_check: Vec<&Finding> = findings_of(&findings, id).iter().collect();
                    verdict::summarize(id, &of_check)
                })
                .collect();
            let mut at_issue: Vec<String> = spec
                .checks
                .iter()
                .flat_map(|id| findings_of(&findings, id))
                .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::InsufficientEvidence))
                .map(|f| {
                    let kind = serde_json::to_value(f.resource.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    format!("{kind} {}/{}", f.resource.region, f.resource.id)
                })
                .collect();
            at_issue.sort();
            at_issue.dedup();
            let attestation = attestations.controls.get(&spec.id);
            let verdict = verdict::decide(spec, &summaries, attestation);
            ControlVerdict {
                control: spec.id.clone(),
                title: spec.title.clone(),
                narrative: verdict::narrative(spec, verdict, &summaries, &at_issue, attestation),
                verdict,
                checks: summaries,
                resources_at_issue: at_issue,
                attestation: attestation.cloned(),
            }
        })
        .collect();

    Evaluation {
        profile: profile.id.clone(),
        account: snapshot.account.id.clone(),
        findings,
        controls,
    }
}

/// The findings of check `id`, out of `findings` sorted by check: a binary search, so that
/// verdicts cost no scan of every finding per control.
fn findings_of<'f>(findings: &'f [Finding], id: &str) -> &'f [Finding] {
    let start = findings.partition_point(|f| f.check.as_str() < id);
    let end = start + findings[start..].partition_point(|f| f.check == id);
    &findings[start..end]
}
