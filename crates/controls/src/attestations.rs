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

use rds_evidence_inventory::{input, Environment};

use crate::profile::{line_of, Profile};

/// The attestations file as written by the partner.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestationsFile {
    #[serde(default)]
    pub targets: Targets,
    #[serde(default)]
    pub controls: BTreeMap<String, ControlEntry>,
    /// Which databases are production and which are not, where tags do not say.
    #[serde(default)]
    pub environments: Vec<EnvironmentRuleEntry>,
}

/// `[[environments]]`: databases matching any of `names` (identifier patterns, `*` matching
/// any run of characters), in any of `vpcs`, or carrying all of `tags`, belong to
/// `environment`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentRuleEntry {
    pub environment: String,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub vpcs: Vec<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
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
    /// For an `any-of` control: the use case these documents prove, one the profile lets a
    /// document prove (`documented_use_cases`).
    pub use_case: Option<String>,
}

/// Attestations ready for evaluation: documents resolved and hashed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attestations {
    pub targets: Targets,
    pub controls: BTreeMap<String, ControlAttestation>,
    /// In the file's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<EnvironmentRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlAttestation {
    pub statement: Option<String>,
    pub documents: Vec<AttestedDocument>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_case: Option<String>,
}

/// A rule of the attestations file that places databases in an environment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentRule {
    /// 1-based, in the file's order: how findings name the rule.
    pub number: usize,
    pub environment: Environment,
    pub names: Vec<String>,
    pub vpcs: Vec<String>,
    pub tags: BTreeMap<String, String>,
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
    #[error("{path}: {message}")]
    Documents { path: PathBuf, message: String },
    #[error("{path}: control {control}: {message}")]
    Invalid {
        path: PathBuf,
        control: String,
        message: String,
    },
}

