//! Migrations into RDS that AWS DMS ran or runs (RDS-008).

use rds_evidence_inventory::activity::MigrationEndpoint;

use crate::check::{Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::judge_each;
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&DMS_MIGRATIONS];

/// Each DMS replication task: its source and target engines, type and status, and the
/// database it writes to when its target is one of the account's RDS endpoints. Facts only:
/// RDS-008's decision matrix, assessment and cutover plans are the partner's documents.
pub static DMS_MIGRATIONS: Check = Check {
    id: "dms.migration.tasks",
    title: "Database migrations run with AWS DMS",
    rationale: "RDS-008 asks for the source and target of a migration project: DMS tasks in \
                the account show them, and whether the migration is still replicating.",
    remediation: "No change is required: cite the tasks beside the migration plan.",
    severity: Severity::Info,
    scope: Scope::MigrationTask,
    evaluate: dms_migrations,
};

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
            Some(
                Finding::new(check, resource, Outcome::Observation, detail)
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

    #[test]
    fn a_task_into_an_rds_instance_names_it() {
        let mut target = instance("orders");
        target.endpoint = Some(Endpoint {
            address: "orders.abc.us-east-1.rds.amazonaws.com".to_owned(),
            port: Some(5432),
        });
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![target]);
        east.replication_tasks = Observed::Value(vec![ReplicationTask {
            id: "orders-cutover".to_owned(),
            arn: "arn:aws:dms:us-east-1:1:task:X".to_owned(),
            status: Some("running".to_owned()),
            migration_type: Some("full-load-and-cdc".to_owned()),
            source: Some(MigrationEndpoint {
                arn: "arn:aws:dms:us-east-1:1:endpoint:S".to_owned(),
                engine: Some("oracle".to_owned()),
                server: Some("onprem.example.internal".to_owned()),
            }),
            target: Some(MigrationEndpoint {
                arn: "arn:aws:dms:us-east-1:1:endpoint:T".to_owned(),
                engine: Some("postgres".to_owned()),
                server: Some("orders.abc.us-east-1.rds.amazonaws.com".to_owned()),
            }),
            last_failure: None,
        }]);
        let mut west = region("eu-west-1");
        west.replication_tasks = Observed::Unknown(denied("dms:DescribeReplicationTasks"));
        let findings = run(&DMS_MIGRATIONS, &snapshot(vec![east, west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("orders-cutover".into(), Outcome::Observation),
                ("eu-west-1".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "oracle → postgres, full-load-and-cdc, running, into orders"
        );
    }
}
