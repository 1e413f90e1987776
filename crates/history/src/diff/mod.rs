//! What changed between two runs of an account: control verdicts, findings, resources and
//! the configuration a validator looks at, and whether any of it got worse.
//!
//! Unknown is not a change: a listing or a setting that could not be read on either side is
//! named under "not compared", never reported as removed or turned off.

mod facts;
mod render;

use std::collections::{BTreeMap, BTreeSet};

use rds_evidence_controls::{ControlVerdict, Finding, Outcome, Resource, Verdict};
use serde::Serialize;

pub use facts::{Attribute, Kind, ResourceRef, Rule, Value};

use crate::loaded::LoadedBundle;
use crate::verdicts;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    /// Whatever regressed: a control got a worse verdict, a failing finding appeared, or a
    /// setting moved the wrong way.
    regressed: bool,
    pub controls: Vec<ControlChange>,
    pub findings: Vec<FindingChange>,
    pub resources: Vec<ResourceChange>,
    pub drift: Vec<Drift>,
    /// What could not be compared, and why.
    pub not_compared: Vec<String>,
}

/// One of the two bundles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub bundle: String,
    pub account: String,
    pub collected_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlChange {
    pub control: String,
    pub title: String,
    /// `None`: the control is not in that run's profile.
    pub old: Option<Verdict>,
    pub new: Option<Verdict>,
    pub regression: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingChangeKind {
    /// A failing or insufficient-evidence finding that was not one before.
    Appeared,
    /// One that is no longer failing or insufficient (or no longer judged at all).
    Resolved,
    /// Failing before and insufficient now, or the reverse.
    Changed,
}

/// Findings are matched by check and resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingChange {
    pub change: FindingChangeKind,
    pub check: String,
    pub resource: Resource,
    /// `None`: the check did not judge the resource in that run.
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
    /// What the newer run says, or the older one when the newer has no finding.
    pub detail: String,
    pub regression: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Added,
    Removed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceChange {
    pub change: Presence,
    pub resource: ResourceRef,
}

/// A setting of a resource present in both runs that differs. For ingress rules, `old` or
/// `new` is `None`: the rule was opened or closed. For other attributes `None` means the API
/// did not report the setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    pub resource: ResourceRef,
    pub attribute: Attribute,
    pub old: Option<Value>,
    pub new: Option<Value>,
    pub regression: bool,
}

impl Diff {
    /// Whether anything got worse: the exit code of `rds-evidence diff`.
    pub fn regressed(&self) -> bool {
        self.regressed
    }

    /// How many changes are regressions.
    pub fn regressions(&self) -> usize {
        self.controls.iter().filter(|c| c.regression).count()
            + self.findings.iter().filter(|f| f.regression).count()
            + self.drift.iter().filter(|d| d.regression).count()
    }

    pub fn is_empty(&self) -> bool {
        self.controls.is_empty()
            && self.findings.is_empty()
            && self.resources.is_empty()
            && self.drift.is_empty()
    }
}

/// Compares an older and a newer bundle (of the same account, normally).
pub fn compare(old: &LoadedBundle, new: &LoadedBundle) -> Diff {
    let mut not_compared = Vec::new();
    if old.manifest.account.id != new.manifest.account.id {
        not_compared.push(format!(
            "the bundles are of different accounts ({} and {}): every difference below may be \
             one between accounts",
            old.manifest.account.id, new.manifest.account.id
        ));
    }
    let (mut controls, mut findings) = (Vec::new(), Vec::new());
    match (&old.evaluation, &new.evaluation) {
        (Some(old_evaluation), Some(new_evaluation)) => {
            if let (Some(a), Some(b)) = (&old.manifest.profile, &new.manifest.profile) {
                if a.sha256 != b.sha256 {
                    not_compared.push(format!(
                        "the runs were evaluated against different profiles ({} sha256 {}…, \
                         {} sha256 {}…): verdicts may differ because the profile did",
                        a.id,
                        short(&a.sha256),
                        b.id,
                        short(&b.sha256)
                    ));
                }
            }
            controls = compare_controls(&old_evaluation.controls, &new_evaluation.controls);
            findings = compare_findings(&old_evaluation.findings, &new_evaluation.findings);
        }
        _ => {
            for (side, bundle) in [("older", old), ("newer", new)] {
                if bundle.evaluation.is_none() {
                    not_compared.push(format!(
                        "controls and findings: the {side} bundle ({}) holds a snapshot only",
                        bundle.name
                    ));
                }
            }
        }
    }
    let (resources, drift) = facts::compare(&old.snapshot, &new.snapshot, &mut not_compared);
    let mut diff = Diff {
        old: side(old),
        new: side(new),
        regressed: false,
        controls,
        findings,
        resources,
        drift,
        not_compared,
    };
    diff.regressed = diff.regressions() > 0;
    diff
}

