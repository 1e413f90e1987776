//! Offline: what the databases did, replayed from `fixtures/real-shapes` in the wire format of
//! real AWS for what the emulator cannot serve: CloudWatch `GetMetricData` over rpc-v2-cbor
//! (two pages), CloudTrail `LookupEvents` and RDS `DescribeEvents`, and beside them CloudWatch
//! Logs and DMS.

mod common;

use std::sync::OnceLock;

use common::{collect_snapshot, fixture, rds_evidence};
use rds_evidence_controls::{evaluate, Attestations, Outcome, Profile};
use rds_evidence_inventory::{CallOutcome, RegionSnapshot, Snapshot};

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut command = rds_evidence(dir.path());
        command
            .args(["collect", "--no-evaluate", "--replay"])
            .arg(fixture("real-shapes"));
        collect_snapshot(command, &dir.path().join("out")).0
    })
}

fn region() -> &'static RegionSnapshot {
    &snapshot().regions[0]
}

fn calls(action: &str) -> usize {
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
}

#[test]
fn one_metrics_request_for_every_database_and_its_second_page() {
    // 3 instances × 7 metrics × 4 statistics fit one request; CloudWatch split the answer.
    assert_eq!(calls("cloudwatch:GetMetricData"), 2);
    let metrics = region().metrics.value().expect("metrics observed");
    let orders = metrics.iter().find(|m| m.id == "orders-pg").unwrap();
    assert_eq!(orders.dimension, "DBInstanceIdentifier");
    let cpu = &orders.metrics["CPUUtilization"];
    assert_eq!(cpu.days, 14, "both pages' datapoints are merged");
    assert_eq!(cpu.max, 87.0);
    let free = &orders.metrics["FreeStorageSpace"];
    let gib = 1024.0 * 1024.0 * 1024.0;
    assert!(
        (free.slope_per_day.unwrap() / gib + 2.0).abs() < 1e-9,
        "{free:?}"
    );
    assert!(
        !orders.metrics.contains_key("ReplicaLag"),
        "no datapoints, no entry"
    );
    let stopped = metrics.iter().find(|m| m.id == "reports-mysql").unwrap();
    assert!(stopped.metrics.is_empty());
}

