//! The partner's portfolio: over the latest bundle of every case study (and of every account
//! collected without one) in a store, per customer and engine, which controls are met; and
//! which engine specialties the evidence supports under the checklist's §4.1.
//!
//! A case study is one customer's workload: a case study's bundle is one row, for the engine
//! it claims. An account's bundle stands in for a case study of each engine it runs (verdicts
//! are per account); its customer is the account's `customer` label, else the account id.
//! A row's evidence is complete when every control required of each case study is met; the
//! common controls (`common` in the profile: ACCT-001 … COST-001) need only one case study of
//! the submission to meet them.
//!
//! §4.1 as applied:
//! - the first specialty needs two unique customers on the same engine (and §2.1: one case
//!   study per customer);
//! - instead, Aurora MySQL and Aurora PostgreSQL with one case study each, from two customers,
//!   qualify for initial participation, and give both Aurora specialties;
//! - once initial participation is met, each further engine needs one more case study, which
//!   may come from a customer already used (a different workload);
//! - Aurora MySQL also gives RDS for MySQL, and Aurora PostgreSQL RDS for PostgreSQL;
//! - and every common control is met by at least one of the case studies a claim rests on.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rds_evidence_controls::{Engine, Verdict};
use rds_evidence_inventory::Snapshot;
use serde::Serialize;

use crate::error::{HistoryError, NotVerified};
use crate::loaded::LoadedBundle;
use crate::store::Store;
use crate::verdicts;
use rds_evidence_bundle::report::cells::{code, row, text};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Portfolio {
    /// The columns of every row's `verdicts`: controls in checklist order.
    pub controls: Vec<ControlHeader>,
    /// By engine, customer, account.
    pub rows: Vec<PortfolioRow>,
    /// Every engine of §4.1, in its order.
    pub specialties: Vec<Specialty>,
    /// The common controls, with the rows that meet them.
    pub common: Vec<CommonControl>,
    /// Latest bundles left out: failed verification or could not be read. Older bundles of
    /// those accounts are not used in their place: they are not current evidence.
    pub not_verified: Vec<NotVerified>,
    /// Latest bundles holding a snapshot only.
    pub not_evaluated: Vec<String>,
    /// Accounts without databases of a §4.1 engine, and listings that could not be read.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlHeader {
    pub id: String,
    pub title: String,
    /// Met by a submission when one of its case studies meets it.
    pub common: bool,
}

/// One case study; or one customer's account, for one engine it runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioRow {
    pub engine: Engine,
    pub customer: String,
    /// The case study's id, or the account id.
    pub account: String,
    /// The case study's accounts; empty for an account's bundle.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    pub bundle: String,
    pub collected_at: String,
    /// Aligned with [`Portfolio::controls`]; `None` when the bundle's profile lacks it.
    pub verdicts: Vec<Option<Verdict>>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Every control required of each case study met: a case study the evidence supports.
    Complete,
    /// Those controls met or waiting only for the partner's documents.
    AwaitingAttestation,
    Incomplete,
}

/// A common control, and the rows (case studies or accounts) that meet it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommonControl {
    pub id: String,
    pub title: String,
    pub met_by: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Specialty {
    pub engine: Engine,
    pub claim: Claim,
    /// Customers with complete evidence on this engine.
    pub customers: Vec<String>,
    /// Customers whose evidence on this engine lacks only attestations.
    pub awaiting_attestation: Vec<String>,
    /// Why, in a sentence.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Claim {
    /// Two unique customers on this engine: enough for a first specialty on its own.
    TwoCustomers,
    /// Aurora MySQL and Aurora PostgreSQL from two customers: initial participation.
    AuroraPair,
    /// One case study on this engine, beyond initial participation met elsewhere.
    Additional,
    /// Through the Aurora specialty of the same family.
    ThroughAurora,
    NotYet,
}

impl Claim {
    pub fn claimable(self) -> bool {
        self != Claim::NotYet
    }
}

