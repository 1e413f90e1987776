//! The partner's portfolio: over the latest bundle of every account in a store, per customer
//! and engine, which controls are met; and which engine specialties the evidence supports
//! under the checklist's §4.1.
//!
//! A case study is one customer's workload. Here that is one account's databases of one
//! engine, and its evidence is complete when every control of that account's evaluation is
//! met (verdicts are per account: an account running two engines counts for both). The
//! customer is the account's `customer` label, else the account id — label the accounts, or
//! two accounts of one customer count as two customers.
//!
//! §4.1 as applied:
//! - the first specialty needs two unique customers on the same engine (and §2.1: one case
//!   study per customer);
//! - instead, Aurora MySQL and Aurora PostgreSQL with one case study each, from two customers,
//!   qualify for initial participation, and give both Aurora specialties;
//! - once initial participation is met, each further engine needs one more case study, which
//!   may come from a customer already used (a different workload: a different engine here);
//! - Aurora MySQL also gives RDS for MySQL, and Aurora PostgreSQL RDS for PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use rds_evidence_controls::Verdict;
use rds_evidence_inventory::Snapshot;
use serde::Serialize;

use crate::error::{HistoryError, NotVerified};
use crate::loaded::LoadedBundle;
use crate::store::Store;
use crate::verdicts;
use rds_evidence_bundle::report::cells::{code, row, text};

/// The engines §4.1 names, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    AuroraMysql,
    AuroraPostgresql,
    Postgres,
    Mysql,
    Mariadb,
    Oracle,
    Sqlserver,
}

impl Engine {
    pub const ALL: [Engine; 7] = [
        Engine::AuroraMysql,
        Engine::AuroraPostgresql,
        Engine::Postgres,
        Engine::Mysql,
        Engine::Mariadb,
        Engine::Oracle,
        Engine::Sqlserver,
    ];

    /// From the engine name RDS reports (`aurora` is Aurora MySQL's first name; Oracle and
    /// SQL Server come in editions, `oracle-ee`, `sqlserver-se`, …, and as RDS Custom).
    pub fn of(engine: &str) -> Option<Engine> {
        let engine = engine.strip_prefix("custom-").unwrap_or(engine);
        Some(match engine {
            "aurora" | "aurora-mysql" => Engine::AuroraMysql,
            "aurora-postgresql" => Engine::AuroraPostgresql,
            "postgres" => Engine::Postgres,
            "mysql" => Engine::Mysql,
            "mariadb" => Engine::Mariadb,
            e if e == "oracle" || e.starts_with("oracle-") => Engine::Oracle,
            e if e == "sqlserver" || e.starts_with("sqlserver-") => Engine::Sqlserver,
            _ => return None,
        })
    }

