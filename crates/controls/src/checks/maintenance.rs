//! Maintenance: scheduled actions left to lapse, engine versions RDS no longer supports or
//! supports only for a charge.

use rds_evidence_inventory::rds::{
    EngineLifecycle, EngineVersion, PendingAction, LIFECYCLE_ENGINES,
};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, epoch_seconds, instance_resource, judge_each,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&PENDING_MAINTENANCE, &ENGINE_VERSION_SUPPORTED];

check! {
    /// No required maintenance is past its deadline.
    ///
    /// Judges every instance (Aurora members included: operating-system updates are per instance)
    /// and every cluster against the region's pending-maintenance listing. An action whose forced
    /// apply date or auto-apply date has passed at collection is overdue; other pending actions
    /// are reported as observations with their dates.
    pub static PENDING_MAINTENANCE = Check {
        id: "rds.database.pending_maintenance",
        title: "Required maintenance is applied before its deadline",
        rationale: "Security patches and engine updates RDS marks as required are applied by force \
                    at their deadline, in or out of the maintenance window; an overdue action means \
                    patches are not being planned, and the restart comes when RDS decides.",
        remediation: "Apply the pending actions in a planned window (apply-pending-maintenance-action \
                      --opt-in-type next-maintenance), and review pending maintenance as part of \
                      the operations routine.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: pending_maintenance,
    };
}

fn pending_maintenance(ctx: &Context) -> Vec<Finding> {
    let check = &PENDING_MAINTENANCE;
    let collected = epoch_seconds(&ctx.snapshot.collected_at);
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, i| {
            Some(judge_maintenance(
                check,
                instance_resource(region, i),
                region,
                &i.arn,
                collected,
            ))
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, c| {
            Some(judge_maintenance(
                check,
                cluster_resource(region, c),
                region,
                &c.arn,
                collected,
            ))
        },
    ));
    findings
}

fn judge_maintenance(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    arn: &str,
    collected: Option<i64>,
) -> Finding {
    let listing = match &region.pending_maintenance {
        Observed::Value(listing) => listing,
        Observed::Unknown(why) => {
            return Finding::new(
                check,
                resource,
                Outcome::InsufficientEvidence,
                format!("pending maintenance unknown: {why}"),
            )
        }
    };
    let actions: &[PendingAction] = listing
        .iter()
        .find(|m| m.resource_arn == arn)
        .map(|m| m.actions.as_slice())
        .unwrap_or_default();
    if actions.is_empty() {
        return Finding::new(check, resource, Outcome::Pass, "no pending maintenance");
    }
    let names: Vec<&str> = actions.iter().map(|a| a.action.as_str()).collect();
    let Some(collected) = collected else {
        return Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            "collection time not readable",
        )
        .with("actions", names);
    };
    let mut overdue = Vec::new();
    let mut unreadable = Vec::new();
    for action in actions {
        let deadlines = [
            ("forced apply date", &action.forced_apply_date),
            ("auto-apply date", &action.auto_applied_after),
        ];
        for (what, date) in deadlines {
            let Some(date) = date else { continue };
            match epoch_seconds(date) {
                Some(deadline) if deadline <= collected => {
                    overdue.push(format!("{} ({what} {date})", action.action))
                }
                Some(_) => {}
                None => unreadable.push(format!("{} ({what} {date})", action.action)),
            }
        }
    }
    let finding = |outcome, detail: String| {
        Finding::new(check, resource.clone(), outcome, detail).with(
            "actions",
            actions.iter().map(action_facts).collect::<Vec<_>>(),
        )
    };
    if !overdue.is_empty() {
        finding(
            Outcome::Fail,
            format!("overdue maintenance: {}", overdue.join(", ")),
        )
    } else if !unreadable.is_empty() {
        finding(
            Outcome::InsufficientEvidence,
            format!("maintenance dates not readable: {}", unreadable.join(", ")),
        )
    } else {
        finding(
            Outcome::Observation,
            format!("pending maintenance, none overdue: {}", names.join(", ")),
        )
    }
}

fn action_facts(action: &PendingAction) -> serde_json::Value {
    serde_json::json!({
        "action": action.action,
        "description": action.description,
        "auto_applied_after": action.auto_applied_after,
        "forced_apply_date": action.forced_apply_date,
        "current_apply_date": action.current_apply_date,
        "opt_in_status": action.opt_in_status,
    })
}

