//! A bundle read back for comparison: verified first, and its files parsed from the very bytes
//! that were checked against the manifest, so nothing can change between the check and the use.

use std::path::{Path, PathBuf};

use rds_evidence_bundle::manifest::MANIFEST_FILE;
use rds_evidence_bundle::{
    check_consistency, verify_files, Manifest, CASE_STUDY_FILE, CONTROLS_FILE, FINDINGS_FILE,
    SNAPSHOT_FILE,
};
use rds_evidence_controls::{ControlVerdict, Evaluation, Finding};
use rds_evidence_inventory::{input, Snapshot, SCHEMA_VERSION};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::{HistoryError, NotVerified};
use crate::time;

/// A verified bundle: its manifest, snapshot and, when it was evaluated, the evaluation.
#[derive(Debug, Clone)]
pub struct LoadedBundle {
    /// How it was named: `<account>/<time>` in a store, or the path given.
    pub name: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub snapshot: Snapshot,
    /// `None` for a bundle holding a snapshot only (`collect --no-evaluate`).
    pub evaluation: Option<Evaluation>,
}

/// What the store knows of a bundle before opening it.
pub(crate) struct Expected<'a> {
    /// SHA-256 of manifest.json when the bundle was recorded in the index.
    pub manifest_sha256: Option<&'a str>,
    /// `(account, stamp)` the store files it under.
    pub filed_as: Option<(&'a str, &'a str)>,
}

impl LoadedBundle {
    /// Verifies the bundle at `dir` and reads it. A bundle that fails verification is an error
    /// naming it and listing its problems.
    pub fn open(dir: &Path) -> Result<LoadedBundle, HistoryError> {
        Self::open_as(
            dir,
            &dir.display().to_string(),
            Expected {
                manifest_sha256: None,
                filed_as: None,
            },
        )
    }

    pub(crate) fn open_as(
        dir: &Path,
        name: &str,
        expected: Expected,
    ) -> Result<LoadedBundle, HistoryError> {
        let not_verified = |problems: Vec<String>| {
            HistoryError::NotVerified(NotVerified {
                bundle: name.to_owned(),
                problems,
            })
        };
        // The files' content is checked against the manifest below, from the bytes parsed.
        let verification =
            verify_files(dir, None).map_err(|e| not_verified(vec![e.to_string()]))?;
        if !verification.verified() {
            return Err(not_verified(
                verification
                    .problems
                    .iter()
                    .map(|p| p.to_string())
                    .collect(),
            ));
        }
        let manifest = verification.manifest;
        let mut problems = Vec::new();
        if let Some(recorded) = expected.manifest_sha256 {
            let path = dir.join(MANIFEST_FILE);
            let bytes = input::read(&path, input::limits::CONFIG)
                .map_err(|source| HistoryError::Read { path, source })?;
            if hex::encode(Sha256::digest(&bytes)) != recorded {
                problems.push(format!(
                    "{MANIFEST_FILE}: differs from the one recorded in the store's index"
                ));
            }
        }
        if let Some((unit, stamp)) = expected.filed_as {
            let observed = time::stamp(&manifest.collected_at);
            if manifest.unit() != unit || observed.as_deref() != Some(stamp) {
                problems.push(format!(
                    "filed under {unit}/{stamp}, but its manifest is of {} collected at {}",
                    manifest.unit_name(),
                    manifest.collected_at
                ));
            }
        }
        if !problems.is_empty() {
            return Err(not_verified(problems));
        }

        let files = Files {
            dir,
            name,
            manifest: &manifest,
        };
        let snapshot = files.snapshot()?;
        let evaluation = match &manifest.profile {
            None => None,
            Some(profile) => {
                let findings: Vec<Finding> = files.parse(FINDINGS_FILE)?;
                let controls: Vec<ControlVerdict> = files.parse(CONTROLS_FILE)?;
                let case_study = match &manifest.case_study {
                    Some(_) => Some(files.parse(CASE_STUDY_FILE)?),
                    None => None,
                };
                Some(Evaluation {
                    profile: profile.id.clone(),
                    account: manifest.account.id.clone(),
                    findings,
                    controls,
                    environments: Default::default(),
                    case_study,
                })
            }
        };
        let contradictions = check_consistency(
            &manifest,
            &snapshot,
            evaluation
                .as_ref()
                .map(|e| (e.controls.as_slice(), e.findings.as_slice())),
        );
        if !contradictions.is_empty() {
            return Err(not_verified(
                contradictions.iter().map(ToString::to_string).collect(),
            ));
        }
        Ok(LoadedBundle {
            name: name.to_owned(),
            dir: dir.to_owned(),
            manifest,
            snapshot,
            evaluation,
        })
    }
}

struct Files<'a> {
    dir: &'a Path,
    name: &'a str,
    manifest: &'a Manifest,
}

impl Files<'_> {
    /// The snapshot, refused with advice when a newer tool wrote it.
    fn snapshot(&self) -> Result<Snapshot, HistoryError> {
        #[derive(serde::Deserialize)]
        struct Version {
            #[serde(default)]
            schema_version: u64,
        }
        let bytes = self.read(SNAPSHOT_FILE)?;
        let found = serde_json::from_slice::<Version>(&bytes).map_or(0, |v| v.schema_version);
        if found > u64::from(SCHEMA_VERSION) {
            return Err(self.unreadable(
                SNAPSHOT_FILE,
                format!(
                    "snapshot schema version {found} is newer than this tool understands \
                     ({SCHEMA_VERSION}); upgrade rds-evidence"
                ),
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| self.unreadable(SNAPSHOT_FILE, e.to_string()))
    }

    fn parse<T: DeserializeOwned>(&self, file: &str) -> Result<T, HistoryError> {
        let bytes = self.read(file)?;
        serde_json::from_slice(&bytes).map_err(|e| self.unreadable(file, e.to_string()))
    }

    /// A file the manifest lists, its bytes checked against the manifest's hash.
    fn read(&self, file: &str) -> Result<Vec<u8>, HistoryError> {
        let Some(entry) = self.manifest.files.iter().find(|f| f.path == file) else {
            return Err(self.unreadable(file, "not listed in the manifest".to_owned()));
        };
        let path = self.dir.join(file);
        let bytes = input::read(&path, input::limits::EVIDENCE)
            .map_err(|source| HistoryError::Read { path, source })?;
        if hex::encode(Sha256::digest(&bytes)) != entry.sha256 {
            return Err(HistoryError::NotVerified(NotVerified {
                bundle: self.name.to_owned(),
                problems: vec![format!("{file}: altered while being read")],
            }));
        }
        Ok(bytes)
    }

    fn unreadable(&self, file: &str, message: String) -> HistoryError {
        HistoryError::NotVerified(NotVerified {
            bundle: self.name.to_owned(),
            problems: vec![format!("{file}: cannot be read: {message}")],
        })
    }
}