    pub fn id(self) -> &'static str {
        match self {
            Engine::AuroraMysql => "aurora-mysql",
            Engine::AuroraPostgresql => "aurora-postgresql",
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::Mariadb => "mariadb",
            Engine::Oracle => "oracle",
            Engine::Sqlserver => "sqlserver",
        }
    }

    /// The specialty's name in the checklist.
    pub fn specialty(self) -> &'static str {
        match self {
            Engine::AuroraMysql => "Amazon Aurora MySQL",
            Engine::AuroraPostgresql => "Amazon Aurora PostgreSQL",
            Engine::Postgres => "Amazon RDS for PostgreSQL",
            Engine::Mysql => "Amazon RDS for MySQL",
            Engine::Mariadb => "Amazon RDS for MariaDB",
            Engine::Oracle => "Amazon RDS for Oracle",
            Engine::Sqlserver => "Amazon RDS for Microsoft SQL Server",
        }
    }

    /// The RDS engine an Aurora specialty also gives.
    fn implies(self) -> Option<Engine> {
        match self {
            Engine::AuroraMysql => Some(Engine::Mysql),
            Engine::AuroraPostgresql => Some(Engine::Postgres),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Portfolio {
    /// The columns of every row's `verdicts`: controls in checklist order.
    pub controls: Vec<ControlHeader>,
    /// By engine, customer, account.
    pub rows: Vec<PortfolioRow>,
    /// Every engine of §4.1, in its order.
    pub specialties: Vec<Specialty>,
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
}

/// One customer's account, for one engine it runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioRow {
    pub engine: Engine,
    pub customer: String,
    pub account: String,
    pub bundle: String,
    pub collected_at: String,
    /// Aligned with [`Portfolio::controls`]; `None` when the bundle's profile lacks it.
    pub verdicts: Vec<Option<Verdict>>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Every control met: a case study the evidence supports.
    Complete,
    /// Every control met or waiting only for the partner's documents.
    AwaitingAttestation,
    Incomplete,
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
            let evidence = evidence(&verdicts);
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
        let specialties = specialties(&rows);
        Portfolio {
            controls,
            rows,
            specialties,
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
            "Portfolio: {} customer(s), {} account(s), the latest verified bundle of each\n",
            customers.len(),
            accounts.len()
        );
        let table: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.engine.id().to_owned(),
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
            "Account",
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
            .map(|e| e.specialty().len())
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
                specialty.engine.specialty(),
                specialty.reason
            );
        }
        self.left_out_text(&mut out);
        out
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Portfolio\n\n");
        out.push_str("The latest verified bundle of each account.\n\n");
        if self.rows.is_empty() {
            out.push_str("No evaluated bundle of a §4.1 engine.\n\n");
        } else {
            out.push_str(
                "| Engine | Customer | Account | Collected at | Met | Not met yet |\n\
                 |---|---|---|---|---:|---|\n",
            );
            for r in &self.rows {
                row(
                    &mut out,
                    &[
                        r.engine.id(),
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
                    specialty.engine.specialty(),
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

fn evidence(verdicts: &[Option<Verdict>]) -> Evidence {
    if verdicts.iter().all(|v| *v == Some(Verdict::Met)) {
        Evidence::Complete
    } else if verdicts
        .iter()
        .all(|v| matches!(v, Some(Verdict::Met | Verdict::NeedsAttestation)))
    {
        Evidence::AwaitingAttestation
    } else {
        Evidence::Incomplete
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
            engines.extend(names.into_iter().flatten().filter_map(Engine::of));
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

fn specialties(rows: &[PortfolioRow]) -> Vec<Specialty> {
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
    let two_customers = |e: Engine| complete[&e].len() >= 2;
    let aurora: BTreeSet<&String> = complete[&Engine::AuroraMysql]
        .iter()
        .chain(&complete[&Engine::AuroraPostgresql])
        .collect();
    let aurora_pair = !complete[&Engine::AuroraMysql].is_empty()
        && !complete[&Engine::AuroraPostgresql].is_empty()
        && aurora.len() >= 2;
    let initial = aurora_pair || Engine::ALL.iter().any(|e| two_customers(*e));

    let direct = |engine: Engine| -> Claim {
        if two_customers(engine) {
            Claim::TwoCustomers
        } else if aurora_pair && engine.implies().is_some() {
            Claim::AuroraPair
        } else if initial && !complete[&engine].is_empty() {
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
                .find(|aurora| aurora.implies() == Some(engine) && direct(**aurora).claimable());
            if claim == Claim::NotYet && through.is_some() {
                claim = Claim::ThroughAurora;
            }
            let reason = reason(claim, &customers, &awaiting, through);
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
            through.map_or("Aurora", |aurora| aurora.specialty())
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
    fn engines_by_their_rds_names() {
        for (name, engine) in [
            ("aurora", Some(Engine::AuroraMysql)),
            ("aurora-mysql", Some(Engine::AuroraMysql)),
            ("aurora-postgresql", Some(Engine::AuroraPostgresql)),
            ("postgres", Some(Engine::Postgres)),
            ("mysql", Some(Engine::Mysql)),
            ("mariadb", Some(Engine::Mariadb)),
            ("oracle-ee-cdb", Some(Engine::Oracle)),
            ("custom-oracle-ee", Some(Engine::Oracle)),
            ("sqlserver-web", Some(Engine::Sqlserver)),
            ("custom-sqlserver-ee", Some(Engine::Sqlserver)),
            ("db2-se", None),
            ("docdb", None),
        ] {
            assert_eq!(Engine::of(name), engine, "{name}");
        }
    }
}
