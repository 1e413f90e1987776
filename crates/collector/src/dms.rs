//! AWS DMS: replication tasks and the engines of their endpoints (RDS-008 migration evidence).

use std::collections::BTreeMap;

use aws_sdk_databasemigration::types::{Endpoint, ReplicationTask as SdkTask};
use aws_sdk_databasemigration::Client;
use rds_evidence_inventory::activity::{MigrationEndpoint, ReplicationTask};
use rds_evidence_inventory::Unavailable;

use crate::convert::owned;
use crate::pages::drain;

/// DMS returns at most 100 records a page.
const PAGE: i32 = 100;

/// Every replication task, with the engine and host of its source and target.
pub(crate) async fn replication_tasks(
    client: &Client,
) -> Result<Vec<ReplicationTask>, Unavailable> {
    let (tasks, endpoints) = tokio::join!(
        drain(
            client
                .describe_replication_tasks()
                .without_settings(true)
                .max_records(PAGE)
                .into_paginator()
                .send(),
            "dms:DescribeReplicationTasks",
        ),
        drain(
            client
                .describe_endpoints()
                .max_records(PAGE)
                .into_paginator()
                .send(),
            "dms:DescribeEndpoints",
        ),
    );
    let endpoints: BTreeMap<&str, &Endpoint> = endpoints
        .as_deref()
        .map_err(Clone::clone)?
        .iter()
        .flat_map(|page| page.endpoints())
        .filter_map(|e| Some((e.endpoint_arn()?, e)))
        .collect();
    Ok(tasks?
        .iter()
        .flat_map(|page| page.replication_tasks())
        .map(|task| replication_task(task, &endpoints))
        .collect())
}

fn replication_task(task: &SdkTask, endpoints: &BTreeMap<&str, &Endpoint>) -> ReplicationTask {
    let endpoint = |arn: Option<&str>| {
        let arn = arn?;
        let known = endpoints.get(arn);
        Some(MigrationEndpoint {
            arn: arn.to_owned(),
            engine: known.and_then(|e| owned(e.engine_name())),
            server: known.and_then(|e| owned(e.server_name())),
        })
    };
    ReplicationTask {
        id: task
            .replication_task_identifier()
            .unwrap_or_default()
            .to_owned(),
        arn: task.replication_task_arn().unwrap_or_default().to_owned(),
        status: owned(task.status()),
        migration_type: task.migration_type().map(|m| m.as_str().to_owned()),
        source: endpoint(task.source_endpoint_arn()),
        target: endpoint(task.target_endpoint_arn()),
        last_failure: owned(task.last_failure_message()),
    }
}
