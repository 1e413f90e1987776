//! Each control's verdict over the runs of one account: a compact table for the terminal, and
//! the counts per run that the report's "Verdicts over time" chart draws.

use std::fmt::Write;

use rds_evidence_bundle::report::{Trend, TrendRun};
use rds_evidence_controls::{ControlVerdict, Verdict};
use serde::Serialize;

use crate::error::{HistoryError, NotVerified};
use crate::store::Store;
use crate::{time, verdicts};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryTable {
    pub account: String,
    /// Oldest first: the table's columns.
    pub runs: Vec<Run>,
    /// The newest run's controls in its (the checklist's) order, then controls only older
    /// runs had.
    pub controls: Vec<ControlRow>,
    /// Bundles left out: failed verification or could not be read.
    pub not_verified: Vec<NotVerified>,
    /// Bundles holding a snapshot only, which have no verdicts.
    pub not_evaluated: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    /// `YYYYMMDDTHHMMSSZ`.
    pub time: String,
    /// RFC 3339, as the snapshot has it.
    pub collected_at: String,
    /// `<account>/<time>` in the store; `None` for a run added with [`HistoryTable::push`]
    /// before its bundle was written.
    pub bundle: Option<String>,
}

impl Run {
    /// By time, then runs of the same second as the store numbers them; one not stored yet
    /// comes after them.
    fn order(&self) -> (&str, u32) {
        let sequence = match &self.bundle {
            Some(bundle) => bundle
                .rsplit('/')
                .next()
                .and_then(time::parse_run_name)
                .map_or(1, |(_, sequence)| sequence),
            None => u32::MAX,
        };
        (&self.time, sequence)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlRow {
    pub control: String,
    pub title: String,
    /// One per run; `None` when that run's profile has no such control.
    pub verdicts: Vec<Option<Verdict>>,
}

impl HistoryTable {
    /// The history of `account` in `store`: its last `last` bundles (all when `None`), each
    /// verified first; those that fail are listed in `not_verified` and left out.
    pub fn from_store(
        store: &Store,
        account: &str,
        last: Option<usize>,
    ) -> Result<HistoryTable, HistoryError> {
        let entries = store.entries(Some(account))?;
        if entries.is_empty() {
            let accounts = store.accounts()?;
            return Err(HistoryError::Reference {
                reference: account.to_owned(),
                why: format!(
                    "the store at {} holds no bundles of this account{}",
                    store.root().display(),
                    if accounts.is_empty() {
                        String::new()
                    } else {
                        format!("; it holds bundles of {}", accounts.join(", "))
                    }
                ),
            });
        }
        let skip = last.map_or(0, |n| entries.len().saturating_sub(n));
        let mut table = HistoryTable {
            account: account.to_owned(),
            runs: Vec::new(),
            controls: Vec::new(),
            not_verified: Vec::new(),
            not_evaluated: Vec::new(),
        };
        // Newest first, so that rows take the newest profile's order.
        for entry in entries[skip..].iter().rev() {
            match store.load(entry) {
                Err(error) => table
                    .not_verified
                    .push(error.into_not_verified(&entry.path)),
                Ok(bundle) => match &bundle.evaluation {
                    None => table.not_evaluated.push(entry.path.clone()),
                    Some(evaluation) => table.add(
                        Run {
                            time: entry.time.clone(),
                            collected_at: bundle.manifest.collected_at.clone(),
                            bundle: Some(entry.path.clone()),
                        },
                        &evaluation.controls,
                    ),
                },
            }
        }
        table.not_verified.reverse();
        table.not_evaluated.reverse();
        Ok(table)
    }

    /// Adds a run that is not in the store yet (the one being written, so that its report's
    /// trend ends with it): after the runs of the same second, as the store files it.
    pub fn push(
        &mut self,
        collected_at: &str,
        controls: &[ControlVerdict],
    ) -> Result<(), HistoryError> {
        let time = time::stamp(collected_at).ok_or_else(|| HistoryError::BadTime {
            time: collected_at.to_owned(),
        })?;
        self.add(
            Run {
                time,
                collected_at: collected_at.to_owned(),
                bundle: None,
            },
            controls,
        );
        Ok(())
    }

    fn add(&mut self, run: Run, controls: &[ControlVerdict]) {
        let at = self.runs.partition_point(|r| r.order() <= run.order());
        self.runs.insert(at, run);
        for row in &mut self.controls {
            row.verdicts.insert(at, None);
        }
        for control in controls {
            let index = match self
                .controls
                .iter()
                .position(|r| r.control == control.control)
            {
                Some(index) => index,
                None => {
                    self.controls.push(ControlRow {
                        control: control.control.clone(),
                        title: control.title.clone(),
                        verdicts: vec![None; self.runs.len()],
                    });
                    self.controls.len() - 1
                }
            };
            self.controls[index].verdicts[at] = Some(control.verdict);
        }
    }

    /// Controls per verdict at each run, for the report's chart.
    pub fn trend(&self) -> Trend {
        Trend {
            runs: self
                .runs
                .iter()
                .enumerate()
                .map(|(i, run)| {
                    let mut counts = std::collections::BTreeMap::new();
                    for verdict in self.controls.iter().filter_map(|row| row.verdicts[i]) {
                        *counts.entry(verdict).or_insert(0) += 1;
                    }
                    TrendRun {
                        collected_at: run.collected_at.clone(),
                        counts,
                    }
                })
                .collect(),
        }
    }

    /// The trend as a self-contained SVG: stacked counts per verdict, one bar per run.
    pub fn trend_svg(&self) -> String {
        self.trend().svg()
    }

    /// Runs numbered and listed, then one row per control with a letter per run.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "Verdicts of account {} over {} run(s)",
            self.account,
            self.runs.len()
        );
        if let (Some(first), Some(last)) = (self.runs.first(), self.runs.last()) {
            let _ = write!(out, ", {} to {}", first.collected_at, last.collected_at);
        }
        out.push_str("\n\nRuns:\n");
        let width = self.runs.len().to_string().len();
        for (i, run) in self.runs.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {:>width$}  {}  {}",
                i + 1,
                run.collected_at,
                run.bundle.as_deref().unwrap_or("(this run)")
            );
        }
        let id_width = self
            .controls
            .iter()
            .map(|r| r.control.len())
            .chain(["Control".len()])
            .max()
            .unwrap_or(0);
        let _ = write!(out, "\n{:<id_width$} ", "Control");
        for i in 0..self.runs.len() {
            let _ = write!(out, " {:>width$}", i + 1);
        }
        out.push_str("  Title\n");
        for row in &self.controls {
            let _ = write!(out, "{:<id_width$} ", row.control);
            for verdict in &row.verdicts {
                let symbol = verdict.map_or(verdicts::ABSENT, verdicts::symbol);
                let _ = write!(out, " {symbol:>width$}");
            }
            let _ = writeln!(out, "  {}", row.title);
        }
        let _ = writeln!(
            out,
            "\nLegend: {}",
            verdicts::legend("not in that run's profile")
        );
        if !self.not_verified.is_empty() {
            out.push_str("\nNot verified, left out:\n");
            for bundle in &self.not_verified {
                let _ = writeln!(out, "  {}: {}", bundle.bundle, bundle.problems.join("; "));
            }
        }
        if !self.not_evaluated.is_empty() {
            let _ = writeln!(
                out,
                "\nSnapshot only, no verdicts: {}",
                self.not_evaluated.join(", ")
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use rds_evidence_controls::Verdict::{
        InsufficientEvidence, Met, NeedsAttestation, NotMet, PartiallyMet,
    };

    use super::*;
    use crate::testing::{control, demo_snapshot, tamper, write_with_verdicts};

    const ACCOUNT: &str = "000034941834";

    /// Four runs with fixed verdicts; the second is tampered with.
    fn four_runs() -> (tempfile::TempDir, Store) {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(&root.path().join("store")).unwrap();
        let mut snapshot = demo_snapshot();
        let runs: [(&str, &[(&str, Verdict)]); 4] = [
            (
                "2026-11-27T00:00:00Z",
                &[("T-1", NotMet), ("T-2", InsufficientEvidence)],
            ),
            (
                "2026-11-28T00:00:00Z",
                &[("T-1", PartiallyMet), ("T-2", Met)],
            ),
            (
                "2026-11-29T00:00:00Z",
                &[("T-1", Met), ("T-2", Met), ("T-3", NeedsAttestation)],
            ),
            (
                "2026-11-30T00:00:00Z",
                &[("T-1", Met), ("T-2", NeedsAttestation), ("T-3", Met)],
            ),
        ];
        for (i, (at, verdicts)) in runs.iter().enumerate() {
            let dir = write_with_verdicts(&store, &mut snapshot, at, verdicts);
            if i == 1 {
                tamper(&dir, "report.md");
            }
        }
        (root, store)
    }

    #[test]
    fn a_tampered_run_is_named_and_left_out() {
        let (_root, store) = four_runs();
        let table = HistoryTable::from_store(&store, ACCOUNT, None).unwrap();
        let times: Vec<&str> = table.runs.iter().map(|r| r.time.as_str()).collect();
        assert_eq!(
            times,
            ["20261127T000000Z", "20261129T000000Z", "20261130T000000Z"]
        );
        assert_eq!(
            table.not_verified,
            [NotVerified {
                bundle: "000034941834/20261128T000000Z".to_owned(),
                problems: vec!["report.md: altered (SHA-256 differs)".to_owned()],
            }]
        );
        let rows: Vec<(&str, &[Option<Verdict>])> = table
            .controls
            .iter()
            .map(|r| (r.control.as_str(), r.verdicts.as_slice()))
            .collect();
        assert_eq!(
            rows,
            [
                ("T-1", &[Some(NotMet), Some(Met), Some(Met)][..]),
                (
                    "T-2",
                    &[
                        Some(InsufficientEvidence),
                        Some(Met),
                        Some(NeedsAttestation)
                    ][..]
                ),
                ("T-3", &[None, Some(NeedsAttestation), Some(Met)][..]),
            ]
        );
        insta::assert_snapshot!(table.to_text());
    }

    #[test]
    fn the_last_runs_only() {
        let (_root, store) = four_runs();
        let table = HistoryTable::from_store(&store, ACCOUNT, Some(2)).unwrap();
        assert_eq!(table.runs.len(), 2);
        assert!(table.not_verified.is_empty(), "the tampered run is older");
    }

    #[test]
    fn the_run_being_written_ends_the_trend() {
        let (_root, store) = four_runs();
        let mut table = HistoryTable::from_store(&store, ACCOUNT, None).unwrap();
        table
            .push(
                "2026-12-01T00:00:00Z",
                &[control("T-1", NotMet), control("T-4", Met)],
            )
            .unwrap();
        assert_eq!(table.runs.len(), 4);
        assert_eq!(table.runs[3].bundle, None);
        let last: Vec<Option<Verdict>> = table.controls.iter().map(|r| r.verdicts[3]).collect();
        assert_eq!(last, [Some(NotMet), None, None, Some(Met)]);
        assert_eq!(table.controls[3].verdicts, [None, None, None, Some(Met)]);

        // Another run of the same second: a column of its own after it, as the store keeps
        // both bundles.
        table
            .push("2026-12-01T00:00:00.500Z", &[control("T-1", Met)])
            .unwrap();
        assert_eq!(table.runs.len(), 5);
        let last: Vec<Option<Verdict>> = table.controls.iter().map(|r| r.verdicts[4]).collect();
        assert_eq!(last, [Some(Met), None, None, None]);

        let trend = table.trend();
        let counts: Vec<(usize, usize)> = trend
            .runs
            .iter()
            .map(|r| (r.count(Met), r.count(NotMet)))
            .collect();
        assert_eq!(counts, [(0, 1), (2, 0), (2, 0), (1, 1), (1, 0)]);
        let svg = table.trend_svg();
        assert_eq!(svg.matches("<g><title>").count(), 5);
        assert!(table
            .push("soon", &[])
            .unwrap_err()
            .to_string()
            .contains("\"soon\""));
    }

    #[test]
    fn an_account_without_bundles_is_an_error_naming_those_with() {
        let (_root, store) = four_runs();
        let err = HistoryTable::from_store(&store, "111111111111", None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("111111111111: "), "{err}");
        assert!(err.contains("it holds bundles of 000034941834"), "{err}");
    }
}
