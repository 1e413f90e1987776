//! Checks over a snapshot, the checklist profile as data, attestations, and control verdicts.
//!
//! `evaluate` is pure: `Snapshot × Profile × Attestations → Evaluation`, with no I/O and no
//! clock (times are compared with the snapshot's own `collected_at`), and byte-identical output
//! for identical input. Each check lives in `checks/`, one small family per file, and its
//! metadata is its documentation.

mod attestations;
mod check;
pub mod checks;
mod environments;
mod estate;
mod internet;
mod profile;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod testing;
mod values;
mod verdict;

use rds_evidence_inventory::{Environment, Observed, Snapshot};
use serde::{Deserialize, Serialize};

pub use attestations::{
    template as attestations_template, AttestationError, Attestations, AttestedDocument,
    ControlAttestation, EnvironmentRule, Targets,
};
pub use check::{Check, Context, Finding, Outcome, Resource, Scope, Severity};
pub use checks::network::{subnet_routing, SubnetRouting};
pub use environments::{Classification, Environments};
pub use estate::epoch_seconds;
pub use profile::{
    CheckUse, ControlSpec, DocumentedUseCase, EnvironmentScope, Level, Profile, ProfileError,
    Rollup, Thresholds, BUILTIN_PROFILE,
};
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
    /// Each database's environment, as the controls' scopes saw them. Not written to the
    /// bundle's JSON (the `rds.database.environment` findings carry it); empty when an
    /// evaluation is read back, where every resource then counts as in scope.
    #[serde(skip)]
    pub environments: Environments,
}

pub fn evaluate(snapshot: &Snapshot, profile: &Profile, attestations: &Attestations) -> Evaluation {
    let environments =
        Environments::classify(snapshot, &profile.thresholds, &attestations.environments);
    let context = Context {
        snapshot,
        thresholds: &profile.thresholds,
        targets: &attestations.targets,
        environments: &environments,
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

    let databases = databases(snapshot);
    let controls = profile
        .controls
        .iter()
        .map(|spec| {
            let mut at_issue = Vec::new();
            let summaries: Vec<CheckSummary> = spec
                .checks
                .iter()
                .map(|used| {
                    let (in_scope, out_of_scope) =
                        weighed(findings_of(&findings, &used.id), used, &environments);
                    if used.level == Level::Required {
                        at_issue.extend(
                            in_scope
                                .iter()
                                .filter(|f| {
                                    matches!(
                                        f.outcome,
                                        Outcome::Fail | Outcome::InsufficientEvidence
                                    )
                                })
                                .map(|f| resource_name(&f.resource)),
                        );
                    }
                    verdict::summarize(
                        &used.id,
                        used.level,
                        used.environments,
                        &in_scope,
                        out_of_scope,
                    )
                })
                .collect();
            at_issue.sort();
            at_issue.dedup();
            let attestation = attestations.controls.get(&spec.id);
            let decision = verdict::decide(spec, &summaries, &databases, attestation);
            ControlVerdict {
                control: spec.id.clone(),
                title: spec.title.clone(),
                narrative: verdict::narrative(
                    spec,
                    &decision,
                    &summaries,
                    &databases,
                    &at_issue,
                    attestation,
                ),
                verdict: decision.verdict,
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
        environments,
    }
}

/// Whether a control with this environment scope weighs a finding on `resource`: a
/// production-only scope leaves out non-production databases (and their log groups), and
/// keeps everything whose environment is unknown.
pub fn in_scope(scope: EnvironmentScope, resource: &Resource, environments: &Environments) -> bool {
    match scope {
        EnvironmentScope::All => true,
        EnvironmentScope::Production => {
            environments.of_resource(resource) != Environment::NonProduction
        }
    }
}

/// The findings a control weighs for one check, and how many its scope left out.
fn weighed<'f>(
    findings: &'f [Finding],
    used: &CheckUse,
    environments: &Environments,
) -> (Vec<&'f Finding>, usize) {
    let (kept, left): (Vec<&Finding>, Vec<&Finding>) = findings
        .iter()
        .partition(|finding| in_scope(used.environments, &finding.resource, environments));
    (kept, left.len())
}

/// `kind region/id`, as reports list resources at issue.
fn resource_name(resource: &Resource) -> String {
    let kind = serde_json::to_value(resource.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{kind} {}/{}", resource.region, resource.id)
}

/// How many databases the snapshot's listings hold, and where they could not be listed.
fn databases(snapshot: &Snapshot) -> verdict::Databases {
    let mut databases = verdict::Databases::default();
    for region in &snapshot.regions {
        databases.regions.push(region.region.clone());
        databases.excluded += region.excluded.len();
        for listed in [
            known_len(&region.db_instances),
            known_len(&region.db_clusters),
        ] {
            match listed {
                Some(n) => databases.listed += n,
                None => databases.unlisted_regions.push(region.region.clone()),
            }
        }
    }
    databases.unlisted_regions.dedup();
    databases
}

fn known_len<T>(listing: &Observed<Vec<T>>) -> Option<usize> {
    listing.value().map(Vec::len)
}

/// The findings of check `id`, out of `findings` sorted by check: a binary search, so that
/// verdicts cost no scan of every finding per control.
fn findings_of<'f>(findings: &'f [Finding], id: &str) -> &'f [Finding] {
    let start = findings.partition_point(|f| f.check.as_str() < id);
    let end = start + findings[start..].partition_point(|f| f.check == id);
    &findings[start..end]
}
