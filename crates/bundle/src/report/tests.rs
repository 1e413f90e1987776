use super::*;
use crate::testing::Demo;

fn diagram() -> Diagram {
    Diagram {
        name: "us-east-1".to_owned(),
        regions: vec!["us-east-1".to_owned()],
        dot: "digraph { a -> b }".to_owned(),
        drawio: "<mxfile/>".to_owned(),
        svg: "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><text x=\"2\" y=\"12\">prod-postgres</text></svg>\n".to_owned(),
    }
}

#[test]
fn markdown_of_the_demo_account() {
    let demo = Demo::load();
    insta::assert_snapshot!(markdown(demo.contents(), &[diagram()]));
}

#[test]
fn markdown_and_html_are_deterministic() {
    let demo = Demo::load();
    let diagrams = [diagram()];
    assert_eq!(
        markdown(demo.contents(), &diagrams),
        markdown(demo.contents(), &diagrams)
    );
    assert_eq!(
        html(demo.contents(), &diagrams),
        html(demo.contents(), &diagrams)
    );
}

const HOSTILE: &str = "<img src=x onerror=alert(1)>&\"'|`*";

/// The demo account with `dev-mysql` renamed to something that is markup in both formats.
fn hostile() -> Demo {
    let mut demo = Demo::load();
    let region = demo
        .snapshot
        .regions
        .iter_mut()
        .find(|r| r.region == "us-east-1")
        .unwrap();
    let instances = match &mut region.db_instances {
        rds_evidence_inventory::Observed::Value(instances) => instances,
        rds_evidence_inventory::Observed::Unknown(_) => unreachable!("the demo lists instances"),
    };
    let instance = instances
        .iter_mut()
        .find(|i| i.identifier == "dev-mysql")
        .unwrap();
    instance.identifier = HOSTILE.to_owned();
    demo.evaluation =
        rds_evidence_controls::evaluate(&demo.snapshot, &demo.profile, &demo.attestations);
    demo
}

#[test]
fn html_escapes_what_the_snapshot_names() {
    let demo = hostile();
    assert!(
        demo.evaluation
            .findings
            .iter()
            .any(|f| f.resource.id == HOSTILE && f.outcome == rds_evidence_controls::Outcome::Fail),
        "the renamed instance must appear among failing findings for the test to mean anything"
    );
    let page = html(demo.contents(), &[diagram()]);
    assert!(!page.contains("<img"), "unescaped resource id in the HTML");
    assert!(!page.contains("onerror=alert(1)>"));
    let escaped = "&#60;img src=x onerror=alert(1)&#62;&#38;&#34;&#39;|`*";
    let occurrences = page.matches(escaped).count();
    assert!(
        occurrences >= 3,
        "inventory, findings and narrative all name it escaped; found {occurrences}"
    );
}

#[test]
fn markdown_escapes_what_the_snapshot_names() {
    let demo = hostile();
    let text = markdown(demo.contents(), &[diagram()]);
    let prose = without_code_spans(&text);
    assert!(
        prose.contains("\\<img src=x onerror=alert(1)\\>"),
        "escaped in prose"
    );
    assert!(
        !prose.replace("\\<", "").replace("<br>", "").contains('<'),
        "raw HTML in the Markdown's prose"
    );
    // In a code span the name stays literal, its pipe escaped so the table keeps its columns.
    assert!(text.contains("``instance us-east-1/<img src=x onerror=alert(1)>&\"'\\|`*``"));
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("| ``instance us-east-1/<img"))
        .collect();
    assert!(!rows.is_empty());
    for row in rows {
        let unescaped_pipes = row.matches('|').count() - row.matches("\\|").count();
        assert_eq!(unescaped_pipes, 4, "a findings row has three cells: {row}");
    }
}