impl Portfolio {
    /// The portfolio of the latest bundle of every account in `store`, each verified first.
    pub fn from_store(store: &Store) -> Result<Portfolio, HistoryError> {
        let mut latest: BTreeMap<String, _> = BTreeMap::new();
        for entry in store.entries(None)? {
            latest.insert(entry.account.clone(), entry);
        }
        let mut bundles = Vec::new();
        let mut not_verified = Vec::new();
        let mut not_evaluated = Vec::new();
        for entry in latest.values() {
            match store.load(entry) {
                Err(error) => not_verified.push(error.into_not_verified(&entry.path)),
                Ok(bundle) if bundle.evaluation.is_none() => not_evaluated.push(bundle.name),
                Ok(bundle) => bundles.push(bundle),
            }
        }
        let mut portfolio = Portfolio::of(&bundles);
        portfolio.not_verified = not_verified;
        portfolio.not_evaluated = not_evaluated;
        Ok(portfolio)
    }

    /// The portfolio of evaluated bundles, one per account.
    fn of(bundles: &[LoadedBundle]) -> Portfolio {
        let mut controls: Vec<ControlHeader> = Vec::new();
        for bundle in bundles {
            for control in bundle.evaluation.iter().flat_map(|e| &e.controls) {
                if !controls.iter().any(|c| c.id == control.control) {
                    controls.push(ControlHeader {
                        id: control.control.clone(),
                        title: control.title.clone(),
                        common: control.common,
                    });
                }
            }
        }
        let mut notes = Vec::new();
        let mut rows = Vec::new();
        for bundle in bundles {
            let Some(evaluation) = &bundle.evaluation else {
                continue;
            };
            let verdicts: Vec<Option<Verdict>> = controls
                .iter()
                .map(|header| {
                    evaluation
                        .controls
                        .iter()
                        .find(|c| c.control == header.id)
                        .map(|c| c.verdict)
                })
                .collect();
            let evidence = evidence(&controls, &verdicts);
            if let Some(case) = &bundle.manifest.case_study {
                rows.push(PortfolioRow {
                    engine: case.engine,
                    customer: case.customer.clone(),
                    account: case.id.clone(),
                    accounts: case.accounts.clone(),
                    bundle: bundle.name.clone(),
                    collected_at: bundle.manifest.collected_at.clone(),
                    verdicts,
                    evidence,
                });
                continue;
            }
            let engines = engines(&bundle.snapshot, &mut notes);
            if engines.is_empty() {
                notes.push(format!(
                    "account {} ({}): no database of an engine §4.1 names",
                    bundle.manifest.account.id, bundle.name
                ));
            }
            for engine in engines {
                rows.push(PortfolioRow {
                    engine,
                    customer: customer(bundle),
                    account: bundle.manifest.account.id.clone(),
                    accounts: Vec::new(),
                    bundle: bundle.name.clone(),
                    collected_at: bundle.manifest.collected_at.clone(),
                    verdicts: verdicts.clone(),
                    evidence,
                });
            }
        }
        rows.sort_by(|a, b| {
            (a.engine, &a.customer, &a.account).cmp(&(b.engine, &b.customer, &b.account))
        });
        let specialties = specialties(&rows, &controls);
        let common = controls
            .iter()
            .enumerate()
            .filter(|(_, header)| header.common)
            .map(|(index, header)| CommonControl {
                id: header.id.clone(),
                title: header.title.clone(),
                met_by: rows
                    .iter()
                    .filter(|r| r.verdicts[index] == Some(Verdict::Met))
                    .map(|r| r.account.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            })
            .collect();
        Portfolio {
            controls,
            rows,
            specialties,
            common,
            not_verified: Vec::new(),
            not_evaluated: Vec::new(),
            notes,
        }
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let customers: BTreeSet<&str> = self.rows.iter().map(|r| r.customer.as_str()).collect();
        let accounts: BTreeSet<&str> = self.rows.iter().map(|r| r.account.as_str()).collect();
        let _ = writeln!(
            out,
            "Portfolio: {} customer(s), {} case stud(ies) or account(s), the latest verified \
             bundle of each\n",
            customers.len(),
            accounts.len()
        );
        let table: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.engine.as_str().to_owned(),
                    r.customer.clone(),
                    r.account.clone(),
                    r.collected_at.clone(),
                    self.met_text(r),
                    self.not_met_text(r),
                ]
            })
            .collect();
        let header = [
            "Engine",
            "Customer",
            "Case study or account",
            "Collected at",
            "Met",
            "Not met yet",
        ]
        .map(str::to_owned);
        let mut widths = header.clone().map(|h| h.len());
        for cells in &table {
            for (width, cell) in widths.iter_mut().zip(cells) {
                *width = (*width).max(cell.chars().count());
            }
        }
        for cells in std::iter::once(&header).chain(&table) {
            let mut line = String::new();
            for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
                if i + 1 == cells.len() {
                    line.push_str(cell);
                } else {
                    let _ = write!(line, "{cell:<width$}  ");
                }
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if self.rows.is_empty() {
            out.push_str("(no evaluated bundle of a §4.1 engine)\n");
        }
        let _ = writeln!(
            out,
            "\nLegend: {}",
            verdicts::legend("not in that bundle's profile")
        );

        out.push_str("\nEngine specialties with current evidence (checklist 4.1):\n");
        let width = Engine::ALL
            .iter()
            .map(|e| e.title().len())
            .max()
            .unwrap_or(0);
        for specialty in &self.specialties {
            let _ = writeln!(
                out,
                "  {:<3}  {:<width$}  {}",
                if specialty.claim.claimable() {
                    "yes"
                } else {
                    "no"
                },
                specialty.engine.title(),
                specialty.reason
            );
        }
        if !self.common.is_empty() {
            out.push_str("\nCommon controls (met by at least one case study):\n");
            for control in &self.common {
                let _ = writeln!(out, "  {:<10}  {}", control.id, met_by(control));
            }
        }
        self.left_out_text(&mut out);
        out
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Portfolio\n\n");
        out.push_str("The latest verified bundle of each case study or account.\n\n");
        if self.rows.is_empty() {
            out.push_str("No evaluated bundle of a §4.1 engine.\n\n");
        } else {
            out.push_str(
                "| Engine | Customer | Case study or account | Collected at | Met | Not met yet |\n\
                 |---|---|---|---|---:|---|\n",
            );
            for r in &self.rows {
                row(
                    &mut out,
                    &[
                        r.engine.as_str(),
                        &text(&r.customer),
                        &code(&r.account),
                        &text(&r.collected_at),
                        &self.met_text(r),
                        &text(&self.not_met_text(r)),
                    ],
                );
            }
            let _ = writeln!(
                out,
                "\nLegend: {}.\n",
                text(&verdicts::legend("not in that bundle's profile"))
            );
        }
        out.push_str("## Engine specialties (checklist 4.1)\n\n");
        out.push_str("| Specialty | Claimable | Why |\n|---|---|---|\n");
        for specialty in &self.specialties {
            row(
                &mut out,
                &[
                    specialty.engine.title(),
                    if specialty.claim.claimable() {
                        "yes"
                    } else {
                        "no"
                    },
                    &text(&specialty.reason),
                ],
            );
        }
        out.push('\n');
        if !self.common.is_empty() {
            out.push_str(
                "## Common controls\n\nMet by a submission when at least one of its case studies \
                 meets them.\n\n| Control | Met by |\n|---|---|\n",
            );
            for control in &self.common {
                row(&mut out, &[&code(&control.id), &text(&met_by(control))]);
            }
            out.push('\n');
        }
        for (heading, lines) in self.left_out() {
            let _ = writeln!(out, "## {heading}\n");
            for line in lines {
                let _ = writeln!(out, "- {}", text(&line));
            }
            out.push('\n');
        }
        out
    }

    fn left_out_text(&self, out: &mut String) {
        for (heading, lines) in self.left_out() {
            let _ = writeln!(out, "\n{heading}:");
            for line in lines {
                let _ = writeln!(out, "  {line}");
            }
        }
    }

    /// What the tables leave out, and why: sections of lines, the empty ones omitted.
    fn left_out(&self) -> Vec<(&'static str, Vec<String>)> {
        let sections = [
            (
                "Not verified, left out",
                self.not_verified
                    .iter()
                    .map(|b| format!("{}: {}", b.bundle, b.problems.join("; ")))
                    .collect::<Vec<_>>(),
            ),
            ("Snapshot only, no verdicts", self.not_evaluated.clone()),
            ("Notes", self.notes.clone()),
        ];
        sections
            .into_iter()
            .filter(|(_, lines)| !lines.is_empty())
            .collect()
    }

    fn met_text(&self, row: &PortfolioRow) -> String {
        let met = row
            .verdicts
            .iter()
            .filter(|v| **v == Some(Verdict::Met))
            .count();
        format!("{met}/{}", self.controls.len())
    }

    /// `RDS-005 N, 2.1 A`: every control not met, with its verdict's letter.
    fn not_met_text(&self, row: &PortfolioRow) -> String {
        let missing: Vec<String> = self
            .controls
            .iter()
            .zip(&row.verdicts)
            .filter(|(_, v)| **v != Some(Verdict::Met))
            .map(|(c, v)| format!("{} {}", c.id, v.map_or(verdicts::ABSENT, verdicts::symbol)))
            .collect();
        if missing.is_empty() {
            "—".to_owned()
        } else {
            missing.join(", ")
        }
    }
}

