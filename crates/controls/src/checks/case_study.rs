//! Facts a validator checks of a case study (checklist 2.1 and 4.1): production and
//! non-production kept in separate accounts, the workload in production, its age, and the
//! engine it is evidence for.

use rds_evidence_inventory::Environment;

use crate::case_study::Engine;
use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{each_database, epoch_seconds, Database};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &ACCOUNTS_SEPARATED,
    &IN_PRODUCTION,
    &CREATED,
    &ENGINE_MATCHES_CLAIM,
];

check! {
    /// A case study's production and non-production databases live in different accounts.
    ///
    /// Judged for each account of a case study. An account holding only one environment, while
    /// another account of the case study holds the other, passes: the account boundary separates
    /// networks, IAM and keys by construction. An account holding both is left to the network,
    /// security-group and key checks; a database of unknown environment is insufficient evidence.
    /// Outside a case study (one account) there is nothing to compare across accounts.
    pub static ACCOUNTS_SEPARATED = Check {
        id: "segregation.accounts.prod_nonprod_separated",
        title: "Production and non-production live in separate accounts",
        rationale: "Separate accounts are the strongest segregation RDS-007 asks for: networks, \
                    IAM principals and KMS keys do not cross an account boundary unless someone \
                    builds a bridge on purpose.",
        remediation: "Keep non-production databases in their own account (AWS Organizations), or \
                      keep them apart in the shared account by subnets, security groups and keys.",
        severity: Severity::Medium,
        scope: Scope::Account,
        evaluate: accounts_separated,
    };
}

fn accounts_separated(ctx: &Context) -> Vec<Finding> {
    let check = &ACCOUNTS_SEPARATED;
    let account = &ctx.snapshot.account.id;
    let resource = Resource::new(Scope::Account, "", account);
    let finding = |outcome, detail: String| Finding::new(check, resource.clone(), outcome, detail);
    let Some(view) = ctx.case_study else {
        return vec![finding(
            Outcome::NotApplicable,
            "one account evaluated: the network, security-group and key checks compare its \
             environments"
                .to_owned(),
        )];
    };
    let here = view.environments_by_account.get(account);
    let has = |environment| here.is_some_and(|set| set.contains(&environment));
    let elsewhere = |environment| -> Vec<&str> {
        view.environments_by_account
            .iter()
            .filter(|(other, set)| *other != account && set.contains(&environment))
            .map(|(other, _)| other.as_str())
            .collect()
    };
    let outcome = if has(Environment::Unknown) {
        finding(
            Outcome::InsufficientEvidence,
            "databases of unknown environment in this account: declare its environment in the \
             case-study file, or tag them"
                .to_owned(),
        )
    } else {
        match (
            has(Environment::Production),
            has(Environment::NonProduction),
        ) {
            (true, true) => finding(
                Outcome::NotApplicable,
                "both environments in this account: the network, security-group and key \
                 checks judge them"
                    .to_owned(),
            ),
            (false, false) => finding(
                Outcome::NotApplicable,
                "no database of the case study in this account".to_owned(),
            ),
            (production, _) => {
                let (here, other) = if production {
                    (Environment::Production, Environment::NonProduction)
                } else {
                    (Environment::NonProduction, Environment::Production)
                };
                let accounts = elsewhere(other);
                if accounts.is_empty() {
                    finding(
                        Outcome::NotApplicable,
                        format!("only {here} here, and no {other} database in the case study's other accounts"),
                    )
                } else {
                    finding(
                        Outcome::Pass,
                        format!(
                            "only {here} here; {other} in account {}: apart by the account \
                             boundary (separate networks, IAM and keys)",
                            accounts.join(", ")
                        ),
                    )
                    .with("other_accounts", accounts)
                }
            }
        }
    };
    vec![outcome]
}

check! {
    /// Production databases are running and serve connections: the case study is "in
    /// production" (checklist 2.1).
    ///
    /// Available, with at least one connection (`DatabaseConnections` maximum above zero) in the
    /// metrics window, on the instance or, for a cluster, on any member. Stopped or failed
    /// databases fail; no connection in the window fails; unknown metrics are insufficient
    /// evidence. Non-production databases are not judged.
    pub static IN_PRODUCTION = Check {
        id: "rds.database.in_production",
        title: "Production databases are running and serve connections",
        rationale: "Checklist 2.1 asks for projects in production: a database that is stopped, or \
                    that no client connected to over weeks, is not the production workload a case \
                    study claims.",
        remediation: "Select the databases that serve the workload (the case study's scope), or \
                      explain in the case study why they were idle in the metrics window.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: in_production,
    };
}