/// The text with every code span (literal, so harmless) removed, as CommonMark delimits them:
/// an unescaped run of backticks up to the next run of the same length.
fn without_code_spans(text: &str) -> String {
    let bytes = text.as_bytes();
    let run_at = |at: usize| bytes[at..].iter().take_while(|b| **b == b'`').count();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if at + 1 < bytes.len() => {
                out.push_str(&text[at..at + 2]);
                at += 2;
            }
            b'`' => {
                let run = run_at(at);
                let close =
                    (at + run..bytes.len()).find(|&i| run_at(i) == run && bytes[i - 1] != b'`');
                at = match close {
                    Some(close) => close + run,
                    None => {
                        out.push_str(&text[at..at + run]);
                        at + run
                    }
                };
            }
            _ => {
                let next = text[at + 1..]
                    .find(['\\', '`'])
                    .map_or(text.len(), |n| at + 1 + n);
                out.push_str(&text[at..next]);
                at = next;
            }
        }
    }
    out
}

/// Every `attr="value"` in the page, for the named attribute.
fn attribute_values<'p>(page: &'p str, attribute: &str) -> Vec<&'p str> {
    let needle = format!(" {attribute}=\"");
    page.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &page[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn html_is_self_contained() {
    let demo = Demo::load();
    let trend = sample_trend();
    for trend in [None, Some(&trend)] {
        self_contained(
            &demo,
            &html_in(
                demo.contents(),
                &[diagram()],
                Context {
                    inputs: None,
                    trend,
                },
            ),
        );
    }
}

fn self_contained(demo: &Demo, page: &str) {
    for forbidden in [
        "<link", "<script", "<iframe", "<object", "<embed", "@import", "url(",
    ] {
        assert!(
            !page.contains(forbidden),
            "{forbidden} in a page meant to work offline"
        );
    }
    assert!(
        attribute_values(page, "src").is_empty(),
        "no element loads anything"
    );
    let attested: Vec<&str> = demo
        .attestations
        .controls
        .values()
        .flat_map(|a| &a.documents)
        .map(|d| d.reference.as_str())
        .collect();
    for href in attribute_values(page, "href") {
        assert!(
            href.starts_with('#') || attested.contains(&href),
            "{href}: only in-page anchors and attested document links"
        );
    }
    assert!(
        page.contains("<a href=\"https://wiki.example.com/rds/backup-policy\">"),
        "an attested URL is a plain link"
    );
}

#[test]
fn every_control_has_an_anchor_and_a_contents_entry() {
    let demo = Demo::load();
    let page = html(demo.contents(), &[]);
    let ids = attribute_values(&page, "id");
    for control in &demo.evaluation.controls {
        let anchor = format!("control-{}", control.control);
        assert_eq!(
            ids.iter().filter(|id| **id == anchor).count(),
            1,
            "{anchor} is the id of exactly one element"
        );
        assert!(
            page.contains(&format!("href=\"#{anchor}\"")),
            "{anchor} in the contents"
        );
    }
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "ids are unique");
    for href in attribute_values(&page, "href")
        .iter()
        .filter(|h| h.starts_with('#'))
    {
        assert!(ids.contains(&&href[1..]), "{href} points nowhere");
    }
}

#[test]
fn html_inlines_the_diagrams() {
    let demo = Demo::load();
    let page = html(demo.contents(), &[diagram()]);
    assert!(page.contains(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><text x=\"2\" y=\"12\">prod-postgres</text></svg>"
    ));
    assert!(
        !page.contains("<?xml"),
        "the XML declaration is dropped inside HTML"
    );
    assert!(page.contains("diagrams/us-east-1.dot"));
    assert!(page.contains("diagrams/us-east-1.drawio"));
}

#[test]
fn html_shows_verdicts_attestations_inventory_and_gaps() {
    let demo = Demo::load();
    let page = html(demo.contents(), &[diagram()]);
    let gaps = demo.snapshot.gaps();
    assert!(!gaps.is_empty());
    for gap in &gaps {
        assert!(page.contains(&gap.why.action), "{} missing", gap.why.action);
    }
    assert!(page.contains("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"));
    assert!(page.contains("referenced, not hashed"));
    assert!(page.contains("Attestation: partner to supply"));
    assert!(page.contains(&demo.snapshot.collected_at));
    for id in ["prod-postgres-dr", "prod-aurora", "dev-mysql"] {
        assert!(
            page.contains(&format!("<code>{id}</code>")),
            "{id} in the inventory"
        );
    }
    let not_met = demo
        .evaluation
        .controls
        .iter()
        .filter(|c| c.verdict == rds_evidence_controls::Verdict::NotMet)
        .count();
    assert!(page.contains(&format!(
        "<span class=\"n\">{not_met}</span><span class=\"badge not-met\">Not met</span>"
    )));
}

