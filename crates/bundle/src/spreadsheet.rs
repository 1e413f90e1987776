//! self-assessment.xlsx: the checklist's self-assessment spreadsheet, pre-filled.
//!
//! The checklist asks the partner for a completed self-assessment per case study, attached to
//! the application in AWS Partner Central (§3.1). This workbook is that spreadsheet with what the
//! accounts show already written in: a Summary sheet, then one sheet per case study (account),
//! one row per checklist item in the checklist's order. The tool fills the verdict, the evidence
//! summary, the checks and resources behind it and the partner's attestations (with the SHA-256
//! of each local document); the partner completes the highlighted columns.
//!
//! The workbook is a pure function of its inputs: the document's creation time is the latest
//! collection time, and the archive's timestamps are fixed, so the same cases give the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use rds_evidence_controls::{
    CheckSummary, ControlAttestation, ControlSpec, ControlVerdict, EnvironmentScope, Level,
    Outcome, Verdict,
};
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Url,
    Workbook, Worksheet, XlsxError,
};

use crate::findings_csv::snake_case;
use crate::{BundleError, Contents};

const SUMMARY_SHEET: &str = "Summary";
/// The label of an account (from the accounts file) that names the customer.
pub(crate) const CUSTOMER_LABEL: &str = "customer";

/// Columns the tool fills, with their widths.
const TOOL_COLUMNS: [(&str, f64); 10] = [
    ("Control ID", 11.0),
    ("Section", 22.0),
    ("Title", 28.0),
    ("Requirement", 50.0),
    ("Verdict", 15.0),
    ("Evidence summary", 60.0),
    ("Checks", 52.0),
    ("Resources at issue", 42.0),
    ("Attestation references", 48.0),
    ("Evidence the partner must supply", 40.0),
];
/// Columns the partner completes: present and empty.
const PARTNER_COLUMNS: [(&str, f64); 3] = [
    ("Partner response / evidence location", 50.0),
    ("Met (Y/N)", 10.0),
    ("Comments", 40.0),
];
const VERDICT_COLUMN: u16 = 4;
const MET_COLUMN: u16 = (TOOL_COLUMNS.len() + 1) as u16;
/// Rows above the header: the sheet's title and what it covers.
const HEADER_ROW: u32 = 3;

/// The Summary's columns per case study, before the count of controls per verdict.
const CASE_COLUMNS: [(&str, f64); 7] = [
    ("Case study sheet", 26.0),
    ("Account", 15.0),
    ("Customer", 24.0),
    ("Labels", 30.0),
    ("Profile", 30.0),
    ("Collected at (UTC)", 21.0),
    ("Collector version", 11.0),
];
const COUNT_WIDTH: f64 = 14.0;

const VERDICTS: [Verdict; 5] = [
    Verdict::Met,
    Verdict::PartiallyMet,
    Verdict::NotMet,
    Verdict::NeedsAttestation,
    Verdict::InsufficientEvidence,
];

/// Excel's limit on the text of one cell, in UTF-16 units.
const MAX_CELL_LEN: usize = 32_767;
/// Excel's limit on a sheet name, in UTF-16 units.
const MAX_SHEET_NAME_LEN: usize = 31;