/// The first characters of a hash, enough to tell two apart.
fn short(sha256: &str) -> String {
    sha256.chars().take(12).collect()
}

fn side(bundle: &LoadedBundle) -> Side {
    Side {
        bundle: bundle.name.clone(),
        account: bundle.manifest.account.id.clone(),
        collected_at: bundle.manifest.collected_at.clone(),
        profile: bundle.manifest.profile.as_ref().map(|p| p.id.clone()),
    }
}

/// In the newer run's (the checklist's) order, then controls only the older run had.
fn compare_controls(old: &[ControlVerdict], new: &[ControlVerdict]) -> Vec<ControlChange> {
    let mut before: BTreeMap<&str, &ControlVerdict> =
        old.iter().map(|c| (c.control.as_str(), c)).collect();
    let mut changes = Vec::new();
    for control in new {
        let earlier = before.remove(control.control.as_str());
        let old_verdict = earlier.map(|c| c.verdict);
        if old_verdict != Some(control.verdict) {
            changes.push(ControlChange {
                control: control.control.clone(),
                title: control.title.clone(),
                old: old_verdict,
                new: Some(control.verdict),
                regression: old_verdict
                    .is_some_and(|o| verdicts::is_regression(o, control.verdict)),
            });
        }
    }
    for control in old {
        if before.contains_key(control.control.as_str()) {
            changes.push(ControlChange {
                control: control.control.clone(),
                title: control.title.clone(),
                old: Some(control.verdict),
                new: None,
                regression: false,
            });
        }
    }
    changes
}

fn is_problem(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Fail | Outcome::InsufficientEvidence)
}

/// Sorted by check, then resource.
fn compare_findings(old: &[Finding], new: &[Finding]) -> Vec<FindingChange> {
    let key = |f: &Finding| (f.check.clone(), f.resource.clone());
    let before: BTreeMap<_, &Finding> = old.iter().map(|f| (key(f), f)).collect();
    let after: BTreeMap<_, &Finding> = new.iter().map(|f| (key(f), f)).collect();
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).collect();
    let mut changes = Vec::new();
    for key @ (check, resource) in keys {
        let (o, n) = (before.get(key).copied(), after.get(key).copied());
        let was = o.filter(|f| is_problem(f.outcome));
        let is = n.filter(|f| is_problem(f.outcome));
        let change = match (was, is) {
            (None, Some(_)) => FindingChangeKind::Appeared,
            (Some(_), None) => FindingChangeKind::Resolved,
            (Some(a), Some(b)) if a.outcome != b.outcome => FindingChangeKind::Changed,
            _ => continue,
        };
        let new_outcome = n.map(|f| f.outcome);
        changes.push(FindingChange {
            change,
            check: check.clone(),
            resource: resource.clone(),
            old: o.map(|f| f.outcome),
            new: new_outcome,
            detail: n.or(o).map(|f| f.detail.clone()).unwrap_or_default(),
            regression: is.is_some() && new_outcome == Some(Outcome::Fail),
        });
    }
    changes
}

#[cfg(test)]
mod tests {

    use rds_evidence_controls::Scope;
    use rds_evidence_inventory::network::{Peer, PortRange, SecurityGroupRule};
    use rds_evidence_inventory::{FailureKind, Observed, Unavailable};

    use super::*;
    use crate::store::Store;
    use crate::testing::{
        control, demo_snapshot, evaluated, instance, region, security_group, write,
    };

    const ACCOUNT: &str = "000034941834";
    /// prod-postgres's security group.
    const DB_SG: &str = "db-restricted-sg";

    fn store() -> (tempfile::TempDir, Store) {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(&root.path().join("store")).unwrap();
        (root, store)
    }

