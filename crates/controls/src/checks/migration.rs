//! Migrations into RDS that AWS DMS ran or runs (RDS-008).

use rds_evidence_inventory::activity::MigrationEndpoint;

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::judge_each;
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&DMS_MIGRATIONS];

check! {
    /// Each DMS replication task: its source and target engines, type and status, and the
    /// database it writes to when its target is one of the account's RDS endpoints.
    ///
    /// A task that writes into one of the account's databases and has not failed passes: it shows
    /// a migration to Amazon RDS (RDS-005's fourth use case). A failed task fails. Every other
    /// task (still being created, never started, writing elsewhere) is an observation. RDS-008's
    /// decision matrix, assessment and cutover plans remain the partner's documents; a migration
    /// finished and cleaned up leaves no task, which is why RDS-005 lets a document prove it.
    pub static DMS_MIGRATIONS = Check {
        id: "dms.migration.tasks",
        title: "Database migrations run with AWS DMS",
        rationale: "RDS-008 asks for the source and target of a migration project: DMS tasks in \
                    the account show them, and whether the migration is still replicating.",
        remediation: "No change is required: cite the tasks beside the migration plan.",
        severity: Severity::Info,
        scope: Scope::MigrationTask,
        evaluate: dms_migrations,
    };
}

fn dms_migrations(ctx: &Context) -> Vec<Finding> {
    let check = &DMS_MIGRATIONS;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.replication_tasks,
        |region, task| {
            let resource = Resource::new(Scope::MigrationTask, &region.region, &task.id);
            let into_database = task.target.as_ref().and_then(|target| {
                let server = target.server.as_deref()?;
                region
                    .db_instances
                    .value()?
                    .iter()
                    .find(|i| i.endpoint.as_ref().is_some_and(|e| e.address == server))
                    .map(|i| i.identifier.clone())
                    .or_else(|| {
                        region.db_clusters.value()?.iter().find_map(|c| {
                            (c.endpoint.as_deref() == Some(server)).then(|| c.identifier.clone())
                        })
                    })
            });
            let engine = |endpoint: &Option<MigrationEndpoint>| {
                endpoint
                    .as_ref()
                    .and_then(|e| e.engine.clone())
                    .unwrap_or_else(|| "unknown engine".to_owned())
            };
            let mut detail = format!(
                "{} → {}, {}, {}",
                engine(&task.source),
                engine(&task.target),
                task.migration_type.as_deref().unwrap_or("unknown type"),
                task.status.as_deref().unwrap_or("unknown status"),
            );
            if let Some(database) = &into_database {
                detail.push_str(&format!(", into {database}"));
            }
            let status = task.status.as_deref().unwrap_or_default();
            let outcome = match (status, &into_database) {
                ("failed" | "failed-move", _) => {
                    if let Some(why) = &task.last_failure {
                        detail.push_str(&format!(": {why}"));
                    }
                    Outcome::Fail
                }
                ("running" | "stopped" | "stopping" | "starting", Some(_)) => Outcome::Pass,
                _ => Outcome::Observation,
            };
            Some(
                Finding::new(check, resource, outcome, detail)
                    .with("target_database", into_database),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use rds_evidence_inventory::activity::ReplicationTask;
    use rds_evidence_inventory::rds::Endpoint;
    use rds_evidence_inventory::Observed;

    use super::*;
    use crate::testing::*;

    /// A DescribeReplicationTasks entry from Oracle on premises into `server`.
    fn task(id: &str, status: &str, server: &str) -> ReplicationTask {
        ReplicationTask {
            id: id.to_owned(),
            arn: format!("arn:aws:dms:us-east-1:1:task:{id}"),
            status: Some(status.to_owned()),
            migration_type: Some("full-load-and-cdc".to_owned()),
            source: Some(MigrationEndpoint {
                arn: "arn:aws:dms:us-east-1:1:endpoint:S".to_owned(),
                engine: Some("oracle".to_owned()),
                server: Some("onprem.example.internal".to_owned()),
            }),
            target: Some(MigrationEndpoint {
                arn: "arn:aws:dms:us-east-1:1:endpoint:T".to_owned(),
                engine: Some("postgres".to_owned()),
                server: Some(server.to_owned()),
            }),
            last_failure: (status == "failed").then(|| "ORA-01017: invalid username".to_owned()),
        }
    }

    const ORDERS: &str = "orders.abc.us-east-1.rds.amazonaws.com";

    #[test]
    fn a_task_into_an_rds_instance_names_it_and_shows_a_migration() {
        let mut target = instance("orders");
        target.endpoint = Some(Endpoint {
            address: ORDERS.to_owned(),
            port: Some(5432),
        });
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![target]);
        east.replication_tasks = Observed::Value(vec![
            task("orders-cutover", "running", ORDERS),
            task("orders-retry", "failed", ORDERS),
            task("orders-next", "ready", ORDERS),
            task("elsewhere", "running", "warehouse.example.internal"),
        ]);
        let mut west = region("eu-west-1");
        west.replication_tasks = Observed::Unknown(denied("dms:DescribeReplicationTasks"));
        let findings = run(&DMS_MIGRATIONS, &snapshot(vec![east, west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("orders-cutover".into(), Outcome::Pass),
                ("orders-retry".into(), Outcome::Fail),
                ("orders-next".into(), Outcome::Observation),
                ("elsewhere".into(), Outcome::Observation),
                ("eu-west-1".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "oracle → postgres, full-load-and-cdc, running, into orders"
        );
        assert!(findings[1]
            .detail
            .ends_with(": ORA-01017: invalid username"));
    }
}
