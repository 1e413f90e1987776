//! Offline: the RDS extras replayed from `fixtures/real-shapes`, hand-written in the wire format
//! of real AWS, for what the emulator does not serve (pending maintenance, engine version
//! status and support lifecycle, CA certificates, reserved instances) or serves differently (default option groups,
//! which moto does not know), and the checks that judge them.

mod common;

use std::sync::OnceLock;

use common::{collect_snapshot, fixture, rds_evidence};
use rds_evidence_controls::{evaluate, Attestations, Profile};
use rds_evidence_inventory::rds::{EngineVersionDetails, OptionGroup};
use rds_evidence_inventory::{CallOutcome, Observed, RegionSnapshot, Snapshot};

const ACCOUNT: &str = "210987654321";
const EXTRAS: &[&str] = &[
    "rds:DescribeCertificates",
    "rds:DescribeDBEngineVersions",
    "rds:DescribeDBMajorEngineVersions",
    "rds:DescribeGlobalClusters",
    "rds:DescribeOptionGroups",
    "rds:DescribePendingMaintenanceActions",
    "rds:DescribeReservedDBInstances",
];

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut command = rds_evidence(dir.path());
        command
            .args([
                "collect",
                "--concurrency",
                "16",
                "--no-evaluate",
                "--replay",
            ])
            .arg(fixture("real-shapes"));
        collect_snapshot(command, &dir.path().join("out")).0
    })
}

fn region() -> &'static RegionSnapshot {
    &snapshot().regions[0]
}

fn db_arn(id: &str) -> String {
    format!("arn:aws:rds:us-east-1:{ACCOUNT}:db:{id}")
}

#[test]
fn every_extra_is_asked_once_per_distinct_thing_and_answered() {
    let calls = |action: &str| {
        let calls: Vec<_> = snapshot()
            .calls
            .iter()
            .filter(|c| c.action == action)
            .collect();
        assert!(
            calls.iter().all(|c| c.outcome == CallOutcome::Ok),
            "{action}"
        );
        calls.len()
    };
    // Region-wide listings once; option groups and engine versions once per distinct name or
    // (engine, version) of the three instances.
    for action in [
        "rds:DescribeCertificates",
        "rds:DescribeGlobalClusters",
        "rds:DescribePendingMaintenanceActions",
        "rds:DescribeReservedDBInstances",
    ] {
        assert_eq!(calls(action), 1, "{action}");
    }
    assert_eq!(calls("rds:DescribeOptionGroups"), 3);
    assert_eq!(calls("rds:DescribeDBEngineVersions"), 3);
    // Lifecycles once per engine that has them published: not SQL Server.
    assert_eq!(calls("rds:DescribeDBMajorEngineVersions"), 2);
    let gaps: Vec<_> = snapshot()
        .gaps()
        .into_iter()
        .filter(|g| EXTRAS.contains(&g.why.action.as_str()))
        .map(|g| g.subject)
        .collect();
    assert!(gaps.is_empty(), "{gaps:?}");
}

#[test]
fn pending_maintenance_keeps_every_date() {
    let listing = region().pending_maintenance.value().unwrap();
    assert_eq!(listing.len(), 2);
    let sqlserver = &listing[0];
    assert_eq!(sqlserver.resource_arn, db_arn("legacy-sqlserver"));
    let action = &sqlserver.actions[0];
    assert_eq!(action.action, "system-update");
    assert_eq!(
        action.forced_apply_date.as_deref(),
        Some("2026-10-01T00:00:00Z")
    );
    assert_eq!(action.auto_applied_after, None);
    assert_eq!(
        action.description.as_deref(),
        Some("New Operating System update is available")
    );
    let pg = &listing[1].actions[0];
    assert_eq!(listing[1].resource_arn, db_arn("orders-pg"));
    assert_eq!(pg.action, "db-upgrade");
    assert_eq!(
        pg.auto_applied_after.as_deref(),
        Some("2027-02-01T00:00:00Z")
    );
    assert_eq!(
        pg.current_apply_date.as_deref(),
        Some("2026-12-06T04:30:00Z")
    );
    assert_eq!(pg.opt_in_status.as_deref(), Some("next-maintenance"));
    assert_eq!(pg.forced_apply_date, None);
}

