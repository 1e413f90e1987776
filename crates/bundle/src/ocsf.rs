//! findings.ocsf.json: the findings as OCSF Compliance Finding events (class 2003, schema
//! 1.3.0), one JSON array, for security data lakes (Amazon Security Lake, SIEMs) that ingest
//! OCSF rather than our own `findings.json`.
//!
//! One event per finding, except not-applicable ones: a check that does not apply to a resource
//! (a read replica has no backups of its own) says nothing about compliance. The mapping:
//!
//! - `compliance.control` is the check, `requirements` the checklist controls it is evidence
//!   for, `standards` the profile; `status_code` keeps our outcome.
//! - Pass → 1 Pass, Fail → 3 Fail, insufficient evidence → 2 Warning (OCSF: "did not yield a
//!   result due to missing information"), observation → 99 Other with status `Observation`.
//! - `severity_id` is the check's severity for failed and insufficient findings and
//!   Informational otherwise, as Security Hub does, so that a severity filter selects what needs
//!   action.
//! - `finding_info.uid` is a hash of account, check and resource: the same finding keeps its
//!   id across runs, so a data lake can follow it over time.
//! - `time` is when the snapshot was collected, not when the bundle was written.

use std::io::{self, BufWriter, Write};

use rds_evidence_controls::{checks, epoch_seconds, Check, Finding, Outcome, Severity, Values};
use rds_evidence_inventory::Snapshot;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::findings_csv::{controls_by_check, snake_case};
use crate::spreadsheet::CUSTOMER_LABEL;
use crate::Contents;

const OCSF_VERSION: &str = "1.3.0";
const CATEGORY_FINDINGS: u32 = 2;
const CLASS_COMPLIANCE_FINDING: u32 = 2003;
const ACTIVITY_CREATE: u32 = 1;
const ACCOUNT_TYPE_AWS: u32 = 10;
const ANALYTIC_TYPE_RULE: u32 = 1;
const FINDING_STATUS_NEW: u32 = 1;

/// Writes the findings of `contents` as a JSON array of OCSF events, one event per line.
pub fn write(contents: Contents, out: &mut impl Write) -> io::Result<()> {
    let time = epoch_seconds(&contents.snapshot.collected_at)
        .map(|seconds| seconds * 1_000)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "snapshot collected_at {:?} is not an RFC 3339 UTC timestamp",
                    contents.snapshot.collected_at
                ),
            )
        })?;
    let requirements = controls_by_check(contents.profile);
    let account = account(contents.snapshot);
    let mut out = BufWriter::new(out);
    out.write_all(b"[")?;
    let mut first = true;
    // Findings are sorted by check: look each check up once.
    for of_check in contents
        .evaluation
        .findings
        .chunk_by(|a, b| a.check == b.check)
    {
        let check = checks::find(&of_check[0].check);
        let requirements = requirements
            .get(of_check[0].check.as_str())
            .map_or(&[][..], Vec::as_slice);
        for finding in of_check {
            let Some(status) = compliance_status(finding.outcome) else {
                continue;
            };
            let event = Event::new(
                &contents.profile.id,
                finding,
                check,
                status,
                requirements,
                &account,
                time,
            );
            out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            serde_json::to_writer(&mut out, &event)?;
        }
    }
    out.write_all(b"\n]\n")?;
    out.flush()
}

#[derive(Serialize)]
struct Event<'a> {
    activity_id: u32,
    activity_name: &'static str,
    category_uid: u32,
    category_name: &'static str,
    class_uid: u32,
    class_name: &'static str,
    type_uid: u32,
    type_name: &'static str,
    severity_id: u32,
    severity: &'static str,
    status_id: u32,
    status: &'static str,
    time: i64,
    message: &'a str,
    metadata: Metadata,
    cloud: Cloud<'a>,
    finding_info: FindingInfo<'a>,
    compliance: Compliance<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<Remediation>,
    resources: [ResourceDetails<'a>; 1],
}

