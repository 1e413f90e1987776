//! Change management: changes around the databases made by hand in the console (REL-001),
//! and failover drills (RDS-005).

use std::collections::BTreeSet;

use rds_evidence_inventory::activity::{
    ChangeEvent, ChangeHistory, RdsEvent, FAILOVER_CALLS, KEY_POLICY_CHANGES,
    SECURITY_GROUP_CHANGES,
};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::each_database;
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&NO_CONSOLE_CHANGES, &FAILOVER_TESTED];

/// Listed in a finding; the count says how many more there were.
const EXAMPLES: usize = 10;

check! {
    /// No change around the databases in the change window (`collect --changes-days`, 90 by
    /// default) was made from the AWS Management Console, per region, from CloudTrail's event
    /// history.
    ///
    /// The changes a validator asks about: RDS changes to databases, their parameter and option
    /// groups and snapshots; changes to the rules of the databases' security groups; changes to
    /// the policies of the databases' KMS keys. Each is asked for by event name, one request
    /// per name. A change counts as from the console when CloudTrail marks its credentials as
    /// a console session's or its user agent is the console's. Failed calls changed nothing and
    /// are not counted; failover drills (`FailoverDBCluster`, `RebootDBInstance`) are not
    /// changes. A security group or key policy change counts when CloudTrail names, among its
    /// resources, a security group of a database or a key the databases use (by ARN or id).
    /// When the history was truncated (more changes than the tool pages through) or
    /// interrupted (a lookup failed part-way), or a console change to a security group or key
    /// policy cannot be tied to a database or not (the databases could not be listed, or
    /// CloudTrail names no resource), and no console change was found, the evidence is
    /// insufficient, not a pass.
    pub static NO_CONSOLE_CHANGES = Check {
        id: "rds.changes.not_from_console",
        title: "Changes around the databases are not made from the console",
        rationale: "REL-001 asks that production changes are automated and not made through the \
                    AWS Management Console: CloudTrail shows who changed which database, its \
                    network rules or its keys, and how.",
        remediation: "Make database, security group and key policy changes through \
                      infrastructure as code or reviewed scripts; restrict console sessions to \
                      read-only roles in production accounts.",
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
            let around = Around::of(region);
            let mut changes = Vec::new();
            let mut undecided = Vec::new();
            for event in history.events.iter().filter(|e| e.error_code.is_none()) {
                match around.concerns(event) {
                    Some(true) => changes.push(event),
                    Some(false) => {}
                    None if event.from_console => undecided.push(describe(event)),
                    None => {}
                }
            }
            let by_console: Vec<&ChangeEvent> =
                changes.iter().copied().filter(|e| e.from_console).collect();
            let days = history.window_days;
            let listed: Vec<String> = by_console
                .iter()
                .take(EXAMPLES)
                .map(|e| describe(e))
                .collect();
            let truncated: Vec<&str> = history
                .truncated
                .iter()
                .map(String::as_str)
                .filter(|name| !FAILOVER_CALLS.contains(name))
                .collect();
            let finding = if !by_console.is_empty() {
                let more = by_console.len().saturating_sub(EXAMPLES);
                let mut detail = format!(
                    "{} of {} change(s) around the databases in {days} days made from the \
                     console: {}",
                    by_console.len(),
                    changes.len(),
                    listed.join("; ")
                );
                if more > 0 {
                    detail.push_str(&format!("; and {more} more"));
                }
                Finding::new(check, resource, Outcome::Fail, detail)
            } else if let Some(cut) = history.interrupted.as_ref().filter(|cut| {
                cut.unread
                    .iter()
                    .any(|n| !FAILOVER_CALLS.contains(&n.as_str()))
            }) {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "no console change among the {} read, but the history stops short: \
                         after {} events, at {}, {} ({} not read to its end)",
                        changes.len(),
                        cut.after_events,
                        cut.at,
                        cut.why,
                        cut.unread.join(", ")
                    ),
                )
            } else if !truncated.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "no console change among the {} read, but the history of {} was \
                         longer than the tool reads",
                        changes.len(),
                        truncated.join(", ")
                    ),
                )
            } else if !undecided.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "console changes to security groups or key policies that cannot be tied \
                         to a database or not: {}",
                        undecided.join("; ")
                    ),
                )
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!(
                        "{} change(s) around the databases in {days} days, none from the console",
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

fn describe(event: &ChangeEvent) -> String {
    format!(
        "{} {} on {} by {}",
        event.event_time,
        event.event_name,
        if event.resources.is_empty() {
            "?".to_owned()
        } else {
            event.resources.join(", ")
        },
        event.principal.as_deref().unwrap_or("an unknown principal")
    )
}

/// What is around a region's databases: their security groups and their keys; `None` when
/// the databases could not be listed, so which groups and keys are theirs is unknown.
struct Around<'a>(Option<Owned<'a>>);

