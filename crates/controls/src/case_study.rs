//! The case study: the unit a validator reviews. One customer's RDS workload in production,
//! a scope of databases (by tags or identifiers) in one or more accounts, each account possibly
//! declared one environment, and the engine specialty it is evidence for.
//!
//! Loading is I/O, like the attestations: the file is read, checked and hashed here, so that
//! evaluation stays pure and the bundle can prove which file scoped it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rds_evidence_inventory::well_architected::WellArchitected;
use rds_evidence_inventory::{input, Environment, Observed};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::environments::wildcard_match;
use crate::profile::line_of;

/// The engine specialties of checklist §4.1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    pub fn as_str(self) -> &'static str {
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

    /// The specialty's name as the checklist writes it.
    pub fn title(self) -> &'static str {
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

    pub fn parse(text: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.as_str() == text)
    }

    /// The specialty an RDS `Engine` value runs: `oracle-ee`, `sqlserver-se` and their
    /// `custom-` variants by family, the legacy `aurora` as Aurora MySQL. `None` for engines
    /// without a specialty (Db2).
    pub fn of_rds_engine(engine: &str) -> Option<Engine> {
        let engine = engine.strip_prefix("custom-").unwrap_or(engine);
        match engine {
            "aurora" | "aurora-mysql" => Some(Engine::AuroraMysql),
            "aurora-postgresql" => Some(Engine::AuroraPostgresql),
            "postgres" => Some(Engine::Postgres),
            "mysql" => Some(Engine::Mysql),
            "mariadb" => Some(Engine::Mariadb),
            _ if engine.starts_with("oracle") => Some(Engine::Oracle),
            _ if engine.starts_with("sqlserver") => Some(Engine::Sqlserver),
            _ => None,
        }
    }

    /// The RDS specialty an Aurora specialty also gives (§4.1): Aurora MySQL gives RDS for
    /// MySQL, Aurora PostgreSQL RDS for PostgreSQL.
    pub fn also_gives(self) -> Option<Engine> {
        match self {
            Engine::AuroraMysql => Some(Engine::Mysql),
            Engine::AuroraPostgresql => Some(Engine::Postgres),
            _ => None,
        }
    }

    /// Whether a database running `self` is evidence for the specialty `claimed`: its own, and
    /// what an Aurora engine also gives.
    pub fn counts_for(self, claimed: Engine) -> bool {
        self == claimed || self.also_gives() == Some(claimed)
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which databases are the workload: all of `tags` (values may use `*`), or any of
/// `identifiers` (DB instance or cluster identifiers, `*` allowed). Nothing given selects every
/// database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub identifiers: Vec<String>,
}

impl Selection {
    pub fn is_everything(&self) -> bool {
        self.tags.is_empty() && self.identifiers.is_empty()
    }

    pub fn selects(&self, identifier: &str, tags: &BTreeMap<String, String>) -> bool {
        if self.is_everything() {
            return true;
        }
        let by_tags = !self.tags.is_empty()
            && self.tags.iter().all(|(key, pattern)| {
                tags.get(key)
                    .is_some_and(|value| wildcard_match(pattern, value))
            });
        by_tags
            || self
                .identifiers
                .iter()
                .any(|pattern| wildcard_match(pattern, identifier))
    }

    /// The rule in a line, for reports: `tags Workload=orders, or identifiers orders-*`.
    pub fn describe(&self) -> String {
        if self.is_everything() {
            return "every database of the accounts".to_owned();
        }
        let mut parts = Vec::new();
        if !self.tags.is_empty() {
            let tags: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            parts.push(format!("tags {}", tags.join(" and ")));
        }
        if !self.identifiers.is_empty() {
            parts.push(format!("identifiers {}", self.identifiers.join(", ")));
        }
        parts.join(", or ")
    }
}

/// One account of a case study, as the file names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStudyAccount {
    pub id: String,
    /// Line of the entry's `id`, for errors found after parsing.
    #[serde(skip)]
    pub line: usize,
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    pub regions: Option<Vec<String>>,
    /// Everything in scope in this account is this environment.
    pub environment: Option<Environment>,
}