#[derive(Serialize)]
struct Metadata {
    version: &'static str,
    product: Product,
    profiles: [&'static str; 1],
}

#[derive(Serialize)]
struct Product {
    name: &'static str,
    vendor_name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Cloud<'a> {
    provider: &'static str,
    account: &'a Account<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

#[derive(Serialize)]
struct Account<'a> {
    uid: &'a str,
    type_id: u32,
    #[serde(rename = "type")]
    kind: &'static str,
    /// The customer's name when the accounts file labels it.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    labels: Vec<String>,
}

#[derive(Serialize)]
struct FindingInfo<'a> {
    uid: String,
    title: &'static str,
    desc: &'static str,
    analytic: Analytic<'a>,
}

#[derive(Serialize)]
struct Analytic<'a> {
    uid: &'a str,
    name: &'static str,
    type_id: u32,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Compliance<'a> {
    control: &'a str,
    requirements: &'a [&'a str],
    standards: [&'a str; 1],
    status_id: u32,
    status: &'static str,
    status_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_detail: Option<&'static str>,
}

#[derive(Serialize)]
struct Remediation {
    desc: &'static str,
}

#[derive(Serialize)]
struct ResourceDetails<'a> {
    uid: &'a str,
    #[serde(rename = "type")]
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    /// The facts behind the outcome (settings, sizes, ids).
    #[serde(skip_serializing_if = "Values::is_empty")]
    data: &'a Values,
}

impl<'a> Event<'a> {
    fn new(
        standard: &'a str,
        finding: &'a Finding,
        check: Option<&'static Check>,
        (status_id, status, status_detail): Status,
        requirements: &'a [&'a str],
        account: &'a Account<'a>,
        time: i64,
    ) -> Event<'a> {
        let severity = match finding.outcome {
            Outcome::Fail | Outcome::InsufficientEvidence => {
                check.map_or(Severity::Info, |c| c.severity)
            }
            _ => Severity::Info,
        };
        let (severity_id, severity_name) = severity_of(severity);
        let region = Some(finding.resource.region.as_str()).filter(|r| !r.is_empty());
        Event {
            activity_id: ACTIVITY_CREATE,
            activity_name: "Create",
            category_uid: CATEGORY_FINDINGS,
            category_name: "Findings",
            class_uid: CLASS_COMPLIANCE_FINDING,
            class_name: "Compliance Finding",
            type_uid: CLASS_COMPLIANCE_FINDING * 100 + ACTIVITY_CREATE,
            type_name: "Compliance Finding: Create",
            severity_id,
            severity: severity_name,
            status_id: FINDING_STATUS_NEW,
            status: "New",
            time,
            message: &finding.detail,
            metadata: Metadata {
                version: OCSF_VERSION,
                product: Product {
                    name: "rds-evidence",
                    vendor_name: "rds-evidence",
                    version: env!("CARGO_PKG_VERSION"),
                },
                profiles: ["cloud"],
            },
            cloud: Cloud {
                provider: "AWS",
                account,
                region,
            },
            finding_info: FindingInfo {
                uid: finding_uid(account.uid, finding),
                title: check.map_or("", |c| c.title),
                desc: check.map_or("", |c| c.rationale),
                analytic: Analytic {
                    uid: &finding.check,
                    name: check.map_or("", |c| c.title),
                    type_id: ANALYTIC_TYPE_RULE,
                    kind: "Rule",
                },
            },
            compliance: Compliance {
                control: &finding.check,
                requirements,
                standards: [standard],
                status_id,
                status,
                status_code: snake_case(finding.outcome),
                status_detail,
            },
            remediation: check.map(|c| Remediation {
                desc: c.remediation,
            }),
            resources: [ResourceDetails {
                uid: &finding.resource.id,
                kind: snake_case(finding.resource.kind),
                region,
                data: &finding.values,
            }],
        }
    }
}