check! {
    /// The database runs an engine version RDS supports, and not for much longer than the
    /// profile's warning window.
    ///
    /// A version can be `available` and still past the end of standard support: RDS Extended
    /// Support then runs it, at a charge. For the engines whose support lifecycle RDS
    /// publishes (`DescribeDBMajorEngineVersions`: MySQL, PostgreSQL, MariaDB, Aurora MySQL and
    /// Aurora PostgreSQL), a version fails when its major version is past the end of standard
    /// support (in RDS Extended Support, or past that too), or when standard support ends
    /// within `engine_support_warning_days` (180) of collection; the finding names the dates.
    /// For engines without published lifecycle dates (Oracle, SQL Server, Db2) it is judged by
    /// the version's status and pending maintenance — a required engine upgrade (`db-upgrade`
    /// with a deadline) fails — and the finding says that no lifecycle dates exist. Either
    /// way, a version `DescribeDBEngineVersions` lists as `deprecated` fails. Cluster members
    /// run their cluster's version and are judged there.
    pub static ENGINE_VERSION_SUPPORTED = Check {
        id: "rds.engine.version_supported",
        title: "Databases run an engine version in RDS standard support",
        rationale: "A version past standard support runs on RDS Extended Support, billed per \
                    vCPU-hour, until RDS upgrades it on its own schedule; a deprecated version \
                    gets no more fixes. A partner's customer should be on a supported version, \
                    with the upgrade planned before support ends.",
        remediation: "Plan and test a major or minor version upgrade to a version in standard \
                      support (describe-db-engine-versions shows the valid upgrade targets, \
                      describe-db-major-engine-versions the support dates), then upgrade in a \
                      maintenance window.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: engine_version_supported,
    };
}

fn engine_version_supported(ctx: &Context) -> Vec<Finding> {
    let check = &ENGINE_VERSION_SUPPORTED;
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, i| {
            let resource = instance_resource(region, i);
            Some(cluster_member(check, &resource, i).unwrap_or_else(|| {
                judge_version(ctx, resource, region, &i.engine, &i.engine_version, &i.arn)
            }))
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, c| {
            Some(judge_version(
                ctx,
                cluster_resource(region, c),
                region,
                &c.engine,
                &c.engine_version,
                &c.arn,
            ))
        },
    ));
    findings
}

/// One reading of a version's support: its outcome and what it rests on.
type Reading = (Outcome, String);

fn judge_version(
    ctx: &Context,
    resource: Resource,
    region: &RegionSnapshot,
    engine: &str,
    version: &str,
    arn: &str,
) -> Finding {
    let readings = [
        status(region, engine, version),
        if LIFECYCLE_ENGINES.contains(&engine) {
            lifecycle(ctx, region, engine, version)
        } else {
            required_upgrade(region, engine, arn)
        },
    ];
    // A failure outranks an unknown, an unknown a pass.
    let outcome = if readings.iter().any(|(o, _)| *o == Outcome::Fail) {
        Outcome::Fail
    } else if readings
        .iter()
        .any(|(o, _)| *o == Outcome::InsufficientEvidence)
    {
        Outcome::InsufficientEvidence
    } else {
        Outcome::Pass
    };
    let detail: Vec<&str> = readings
        .iter()
        .filter(|(o, _)| outcome == Outcome::Pass || *o == outcome)
        .map(|(_, text)| text.as_str())
        .collect();
    Finding::new(
        &ENGINE_VERSION_SUPPORTED,
        resource,
        outcome,
        detail.join("; "),
    )
    .with("engine", engine)
    .with("engine_version", version)
}

