//! A diff as text for a terminal and as Markdown for a ticket or a pull request. Regressions
//! are marked `!` in text and "yes" in the Markdown tables' Regression column.

use std::fmt::Write;

use rds_evidence_controls::{Outcome, Resource, Verdict};

use super::{Attribute, Diff, Drift, FindingChangeKind, Presence, Side, Value};
use crate::verdicts;
use rds_evidence_bundle::report::cells::{code, row, text};

impl Diff {
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Changes in account {}", self.new.account);
        for (word, side) in [("from", &self.old), ("to  ", &self.new)] {
            let _ = writeln!(out, "  {word} {}  {}", side.collected_at, side.bundle);
        }
        let _ = writeln!(out, "{}\n", self.verdict_line("marked !"));

        let _ = writeln!(out, "Controls: {}", count(self.controls.len(), "changed"));
        for change in &self.controls {
            let _ = writeln!(
                out,
                "  {} {}  {}: {} -> {}",
                mark(change.regression),
                change.control,
                change.title,
                verdict(change.old),
                verdict(change.new)
            );
        }

        let _ = writeln!(out, "\nFindings: {}", self.finding_counts());
        for change in &self.findings {
            let _ = writeln!(
                out,
                "  {} {:<8}  {}  {}: {} -> {}. {}",
                mark(change.regression),
                finding_word(change.change),
                change.check,
                resource(&change.resource),
                outcome(change.old),
                outcome(change.new),
                change.detail
            );
        }

        let _ = writeln!(out, "\nResources: {}", self.resource_counts());
        for change in &self.resources {
            let sign = match change.change {
                Presence::Added => '+',
                Presence::Removed => '-',
            };
            let _ = writeln!(out, "  {sign} {}", change.resource);
        }

        let _ = writeln!(
            out,
            "\nConfiguration drift: {}",
            count(self.drift.len(), "setting(s) changed")
        );
        for drift in &self.drift {
            let _ = writeln!(
                out,
                "  {} {}  {}",
                mark(drift.regression),
                drift.resource,
                drift_text(drift)
            );
        }

        if !self.not_compared.is_empty() {
            out.push_str("\nNot compared:\n");
            for note in &self.not_compared {
                let _ = writeln!(out, "  - {note}");
            }
        }
        out
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Changes in account {}\n", code(&self.new.account));
        out.push_str("| Run | Collected at | Bundle |\n|---|---|---|\n");
        for (word, side) in [("Older", &self.old), ("Newer", &self.new)] {
            side_row(&mut out, word, side);
        }
        let _ = writeln!(
            out,
            "\n**{}**\n",
            self.verdict_line("see the Regression columns")
        );

        let _ = writeln!(out, "## Controls\n");
        if self.controls.is_empty() {
            out.push_str("No verdict changed.\n\n");
        } else {
            out.push_str(
                "| Control | Title | Before | After | Regression |\n|---|---|---|---|---|\n",
            );
            for change in &self.controls {
                row(
                    &mut out,
                    &[
                        &code(&change.control),
                        &text(&change.title),
                        verdict(change.old),
                        verdict(change.new),
                        yes(change.regression),
                    ],
                );
            }
            out.push('\n');
        }

        let _ = writeln!(out, "## Findings\n");
        if self.findings.is_empty() {
            out.push_str("No finding appeared or was resolved.\n\n");
        } else {
            out.push_str(
                "| Change | Check | Resource | Before | After | Detail | Regression |\n\
                 |---|---|---|---|---|---|---|\n",
            );
            for change in &self.findings {
                row(
                    &mut out,
                    &[
                        finding_word(change.change),
                        &code(&change.check),
                        &code(&resource(&change.resource)),
                        outcome(change.old),
                        outcome(change.new),
                        &text(&change.detail),
                        yes(change.regression),
                    ],
                );
            }
            out.push('\n');
        }

        let _ = writeln!(out, "## Resources\n");
        if self.resources.is_empty() {
            out.push_str("None added or removed.\n\n");
        } else {
            out.push_str("| Change | Kind | Region | Id |\n|---|---|---|---|\n");
            for change in &self.resources {
                let r = &change.resource;
                row(
                    &mut out,
                    &[
                        match change.change {
                            Presence::Added => "added",
                            Presence::Removed => "removed",
                        },
                        r.kind.label(),
                        &text(if r.region.is_empty() {
                            "account"
                        } else {
                            &r.region
                        }),
                        &code(&r.id),
                    ],
                );
            }
            out.push('\n');
        }