/// One workbook for one or more case studies (accounts).
pub fn self_assessment(cases: &[Contents]) -> Result<Vec<u8>, BundleError> {
    let styles = Styles::new();
    let names = sheet_names(cases);
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(cases)?);
    write_summary(
        workbook.add_worksheet().set_name(SUMMARY_SHEET)?,
        cases,
        &names,
        &styles,
    )?;
    for (case, name) in cases.iter().zip(&names) {
        write_case(workbook.add_worksheet().set_name(name)?, *case, &styles)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Document properties, dated by the latest collection rather than the clock.
fn properties(cases: &[Contents]) -> Result<DocProperties, XlsxError> {
    let collected = cases
        .iter()
        .map(|case| case.snapshot.collected_at.as_str())
        .filter_map(|at| {
            ExcelDateTime::parse_from_str(at)
                .ok()
                .map(|time| (at, time))
        })
        .max_by(|a, b| a.0.cmp(b.0))
        .map(|(_, time)| time);
    // Without a readable collection time, the zip format's own epoch: still not the clock.
    let created = match collected {
        Some(time) => time,
        None => ExcelDateTime::from_ymd(1980, 1, 1)?,
    };
    Ok(DocProperties::new()
        .set_title(title(cases))
        .set_subject(
            cases
                .first()
                .map(|c| c.profile.id.as_str())
                .unwrap_or_default(),
        )
        .set_comment(format!(
            "Pre-filled by rds-evidence {} from what the accounts showed when collected.",
            env!("CARGO_PKG_VERSION")
        ))
        .set_creation_datetime(&created))
}

/// The checklist's title: the profile's, as the cases share it.
fn title(cases: &[Contents]) -> String {
    match cases.first() {
        Some(case) => format!("{}: self-assessment", case.profile.title),
        None => "Self-assessment".to_owned(),
    }
}

fn write_summary(
    sheet: &mut Worksheet,
    cases: &[Contents],
    names: &[String],
    styles: &Styles,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, title(cases), &styles.title)?;
    sheet.write_string(
        1,
        0,
        format!(
            "Pre-filled by rds-evidence {} for {} case stud{}.",
            env!("CARGO_PKG_VERSION"),
            cases.len(),
            if cases.len() == 1 { "y" } else { "ies" }
        ),
    )?;
    sheet.merge_range(
        2,
        0,
        2,
        8,
        "Each case study has a sheet: one row per checklist item, in the checklist's order. \
         The tool fills the verdict, the evidence summary, the checks and resources behind it, \
         and the attestations with the SHA-256 of each document. Verdicts are what the account \
         showed when it was collected; items that need documents are met once the partner \
         attests them. Complete the highlighted columns (partner response / evidence location, \
         Met (Y/N), comments) on every case study sheet before attaching this workbook to the \
         application in AWS Partner Central.",
        &styles.note,
    )?;
    sheet.set_row_height(2, 75)?;

    let headers = CASE_COLUMNS
        .iter()
        .map(|&(header, width)| (header, width, &styles.header))
        .chain(
            VERDICTS
                .iter()
                .map(|&verdict| (verdict_text(verdict), COUNT_WIDTH, styles.verdict(verdict))),
        )
        .chain([("Controls", COUNT_WIDTH, &styles.header)]);
    for (col, (header, width, format)) in (0u16..).zip(headers) {
        sheet.write_string_with_format(HEADER_ROW, col, header, format)?;
        sheet.set_column_width(col, width)?;
    }

    for ((row, case), name) in (HEADER_ROW + 1..).zip(cases).zip(names) {
        let account = &case.snapshot.account;
        let link = Url::new(format!("internal:'{}'!A1", name.replace('\'', "''")));
        sheet.write_url_with_text(row, 0, link, name)?;
        let labels: Vec<String> = account
            .labels
            .iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect();
        let texts = [
            account.id.as_str(),
            account
                .labels
                .get(CUSTOMER_LABEL)
                .map_or("", String::as_str),
            &labels.join(", "),
            &case.profile.id,
            &case.snapshot.collected_at,
            &case.snapshot.tool_version,
        ];
        for (col, text) in (1u16..).zip(texts) {
            sheet.write_string_with_format(row, col, text, &styles.text)?;
        }
        let mut counts: BTreeMap<Verdict, u32> = BTreeMap::new();
        for control in &case.evaluation.controls {
            *counts.entry(control.verdict).or_default() += 1;
        }
        let total = u32::try_from(case.evaluation.controls.len()).unwrap_or(u32::MAX);
        let numbers = VERDICTS
            .iter()
            .map(|verdict| counts.get(verdict).copied().unwrap_or(0))
            .chain([total]);
        for (col, number) in (CASE_COLUMNS.len() as u16..).zip(numbers) {
            sheet.write_number_with_format(row, col, number, &styles.number)?;
        }
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    Ok(())
}

fn write_case(sheet: &mut Worksheet, case: Contents, styles: &Styles) -> Result<(), XlsxError> {
    let account = &case.snapshot.account;
    sheet.write_string_with_format(
        0,
        0,
        format!("{}: self-assessment", case.profile.title),
        &styles.title,
    )?;
    let customer = account
        .labels
        .get(CUSTOMER_LABEL)
        .map(|customer| format!(" ({customer})"))
        .unwrap_or_default();
    sheet.write_string(
        1,
        0,
        format!(
            "Account {}{customer}, collected {} by rds-evidence {}; profile {}.",
            account.id, case.snapshot.collected_at, case.snapshot.tool_version, case.profile.id
        ),
    )?;

    let columns = TOOL_COLUMNS
        .iter()
        .map(|column| (column, &styles.header))
        .chain(
            PARTNER_COLUMNS
                .iter()
                .map(|column| (column, &styles.partner_header)),
        );
    for (col, ((header, width), format)) in (0u16..).zip(columns) {
        sheet.write_string_with_format(HEADER_ROW, col, *header, format)?;
        sheet.set_column_width(col, *width)?;
    }

    let verdicts: BTreeMap<&str, &ControlVerdict> = case
        .evaluation
        .controls
        .iter()
        .map(|verdict| (verdict.control.as_str(), verdict))
        .collect();
    let mut last_row = HEADER_ROW;
    for (row, spec) in (HEADER_ROW + 1..).zip(&case.profile.controls) {
        let verdict = verdicts.get(spec.id.as_str()).copied();
        write_control(sheet, row, spec, verdict, styles)?;
        last_row = row;
    }

    let last_col = (TOOL_COLUMNS.len() + PARTNER_COLUMNS.len() - 1) as u16;
    sheet.set_freeze_panes(HEADER_ROW + 1, 1)?;
    sheet.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    if last_row > HEADER_ROW {
        let met = DataValidation::new()
            .allow_list_strings(&["Y", "N"])?
            .set_input_title("Met (Y/N)")?
            .set_input_message("Y if the case study meets this item, N otherwise.")?;
        sheet.add_data_validation(HEADER_ROW + 1, MET_COLUMN, last_row, MET_COLUMN, &met)?;
    }
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

fn write_control(
    sheet: &mut Worksheet,
    row: u32,
    spec: &ControlSpec,
    verdict: Option<&ControlVerdict>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let checks: Vec<String> =
        verdict.map_or_else(Vec::new, |v| v.checks.iter().map(check_line).collect());
    let resources = verdict.map_or(&[][..], |v| &v.resources_at_issue[..]);
    let attestation = verdict
        .and_then(|v| v.attestation.as_ref())
        .map(attestation_lines)
        .unwrap_or_default();
    let texts = [
        spec.id.as_str(),
        section(&spec.id),
        &spec.title,
        &spec.requirement,
    ];
    for (col, text) in (0..VERDICT_COLUMN).zip(texts) {
        sheet.write_string_with_format(row, col, text, &styles.text)?;
    }
    match verdict {
        Some(verdict) => sheet.write_string_with_format(
            row,
            VERDICT_COLUMN,
            verdict_text(verdict.verdict),
            styles.verdict(verdict.verdict),
        )?,
        None => sheet.write_blank(row, VERDICT_COLUMN, &styles.text)?,
    };
    let texts = [
        verdict.map_or(String::new(), |v| v.narrative.clone()),
        cell_text(&checks),
        cell_text(resources),
        cell_text(&attestation),
        spec.attestation.clone().unwrap_or_default(),
    ];
    for (col, text) in (VERDICT_COLUMN + 1..).zip(texts) {
        sheet.write_string_with_format(row, col, text, &styles.text)?;
    }
    for col in TOOL_COLUMNS.len()..TOOL_COLUMNS.len() + PARTNER_COLUMNS.len() {
        sheet.write_blank(row, col as u16, &styles.partner_cell)?;
    }
    Ok(())
}

/// `check.id: failed (2 fail, 3 pass)`.
fn check_line(summary: &CheckSummary) -> String {
    let counts: Vec<String> = summary
        .counts
        .iter()
        .map(|(outcome, n)| format!("{n} {}", outcome_text(*outcome)))
        .collect();
    let status = snake_case(summary.status);
    let mut weight = Vec::new();
    if summary.level == Level::Recommended {
        weight.push("recommended");
    }
    if summary.environments == EnvironmentScope::Production {
        weight.push("production only");
    }
    let check = if weight.is_empty() {
        summary.check.clone()
    } else {
        format!("{} ({})", summary.check, weight.join("; "))
    };
    if counts.is_empty() {
        format!("{check}: {status} (no resources)")
    } else {
        format!("{check}: {status} ({})", counts.join(", "))
    }
}

/// The statement, then each document with its SHA-256 (URLs are referenced, not fetched).
fn attestation_lines(attestation: &ControlAttestation) -> Vec<String> {
    let statement = attestation
        .statement
        .iter()
        .map(|statement| format!("Statement: {statement}"));
    let documents = attestation
        .documents
        .iter()
        .map(|document| match &document.sha256 {
            Some(sha256) => format!("{} (SHA-256 {sha256})", document.reference),
            None => format!("{} (link, not hashed)", document.reference),
        });
    statement.chain(documents).collect()
}

fn outcome_text(outcome: Outcome) -> String {
    snake_case(outcome).replace('_', " ")
}

fn verdict_text(verdict: Verdict) -> &'static str {
    verdict.label()
}

/// The checklist section of a control, from the id scheme the Service Delivery checklists share:
/// numbered prerequisites, then the designation's own items (`RDS-`), then the common customer
/// reference requirements.
fn section(control: &str) -> &'static str {
    const SECTIONS: [(&str, &str); 11] = [
        ("1.", "APN Program Requirements"),
        ("2.", "AWS Customer Case Studies"),
        ("3.", "AWS Partner Self-Assessment"),
        ("4.", "RDS Prerequisites"),
        ("RDS-", "Amazon RDS Expertise"),
        ("DOC-", "Documentation"),
        ("ACCT-", "Secure Customer AWS Account Governance and Access"),
        ("OPE-", "Operational Excellence"),
        ("NETSEC-", "Security - Networking"),
        ("REL-", "Reliability"),
        ("COST-", "Cost Optimization"),
    ];
    SECTIONS
        .iter()
        .find(|(prefix, _)| control.starts_with(prefix))
        .map_or("", |(_, section)| section)
}

