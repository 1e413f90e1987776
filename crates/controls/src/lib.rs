//! Checks over a snapshot, the checklist profile as data, attestations, and control verdicts.
//!
//! `evaluate` is pure: `Snapshot × Profile × Attestations → Evaluation`, with no I/O and no
//! clock (times are compared with the snapshot's own `collected_at`), and byte-identical output
//! for identical input. Each check lives in `checks/`, one small family per file, and its
//! metadata is its documentation.

mod attestations;
mod case_study;
mod check;
pub mod checks;
mod environments;
mod estate;
mod internet;
mod profile;
#[cfg(test)]
mod properties;
mod scope;
#[cfg(test)]
mod testing;
mod values;
mod verdict;

use rds_evidence_inventory::{Environment, Observed, Snapshot};
use serde::{Deserialize, Serialize};

pub use attestations::{
    template as attestations_template, AttestationError, Attestations, AttestedDocument,
    ControlAttestation, DocumentPolicy, EnvironmentRule, Targets,
};
pub use case_study::{
    template as case_study_template, wafr_exemption, CaseStudy, CaseStudyAccount, CaseStudyError,
    CaseStudyView, Engine, Selection, Wafr,
};
pub use check::{Check, Context, Finding, Outcome, Resource, Scope, Severity};
pub use checks::network::{subnet_routing, SubnetRouting};
pub use environments::{Classification, Environments};
pub use estate::epoch_seconds;
pub use profile::{
    CheckUse, ControlSpec, DocumentedUseCase, EnvironmentScope, Level, Profile, ProfileError,
    Rollup, Thresholds, BUILTIN_PROFILE,
};
pub use scope::{narrow, Narrowed};
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
    /// The case study the evaluation judged, and which databases were in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_study: Option<CaseStudyScope>,
}

/// A case study as evaluated: what it claims, its scope rule, and the databases on each side
/// of it (out-of-scope ones are listed, never judged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStudyScope {
    pub id: String,
    pub customer: String,
    pub engine: Engine,
    pub rule: String,
    pub selection: Selection,
    pub in_scope: Vec<Resource>,
    pub out_of_scope: Vec<Resource>,
}

pub fn evaluate(snapshot: &Snapshot, profile: &Profile, attestations: &Attestations) -> Evaluation {
    let part = Part {
        whole: snapshot,
        judged: snapshot,
        declared: snapshot.account.environment,
        tag: false,
    };
    evaluate_parts(&[part], None, profile, attestations)
}

/// A case study: each of its accounts narrowed to the scope and judged on its own (what is
/// out of scope gets no finding at all), account-wide checks judged for every account, and
/// each control decided across them. `snapshot` holds the case study's first account, the
/// others in `other_accounts`, each whole as collected.
pub fn evaluate_case_study(
    snapshot: &Snapshot,
    case_study: &CaseStudy,
    profile: &Profile,
    attestations: &Attestations,
) -> Evaluation {
    let accounts: Vec<&Snapshot> = std::iter::once(snapshot)
        .chain(&snapshot.other_accounts)
        .collect();
    let narrowed: Vec<Narrowed> = accounts
        .iter()
        .map(|whole| scope::narrow(whole, &case_study.scope))
        .collect();
    let tag = accounts.len() > 1;
    let parts: Vec<Part> = accounts
        .iter()
        .zip(&narrowed)
        .map(|(whole, narrowed)| Part {
            whole,
            judged: &narrowed.snapshot,
            declared: case_study
                .account(&whole.account.id)
                .and_then(|a| a.environment)
                .or(whole.account.environment),
            tag,
        })
        .collect();
    let account_of = |resource: &Resource, whole: &Snapshot| Resource {
        account: if tag {
            whole.account.id.clone()
        } else {
            String::new()
        },
        ..resource.clone()
    };
    let mut scoped = CaseStudyScope {
        id: case_study.id.clone(),
        customer: case_study.customer.clone(),
        engine: case_study.engine,
        rule: case_study.scope.describe(),
        selection: case_study.scope.clone(),
        in_scope: Vec::new(),
        out_of_scope: Vec::new(),
    };
    for (whole, narrowed) in accounts.iter().zip(&narrowed) {
        scoped
            .in_scope
            .extend(narrowed.in_scope.iter().map(|r| account_of(r, whole)));
        scoped
            .out_of_scope
            .extend(narrowed.out_of_scope.iter().map(|r| account_of(r, whole)));
    }
    let mut evaluation = evaluate_parts(&parts, Some(case_study), profile, attestations);
    if let Some(review) = &snapshot.well_architected {
        apply_wafr(&mut evaluation.controls, case_study::wafr_exemption(review));
    }
    evaluation.case_study = Some(scoped);
    evaluation
}

