//! report.md: the report as GitHub-flavoured Markdown, for wikis and pull requests.

use std::fmt::Write;

use super::model::{AttestationView, CheckView, ControlView, Excerpt, Listing, RegionView, Report};

/// Roughly what the text needs, so that a large estate is written without re-allocating.
fn capacity(report: &Report) -> usize {
    let rows: usize = report
        .controls
        .iter()
        .flat_map(|c| &c.checks)
        .map(|c| c.problems.rows.len() + c.observations.rows.len() + 4)
        .sum::<usize>()
        + report
            .regions
            .iter()
            .map(|r| r.instances.rows.len() + r.clusters.rows.len() + r.keys.len() + 8)
            .sum::<usize>()
        + report.gaps.len();
    16 * 1024 + rows * 160
}

pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(capacity(report));
    header(&mut out, report);
    summary(&mut out, report);
    trend(&mut out, report);
    controls(&mut out, report);
    inventory(&mut out, report);
    diagrams(&mut out, report);
    gaps(&mut out, report);
    out
}

fn header(out: &mut String, report: &Report) {
    let h = &report.header;
    let p = &h.provenance;
    let _ = writeln!(
        out,
        "# RDS evidence report: account {}\n",
        text(h.account_id)
    );
    for warning in &p.warnings {
        let _ = writeln!(out, "> **Warning:** {}\n", text(warning));
    }
    out.push_str("| | |\n|---|---|\n");
    row(out, &["Account", &code(h.account_id)]);
    for (name, value) in &h.labels {
        row(out, &[&text(&capitalised(name)), &text(value)]);
    }
    row(out, &["Collected by", &text(&p.collected_by)]);
    if let Some(file) = p.evaluated_from {
        row(out, &["Evaluated again from", &code(file)]);
    }
    row(out, &["Collected as", &code(h.caller_arn)]);
    row(out, &["Collected at", &text(h.collected_at)]);
    let version = match p.evaluated_by {
        Some(evaluator) => format!("{} (evaluated by {evaluator})", h.tool_version),
        None => h.tool_version.to_owned(),
    };
    row(out, &["Tool version", &text(&version)]);
    row(
        out,
        &[
            "Checklist",
            &format!(
                "{} ({}), {}",
                text(h.profile_title),
                code(h.profile_id),
                text(&p.checklist_edition)
            ),
        ],
    );
    row(out, &["Regions collected", &code_list(&h.regions)]);
    row(
        out,
        &["Regions not enabled", &code_list(&h.disabled_regions)],
    );
    out.push('\n');
    if let Some(case) = &h.case_study {
        let _ = writeln!(
            out,
            "## Case study {}
",
            code(case.id)
        );
        out.push_str(
            "| | |
|---|---|
",
        );
        row(out, &["Customer", &text(case.customer)]);
        row(out, &["Engine specialty claimed", &text(case.engine)]);
        row(out, &["Accounts", &text(&case.accounts.join("; "))]);
        row(out, &["Scope", &text(case.rule)]);
        let names = |list: &[String]| {
            let items: Vec<&str> = list.iter().map(String::as_str).collect();
            code_list(&items)
        };
        row(out, &["Judged", &names(&case.in_scope)]);
        row(out, &["Not in this case study", &names(&case.out_of_scope)]);
        if let Some(wafr) = &case.wafr {
            row(out, &["Well-Architected review", &code(&wafr.workload)]);
            row(out, &["Pillars", &text(&wafr.pillars.join("; "))]);
            row(out, &["Exemption", &text(&wafr.outcome)]);
        }
        out.push('\n');
    }
}

fn summary(out: &mut String, report: &Report) {
    out.push_str("## Summary\n\n| Verdict | Controls |\n|---|---:|\n");
    for verdict in &report.verdicts {
        row(out, &[verdict.badge.label, &verdict.count.to_string()]);
    }
    out.push_str("\n| Control | Title | Verdict |\n|---|---|---|\n");
    for control in &report.controls {
        row(
            out,
            &[
                &code(control.id),
                &text(control.title),
                control.verdict.label,
            ],
        );
    }
    out.push('\n');
}