/// The version's status in `DescribeDBEngineVersions`.
fn status(region: &RegionSnapshot, engine: &str, version: &str) -> Reading {
    let known = region
        .engine_versions
        .iter()
        .find(|v: &&EngineVersion| v.engine == engine && v.version == version);
    let Some(known) = known else {
        return (
            Outcome::InsufficientEvidence,
            format!("the status of {engine} {version} is not in the snapshot"),
        );
    };
    match &known.details {
        Observed::Value(Some(details)) => match details.status.as_deref() {
            Some("available") => (Outcome::Pass, format!("{engine} {version} is available")),
            Some("deprecated") => (
                Outcome::Fail,
                format!(
                    "{engine} {version} is deprecated ({} upgrade target(s))",
                    details.upgrade_targets
                ),
            ),
            Some(other) => (
                Outcome::InsufficientEvidence,
                format!("{engine} {version} has status {other}, not recognised"),
            ),
            None => (
                Outcome::InsufficientEvidence,
                format!("RDS reports no status for {engine} {version}"),
            ),
        },
        Observed::Value(None) => (
            Outcome::InsufficientEvidence,
            format!("RDS does not list {engine} {version}, not even as deprecated"),
        ),
        Observed::Unknown(why) => (
            Outcome::InsufficientEvidence,
            format!("status of {engine} {version} unknown: {why}"),
        ),
    }
}

const STANDARD_SUPPORT: &str = "open-source-rds-standard-support";
const EXTENDED_SUPPORT: &str = "open-source-rds-extended-support";