/// The common controls under a Well-Architected review: exempt when it shows no high risk and
/// nothing unanswered in the three pillars, else judged as they were, with the reason.
fn apply_wafr(controls: &mut [ControlVerdict], exemption: Result<String, String>) {
    for control in controls.iter_mut().filter(|c| c.common) {
        match &exemption {
            Ok(why) => {
                control.verdict = Verdict::ExemptWafr;
                control.narrative = format!(
                    "{}: {why}; the account's evidence, reported below, is not required.",
                    Verdict::ExemptWafr.label()
                );
            }
            Err(why) => {
                let narrative = control.narrative.trim_end_matches('.');
                control.narrative =
                    format!("{narrative}; the Well-Architected review does not exempt it: {why}.");
            }
        }
    }
}

/// One account of an evaluation: what is judged (the whole account, or its part in a case
/// study's scope), the whole account beside it (segregation compares a case study's
/// production with every non-production database of the account), and its declared
/// environment.
struct Part<'a> {
    whole: &'a Snapshot,
    judged: &'a Snapshot,
    declared: Option<Environment>,
    /// Name the account on every finding: an evaluation of several accounts.
    tag: bool,
}

fn evaluate_parts(
    parts: &[Part],
    case_study: Option<&CaseStudy>,
    profile: &Profile,
    attestations: &Attestations,
) -> Evaluation {
    let classified: Vec<Environments> = parts
        .iter()
        .map(|part| {
            Environments::classify(
                part.whole,
                &profile.thresholds,
                &attestations.environments,
                part.declared,
            )
        })
        .collect();
    let view = case_study.map(|case_study| CaseStudyView {
        case_study,
        environments_by_account: parts
            .iter()
            .zip(&classified)
            .map(|(part, environments)| {
                (
                    part.whole.account.id.clone(),
                    environments.present_in(part.judged),
                )
            })
            .collect(),
    });
    // Sorted by check, then resource: each check's findings sorted on their own, the checks in
    // id order. One sort of all findings would compare check ids in every comparison.
    let mut checks = profile.checks();
    checks.sort_by_key(|check| check.id);
    let findings: Vec<Finding> = checks
        .iter()
        .flat_map(|check| {
            let mut of_check: Vec<Finding> = parts
                .iter()
                .zip(&classified)
                .flat_map(|(part, environments)| {
                    let context = Context {
                        snapshot: part.judged,
                        whole: part.whole,
                        thresholds: &profile.thresholds,
                        targets: &attestations.targets,
                        environments,
                        case_study: view.as_ref(),
                    };
                    let mut found = (check.evaluate)(&context);
                    if part.tag {
                        for finding in &mut found {
                            finding.resource.account = part.whole.account.id.clone();
                        }
                    }
                    found
                })
                .collect();
            debug_assert!(of_check.iter().all(|f| f.check == check.id));
            of_check.sort_by(|a, b| a.resource.cmp(&b.resource));
            of_check
        })
        .collect();

    let mut environments = Environments::default();
    for (part, classified) in parts.iter().zip(classified) {
        environments.merge(
            classified,
            part.tag.then_some(part.whole.account.id.as_str()),
        );
    }
    let databases = databases(parts.iter().map(|part| part.judged));
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
                common: spec.common,
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
        account: parts[0].whole.account.id.clone(),
        findings,
        controls,
        environments,
        case_study: None,
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

/// `kind region/id` (`kind account:region/id` in an evaluation of several accounts), as
/// reports list resources at issue.
fn resource_name(resource: &Resource) -> String {
    let kind = serde_json::to_value(resource.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    if resource.account.is_empty() {
        format!("{kind} {}/{}", resource.region, resource.id)
    } else {
        format!(
            "{kind} {}:{}/{}",
            resource.account, resource.region, resource.id
        )
    }
}

/// How many databases the judged listings hold, and where they could not be listed.
fn databases<'a>(judged: impl Iterator<Item = &'a Snapshot>) -> verdict::Databases {
    let mut databases = verdict::Databases::default();
    for region in judged.flat_map(|snapshot| &snapshot.regions) {
        if !databases.regions.contains(&region.region) {
            databases.regions.push(region.region.clone());
        }
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
    databases.regions.sort();
    databases.unlisted_regions.sort();
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
