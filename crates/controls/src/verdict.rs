//! From findings to one verdict per checklist control, with a narrative a validator can read.
//!
//! # The rollup rule
//!
//! A control has an *observable* part (its required checks, judged on the account) and
//! possibly a *documentary* part (what the partner attests).
//!
//! - The observable part is **met** only when resources in scope were judged and passed: no
//!   required check failed or lacked evidence, and at least one required check passed or
//!   observed something. *Nothing to judge* — no database in the regions collected, only
//!   not-applicable findings, only unknowns — is **insufficient evidence**, never met. A
//!   complete listing that is empty *is* an observation when the check says so (the account
//!   has no IAM users, so no user has a long-lived key).
//! - A failure outranks an unknown: failures with passes elsewhere are **partially met**,
//!   failures beside unknowns are **not met** (the unknowns could only add failures).
//! - `any-of` controls ("at least one of" the use cases) are met by one resource passing one
//!   use case. A use case no account can show (a finished migration) may instead be proven by
//!   the attested document the profile allows for it — never over an observed failure or
//!   unknown of that same use case.
//! - Recommended checks are reported, never gating. A check scoped to production judges
//!   production databases and those whose environment is unknown.
//! - An attestation completes the documentary part. It never stands in for an observable part:
//!   a control with required checks is met only when they are, attested or not. A control
//!   about databases is never met in an account with no database.
//!
//! [`Verdict::claim`] orders verdicts by how much they assert; the property tests of this
//! crate check that less evidence, or one more failing database, never raises it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attestations::ControlAttestation;
use crate::check::{Finding, Outcome};
use crate::profile::{ControlSpec, EnvironmentScope, Level, Rollup};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    PartiallyMet,
    NotMet,
    /// The account shows what it can; the partner's documents are still missing.
    NeedsAttestation,
    /// What the control needs could not be collected, or there was nothing to judge.
    InsufficientEvidence,
    /// A common control the case study need not prove: its Well-Architected review shows no
    /// high risk and nothing unanswered in Security, Operational Excellence and Reliability.
    /// Never met: the exported review is the evidence.
    ExemptWafr,
}

impl Verdict {
    /// How much of the control a verdict asserts is satisfied: met asserts all of it; needs
    /// attestation its observable part; partially met, not met and insufficient evidence leave
    /// it unproven. Removing evidence or adding a failure never raises it. (Partially met is
    /// no claim: one more environment can make a check judgeable that had nothing to judge,
    /// and it may pass while another fails.)
    pub fn claim(self) -> u8 {
        match self {
            Verdict::Met => 2,
            Verdict::NeedsAttestation => 1,
            Verdict::PartiallyMet
            | Verdict::NotMet
            | Verdict::InsufficientEvidence
            | Verdict::ExemptWafr => 0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Met => "Met",
            Verdict::PartiallyMet => "Partially met",
            Verdict::NotMet => "Not met",
            Verdict::NeedsAttestation => "Needs attestation",
            Verdict::InsufficientEvidence => "Insufficient evidence",
            Verdict::ExemptWafr => "Exempt (WAFR)",
        }
    }
}

/// How one check fared, for one control, across the resources in its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    Failed,
    Insufficient,
    /// Observations only (facts such as sizes and growth): evidence, with no judgement.
    Observed,
    /// Nothing judged: only not-applicable results, or no resource at all.
    Neutral,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub check: String,
    #[serde(default)]
    pub level: Level,
    #[serde(default)]
    pub environments: EnvironmentScope,
    pub status: CheckStatus,
    /// Outcomes of the findings in scope.
    pub counts: BTreeMap<Outcome, usize>,
    /// Findings on non-production databases, left out by a production-only scope.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub out_of_scope: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlVerdict {
    pub control: String,
    pub title: String,
    /// Met by a submission when one of its case studies meets it (the profile's `common`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub common: bool,
    pub verdict: Verdict,
    pub narrative: String,
    pub checks: Vec<CheckSummary>,
    /// Resources with failing or insufficient findings of required checks, as
    /// `kind region/id`.
    pub resources_at_issue: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<ControlAttestation>,
}

