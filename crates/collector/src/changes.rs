//! Changes around the databases CloudTrail recorded over the change window (REL-001: were
//! changes made through infrastructure as code, or by hand in the console?), and the failover
//! drills (RDS-005: was failover exercised?).
//!
//! `LookupEvents` filters by one attribute only and is limited to two requests a second per
//! account and region (the HTTP layer paces it: `http::PACED`). Asking by event source would
//! page through every read call monitoring tools make; asking by each change's event name
//! reads only changes, at a known cost. Pages are kept as they arrive: a lookup that fails
//! after others answered ends the history there, marked as interrupted, not discarded.

use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use aws_sdk_cloudtrail::Client;
use aws_smithy_types::DateTime;
use rds_evidence_inventory::activity::{
    ChangeEvent, ChangeHistory, Interruption, FAILOVER_CALLS, KEY_POLICY_CHANGES,
    SECURITY_GROUP_CHANGES,
};
use rds_evidence_inventory::{FailureKind, Unavailable};
use serde_json::Value;

use crate::cloudwatch::Window;
use crate::convert::{now, owned, time};
use crate::failure::unavailable;

/// The RDS calls that change a database, its recovery or its configuration (parameter and
/// option groups included).
pub(crate) const RDS_CHANGES: &[&str] = &[
    "CreateDBCluster",
    "CreateDBInstance",
    "CreateDBInstanceReadReplica",
    "DeleteDBCluster",
    "DeleteDBInstance",
    "ModifyDBCluster",
    "ModifyDBClusterParameterGroup",
    "ModifyDBClusterSnapshotAttribute",
    "ModifyDBInstance",
    "ModifyDBParameterGroup",
    "ModifyDBSnapshotAttribute",
    "ModifyOptionGroup",
    "ResetDBClusterParameterGroup",
    "ResetDBParameterGroup",
    "RestoreDBClusterFromSnapshot",
    "RestoreDBClusterToPointInTime",
    "RestoreDBInstanceFromDBSnapshot",
    "RestoreDBInstanceToPointInTime",
];

/// Every event name asked for, in the order asked: RDS changes, the changes around the
/// databases a validator asks about (security group rules, key policies), failover drills.
fn event_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = [
        RDS_CHANGES,
        SECURITY_GROUP_CHANGES,
        KEY_POLICY_CHANGES,
        FAILOVER_CALLS,
    ]
    .concat();
    names.sort_unstable();
    names
}

/// Pages of 50 events read per event name; a busier history is marked truncated.
const PAGES_PER_EVENT: usize = 10;
const PAGE: i32 = 50;

/// Every recorded change and drill in the window, newest first. The event names are asked one
/// after another: in parallel they would only meet CloudTrail's rate limit. Unknown only when
/// the first lookup fails.
pub(crate) async fn changes(
    client: &Client,
    window: Window,
    window_days: u32,
) -> Result<ChangeHistory, Unavailable> {
    let mut events = Vec::new();
    let mut truncated = Vec::new();
    let mut interrupted = None;
    let mut answered = false;
    let names = event_names();
    'names: for (index, name) in names.iter().enumerate() {
        let attribute = LookupAttribute::builder()
            .attribute_key(LookupAttributeKey::EventName)
            .attribute_value(*name)
            .build()
            .map_err(|e| Unavailable {
                action: "cloudtrail:LookupEvents".to_owned(),
                kind: FailureKind::Other,
                message: e.to_string(),
            })?;
        let mut pages = client
            .lookup_events()
            .lookup_attributes(attribute)
            .start_time(DateTime::from_secs(window.start))
            .end_time(DateTime::from_secs(window.end))
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e) if answered => {
                    interrupted = Some(Interruption {
                        after_events: events.len(),
                        at: now(),
                        unread: names[index..].iter().map(|n| (*n).to_owned()).collect(),
                        why: unavailable("cloudtrail:LookupEvents", &e),
                    });
                    break 'names;
                }
                Err(e) => return Err(unavailable("cloudtrail:LookupEvents", &e)),
            };
            answered = true;
            events.extend(page.events().iter().map(change_event));
            read += 1;
            if read == PAGES_PER_EVENT && page.next_token().is_some() {
                truncated.push((*name).to_owned());
                break;
            }
        }
    }
    events.sort_by(|a: &ChangeEvent, b| {
        (&b.event_time, &a.event_name).cmp(&(&a.event_time, &b.event_name))
    });
    Ok(ChangeHistory {
        window_days,
        events,
        truncated,
        interrupted,
    })
}