#[test]
fn a_large_estate_renders_quickly_and_stays_readable() {
    let mut demo = Demo::load();
    let region = demo
        .snapshot
        .regions
        .iter_mut()
        .find(|r| r.region == "us-east-1")
        .unwrap();
    let rds_evidence_inventory::Observed::Value(instances) = &mut region.db_instances else {
        unreachable!("the demo lists instances")
    };
    let template = instances
        .iter()
        .find(|i| i.identifier == "dev-mysql")
        .unwrap()
        .clone();
    instances.extend((0..10_000).map(|n| {
        let mut instance = template.clone();
        instance.identifier = format!("db-{n:05}");
        instance.arn = format!("{}-{n:05}", template.arn);
        instance
    }));
    demo.evaluation =
        rds_evidence_controls::evaluate(&demo.snapshot, &demo.profile, &demo.attestations);

    let started = std::time::Instant::now();
    let text = markdown(demo.contents(), &[diagram()]);
    let page = html(demo.contents(), &[diagram()]);
    let elapsed = started.elapsed();
    // Generous for a debug build on a shared machine; a quadratic scan takes minutes.
    assert!(elapsed.as_secs() < 20, "rendering took {elapsed:?}");

    assert!(
        page.contains("<code>db-09999</code>"),
        "the inventory lists every instance"
    );
    assert!(
        page.contains("more not shown: see <code>findings.csv</code>"),
        "long finding lists are cut, with a pointer to the full list"
    );
    let failing_rows = text.matches("| `instance us-east-1/db-").count();
    let instances_in_inventory = text.matches("| `db-").count();
    assert_eq!(instances_in_inventory, 10_000);
    assert!(
        failing_rows < 10_000,
        "findings are excerpted, not dumped: {failing_rows} rows"
    );
}

fn sample_trend() -> Trend {
    use rds_evidence_controls::Verdict;
    let run = |at: &str, counts: &[(Verdict, usize)]| TrendRun {
        collected_at: at.to_owned(),
        counts: counts.iter().copied().collect(),
    };
    Trend {
        runs: vec![
            run(
                "2026-11-27T00:00:00Z",
                &[(Verdict::Met, 20), (Verdict::NotMet, 8)],
            ),
            run(
                "2026-11-29T02:56:58Z",
                &[(Verdict::Met, 22), (Verdict::NeedsAttestation, 6)],
            ),
        ],
    }
}

