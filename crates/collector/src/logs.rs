//! CloudWatch Logs: the log groups RDS exports database logs to (`/aws/rds/…`), with their
//! retention and encryption (OPE-001/002: logs kept, and kept long enough).

use aws_sdk_cloudwatchlogs::Client;
use rds_evidence_inventory::activity::LogGroup;
use rds_evidence_inventory::Unavailable;

use crate::convert::owned;
use crate::pages::drain;

const RDS_LOG_PREFIX: &str = "/aws/rds/";
/// DescribeLogGroups returns at most 50 groups a page.
const PAGE: i32 = 50;

pub(crate) async fn rds_log_groups(client: &Client) -> Result<Vec<LogGroup>, Unavailable> {
    let groups = drain(
        client
            .describe_log_groups()
            .log_group_name_prefix(RDS_LOG_PREFIX)
            .limit(PAGE)
            .into_paginator()
            .items()
            .send(),
        "logs:DescribeLogGroups",
    )
    .await?;
    Ok(groups
        .iter()
        .map(|g| LogGroup {
            name: g.log_group_name().unwrap_or_default().to_owned(),
            retention_days: g.retention_in_days(),
            kms_key_id: owned(g.kms_key_id()),
            stored_bytes: g.stored_bytes(),
        })
        .collect())
}
