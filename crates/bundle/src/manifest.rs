//! `manifest.json`: what the bundle is, what it was made from, and the hash of every file.

use std::collections::BTreeMap;

use rds_evidence_controls::Engine;
use rds_evidence_inventory::{Snapshot, Source};
use serde::{Deserialize, Serialize};

pub const MANIFEST_FILE: &str = "manifest.json";
/// The raw Ed25519 signature over `manifest.json`'s bytes.
pub const SIGNATURE_FILE: &str = "manifest.json.sig";
/// The public half of the key that made the signature, SPKI PEM.
pub const PUBLIC_KEY_FILE: &str = "signing-key.pub.pem";

pub const FORMAT: &str = "rds-evidence-bundle";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub tool_version: String,
    /// When the bundle was written; `collected_at` is when the account was observed.
    pub created_at: String,
    pub collected_at: String,
    pub account: AccountRef,
    pub regions: Vec<String>,
    /// Absent when the bundle holds a snapshot only (`collect --no-evaluate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileRef>,
    /// The case study the bundle is evidence for; absent for an account's bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_study: Option<CaseStudyRef>,
    pub inputs: Inputs,
    /// Controls per verdict.
    #[serde(default)]
    pub verdicts: BTreeMap<String, usize>,
    /// Findings per outcome.
    #[serde(default)]
    pub outcomes: BTreeMap<String, usize>,
    /// How many pieces of data could not be collected (see the report).
    pub unavailable: usize,
    /// Every file of the bundle except the manifest, its signature and the public key, sorted
    /// by path.
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

impl Manifest {
    /// What the bundle is evidence of, and the history store files it under: its case study,
    /// else its account.
    pub fn unit(&self) -> &str {
        self.case_study
            .as_ref()
            .map_or(&self.account.id, |case| &case.id)
    }

    /// `case study acme-orders` or `account 123456789012`, as messages name the unit.
    pub fn unit_name(&self) -> String {
        match &self.case_study {
            Some(case) => format!("case study {}", case.id),
            None => format!("account {}", self.account.id),
        }
    }
}

/// What a case study's bundle is: its id (the history store's unit), the customer and the
/// engine specialty it claims, and every account it spans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseStudyRef {
    pub id: String,
    pub customer: String,
    pub engine: Engine,
    pub accounts: Vec<String>,
    /// The databases in its scope.
    pub databases: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileRef {
    pub id: String,
    pub title: String,
    /// SHA-256 of the profile as evaluated (its canonical JSON), so that two bundles can be
    /// shown to use the same checklist edition and thresholds.
    pub sha256: String,
}

/// Where the bundle's content came from, as the caller describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// `live`, `endpoint:<url>`, `replay:<dir>` ([`collection_source`] of the snapshot), or
    /// `snapshot:<file>` for a snapshot evaluated again.
    pub source: String,
    /// `built-in` or the profile file's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// SHA-256 of the profile file, when the profile came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestations: Option<InputFile>,
    /// The case-study file that scoped the evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_study: Option<InputFile>,
}

/// How the manifest's `inputs.source` names the way `snapshot` was collected.
pub fn collection_source(snapshot: &Snapshot) -> String {
    match &snapshot.source {
        Some(Source::Replay { recording, .. }) => format!("replay:{recording}"),
        Some(Source::Live {
            endpoint: Some(url),
        }) => format!("endpoint:{url}"),
        Some(Source::Live { endpoint: None }) | None => "live".to_owned(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the bundle, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}
