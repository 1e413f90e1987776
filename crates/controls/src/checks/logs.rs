//! Database logs kept in CloudWatch Logs long enough to analyse (OPE-001, RDS-003), and
//! analysed for security events by GuardDuty RDS Protection (RDS-003).

use rds_evidence_inventory::Observed;

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::judge_each;
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&LOG_RETENTION, &RDS_PROTECTION];

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

/// GuardDuty's feature that watches RDS login activity (RDS Protection).
const RDS_LOGIN_EVENTS: &str = "RDS_LOGIN_EVENTS";

check! {
    /// GuardDuty RDS Protection analyses the databases' login activity, in every region with
    /// databases.
    ///
    /// Passes when the region's GuardDuty detector is `ENABLED` and its `RDS_LOGIN_EVENTS`
    /// feature is `ENABLED` (`guardduty:ListDetectors`, `GetDetector`); fails without a detector,
    /// with a disabled one, or with the feature off. Detectors that could not be read are
    /// insufficient evidence. Regions known to hold no database are not judged. Reported beside
    /// the log exports as the analysis of security events the checklist asks about.
    pub static RDS_PROTECTION = Check {
        id: "guardduty.region.rds_protection",
        title: "GuardDuty RDS Protection monitors login activity",
        rationale: "RDS-003 asks how log files are captured and analysed for security events: \
                    GuardDuty RDS Protection profiles the databases' login activity and reports \
                    anomalous logins (brute force, access from unusual places), which exported \
                    logs alone do not.",
        remediation: "Enable GuardDuty in the region and its RDS Protection feature \
                      (aws guardduty update-detector --features Name=RDS_LOGIN_EVENTS,Status=ENABLED), \
                      or for the whole organization from the delegated administrator.",
        severity: Severity::Medium,
        scope: Scope::Region,
        evaluate: rds_protection,
    };
}

fn rds_protection(ctx: &Context) -> Vec<Finding> {
    let check = &RDS_PROTECTION;
    ctx.snapshot
        .regions
        .iter()
        .filter(|region| {
            !(matches!(&region.db_instances, Observed::Value(i) if i.is_empty())
                && matches!(&region.db_clusters, Observed::Value(c) if c.is_empty()))
        })
        .map(|region| {
            let resource = Resource::new(Scope::Region, &region.region, &region.region);
            let detectors = match &region.guardduty {
                Observed::Value(detectors) => detectors,
                Observed::Unknown(why) => {
                    return Finding::new(
                        check,
                        resource,
                        Outcome::InsufficientEvidence,
                        format!("GuardDuty unknown: {why}"),
                    )
                }
            };
            let Some(detector) = detectors.first() else {
                return Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    "GuardDuty is not enabled in the region",
                );
            };
            let feature = detector.features.get(RDS_LOGIN_EVENTS).map(String::as_str);
            let (outcome, detail) = match (detector.status.as_deref(), feature) {
                (Some("ENABLED"), Some("ENABLED")) => (
                    Outcome::Pass,
                    format!(
                        "GuardDuty detector {} has RDS Protection (login activity) enabled",
                        detector.id
                    ),
                ),
                (Some("ENABLED"), other) => (
                    Outcome::Fail,
                    format!(
                        "GuardDuty detector {} has RDS Protection {}",
                        detector.id,
                        other.map_or("not configured".to_owned(), |s| s.to_ascii_lowercase())
                    ),
                ),
                (status, _) => (
                    Outcome::Fail,
                    format!(
                        "GuardDuty detector {} is {}",
                        detector.id,
                        status.unwrap_or("of no reported status")
                    ),
                ),
            };
            Finding::new(check, resource, outcome, detail)
                .with("detector", &detector.id)
                .with("rds_login_events", feature)
        })
        .collect()
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

    /// GetDetector's status and features (GuardDuty API Reference), per region with databases.
    #[test]
    fn rds_protection_per_region_with_databases() {
        use rds_evidence_inventory::services::GuardDutyDetector;
        let detector = |status: &str, rds: Option<&str>| GuardDutyDetector {
            id: "12abc34d567e8fa901bc2d34e56789f0".into(),
            status: Some(status.into()),
            features: rds
                .map(|s| (RDS_LOGIN_EVENTS.to_owned(), s.to_owned()))
                .into_iter()
                .collect(),
        };
        let with = |name: &str, detectors: Observed<Vec<GuardDutyDetector>>| {
            let mut r = region(name);
            r.db_instances = Observed::Value(vec![instance("db")]);
            r.guardduty = detectors;
            r
        };
        let findings = run(
            &RDS_PROTECTION,
            &snapshot(vec![
                with(
                    "us-east-1",
                    Observed::Value(vec![detector("ENABLED", Some("ENABLED"))]),
                ),
                with(
                    "us-east-2",
                    Observed::Value(vec![detector("ENABLED", Some("DISABLED"))]),
                ),
                with(
                    "us-west-1",
                    Observed::Value(vec![detector("DISABLED", Some("ENABLED"))]),
                ),
                with("us-west-2", Observed::Value(Vec::new())),
                with(
                    "eu-west-1",
                    Observed::Unknown(denied("guardduty:ListDetectors")),
                ),
                region("eu-central-1"),
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("us-east-1".into(), Outcome::Pass),
                ("us-east-2".into(), Outcome::Fail),
                ("us-west-1".into(), Outcome::Fail),
                ("us-west-2".into(), Outcome::Fail),
                ("eu-west-1".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[1].detail,
            "GuardDuty detector 12abc34d567e8fa901bc2d34e56789f0 has RDS Protection disabled"
        );
        assert_eq!(findings[3].detail, "GuardDuty is not enabled in the region");
    }
}