fn in_production(ctx: &Context) -> Vec<Finding> {
    let check = &IN_PRODUCTION;
    each_database(check, ctx, "judged on its source", |region, db| {
        let environment = ctx.environments.of_resource(&db.resource);
        if environment == Environment::NonProduction {
            return Finding::new(check, db.resource, Outcome::NotApplicable, "non-production");
        }
        if db.status != Some("available") {
            return Finding::new(
                check,
                db.resource,
                Outcome::Fail,
                format!("status {}", db.status.unwrap_or("not reported")),
            );
        }
        let metrics = match &region.metrics {
            rds_evidence_inventory::Observed::Value(metrics) => metrics,
            rds_evidence_inventory::Observed::Unknown(why) => {
                return Finding::new(
                    check,
                    db.resource,
                    Outcome::InsufficientEvidence,
                    format!("available; connections unknown: {why}"),
                )
            }
        };
        let connections: Vec<(f64, u32)> = metrics
            .iter()
            .filter(|m| {
                m.dimension == "DBInstanceIdentifier" && db.instances.contains(&m.id.as_str())
            })
            .filter_map(|m| m.metrics.get("DatabaseConnections"))
            .map(|c| (c.max, c.days))
            .collect();
        let peak = connections
            .iter()
            .map(|(max, _)| *max)
            .fold(None, |peak: Option<f64>, max| {
                Some(peak.map_or(max, |p| p.max(max)))
            });
        let days = connections.iter().map(|(_, days)| *days).max().unwrap_or(0);
        match peak {
            None => Finding::new(
                check,
                db.resource,
                Outcome::InsufficientEvidence,
                "available; CloudWatch has no DatabaseConnections datapoints for it",
            ),
            Some(peak) if peak > 0.0 => Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!("available, up to {peak:.0} connections over {days} day(s)"),
            )
            .with("peak_connections", peak),
            Some(_) => Finding::new(
                check,
                db.resource,
                Outcome::Fail,
                format!("available, but no connection in {days} day(s)"),
            ),
        }
    })
}

check! {
    /// When each database was created, against checklist 2.1's "within the past 18 months" and
    /// the project date the case study states. Facts only: a re-platformed older estate is not a
    /// failure, and the partner's project date says when the project went live.
    pub static CREATED = Check {
        id: "rds.database.created",
        title: "When the databases were created",
        rationale: "Checklist 2.1 asks for projects within the past 18 months: the databases' \
                    creation dates show when the workload came to RDS, beside the project date \
                    the partner states.",
        remediation: "No change is required: state the project date in the case-study file \
                      (project_date) when the databases are older than the project.",
        severity: Severity::Info,
        scope: Scope::DbInstance,
        evaluate: created,
    };
}

/// 18 months, in seconds (a month of 30.44 days).
const EIGHTEEN_MONTHS_S: i64 = 18 * 2_629_746;

fn created(ctx: &Context) -> Vec<Finding> {
    let check = &CREATED;
    let collected = epoch_seconds(&ctx.snapshot.collected_at);
    let project = ctx
        .case_study
        .and_then(|view| view.case_study.project_date.as_deref());
    each_database(check, ctx, "created from its source", |_, db: Database| {
        let Some(created) = db.created_at else {
            return Finding::new(
                check,
                db.resource,
                Outcome::InsufficientEvidence,
                "the API reported no creation time",
            );
        };
        let recent = match (epoch_seconds(created), collected) {
            (Some(at), Some(now)) => now - at <= EIGHTEEN_MONTHS_S,
            _ => {
                return Finding::new(
                    check,
                    db.resource,
                    Outcome::InsufficientEvidence,
                    format!("creation time '{created}' is not a timestamp"),
                )
            }
        };
        let mut detail = format!(
            "created {}, {} the past 18 months",
            &created[..created.len().min(10)],
            if recent { "within" } else { "before" }
        );
        if let Some(project) = project {
            detail.push_str(&format!("; the project went live {project} (case study)"));
        }
        Finding::new(check, db.resource, Outcome::Observation, detail)
            .with("created_at", created)
            .with("within_18_months", recent)
    })
}