    fn latest_two(store: &Store) -> Diff {
        let old = store.resolve(&format!("{ACCOUNT}@-1")).unwrap();
        let new = store.resolve(&format!("{ACCOUNT}@latest")).unwrap();
        compare(&old, &new)
    }

    /// The demo account, and a day later: prod-postgres without Multi-AZ, its backup
    /// retention lowered from 7 days to 1, and its security group opened to the internet.
    fn degrade(snapshot: &mut rds_evidence_inventory::Snapshot) -> String {
        snapshot.collected_at = "2026-11-29T00:00:00Z".to_owned();
        let db = instance(snapshot, "us-east-1", "prod-postgres");
        db.multi_az = false;
        db.backup.retention_days = 1;
        let group = security_group(snapshot, "us-east-1", DB_SG);
        group.ingress.push(SecurityGroupRule {
            protocol: "tcp".to_owned(),
            ports: Some(PortRange {
                from: 5432,
                to: 5432,
            }),
            peer: Peer::Ipv4Cidr("0.0.0.0/0".to_owned()),
            description: Some("temporary".to_owned()),
        });
        group.id.clone()
    }

    #[test]
    fn the_diff_finds_exactly_the_changes_made() {
        let (_root, store) = store();
        let mut snapshot = demo_snapshot();
        snapshot.collected_at = "2026-11-28T00:00:00Z".to_owned();
        write(&store, &snapshot, None);
        let group = degrade(&mut snapshot);
        write(&store, &snapshot, None);

        let diff = latest_two(&store);
        let prod = ResourceRef {
            kind: Kind::DbInstance,
            region: "us-east-1".to_owned(),
            id: "prod-postgres".to_owned(),
        };
        let opened = Rule {
            protocol: "tcp".to_owned(),
            ports: Some((5432, 5432)),
            peer: Peer::Ipv4Cidr("0.0.0.0/0".to_owned()),
        };
        assert_eq!(
            diff.drift,
            [
                Drift {
                    resource: prod.clone(),
                    attribute: Attribute::BackupRetentionDays,
                    old: Some(Value::Number(7)),
                    new: Some(Value::Number(1)),
                    regression: true,
                },
                Drift {
                    resource: prod,
                    attribute: Attribute::MultiAz,
                    old: Some(Value::Flag(true)),
                    new: Some(Value::Flag(false)),
                    regression: true,
                },
                Drift {
                    resource: ResourceRef {
                        kind: Kind::SecurityGroup,
                        region: "us-east-1".to_owned(),
                        id: group.clone(),
                    },
                    attribute: Attribute::IngressRule,
                    old: None,
                    new: Some(Value::Rule(opened)),
                    regression: true,
                },
            ]
        );
        assert!(diff.resources.is_empty(), "{:?}", diff.resources);
        assert!(diff.not_compared.is_empty(), "{:?}", diff.not_compared);
        assert!(diff.regressed());

        // Every finding change is a new failure of the instance (its exposure is judged on
        // it) or of its security group.
        assert!(!diff.findings.is_empty());
        for finding in &diff.findings {
            assert_eq!(finding.change, FindingChangeKind::Appeared, "{finding:?}");
            assert_eq!(finding.new, Some(Outcome::Fail), "{finding:?}");
            assert!(finding.regression);
        }
        let judged: BTreeSet<&str> = diff
            .findings
            .iter()
            .map(|f| f.resource.id.as_str())
            .collect();
        assert!(judged.contains("prod-postgres"), "{judged:?}");
        assert!(
            judged
                .iter()
                .all(|id| ["prod-postgres", group.as_str()].contains(id)),
            "{judged:?}"
        );
        assert!(
            diff.controls.iter().all(|c| c.regression),
            "{:?}",
            diff.controls
        );

        let text = diff.to_text();
        assert!(
            text.contains("! instance us-east-1/prod-postgres  Multi-AZ: yes -> no"),
            "{text}"
        );
        assert!(text.contains(&format!(
            "! security group us-east-1/{group}  ingress opened: tcp 5432 from 0.0.0.0/0"
        )));
        let json = serde_json::to_value(&diff).unwrap();
        assert_eq!(json["regressed"], true);
        assert_eq!(json["drift"][0]["attribute"], "backup_retention_days");
        assert_eq!(json["drift"][0]["old"], 7);
        assert_eq!(json["drift"][2]["new"]["peer"]["value"], "0.0.0.0/0");
    }

