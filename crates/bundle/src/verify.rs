//! `rds-evidence verify`: does a bundle hold exactly what its manifest says, signed by whom?

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

use ed25519_dalek::VerifyingKey;
use rds_evidence_inventory::input;

use crate::layout::HashingWriter;
use crate::manifest::{
    FileEntry, Manifest, FORMAT, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE,
};
use crate::{signing, BundleError};

/// The outcome of verifying one bundle. It verifies when `problems` is empty.
#[derive(Debug)]
pub struct Verification {
    pub manifest: Manifest,
    /// Fingerprint of the key that signed the manifest, when signed and the signature holds.
    pub signed_by: Option<String>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing(String),
    Added(String),
    Altered(String),
    /// Something other than a regular file where a file should be.
    NotAFile(String),
    BadSignature,
    /// A signature without the public key, or the key without a signature.
    IncompleteSignature,
    /// Signed, but not by the key the caller expects.
    UnexpectedSigner {
        found: String,
        expected: String,
    },
    /// The caller expects a signature and there is none.
    Unsigned,
    /// The manifest says something of the bundle its files contradict.
    Inconsistent(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing(path) => write!(f, "{path}: missing"),
            Problem::Added(path) => write!(f, "{path}: added after the bundle was written"),
            Problem::Altered(path) => write!(f, "{path}: altered (SHA-256 differs)"),
            Problem::NotAFile(path) => write!(f, "{path}: not a regular file"),
            Problem::BadSignature => write!(
                f,
                "{SIGNATURE_FILE}: the signature does not match {MANIFEST_FILE}"
            ),
            Problem::IncompleteSignature => write!(
                f,
                "{SIGNATURE_FILE} and {PUBLIC_KEY_FILE} must both be present or both absent"
            ),
            Problem::UnexpectedSigner { found, expected } => write!(
                f,
                "{SIGNATURE_FILE}: signed by key {found}, not by the expected key {expected}"
            ),
            Problem::Unsigned => write!(f, "the bundle is not signed, and a signature is required"),
            Problem::Inconsistent(what) => write!(f, "{MANIFEST_FILE}: {what}"),
        }
    }
}

impl Problem {
    /// Whether the problem is the signature's, not the files': a bundle with files intact is
    /// still the tool's own bundle.
    pub fn is_about_the_signature(&self) -> bool {
        matches!(
            self,
            Problem::BadSignature
                | Problem::IncompleteSignature
                | Problem::UnexpectedSigner { .. }
                | Problem::Unsigned
        )
    }
}