/// Over the controls required of each case study: the common ones are the submission's.
fn evidence(controls: &[ControlHeader], verdicts: &[Option<Verdict>]) -> Evidence {
    let each: Vec<&Option<Verdict>> = controls
        .iter()
        .zip(verdicts)
        .filter(|(header, _)| !header.common)
        .map(|(_, verdict)| verdict)
        .collect();
    if each.iter().all(|v| **v == Some(Verdict::Met)) {
        Evidence::Complete
    } else if each
        .iter()
        .all(|v| matches!(v, Some(Verdict::Met | Verdict::NeedsAttestation)))
    {
        Evidence::AwaitingAttestation
    } else {
        Evidence::Incomplete
    }
}

fn met_by(control: &CommonControl) -> String {
    if control.met_by.is_empty() {
        "no case study yet".to_owned()
    } else {
        control.met_by.join(", ")
    }
}

fn customer(bundle: &LoadedBundle) -> String {
    bundle
        .manifest
        .account
        .labels
        .get("customer")
        .cloned()
        .unwrap_or_else(|| bundle.manifest.account.id.clone())
}

/// The §4.1 engines of an account's instances and clusters. A listing that could not be read
/// is noted: its engines are missing, not absent.
fn engines(snapshot: &Snapshot, notes: &mut Vec<String>) -> BTreeSet<Engine> {
    let mut engines = BTreeSet::new();
    for region in &snapshot.regions {
        let listed = [
            (
                "DB instances",
                region
                    .db_instances
                    .value()
                    .map(|l| l.iter().map(|i| i.engine.as_str()).collect::<Vec<_>>()),
                region.db_instances.unavailable(),
            ),
            (
                "DB clusters",
                region
                    .db_clusters
                    .value()
                    .map(|l| l.iter().map(|c| c.engine.as_str()).collect::<Vec<_>>()),
                region.db_clusters.unavailable(),
            ),
        ];
        for (what, names, unavailable) in listed {
            engines.extend(
                names
                    .into_iter()
                    .flatten()
                    .filter_map(Engine::of_rds_engine),
            );
            if let Some(why) = unavailable {
                notes.push(format!(
                    "account {}: {what} in {} unknown ({why}): engines there not counted",
                    snapshot.account.id, region.region
                ));
            }
        }
    }
    engines
}