        let _ = writeln!(out, "## Configuration drift\n");
        if self.drift.is_empty() {
            out.push_str("No setting changed.\n\n");
        } else {
            out.push_str(
                "| Resource | Setting | Before | After | Regression |\n|---|---|---|---|---|\n",
            );
            for drift in &self.drift {
                row(
                    &mut out,
                    &[
                        &code(&drift.resource.to_string()),
                        drift.attribute.label(),
                        &text(&value(drift.attribute, drift.old.as_ref())),
                        &text(&value(drift.attribute, drift.new.as_ref())),
                        yes(drift.regression),
                    ],
                );
            }
            out.push('\n');
        }

        if !self.not_compared.is_empty() {
            out.push_str("## Not compared\n\n");
            for note in &self.not_compared {
                let _ = writeln!(out, "- {}", text(note));
            }
            out.push('\n');
        }
        out
    }

    fn verdict_line(&self, where_marked: &str) -> String {
        match self.regressions() {
            0 if self.is_empty() => "No changes.".to_owned(),
            0 => "Regressed: no.".to_owned(),
            n => format!("Regressed: yes, {n} regression(s) ({where_marked})."),
        }
    }

    fn finding_counts(&self) -> String {
        if self.findings.is_empty() {
            return "none".to_owned();
        }
        let of = |kind| self.findings.iter().filter(|f| f.change == kind).count();
        format!(
            "{} appeared, {} resolved, {} changed",
            of(FindingChangeKind::Appeared),
            of(FindingChangeKind::Resolved),
            of(FindingChangeKind::Changed)
        )
    }

    fn resource_counts(&self) -> String {
        if self.resources.is_empty() {
            return "none".to_owned();
        }
        let of = |kind| self.resources.iter().filter(|r| r.change == kind).count();
        format!(
            "{} added, {} removed",
            of(Presence::Added),
            of(Presence::Removed)
        )
    }
}

fn side_row(out: &mut String, word: &str, side: &Side) {
    row(out, &[word, &text(&side.collected_at), &code(&side.bundle)]);
}

fn count(n: usize, what: &str) -> String {
    if n == 0 {
        "none".to_owned()
    } else {
        format!("{n} {what}")
    }
}

fn mark(regression: bool) -> char {
    if regression {
        '!'
    } else {
        ' '
    }
}

fn yes(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        ""
    }
}

fn verdict(verdict: Option<Verdict>) -> &'static str {
    verdict.map_or("not in profile", verdicts::label)
}

fn outcome(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        None => "not judged",
        Some(Outcome::Pass) => "pass",
        Some(Outcome::Fail) => "fail",
        Some(Outcome::NotApplicable) => "not applicable",
        Some(Outcome::InsufficientEvidence) => "insufficient evidence",
        Some(Outcome::Observation) => "observation",
    }
}

fn finding_word(kind: FindingChangeKind) -> &'static str {
    match kind {
        FindingChangeKind::Appeared => "appeared",
        FindingChangeKind::Resolved => "resolved",
        FindingChangeKind::Changed => "changed",
    }
}

/// `db_instance us-east-1/prod`, from the scope's own serialized name, so that scopes added to
/// the checks need no change here.
fn resource(resource: &Resource) -> String {
    let kind = serde_json::to_value(resource.kind)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default();
    if resource.region.is_empty() {
        format!("{kind} {}", resource.id)
    } else {
        format!("{kind} {}/{}", resource.region, resource.id)
    }
}

fn value(attribute: Attribute, value: Option<&Value>) -> String {
    match (attribute, value) {
        (Attribute::IngressRule, None) => "—".to_owned(),
        (_, None) => "not reported".to_owned(),
        (_, Some(value)) => value.to_string(),
    }
}

fn drift_text(drift: &Drift) -> String {
    match (drift.attribute, &drift.old, &drift.new) {
        (Attribute::IngressRule, None, Some(rule)) => format!("ingress opened: {rule}"),
        (Attribute::IngressRule, Some(rule), None) => format!("ingress closed: {rule}"),
        (attribute, old, new) => format!(
            "{}: {} -> {}",
            attribute.label(),
            value(attribute, old.as_ref()),
            value(attribute, new.as_ref())
        ),
    }
}
