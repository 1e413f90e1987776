//! The case-study summary draft (checklist 4.2 recommends AWS's summary template): what the
//! evidence shows of the solution filled in, what only the partner can tell left for them.

use std::collections::BTreeMap;
use std::fmt::Write;

use rds_evidence_controls::{CaseStudyScope, Finding, Outcome, Resource, Scope};
use rds_evidence_inventory::rds::DbInstance;
use rds_evidence_inventory::Snapshot;

use crate::report::cells::{code, row, text};
use crate::Contents;

/// The checks a paragraph of the summary draws on, with what a pass says.
const HIGHLIGHTS: &[(&str, &[(&str, &str)])] = &[
    (
        "High availability and disaster recovery",
        &[
            ("rds.database.multi_az", "across availability zones"),
            (
                "rds.database.cross_region_recovery",
                "recoverable in another region",
            ),
            ("rds.database.backup_retention", "backups kept long enough"),
            (
                "rds.database.point_in_time_recovery_current",
                "restorable to minutes ago",
            ),
        ],
    ),
    (
        "Security",
        &[
            (
                "rds.instance.storage_encrypted",
                "instance storage encrypted",
            ),
            ("rds.cluster.storage_encrypted", "cluster storage encrypted"),
            (
                "rds.encryption.customer_managed_key",
                "on a customer-managed key",
            ),
            (
                "rds.instance.not_publicly_reachable",
                "not reachable from the internet",
            ),
            ("rds.tls.enforced", "TLS enforced"),
        ],
    ),
    (
        "Monitoring",
        &[
            ("cloudwatch.database.kpi_alarms", "alarmed on their KPIs"),
            ("rds.database.log_exports", "logs exported"),
            ("rds.instance.enhanced_monitoring", "Enhanced Monitoring on"),
            (
                "rds.instance.performance_insights",
                "Performance Insights on",
            ),
        ],
    ),
];

/// `case-study-summary.md`: the draft, from the case study's evaluation.
pub fn summary(contents: Contents, scope: &CaseStudyScope) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Case study summary: {} (draft)\n\n\
         Drafted by rds-evidence from the account evidence collected {}: the facts below are \
         observed; the sections in italics are the partner's to write.\n",
        text(&scope.id),
        text(&contents.snapshot.collected_at)
    );
    out.push_str("| | |\n|---|---|\n");
    row(&mut out, &["Customer", &text(&scope.customer)]);
    row(&mut out, &["Engine specialty", &text(scope.engine.title())]);
    let accounts: Vec<String> = accounts(contents.snapshot)
        .map(|s| {
            let regions: Vec<&str> = s.regions.iter().map(|r| r.region.as_str()).collect();
            format!("{} ({})", code(&s.account.id), regions.join(", "))
        })
        .collect();
    row(&mut out, &["Accounts", &accounts.join("; ")]);
    row(&mut out, &["Scope", &text(&scope.rule)]);
    out.push_str(
        "\n## The customer's challenge\n\n_The business problem, the previous platform and why \
         the customer chose Amazon RDS._\n\n## The solution on Amazon RDS\n\n",
    );
    databases(&mut out, contents, scope);
    let findings = &contents.evaluation.findings;
    for (title, checks) in HIGHLIGHTS {
        let _ = writeln!(out, "\n### {title}\n");
        for (check, says) in *checks {
            let _ = writeln!(out, "- {}", tally(findings, check, says));
        }
    }
    out.push_str("\n### Size and growth\n\n");
    let observed: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.check == "rds.database.utilisation" && f.outcome == Outcome::Observation)
        .collect();
    if observed.is_empty() {
        out.push_str("- No utilisation metrics were observed.\n");
    }
    for finding in observed {
        let _ = writeln!(
            out,
            "- {}: {}",
            code(&resource(&finding.resource)),
            text(&finding.detail)
        );
    }
    out.push_str(
        "\n## Results and benefits\n\n_What changed for the customer: performance, cost, \
         availability, time to deliver._\n\n## Verdicts\n\n",
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for control in &contents.evaluation.controls {
        *counts.entry(control.verdict.label()).or_default() += 1;
    }
    for (verdict, count) in counts {
        let _ = writeln!(out, "- {verdict}: {count} control(s)");
    }
    out
}

fn accounts(snapshot: &Snapshot) -> impl Iterator<Item = &Snapshot> {
    std::iter::once(snapshot).chain(&snapshot.other_accounts)
}

/// The in-scope databases, one row each.
fn databases(out: &mut String, contents: Contents, scope: &CaseStudyScope) {
    out.push_str(
        "| Database | Where | Engine | Class | Multi-AZ | Storage | Encrypted |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for resource in &scope.in_scope {
        let Some(account) = accounts(contents.snapshot)
            .find(|s| resource.account.is_empty() || s.account.id == resource.account)
        else {
            continue;
        };
        let Some(region) = account.regions.iter().find(|r| r.region == resource.region) else {
            continue;
        };
        let where_ = format!("{} {}", account.account.id, region.region);
        match resource.kind {
            Scope::DbCluster => {
                let Some(cluster) = region
                    .db_clusters
                    .value()
                    .and_then(|c| c.iter().find(|c| c.identifier == resource.id))
                else {
                    continue;
                };
                row(
                    out,
                    &[
                        &code(&cluster.identifier),
                        &text(&where_),
                        &text(&format!("{} {}", cluster.engine, cluster.engine_version)),
                        &format!("{} member(s)", cluster.members.len()),
                        yes_no(cluster.multi_az),
                        "cluster volume",
                        yes_no(cluster.storage.encrypted),
                    ],
                );
            }
            _ => {
                let Some(instance) = region
                    .db_instances
                    .value()
                    .and_then(|i| i.iter().find(|i| i.identifier == resource.id))
                else {
                    continue;
                };
                instance_row(out, instance, &where_);
            }
        }
    }
}

fn instance_row(out: &mut String, instance: &DbInstance, where_: &str) {
    let storage = instance
        .storage
        .allocated_gib
        .map_or_else(|| "not reported".to_owned(), |gib| format!("{gib} GiB"));
    row(
        out,
        &[
            &code(&instance.identifier),
            &text(where_),
            &text(&format!("{} {}", instance.engine, instance.engine_version)),
            &text(&instance.instance_class),
            yes_no(instance.multi_az),
            &text(&storage),
            yes_no(instance.storage.encrypted),
        ],
    );
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// `4 of 5 judged databases across availability zones (rds.database.multi_az)`.
fn tally(findings: &[Finding], check: &str, says: &str) -> String {
    let of_check = findings.iter().filter(|f| f.check == check);
    let (mut passed, mut judged) = (0, 0);
    for finding in of_check {
        match finding.outcome {
            Outcome::Pass => {
                passed += 1;
                judged += 1;
            }
            Outcome::Fail | Outcome::InsufficientEvidence => judged += 1,
            Outcome::NotApplicable | Outcome::Observation => {}
        }
    }
    if judged == 0 {
        format!("{says}: nothing to judge ({})", code(check))
    } else {
        format!("{passed} of {judged} judged: {says} ({})", code(check))
    }
}

fn resource(resource: &Resource) -> String {
    if resource.account.is_empty() {
        format!("{}/{}", resource.region, resource.id)
    } else {
        format!("{}:{}/{}", resource.account, resource.region, resource.id)
    }
}
