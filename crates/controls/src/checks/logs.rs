//! Database logs kept in CloudWatch Logs long enough to analyse (OPE-001, RDS-003).

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::judge_each;
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&LOG_RETENTION];

check! {
    /// Every RDS log group (`/aws/rds/…`) keeps its logs at least the profile's
    /// `min_log_retention_days`; a group whose logs never expire passes.
    ///
    /// That log exports are enabled at all is `rds.database.log_exports`; this check judges what
    /// happens to the exported logs.
    pub static LOG_RETENTION = Check {
        id: "logs.rds.retention",
        title: "Exported database logs are retained long enough",
        rationale: "Logs help to investigate security events and failures only while they exist: a \
                    log group with a short retention deletes the evidence before anyone looks.",
        remediation: "Set the log group's retention to the policy's period (aws logs \
                      put-retention-policy --retention-in-days 365), or archive logs elsewhere.",
        severity: Severity::Low,
        scope: Scope::LogGroup,
        evaluate: log_retention,
    };
}

fn log_retention(ctx: &Context) -> Vec<Finding> {
    let check = &LOG_RETENTION;
    let minimum = ctx.thresholds.min_log_retention_days;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.log_groups,
        |region, group| {
            let resource = Resource::new(Scope::LogGroup, &region.region, &group.name);
            let (outcome, detail) = match group.retention_days {
                None => (Outcome::Pass, "logs never expire".to_owned()),
                Some(days) if days >= minimum => (Outcome::Pass, format!("logs kept {days} days")),
                Some(days) => (
                    Outcome::Fail,
                    format!("logs kept {days} days, fewer than {minimum}"),
                ),
            };
            Some(
                Finding::new(check, resource, outcome, detail)
                    .with("retention_days", group.retention_days)
                    .with("encrypted_with_kms", group.kms_key_id.is_some()),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use rds_evidence_inventory::activity::LogGroup;
    use rds_evidence_inventory::Observed;

    use super::*;
    use crate::testing::*;

    fn group(name: &str, retention_days: Option<i32>) -> LogGroup {
        LogGroup {
            name: name.to_owned(),
            retention_days,
            kms_key_id: None,
            stored_bytes: Some(1024),
        }
    }

    #[test]
    fn short_retention_fails_never_expiring_passes() {
        let mut east = region("us-east-1");
        east.log_groups = Observed::Value(vec![
            group("/aws/rds/instance/orders/postgresql", Some(7)),
            group("/aws/rds/instance/orders/upgrade", None),
            group("/aws/rds/cluster/ledger/audit", Some(400)),
        ]);
        let mut west = region("eu-west-1");
        west.log_groups = Observed::Unknown(denied("logs:DescribeLogGroups"));
        let findings = run(&LOG_RETENTION, &snapshot(vec![east, west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("/aws/rds/instance/orders/postgresql".into(), Outcome::Fail),
                ("/aws/rds/instance/orders/upgrade".into(), Outcome::Pass),
                ("/aws/rds/cluster/ledger/audit".into(), Outcome::Pass),
                ("eu-west-1".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(findings[0].detail, "logs kept 7 days, fewer than 365");
    }
}