#[test]
fn a_trend_shows_verdicts_over_time_after_the_summary() {
    let demo = Demo::load();
    let diagrams = [diagram()];
    let trend = sample_trend();

    let page = html_in(
        demo.contents(),
        &diagrams,
        Context {
            inputs: None,
            trend: Some(&trend),
        },
    );
    assert!(page.contains("<li><a href=\"#trend\">Verdicts over time</a></li>"));
    let summary = page.find("<h2 id=\"summary\"").unwrap();
    let section = page.find("<h2 id=\"trend\"").unwrap();
    let controls = page.find("<h2 id=\"controls\"").unwrap();
    assert!(summary < section && section < controls);
    let figure = &page[section..controls];
    assert!(
        figure.contains("<figure id=\"trend-chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"")
    );
    assert_eq!(figure.matches("<g><title>").count(), 2);
    assert!(figure.contains(
        "<tr><td>2026-11-29T02:56:58Z</td><td class=\"num\">22</td><td class=\"num\">6</td>\
         <td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">0</td></tr>"
    ));

    let text = markdown_in(
        demo.contents(),
        &diagrams,
        Context {
            inputs: None,
            trend: Some(&trend),
        },
    );
    assert!(text.contains(
        "## Verdicts over time\n\n\
         | Collected at | Met | Needs attestation | Partially met | Insufficient evidence | Not met |\n\
         |---|---:|---:|---:|---:|---:|\n\
         | 2026-11-27T00:00:00Z | 20 | 0 | 0 | 0 | 8 |\n\
         | 2026-11-29T02:56:58Z | 22 | 6 | 0 | 0 | 0 |\n\n## Controls\n"
    ));
}

#[test]
fn without_a_trend_the_reports_are_unchanged() {
    let demo = Demo::load();
    let diagrams = [diagram()];
    let empty = Trend::default();
    for trend in [None, Some(&empty)] {
        assert_eq!(
            markdown_in(
                demo.contents(),
                &diagrams,
                Context {
                    inputs: None,
                    trend
                }
            ),
            markdown(demo.contents(), &diagrams)
        );
        let page = html_in(
            demo.contents(),
            &diagrams,
            Context {
                inputs: None,
                trend,
            },
        );
        assert_eq!(page, html(demo.contents(), &diagrams));
        assert!(!page.contains("Verdicts over time"));
    }
}

/// The first screen says how the snapshot was collected, whether the checklist is the official
/// edition, and warns when the databases' ARNs name another account than the caller's.
#[test]
fn the_first_screen_states_the_provenance() {
    let mut demo = Demo::load();
    demo.snapshot.source = Some(rds_evidence_inventory::Source::Replay {
        recording: "recordings/acme".to_owned(),
        recorded_at: "2026-11-29T04:51:57Z".to_owned(),
        recorded_by: "0.1.0".to_owned(),
        anonymized: true,
    });
    let page = html(demo.contents(), &[]);
    let text = markdown(demo.contents(), &[]);
    for report in [&page, &text] {
        assert!(
            report.contains(
                "replay of the recording recordings/acme, recorded 2026-11-29T04:51:57Z by \
                 rds-evidence 0.1.0, account ids anonymized: nothing was read from AWS"
            ),
            "{report}"
        );
        assert!(report.contains("the built-in edition"), "{report}");
        assert!(!report.contains("Warning"), "{report}");
    }

    // The built-in profile's id with a threshold loosened, from a file.
    demo.profile.thresholds.min_backup_retention_days = 1;
    let inputs = crate::manifest::Inputs {
        source: "snapshot:old/snapshot.json".to_owned(),
        profile: Some("lenient.toml".to_owned()),
        profile_sha256: Some("ab12".to_owned()),
        attestations: None,
        case_study: None,
    };
    let context = Context {
        inputs: Some(&inputs),
        trend: None,
    };
    let text = markdown_in(demo.contents(), &[], context);
    assert!(
        text.contains(
            "the file lenient.toml (SHA-256 ab12): NOT the official checklist, it differs from \
             the built-in edition it names"
        ),
        "{text}"
    );
    assert!(
        text.contains("| Evaluated again from | `old/snapshot.json` |"),
        "{text}"
    );
    let page = html_in(demo.contents(), &[], context);
    assert!(
        page.contains("<strong class=\"not-official\">the file lenient.toml"),
        "{page}"
    );

    // A database whose ARN names another account.
    let instances = match &mut demo.snapshot.regions[1].db_instances {
        rds_evidence_inventory::Observed::Value(instances) => instances,
        rds_evidence_inventory::Observed::Unknown(_) => unreachable!("the demo lists instances"),
    };
    instances[0].arn = instances[0].arn.replace("000034941834", "999988887777");
    let text = markdown(demo.contents(), &[]);
    assert!(
        text.contains(
            "> **Warning:** Databases in this snapshot belong to account(s) 999988887777, not \
             to 000034941834, the account the caller identity names"
        ) && text.contains("the recording may have been edited"),
        "{text}"
    );
    assert!(html(demo.contents(), &[]).contains("<p class=\"warning\" role=\"alert\">"));
}