/// A case study, read and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStudy {
    pub id: String,
    pub customer: String,
    pub engine: Engine,
    /// When the project went live, as the partner states it (`YYYY-MM-DD`): databases older
    /// than that were re-platformed, not new.
    pub project_date: Option<String>,
    /// The attestations file for this case study, resolved against the case-study file.
    pub attestations: Option<PathBuf>,
    pub accounts: Vec<CaseStudyAccount>,
    pub scope: Selection,
    /// The Well-Architected review that may exempt the common controls.
    pub wafr: Option<Wafr>,
    /// Where it was read, and the SHA-256 of the bytes read.
    pub file: PathBuf,
    pub sha256: String,
}

#[derive(Debug, Error)]
pub enum CaseStudyError {
    #[error("cannot read case study {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case_study: Entry,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    customer: String,
    engine: String,
    project_date: Option<String>,
    attestations: Option<String>,
    #[serde(default, rename = "account")]
    accounts: Vec<AccountEntry>,
    #[serde(default)]
    scope: Selection,
    wafr: Option<Wafr>,
}

/// `[case_study.wafr]`: the customer example's Well-Architected review, and the identity to
/// read it with (workloads are regional, and often in the partner's own account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wafr {
    /// `arn:aws:wellarchitected:REGION:ACCOUNT:workload/ID`.
    pub workload: String,
    /// A role to assume for it; the run's own credentials otherwise.
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    id: String,
    role_arn: Option<String>,
    external_id: Option<String>,
    regions: Option<Vec<String>>,
    environment: Option<String>,
}