/// The common controls none of `rows` meets.
fn common_unmet(rows: &[&PortfolioRow], controls: &[ControlHeader]) -> Vec<String> {
    controls
        .iter()
        .enumerate()
        .filter(|(index, header)| {
            header.common
                && !rows
                    .iter()
                    .any(|r| r.verdicts[*index] == Some(Verdict::Met))
        })
        .map(|(_, header)| header.id.clone())
        .collect()
}

fn specialties(rows: &[PortfolioRow], controls: &[ControlHeader]) -> Vec<Specialty> {
    // A claim rests on complete rows: the common controls must be met among them.
    let complete_rows = |engines: &[Engine]| -> Vec<&PortfolioRow> {
        rows.iter()
            .filter(|r| engines.contains(&r.engine) && r.evidence == Evidence::Complete)
            .collect()
    };
    let customers_with = |engine: Engine, evidence: Evidence| -> Vec<String> {
        let set: BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.engine == engine && r.evidence == evidence)
            .map(|r| r.customer.as_str())
            .collect();
        set.into_iter().map(str::to_owned).collect()
    };
    let complete: BTreeMap<Engine, Vec<String>> = Engine::ALL
        .iter()
        .map(|e| (*e, customers_with(*e, Evidence::Complete)))
        .collect();
    let common_met =
        |engines: &[Engine]| common_unmet(&complete_rows(engines), controls).is_empty();
    let two_customers = |e: Engine| complete[&e].len() >= 2 && common_met(&[e]);
    let aurora: BTreeSet<&String> = complete[&Engine::AuroraMysql]
        .iter()
        .chain(&complete[&Engine::AuroraPostgresql])
        .collect();
    let aurora_engines = [Engine::AuroraMysql, Engine::AuroraPostgresql];
    let aurora_pair = !complete[&Engine::AuroraMysql].is_empty()
        && !complete[&Engine::AuroraPostgresql].is_empty()
        && aurora.len() >= 2
        && common_met(&aurora_engines);
    let initial = aurora_pair || Engine::ALL.iter().any(|e| two_customers(*e));
    let all_complete: Vec<&PortfolioRow> = rows
        .iter()
        .filter(|r| r.evidence == Evidence::Complete)
        .collect();

    let direct = |engine: Engine| -> Claim {
        if two_customers(engine) {
            Claim::TwoCustomers
        } else if aurora_pair && engine.also_gives().is_some() {
            Claim::AuroraPair
        } else if initial
            && !complete[&engine].is_empty()
            && common_unmet(&all_complete, controls).is_empty()
        {
            Claim::Additional
        } else {
            Claim::NotYet
        }
    };
    Engine::ALL
        .iter()
        .map(|&engine| {
            let customers = complete[&engine].clone();
            let awaiting = customers_with(engine, Evidence::AwaitingAttestation);
            let mut claim = direct(engine);
            let through = Engine::ALL
                .iter()
                .find(|aurora| aurora.also_gives() == Some(engine) && direct(**aurora).claimable());
            if claim == Claim::NotYet && through.is_some() {
                claim = Claim::ThroughAurora;
            }
            let mut reason = reason(claim, &customers, &awaiting, through);
            let unmet = common_unmet(&complete_rows(&[engine]), controls);
            if !claim.claimable() && !customers.is_empty() && !unmet.is_empty() {
                let _ = write!(
                    reason,
                    "; common controls no case study of it meets yet: {}",
                    unmet.join(", ")
                );
            }
            Specialty {
                engine,
                claim,
                customers,
                awaiting_attestation: awaiting,
                reason,
            }
        })
        .collect()
}