/// Controls per verdict at each run, oldest first: the numbers behind the HTML chart.
fn trend(out: &mut String, report: &Report) {
    let Some(trend) = &report.trend else {
        return;
    };
    out.push_str("## Verdicts over time\n\n| Collected at |");
    for column in &trend.columns {
        let _ = write!(out, " {} |", column.label);
    }
    out.push_str("\n|---|");
    for _ in &trend.columns {
        out.push_str("---:|");
    }
    out.push('\n');
    for run in &trend.rows {
        let counts: Vec<String> = run.counts.iter().map(usize::to_string).collect();
        let mut cells = vec![text(run.collected_at)];
        cells.extend(counts);
        row(out, &cells.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out.push('\n');
}

fn controls(out: &mut String, report: &Report) {
    out.push_str("## Controls\n\n");
    for control in &report.controls {
        control_section(out, control, report.findings_file);
    }
}

fn control_section(out: &mut String, control: &ControlView, findings_file: &str) {
    let _ = writeln!(out, "### {}: {}\n", text(control.id), text(control.title));
    let _ = writeln!(out, "**Verdict: {}**\n", control.verdict.label);
    if !control.requirement.is_empty() {
        let _ = writeln!(out, "Requirement: {}\n", text(control.requirement));
    }
    let _ = writeln!(out, "{}\n", text(control.narrative));
    if !control.checks.is_empty() {
        out.push_str("| Check | Status | Results |\n|---|---|---|\n");
        for check in &control.checks {
            row(
                out,
                &[
                    &format!("{} {}", code(check.id), text(check.title)),
                    &if check.weight.is_empty() {
                        check.status.label.to_owned()
                    } else {
                        format!("{} ({})", check.status.label, text(&check.weight))
                    },
                    &text(&check.counts),
                ],
            );
        }
        out.push('\n');
        for check in &control.checks {
            check_evidence(out, check, findings_file);
        }
    }
    attestation(out, &control.attestation);
}

fn check_evidence(out: &mut String, check: &CheckView, findings_file: &str) {
    if check.problems.is_empty() && check.observations.is_empty() && check.passed == 0 {
        return;
    }
    let _ = writeln!(
        out,
        "#### {} ({}, severity {})\n",
        code(check.id),
        check.status.label,
        check.severity
    );
    if check.passed > 0 {
        let _ = write!(
            out,
            "Passed on {} resource(s): {}",
            check.passed,
            check
                .pass_examples
                .iter()
                .map(|name| code(name))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if check.passed > check.pass_examples.len() {
            let _ = write!(
                out,
                " and {} more",
                check.passed - check.pass_examples.len()
            );
        }
        out.push_str(".\n\n");
    }
    if !check.problems.is_empty() {
        let _ = writeln!(out, "Remediation: {}\n", text(check.remediation));
        findings_table(out, &check.problems, false, findings_file);
    }
    if !check.observations.is_empty() {
        out.push_str("Observations:\n\n");
        findings_table(out, &check.observations, true, findings_file);
    }
}

fn findings_table(out: &mut String, excerpt: &Excerpt, with_values: bool, findings_file: &str) {
    if with_values {
        out.push_str("| Resource | Detail | Values |\n|---|---|---|\n");
    } else {
        out.push_str("| Resource | Outcome | Detail |\n|---|---|---|\n");
    }
    for finding in &excerpt.rows {
        let third = if with_values {
            text(&finding.values)
        } else {
            text(finding.detail)
        };
        let second = if with_values {
            text(finding.detail)
        } else {
            finding.outcome.label.to_owned()
        };
        row(out, &[&code(&finding.resource), &second, &third]);
    }
    if excerpt.more > 0 {
        let _ = writeln!(
            out,
            "\n{} more not shown: see `{findings_file}`.",
            excerpt.more
        );
    }
    out.push('\n');
}

fn attestation(out: &mut String, attestation: &AttestationView) {
    match attestation {
        AttestationView::NotRequired => {}
        AttestationView::Missing { needed } => {
            let _ = writeln!(out, "**Partner to supply:** {}\n", text(needed));
        }
        AttestationView::Supplied {
            needed,
            statement,
            documents,
        } => {
            out.push_str("**Attestation**\n\n");
            if let Some(needed) = needed {
                let _ = writeln!(out, "- Asked for: {}", text(needed));
            }
            if let Some(statement) = statement {
                let _ = writeln!(out, "- Statement: {}", text(statement));
            }
            for document in documents {
                let hash = match document.sha256 {
                    Some(hash) => format!("SHA-256 {}", code(hash)),
                    None => "referenced, not hashed".to_owned(),
                };
                let _ = writeln!(out, "- Document {}: {hash}", code(document.reference));
            }
            out.push('\n');
        }
    }
}

fn inventory(out: &mut String, report: &Report) {
    out.push_str("## Inventory\n\n### Account-wide: CloudTrail trails\n\n");
    listing_table(
        out,
        &report.trails,
        "| Trail | Home region | Multi-region | Logging | Log file validation | Bucket |\n|---|---|---|---|---|---|\n",
        |out, t| {
            row(
                out,
                &[
                    &code(t.name),
                    &text(t.home_region),
                    t.multi_region,
                    &text(&t.logging),
                    t.log_file_validation,
                    &code(t.bucket),
                ],
            )
        },
    );
    for region in &report.regions {
        region_section(out, region);
    }
}

fn region_section(out: &mut String, region: &RegionView) {
    let _ = writeln!(out, "### Region {}\n", code(region.region));
    if region.is_empty() {
        out.push_str("No RDS databases.\n\n");
        return;
    }
    out.push_str("DB instances:\n\n");
    listing_table(
        out,
        &region.instances,
        "| Instance | Engine | Class | Status | Multi-AZ | Encrypted | Public | Role |\n|---|---|---|---|---|---|---|---|\n",
        |out, i| {
            row(
                out,
                &[
                    &code(i.id),
                    &text(&i.engine),
                    &text(i.class),
                    &text(i.status),
                    i.multi_az,
                    i.encrypted,
                    i.public,
                    &text(&i.role),
                ],
            )
        },
    );
    out.push_str("Clusters:\n\n");
    listing_table(
        out,
        &region.clusters,
        "| Cluster | Engine | Writer | Readers | Multi-AZ | Encrypted |\n|---|---|---|---|---|---|\n",
        |out, c| {
            row(
                out,
                &[
                    &code(c.id),
                    &text(&c.engine),
                    &text(&c.writer),
                    &text(&c.readers),
                    c.multi_az,
                    c.encrypted,
                ],
            )
        },
    );
    for count in &region.snapshots {
        let _ = writeln!(out, "- {}: {}", count.kind, text(&count.summary));
    }
    out.push('\n');
    if !region.keys.is_empty() {
        out.push_str(
            "KMS keys:\n\n| Key | Aliases | Manager | State | Rotation |\n|---|---|---|---|---|\n",
        );
        for k in &region.keys {
            row(
                out,
                &[
                    &code(k.arn),
                    &text(&k.aliases),
                    &text(&k.manager),
                    &text(&k.state),
                    &text(&k.rotation),
                ],
            );
        }
        out.push('\n');
    }
    out.push_str("VPCs hosting databases:\n\n");
    listing_table(
        out,
        &region.vpcs,
        "| VPC | Name | CIDR | Default | Subnets |\n|---|---|---|---|---|\n",
        |out, v| {
            row(
                out,
                &[
                    &code(v.id),
                    &text(v.name),
                    &text(v.cidr),
                    v.default,
                    &text(&v.subnets),
                ],
            )
        },
    );
    if !region.excluded.is_empty() {
        out.push_str("Left out (not RDS):\n\n");
        for excluded in &region.excluded {
            let _ = writeln!(out, "- {}", text(excluded));
        }
        out.push('\n');
    }
}

fn listing_table<T>(
    out: &mut String,
    listing: &Listing<T>,
    head: &str,
    mut each: impl FnMut(&mut String, &T),
) {
    if let Some(why) = &listing.unknown {
        let _ = writeln!(out, "Not collected: {}\n", text(why));
    } else if listing.rows.is_empty() {
        out.push_str("None.\n\n");
    } else {
        out.push_str(head);
        for item in &listing.rows {
            each(out, item);
        }
        out.push('\n');
    }
}

fn diagrams(out: &mut String, report: &Report) {
    out.push_str("## Architecture diagrams\n\n");
    if report.diagrams.is_empty() {
        out.push_str("No region has databases to draw.\n\n");
    }
    for diagram in &report.diagrams {
        let name = diagram.name;
        let path = link_path(name);
        let _ = writeln!(
            out,
            "### {}\n\n![Architecture of {}](diagrams/{path}.svg)\n\nEditable in diagrams.net: \
             [{}](diagrams/{path}.drawio) · Graphviz source: [{}](diagrams/{path}.dot)\n",
            text(&diagram.regions),
            text(&diagram.regions),
            code(&format!("diagrams/{name}.drawio")),
            code(&format!("diagrams/{name}.dot")),
        );
    }
}

fn gaps(out: &mut String, report: &Report) {
    out.push_str("## What could not be collected\n\n");
    if report.gaps.is_empty() {
        out.push_str("Everything the tool reads was collected.\n");
        return;
    }
    out.push_str("| Where | What | Call | Failure | Message |\n|---|---|---|---|---|\n");
    for gap in &report.gaps {
        row(
            out,
            &[
                &text(gap.region),
                &text(&gap.subject),
                &code(gap.action),
                gap.kind,
                &text(gap.message),
            ],
        );
    }
}

/// One table row.
pub fn row(out: &mut String, cells: &[&str]) {
    out.push('|');
    for cell in cells {
        out.push(' ');
        out.push_str(cell);
        out.push_str(" |");
    }
    out.push('\n');
}

/// Prose with Markdown's active characters escaped and line breaks kept as `<br>`, so that
/// snapshot text (resource names, messages) cannot format, link or break a table.
pub fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut previous = ' ';
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Between letters or digits `_` cannot emphasise: `db_instance` stays readable.
            '_' if previous.is_alphanumeric()
                && chars.peek().is_some_and(|next| next.is_alphanumeric()) =>
            {
                out.push(c)
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
        previous = c;
    }
    out
}

/// An identifier as a code span: nothing inside is formatting, but GFM tables still split on
/// `|` and a backtick would close the span, so those are handled.
pub fn code(raw: &str) -> String {
    if raw.is_empty() {
        return String::new();
    }
    let flat = raw.replace(['\r', '\n'], " ").replace('|', "\\|");
    let longest_run = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

fn code_list(items: &[&str]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(|item| code(item))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A path segment for a link target: region names are plain, but nothing from a snapshot goes
/// into a link unencoded.
fn link_path(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_format_or_break_a_table() {
        assert_eq!(text("a|b\nc"), "a\\|b<br>c");
        assert_eq!(text("<script>"), "\\<script\\>");
        assert_eq!(text("[x](y) *z*"), "\\[x\\](y) \\*z\\*");
        assert_eq!(text("a\r\nb"), "a<br>b");
        assert_eq!(text("db_instance _x_"), "db_instance \\_x\\_");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("db-1"), "`db-1`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a\nb"), "`a b`");
    }

    #[test]
    fn link_paths_are_percent_encoded() {
        assert_eq!(link_path("us-east-1"), "us-east-1");
        assert_eq!(link_path("a b)"), "a%20b%29");
    }
}