/// Where the version's major version is in its published support lifecycle.
fn lifecycle(ctx: &Context, region: &RegionSnapshot, engine: &str, version: &str) -> Reading {
    let majors = match region.engine_lifecycles.iter().find(|l| l.engine == engine) {
        None => {
            return (
                Outcome::InsufficientEvidence,
                format!("the support lifecycle of {engine} is not in the snapshot"),
            )
        }
        Some(EngineLifecycle {
            major_versions: Observed::Unknown(why),
            ..
        }) => {
            return (
                Outcome::InsufficientEvidence,
                format!("support lifecycle of {engine} unknown: {why}"),
            )
        }
        Some(EngineLifecycle {
            major_versions: Observed::Value(majors),
            ..
        }) => majors,
    };
    // `16` for 16.4, `8.0` for 8.0.35 and 8.0.mysql_aurora.3.05.2: the longest that fits.
    let major = majors
        .iter()
        .filter(|m| {
            version == m.version
                || version
                    .strip_prefix(m.version.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
        })
        .max_by_key(|m| m.version.len());
    let Some(major) = major else {
        return (
            Outcome::InsufficientEvidence,
            format!("RDS publishes no support lifecycle for {engine} {version}"),
        );
    };
    let end_of = |name: &str| {
        major
            .lifecycles
            .iter()
            .find(|l| l.name == name)
            .and_then(|l| l.end.as_deref())
    };
    let (Some(standard_end), Some(now)) = (
        end_of(STANDARD_SUPPORT),
        epoch_seconds(&ctx.snapshot.collected_at),
    ) else {
        return (
            Outcome::InsufficientEvidence,
            format!(
                "RDS publishes no end of standard support for {engine} {}",
                major.version
            ),
        );
    };
    let Some(standard_end_s) = epoch_seconds(standard_end) else {
        return (
            Outcome::InsufficientEvidence,
            format!("the end of standard support '{standard_end}' cannot be read"),
        );
    };
    let name = format!("{engine} {}", major.version);
    if standard_end_s <= now {
        let extended = end_of(EXTENDED_SUPPORT);
        return match extended.and_then(|end| Some((end, epoch_seconds(end)?))) {
            Some((end, end_s)) if end_s > now => (
                Outcome::Fail,
                format!(
                    "{name} left RDS standard support on {}: it runs on RDS Extended Support \
                     (charged) until {}",
                    day(standard_end),
                    day(end)
                ),
            ),
            Some((end, _)) => (
                Outcome::Fail,
                format!(
                    "{name} is past the end of RDS standard support ({}) and of RDS Extended \
                     Support ({})",
                    day(standard_end),
                    day(end)
                ),
            ),
            None => (
                Outcome::Fail,
                format!(
                    "{name} is past the end of RDS standard support ({})",
                    day(standard_end)
                ),
            ),
        };
    }
    let days_left = (standard_end_s - now) / 86_400;
    let warning = ctx.thresholds.engine_support_warning_days;
    if days_left <= warning {
        (
            Outcome::Fail,
            format!(
                "RDS standard support of {name} ends on {}, in {days_left} days (within \
                 {warning})",
                day(standard_end)
            ),
        )
    } else {
        (
            Outcome::Pass,
            format!(
                "RDS standard support of {name} lasts until {}",
                day(standard_end)
            ),
        )
    }
}

/// For engines without published lifecycle dates: an engine upgrade RDS requires by a date.
fn required_upgrade(region: &RegionSnapshot, engine: &str, arn: &str) -> Reading {
    let listing = match &region.pending_maintenance {
        Observed::Value(listing) => listing,
        Observed::Unknown(why) => {
            return (
                Outcome::InsufficientEvidence,
                format!(
                    "RDS publishes no lifecycle dates for {engine}, and pending maintenance is \
                     unknown: {why}"
                ),
            )
        }
    };
    let upgrade = listing
        .iter()
        .filter(|m| m.resource_arn == arn)
        .flat_map(|m| &m.actions)
        .find(|a| {
            a.action == "db-upgrade"
                && (a.forced_apply_date.is_some() || a.auto_applied_after.is_some())
        });
    match upgrade {
        Some(action) => (
            Outcome::Fail,
            format!(
                "RDS publishes no lifecycle dates for {engine}, and requires an engine upgrade \
                 by {}{}",
                action
                    .forced_apply_date
                    .as_deref()
                    .or(action.auto_applied_after.as_deref())
                    .map(day)
                    .unwrap_or_default(),
                action
                    .description
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
        ),
        None => (
            Outcome::Pass,
            format!("RDS publishes no lifecycle dates for {engine}; no engine upgrade is required"),
        ),
    }
}

/// `2027-03-31` of `2027-03-31T00:00:00Z`.
fn day(timestamp: &str) -> &str {
    timestamp.split('T').next().unwrap_or(timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::rds::{
        EngineVersionDetails, MajorEngineVersion, PendingMaintenance, SupportLifecycle,
    };

    fn action(name: &str, forced: Option<&str>, auto: Option<&str>) -> PendingAction {
        PendingAction {
            action: name.to_owned(),
            description: None,
            auto_applied_after: auto.map(str::to_owned),
            forced_apply_date: forced.map(str::to_owned),
            current_apply_date: None,
            opt_in_status: None,
        }
    }

    fn pending(arn: String, actions: Vec<PendingAction>) -> PendingMaintenance {
        PendingMaintenance {
            resource_arn: arn,
            actions,
        }
    }

    #[test]
    fn pending_maintenance_outcomes() {
        let names = ["current", "forced", "auto", "upcoming", "garbled"];
        let dbs: Vec<_> = names.iter().map(|n| instance(n)).collect();
        let mut east = region("us-east-1");
        east.pending_maintenance = Observed::Value(vec![
            pending(
                dbs[1].arn.clone(),
                vec![action("system-update", Some("2026-01-01T00:00:00Z"), None)],
            ),
            pending(
                dbs[2].arn.clone(),
                vec![action("db-upgrade", None, Some("2026-01-15T11:00:00Z"))],
            ),
            pending(
                dbs[3].arn.clone(),
                vec![action(
                    "system-update",
                    Some("2026-03-01T00:00:00Z"),
                    Some("2026-02-01T00:00:00Z"),
                )],
            ),
            pending(
                dbs[4].arn.clone(),
                vec![action("system-update", Some("soon"), None)],
            ),
        ]);
        east.db_instances = Observed::Value(dbs);
        east.db_clusters = Observed::Value(vec![cluster("aurora")]);
        let findings = run(&PENDING_MAINTENANCE, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("current".into(), Outcome::Pass),
                ("forced".into(), Outcome::Fail),
                ("auto".into(), Outcome::Fail),
                ("upcoming".into(), Outcome::Observation),
                ("garbled".into(), Outcome::InsufficientEvidence),
                ("aurora".into(), Outcome::Pass),
            ]
        );
        assert!(findings[1]
            .detail
            .contains("system-update (forced apply date 2026-01-01T00:00:00Z)"));
        assert!(findings[2].detail.contains("auto-apply date"));
        assert_eq!(findings[5].resource.kind, Scope::DbCluster);
    }

    #[test]
    fn unknown_maintenance_listing_is_insufficient() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![instance("db")]);
        east.pending_maintenance =
            Observed::Unknown(denied("rds:DescribePendingMaintenanceActions"));
        let findings = run(&PENDING_MAINTENANCE, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [("db".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0]
            .detail
            .contains("rds:DescribePendingMaintenanceActions access denied"));
    }

    fn version(engine: &str, version: &str, status: Option<&str>) -> EngineVersion {
        EngineVersion {
            engine: engine.to_owned(),
            version: version.to_owned(),
            details: Observed::Value(status.map(|s| EngineVersionDetails {
                status: Some(s.to_owned()),
                upgrade_targets: 3,
            })),
        }
    }

    /// DescribeDBMajorEngineVersions' DBMajorEngineVersion: each major version with its
    /// SupportedEngineLifecycles (standard support, and RDS Extended Support where offered).
    fn lifecycles(engine: &str, majors: &[(&str, &str, Option<&str>)]) -> EngineLifecycle {
        let support = |name: &str, end: &str| SupportLifecycle {
            name: name.to_owned(),
            start: Some("2020-01-01T00:00:00Z".to_owned()),
            end: Some(end.to_owned()),
        };
        EngineLifecycle {
            engine: engine.to_owned(),
            major_versions: Observed::Value(
                majors
                    .iter()
                    .map(|(major, standard_end, extended_end)| MajorEngineVersion {
                        version: (*major).to_owned(),
                        lifecycles: std::iter::once(support(STANDARD_SUPPORT, standard_end))
                            .chain(extended_end.map(|end| support(EXTENDED_SUPPORT, end)))
                            .collect(),
                    })
                    .collect(),
            ),
        }
    }

    fn running(
        id: &str,
        engine: &str,
        engine_version: &str,
    ) -> rds_evidence_inventory::rds::DbInstance {
        let mut db = instance(id);
        db.engine = engine.to_owned();
        db.engine_version = engine_version.to_owned();
        db
    }

    #[test]
    fn engine_version_outcomes() {
        let mut member = instance("member-1");
        member.cluster_identifier = Some("aurora".into());
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            instance("new"),
            running("old", "postgres", "11.22"),
            running("ghost", "postgres", "9.6.1"),
            running("unasked", "mysql", "8.0.35"),
            member,
        ]);
        east.db_clusters = Observed::Value(vec![cluster("aurora")]);
        east.engine_versions = vec![
            version("postgres", "16.4", Some("available")),
            version("postgres", "11.22", Some("deprecated")),
            version("postgres", "9.6.1", None),
            EngineVersion {
                details: Observed::Unknown(denied("rds:DescribeDBEngineVersions")),
                ..version("aurora-postgresql", "16.4", None)
            },
        ];
        east.engine_lifecycles = vec![
            lifecycles(
                "postgres",
                &[
                    ("16", "2028-11-09T00:00:00Z", Some("2031-11-09T00:00:00Z")),
                    ("11", "2024-02-29T00:00:00Z", Some("2027-03-31T00:00:00Z")),
                ],
            ),
            lifecycles("aurora-postgresql", &[("16", "2029-02-28T00:00:00Z", None)]),
        ];
        let findings = run(&ENGINE_VERSION_SUPPORTED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("new".into(), Outcome::Pass),
                ("old".into(), Outcome::Fail),
                ("ghost".into(), Outcome::InsufficientEvidence),
                ("unasked".into(), Outcome::InsufficientEvidence),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "postgres 16.4 is available; RDS standard support of postgres 16 lasts until 2028-11-09"
        );
        assert_eq!(
            findings[1].detail,
            "postgres 11.22 is deprecated (3 upgrade target(s)); postgres 11 left RDS standard \
             support on 2024-02-29: it runs on RDS Extended Support (charged) until 2027-03-31"
        );
        assert!(findings[2].detail.contains("not even as deprecated"));
        assert!(findings[2]
            .detail
            .contains("RDS publishes no support lifecycle for postgres 9.6.1"));
        assert!(findings[3]
            .detail
            .contains("the support lifecycle of mysql is not in the snapshot"));
        assert!(findings[5]
            .detail
            .contains("rds:DescribeDBEngineVersions access denied"));
    }

    /// Available versions in, near, and past the end of standard support (collection on
    /// 2026-01-15, warning window 180 days).
    #[test]
    fn available_is_not_supported_when_standard_support_has_ended() {
        let dbs = [
            running("extended", "postgres", "12.22"),
            running("soon", "aurora-mysql", "8.0.mysql_aurora.3.05.2"),
            running("later", "mysql", "8.4.3"),
            running("ended", "mariadb", "10.4.34"),
        ];
        let mut east = region("us-east-1");
        east.engine_versions = dbs
            .iter()
            .map(|db| version(&db.engine, &db.engine_version, Some("available")))
            .collect();
        east.db_instances = Observed::Value(dbs.to_vec());
        east.engine_lifecycles = vec![
            lifecycles(
                "postgres",
                &[("12", "2025-02-28T00:00:00Z", Some("2028-02-29T00:00:00Z"))],
            ),
            lifecycles(
                "aurora-mysql",
                &[("8.0", "2026-04-30T00:00:00Z", Some("2029-04-30T00:00:00Z"))],
            ),
            lifecycles(
                "mysql",
                &[
                    ("8", "2020-01-01T00:00:00Z", None),
                    ("8.4", "2029-07-31T00:00:00Z", Some("2032-07-31T00:00:00Z")),
                ],
            ),
            lifecycles("mariadb", &[("10.4", "2025-06-18T00:00:00Z", None)]),
        ];
        let findings = run(&ENGINE_VERSION_SUPPORTED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("extended".into(), Outcome::Fail),
                ("soon".into(), Outcome::Fail),
                ("later".into(), Outcome::Pass),
                ("ended".into(), Outcome::Fail),
            ]
        );
        assert!(findings[0]
            .detail
            .contains("runs on RDS Extended Support (charged) until 2028-02-29"));
        assert_eq!(
            findings[1].detail,
            "RDS standard support of aurora-mysql 8.0 ends on 2026-04-30, in 104 days (within 180)"
        );
        assert!(
            findings[2]
                .detail
                .contains("mysql 8.4 lasts until 2029-07-31"),
            "the longest major that fits"
        );
        assert_eq!(
            findings[3].detail,
            "mariadb 10.4 is past the end of RDS standard support (2025-06-18)"
        );

        let mut unknown = region("us-east-1");
        unknown.db_instances = Observed::Value(vec![instance("db")]);
        unknown.engine_versions = vec![version("postgres", "16.4", Some("available"))];
        unknown.engine_lifecycles = vec![EngineLifecycle {
            engine: "postgres".into(),
            major_versions: Observed::Unknown(denied("rds:DescribeDBMajorEngineVersions")),
        }];
        let findings = run(&ENGINE_VERSION_SUPPORTED, &snapshot(vec![unknown]));
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0]
            .detail
            .contains("rds:DescribeDBMajorEngineVersions access denied"));
    }

    #[test]
    fn engines_without_lifecycle_dates_are_judged_by_status_and_required_upgrades() {
        let sqlserver = running("sqlserver", "sqlserver-se", "15.00.4345.5.v1");
        let oracle = running("oracle", "oracle-ee", "19.0.0.0.ru-2023-10.rur-2023-10.r1");
        let mut east = region("us-east-1");
        east.engine_versions = [&sqlserver, &oracle]
            .iter()
            .map(|db| version(&db.engine, &db.engine_version, Some("available")))
            .collect();
        east.pending_maintenance = Observed::Value(vec![PendingMaintenance {
            resource_arn: oracle.arn.clone(),
            actions: vec![PendingAction {
                description: Some("Upgrade to 19.0.0.0.ru-2025-10.rur-2025-10.r1".into()),
                ..action("db-upgrade", Some("2026-03-01T00:00:00Z"), None)
            }],
        }]);
        east.db_instances = Observed::Value(vec![sqlserver, oracle]);
        let findings = run(&ENGINE_VERSION_SUPPORTED, &snapshot(vec![east.clone()]));
        assert_eq!(
            outcomes(&findings),
            [
                ("sqlserver".into(), Outcome::Pass),
                ("oracle".into(), Outcome::Fail)
            ]
        );
        assert!(findings[0].detail.contains(
            "RDS publishes no lifecycle dates for sqlserver-se; no engine upgrade is required"
        ));
        assert!(findings[1].detail.contains(
            "requires an engine upgrade by 2026-03-01 (Upgrade to 19.0.0.0.ru-2025-10.rur-2025-10.r1)"
        ));

        east.pending_maintenance =
            Observed::Unknown(denied("rds:DescribePendingMaintenanceActions"));
        let findings = run(&ENGINE_VERSION_SUPPORTED, &snapshot(vec![east]));
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
    }
}