#[test]
fn engine_versions_with_status_and_upgrade_targets() {
    let versions: Vec<_> = region()
        .engine_versions
        .iter()
        .map(|v| (v.engine.as_str(), v.version.as_str(), v.details.clone()))
        .collect();
    let details = |status: &str, upgrade_targets| {
        Observed::Value(Some(EngineVersionDetails {
            status: Some(status.to_owned()),
            upgrade_targets,
        }))
    };
    assert_eq!(
        versions,
        [
            ("mysql", "8.0.35", details("deprecated", 2)),
            ("postgres", "15.7", details("available", 2)),
            ("sqlserver-se", "15.00.4345.5.v1", details("available", 1)),
        ]
    );
}
#[test]
fn support_lifecycles_of_the_engines_in_use() {
    let lifecycles: Vec<&str> = region()
        .engine_lifecycles
        .iter()
        .map(|l| l.engine.as_str())
        .collect();
    assert_eq!(lifecycles, ["mysql", "postgres"]);
    let postgres = region().engine_lifecycles[1]
        .major_versions
        .value()
        .unwrap();
    let fifteen = postgres.iter().find(|m| m.version == "15").unwrap();
    assert_eq!(
        fifteen
            .lifecycles
            .iter()
            .map(|l| (l.name.as_str(), l.end.as_deref().unwrap()))
            .collect::<Vec<_>>(),
        [
            ("open-source-rds-standard-support", "2027-02-28T23:59:59Z"),
            ("open-source-rds-extended-support", "2030-02-28T23:59:59Z"),
        ]
    );
}

#[test]
fn default_option_groups_are_read_and_empty() {
    let groups: Vec<_> = region().option_groups.iter().collect();
    let empty = |name: &str| OptionGroup {
        name: name.to_owned(),
        options: Observed::Value(Vec::new()),
    };
    assert_eq!(
        groups,
        [
            &empty("default:mysql-8-0"),
            &empty("default:postgres-15"),
            &empty("default:sqlserver-se-15-00"),
        ]
    );
}

#[test]
fn certificates_global_clusters_and_reservations() {
    let certificates = region().certificates.value().unwrap();
    let ids: Vec<_> = certificates
        .iter()
        .map(|c| {
            (
                c.identifier.as_str(),
                c.valid_till.as_deref().unwrap(),
                c.default_for_new_launches,
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("rds-ca-2019", "2024-08-22T17:08:50Z", false),
            ("rds-ca-ecc384-g1", "2121-05-21T23:23:47Z", false),
            ("rds-ca-rsa2048-g1", "2061-05-25T23:34:57Z", true),
        ]
    );
    assert_eq!(region().global_clusters, Observed::Value(Vec::new()));

    let reserved = region().reserved_instances.value().unwrap();
    assert_eq!(reserved.len(), 2);
    let active = &reserved[0];
    assert_eq!(active.id, "orders-pg-ri-2026");
    assert_eq!(active.instance_class, "db.r6g.xlarge");
    assert_eq!(active.product_description.as_deref(), Some("postgresql"));
    assert!(active.multi_az);
    assert_eq!(active.count, 1);
    assert_eq!(active.state.as_deref(), Some("active"));
    assert_eq!(active.start.as_deref(), Some("2026-03-01T00:00:00Z"));
    assert_eq!(active.end.as_deref(), Some("2027-03-01T00:00:00Z"));
    assert_eq!(active.offering_type.as_deref(), Some("No Upfront"));
    assert_eq!(reserved[1].state.as_deref(), Some("retired"));
    assert_eq!(reserved[1].end.as_deref(), Some("2026-01-14T00:00:00Z"));
}

#[test]
fn the_extras_checks_judge_the_fixture() {
    let profile = Profile::builtin();
    let evaluation = evaluate(snapshot(), &profile, &Attestations::default());
    let outcome = |check: &str, id: &str| {
        evaluation
            .findings
            .iter()
            .find(|f| f.check == check && f.resource.id == id)
            .map(|f| (f.outcome, f.detail.clone()))
            .unwrap_or_else(|| panic!("no finding of {check} on {id}"))
    };
    use rds_evidence_controls::Outcome::*;
    let maintenance = "rds.database.pending_maintenance";
    assert_eq!(outcome(maintenance, "legacy-sqlserver").0, Fail);
    assert_eq!(outcome(maintenance, "orders-pg").0, Observation);
    assert_eq!(outcome(maintenance, "reports-mysql").0, Pass);
    let versions = "rds.engine.version_supported";
    assert_eq!(
        outcome(versions, "reports-mysql"),
        (
            Fail,
            "mysql 8.0.35 is deprecated (2 upgrade target(s)); mysql 8.0 left RDS standard \
             support on 2026-07-31: it runs on RDS Extended Support (charged) until 2029-07-31"
                .to_owned()
        )
    );
    assert_eq!(
        outcome(versions, "orders-pg"),
        (
            Fail,
            "RDS standard support of postgres 15 ends on 2027-02-28, in 93 days (within 180)"
                .to_owned()
        )
    );
    assert_eq!(
        outcome(versions, "legacy-sqlserver"),
        (
            Pass,
            "sqlserver-se 15.00.4345.5.v1 is available; RDS publishes no lifecycle dates for \
             sqlserver-se; no engine upgrade is required"
                .to_owned()
        )
    );
    assert_eq!(
        outcome("rds.cost.reservation_coverage", "us-east-1"),
        (
            Observation,
            "3 instance(s) in 3 class(es); 1 active reserved instance(s); on demand: \
             1 × db.m5.xlarge, 1 × db.t4g.large"
                .to_owned()
        )
    );
}