struct Owned<'a> {
    security_groups: BTreeSet<&'a str>,
    /// Each key by its ARN and its id: CloudTrail names a key either way.
    keys: BTreeSet<&'a str>,
}

impl<'a> Around<'a> {
    fn of(region: &'a RegionSnapshot) -> Around<'a> {
        let (Observed::Value(instances), Observed::Value(clusters)) =
            (&region.db_instances, &region.db_clusters)
        else {
            return Around(None);
        };
        let security_groups = instances
            .iter()
            .flat_map(|i| &i.vpc_security_groups)
            .chain(clusters.iter().flat_map(|c| &c.vpc_security_groups))
            .map(String::as_str)
            .collect();
        let keys = region
            .kms_keys
            .iter()
            .flat_map(|k| {
                let id = match &k.metadata {
                    Observed::Value(m) => m.key_id.as_str(),
                    Observed::Unknown(_) => last_segment(&k.arn),
                };
                [k.arn.as_str(), id]
            })
            .collect();
        Around(Some(Owned {
            security_groups,
            keys,
        }))
    }

    /// Whether an event changed something of the databases; `None` when that is unknown.
    fn concerns(&self, event: &ChangeEvent) -> Option<bool> {
        let name = event.event_name.as_str();
        if FAILOVER_CALLS.contains(&name) {
            Some(false)
        } else if SECURITY_GROUP_CHANGES.contains(&name) {
            names_any(event, &self.0.as_ref()?.security_groups)
        } else if KEY_POLICY_CHANGES.contains(&name) {
            names_any(event, &self.0.as_ref()?.keys)
        } else {
            Some(true)
        }
    }
}

/// Whether CloudTrail names one of `these` among the event's resources; `None` when it names
/// no resource at all.
fn names_any(event: &ChangeEvent, these: &BTreeSet<&str>) -> Option<bool> {
    if event.resources.is_empty() {
        return None;
    }
    Some(
        event
            .resources
            .iter()
            .any(|r| these.contains(r.as_str()) || these.contains(last_segment(r))),
    )
}

/// A key id from a key ARN (`…:key/<id>`); anything else unchanged.
fn last_segment(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

check! {
    /// Evidence that each database's failover was exercised: observations beside the attested
    /// acceptance test.
    ///
    /// From CloudTrail, in the change window: a successful `FailoverDBCluster` of the cluster,
    /// or `RebootDBInstance` of the instance with `ForceFailover`. From RDS, in the last 14 days
    /// (all RDS keeps): events of the `failover` category for the instance or cluster. Either
    /// is reported with its dates; neither is reported too, as an observation (a test may
    /// predate both windows). When neither source could be read, or one could not (or
    /// CloudTrail's history of the drill was longer than the tool reads) and the other shows
    /// nothing, the evidence is insufficient. Members and read replicas are judged
    /// through their cluster or source.
    pub static FAILOVER_TESTED = Check {
        id: "rds.database.failover_tested",
        title: "Failover of the database was exercised",
        rationale: "RDS-005 asks for the customer's acceptance testing of the deployment: a \
                    failover drill in CloudTrail or RDS's own failover events show the \
                    standby or reader took over, beside the partner's test report.",
        remediation: "Exercise failover in a maintenance window (reboot with failover, or fail \
                      over the cluster) and record the test; keep the CloudTrail history and \
                      the RDS events as evidence.",
        severity: Severity::Info,
        scope: Scope::DbInstance,
        evaluate: failover_tested,
    };
}

fn failover_tested(ctx: &Context) -> Vec<Finding> {
    let check = &FAILOVER_TESTED;
    each_database(
        check,
        ctx,
        "a replica is promoted, not failed over",
        |region, db| {
            let id = db.dimension.1;
            let cluster = db.resource.kind == Scope::DbCluster;
            let mut seen = Vec::new();
            let mut unknown = Vec::new();
            match &region.changes {
                Observed::Value(history) => {
                    seen.extend(drills(history, id, cluster));
                    let drill = drill_name(cluster);
                    if history.truncated.iter().any(|name| name == drill) {
                        unknown.push(format!(
                            "the CloudTrail history of {drill} was longer than the tool reads"
                        ));
                    }
                    if let Some(cut) = history
                        .interrupted
                        .as_ref()
                        .filter(|cut| cut.unread.iter().any(|name| name == drill))
                    {
                        unknown.push(format!(
                            "the CloudTrail history stops short of {drill}: {}",
                            cut.why
                        ));
                    }
                }
                Observed::Unknown(why) => unknown.push(why.to_string()),
            }
            match &region.failover_events {
                Observed::Value(events) => seen.extend(
                    events
                        .iter()
                        .filter(|e| failover_of(e, id, cluster))
                        .map(|e| {
                            format!(
                                "{} RDS event: {}",
                                e.date.as_deref().unwrap_or("undated"),
                                e.message.as_deref().unwrap_or("failover")
                            )
                        }),
                ),
                Observed::Unknown(why) => unknown.push(why.to_string()),
            }
            let window = match &region.changes {
                Observed::Value(history) => format!("{} days of CloudTrail", history.window_days),
                Observed::Unknown(_) => "CloudTrail".to_owned(),
            };
            if !seen.is_empty() {
                Finding::new(
                    check,
                    db.resource,
                    Outcome::Observation,
                    format!("failover exercised: {}", seen.join("; ")),
                )
                .with("failovers", seen)
            } else if !unknown.is_empty() {
                Finding::new(
                    check,
                    db.resource,
                    Outcome::InsufficientEvidence,
                    unknown.join("; "),
                )
            } else {
                Finding::new(
                    check,
                    db.resource,
                    Outcome::Observation,
                    format!("no failover in {window} or 14 days of RDS events"),
                )
            }
        },
    )
}

/// The call that drills a cluster's or an instance's failover.
fn drill_name(cluster: bool) -> &'static str {
    if cluster {
        "FailoverDBCluster"
    } else {
        "RebootDBInstance"
    }
}

/// Failover drills of `id` CloudTrail recorded.
fn drills(history: &ChangeHistory, id: &str, cluster: bool) -> Vec<String> {
    let drill = drill_name(cluster);
    history
        .events
        .iter()
        .filter(|e| e.event_name == drill && e.error_code.is_none())
        .filter(|e| cluster || e.force_failover == Some(true))
        .filter(|e| {
            e.resources
                .iter()
                .any(|r| r == id || r.rsplit(':').next() == Some(id))
        })
        .map(|e| {
            format!(
                "{} {drill}{} by {}",
                e.event_time,
                if cluster { "" } else { " with ForceFailover" },
                e.principal.as_deref().unwrap_or("an unknown principal")
            )
        })
        .collect()
}

fn failover_of(event: &RdsEvent, id: &str, cluster: bool) -> bool {
    let source_type = if cluster { "db-cluster" } else { "db-instance" };
    event.source_id == id
        && event.source_type.as_deref() == Some(source_type)
        && event.categories.iter().any(|c| c == "failover")
}

#[cfg(test)]
mod tests {
    use rds_evidence_inventory::activity::{ChangeHistory, Interruption};

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
            force_failover: None,
        }
    }

    fn history(events: Vec<ChangeEvent>, truncated: &[&str]) -> Observed<ChangeHistory> {
        Observed::Value(ChangeHistory {
            window_days: 90,
            events,
            truncated: truncated.iter().map(|s| (*s).to_owned()).collect(),
            interrupted: None,
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
        let mut interrupted = region("ca-central-1");
        interrupted.changes = history(vec![change("ModifyDBInstance", false, None)], &[]);
        let mut interrupted_by_console = region("sa-east-1");
        interrupted_by_console.changes = history(vec![change("ModifyDBInstance", true, None)], &[]);
        for region in [&mut interrupted, &mut interrupted_by_console] {
            if let Observed::Value(history) = &mut region.changes {
                history.interrupted = Some(Interruption {
                    after_events: 1,
                    at: "2026-12-01T10:00:00Z".into(),
                    unread: vec![
                        "ModifyDBParameterGroup".into(),
                        "RestoreDBInstanceToPointInTime".into(),
                    ],
                    why: rds_evidence_inventory::Unavailable {
                        action: "cloudtrail:LookupEvents".into(),
                        kind: rds_evidence_inventory::FailureKind::Throttled,
                        message: "Rate exceeded".into(),
                    },
                });
            }
        }
        let findings = run(
            &NO_CONSOLE_CHANGES,
            &snapshot(vec![
                console,
                automated,
                quiet,
                truncated,
                unknown,
                interrupted,
                interrupted_by_console,
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("us-east-1".into(), Outcome::Fail),
                ("eu-west-1".into(), Outcome::Pass),
                ("eu-central-1".into(), Outcome::Pass),
                ("ap-south-1".into(), Outcome::InsufficientEvidence),
                ("us-west-2".into(), Outcome::InsufficientEvidence),
                ("ca-central-1".into(), Outcome::InsufficientEvidence),
                // What was read proves a console change, however the history ends.
                ("sa-east-1".into(), Outcome::Fail),
            ]
        );
        assert!(
            findings[5]
                .detail
                .contains("after 1 events, at 2026-12-01T10:00:00Z"),
            "{}",
            findings[5].detail
        );
        assert!(
            findings[0].detail.contains(
                "1 of 2 change(s) around the databases in 90 days made from the console: \
                 2026-11-01T10:00:00Z ModifyDBInstance on orders-pg by \
                 arn:aws:sts::1:assumed-role/Admin/alice"
            ),
            "{}",
            findings[0].detail
        );
        assert!(findings[1]
            .detail
            .contains("1 change(s) around the databases in 90 days, none from the console"));
    }

    /// LookupEvents' Event for EC2 and KMS changes: Resources name the security group id or
    /// the key ARN.
    #[test]
    fn console_changes_to_database_security_groups_and_keys_count() {
        let on = |name: &str, resource: &str| ChangeEvent {
            resources: vec![resource.to_owned()],
            ..change(name, true, None)
        };
        let judge = |events: Vec<ChangeEvent>| {
            let mut s = networked(vec![instance("orders-pg")]);
            s.regions[0].kms_keys = vec![kms_key("prod")];
            s.regions[0].changes = history(events, &[]);
            run(&NO_CONSOLE_CHANGES, &s)
        };
        let findings = judge(vec![on("AuthorizeSecurityGroupIngress", "sg-db")]);
        assert_eq!(findings[0].outcome, Outcome::Fail);
        assert!(findings[0]
            .detail
            .contains("AuthorizeSecurityGroupIngress on sg-db"));
        assert_eq!(
            judge(vec![on("PutKeyPolicy", &key_arn("prod"))])[0].outcome,
            Outcome::Fail
        );
        assert_eq!(
            judge(vec![on("PutKeyPolicy", "prod")])[0].outcome,
            Outcome::Fail,
            "CloudTrail may name the key by its id"
        );
        // A console change CloudTrail names no resource of: whose it was is unknown.
        let unnamed = ChangeEvent {
            resources: Vec::new(),
            ..change("ModifySecurityGroupRules", true, None)
        };
        let findings = judge(vec![unnamed]);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(
            findings[0].detail.contains("ModifySecurityGroupRules on ?"),
            "{}",
            findings[0].detail
        );
        // Another team's group and key, and a failover drill: not changes around the databases.
        let findings = judge(vec![
            on("AuthorizeSecurityGroupIngress", "sg-web"),
            on("PutKeyPolicy", &key_arn("lambda")),
            on("RebootDBInstance", "orders-pg"),
        ]);
        assert_eq!(findings[0].outcome, Outcome::Pass, "{}", findings[0].detail);
        assert!(findings[0]
            .detail
            .starts_with("0 change(s) around the databases"));

        // The databases could not be listed: which group is theirs is unknown.
        let mut s = networked(vec![instance("orders-pg")]);
        s.regions[0].db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        s.regions[0].changes = history(vec![on("RevokeSecurityGroupIngress", "sg-db")], &[]);
        let findings = run(&NO_CONSOLE_CHANGES, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        // A truncated history of failover drills says nothing about console changes.
        let mut s = networked(vec![instance("orders-pg")]);
        s.regions[0].changes = history(Vec::new(), &["RebootDBInstance"]);
        assert_eq!(run(&NO_CONSOLE_CHANGES, &s)[0].outcome, Outcome::Pass);
    }

    #[test]
    fn failover_drills_and_events_are_observed() {
        let drill = |name: &str, resource: &str, forced: Option<bool>| ChangeEvent {
            resources: vec![resource.to_owned()],
            force_failover: forced,
            event_time: "2026-01-05T03:00:00Z".to_owned(),
            ..change(name, false, None)
        };
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            instance("forced"),
            instance("plain-reboot"),
            instance("event-only"),
            member_of("aurora-1", "aurora", "us-east-1a"),
        ]);
        east.db_clusters = Observed::Value(vec![cluster("aurora")]);
        east.changes = history(
            vec![
                drill("RebootDBInstance", "forced", Some(true)),
                drill("RebootDBInstance", "plain-reboot", Some(false)),
                drill("FailoverDBCluster", "aurora", None),
            ],
            &[],
        );
        east.failover_events = Observed::Value(vec![RdsEvent {
            source_id: "event-only".into(),
            source_type: Some("db-instance".into()),
            date: Some("2026-01-10T08:00:00Z".into()),
            message: Some("Multi-AZ instance failover completed.".into()),
            categories: vec!["failover".into()],
        }]);
        let mut blind = region("eu-west-1");
        blind.db_instances = Observed::Value(vec![instance("dr"), instance("busy")]);
        blind.failover_events = Observed::Unknown(denied("rds:DescribeEvents"));
        blind.changes = history(
            vec![drill("RebootDBInstance", "busy", Some(true))],
            &["RebootDBInstance"],
        );
        let mut truncated = region("eu-central-1");
        truncated.db_instances = Observed::Value(vec![instance("quiet")]);
        truncated.changes = history(Vec::new(), &["RebootDBInstance"]);
        let findings = run(&FAILOVER_TESTED, &snapshot(vec![east, blind, truncated]));
        assert_eq!(
            outcomes(&findings),
            [
                ("forced".into(), Outcome::Observation),
                ("plain-reboot".into(), Outcome::Observation),
                ("event-only".into(), Outcome::Observation),
                ("aurora-1".into(), Outcome::NotApplicable),
                ("dr".into(), Outcome::InsufficientEvidence),
                ("busy".into(), Outcome::Observation),
                ("quiet".into(), Outcome::InsufficientEvidence),
                ("aurora".into(), Outcome::Observation),
            ]
        );
        assert!(
            findings[6]
                .detail
                .contains("history of RebootDBInstance was longer than the tool reads"),
            "{}",
            findings[6].detail
        );
        assert!(findings[0]
            .detail
            .contains("2026-01-05T03:00:00Z RebootDBInstance with ForceFailover by"));
        assert_eq!(
            findings[1].detail,
            "no failover in 90 days of CloudTrail or 14 days of RDS events"
        );
        assert_eq!(
            findings[2].detail,
            "failover exercised: 2026-01-10T08:00:00Z RDS event: Multi-AZ instance failover completed."
        );
        assert!(findings[7].detail.contains("FailoverDBCluster by"));
    }
}