/// Lines joined into one cell, cut with "… and N more" where Excel's cell limit would be passed.
fn cell_text(lines: &[String]) -> String {
    // Room for the "… and N more" line.
    const RESERVE: usize = 32;
    let mut text = String::new();
    let mut length = 0;
    for (shown, line) in lines.iter().enumerate() {
        let added = usize::from(shown > 0) + utf16_len(line);
        if length + added + RESERVE > MAX_CELL_LEN {
            if shown > 0 {
                text.push('\n');
            }
            text.push_str(&format!("… and {} more", lines.len() - shown));
            break;
        }
        if shown > 0 {
            text.push('\n');
        }
        text.push_str(line);
        length += added;
    }
    text
}

/// One sheet name per case: the account id and the customer, within Excel's rules (at most 31
/// characters, none of `[]:*?/\`, no leading or trailing apostrophe, unique ignoring case).
fn sheet_names(cases: &[Contents]) -> Vec<String> {
    // "History" is reserved by Excel.
    let mut taken: BTreeSet<String> = [SUMMARY_SHEET, "History"]
        .iter()
        .map(|name| name.to_lowercase())
        .collect();
    cases
        .iter()
        .map(|case| {
            let account = &case.snapshot.account;
            let name = match account.labels.get(CUSTOMER_LABEL) {
                Some(customer) => format!("{} {customer}", account.id),
                None => account.id.clone(),
            };
            unique_sheet_name(&sanitize_sheet_name(&name), &mut taken)
        })
        .collect()
}