impl Verification {
    pub fn verified(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Recomputes every hash of the bundle at `dir`, then checks what the manifest says of the
/// bundle (account, time, regions, source, counts) against its files. With `expected_key`,
/// the bundle must also be signed by that key: the public key inside a bundle proves only
/// that the bundle is consistent, not who made it.
pub fn verify(
    dir: &Path,
    expected_key: Option<&VerifyingKey>,
) -> Result<Verification, BundleError> {
    let mut verification = verify_files(dir, expected_key)?;
    if verification.verified() {
        verification.problems = crate::consistency::check_files(dir, &verification.manifest);
    }
    Ok(verification)
}

/// [`verify`] without reading the files' content: for a caller that parses them itself and
/// then calls [`check_consistency`](crate::check_consistency).
pub fn verify_files(
    dir: &Path,
    expected_key: Option<&VerifyingKey>,
) -> Result<Verification, BundleError> {
    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest_bytes =
        input::read(&manifest_path, input::limits::CONFIG).map_err(|source| BundleError::Read {
            path: manifest_path.clone(),
            source,
        })?;
    let manifest: Manifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| BundleError::Manifest {
            path: manifest_path.clone(),
            message: e.to_string(),
        })?;
    if manifest.format != FORMAT {
        return Err(BundleError::Manifest {
            path: manifest_path,
            message: format!("format is {:?}, not {FORMAT:?}", manifest.format),
        });
    }

    let mut problems = Vec::new();
    let mut on_disk = BTreeMap::new();
    list_files(dir, "", &mut on_disk, &mut problems)?;
    for name in [MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE] {
        on_disk.remove(name);
    }
    for entry in &manifest.files {
        match on_disk.remove(&entry.path) {
            None => problems.push(Problem::Missing(entry.path.clone())),
            Some(()) => {
                if !matches(&dir.join(&entry.path), entry)? {
                    problems.push(Problem::Altered(entry.path.clone()));
                }
            }
        }
    }
    problems.extend(on_disk.into_keys().map(Problem::Added));

    let signed_by = check_signature(dir, &manifest_bytes, expected_key, &mut problems)?;
    Ok(Verification {
        manifest,
        signed_by,
        problems,
    })
}

fn check_signature(
    dir: &Path,
    manifest: &[u8],
    expected_key: Option<&VerifyingKey>,
    problems: &mut Vec<Problem>,
) -> Result<Option<String>, BundleError> {
    let signature = read_optional(&dir.join(SIGNATURE_FILE))?;
    let public = read_optional(&dir.join(PUBLIC_KEY_FILE))?;
    let (signature, public) = match (signature, public) {
        (None, None) => {
            if expected_key.is_some() {
                problems.push(Problem::Unsigned);
            }
            return Ok(None);
        }
        (Some(signature), Some(public)) => (signature, public),
        _ => {
            problems.push(Problem::IncompleteSignature);
            return Ok(None);
        }
    };
    let Some(key) = std::str::from_utf8(&public)
        .ok()
        .and_then(signing::parse_verifying_key)
    else {
        problems.push(Problem::BadSignature);
        return Ok(None);
    };
    if !signing::signature_holds(&key, manifest, &signature) {
        problems.push(Problem::BadSignature);
        return Ok(None);
    }
    let found = signing::fingerprint(&key);
    if let Some(expected) = expected_key {
        if *expected != key {
            problems.push(Problem::UnexpectedSigner {
                found,
                expected: signing::fingerprint(expected),
            });
            return Ok(None);
        }
    }
    Ok(Some(found))
}

/// A signature or public key: absent, or something other than a file (already a problem of
/// its own, from [`list_files`]), counts as none.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, BundleError> {
    match input::read(path, input::limits::CONFIG) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::InvalidInput) => Ok(None),
        Err(source) => Err(BundleError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Every file under `dir`, as `/`-separated relative paths. Symbolic links and other
/// non-files are problems: a bundle holds regular files only.
fn list_files(
    dir: &Path,
    prefix: &str,
    files: &mut BTreeMap<String, ()>,
    problems: &mut Vec<Problem>,
) -> Result<(), BundleError> {
    let read_error = |source| BundleError::Read {
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(read_error)?;
        if kind.is_dir() {
            list_files(&entry.path(), &format!("{relative}/"), files, problems)?;
        } else if kind.is_file() {
            files.insert(relative, ());
        } else {
            problems.push(Problem::NotAFile(relative));
        }
    }
    Ok(())
}

/// Whether the file at `path` is the one `entry` lists: its size first, so that a file of
/// another size is never read.
fn matches(path: &Path, entry: &FileEntry) -> Result<bool, BundleError> {
    let file = open(path)?;
    let size = file.metadata().map_err(|source| BundleError::Read {
        path: path.to_owned(),
        source,
    })?;
    if size.len() != entry.bytes {
        return Ok(false);
    }
    let (sha256, bytes) = hash(file, path)?;
    Ok(bytes == entry.bytes && sha256 == entry.sha256)
}

/// SHA-256 of a file, hex: for inputs the manifest names (attestations, profiles).
pub fn sha256_file(path: &Path) -> Result<String, BundleError> {
    hash(open(path)?, path).map(|(sha256, _)| sha256)
}

fn open(path: &Path) -> Result<File, BundleError> {
    input::open(path).map_err(|source| BundleError::Read {
        path: path.to_owned(),
        source,
    })
}

fn hash(mut file: File, path: &Path) -> Result<(String, u64), BundleError> {
    let mut hasher = HashingWriter::new(std::io::sink());
    let bytes = std::io::copy(&mut file, &mut hasher).map_err(|source| BundleError::Read {
        path: path.to_owned(),
        source,
    })?;
    Ok((hasher.digest(), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{collection_source, Inputs};
    use crate::testing::Demo;
    use crate::{signing, write_bundle, BundleOptions, Input};

    fn written(demo: &Demo, key: Option<&ed25519_dalek::SigningKey>) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let options = BundleOptions {
            created_at: "2026-11-29T00:00:00Z".to_owned(),
            inputs: Inputs {
                source: collection_source(&demo.snapshot),
                ..Inputs::default()
            },
            signing_key: key,
            trend: None,
        };
        write_bundle(
            &root.path().join("b"),
            Input::Snapshot(&demo.snapshot),
            &options,
        )
        .unwrap();
        root
    }

    fn problems(dir: &Path, key: Option<&VerifyingKey>) -> Vec<String> {
        let verification = verify(dir, key).unwrap();
        verification
            .problems
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    #[test]
    fn a_fresh_bundle_verifies_and_names_its_signer() {
        let demo = Demo::load();
        let key = signing::generate().unwrap();
        let root = written(&demo, Some(&key));
        let verification = verify(&root.path().join("b"), Some(&key.verifying_key())).unwrap();
        assert!(verification.verified(), "{:?}", verification.problems);
        assert_eq!(
            verification.signed_by,
            Some(signing::fingerprint(&key.verifying_key()))
        );
        assert_eq!(verification.manifest.account.id, demo.snapshot.account.id);
    }

    #[test]
    fn a_changed_byte_a_removed_file_and_an_added_file_are_named() {
        let demo = Demo::load();
        let root = written(&demo, None);
        let dir = root.path().join("b");
        let snapshot = dir.join("snapshot.json");
        let mut bytes = std::fs::read(&snapshot).unwrap();
        bytes[10] ^= 1;
        std::fs::write(&snapshot, bytes).unwrap();
        std::fs::create_dir(dir.join("extra")).unwrap();
        std::fs::write(dir.join("extra/notes.txt"), "later").unwrap();
        assert_eq!(
            problems(&dir, None),
            [
                "snapshot.json: altered (SHA-256 differs)",
                "extra/notes.txt: added after the bundle was written"
            ]
        );
        std::fs::remove_file(&snapshot).unwrap();
        assert_eq!(problems(&dir, None)[0], "snapshot.json: missing");
    }

    #[test]
    fn signatures_are_checked_and_can_be_required() {
        let demo = Demo::load();
        let key = signing::generate().unwrap();
        let other = signing::generate().unwrap();

        let signed = written(&demo, Some(&key));
        let dir = signed.path().join("b");
        let found = problems(&dir, Some(&other.verifying_key()));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("not by the expected key"), "{found:?}");

        let signature = dir.join(SIGNATURE_FILE);
        let mut bytes = std::fs::read(&signature).unwrap();
        bytes[0] ^= 1;
        std::fs::write(&signature, bytes).unwrap();
        assert_eq!(problems(&dir, None), [Problem::BadSignature.to_string()]);

        std::fs::remove_file(&signature).unwrap();
        assert_eq!(
            problems(&dir, None),
            [Problem::IncompleteSignature.to_string()]
        );

        let unsigned = written(&demo, None);
        let dir = unsigned.path().join("b");
        assert!(problems(&dir, None).is_empty());
        assert_eq!(
            problems(&dir, Some(&key.verifying_key())),
            [Problem::Unsigned.to_string()]
        );
    }

    #[test]
    fn a_re_signed_manifest_does_not_pass_for_the_expected_key() {
        let demo = Demo::load();
        let key = signing::generate().unwrap();
        let forger = signing::generate().unwrap();
        let root = written(&demo, Some(&key));
        let dir = root.path().join("b");
        let manifest = std::fs::read(dir.join(MANIFEST_FILE)).unwrap();
        std::fs::write(dir.join(SIGNATURE_FILE), signing::sign(&forger, &manifest)).unwrap();
        std::fs::write(
            dir.join(PUBLIC_KEY_FILE),
            signing::public_key_pem(&forger.verifying_key()),
        )
        .unwrap();
        assert!(problems(&dir, None).is_empty(), "consistent on its own");
        assert!(problems(&dir, Some(&key.verifying_key()))[0].contains("not by the expected key"));
    }

    #[test]
    fn rewriting_replaces_an_earlier_bundle_whole_but_never_a_changed_one() {
        let demo = Demo::load();
        let root = written(&demo, None);
        let dir = root.path().join("b");
        let earlier = std::fs::read(dir.join(MANIFEST_FILE)).unwrap();
        let options = BundleOptions {
            created_at: "2026-11-30T00:00:00Z".to_owned(),
            inputs: Inputs {
                source: collection_source(&demo.snapshot),
                ..Inputs::default()
            },
            signing_key: None,
            trend: None,
        };
        write_bundle(&dir, Input::Snapshot(&demo.snapshot), &options).unwrap();
        assert!(problems(&dir, None).is_empty());
        assert_ne!(std::fs::read(dir.join(MANIFEST_FILE)).unwrap(), earlier);
        let names: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["b"], "no staging or previous directories left");

        std::fs::write(dir.join("notes.txt"), "the reviewer's").unwrap();
        let err = write_bundle(&dir, Input::Snapshot(&demo.snapshot), &options)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is not an rds-evidence bundle (notes.txt: added after"),
            "{err}"
        );
        assert!(dir.join("notes.txt").exists());
    }

    /// A manifest edited to claim another account, source or count, and kept consistent with
    /// the files' hashes, contradicts the files it describes.
    #[test]
    fn a_manifest_that_contradicts_its_files_does_not_verify() {
        let mut demo = Demo::load();
        demo.snapshot.source = Some(rds_evidence_inventory::Source::Replay {
            recording: "recordings/acme".to_owned(),
            recorded_at: demo.snapshot.collected_at.clone(),
            recorded_by: "0.1.0".to_owned(),
            anonymized: true,
        });
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("b");
        let options = BundleOptions {
            created_at: "2026-11-29T00:00:00Z".to_owned(),
            inputs: Inputs {
                source: collection_source(&demo.snapshot),
                ..Inputs::default()
            },
            signing_key: None,
            trend: None,
        };
        write_bundle(&dir, Input::Evaluated(demo.contents()), &options).unwrap();
        assert!(problems(&dir, None).is_empty());
        let original = std::fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap();
        let edit = |from: &str, to: &str| {
            assert!(original.contains(from), "{from}");
            std::fs::write(dir.join(MANIFEST_FILE), original.replacen(from, to, 1)).unwrap();
            problems(&dir, None)
        };
        assert_eq!(
            edit("\"id\": \"000034941834\"", "\"id\": \"111122223333\""),
            ["manifest.json: the manifest's account is 111122223333, snapshot.json's 000034941834"]
        );
        assert_eq!(
            edit("\"source\": \"replay:recordings/acme\"", "\"source\": \"live\""),
            ["manifest.json: the manifest's source is live, snapshot.json's replay:recordings/acme"]
        );
        let met = edit("\"not_met\": ", "\"met\": ");
        assert_eq!(met.len(), 1, "{met:?}");
        assert!(met[0].contains("the manifest counts verdicts"), "{met:?}");
    }

    #[test]
    fn a_missing_or_foreign_manifest_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = verify(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("manifest.json"), "{err}");
        std::fs::write(dir.path().join(MANIFEST_FILE), "{\"format\": 1}").unwrap();
        let err = verify(dir.path(), None).unwrap_err().to_string();
        assert!(err.contains("not a bundle manifest"), "{err}");
    }
}