fn reason(
    claim: Claim,
    customers: &[String],
    awaiting: &[String],
    through: Option<&Engine>,
) -> String {
    let names = customers.join(", ");
    let mut reason = match claim {
        Claim::TwoCustomers => format!(
            "{} unique customers with complete evidence: {names}",
            customers.len()
        ),
        Claim::AuroraPair => format!(
            "initial participation with one Aurora MySQL and one Aurora PostgreSQL case study \
             from two customers; here: {names}"
        ),
        Claim::Additional => format!("additional specialty, one case study: {names}"),
        Claim::ThroughAurora => format!(
            "through {}",
            through.map_or("Aurora", |aurora| aurora.title())
        ),
        Claim::NotYet if customers.is_empty() => {
            "no customer's evidence on this engine is complete".to_owned()
        }
        // With initial participation met, one customer would be an additional specialty.
        Claim::NotYet => {
            format!(
                "one customer ({names}); the first specialty needs two unique customers on one \
                 engine, or Aurora MySQL and Aurora PostgreSQL from two customers"
            )
        }
    };
    if !claim.claimable() && !awaiting.is_empty() {
        let _ = write!(
            reason,
            "; awaiting attestations only: {}",
            awaiting.join(", ")
        );
    }
    reason
}

#[cfg(test)]
mod tests {
    use rds_evidence_controls::Verdict::{Met, NeedsAttestation, NotMet};
    use rds_evidence_inventory::Observed;

    use super::*;
    use crate::testing::{demo_snapshot, tamper, write_with_verdicts};

