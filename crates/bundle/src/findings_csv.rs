//! findings.csv: every finding, one row per (check, resource), for spreadsheets, `grep` and
//! `awk`. Unlike the self-assessment, nothing is rolled up: this is the raw evidence behind each
//! verdict, with the checklist controls each row serves.
//!
//! The file is meant to be opened in Excel, so text that Excel would read as a formula is
//! prefixed with `'` (resource names and details come from the customer's account).

use std::collections::BTreeMap;
use std::io::{self, Write};

use rds_evidence_controls::{checks, Profile};
use serde::Serialize;

use crate::Contents;

const HEADER: [&str; 10] = [
    "check",
    "check_title",
    "severity",
    "controls",
    "resource_kind",
    "region",
    "resource_id",
    "outcome",
    "detail",
    "values",
];

/// Writes the header, then one row per finding in the evaluation's order (check, then resource).
pub fn write(contents: Contents, out: &mut impl Write) -> io::Result<()> {
    let controls = controls_by_check(contents.profile);
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER)?;
    for finding in &contents.evaluation.findings {
        let check = checks::find(&finding.check);
        let values = if finding.values.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&finding.values)?
        };
        let record = [
            finding.check.clone(),
            check.map(|c| c.title.to_owned()).unwrap_or_default(),
            check.map(|c| snake_case(c.severity)).unwrap_or_default(),
            controls
                .get(finding.check.as_str())
                .map(|ids| ids.join(";"))
                .unwrap_or_default(),
            snake_case(finding.resource.kind),
            finding.resource.region.clone(),
            finding.resource.id.clone(),
            snake_case(finding.outcome),
            finding.detail.clone(),
            values,
        ];
        csv.write_record(record.map(inert))?;
    }
    csv.flush()
}

/// For each check, the profile's controls that use it, in the checklist's order.
pub(crate) fn controls_by_check(profile: &Profile) -> BTreeMap<&str, Vec<&str>> {
    let mut index: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for control in &profile.controls {
        for check in &control.checks {
            index
                .entry(check.id.as_str())
                .or_default()
                .push(control.id.as_str());
        }
    }
    index
}

/// The name an enum has in the evaluation's JSON (`db_instance`, `insufficient_evidence`), so
/// that every output spells it the same way.
pub(crate) fn snake_case(value: impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The field, made inert for spreadsheets: a leading `=`, `+`, `-`, `@`, tab or carriage return
/// would start a formula (OWASP's CSV injection guidance), so such a field gets a leading `'`.
fn inert(field: String) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use rds_evidence_controls::{Finding, Outcome, Resource, Scope};

    use super::*;
    use crate::testing::Demo;

    fn render(contents: Contents) -> Vec<csv::StringRecord> {
        let mut bytes = Vec::new();
        write(contents, &mut bytes).unwrap();
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        assert_eq!(
            reader.headers().unwrap(),
            &csv::StringRecord::from(&HEADER[..])
        );
        reader.records().map(Result::unwrap).collect()
    }

    #[test]
    fn one_row_per_finding_in_evaluation_order() {
        let demo = Demo::load();
        let rows = render(demo.contents());
        assert_eq!(rows.len(), demo.evaluation.findings.len());
        for (row, finding) in rows.iter().zip(&demo.evaluation.findings) {
            assert_eq!(&row[0], finding.check);
            assert_eq!(&row[6], inert(finding.resource.id.clone()));
        }
    }

    #[test]
    fn a_failing_row_names_its_check_controls_and_values() {
        let demo = Demo::load();
        let rows = render(demo.contents());
        let (index, finding) = demo
            .evaluation
            .findings
            .iter()
            .enumerate()
            .find(|(_, f)| f.outcome == Outcome::Fail && !f.values.is_empty())
            .expect("the demo account has failing findings with values");
        let row = &rows[index];
        let check = checks::find(&finding.check).unwrap();
        assert_eq!(&row[1], check.title);
        assert_eq!(&row[2], snake_case(check.severity));
        let expected_controls: Vec<&str> = demo
            .profile
            .controls
            .iter()
            .filter(|c| c.checks.iter().any(|used| used.id == finding.check))
            .map(|c| c.id.as_str())
            .collect();
        assert!(!expected_controls.is_empty());
        assert_eq!(&row[3], expected_controls.join(";"));
        assert_eq!(&row[4], snake_case(finding.resource.kind));
        assert_eq!(&row[5], finding.resource.region);
        assert_eq!(&row[7], "fail");
        assert_eq!(&row[8], finding.detail);
        let values: rds_evidence_controls::Values = serde_json::from_str(&row[9]).unwrap();
        assert_eq!(values, finding.values);
        assert!(!row[9].contains('\n'), "values are compact JSON");
    }

    #[test]
    fn text_excel_would_run_as_a_formula_is_quoted() {
        let demo = Demo::load();
        let mut evaluation = demo.evaluation.clone();
        let check = checks::find(&evaluation.findings[0].check).unwrap();
        evaluation.findings = vec![
            Finding::new(
                check,
                Resource::new(Scope::DbInstance, "us-east-1", "=HYPERLINK(\"x\")"),
                Outcome::Fail,
                "+1 more",
            )
            .with("note", "=cmd"),
            Finding::new(
                check,
                Resource::new(Scope::DbInstance, "us-east-1", "@SUM(A1)"),
                Outcome::Pass,
                "-2 days",
            ),
        ];
        let rows = render(Contents {
            evaluation: &evaluation,
            ..demo.contents()
        });
        assert_eq!(&rows[0][6], "'=HYPERLINK(\"x\")");
        assert_eq!(&rows[0][8], "'+1 more");
        assert_eq!(
            &rows[0][9], "{\"note\":\"=cmd\"}",
            "JSON starts with a brace"
        );
        assert_eq!(&rows[1][6], "'@SUM(A1)");
        assert_eq!(&rows[1][8], "'-2 days");
        assert_eq!(&rows[1][9], "", "no values, empty cell");
    }

    #[test]
    fn controls_by_check_follows_the_checklist_order() {
        let profile = Profile::builtin();
        let index = controls_by_check(&profile);
        for check in profile.checks() {
            let controls = &index[check.id];
            let positions: Vec<usize> = controls
                .iter()
                .map(|id| profile.controls.iter().position(|c| c.id == *id).unwrap())
                .collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{controls:?}");
        }
    }
}