#[test]
fn change_history_by_event_name_with_console_sessions_marked() {
    // 18 RDS changes, 5 security group rule changes, PutKeyPolicy and 2 failover drills.
    assert_eq!(calls("cloudtrail:LookupEvents"), 26);
    let history = region().changes.value().expect("history observed");
    assert_eq!(history.window_days, 90);
    assert!(history.truncated.is_empty());
    let events: Vec<(&str, &str, bool, Option<&str>)> = history
        .events
        .iter()
        .map(|e| {
            (
                e.event_name.as_str(),
                e.resources[0].as_str(),
                e.from_console,
                e.error_code.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            (
                "RevokeSecurityGroupIngress",
                "sg-0c2e4a6b8d0f13579",
                true,
                None
            ),
            (
                "AuthorizeSecurityGroupIngress",
                "sg-0a4c1e7b92f3d5186",
                true,
                None
            ),
            (
                "DeleteDBInstance",
                "legacy-sqlserver",
                true,
                Some("InvalidDBInstanceState")
            ),
            ("ModifyDBInstance", "legacy-sqlserver", true, None),
            ("RebootDBInstance", "orders-pg", false, None),
            (
                "PutKeyPolicy",
                "arn:aws:kms:us-east-1:210987654321:key/3f6c2a1e-8d4b-4c7a-9e15-2b7d0c9a4f61",
                false,
                None
            ),
            ("ModifyDBInstance", "orders-pg", false, None),
            ("CreateDBInstance", "reports-mysql", false, None),
        ],
        "newest first"
    );
    assert_eq!(history.events[4].force_failover, Some(true));
    let by_cloudformation = &history.events[6];
    assert_eq!(
        by_cloudformation.invoked_by.as_deref(),
        Some("cloudformation.amazonaws.com")
    );
}

#[test]
fn failover_events_of_the_last_14_days() {
    assert_eq!(calls("rds:DescribeEvents"), 1);
    let events = region().failover_events.value().expect("events observed");
    let read: Vec<(&str, Option<&str>, Option<&str>)> = events
        .iter()
        .map(|e| {
            (
                e.source_id.as_str(),
                e.source_type.as_deref(),
                e.message.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            (
                "orders-pg",
                Some("db-instance"),
                Some("Multi-AZ instance failover started.")
            ),
            (
                "orders-pg",
                Some("db-instance"),
                Some("Multi-AZ instance failover completed.")
            ),
        ]
    );
}

#[test]
fn log_groups_and_migrations() {
    assert_eq!(calls("logs:DescribeLogGroups"), 1);
    let groups = region().log_groups.value().unwrap();
    assert_eq!(groups.len(), 2);
    assert!(groups[0].kms_key_id.is_some());
    assert_eq!(groups[1].retention_days, Some(7));
    assert_eq!(calls("dms:DescribeReplicationTasks"), 1);
    assert_eq!(calls("dms:DescribeEndpoints"), 1);
    let tasks = region().replication_tasks.value().unwrap();
    assert_eq!(tasks[0].status.as_deref(), Some("running"));
}

#[test]
fn the_activity_checks_judge_the_fixture() {
    let evaluation = evaluate(snapshot(), &Profile::builtin(), &Attestations::default());
    let outcome = |check: &str, id: &str| {
        evaluation
            .findings
            .iter()
            .find(|f| f.check == check && f.resource.id == id)
            .map(|f| (f.outcome, f.detail.clone()))
            .unwrap_or_else(|| panic!("no finding of {check} on {id}"))
    };
    use Outcome::*;
    let headroom = "rds.instance.storage_headroom";
    assert_eq!(
        outcome(headroom, "legacy-sqlserver"),
        (
            Fail,
            "20.0 GiB free, filling 1.00 GiB/day: about 20 day(s) left".to_owned()
        )
    );
    assert_eq!(outcome(headroom, "orders-pg").0, Pass);
    assert_eq!(outcome(headroom, "reports-mysql").0, InsufficientEvidence);
    let rightsizing = outcome("rds.instance.rightsizing", "legacy-sqlserver").1;
    assert!(
        rightsizing.contains("a smaller class may do"),
        "{rightsizing}"
    );
    assert!(rightsizing.contains("gp3"), "{rightsizing}");
    let (verdict, detail) = outcome("rds.changes.not_from_console", "us-east-1");
    assert_eq!(verdict, Fail);
    // The database's own security group opened from the console counts; another group's
    // change, a failed call and a failover drill do not.
    assert!(
        detail.starts_with(
            "2 of 5 change(s) around the databases in 90 days made from the console: \
             2026-11-22T17:00:00Z AuthorizeSecurityGroupIngress on sg-0a4c1e7b92f3d5186"
        ),
        "{detail}"
    );
    let failover = "rds.database.failover_tested";
    let (verdict, detail) = outcome(failover, "orders-pg");
    assert_eq!(verdict, Observation);
    assert!(
        detail.contains("RebootDBInstance with ForceFailover by")
            && detail.contains("RDS event: Multi-AZ instance failover completed."),
        "{detail}"
    );
    assert_eq!(
        outcome(failover, "reports-mysql"),
        (
            Observation,
            "no failover in 90 days of CloudTrail or 14 days of RDS events".to_owned()
        )
    );
    assert_eq!(
        outcome("logs.rds.retention", "/aws/rds/instance/orders-pg/upgrade").0,
        Fail
    );
    assert_eq!(
        outcome("dms.migration.tasks", "orders-oracle-to-pg").1,
        "oracle → postgres, full-load-and-cdc, running, into orders-pg"
    );
    let peaks = outcome("rds.database.utilisation", "orders-pg").1;
    assert!(peaks.contains("peak connections 179"), "{peaks}");
}

#[test]
fn a_history_cut_short_keeps_what_was_read() {
    // CloudTrail answers ten event names, then the quota runs out: every retry is throttled.
    let dir = tempfile::tempdir().unwrap();
    let mut command = rds_evidence(dir.path());
    command
        .args(["collect", "--no-evaluate", "--max-attempts", "2"])
        .args(["--inject-faults", "exhaust=cloudtrail:LookupEvents:10"])
        .arg("--replay")
        .arg(fixture("real-shapes"));
    let (cut_short, output) = collect_snapshot(command, &dir.path().join("out"));
    assert_eq!(
        output.status.code(),
        Some(4),
        "written, with what is missing"
    );
    let history = cut_short.regions[0]
        .changes
        .value()
        .expect("the events read before the failure are kept");
    let complete = region().changes.value().unwrap();
    let cut = history.interrupted.as_ref().expect("marked as cut short");
    assert_eq!(cut.why.kind, rds_evidence_inventory::FailureKind::Throttled);
    // The names are asked in order: the ten answered are kept whole, the rest listed unread.
    assert!(!cut.unread.is_empty());
    assert!(
        cut.unread.windows(2).all(|w| w[0] < w[1]),
        "{:?}",
        cut.unread
    );
    let read: Vec<_> = complete
        .events
        .iter()
        .filter(|e| !cut.unread.contains(&e.event_name))
        .cloned()
        .collect();
    assert!(
        read.len() < complete.events.len(),
        "some events come after the cut"
    );
    assert_eq!(history.events, read, "the events of the names answered");
    assert_eq!(cut.after_events, read.len());
    assert!(cut_short
        .gaps()
        .iter()
        .any(|gap| gap.subject == format!("changes after the first {} events", cut.after_events)));
    // What was read proves the console change, however the history ends.
    let evaluation = evaluate(&cut_short, &Profile::builtin(), &Attestations::default());
    let console = evaluation
        .findings
        .iter()
        .find(|f| f.check == "rds.changes.not_from_console")
        .unwrap();
    assert_eq!(console.outcome, Outcome::Fail);
}