check! {
    /// Every database of the case study runs the engine it claims (checklist 4.1).
    ///
    /// By family: `oracle-*`, `sqlserver-*` and their `custom-` variants; the legacy `aurora`
    /// engine is Aurora MySQL. Aurora MySQL counts for RDS for MySQL, and Aurora PostgreSQL for
    /// RDS for PostgreSQL, as §4.1 allows; not the other way round. Outside a case study no engine
    /// is claimed.
    pub static ENGINE_MATCHES_CLAIM = Check {
        id: "rds.database.engine_matches_claim",
        title: "Databases run the engine the case study claims",
        rationale: "An engine specialty (checklist 4.1) is earned with case studies on that \
                    engine: a database on another engine is no evidence for it.",
        remediation: "Claim the engine the workload runs in the case-study file, or narrow the \
                      scope to the databases of the claimed engine.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: engine_matches_claim,
    };
}

fn engine_matches_claim(ctx: &Context) -> Vec<Finding> {
    let check = &ENGINE_MATCHES_CLAIM;
    let claimed = ctx.case_study.map(|view| view.case_study.engine);
    each_database(check, ctx, "runs its source's engine", |_, db| {
        let Some(claimed) = claimed else {
            return Finding::new(
                check,
                db.resource,
                Outcome::NotApplicable,
                "no engine claimed: evaluate with a case-study file",
            );
        };
        match Engine::of_rds_engine(db.engine) {
            Some(runs) if runs.counts_for(claimed) => Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!("{} counts for {}", db.engine, claimed.title()),
            ),
            _ => Finding::new(
                check,
                db.resource,
                Outcome::Fail,
                format!("{} is no evidence for {}", db.engine, claimed.title()),
            ),
        }
        .with("engine", db.engine)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case_study::{CaseStudy, CaseStudyView, Selection};
    use crate::testing::*;
    use crate::{Environments, Targets, Thresholds};
    use rds_evidence_inventory::activity::{DbMetrics, MetricSummary};
    use rds_evidence_inventory::{Observed, Snapshot};
    use std::collections::{BTreeMap, BTreeSet};

    fn case_study(engine: Engine) -> CaseStudy {
        CaseStudy {
            id: "acme".into(),
            customer: "Acme".into(),
            engine,
            project_date: Some("2025-06-30".into()),
            attestations: None,
            accounts: Vec::new(),
            scope: Selection::default(),
            wafr: None,
            file: "acme.toml".into(),
            sha256: String::new(),
        }
    }

    fn run_in(
        check: &Check,
        s: &Snapshot,
        case: &CaseStudy,
        by_account: &[(&str, &[Environment])],
    ) -> Vec<Finding> {
        let thresholds = Thresholds::default();
        let environments = Environments::classify(s, &thresholds, &[], None);
        let view = CaseStudyView {
            case_study: case,
            environments_by_account: by_account
                .iter()
                .map(|(id, set)| {
                    (
                        (*id).to_owned(),
                        set.iter().copied().collect::<BTreeSet<_>>(),
                    )
                })
                .collect(),
        };
        (check.evaluate)(&Context {
            snapshot: s,
            whole: s,
            thresholds: &thresholds,
            targets: &Targets::default(),
            environments: &environments,
            case_study: Some(&view),
        })
    }

    #[test]
    fn separate_accounts_are_segregation_by_construction() {
        let s = with_instances(vec![instance("orders")]);
        let case = case_study(Engine::Postgres);
        use Environment::*;
        let prod: &[Environment] = &[Production];
        let dev: &[Environment] = &[NonProduction];
        let both: &[Environment] = &[Production, NonProduction];
        let unknown: &[Environment] = &[Production, Unknown];
        let findings = run_in(
            &ACCOUNTS_SEPARATED,
            &s,
            &case,
            &[("111122223333", prod), ("444455556666", dev)],
        );
        assert_eq!(findings[0].outcome, Outcome::Pass);
        assert!(findings[0]
            .detail
            .contains("non-production in account 444455556666"));
        for (here, other, expected) in [
            (both, dev, Outcome::NotApplicable),
            (prod, prod, Outcome::NotApplicable),
            (unknown, dev, Outcome::InsufficientEvidence),
        ] {
            let findings = run_in(
                &ACCOUNTS_SEPARATED,
                &s,
                &case,
                &[("111122223333", here), ("444455556666", other)],
            );
            assert_eq!(findings[0].outcome, expected, "{}", findings[0].detail);
        }
        assert_eq!(
            run(&ACCOUNTS_SEPARATED, &s)[0].outcome,
            Outcome::NotApplicable
        );
    }

    fn connections(id: &str, max: f64) -> DbMetrics {
        DbMetrics {
            dimension: "DBInstanceIdentifier".into(),
            id: id.into(),
            metrics: BTreeMap::from([(
                "DatabaseConnections".to_owned(),
                MetricSummary {
                    min: 0.0,
                    max,
                    average: max / 2.0,
                    p95: max,
                    slope_per_day: None,
                    days: 14,
                },
            )]),
        }
    }

    #[test]
    fn in_production_means_running_and_connected() {
        let mut stopped = instance("stopped");
        stopped.status = Some("stopped".into());
        let mut dev = instance("dev");
        dev.tags = tags("dev");
        let mut s = with_instances(vec![
            instance("busy"),
            instance("idle"),
            instance("unmeasured"),
            stopped,
            dev,
        ]);
        s.regions[0].db_clusters =
            Observed::Value(vec![cluster_of("aurora", &[("aurora-1", true)])]);
        items_mut(&mut s.regions[0].db_instances).push(member_of(
            "aurora-1",
            "aurora",
            "us-east-1a",
        ));
        s.regions[0].metrics = Observed::Value(vec![
            connections("busy", 42.0),
            connections("idle", 0.0),
            connections("aurora-1", 7.0),
        ]);
        let findings = run(&IN_PRODUCTION, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("busy".into(), Outcome::Pass),
                ("idle".into(), Outcome::Fail),
                ("unmeasured".into(), Outcome::InsufficientEvidence),
                ("stopped".into(), Outcome::Fail),
                ("dev".into(), Outcome::NotApplicable),
                ("aurora-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
            ]
        );
        s.regions[0].metrics = Observed::Unknown(denied("cloudwatch:GetMetricData"));
        assert_eq!(
            run(&IN_PRODUCTION, &s)[0].outcome,
            Outcome::InsufficientEvidence
        );
    }

    #[test]
    fn creation_dates_are_facts_beside_the_project_date() {
        let mut old = instance("old");
        old.created_at = Some("2019-05-01T00:00:00Z".into());
        let mut unknown = instance("unknown");
        unknown.created_at = None;
        let s = with_instances(vec![instance("new"), old, unknown]);
        let findings = run_in(&CREATED, &s, &case_study(Engine::Postgres), &[]);
        assert_eq!(
            outcomes(&findings),
            [
                ("new".into(), Outcome::Observation),
                ("old".into(), Outcome::Observation),
                ("unknown".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[1].detail,
            "created 2019-05-01, before the past 18 months; the project went live 2025-06-30 \
             (case study)"
        );
        assert_eq!(findings[0].values["within_18_months"], true);
    }

    #[test]
    fn engines_must_count_for_the_claim() {
        let mut mysql = instance("mysql");
        mysql.engine = "mysql".into();
        let mut s = with_instances(vec![instance("pg"), mysql]);
        s.regions[0].db_clusters = Observed::Value(vec![cluster("aurora")]);
        let findings = run_in(
            &ENGINE_MATCHES_CLAIM,
            &s,
            &case_study(Engine::Postgres),
            &[],
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("pg".into(), Outcome::Pass),
                ("mysql".into(), Outcome::Fail),
                ("aurora".into(), Outcome::Pass),
            ]
        );
        let findings = run_in(
            &ENGINE_MATCHES_CLAIM,
            &s,
            &case_study(Engine::AuroraPostgresql),
            &[],
        );
        assert_eq!(
            findings[0].outcome,
            Outcome::Fail,
            "RDS for PostgreSQL is not Aurora"
        );
        assert_eq!(
            run(&ENGINE_MATCHES_CLAIM, &s)[0].outcome,
            Outcome::NotApplicable
        );
    }
}
