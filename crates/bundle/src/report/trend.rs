//! "Verdicts over time": how many controls had each verdict at each run of one account.
//!
//! The runs come from the caller (the history store); this module only draws them, as a
//! self-contained SVG (no script, no external font, every text escaped) for report.html and
//! as a table for report.md. Pure: the same trend gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write;

use rds_evidence_controls::Verdict;

use super::model::{verdict_badge, Badge};

/// Control verdict counts per run of one account, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trend {
    pub runs: Vec<TrendRun>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrendRun {
    /// When the run observed the account (its snapshot's `collected_at`), RFC 3339.
    pub collected_at: String,
    /// Controls per verdict; a verdict no control had may be absent.
    pub counts: BTreeMap<Verdict, usize>,
}

/// Bottom to top in the chart, left to right in the legend and the table: best first, so a
/// growing dark top band reads as things getting worse.
pub const STACK: [Verdict; 5] = [
    Verdict::Met,
    Verdict::NeedsAttestation,
    Verdict::PartiallyMet,
    Verdict::InsufficientEvidence,
    Verdict::NotMet,
];

impl TrendRun {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.counts.get(&verdict).copied().unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

/// The report's palette, as literal colours: the SVG must also stand on its own.
fn colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Met => "#1e7b3c",
        Verdict::PartiallyMet => "#c98a12",
        Verdict::NotMet => "#a8231f",
        Verdict::NeedsAttestation => "#3d4fa8",
        Verdict::InsufficientEvidence => "#8a93a0",
        Verdict::ExemptWafr => "#2f7f86",
    }
}

const PLOT_HEIGHT: f64 = 180.0;
/// Room for the first run's rotated date label, which reaches left of its bar.
const LEFT: f64 = 88.0;
const TOP: f64 = 34.0;
const RIGHT: f64 = 16.0;
/// Below the plot: rotated date labels.
const BELOW: f64 = 74.0;
/// At most this many runs get a date label; the rest are in the bars' tooltips.
const MAX_LABELS: usize = 12;

impl Trend {
    /// Stacked bars, one per run, of controls per verdict, with a legend and a tooltip
    /// (`<title>`) per bar giving the run's time and counts.
    pub fn svg(&self) -> String {
        let n = self.runs.len().max(1);
        let step = (720.0 / n as f64).clamp(6.0, 56.0);
        let bar = (step * 0.7).max(4.0);
        let width = (LEFT + step * n as f64 + RIGHT).max(600.0);
        let height = TOP + PLOT_HEIGHT + BELOW;
        let max = self
            .runs
            .iter()
            .map(TrendRun::total)
            .max()
            .unwrap_or(0)
            .max(1);
        let scale = PLOT_HEIGHT / max as f64;
        let baseline = TOP + PLOT_HEIGHT;

        let mut svg = String::with_capacity(2048 + self.runs.len() * 600);
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" \
             viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" \
             aria-label=\"Controls per verdict at each of {} runs\" \
             font-family=\"system-ui, sans-serif\" font-size=\"11\">",
            self.runs.len()
        );
        legend(&mut svg);
        // Grid: zero, half and the largest total.
        for value in [0, max / 2, max] {
            let y = baseline - value as f64 * scale;
            let _ = write!(
                svg,
                "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#d8dee6\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#5b6675\">{value}</text>",
                width - RIGHT,
                LEFT - 6.0,
                y + 4.0
            );
        }
        let label_every = self.runs.len().div_ceil(MAX_LABELS).max(1);
        for (i, run) in self.runs.iter().enumerate() {
            let x = LEFT + step * i as f64 + (step - bar) / 2.0;
            let _ = write!(svg, "<g><title>{}", escape(&run.collected_at));
            for verdict in STACK {
                let _ = write!(
                    svg,
                    ", {} {}",
                    run.count(verdict),
                    verdict_badge(verdict).label.to_lowercase()
                );
            }
            svg.push_str("</title>");
            let mut y = baseline;
            for verdict in STACK {
                let count = run.count(verdict);
                if count == 0 {
                    continue;
                }
                let h = count as f64 * scale;
                y -= h;
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                    colour(verdict)
                );
            }
            svg.push_str("</g>");
            let last = i + 1 == self.runs.len();
            if i % label_every == 0 || (last && label_every == 1) {
                let cx = x + bar / 2.0;
                let ty = baseline + 12.0;
                let _ = write!(
                    svg,
                    "<text x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"end\" fill=\"#5b6675\" \
                     transform=\"rotate(-40 {cx:.1} {ty:.1})\">{}</text>",
                    escape(&date_label(&run.collected_at))
                );
            }
        }
        svg.push_str("</svg>");
        svg
    }
}

fn legend(svg: &mut String) {
    let mut x = LEFT;
    for verdict in STACK {
        let Badge { label, .. } = verdict_badge(verdict);
        let _ = write!(
            svg,
            "<rect x=\"{x:.0}\" y=\"8\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{:.0}\" y=\"17\" fill=\"#1d2530\">{label}</text>",
            colour(verdict),
            x + 14.0
        );
        x += 22.0 + label.len() as f64 * 6.2;
    }
}

/// Date and minute, `2026-11-29 02:56`, from an RFC 3339 time; anything else as it is.
fn date_label(collected_at: &str) -> String {
    match (
        collected_at.get(..10),
        collected_at.get(10..11),
        collected_at.get(11..16),
    ) {
        (Some(date), Some("T"), Some(minute)) => format!("{date} {minute}"),
        _ => collected_at.to_owned(),
    }
}

fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(at: &str, met: usize, not_met: usize) -> TrendRun {
        TrendRun {
            collected_at: at.to_owned(),
            counts: BTreeMap::from([(Verdict::Met, met), (Verdict::NotMet, not_met)]),
        }
    }

    #[test]
    fn bars_stack_every_verdict_and_carry_a_tooltip() {
        let trend = Trend {
            runs: vec![
                run("2026-11-27T00:00:00Z", 20, 8),
                run("2026-11-28T00:00:00Z", 25, 3),
            ],
        };
        let svg = trend.svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<g><title>").count(), 2);
        assert!(svg.contains(
            "<title>2026-11-28T00:00:00Z, 25 met, 0 needs attestation, 0 partially met, \
             0 insufficient evidence, 3 not met</title>"
        ));
        // Two bars of two segments, and five legend swatches.
        assert_eq!(svg.matches("<rect").count(), 4 + 5);
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("href"));
        assert!(!svg.contains("@import") && !svg.contains("url("));
    }

    #[test]
    fn times_from_the_snapshot_are_escaped() {
        let trend = Trend {
            runs: vec![run("<b>&\"", 1, 0)],
        };
        let svg = trend.svg();
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;b&gt;&amp;&quot;"));
    }

    #[test]
    fn many_runs_get_a_few_date_labels() {
        let trend = Trend {
            runs: (0..100)
                .map(|i| run(&format!("2026-01-01T00:00:{:02}Z", i % 60), 1, 1))
                .collect(),
        };
        let labels = trend.svg().matches("transform=\"rotate").count();
        assert!(labels <= MAX_LABELS, "{labels} labels");
        assert!(labels >= MAX_LABELS / 2, "{labels} labels");
    }

    #[test]
    fn labels_keep_date_and_minute() {
        assert_eq!(date_label("2026-11-29T02:56:58Z"), "2026-11-29 02:56");
        assert_eq!(date_label("yesterday"), "yesterday");
    }
}
