//! Change management: RDS changes made by hand in the console (REL-001).

use rds_evidence_inventory::activity::ChangeEvent;
use rds_evidence_inventory::Observed;

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&NO_CONSOLE_CHANGES];

/// Listed in a finding; the count says how many more there were.
const EXAMPLES: usize = 10;

check! {
    /// No RDS change in the change window (`collect --changes-days`, 90 by default) was made from
    /// the AWS Management Console, per region, from CloudTrail's event history.
    ///
    /// A change counts as from the console when CloudTrail marks its credentials as a console
    /// session's or its user agent is the console's. Failed calls changed nothing and are not
    /// counted. When the history was truncated (more changes than the tool pages through) and
    /// no console change was among those read, the evidence is insufficient, not a pass.
    pub static NO_CONSOLE_CHANGES = Check {
        id: "rds.changes.not_from_console",
        title: "RDS changes are not made from the console",
        rationale: "REL-001 asks that production changes are automated and not made through the \
                    AWS Management Console: CloudTrail shows who changed which database, and how.",
        remediation: "Make database changes through infrastructure as code or reviewed scripts; \
                      restrict console sessions to read-only roles in production accounts.",
        severity: Severity::Medium,
        scope: Scope::Region,
        evaluate: no_console_changes,
    };
}

fn no_console_changes(ctx: &Context) -> Vec<Finding> {
    let check = &NO_CONSOLE_CHANGES;
    ctx.snapshot
        .regions
        .iter()
        .map(|region| {
            let resource = Resource::new(Scope::Region, &region.region, &region.region);
            let history = match &region.changes {
                Observed::Value(history) => history,
                Observed::Unknown(why) => {
                    return Finding::new(
                        check,
                        resource,
                        Outcome::InsufficientEvidence,
                        format!("change history unknown: {why}"),
                    )
                }
            };
            let changes: Vec<&ChangeEvent> = history
                .events
                .iter()
                .filter(|e| e.error_code.is_none())
                .collect();
            let by_console: Vec<&ChangeEvent> =
                changes.iter().copied().filter(|e| e.from_console).collect();
            let days = history.window_days;
            let listed: Vec<String> = by_console
                .iter()
                .take(EXAMPLES)
                .map(|e| {
                    format!(
                        "{} {} on {} by {}",
                        e.event_time,
                        e.event_name,
                        if e.resources.is_empty() {
                            "?".to_owned()
                        } else {
                            e.resources.join(", ")
                        },
                        e.principal.as_deref().unwrap_or("an unknown principal")
                    )
                })
                .collect();
            let finding = if !by_console.is_empty() {
                let more = by_console.len().saturating_sub(EXAMPLES);
                let mut detail = format!(
                    "{} of {} RDS change(s) in {days} days made from the console: {}",
                    by_console.len(),
                    changes.len(),
                    listed.join("; ")
                );
                if more > 0 {
                    detail.push_str(&format!("; and {more} more"));
                }
                Finding::new(check, resource, Outcome::Fail, detail)
            } else if !history.truncated.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "no console change among the {} read, but the history of {} was \
                         longer than the tool reads",
                        changes.len(),
                        history.truncated.join(", ")
                    ),
                )
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!(
                        "{} RDS change(s) in {days} days, none from the console",
                        changes.len()
                    ),
                )
            };
            finding
                .with("changes", changes.len())
                .with("console_changes", listed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use rds_evidence_inventory::activity::ChangeHistory;

    use super::*;
    use crate::testing::*;

    fn change(name: &str, console: bool, error: Option<&str>) -> ChangeEvent {
        ChangeEvent {
            event_name: name.to_owned(),
            event_time: "2026-11-01T10:00:00Z".to_owned(),
            principal: Some("arn:aws:sts::1:assumed-role/Admin/alice".to_owned()),
            user_agent: None,
            invoked_by: None,
            from_console: console,
            resources: vec!["orders-pg".to_owned()],
            error_code: error.map(str::to_owned),
        }
    }

    fn history(events: Vec<ChangeEvent>, truncated: &[&str]) -> Observed<ChangeHistory> {
        Observed::Value(ChangeHistory {
            window_days: 90,
            events,
            truncated: truncated.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    #[test]
    fn console_changes_fail_and_are_named() {
        let mut console = region("us-east-1");
        console.changes = history(
            vec![
                change("ModifyDBInstance", true, None),
                change("CreateDBInstance", false, None),
            ],
            &[],
        );
        let mut automated = region("eu-west-1");
        automated.changes = history(
            vec![
                change("ModifyDBInstance", false, None),
                change("DeleteDBInstance", true, Some("InvalidDBInstanceState")),
            ],
            &[],
        );
        let mut quiet = region("eu-central-1");
        quiet.changes = history(Vec::new(), &[]);
        let mut truncated = region("ap-south-1");
        truncated.changes = history(
            vec![change("ModifyDBInstance", false, None)],
            &["ModifyDBInstance"],
        );
        let mut unknown = region("us-west-2");
        unknown.changes = Observed::Unknown(denied("cloudtrail:LookupEvents"));
        let findings = run(
            &NO_CONSOLE_CHANGES,
            &snapshot(vec![console, automated, quiet, truncated, unknown]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("us-east-1".into(), Outcome::Fail),
                ("eu-west-1".into(), Outcome::Pass),
                ("eu-central-1".into(), Outcome::Pass),
                ("ap-south-1".into(), Outcome::InsufficientEvidence),
                ("us-west-2".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(
            findings[0].detail.contains(
                "1 of 2 RDS change(s) in 90 days made from the console: 2026-11-01T10:00:00Z \
                 ModifyDBInstance on orders-pg by arn:aws:sts::1:assumed-role/Admin/alice"
            ),
            "{}",
            findings[0].detail
        );
        assert!(findings[1]
            .detail
            .contains("1 RDS change(s) in 90 days, none from the console"));
    }
}