impl CheckSummary {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.counts.get(&outcome).copied().unwrap_or(0)
    }

    fn gates(&self) -> bool {
        self.level == Level::Required
    }
}

pub fn summarize(
    check: &str,
    level: Level,
    environments: EnvironmentScope,
    findings: &[&Finding],
    out_of_scope: usize,
) -> CheckSummary {
    let mut counts = BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.outcome).or_insert(0) += 1;
    }
    let count = |outcome| counts.get(&outcome).copied().unwrap_or(0);
    let status = if count(Outcome::Fail) > 0 {
        CheckStatus::Failed
    } else if count(Outcome::InsufficientEvidence) > 0 {
        CheckStatus::Insufficient
    } else if count(Outcome::Pass) > 0 {
        CheckStatus::Passed
    } else if count(Outcome::Observation) > 0 {
        CheckStatus::Observed
    } else {
        CheckStatus::Neutral
    };
    CheckSummary {
        check: check.to_owned(),
        level,
        environments,
        status,
        counts,
        out_of_scope,
    }
}

/// What the evaluation saw of the databases, for controls about them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Databases {
    /// DB instances and clusters in the known listings.
    pub listed: usize,
    /// Regions whose instance or cluster listing could not be read.
    pub unlisted_regions: Vec<String>,
    /// DocumentDB and Neptune resources the RDS API returned, left out.
    pub excluded: usize,
    pub regions: Vec<String>,
}

/// A control's verdict and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    pub basis: Basis,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Basis {
    /// The required checks' statuses, as the narrative lists them.
    Checks,
    /// No required check: the control rests on the partner's documents alone.
    DocumentsOnly,
    /// A control about databases, in an account where none was found.
    NoDatabase,
    /// Required checks that judged nothing.
    NothingToJudge,
    /// An `any-of` use case shown by a passing resource.
    UseCaseObserved { check: String },
    /// An `any-of` use case no account can show, proven by the attested document.
    UseCaseDocumented { title: String },
}

/// The control's verdict from its checks, the databases seen and the attestation, by the
/// rollup rule of this module.
pub fn decide(
    spec: &ControlSpec,
    checks: &[CheckSummary],
    databases: &Databases,
    attestation: Option<&ControlAttestation>,
) -> Decision {
    let decision = |verdict, basis| Decision { verdict, basis };
    let gating: Vec<&CheckSummary> = checks.iter().filter(|c| c.gates()).collect();
    if about_databases(spec) && databases.listed == 0 {
        return decision(Verdict::InsufficientEvidence, Basis::NoDatabase);
    }
    if gating.is_empty() {
        let verdict = match (&spec.attestation, attestation) {
            (Some(_), Some(_)) => Verdict::Met,
            (Some(_), None) => Verdict::NeedsAttestation,
            // Validation refuses such a profile; nothing proves such a control.
            (None, _) => Verdict::InsufficientEvidence,
        };
        return decision(verdict, Basis::DocumentsOnly);
    }
    let any = |status| gating.iter().any(|c| c.status == status);
    let observed = match spec.rollup {
        Rollup::All => {
            if any(CheckStatus::Failed) {
                // A check that failed somewhere may also lack evidence elsewhere: its status
                // says failed, its counts say both.
                let unknowns = gating
                    .iter()
                    .any(|c| c.count(Outcome::InsufficientEvidence) > 0);
                let some_shown = any(CheckStatus::Passed) || any(CheckStatus::Observed);
                let verdict = if !unknowns && some_shown {
                    Verdict::PartiallyMet
                } else {
                    Verdict::NotMet
                };
                decision(verdict, Basis::Checks)
            } else if any(CheckStatus::Insufficient) {
                decision(Verdict::InsufficientEvidence, Basis::Checks)
            } else if any(CheckStatus::Passed) || any(CheckStatus::Observed) {
                decision(Verdict::Met, Basis::Checks)
            } else {
                decision(Verdict::InsufficientEvidence, Basis::NothingToJudge)
            }
        }
        Rollup::AnyOf => {
            if let Some(shown) = gating.iter().find(|c| c.count(Outcome::Pass) > 0) {
                decision(
                    Verdict::Met,
                    Basis::UseCaseObserved {
                        check: shown.check.clone(),
                    },
                )
            } else if let Some(title) = documented_use_case(spec, &gating, attestation) {
                decision(Verdict::Met, Basis::UseCaseDocumented { title })
            } else if any(CheckStatus::Insufficient) {
                decision(Verdict::InsufficientEvidence, Basis::Checks)
            } else if any(CheckStatus::Failed) {
                decision(Verdict::NotMet, Basis::Checks)
            } else {
                decision(Verdict::InsufficientEvidence, Basis::NothingToJudge)
            }
        }
    };
    match observed.verdict {
        Verdict::Met if spec.attestation.is_some() && attestation.is_none() => Decision {
            verdict: Verdict::NeedsAttestation,
            ..observed
        },
        _ => observed,
    }
}

