//! Attestations: what the partner supplies that no account can show (runbooks, SOPs, targets).
//!
//! Loading is the only I/O of this crate: referenced local documents are hashed here, so that
//! evaluation stays pure and the bundle can prove which document was attested.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use rds_evidence_inventory::input;

use crate::profile::{line_of, Profile};

/// The attestations file as written by the partner.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestationsFile {
    #[serde(default)]
    pub targets: Targets,
    #[serde(default)]
    pub controls: BTreeMap<String, ControlEntry>,
}

/// Declared objectives that computed figures are compared with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub rpo_minutes: Option<u32>,
    pub rto_minutes: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlEntry {
    pub statement: Option<String>,
    /// Local paths (relative to the attestations file) or URLs.
    #[serde(default)]
    pub documents: Vec<String>,
}

/// Attestations ready for evaluation: documents resolved and hashed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attestations {
    pub targets: Targets,
    pub controls: BTreeMap<String, ControlAttestation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlAttestation {
    pub statement: Option<String>,
    pub documents: Vec<AttestedDocument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttestedDocument {
    pub reference: String,
    /// SHA-256 of a local document; URLs are referenced, not fetched.
    pub sha256: Option<String>,
    /// Where the local document was read, for the bundle to copy it. Not part of the
    /// evaluation's output: it depends on where the tool ran.
    #[serde(skip)]
    pub local_path: Option<PathBuf>,
}

#[derive(Debug, Error)]
pub enum AttestationError {
    #[error("cannot read attestations {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: control {control}: {message}")]
    Invalid {
        path: PathBuf,
        control: String,
        message: String,
    },
}

impl Attestations {
    /// Reads `path`, checks every control id against `profile`, and hashes local documents.
    pub fn load(path: &Path, profile: &Profile) -> Result<Attestations, AttestationError> {
        let text = input::read_to_string(path, input::limits::CONFIG).map_err(|source| AttestationError::Read {
            path: path.to_owned(),
            source,
        })?;
        let file: AttestationsFile =
            toml::from_str(&text).map_err(|e| AttestationError::Parse {
                path: path.to_owned(),
                line: line_of(&text, e.span().map_or(0, |s| s.start)),
                message: e.message().to_owned(),
            })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut controls = BTreeMap::new();
        for (control, entry) in file.controls {
            let invalid = |message: String| AttestationError::Invalid {
                path: path.to_owned(),
                control: control.clone(),
                message,
            };
            if !profile.controls.iter().any(|c| c.id == control) {
                return Err(invalid(format!("not a control of profile {}", profile.id)));
            }
            if entry.statement.is_none() && entry.documents.is_empty() {
                return Err(invalid("needs a statement or documents".to_owned()));
            }
            let documents = entry
                .documents
                .iter()
                .map(|reference| document(base, reference).map_err(&invalid))
                .collect::<Result<_, _>>()?;
            controls.insert(
                control.clone(),
                ControlAttestation {
                    statement: entry.statement,
                    documents,
                },
            );
        }
        Ok(Attestations {
            targets: file.targets,
            controls,
        })
    }
}

fn document(base: &Path, reference: &str) -> Result<AttestedDocument, String> {
    if reference.starts_with("https://") || reference.starts_with("http://") {
        return Ok(AttestedDocument {
            reference: reference.to_owned(),
            sha256: None,
            local_path: None,
        });
    }
    let path = base.join(reference);
    let unreadable = |e: std::io::Error| format!("document {} cannot be read: {e}", path.display());
    // Streamed: a document may be a large PDF or an export.
    let mut file = input::open(&path).map_err(unreadable)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        match file.read(&mut buffer).map_err(unreadable)? {
            0 => break,
            n => hasher.update(&buffer[..n]),
        }
    }
    Ok(AttestedDocument {
        reference: reference.to_owned(),
        sha256: Some(hex::encode(hasher.finalize())),
        local_path: Some(path),
    })
}

/// A commented template listing every control of `profile` that needs a document.
pub fn template(profile: &Profile) -> String {
    let mut out = format!(
        "# Attestations for {} ({}).\n\
         # What the account cannot show: fill in a statement and/or documents per control.\n\
         # Documents are paths relative to this file (hashed into the evidence) or URLs.\n\n\
         [targets]\n\
         # Recovery objectives the databases are compared with (REL-002, RDS-009).\n\
         # rpo_minutes = 15\n\
         # rto_minutes = 60\n",
        profile.title, profile.id
    );
    for control in &profile.controls {
        let Some(needed) = &control.attestation else {
            continue;
        };
        out.push_str(&format!(
            "\n# {} — {}\n# Needed: {}\n# [controls.\"{}\"]\n# statement = \"\"\n# documents = []\n",
            control.id, control.title, needed, control.id
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn documents_are_hashed_and_urls_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        write(dir, "runbook.md", "# Runbook\n");
        let path = write(
            dir,
            "att.toml",
            "[targets]\nrpo_minutes = 15\n\n[controls.\"OPE-002\"]\ndocuments = [\"runbook.md\", \"https://wiki.example/sop\"]\n",
        );
        let attestations = Attestations::load(&path, &Profile::builtin()).unwrap();
        assert_eq!(attestations.targets.rpo_minutes, Some(15));
        let docs = &attestations.controls["OPE-002"].documents;
        assert_eq!(
            docs[0].sha256.as_deref(),
            Some(hex::encode(Sha256::digest(b"# Runbook\n")).as_str())
        );
        assert_eq!(docs[1].sha256, None);
    }

    #[test]
    fn errors_name_file_line_and_control() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let path = write(dir, "bad.toml", "[targets]\nrpo_minutes = \"soon\"\n");
        let err = Attestations::load(&path, &Profile::builtin())
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml:2:"), "{err}");

        let path = write(
            dir,
            "unknown.toml",
            "[controls.\"NOPE-9\"]\nstatement = \"x\"\n",
        );
        let err = Attestations::load(&path, &Profile::builtin())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NOPE-9") && err.contains("not a control"),
            "{err}"
        );

        let path = write(
            dir,
            "missing.toml",
            "[controls.\"OPE-002\"]\ndocuments = [\"nope.pdf\"]\n",
        );
        let err = Attestations::load(&path, &Profile::builtin())
            .unwrap_err()
            .to_string();
        assert!(err.contains("OPE-002") && err.contains("nope.pdf"), "{err}");
    }

    #[test]
    fn template_parses_once_uncommented() {
        let profile = Profile::builtin();
        let text = template(&profile);
        assert!(text.contains("[controls.\"OPE-002\"]"));
        let uncommented: String = text
            .lines()
            .filter(|l| l.starts_with("# rpo_minutes") || l.starts_with("# rto_minutes"))
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        let parsed: AttestationsFile =
            toml::from_str(&format!("[targets]\n{uncommented}")).unwrap();
        assert_eq!(parsed.targets.rto_minutes, Some(60));
    }
}