/// The scanned account, with the customer's name when the accounts file labels it.
fn account(snapshot: &Snapshot) -> Account<'_> {
    let labels = &snapshot.account.labels;
    Account {
        uid: &snapshot.account.id,
        type_id: ACCOUNT_TYPE_AWS,
        kind: "AWS Account",
        name: labels.get(CUSTOMER_LABEL).map(String::as_str),
        labels: labels.iter().map(|(k, v)| format!("{k}={v}")).collect(),
    }
}

/// OCSF compliance `status_id`, its caption, and a detail where the caption alone would mislead.
type Status = (u32, &'static str, Option<&'static str>);

/// The compliance status of an outcome; none for not-applicable, which is not reported.
fn compliance_status(outcome: Outcome) -> Option<Status> {
    match outcome {
        Outcome::Pass => Some((1, "Pass", None)),
        Outcome::Fail => Some((3, "Fail", None)),
        Outcome::InsufficientEvidence => Some((
            2,
            "Warning",
            Some("Insufficient evidence: what the check needs could not be collected."),
        )),
        Outcome::Observation => Some((
            99,
            "Observation",
            Some("Observation: facts recorded as evidence, not judged."),
        )),
        Outcome::NotApplicable => None,
    }
}

/// OCSF `severity_id` and its caption.
fn severity_of(severity: Severity) -> (u32, &'static str) {
    match severity {
        Severity::Info => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

/// Stable across runs and unique per account, check and resource.
fn finding_uid(account: &str, finding: &Finding) -> String {
    let key = [
        account,
        &finding.check,
        &snake_case(finding.resource.kind),
        &finding.resource.region,
        &finding.resource.id,
    ]
    .join("\n");
    hex::encode(Sha256::digest(key.as_bytes()))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::testing::Demo;

    fn events(contents: Contents) -> Vec<Value> {
        let mut bytes = Vec::new();
        write(contents, &mut bytes).unwrap();
        match serde_json::from_slice(&bytes).unwrap() {
            Value::Array(events) => events,
            other => panic!("not an array: {other}"),
        }
    }

    /// The event for the first finding matching `outcome`, with the finding.
    fn first<'a>(
        demo: &'a Demo,
        events: &'a [Value],
        outcome: Outcome,
    ) -> (&'a Finding, &'a Value) {
        let reported = demo
            .evaluation
            .findings
            .iter()
            .filter(|f| f.outcome != Outcome::NotApplicable);
        reported
            .zip(events)
            .find(|(finding, _)| finding.outcome == outcome)
            .unwrap_or_else(|| panic!("the demo account has a {outcome:?} finding"))
    }

    #[test]
    fn one_compliance_finding_per_applicable_finding() {
        let demo = Demo::load();
        let events = events(demo.contents());
        let not_applicable = demo
            .evaluation
            .findings
            .iter()
            .filter(|f| f.outcome == Outcome::NotApplicable)
            .count();
        assert!(
            not_applicable > 0,
            "the demo account has replicas and members"
        );
        assert_eq!(
            events.len(),
            demo.evaluation.findings.len() - not_applicable
        );
        let collected_ms = epoch_seconds(&demo.snapshot.collected_at).expect("RFC 3339 UTC") * 1000;
        for event in &events {
            assert_eq!(event["class_uid"], 2003);
            assert_eq!(event["category_uid"], 2);
            assert_eq!(event["activity_id"], 1);
            assert_eq!(event["type_uid"], 200_301);
            assert_eq!(event["metadata"]["version"], OCSF_VERSION);
            assert_eq!(event["metadata"]["product"]["name"], "rds-evidence");
            assert_eq!(event["cloud"]["provider"], "AWS");
            assert_eq!(event["cloud"]["account"]["uid"], "000034941834");
            assert_eq!(event["time"], collected_ms, "collected_at");
            assert_eq!(
                event["compliance"]["standards"],
                json!(["rds-service-delivery-2025-08"])
            );
            assert!(event["finding_info"]["uid"].as_str().unwrap().len() == 64);
        }
        let mut uids: Vec<&str> = events
            .iter()
            .map(|e| e["finding_info"]["uid"].as_str().unwrap())
            .collect();
        uids.sort_unstable();
        uids.dedup();
        assert_eq!(uids.len(), events.len(), "finding uids are unique");
    }

    #[test]
    fn a_failing_finding_is_a_failed_control_with_its_remediation() {
        let demo = Demo::load();
        let events = events(demo.contents());
        let (finding, event) = first(&demo, &events, Outcome::Fail);
        let check = checks::find(&finding.check).unwrap();
        let compliance = &event["compliance"];
        assert_eq!(compliance["status_id"], 3);
        assert_eq!(compliance["status"], "Fail");
        assert_eq!(compliance["status_code"], "fail");
        assert_eq!(compliance["control"], finding.check);
        let requirements: Vec<&str> = demo
            .profile
            .controls
            .iter()
            .filter(|c| c.checks.iter().any(|used| used.id == finding.check))
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(compliance["requirements"], json!(requirements));
        assert_eq!(event["remediation"]["desc"], check.remediation);
        assert_eq!(event["severity_id"], severity_of(check.severity).0);
        assert_eq!(event["finding_info"]["title"], check.title);
        assert_eq!(event["message"], finding.detail);
        let resource = &event["resources"][0];
        assert_eq!(resource["uid"], finding.resource.id);
        assert_eq!(resource["type"], snake_case(finding.resource.kind));
        if finding.resource.region.is_empty() {
            assert!(resource.get("region").is_none());
        } else {
            assert_eq!(resource["region"], finding.resource.region);
            assert_eq!(event["cloud"]["region"], finding.resource.region);
        }
    }

    #[test]
    fn passes_are_informational_and_unknowns_are_warnings() {
        let demo = Demo::load();
        let events = events(demo.contents());
        let (_, pass) = first(&demo, &events, Outcome::Pass);
        assert_eq!(pass["compliance"]["status_id"], 1);
        assert_eq!(pass["severity_id"], 1);
        let (finding, unknown) = first(&demo, &events, Outcome::InsufficientEvidence);
        assert_eq!(unknown["compliance"]["status_id"], 2);
        assert!(unknown["compliance"]["status_detail"]
            .as_str()
            .unwrap()
            .starts_with("Insufficient evidence"));
        let check = checks::find(&finding.check).unwrap();
        assert_eq!(unknown["severity_id"], severity_of(check.severity).0);
    }

    #[test]
    fn the_customer_label_names_the_account() {
        let demo = Demo::load();
        let mut snapshot = demo.snapshot.clone();
        snapshot.account.labels = [
            ("customer".to_owned(), "Example Corp".to_owned()),
            ("environment".to_owned(), "production".to_owned()),
        ]
        .into();
        let events = events(Contents {
            snapshot: &snapshot,
            ..demo.contents()
        });
        let account = &events[0]["cloud"]["account"];
        assert_eq!(account["name"], "Example Corp");
        assert_eq!(
            account["labels"],
            json!(["customer=Example Corp", "environment=production"])
        );
        assert_eq!(account["type_id"], 10, "AWS Account");
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let demo = Demo::load();
        let (mut first, mut second) = (Vec::new(), Vec::new());
        write(demo.contents(), &mut first).unwrap();
        write(demo.contents(), &mut second).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn an_unreadable_collection_time_is_an_error() {
        let demo = Demo::load();
        let mut snapshot = demo.snapshot.clone();
        snapshot.collected_at = "yesterday".to_owned();
        let contents = Contents {
            snapshot: &snapshot,
            ..demo.contents()
        };
        let error = write(contents, &mut Vec::new()).unwrap_err();
        assert!(error.to_string().contains("yesterday"), "{error}");
    }
}