fn sanitize_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = trim_sheet_name(truncate_utf16(&words, MAX_SHEET_NAME_LEN));
    if name.is_empty() {
        "Case study".to_owned()
    } else {
        name.to_owned()
    }
}

fn unique_sheet_name(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = base.to_owned();
    let mut n = 1;
    while !taken.insert(candidate.to_lowercase()) {
        n += 1;
        let suffix = format!(" ({n})");
        let stem = truncate_utf16(base, MAX_SHEET_NAME_LEN - suffix.len());
        candidate = format!("{}{suffix}", trim_sheet_name(stem));
    }
    candidate
}

fn trim_sheet_name(name: &str) -> &str {
    name.trim().trim_matches('\'').trim()
}

/// The longest prefix of `text` within `max` UTF-16 units, Excel's measure of length.
fn truncate_utf16(text: &str, max: usize) -> &str {
    let mut length = 0;
    for (index, c) in text.char_indices() {
        length += c.len_utf16();
        if length > max {
            return &text[..index];
        }
    }
    text
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

struct Styles {
    title: Format,
    note: Format,
    header: Format,
    partner_header: Format,
    text: Format,
    number: Format,
    partner_cell: Format,
    met: Format,
    partially_met: Format,
    not_met: Format,
    needs_attestation: Format,
    insufficient_evidence: Format,
    exempt: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        let header = cell.clone().set_bold();
        // Excel's own "Good", "Neutral" and "Bad" cell styles, plus blue and grey.
        let verdict = |fill: u32, font: u32| {
            cell.clone()
                .set_bold()
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
        };
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            header: header
                .clone()
                .set_background_color(Color::RGB(0x1F4E78))
                .set_font_color(Color::White),
            partner_header: header.set_background_color(Color::RGB(0xFFC000)),
            number: cell.clone().set_align(FormatAlign::Right),
            partner_cell: cell.clone().set_background_color(Color::RGB(0xFFF2CC)),
            met: verdict(0xC6EFCE, 0x006100),
            partially_met: verdict(0xFFEB9C, 0x9C5700),
            not_met: verdict(0xFFC7CE, 0x9C0006),
            needs_attestation: verdict(0xDDEBF7, 0x1F4E78),
            insufficient_evidence: verdict(0xEDEDED, 0x404040),
            exempt: verdict(0xDDF3F4, 0x1F5F63),
            text: cell,
        }
    }

    fn verdict(&self, verdict: Verdict) -> &Format {
        match verdict {
            Verdict::Met => &self.met,
            Verdict::PartiallyMet => &self.partially_met,
            Verdict::NotMet => &self.not_met,
            Verdict::NeedsAttestation => &self.needs_attestation,
            Verdict::InsufficientEvidence => &self.insufficient_evidence,
            Verdict::ExemptWafr => &self.exempt,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
    use rds_evidence_controls::{evaluate, Evaluation};
    use rds_evidence_inventory::Snapshot;

    use super::*;
    use crate::testing::Demo;

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("a valid workbook")
    }

    fn text(range: &Range<Data>, row: u32, col: u16) -> String {
        match range.get_value((row, u32::from(col))) {
            Some(Data::String(text)) => text.clone(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => panic!("({row}, {col}) is not text: {other:?}"),
        }
    }

    fn headers() -> Vec<&'static str> {
        TOOL_COLUMNS
            .iter()
            .chain(&PARTNER_COLUMNS)
            .map(|(header, _)| *header)
            .collect()
    }

    /// The row of `control` on a case sheet.
    fn row_of(range: &Range<Data>, control: &str) -> u32 {
        (HEADER_ROW + 1..)
            .take_while(|row| !text(range, *row, 0).is_empty())
            .find(|row| text(range, *row, 0) == control)
            .unwrap_or_else(|| panic!("{control} has no row"))
    }

    /// The demo account as a second customer: same estate, another account id and labels.
    fn second_customer(demo: &Demo) -> (Snapshot, Evaluation) {
        let mut snapshot = demo.snapshot.clone();
        snapshot.account.id = "111122223333".to_owned();
        snapshot.account.labels = [
            ("customer".to_owned(), "Example Corp: EU/West".to_owned()),
            ("environment".to_owned(), "production".to_owned()),
        ]
        .into();
        let evaluation = evaluate(&snapshot, &demo.profile, &demo.attestations);
        (snapshot, evaluation)
    }

    #[test]
    fn one_row_per_checklist_item_in_the_checklists_order() {
        let demo = Demo::load();
        let mut workbook = open(self_assessment(&[demo.contents()]).unwrap());
        assert_eq!(workbook.sheet_names(), ["Summary", "000034941834"]);
        let sheet = workbook.worksheet_range("000034941834").unwrap();
        let header: Vec<String> = (0..13).map(|col| text(&sheet, HEADER_ROW, col)).collect();
        assert_eq!(header, headers());
        let ids: Vec<String> = (HEADER_ROW + 1..)
            .map(|row| text(&sheet, row, 0))
            .take_while(|id| !id.is_empty())
            .collect();
        let expected: Vec<&str> = demo
            .profile
            .controls
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(
            sheet.end().unwrap().0,
            HEADER_ROW + u32::try_from(expected.len()).unwrap(),
            "nothing below the last item"
        );
    }

    #[test]
    fn an_attested_control_shows_its_verdict_requirement_and_documents() {
        let demo = Demo::load();
        let mut workbook = open(self_assessment(&[demo.contents()]).unwrap());
        let sheet = workbook.worksheet_range("000034941834").unwrap();
        let row = row_of(&sheet, "RDS-009");
        let spec = demo
            .profile
            .controls
            .iter()
            .find(|c| c.id == "RDS-009")
            .unwrap();
        let verdict = demo
            .evaluation
            .controls
            .iter()
            .find(|c| c.control == "RDS-009")
            .unwrap();
        assert_eq!(text(&sheet, row, 1), "Amazon RDS Expertise");
        assert_eq!(text(&sheet, row, 2), spec.title);
        assert_eq!(text(&sheet, row, 3), spec.requirement);
        assert_eq!(verdict.verdict, Verdict::PartiallyMet);
        assert_eq!(text(&sheet, row, 4), "Partially met");
        assert_eq!(text(&sheet, row, 5), verdict.narrative);
        let checks = text(&sheet, row, 6);
        assert_eq!(checks.lines().count(), spec.checks.len());
        assert!(
            checks.contains("rds.events.failure_subscription (production only): failed ("),
            "{checks}"
        );
        assert!(
            checks.contains("backup.database.covered (recommended; production only): "),
            "{checks}"
        );
        assert_eq!(
            text(&sheet, row, 8),
            "Statement: Failover and restore are rehearsed quarterly.\n\
             docs/dr-runbook.pdf (SHA-256 \
             9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08)\n\
             https://wiki.example.com/rds/backup-policy (link, not hashed)"
        );
        assert_eq!(text(&sheet, row, 9), spec.attestation.clone().unwrap());
        for col in 10..13 {
            assert_eq!(text(&sheet, row, col), "", "the partner's column {col}");
        }
    }

    #[test]
    fn resources_at_issue_are_listed_one_per_line() {
        let demo = Demo::load();
        let mut workbook = open(self_assessment(&[demo.contents()]).unwrap());
        let sheet = workbook.worksheet_range("000034941834").unwrap();
        let verdict = demo
            .evaluation
            .controls
            .iter()
            .find(|c| c.control == "NETSEC-002")
            .unwrap();
        assert!(
            verdict.resources_at_issue.len() > 5,
            "more than the narrative shows"
        );
        let row = row_of(&sheet, "NETSEC-002");
        assert_eq!(text(&sheet, row, 4), "Not met");
        let listed: Vec<String> = text(&sheet, row, 7).lines().map(str::to_owned).collect();
        assert_eq!(listed, verdict.resources_at_issue);

        let documentary = row_of(&sheet, "1.1");
        assert_eq!(text(&sheet, documentary, 1), "APN Program Requirements");
        assert_eq!(text(&sheet, documentary, 4), "Needs attestation");
        assert_eq!(text(&sheet, documentary, 6), "", "no checks");
        assert_eq!(text(&sheet, documentary, 7), "");
    }

    #[test]
    fn a_sheet_per_case_study_and_a_summary_of_all() {
        let demo = Demo::load();
        let (snapshot, evaluation) = second_customer(&demo);
        let second = Contents {
            snapshot: &snapshot,
            evaluation: &evaluation,
            ..demo.contents()
        };
        let mut workbook = open(self_assessment(&[demo.contents(), second]).unwrap());
        assert_eq!(
            workbook.sheet_names(),
            ["Summary", "000034941834", "111122223333 Example Corp EU We"]
        );
        let sheet = workbook
            .worksheet_range("111122223333 Example Corp EU We")
            .unwrap();
        assert!(text(&sheet, 1, 0).starts_with("Account 111122223333 (Example Corp: EU/West),"));
        assert_eq!(text(&sheet, row_of(&sheet, "RDS-009"), 4), "Partially met");

        let summary = workbook.worksheet_range("Summary").unwrap();
        assert_eq!(text(&summary, HEADER_ROW, 0), "Case study sheet");
        let first = HEADER_ROW + 1;
        assert_eq!(text(&summary, first, 0), "000034941834");
        assert_eq!(
            text(&summary, first + 1, 0),
            "111122223333 Example Corp EU We"
        );
        assert_eq!(text(&summary, first + 1, 1), "111122223333");
        assert_eq!(text(&summary, first + 1, 2), "Example Corp: EU/West");
        assert_eq!(
            text(&summary, first + 1, 3),
            "customer=Example Corp: EU/West, environment=production"
        );
        assert_eq!(text(&summary, first + 1, 5), demo.snapshot.collected_at);
        let count = |row: u32, col: u32| match summary.get_value((row, col)) {
            Some(Data::Float(n)) => *n as usize,
            other => panic!("({row}, {col}) is not a number: {other:?}"),
        };
        let per_verdict: usize = (7..12).map(|col| count(first, col)).sum();
        assert_eq!(per_verdict, demo.profile.controls.len());
        assert_eq!(count(first, 12), demo.profile.controls.len());
        let met = demo
            .evaluation
            .controls
            .iter()
            .filter(|c| c.verdict == Verdict::NeedsAttestation)
            .count();
        assert_eq!(text(&summary, HEADER_ROW, 10), "Needs attestation");
        assert_eq!(count(first, 10), met);
    }

    #[test]
    fn the_same_cases_give_the_same_bytes_whatever_the_time() {
        let demo = Demo::load();
        let first = self_assessment(&[demo.contents()]).unwrap();
        // The document's creation time would otherwise be the clock's, to the second.
        std::thread::sleep(std::time::Duration::from_millis(1_100));
        let second = self_assessment(&[demo.contents()]).unwrap();
        assert!(
            first == second,
            "the workbook depends on when it was written"
        );
    }

    #[test]
    fn no_case_gives_a_summary_alone() {
        let workbook = open(self_assessment(&[]).unwrap());
        assert_eq!(workbook.sheet_names(), ["Summary"]);
    }

    #[test]
    fn sheet_names_follow_excels_rules() {
        assert_eq!(
            sanitize_sheet_name("123 [Acme]: R&D / *EU*?"),
            "123 Acme R&D EU"
        );
        assert_eq!(sanitize_sheet_name("'quoted'"), "quoted");
        assert_eq!(sanitize_sheet_name("[]:*?"), "Case study");
        let long = sanitize_sheet_name("111122223333 A very long customer name indeed");
        assert_eq!(long, "111122223333 A very long custom");
        assert_eq!(utf16_len(&long), MAX_SHEET_NAME_LEN);
        assert_eq!(
            utf16_len(&sanitize_sheet_name(&"😀".repeat(20))),
            30,
            "surrogate pairs count twice and are never split"
        );

        let mut taken = BTreeSet::from(["summary".to_owned()]);
        assert_eq!(unique_sheet_name("Summary", &mut taken), "Summary (2)");
        assert_eq!(unique_sheet_name(&long, &mut taken), long);
        assert_eq!(
            unique_sheet_name(&long.to_uppercase(), &mut taken),
            "111122223333 A VERY LONG CU (2)",
            "Excel compares names ignoring case"
        );
        assert_eq!(
            unique_sheet_name(&long, &mut taken),
            "111122223333 A very long cu (3)"
        );
    }

    #[test]
    fn long_lists_stay_within_a_cell() {
        let lines: Vec<String> = (0..10_000)
            .map(|n| format!("db_instance r/{n:08}"))
            .collect();
        let text = cell_text(&lines);
        assert!(utf16_len(&text) <= MAX_CELL_LEN);
        let last = text.lines().last().unwrap();
        let shown = text.lines().count() - 1;
        assert_eq!(last, format!("… and {} more", lines.len() - shown));
        assert_eq!(
            cell_text(&lines[..2]),
            "db_instance r/00000000\ndb_instance r/00000001"
        );
    }
}