/// A control is about databases when any of its checks judges something other than the
/// account's identity and governance: in an account without databases it has nothing to show.
pub fn about_databases(spec: &ControlSpec) -> bool {
    spec.checks.iter().any(|used| {
        crate::checks::find(&used.id).is_some_and(|check| !check.scope.is_account_wide())
    })
}

/// The title of the use case the attestation documents, when the profile lets a document
/// prove it and nothing observed of that use case failed or was unknown.
fn documented_use_case(
    spec: &ControlSpec,
    gating: &[&CheckSummary],
    attestation: Option<&ControlAttestation>,
) -> Option<String> {
    let named = attestation?.use_case.as_deref()?;
    let use_case = spec.documented_use_cases.iter().find(|u| u.id == named)?;
    let contradicted = use_case.check.as_deref().is_some_and(|id| {
        gating.iter().any(|c| {
            c.check == id && matches!(c.status, CheckStatus::Failed | CheckStatus::Insufficient)
        })
    });
    (!contradicted).then(|| use_case.title.clone())
}

/// One paragraph: what the verdict rests on, what failed where, what could not be seen, what
/// is missing.
pub fn narrative(
    spec: &ControlSpec,
    decision: &Decision,
    checks: &[CheckSummary],
    databases: &Databases,
    at_issue: &[String],
    attestation: Option<&ControlAttestation>,
) -> String {
    let mut parts = Vec::new();
    match &decision.basis {
        Basis::NoDatabase => parts.push(no_database(databases)),
        Basis::NothingToJudge => parts.push(
            "nothing to judge: no resource in scope passed or failed a required check".to_owned(),
        ),
        Basis::DocumentsOnly if !spec.checks.is_empty() => parts
            .push("no check gates this control: it rests on the partner's documents".to_owned()),
        Basis::UseCaseObserved { check } => {
            let shown = checks
                .iter()
                .find(|c| &c.check == check)
                .map_or(0, |c| c.count(Outcome::Pass));
            parts.push(format!(
                "use case shown by the account: {check} passed on {shown} resource(s)"
            ))
        }
        Basis::UseCaseDocumented { title } => parts.push(format!(
            "use case \"{title}\" proven by the attested document: no account can show it"
        )),
        Basis::DocumentsOnly | Basis::Checks => {}
    }
    let required: Vec<&CheckSummary> = checks.iter().filter(|c| c.gates()).collect();
    // An any-of control met by one use case has nothing at issue: the others are options.
    let shown_use_case = matches!(
        decision.basis,
        Basis::UseCaseObserved { .. } | Basis::UseCaseDocumented { .. }
    );
    if !required.is_empty() && decision.basis != Basis::NoDatabase && !shown_use_case {
        let passed = required
            .iter()
            .filter(|c| matches!(c.status, CheckStatus::Passed | CheckStatus::Observed))
            .count();
        parts.push(match spec.rollup {
            Rollup::All => format!("{passed} of {} required checks passed", required.len()),
            Rollup::AnyOf => format!("none of {} use cases shown", required.len()),
        });
        for (status, what) in [
            (CheckStatus::Failed, "failed"),
            (CheckStatus::Insufficient, "lacked evidence"),
            (CheckStatus::Neutral, "had nothing to judge"),
        ] {
            let names: Vec<&str> = required
                .iter()
                .filter(|c| c.status == status)
                .map(|c| c.check.as_str())
                .collect();
            if !names.is_empty() {
                parts.push(format!("{what}: {}", names.join(", ")));
            }
        }
        if !at_issue.is_empty() {
            let shown: Vec<&str> = at_issue.iter().take(5).map(String::as_str).collect();
            let more = at_issue.len().saturating_sub(shown.len());
            let mut text = format!("resources at issue: {}", shown.join(", "));
            if more > 0 {
                text.push_str(&format!(" and {more} more"));
            }
            parts.push(text);
        }
    }
    let recommended: Vec<&str> = checks
        .iter()
        .filter(|c| {
            !c.gates() && matches!(c.status, CheckStatus::Failed | CheckStatus::Insufficient)
        })
        .map(|c| c.check.as_str())
        .collect();
    if !recommended.is_empty() {
        parts.push(format!(
            "recommended, not gating, and not passed: {}",
            recommended.join(", ")
        ));
    }
    match (&spec.attestation, attestation) {
        (Some(needed), None) => parts.push(format!(
            "partner to supply: {}",
            needed.trim_end_matches('.')
        )),
        (Some(_), Some(given)) => {
            parts.push(match (given.documents.len(), given.statement.is_some()) {
                (0, _) => "attested with a statement".to_owned(),
                (n, true) => format!("attested with {n} document(s) and a statement"),
                (n, false) => format!("attested with {n} document(s)"),
            })
        }
        (None, _) => {}
    }
    format!("{}: {}.", decision.verdict.label(), parts.join("; "))
}

