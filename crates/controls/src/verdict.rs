//! From findings to one verdict per checklist control, with a narrative a validator can read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attestations::ControlAttestation;
use crate::check::{Finding, Outcome};
use crate::profile::{ControlSpec, Rollup};

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
}

/// How one check fared across all the resources it judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    Failed,
    Insufficient,
    /// Only observations or not-applicable results: neither for nor against.
    Neutral,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub check: String,
    pub status: CheckStatus,
    pub counts: BTreeMap<Outcome, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlVerdict {
    pub control: String,
    pub title: String,
    pub verdict: Verdict,
    pub narrative: String,
    pub checks: Vec<CheckSummary>,
    /// Resources with failing or insufficient findings, as `kind region/id`.
    pub resources_at_issue: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<ControlAttestation>,
}

pub fn summarize(check: &str, findings: &[&Finding]) -> CheckSummary {
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
    } else {
        CheckStatus::Neutral
    };
    CheckSummary {
        check: check.to_owned(),
        status,
        counts,
    }
}

/// The control's verdict from its checks' statuses and the attestation, if any.
pub fn decide(
    spec: &ControlSpec,
    checks: &[CheckSummary],
    attestation: Option<&ControlAttestation>,
) -> Verdict {
    let needs_document = spec.attestation.is_some() && attestation.is_none();
    let statuses: Vec<CheckStatus> = checks.iter().map(|c| c.status).collect();
    let any = |s| statuses.contains(&s);
    // Observations alone (facts for a cost model, say) judge nothing: a control the partner
    // proves with a document rests on the document.
    let facts_only = statuses.iter().all(|s| *s == CheckStatus::Neutral);
    let observed = if statuses.is_empty() || (facts_only && spec.attestation.is_some()) {
        None
    } else {
        Some(match spec.rollup {
            Rollup::All => {
                if any(CheckStatus::Failed) {
                    if any(CheckStatus::Passed) {
                        Verdict::PartiallyMet
                    } else {
                        Verdict::NotMet
                    }
                } else if any(CheckStatus::Insufficient) || !any(CheckStatus::Passed) {
                    Verdict::InsufficientEvidence
                } else {
                    Verdict::Met
                }
            }
            // "At least one of": one database demonstrating a use case is the evidence, even
            // where others do not.
            Rollup::AnyOf => {
                if checks
                    .iter()
                    .any(|c| c.counts.get(&Outcome::Pass).is_some_and(|n| *n > 0))
                {
                    Verdict::Met
                } else if any(CheckStatus::Insufficient) || !any(CheckStatus::Failed) {
                    Verdict::InsufficientEvidence
                } else {
                    Verdict::NotMet
                }
            }
        })
    };
    match (observed, needs_document) {
        (None, true) => Verdict::NeedsAttestation,
        (None, false) => Verdict::Met,
        (Some(Verdict::Met), true) => Verdict::NeedsAttestation,
        (Some(verdict), _) => verdict,
    }
}