impl Attestations {
    /// Reads `path`, checks every control id against `profile`, and hashes local documents,
    /// which must be documents as `documents` allows them.
    pub fn load(
        path: &Path,
        profile: &Profile,
        documents: &DocumentPolicy,
    ) -> Result<Attestations, AttestationError> {
        let text = input::read_to_string(path, input::limits::CONFIG).map_err(|source| {
            AttestationError::Read {
                path: path.to_owned(),
                source,
            }
        })?;
        let file: AttestationsFile =
            toml::from_str(&text).map_err(|e| AttestationError::Parse {
                path: path.to_owned(),
                line: line_of(&text, e.span().map_or(0, |s| s.start)),
                message: e.message().to_owned(),
            })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let roots = documents
            .roots(base)
            .map_err(|message| AttestationError::Documents {
                path: path.to_owned(),
                message,
            })?;
        let mut controls = BTreeMap::new();
        for (control, entry) in file.controls {
            let invalid = |message: String| AttestationError::Invalid {
                path: path.to_owned(),
                control: control.clone(),
                message,
            };
            let Some(spec) = profile.control(&control) else {
                return Err(invalid(format!("not a control of profile {}", profile.id)));
            };
            if entry.statement.is_none() && entry.documents.is_empty() {
                return Err(invalid("needs a statement or documents".to_owned()));
            }
            if let Some(use_case) = &entry.use_case {
                if !spec.documented_use_cases.iter().any(|u| &u.id == use_case) {
                    let allowed: Vec<&str> = spec
                        .documented_use_cases
                        .iter()
                        .map(|u| u.id.as_str())
                        .collect();
                    return Err(invalid(if allowed.is_empty() {
                        format!("use_case '{use_case}': no use case of this control can be proven by a document")
                    } else {
                        format!(
                            "use_case '{use_case}' is not one a document may prove here ({})",
                            allowed.join(", ")
                        )
                    }));
                }
            }
            let documents = entry
                .documents
                .iter()
                .map(|reference| document(documents, &roots, base, reference).map_err(&invalid))
                .collect::<Result<_, _>>()?;
            controls.insert(
                control.clone(),
                ControlAttestation {
                    statement: entry.statement,
                    documents,
                    use_case: entry.use_case,
                },
            );
        }
        let environments = file
            .environments
            .into_iter()
            .enumerate()
            .map(|(index, entry)| {
                environment_rule(index + 1, entry).map_err(|message| {
                    // Errors point at the rule's own `[[environments]]` header.
                    let header = text.match_indices("[[environments]]").nth(index);
                    AttestationError::Parse {
                        path: path.to_owned(),
                        line: header.map_or(1, |(offset, _)| line_of(&text, offset)),
                        message: format!("[[environments]] {message}"),
                    }
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Attestations {
            targets: file.targets,
            controls,
            environments,
        })
    }
}

fn environment_rule(number: usize, entry: EnvironmentRuleEntry) -> Result<EnvironmentRule, String> {
    let environment = Environment::parse_declared(&entry.environment)
        .map_err(|e| format!("rule {number}: {e}"))?;
    if entry.names.is_empty() && entry.vpcs.is_empty() && entry.tags.is_empty() {
        return Err(format!(
            "rule {number} matches nothing: give names, vpcs or tags"
        ));
    }
    Ok(EnvironmentRule {
        number,
        environment,
        names: entry.names,
        vpcs: entry.vpcs,
        tags: entry.tags,
    })
}

fn document(
    policy: &DocumentPolicy,
    roots: &[PathBuf],
    base: &Path,
    reference: &str,
) -> Result<AttestedDocument, String> {
    if reference.starts_with("https://") || reference.starts_with("http://") {
        return Ok(AttestedDocument {
            reference: reference.to_owned(),
            sha256: None,
            local_path: None,
        });
    }
    let path = policy.resolve(roots, base, reference)?;
    let unreadable = |e: std::io::Error| format!("document {reference} cannot be read: {e}");
    // Streamed: a document may be a large PDF or an export; one that grows while it is read
    // stops at the cap.
    let file = input::open(&path).map_err(unreadable)?;
    let mut reader = file.take(policy.max_bytes + 1);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut total = 0u64;
    loop {
        match reader.read(&mut buffer).map_err(unreadable)? {
            0 => break,
            n => {
                total += n as u64;
                hasher.update(&buffer[..n]);
            }
        }
    }
    if total > policy.max_bytes {
        return Err(policy.too_large(reference, total));
    }
    Ok(AttestedDocument {
        reference: reference.to_owned(),
        sha256: Some(hex::encode(hasher.finalize())),
        local_path: Some(path),
    })
}

/// Which local files may be attested documents: regular files under the attestations file's
/// directory or a root the partner allows, up to a size. A reference is resolved the way the
/// system would open it (`..`, absolute paths and symbolic links followed) and the result
/// judged, so nothing outside the roots — `/proc/self/environ`, a key under `~/.ssh`, a
/// symlink to either — can be copied into a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentPolicy {
    /// Directories allowed besides the attestations file's own.
    pub extra_roots: Vec<PathBuf>,
    /// The largest document, in bytes.
    pub max_bytes: u64,
}

impl Default for DocumentPolicy {
    fn default() -> Self {
        DocumentPolicy {
            extra_roots: Vec::new(),
            max_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

/// 100 MiB: a long PDF with scans; not a disk image or a database dump.
const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 100 << 20;

/// Kernel and device filesystems: never documents, wherever the roots are.
const PSEUDO_FILESYSTEMS: &[&str] = &["/proc", "/sys", "/dev"];

impl DocumentPolicy {
    /// The roots, resolved: `base` (the attestations file's directory) first.
    fn roots(&self, base: &Path) -> Result<Vec<PathBuf>, String> {
        let base = if base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            base
        };
        std::iter::once(base)
            .chain(self.extra_roots.iter().map(PathBuf::as_path))
            .map(|root| {
                root.canonicalize()
                    .map_err(|e| format!("documents root {} cannot be used: {e}", root.display()))
            })
            .collect()
    }

    /// The file `reference` names, when it is one a document may be.
    fn resolve(&self, roots: &[PathBuf], base: &Path, reference: &str) -> Result<PathBuf, String> {
        let resolved = base
            .join(reference)
            .canonicalize()
            .map_err(|e| format!("document {reference} cannot be read: {e}"))?;
        if let Some(pseudo) = PSEUDO_FILESYSTEMS
            .iter()
            .find(|pseudo| resolved.starts_with(pseudo))
        {
            return Err(format!(
                "document {reference} resolves to {}, in {pseudo}: system files are not documents",
                resolved.display()
            ));
        }
        if !roots.iter().any(|root| resolved.starts_with(root)) {
            return Err(format!(
                "document {reference} resolves to {}, outside {} (the attestations file's \
                 directory{}); move it there, or allow its directory with --documents-root DIR",
                resolved.display(),
                roots[0].display(),
                if roots.len() > 1 {
                    " and the --documents-root directories"
                } else {
                    ""
                }
            ));
        }
        let metadata = std::fs::metadata(&resolved)
            .map_err(|e| format!("document {reference} cannot be read: {e}"))?;
        if !metadata.is_file() {
            return Err(format!(
                "document {reference} is not a regular file; give the path of a file"
            ));
        }
        if metadata.len() > self.max_bytes {
            return Err(self.too_large(reference, metadata.len()));
        }
        Ok(resolved)
    }

    fn too_large(&self, reference: &str, bytes: u64) -> String {
        format!(
            "document {reference} is {bytes} bytes, more than the {} allowed; attest a smaller \
             extract, or raise --max-document-size",
            self.max_bytes
        )
    }
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
         # rto_minutes = 60\n\n\
         # Which databases are production, where the environment tag does not say (an account\n\
         # declared in the accounts file outranks these rules; these outrank the tag). A\n\
         # database matches a rule by any of its name patterns, any of its VPCs, or all of\n\
         # its tags. Databases no rule, tag or account places are of unknown environment.\n\
         # [[environments]]\n\
         # environment = \"production\"          # or \"non-production\"\n\
         # names = [\"*-prod\", \"orders-*\"]\n\
         # vpcs = [\"vpc-0123456789abcdef0\"]\n\
         # tags = {{ Stage = \"live\" }}\n",
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
        for use_case in &control.documented_use_cases {
            out.push_str(&format!(
                "# use_case = \"{}\"   # when the documents prove: {}\n",
                use_case.id, use_case.title
            ));
        }
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
        let attestations =
            Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default()).unwrap();
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
        let err = Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml:2:"), "{err}");

        let path = write(
            dir,
            "unknown.toml",
            "[controls.\"NOPE-9\"]\nstatement = \"x\"\n",
        );
        let err = Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default())
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
        let err = Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("OPE-002") && err.contains("nope.pdf"), "{err}");
    }