    /// The demo estate as `account` of `customer`: its standalone instances run `engine`, its
    /// Aurora cluster `aurora`; `None` removes them.
    fn estate(
        account: &str,
        customer: &str,
        engine: Option<&str>,
        aurora: Option<&str>,
    ) -> Snapshot {
        let mut snapshot = demo_snapshot();
        snapshot.account.id = account.to_owned();
        snapshot
            .account
            .labels
            .insert("customer".to_owned(), customer.to_owned());
        for region in &mut snapshot.regions {
            if let Observed::Value(instances) = &mut region.db_instances {
                instances.retain(|i| match i.cluster_identifier {
                    Some(_) => aurora.is_some(),
                    None => engine.is_some(),
                });
                for instance in instances {
                    let name = match instance.cluster_identifier {
                        Some(_) => aurora,
                        None => engine,
                    };
                    instance.engine = name.unwrap_or_default().to_owned();
                }
            }
            if let Observed::Value(clusters) = &mut region.db_clusters {
                clusters.retain(|_| aurora.is_some());
                for cluster in clusters {
                    cluster.engine = aurora.unwrap_or_default().to_owned();
                }
            }
        }
        snapshot
    }

    const ALL_MET: &[(&str, Verdict)] = &[("T-1", Met), ("T-2", Met), ("T-3", Met)];
    const AWAITING: &[(&str, Verdict)] = &[("T-1", Met), ("T-2", NeedsAttestation), ("T-3", Met)];
    const FAILING: &[(&str, Verdict)] = &[("T-1", NotMet), ("T-2", Met), ("T-3", Met)];
    const TODAY: &str = "2026-11-29T00:00:00Z";

    fn store() -> (tempfile::TempDir, Store) {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(&root.path().join("store")).unwrap();
        (root, store)
    }