    #[test]
    fn undoing_the_changes_is_no_regression() {
        let (_root, store) = store();
        let mut snapshot = demo_snapshot();
        let _ = degrade(&mut snapshot);
        snapshot.collected_at = "2026-11-28T00:00:00Z".to_owned();
        write(&store, &snapshot, None);
        let mut repaired = demo_snapshot();
        repaired.collected_at = "2026-11-29T00:00:00Z".to_owned();
        write(&store, &repaired, None);
        let diff = latest_two(&store);
        assert_eq!(diff.drift.len(), 3);
        assert!(!diff.regressed(), "{}", diff.to_text());
        assert!(diff
            .findings
            .iter()
            .all(|f| f.change == FindingChangeKind::Resolved));
    }

    #[test]
    fn what_could_not_be_read_is_not_reported_as_removed() {
        let (_root, store) = store();
        let mut snapshot = demo_snapshot();
        snapshot.collected_at = "2026-11-28T00:00:00Z".to_owned();
        write(&store, &snapshot, None);
        snapshot.collected_at = "2026-11-29T00:00:00Z".to_owned();
        snapshot.regions.retain(|r| r.region == "us-east-1");
        region(&mut snapshot, "us-east-1").db_instances = Observed::Unknown(Unavailable {
            action: "rds:DescribeDBInstances".to_owned(),
            kind: FailureKind::AccessDenied,
            message: "not authorized".to_owned(),
        });
        write(&store, &snapshot, None);
        let diff = latest_two(&store);
        assert!(diff.resources.is_empty(), "{:?}", diff.resources);
        assert_eq!(
            diff.not_compared,
            [
                "region eu-west-1: collected in the older run only, so its resources are not compared",
                "instances in us-east-1: unknown in the newer run \
                 (rds:DescribeDBInstances access denied: not authorized)",
            ]
        );
    }

    fn finding(check: &str, id: &str, outcome: Outcome, detail: &str) -> Finding {
        Finding {
            check: check.to_owned(),
            resource: Resource::new(Scope::DbInstance, "us-east-1", id),
            outcome,
            detail: detail.to_owned(),
            values: Default::default(),
        }
    }

    /// Fixed controls and findings on both sides, and a fixed security group id, so that the
    /// rendering moves neither with the checks and the profile nor with the fixture's ids.
    fn rendered() -> Diff {
        let (_root, store) = store();
        let mut snapshot = demo_snapshot();
        security_group(&mut snapshot, "us-east-1", DB_SG).id = "sg-0123456789abcdef0".to_owned();
        snapshot.collected_at = "2026-11-28T00:00:00Z".to_owned();
        let mut evaluation = evaluated(&snapshot);
        evaluation.controls = vec![
            control("T-1", Verdict::Met),
            control("T-2", Verdict::NotMet),
            control("T-3", Verdict::Met),
        ];
        evaluation.findings = vec![
            finding(
                "t.backup",
                "dev-mysql",
                Outcome::Fail,
                "Retention is 1 day.",
            ),
            finding("t.multi_az", "prod-postgres", Outcome::Pass, "Multi-AZ."),
        ];
        write(&store, &snapshot, Some(&evaluation));
        let _ = degrade(&mut snapshot);
        evaluation.controls = vec![
            control("T-1", Verdict::PartiallyMet),
            control("T-2", Verdict::Met),
            control("T-4", Verdict::NeedsAttestation),
        ];
        evaluation.findings = vec![
            finding(
                "t.backup",
                "dev-mysql",
                Outcome::Pass,
                "Retention is 7 days.",
            ),
            finding(
                "t.multi_az",
                "prod-postgres",
                Outcome::Fail,
                "Single-AZ | <b>",
            ),
        ];
        write(&store, &snapshot, Some(&evaluation));
        latest_two(&store)
    }

    #[test]
    fn text_rendering() {
        insta::assert_snapshot!(rendered().to_text());
    }

    #[test]
    fn markdown_rendering() {
        insta::assert_snapshot!(rendered().to_markdown());
    }
}