/// The event's own fields, and from its CloudTrail record who made the change and how.
fn change_event(event: &Event) -> ChangeEvent {
    let record: Value = event
        .cloud_trail_event()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or(Value::Null);
    let text = |pointer: &str| record.pointer(pointer).and_then(Value::as_str);
    let user_agent = text("/userAgent").map(str::to_owned);
    // console.amazonaws.com, console.amazonaws.cn, console.amazonaws-us-gov.com: one per
    // partition.
    let from_console = text("/sessionCredentialFromConsole") == Some("true")
        || user_agent
            .as_deref()
            .is_some_and(|agent| agent.contains("console.amazonaws"));
    ChangeEvent {
        event_name: event.event_name().unwrap_or_default().to_owned(),
        event_time: time(event.event_time()).unwrap_or_default(),
        principal: text("/userIdentity/arn")
            .map(str::to_owned)
            .or_else(|| owned(event.username())),
        user_agent,
        invoked_by: text("/userIdentity/invokedBy").map(str::to_owned),
        from_console,
        resources: event
            .resources()
            .iter()
            .filter_map(|r| owned(r.resource_name()))
            .collect(),
        error_code: text("/errorCode").map(str::to_owned),
        force_failover: record
            .pointer("/requestParameters/forceFailover")
            .and_then(Value::as_bool),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::Resource;

    fn event(record: &str) -> Event {
        Event::builder()
            .event_name("ModifyDBInstance")
            .event_time(DateTime::from_secs(1_795_000_000))
            .username("alice")
            .resources(
                Resource::builder()
                    .resource_type("AWS::RDS::DBInstance")
                    .resource_name("orders-pg")
                    .build(),
            )
            .cloud_trail_event(record)
            .build()
    }

    #[test]
    fn a_console_session_is_from_the_console() {
        let change = change_event(&event(
            r#"{"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/Admin/alice"},
                "userAgent":"AWS Internal","sessionCredentialFromConsole":"true"}"#,
        ));
        assert!(change.from_console);
        assert_eq!(
            change.principal.as_deref(),
            Some("arn:aws:sts::1:assumed-role/Admin/alice")
        );
        assert_eq!(change.resources, ["orders-pg"]);
        assert_eq!(change.event_time, "2026-11-18T11:06:40Z");
    }

    #[test]
    fn the_console_user_agent_is_from_the_console() {
        let change = change_event(&event(r#"{"userAgent":"console.amazonaws.com"}"#));
        assert!(change.from_console);
        assert_eq!(
            change.principal.as_deref(),
            Some("alice"),
            "username fallback"
        );
    }

    #[test]
    fn every_partitions_console_is_the_console() {
        for agent in ["console.amazonaws.cn", "console.amazonaws-us-gov.com"] {
            let change = change_event(&event(&format!(r#"{{"userAgent":"{agent}"}}"#)));
            assert!(change.from_console, "{agent}");
        }
    }

    #[test]
    fn cloudformation_is_not_the_console() {
        let change = change_event(&event(
            r#"{"userIdentity":{"invokedBy":"cloudformation.amazonaws.com"},
                "userAgent":"cloudformation.amazonaws.com","errorCode":"InvalidParameterCombination"}"#,
        ));
        assert!(!change.from_console);
        assert_eq!(
            change.invoked_by.as_deref(),
            Some("cloudformation.amazonaws.com")
        );
        assert_eq!(
            change.error_code.as_deref(),
            Some("InvalidParameterCombination")
        );
    }

    #[test]
    fn an_unreadable_record_keeps_the_event() {
        let change = change_event(&event("not json"));
        assert!(!change.from_console);
        assert_eq!(change.event_name, "ModifyDBInstance");
    }

    #[test]
    fn event_names_are_distinct_and_asked_in_order() {
        let names = event_names();
        let mut distinct = names.clone();
        distinct.dedup();
        assert_eq!(distinct, names);
        for name in [
            "ModifyOptionGroup",
            "AuthorizeSecurityGroupIngress",
            "PutKeyPolicy",
            "FailoverDBCluster",
        ] {
            assert!(names.contains(&name), "{name}");
        }
    }

    /// A RebootDBInstance record as CloudTrail writes it: requestParameters carry forceFailover.
    #[test]
    fn a_forced_reboot_says_so() {
        let mut reboot = event(
            r#"{"eventSource":"rds.amazonaws.com","userIdentity":{"arn":"arn:aws:sts::1:assumed-role/Dba/bob"},
                "requestParameters":{"dBInstanceIdentifier":"orders-pg","forceFailover":true}}"#,
        );
        reboot.event_name = Some("RebootDBInstance".into());
        let change = change_event(&reboot);
        assert_eq!(change.force_failover, Some(true));
        assert_eq!(change_event(&event("{}")).force_failover, None);
    }
}
