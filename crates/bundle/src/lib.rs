//! The evidence bundle: everything a validator reads, in one directory that proves itself.
//!
//! A bundle is built in a temporary sibling directory, every file hashed as it is written,
//! `manifest.json` (and, with a key, its signature) written last, the whole flushed and only
//! then renamed into place: a crash leaves no directory that looks complete, and an earlier
//! bundle at the same path is replaced whole or not at all. `verify` recomputes every hash.
//!
//! Renderers (`report`, `spreadsheet`, `diagram`, `ocsf`, `findings_csv`) are pure functions
//! of [`Contents`]: no clock, no I/O, so the same inputs give byte-identical files.

mod accounts_dir;
mod archive;
pub mod case_study;
mod consistency;
mod error;
mod json;
mod layout;
pub mod manifest;
pub mod signing;
mod verify;

pub mod diagram;
pub mod findings_csv;
pub mod ocsf;
pub mod report;
pub mod spreadsheet;
#[cfg(test)]
mod testing;

use rds_evidence_controls::{Attestations, Evaluation, Profile};
use rds_evidence_inventory::Snapshot;

pub use accounts_dir::{check_accounts_destination, write_accounts_workbook};
pub use archive::{check_archive_destination, write_archive};
pub use consistency::check_consistency;
pub use error::BundleError;
pub use json::{read_snapshot, write_json, write_snapshot};
pub use layout::{
    check_destination, write_bundle, write_bundle_to, BundleOptions, Destination, Input,
    ATTESTATIONS_DIR,
};
pub use manifest::Manifest;
pub use verify::{sha256_file, verify, verify_files, Problem, Verification};

/// File names inside a bundle.
pub const SNAPSHOT_FILE: &str = "snapshot.json";
pub const FINDINGS_FILE: &str = "findings.json";
pub const CONTROLS_FILE: &str = "controls.json";
pub const REPORT_HTML_FILE: &str = "report.html";
pub const REPORT_MD_FILE: &str = "report.md";
pub const SPREADSHEET_FILE: &str = "self-assessment.xlsx";
pub const OCSF_FILE: &str = "findings.ocsf.json";
pub const CSV_FILE: &str = "findings.csv";
pub const DIAGRAMS_DIR: &str = "diagrams";
/// A case study's bundle: its scope (which databases were judged, which were not) and the
/// summary draft.
pub const CASE_STUDY_FILE: &str = "case-study.json";
pub const CASE_STUDY_SUMMARY_FILE: &str = "case-study-summary.md";
/// The exported Well-Architected lens review report a case study's exemption rests on.
pub const WAFR_REPORT_FILE: &str = "well-architected/lens-review-report.pdf";

/// Everything one account's bundle is rendered from.
#[derive(Clone, Copy)]
pub struct Contents<'a> {
    pub snapshot: &'a Snapshot,
    pub evaluation: &'a Evaluation,
    pub profile: &'a Profile,
    pub attestations: &'a Attestations,
}