impl CaseStudy {
    pub fn load(path: &Path) -> Result<CaseStudy, CaseStudyError> {
        let text = input::read_to_string(path, input::limits::CONFIG).map_err(|source| {
            CaseStudyError::Read {
                path: path.to_owned(),
                source,
            }
        })?;
        CaseStudy::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<CaseStudy, CaseStudyError> {
        let invalid = |line: usize, message: String| CaseStudyError::Invalid {
            path: path.to_owned(),
            line,
            message,
        };
        let line_of_text = |needle: &str| text.find(needle).map_or(1, |at| line_of(text, at));
        let file: File = toml::from_str(text).map_err(|e| {
            invalid(
                line_of(text, e.span().map_or(0, |s| s.start)),
                e.message().to_owned(),
            )
        })?;
        let entry = file.case_study;
        let id_line = line_of_text("id");
        if entry.id.is_empty()
            || !entry
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            || entry.id.starts_with(['-', '_'])
        {
            return Err(invalid(
                id_line,
                format!(
                    "case study id '{}' must be letters, digits, '-' and '_' (it names the \
                     bundle's directory), e.g. acme-orders",
                    entry.id
                ),
            ));
        }
        if entry.customer.trim().is_empty() {
            return Err(invalid(
                line_of_text("customer"),
                "customer is empty: name the customer's legal entity (checklist 2.1)".to_owned(),
            ));
        }
        let engine = Engine::parse(&entry.engine).ok_or_else(|| {
            let names: Vec<&str> = Engine::ALL.iter().map(|e| e.as_str()).collect();
            invalid(
                line_of_text("engine"),
                format!(
                    "engine '{}' is not a specialty of checklist 4.1; use one of: {}",
                    entry.engine,
                    names.join(", ")
                ),
            )
        })?;
        if let Some(date) = &entry.project_date {
            if crate::epoch_seconds(&format!("{date}T00:00:00Z")).is_none() {
                return Err(invalid(
                    line_of_text("project_date"),
                    format!("project_date '{date}' is not a date like 2025-06-30"),
                ));
            }
        }
        if entry.accounts.is_empty() {
            return Err(invalid(
                1,
                "no [[case_study.account]] entries: name the account(s) the workload runs in"
                    .to_owned(),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut accounts = Vec::new();
        for account in entry.accounts {
            let line = line_of_text(&format!("\"{}\"", account.id));
            if account.id.len() != 12 || !account.id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(
                    line,
                    format!("account id '{}' is not 12 digits", account.id),
                ));
            }
            if !seen.insert(account.id.clone()) {
                return Err(invalid(
                    line,
                    format!("account {} is listed twice", account.id),
                ));
            }
            let environment = account
                .environment
                .as_deref()
                .map(Environment::parse_declared)
                .transpose()
                .map_err(|message| invalid(line, message))?;
            accounts.push(CaseStudyAccount {
                id: account.id,
                line,
                role_arn: account.role_arn,
                external_id: account.external_id,
                regions: account.regions,
                environment,
            });
        }
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(CaseStudy {
            id: entry.id,
            customer: entry.customer,
            engine,
            project_date: entry.project_date,
            attestations: entry.attestations.map(|a| base.join(a)),
            accounts,
            scope: entry.scope,
            wafr: entry.wafr,
            file: path.to_owned(),
            sha256: hex::encode(Sha256::digest(text.as_bytes())),
        })
    }

    pub fn account(&self, id: &str) -> Option<&CaseStudyAccount> {
        self.accounts.iter().find(|a| a.id == id)
    }
}

/// What checks see of the case study being evaluated.
pub struct CaseStudyView<'a> {
    pub case_study: &'a CaseStudy,
    /// The environments of each account's in-scope databases, by account id.
    pub environments_by_account: BTreeMap<String, BTreeSet<Environment>>,
}

/// The pillars whose high risks and unanswered questions the exemption counts.
const EXEMPTING_PILLARS: [(&str, &str); 3] = [
    ("security", "Security"),
    ("operationalExcellence", "Operational Excellence"),
    ("reliability", "Reliability"),
];

/// Whether a Well-Architected review exempts the case study's common controls: zero HIGH and
/// zero UNANSWERED in Security, Operational Excellence and Reliability, and the exported report
/// read (it goes into the bundle as the evidence). `Ok` says why it does, `Err` why not.
pub fn wafr_exemption(review: &WellArchitected) -> Result<String, String> {
    let pillars = review.pillars.value().ok_or_else(|| {
        format!(
            "the lens review could not be read ({})",
            unknown(&review.pillars)
        )
    })?;
    let mut shortfalls = Vec::new();
    for (id, name) in EXEMPTING_PILLARS {
        match pillars
            .iter()
            .find(|p| p.pillar_id == id)
            .and_then(|p| p.counts)
        {
            None => shortfalls.push(format!("{name}: no risk counts in the review")),
            Some(counts) if counts.high > 0 || counts.unanswered > 0 => shortfalls.push(format!(
                "{name}: {} high risk(s), {} unanswered",
                counts.high, counts.unanswered
            )),
            Some(_) => {}
        }
    }
    if !shortfalls.is_empty() {
        return Err(shortfalls.join("; "));
    }
    if let Observed::Unknown(why) = &review.report {
        return Err(format!("the exported report could not be read ({why})"));
    }
    let name = review
        .workload
        .value()
        .and_then(|w| w.name.as_deref())
        .unwrap_or(&review.workload_arn);
    Ok(format!(
        "the Well-Architected review of workload {name} shows no high risk and nothing \
         unanswered in Security, Operational Excellence and Reliability (exported report in the \
         bundle)"
    ))
}

fn unknown<T>(observed: &Observed<T>) -> String {
    observed
        .unavailable()
        .map_or_else(String::new, ToString::to_string)
}

/// A commented case-study file to start from (`rds-evidence case-study init`).
pub fn template() -> String {
    let engines: Vec<&str> = Engine::ALL.iter().map(|e| e.as_str()).collect();
    format!(
        "# A case study: one customer's RDS workload in production, as a validator reviews it.\n\
         # rds-evidence collect --case-study THIS_FILE --out DIR writes DIR/<id>/.\n\n\
         [case_study]\n\
         id = \"acme-orders\"                     # names the bundle and the portfolio row\n\
         customer = \"Acme Ltd\"                  # one legal entity (checklist 2.1)\n\
         engine = \"postgres\"                    # the specialty claimed: {}\n\
         # project_date = \"2025-06-30\"          # when the project went live (checklist 2.1: 18 months)\n\
         # attestations = \"acme-orders-attestations.toml\"   # relative to this file\n\n\
         [[case_study.account]]\n\
         id = \"111122223333\"\n\
         role_arn = \"arn:aws:iam::111122223333:role/RdsEvidenceReadOnly\"\n\
         # external_id = \"...\"\n\
         regions = [\"eu-west-1\"]\n\
         environment = \"production\"             # optional: everything in scope here is production\n\n\
         # [[case_study.account]]\n\
         # id = \"444455556666\"\n\
         # role_arn = \"arn:aws:iam::444455556666:role/RdsEvidenceReadOnly\"\n\
         # regions = [\"eu-west-1\"]\n\
         # environment = \"non-production\"\n\n\
         [case_study.scope]                      # which databases are the workload; omitted = all\n\
         tags = {{ Workload = \"orders\" }}          # all of these tags (values may use * wildcards)\n\
         # identifiers = [\"orders-*\"]           # or any of these DB instance / cluster identifiers\n\n\
         # A Well-Architected review with no high risk and nothing unanswered in Security,\n\
         # Operational Excellence and Reliability exempts the common controls (ACCT-001 ... COST-001).\n\
         # [case_study.wafr]\n\
         # workload = \"arn:aws:wellarchitected:eu-west-1:999988887777:workload/0123456789abcdef\"\n\
         # role_arn = \"arn:aws:iam::999988887777:role/WellArchitectedReadOnly\"   # optional\n",
        engines.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rds_evidence_inventory::well_architected::{PillarRisks, RiskCounts, Workload};

    fn parse(text: &str) -> Result<CaseStudy, String> {
        CaseStudy::parse(text, Path::new("dir/acme.toml")).map_err(|e| e.to_string())
    }

    const GOOD: &str = "[case_study]\nid = \"acme-orders\"\ncustomer = \"Acme Ltd\"\n\
        engine = \"postgres\"\nattestations = \"att.toml\"\n\n\
        [[case_study.account]]\nid = \"111122223333\"\n\
        role_arn = \"arn:aws:iam::111122223333:role/R\"\nregions = [\"eu-west-1\"]\n\
        environment = \"production\"\n\n\
        [[case_study.account]]\nid = \"444455556666\"\nenvironment = \"non-production\"\n\n\
        [case_study.scope]\ntags = { Workload = \"orders\" }\nidentifiers = [\"orders-*\"]\n";

    #[test]
    fn a_case_study_file_is_read_whole() {
        let case = parse(GOOD).unwrap();
        assert_eq!(case.id, "acme-orders");
        assert_eq!(case.engine, Engine::Postgres);
        assert_eq!(case.attestations, Some(PathBuf::from("dir/att.toml")));
        assert_eq!(case.accounts.len(), 2);
        assert_eq!(case.accounts[0].environment, Some(Environment::Production));
        assert_eq!(case.accounts[1].line, 14);
        assert_eq!(case.sha256.len(), 64);
        assert_eq!(
            case.scope.describe(),
            "tags Workload=orders, or identifiers orders-*"
        );
    }

    #[test]
    fn the_template_is_a_valid_case_study() {
        let case = parse(&template()).unwrap();
        assert_eq!(case.scope.tags["Workload"], "orders");
    }

    #[test]
    fn bad_files_name_the_line_and_the_fix() {
        for (text, line, expected) in [
            (
                GOOD.replace("postgres", "postgresql"),
                4,
                "use one of: aurora-mysql",
            ),
            (
                GOOD.replace("acme-orders", "acme orders"),
                2,
                "letters, digits",
            ),
            (GOOD.replace("\"non-production\"", "\"dev\""), 14, "'dev'"),
            (
                GOOD.replace("444455556666", "111122223333"),
                8,
                "listed twice",
            ),
            (GOOD.replace("regions", "region"), 10, "unknown field"),
            (
                "[case_study]\nid = \"x\"\ncustomer = \"C\"\nengine = \"mysql\"\n".to_owned(),
                1,
                "no [[case_study.account]]",
            ),
        ] {
            let err = parse(&text).unwrap_err();
            assert!(
                err.starts_with(&format!("dir/acme.toml:{line}:")) && err.contains(expected),
                "{err}"
            );
        }
    }

    #[test]
    fn engines_by_family_with_the_aurora_rules() {
        for (rds, engine) in [
            ("aurora", Engine::AuroraMysql),
            ("aurora-postgresql", Engine::AuroraPostgresql),
            ("oracle-se2-cdb", Engine::Oracle),
            ("custom-oracle-ee", Engine::Oracle),
            ("custom-sqlserver-web", Engine::Sqlserver),
            ("sqlserver-ex", Engine::Sqlserver),
        ] {
            assert_eq!(Engine::of_rds_engine(rds), Some(engine), "{rds}");
        }
        assert_eq!(Engine::of_rds_engine("db2-se"), None);
        assert_eq!(Engine::of_rds_engine("docdb"), None);
        assert!(Engine::AuroraPostgresql.counts_for(Engine::Postgres));
        assert!(Engine::AuroraMysql.counts_for(Engine::Mysql));
        assert!(!Engine::Postgres.counts_for(Engine::AuroraPostgresql));
        assert!(!Engine::Mariadb.counts_for(Engine::Mysql));
    }

    #[test]
    fn selection_by_tags_or_identifiers() {
        let selection = Selection {
            tags: BTreeMap::from([("Workload".into(), "orders*".into())]),
            identifiers: vec!["billing-*".into()],
        };
        let tags = |v: &str| BTreeMap::from([("Workload".to_owned(), v.to_owned())]);
        assert!(selection.selects("x", &tags("orders-eu")));
        assert!(selection.selects("billing-db", &BTreeMap::new()));
        assert!(!selection.selects("x", &tags("crm")));
        assert!(Selection::default().selects("anything", &BTreeMap::new()));
    }

    fn review(security: RiskCounts) -> WellArchitected {
        let clear = RiskCounts {
            none: 10,
            ..RiskCounts::default()
        };
        let pillar = |id: &str, counts| PillarRisks {
            pillar_id: id.to_owned(),
            pillar_name: None,
            counts: Some(counts),
        };
        WellArchitected {
            workload_arn: "arn:aws:wellarchitected:eu-west-1:999988887777:workload/w".into(),
            workload: Observed::Value(Workload {
                name: Some("orders".into()),
                review_owner: None,
                updated_at: None,
            }),
            pillars: Observed::Value(vec![
                pillar("operationalExcellence", clear),
                pillar("security", security),
                pillar("reliability", clear),
                // Outside the three pillars, a high risk does not count.
                pillar("costOptimization", RiskCounts { high: 3, ..clear }),
            ]),
            milestones: Observed::Value(Vec::new()),
            report: Observed::Value("JVBERi0=".into()),
        }
    }

    #[test]
    fn a_review_exempts_only_with_no_high_risk_nothing_unanswered_and_its_report() {
        let clear = RiskCounts {
            none: 10,
            medium: 2,
            ..RiskCounts::default()
        };
        let exempt = wafr_exemption(&review(clear)).unwrap();
        assert!(exempt.contains("workload orders"), "{exempt}");

        let high = wafr_exemption(&review(RiskCounts { high: 1, ..clear })).unwrap_err();
        assert_eq!(high, "Security: 1 high risk(s), 0 unanswered");
        let unanswered = wafr_exemption(&review(RiskCounts {
            unanswered: 2,
            ..clear
        }))
        .unwrap_err();
        assert_eq!(unanswered, "Security: 0 high risk(s), 2 unanswered");

        let mut no_counts = review(clear);
        if let Observed::Value(pillars) = &mut no_counts.pillars {
            pillars.retain(|p| p.pillar_id != "reliability");
        }
        assert_eq!(
            wafr_exemption(&no_counts).unwrap_err(),
            "Reliability: no risk counts in the review"
        );

        let unknown = |action: &str| rds_evidence_inventory::Unavailable {
            action: action.into(),
            kind: rds_evidence_inventory::FailureKind::AccessDenied,
            message: "not authorized".into(),
        };
        let mut no_report = review(clear);
        no_report.report = Observed::Unknown(unknown("wellarchitected:GetLensReviewReport"));
        assert!(wafr_exemption(&no_report)
            .unwrap_err()
            .starts_with("the exported report could not be read"));
        let mut no_review = review(clear);
        no_review.pillars = Observed::Unknown(unknown("wellarchitected:GetLensReview"));
        assert!(wafr_exemption(&no_review)
            .unwrap_err()
            .starts_with("the lens review could not be read"));
    }
}