    fn load_with(dir: &Path, documents: &[&str], policy: &DocumentPolicy) -> Result<(), String> {
        let list: Vec<String> = documents.iter().map(|d| format!("{d:?}")).collect();
        let path = write(
            dir,
            "attestations.toml",
            &format!(
                "[controls.\"OPE-002\"]\ndocuments = [{}]\n",
                list.join(", ")
            ),
        );
        Attestations::load(&path, &Profile::builtin(), policy)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    /// Documents are regular files under the attestations file's directory or an allowed
    /// root: escapes by `..`, absolute paths, symbolic links, and system files are refused,
    /// each naming the entry.
    #[cfg(unix)]
    #[test]
    fn documents_stay_inside_their_roots() {
        let root = tempfile::tempdir().unwrap();
        let partner = root.path().join("partner");
        let elsewhere = root.path().join("elsewhere");
        std::fs::create_dir_all(partner.join("docs")).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        write(&partner.join("docs"), "runbook.md", "# Runbook\n");
        write(&elsewhere, "id_rsa", "secret");
        std::os::unix::fs::symlink(elsewhere.join("id_rsa"), partner.join("key.md")).unwrap();
        std::os::unix::fs::symlink("/proc/self/environ", partner.join("env.md")).unwrap();
        let policy = DocumentPolicy::default();
        assert_eq!(load_with(&partner, &["docs/runbook.md"], &policy), Ok(()));
        let secret = elsewhere.join("id_rsa").display().to_string();
        for (reference, says) in [
            ("../elsewhere/id_rsa", "outside"),
            (secret.as_str(), "outside"),
            ("key.md", "outside"),
            ("docs/../../elsewhere/id_rsa", "outside"),
            (
                "/proc/self/environ",
                "in /proc: system files are not documents",
            ),
            ("env.md", "in /proc"),
            ("/etc/passwd", "outside"),
            ("docs", "not a regular file"),
        ] {
            let err = load_with(&partner, &[reference], &policy).unwrap_err();
            assert!(
                err.contains("control OPE-002: document")
                    && err.contains(reference)
                    && err.contains(says),
                "{reference}: {err}"
            );
        }
        let allowed = DocumentPolicy {
            extra_roots: vec![elsewhere.clone()],
            ..DocumentPolicy::default()
        };
        assert_eq!(load_with(&partner, &["key.md"], &allowed), Ok(()));
        let err = load_with(
            &partner,
            &["/proc/self/environ"],
            &DocumentPolicy {
                extra_roots: vec![PathBuf::from("/")],
                ..DocumentPolicy::default()
            },
        )
        .unwrap_err();
        assert!(err.contains("system files are not documents"), "{err}");
    }

    #[test]
    fn documents_above_the_size_limit_are_refused() {
        let root = tempfile::tempdir().unwrap();
        let big = root.path().join("export.csv");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(2 << 30)
            .unwrap();
        let err = load_with(root.path(), &["export.csv"], &DocumentPolicy::default()).unwrap_err();
        assert!(
            err.contains(
                "document export.csv is 2147483648 bytes, more than the 104857600 allowed"
            ),
            "{err}"
        );
        let small = DocumentPolicy {
            max_bytes: 4,
            ..DocumentPolicy::default()
        };
        write(root.path(), "runbook.md", "12345");
        let err = load_with(root.path(), &["runbook.md"], &small).unwrap_err();
        assert!(err.contains("5 bytes, more than the 4 allowed"), "{err}");
    }

    #[test]
    fn environment_rules_are_read_in_order_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let path = write(
            dir,
            "env.toml",
            "[[environments]]\nenvironment = \"production\"\nnames = [\"*-prod\"]\n\n\
             [[environments]]\nenvironment = \"non-production\"\nvpcs = [\"vpc-dev\"]\n\
             tags = { Stage = \"test\" }\n",
        );
        let attestations =
            Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default()).unwrap();
        let rules = &attestations.environments;
        assert_eq!(rules.len(), 2);
        assert_eq!(
            (rules[0].number, rules[0].environment),
            (1, Environment::Production)
        );
        assert_eq!(rules[1].vpcs, ["vpc-dev"]);