/// One paragraph: what was checked, what failed where, what could not be seen, what is missing.
pub fn narrative(
    spec: &ControlSpec,
    verdict: Verdict,
    checks: &[CheckSummary],
    at_issue: &[String],
    attestation: Option<&ControlAttestation>,
) -> String {
    let mut parts = Vec::new();
    if !checks.is_empty() {
        let passed = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Passed)
            .count();
        parts.push(format!("{passed} of {} checks passed", checks.len()));
        for status in [CheckStatus::Failed, CheckStatus::Insufficient] {
            let names: Vec<&str> = checks
                .iter()
                .filter(|c| c.status == status)
                .map(|c| c.check.as_str())
                .collect();
            if !names.is_empty() {
                let what = match status {
                    CheckStatus::Failed => "failed",
                    _ => "lacked evidence",
                };
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
    match (&spec.attestation, attestation) {
        (Some(needed), None) => parts.push(format!(
            "partner to supply: {}",
            needed.trim_end_matches('.')
        )),
        (Some(_), Some(given)) => parts.push(format!(
            "attested with {} document(s){}",
            given.documents.len(),
            if given.statement.is_some() {
                " and a statement"
            } else {
                ""
            }
        )),
        (None, _) => {}
    }
    let verdict = match verdict {
        Verdict::Met => "Met",
        Verdict::PartiallyMet => "Partially met",
        Verdict::NotMet => "Not met",
        Verdict::NeedsAttestation => "Needs attestation",
        Verdict::InsufficientEvidence => "Insufficient evidence",
    };
    format!("{verdict}: {}.", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(rollup: Rollup, attestation: bool) -> ControlSpec {
        ControlSpec {
            id: "X-1".into(),
            title: "x".into(),
            requirement: "r".into(),
            checks: vec![],
            rollup,
            attestation: attestation.then(|| "a runbook".to_owned()),
        }
    }

    fn status(status: CheckStatus) -> CheckSummary {
        CheckSummary {
            check: format!("{status:?}"),
            status,
            counts: BTreeMap::new(),
        }
    }

    /// A check with a passing resource besides whatever gave it its status.
    fn passing(check_status: CheckStatus) -> CheckSummary {
        CheckSummary {
            counts: BTreeMap::from([(Outcome::Pass, 1)]),
            ..status(check_status)
        }
    }

    use CheckStatus::*;

    #[test]
    fn all_rollup() {
        let all = spec(Rollup::All, false);
        assert_eq!(
            decide(&all, &[status(Passed), status(Passed)], None),
            Verdict::Met
        );
        assert_eq!(
            decide(&all, &[status(Passed), status(Failed)], None),
            Verdict::PartiallyMet
        );
        assert_eq!(decide(&all, &[status(Failed)], None), Verdict::NotMet);
        assert_eq!(
            decide(&all, &[status(Passed), status(Insufficient)], None),
            Verdict::InsufficientEvidence,
            "unknown is never pass"
        );
        assert_eq!(
            decide(&all, &[status(Neutral)], None),
            Verdict::InsufficientEvidence
        );
    }

    #[test]
    fn any_of_rollup() {
        let any = spec(Rollup::AnyOf, false);
        assert_eq!(
            decide(&any, &[status(Failed), passing(Passed)], None),
            Verdict::Met
        );
        assert_eq!(
            decide(&any, &[passing(Failed)], None),
            Verdict::Met,
            "one database demonstrating the use case is enough"
        );
        assert_eq!(
            decide(&any, &[status(Failed), status(Failed)], None),
            Verdict::NotMet
        );
        assert_eq!(
            decide(&any, &[status(Failed), status(Insufficient)], None),
            Verdict::InsufficientEvidence
        );
    }

    #[test]
    fn attestations() {
        let documentary = spec(Rollup::All, true);
        assert_eq!(decide(&documentary, &[], None), Verdict::NeedsAttestation);
        let given = ControlAttestation {
            statement: Some("we do".into()),
            documents: vec![],
        };
        assert_eq!(decide(&documentary, &[], Some(&given)), Verdict::Met);
        assert_eq!(
            decide(&documentary, &[status(Passed)], None),
            Verdict::NeedsAttestation
        );
        assert_eq!(
            decide(&documentary, &[status(Failed)], Some(&given)),
            Verdict::NotMet
        );
        assert_eq!(
            decide(&documentary, &[status(Neutral)], None),
            Verdict::NeedsAttestation,
            "observations alone leave the control to its document"
        );
        assert_eq!(
            decide(&documentary, &[status(Neutral)], Some(&given)),
            Verdict::Met
        );
    }

    #[test]
    fn narrative_says_what_failed_and_what_is_missing() {
        let documentary = spec(Rollup::All, true);
        let checks = [status(Failed), status(Passed)];
        let text = narrative(
            &documentary,
            Verdict::PartiallyMet,
            &checks,
            &["db_instance us-east-1/dev-mysql".to_owned()],
            None,
        );
        assert_eq!(
            text,
            "Partially met: 1 of 2 checks passed; failed: Failed; resources at issue: \
             db_instance us-east-1/dev-mysql; partner to supply: a runbook."
        );
    }
}