    fn claims(portfolio: &Portfolio) -> Vec<(Engine, Claim, Vec<String>)> {
        portfolio
            .specialties
            .iter()
            .map(|s| (s.engine, s.claim, s.customers.clone()))
            .collect()
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn three_customers_make_a_first_specialty_and_more() {
        let (_root, store) = store();
        let mut acme = estate("111111111111", "Acme", Some("postgres"), None);
        write_with_verdicts(&store, &mut acme, TODAY, ALL_MET);
        // A second account of Acme's: still one customer.
        let mut acme_dev = estate("555555555555", "Acme", Some("postgres"), None);
        write_with_verdicts(&store, &mut acme_dev, TODAY, FAILING);
        let mut globex = estate(
            "222222222222",
            "Globex",
            Some("postgres"),
            Some("aurora-mysql"),
        );
        write_with_verdicts(&store, &mut globex, TODAY, ALL_MET);
        // Initech's evidence was complete, but the latest run lacks a document.
        let mut initech = estate("333333333333", "Initech", Some("oracle-ee"), None);
        write_with_verdicts(&store, &mut initech, "2026-11-01T00:00:00Z", ALL_MET);
        write_with_verdicts(&store, &mut initech, TODAY, AWAITING);
        // Umbrella's would count for RDS for MySQL, but its bundle was tampered with.
        let mut umbrella = estate("444444444444", "Umbrella", Some("mysql"), None);
        let dir = write_with_verdicts(&store, &mut umbrella, TODAY, ALL_MET);
        tamper(&dir, "report.md");

        let portfolio = Portfolio::from_store(&store).unwrap();
        assert_eq!(
            claims(&portfolio),
            [
                (Engine::AuroraMysql, Claim::Additional, names(&["Globex"])),
                (Engine::AuroraPostgresql, Claim::NotYet, names(&[])),
                (
                    Engine::Postgres,
                    Claim::TwoCustomers,
                    names(&["Acme", "Globex"])
                ),
                (Engine::Mysql, Claim::ThroughAurora, names(&[])),
                (Engine::Mariadb, Claim::NotYet, names(&[])),
                (Engine::Oracle, Claim::NotYet, names(&[])),
                (Engine::Sqlserver, Claim::NotYet, names(&[])),
            ]
        );
        assert_eq!(portfolio.specialties[5].awaiting_attestation, ["Initech"]);
        assert_eq!(
            portfolio.not_verified,
            [NotVerified {
                bundle: "444444444444/20261129T000000Z".to_owned(),
                problems: vec!["report.md: altered (SHA-256 differs)".to_owned()],
            }]
        );
        insta::assert_snapshot!("portfolio_text", portfolio.to_text());
        insta::assert_snapshot!("portfolio_markdown", portfolio.to_markdown());
        let json = serde_json::to_value(&portfolio).unwrap();
        assert_eq!(json["specialties"][2]["engine"], "postgres");
        assert_eq!(json["specialties"][2]["claim"], "two_customers");
        assert_eq!(json["rows"][0]["engine"], "aurora-mysql");
    }

    #[test]
    fn aurora_mysql_and_postgresql_from_two_customers_are_initial_participation() {
        let (_root, store) = store();
        let mut acme = estate("111111111111", "Acme", None, Some("aurora-mysql"));
        write_with_verdicts(&store, &mut acme, TODAY, ALL_MET);
        let mut globex = estate("222222222222", "Globex", None, Some("aurora-postgresql"));
        write_with_verdicts(&store, &mut globex, TODAY, ALL_MET);
        let claimed: Vec<(Engine, Claim)> = claims(&Portfolio::from_store(&store).unwrap())
            .into_iter()
            .map(|(engine, claim, _)| (engine, claim))
            .filter(|(_, claim)| claim.claimable())
            .collect();
        assert_eq!(
            claimed,
            [
                (Engine::AuroraMysql, Claim::AuroraPair),
                (Engine::AuroraPostgresql, Claim::AuroraPair),
                (Engine::Postgres, Claim::ThroughAurora),
                (Engine::Mysql, Claim::ThroughAurora),
            ]
        );
    }

    #[test]
    fn one_customer_is_not_enough_to_begin() {
        let (_root, store) = store();
        let mut acme = estate("111111111111", "Acme", None, Some("aurora-mysql"));
        write_with_verdicts(&store, &mut acme, TODAY, ALL_MET);
        let mut acme_too = estate("222222222222", "Acme", None, Some("aurora-postgresql"));
        write_with_verdicts(&store, &mut acme_too, TODAY, ALL_MET);
        let portfolio = Portfolio::from_store(&store).unwrap();
        assert!(portfolio.specialties.iter().all(|s| !s.claim.claimable()));
        let aurora_mysql = &portfolio.specialties[0];
        assert_eq!(aurora_mysql.customers, ["Acme"]);
        assert!(
            aurora_mysql.reason.contains("two unique customers"),
            "{}",
            aurora_mysql.reason
        );
    }

    #[test]
    fn case_studies_count_by_customer_and_share_the_common_controls() {
        use crate::testing::write_case_study;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        // Each case study meets what is required of it; only Acme's meets the common control.
        write_case_study(
            &store,
            "acme-orders",
            "Acme",
            Engine::Postgres,
            &[("RDS-001", Met, false), ("ACCT-001", Met, true)],
        );
        let portfolio = Portfolio::from_store(&store).unwrap();
        let postgres = |p: &Portfolio| {
            p.specialties
                .iter()
                .find(|s| s.engine == Engine::Postgres)
                .unwrap()
                .clone()
        };
        assert_eq!(postgres(&portfolio).claim, Claim::NotYet, "one customer");
        assert_eq!(portfolio.rows[0].account, "acme-orders");

        write_case_study(
            &store,
            "globex-billing",
            "Globex",
            Engine::Postgres,
            &[("RDS-001", Met, false), ("ACCT-001", NotMet, true)],
        );
        let portfolio = Portfolio::from_store(&store).unwrap();
        assert_eq!(
            postgres(&portfolio).claim,
            Claim::TwoCustomers,
            "{}",
            postgres(&portfolio).reason
        );
        assert_eq!(portfolio.common[0].met_by, ["acme-orders"]);
        assert!(portfolio.to_text().contains("Common controls"));

        // A common control neither meets: no specialty yet, and the reason says why.
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        for (id, customer) in [("a", "Acme"), ("g", "Globex")] {
            write_case_study(
                &store,
                id,
                customer,
                Engine::Postgres,
                &[("RDS-001", Met, false), ("ACCT-001", NotMet, true)],
            );
        }
        let portfolio = Portfolio::from_store(&store).unwrap();
        let specialty = postgres(&portfolio);
        assert_eq!(specialty.claim, Claim::NotYet);
        assert!(
            specialty
                .reason
                .contains("common controls no case study of it meets yet: ACCT-001"),
            "{}",
            specialty.reason
        );
    }
}