fn no_database(databases: &Databases) -> String {
    let mut text = if databases.unlisted_regions.is_empty() {
        format!(
            "no RDS database in the regions collected ({})",
            databases.regions.join(", ")
        )
    } else {
        format!(
            "no RDS database could be listed (listing unknown in {})",
            databases.unlisted_regions.join(", ")
        )
    };
    if databases.excluded > 0 {
        text.push_str(&format!(
            "; {} DocumentDB or Neptune resource(s) left out",
            databases.excluded
        ));
    }
    text.push_str(": an attestation cannot stand in for databases to observe");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{CheckUse, DocumentedUseCase};

    fn spec(rollup: Rollup, attestation: bool) -> ControlSpec {
        ControlSpec {
            id: "X-1".into(),
            title: "x".into(),
            requirement: "r".into(),
            checks: vec![CheckUse {
                id: "rds.database.multi_az".into(),
                level: Level::Required,
                environments: EnvironmentScope::All,
            }],
            rollup,
            attestation: attestation.then(|| "a runbook".to_owned()),
            common: false,
            documented_use_cases: Vec::new(),
        }
    }

    fn databases() -> Databases {
        Databases {
            listed: 2,
            regions: vec!["us-east-1".into()],
            ..Databases::default()
        }
    }

    fn status(status: CheckStatus) -> CheckSummary {
        let outcome = match status {
            CheckStatus::Passed => Some(Outcome::Pass),
            CheckStatus::Failed => Some(Outcome::Fail),
            CheckStatus::Insufficient => Some(Outcome::InsufficientEvidence),
            CheckStatus::Observed => Some(Outcome::Observation),
            CheckStatus::Neutral => None,
        };
        CheckSummary {
            check: format!("{status:?}"),
            level: Level::Required,
            environments: EnvironmentScope::All,
            status,
            counts: outcome.map(|o| (o, 1)).into_iter().collect(),
            out_of_scope: 0,
        }
    }

    /// A check with a passing resource besides whatever gave it its status.
    fn passing(check_status: CheckStatus) -> CheckSummary {
        let mut summary = status(check_status);
        summary.counts.insert(Outcome::Pass, 1);
        summary
    }

    fn recommended(check_status: CheckStatus) -> CheckSummary {
        CheckSummary {
            level: Level::Recommended,
            ..status(check_status)
        }
    }

    fn verdict(spec: &ControlSpec, checks: &[CheckSummary]) -> Verdict {
        decide(spec, checks, &databases(), None).verdict
    }

    fn attested(use_case: Option<&str>) -> ControlAttestation {
        ControlAttestation {
            statement: Some("we do".into()),
            documents: vec![],
            use_case: use_case.map(str::to_owned),
        }
    }

    use CheckStatus::*;

    #[test]
    fn all_rollup() {
        let all = spec(Rollup::All, false);
        assert_eq!(
            verdict(&all, &[status(Passed), status(Passed)]),
            Verdict::Met
        );
        assert_eq!(
            verdict(&all, &[status(Passed), status(Failed)]),
            Verdict::PartiallyMet
        );
        assert_eq!(verdict(&all, &[status(Failed)]), Verdict::NotMet);
        assert_eq!(
            verdict(&all, &[status(Passed), status(Insufficient)]),
            Verdict::InsufficientEvidence,
            "unknown is never pass"
        );
        assert_eq!(
            verdict(
                &all,
                &[status(Passed), status(Failed), status(Insufficient)]
            ),
            Verdict::NotMet,
            "a failure beside unknowns: the unknowns could only add failures"
        );
        assert_eq!(
            verdict(&all, &[status(Observed), status(Neutral)]),
            Verdict::Met,
            "observed facts are evidence"
        );
    }

    #[test]
    fn nothing_to_judge_is_never_met() {
        let all = spec(Rollup::All, false);
        let decision = decide(
            &all,
            &[status(Neutral), status(Neutral)],
            &databases(),
            None,
        );
        assert_eq!(decision.verdict, Verdict::InsufficientEvidence);
        assert_eq!(decision.basis, Basis::NothingToJudge);

        let documentary = spec(Rollup::All, true);
        let given = attested(None);
        let decision = decide(&documentary, &[status(Neutral)], &databases(), Some(&given));
        assert_eq!(
            decision.verdict,
            Verdict::InsufficientEvidence,
            "an attestation never stands in for an observable part with nothing to observe"
        );
    }

    #[test]
    fn no_database_no_database_claim() {
        let documentary = spec(Rollup::All, true);
        let none = Databases {
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            excluded: 1,
            ..Databases::default()
        };
        let given = attested(None);
        let decision = decide(&documentary, &[status(Passed)], &none, Some(&given));
        assert_eq!(decision.verdict, Verdict::InsufficientEvidence);
        let text = narrative(&documentary, &decision, &[], &none, &[], Some(&given));
        assert!(
            text.starts_with(
                "Insufficient evidence: no RDS database in the regions collected \
                 (us-east-1, eu-west-1); 1 DocumentDB or Neptune resource(s) left out"
            ),
            "{text}"
        );
    }

    #[test]
    fn recommended_checks_never_gate() {
        let all = spec(Rollup::All, false);
        assert_eq!(
            verdict(&all, &[status(Passed), recommended(Failed)]),
            Verdict::Met
        );
        assert_eq!(
            verdict(&all, &[status(Passed), recommended(Insufficient)]),
            Verdict::Met
        );
        let documentary = spec(Rollup::All, true);
        let given = attested(None);
        assert_eq!(
            decide(
                &documentary,
                &[recommended(Failed)],
                &databases(),
                Some(&given)
            )
            .verdict,
            Verdict::Met,
            "only recommended checks: the documents decide"
        );
        assert_eq!(
            decide(&documentary, &[recommended(Passed)], &databases(), None).verdict,
            Verdict::NeedsAttestation
        );
    }

    #[test]
    fn any_of_rollup() {
        let any = spec(Rollup::AnyOf, false);
        assert_eq!(
            verdict(&any, &[status(Failed), passing(Passed)]),
            Verdict::Met
        );
        assert_eq!(
            verdict(&any, &[passing(Failed)]),
            Verdict::Met,
            "one database demonstrating the use case is enough"
        );
        assert_eq!(
            verdict(&any, &[status(Failed), status(Failed)]),
            Verdict::NotMet
        );
        assert_eq!(
            verdict(&any, &[status(Failed), status(Insufficient)]),
            Verdict::InsufficientEvidence
        );
        assert_eq!(
            verdict(&any, &[status(Neutral)]),
            Verdict::InsufficientEvidence
        );
    }

    #[test]
    fn a_documented_use_case_never_overrides_its_observation() {
        let mut any = spec(Rollup::AnyOf, true);
        any.checks.push(CheckUse {
            id: "dms.migration.tasks".into(),
            level: Level::Required,
            environments: EnvironmentScope::All,
        });
        any.documented_use_cases = vec![DocumentedUseCase {
            id: "migration".into(),
            title: "A migration to Amazon RDS".into(),
            check: Some("dms.migration.tasks".into()),
        }];
        let migration = |s| CheckSummary {
            check: "dms.migration.tasks".into(),
            ..status(s)
        };
        let given = attested(Some("migration"));
        let decision = decide(
            &any,
            &[status(Failed), migration(Neutral)],
            &databases(),
            Some(&given),
        );
        assert_eq!(decision.verdict, Verdict::Met);
        assert_eq!(
            decision.basis,
            Basis::UseCaseDocumented {
                title: "A migration to Amazon RDS".into()
            }
        );
        let text = narrative(&any, &decision, &[], &databases(), &[], Some(&given));
        assert!(text.contains("proven by the attested document"), "{text}");

        for contradicting in [Failed, Insufficient] {
            assert_ne!(
                decide(
                    &any,
                    &[status(Failed), migration(contradicting)],
                    &databases(),
                    Some(&given)
                )
                .verdict,
                Verdict::Met
            );
        }
        assert_eq!(
            decide(
                &any,
                &[status(Failed), migration(Neutral)],
                &databases(),
                Some(&attested(None))
            )
            .verdict,
            Verdict::NotMet,
            "an attestation that names no use case proves none"
        );
    }

    #[test]
    fn attestations() {
        let documentary = spec(Rollup::All, true);
        let given = attested(None);
        assert_eq!(
            decide(&documentary, &[status(Passed)], &databases(), Some(&given)).verdict,
            Verdict::Met
        );
        assert_eq!(
            verdict(&documentary, &[status(Passed)]),
            Verdict::NeedsAttestation
        );
        assert_eq!(
            decide(&documentary, &[status(Failed)], &databases(), Some(&given)).verdict,
            Verdict::NotMet
        );
        let mut only_documents = spec(Rollup::All, true);
        only_documents.checks.clear();
        assert_eq!(
            decide(&only_documents, &[], &Databases::default(), None).verdict,
            Verdict::NeedsAttestation
        );
        assert_eq!(
            decide(&only_documents, &[], &Databases::default(), Some(&given)).verdict,
            Verdict::Met,
            "a control no account can show rests on its documents"
        );
    }

    #[test]
    fn claims_are_ordered() {
        assert!(Verdict::Met.claim() > Verdict::NeedsAttestation.claim());
        for unproven in [
            Verdict::PartiallyMet,
            Verdict::NotMet,
            Verdict::InsufficientEvidence,
        ] {
            assert!(Verdict::NeedsAttestation.claim() > unproven.claim());
            assert_eq!(unproven.claim(), 0);
        }
    }

    #[test]
    fn narrative_says_what_failed_and_what_is_missing() {
        let documentary = spec(Rollup::All, true);
        let checks = [status(Failed), status(Passed), recommended(Insufficient)];
        let decision = decide(&documentary, &checks, &databases(), None);
        let text = narrative(
            &documentary,
            &decision,
            &checks,
            &databases(),
            &["db_instance us-east-1/dev-mysql".to_owned()],
            None,
        );
        assert_eq!(
            text,
            "Partially met: 1 of 2 required checks passed; failed: Failed; resources at issue: \
             db_instance us-east-1/dev-mysql; recommended, not gating, and not passed: \
             Insufficient; partner to supply: a runbook."
        );
    }
}