        let path = write(
            dir,
            "bad.toml",
            "[targets]\nrpo_minutes = 5\n\n[[environments]]\nenvironment = \"production\"\n\
             names = [\"a\"]\n\n[[environments]]\nenvironment = \"prod\"\nnames = [\"b\"]\n",
        );
        let err = Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bad.toml:8:") && err.contains("rule 2") && err.contains("'prod'"),
            "{err}"
        );
        let path = write(
            dir,
            "empty.toml",
            "[[environments]]\nenvironment = \"production\"\n",
        );
        let err = Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("matches nothing"), "{err}");
    }

    #[test]
    fn a_use_case_must_be_one_a_document_may_prove() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let path = write(
            dir,
            "ok.toml",
            "[controls.\"RDS-005\"]\nstatement = \"Oracle to RDS for PostgreSQL, 2025\"\n\
             use_case = \"migration\"\n",
        );
        let attestations =
            Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default()).unwrap();
        assert_eq!(
            attestations.controls["RDS-005"].use_case.as_deref(),
            Some("migration")
        );
        for (name, text, expected) in [
            (
                "other.toml",
                "[controls.\"RDS-005\"]\nstatement = \"x\"\nuse_case = \"cross-region\"\n",
                "(migration)",
            ),
            (
                "elsewhere.toml",
                "[controls.\"OPE-002\"]\nstatement = \"x\"\nuse_case = \"migration\"\n",
                "no use case of this control",
            ),
        ] {
            let path = write(dir, name, text);
            let err = Attestations::load(&path, &Profile::builtin(), &DocumentPolicy::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains(expected), "{err}");
        }
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
