//! The history store: a directory of bundles, `<store>/<account>/<YYYYMMDDTHHMMSSZ>/`, one per
//! account and run, named by when the account was observed (the manifest's `collected_at`, in
//! UTC), and `<store>/index.json` listing them. A stored bundle is never replaced: a later run
//! observed at the same second (a recording replayed twice) is `<YYYYMMDDTHHMMSSZ>-2/`, `-3/`…
//!
//! The directories are the truth and the index a cache of them: an entry the index lacks (a
//! job on another machine recorded it at the same moment, or a run died before recording) is
//! read from the bundle's manifest, and an entry whose directory is gone is dropped. So the
//! index never has to be locked, and parallel jobs writing to one store lose nothing.
//! Hidden directories are never bundles: the bundle writer stages in `.NAME.partial-*` and
//! moves earlier bundles aside as `.NAME.previous-*`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rds_evidence_bundle::manifest::MANIFEST_FILE;
use rds_evidence_bundle::{write_json, Manifest};
use rds_evidence_inventory::input;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{HistoryError, NotVerified};
use crate::loaded::{Expected, LoadedBundle};
use crate::time;

pub const INDEX_FILE: &str = "index.json";
/// Runs of one account observed at the same second that the store keeps apart.
const RUNS_PER_SECOND: u32 = 100;
const INDEX_FORMAT: &str = "rds-evidence-store-index";
const INDEX_VERSION: u32 = 1;

/// A history store rooted at a local directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// One bundle of the store, as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub account: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// `YYYYMMDDTHHMMSSZ`, UTC: when the account was observed. Also the directory's name, with
    /// `-N` after it for the Nth run observed at that second.
    pub time: String,
    /// Relative to the store, `/`-separated: `<account>/<directory>`.
    pub path: String,
    /// SHA-256 of manifest.json when the bundle was indexed, so that a manifest rewritten
    /// afterwards is noticed. `None` when there was no readable manifest (the bundle will not
    /// verify, and is reported whenever it is used).
    pub manifest_sha256: Option<String>,
    /// Controls per verdict, from the manifest.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub verdicts: BTreeMap<String, usize>,
}

#[derive(Serialize, Deserialize)]
struct IndexFile {
    format: String,
    version: u32,
    entries: Vec<IndexEntry>,
}

/// What comes after `@` in a store reference.
enum Selector {
    Latest,
    /// `-N`: N runs before the latest.
    Back(usize),
    At(String),
}

impl Store {
    /// The store at `root`. A missing directory is an empty store (the first bundle written
    /// creates it); anything else that is not a directory is refused.
    pub fn open(root: &Path) -> Result<Store, HistoryError> {
        if root.exists() && !root.is_dir() {
            return Err(HistoryError::NotAStore {
                path: root.to_owned(),
            });
        }
        Ok(Store {
            root: root.to_owned(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the bundle of `account` observed at `collected_at` (RFC 3339) may be written, in
    /// order: the first that is free, with `rds_evidence_bundle::Destination::FirstFree`, which
    /// never replaces a bundle. Then [`Store::record`] it.
    pub fn new_bundle_dirs(
        &self,
        account: &str,
        collected_at: &str,
    ) -> Result<Vec<PathBuf>, HistoryError> {
        check_account(account)?;
        let stamp = time::stamp(collected_at).ok_or_else(|| HistoryError::BadTime {
            time: collected_at.to_owned(),
        })?;
        let account_dir = self.root.join(account);
        Ok((1..=RUNS_PER_SECOND)
            .map(|sequence| account_dir.join(time::run_name(&stamp, sequence)))
            .collect())
    }

    /// Adds the bundle written at `bundle_dir` to the index (replacing an entry for the same
    /// directory, dropping entries whose directory is gone). The bundle must be at one of the
    /// [`Store::new_bundle_dirs`].
    pub fn record(&self, bundle_dir: &Path) -> Result<IndexEntry, HistoryError> {
        let (account, name) = self.filed_as(bundle_dir)?;
        let entry = self.entry_from_manifest(&account, &name);
        if entry.manifest_sha256.is_none() {
            return Err(HistoryError::NotVerified(NotVerified {
                bundle: entry.path,
                problems: vec![format!("{MANIFEST_FILE}: missing or not a bundle manifest")],
            }));
        }
        let mut entries = self.read_index()?.unwrap_or_default();
        entries.retain(|e| e.path != entry.path && self.dir_of(e).is_dir());
        entries.push(entry.clone());
        self.write_index(entries)?;
        Ok(entry)
    }

    /// Re-derives `index.json` from the bundle directories and writes it.
    pub fn rebuild_index(&self) -> Result<Vec<IndexEntry>, HistoryError> {
        let mut entries: Vec<IndexEntry> = self
            .scan()?
            .into_iter()
            .map(|(account, name)| self.entry_from_manifest(&account, &name))
            .collect();
        sort(&mut entries);
        self.write_index(entries.clone())?;
        Ok(entries)
    }

    /// The store's bundles (of `account`, or of every account), oldest first, then by account.
    pub fn entries(&self, account: Option<&str>) -> Result<Vec<IndexEntry>, HistoryError> {
        let mut indexed: BTreeMap<String, IndexEntry> = self
            .read_index()?
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.path.clone(), e))
            .collect();
        let mut entries: Vec<IndexEntry> = self
            .scan()?
            .into_iter()
            .filter(|(a, _)| account.is_none_or(|wanted| wanted == a))
            .map(|(a, name)| {
                indexed
                    .remove(&relative(&a, &name))
                    .filter(|e| {
                        e.account == a
                            && time::parse_run_name(&name).is_some_and(|(stamp, _)| e.time == stamp)
                    })
                    .unwrap_or_else(|| self.entry_from_manifest(&a, &name))
            })
            .collect();
        sort(&mut entries);
        Ok(entries)
    }

    /// The accounts with bundles in the store, sorted.
    pub fn accounts(&self) -> Result<Vec<String>, HistoryError> {
        let accounts: BTreeSet<String> = self.scan()?.into_iter().map(|(a, _)| a).collect();
        Ok(accounts.into_iter().collect())
    }

    /// Verifies and reads the bundle of an entry, checking its manifest against the index.
    pub fn load(&self, entry: &IndexEntry) -> Result<LoadedBundle, HistoryError> {
        LoadedBundle::open_as(
            &self.dir_of(entry),
            &entry.path,
            Expected {
                manifest_sha256: entry.manifest_sha256.as_deref(),
                filed_as: Some((&entry.account, &entry.time)),
            },
        )
    }

    pub fn dir_of(&self, entry: &IndexEntry) -> PathBuf {
        self.root.join(&entry.path)
    }

    /// Verifies and reads the bundle `reference` names: a bundle directory, or
    /// `ACCOUNT@latest`, `ACCOUNT@-N` (N runs before the latest), `ACCOUNT@<time>` (the
    /// directory's `YYYYMMDDTHHMMSSZ` or an RFC 3339 time).
    pub fn resolve(&self, reference: &str) -> Result<LoadedBundle, HistoryError> {
        let path = Path::new(reference);
        if path.is_dir() {
            return match self.entry_at(path)? {
                Some(entry) => self.load(&entry),
                None => LoadedBundle::open_as(
                    path,
                    reference,
                    Expected {
                        manifest_sha256: None,
                        filed_as: None,
                    },
                ),
            };
        }
        let Some((account, selector)) = reference.rsplit_once('@') else {
            return Err(HistoryError::Reference {
                reference: reference.to_owned(),
                why: "no such bundle directory; a store reference is ACCOUNT@latest, \
                      ACCOUNT@-N or ACCOUNT@YYYYMMDDTHHMMSSZ"
                    .to_owned(),
            });
        };
        let entry = self.select(reference, account, selector)?;
        self.load(&entry)
    }

    /// The index entry a store reference names, without opening the bundle.
    fn select(
        &self,
        reference: &str,
        account: &str,
        selector: &str,
    ) -> Result<IndexEntry, HistoryError> {
        let fail = |why: String| HistoryError::Reference {
            reference: reference.to_owned(),
            why,
        };
        let selector = parse_selector(selector).ok_or_else(|| {
            fail(format!(
                "{selector:?} is not latest, -N or a time (YYYYMMDDTHHMMSSZ or RFC 3339)"
            ))
        })?;
        if !is_account(account) {
            return Err(fail(format!(
                "no such bundle directory, and {account:?} is not an account id"
            )));
        }
        let entries = self.entries(Some(account))?;
        if entries.is_empty() {
            let accounts = self.accounts()?;
            return Err(fail(if accounts.is_empty() {
                format!("the store at {} holds no bundles", self.root.display())
            } else {
                format!(
                    "the store at {} holds no bundles of account {account}; it holds bundles of {}",
                    self.root.display(),
                    first_few(&accounts)
                )
            }));
        }
        let times: Vec<String> = entries.iter().map(|e| e.name().to_owned()).collect();
        let found = match &selector {
            Selector::Latest => entries.last(),
            Selector::Back(n) => n
                .checked_add(1)
                .and_then(|back| entries.len().checked_sub(back))
                .map(|i| &entries[i]),
            Selector::At(name) => entries.iter().find(|e| e.name() == name),
        };
        found.cloned().ok_or_else(|| {
            fail(match selector {
                Selector::Back(n) => format!(
                    "account {account} has {} bundle(s) in the store, so there is none {n} before the latest ({})",
                    entries.len(),
                    latest_few(&times)
                ),
                _ => format!(
                    "account {account} has no bundle at that time; it has {}",
                    latest_few(&times)
                ),
            })
        })
    }

    /// The entry of a directory inside the store, if it is one of its bundles.
    fn entry_at(&self, dir: &Path) -> Result<Option<IndexEntry>, HistoryError> {
        let Ok((account, name)) = self.filed_as(dir) else {
            return Ok(None);
        };
        let path = relative(&account, &name);
        Ok(self
            .entries(Some(&account))?
            .into_iter()
            .find(|e| e.path == path))
    }

    /// `(account, directory name)` of a bundle directory inside the store.
    fn filed_as(&self, dir: &Path) -> Result<(String, String), HistoryError> {
        let outside = || HistoryError::OutsideStore {
            path: dir.to_owned(),
            store: self.root.clone(),
        };
        let root = self.root.canonicalize().map_err(|_| outside())?;
        let dir = dir.canonicalize().map_err(|_| outside())?;
        let relative = dir.strip_prefix(&root).map_err(|_| outside())?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        match parts.as_slice() {
            [account, name] if is_account(account) && time::parse_run_name(name).is_some() => {
                Ok((account.clone(), name.clone()))
            }
            _ => Err(outside()),
        }
    }

    /// Every `(account, directory name)` of a run, skipping hidden directories and anything
    /// not so named.
    fn scan(&self) -> Result<Vec<(String, String)>, HistoryError> {
        let mut found = Vec::new();
        for account in subdirectories(&self.root)? {
            if !is_account(&account) {
                continue;
            }
            for name in subdirectories(&self.root.join(&account))? {
                if time::parse_run_name(&name).is_some() {
                    found.push((account.clone(), name));
                }
            }
        }
        Ok(found)
    }

    /// The entry of the run directory `name` (a run name, as [`Store::scan`] finds them).
    fn entry_from_manifest(&self, account: &str, name: &str) -> IndexEntry {
        let bytes = input::read(
            &self.root.join(account).join(name).join(MANIFEST_FILE),
            input::limits::CONFIG,
        );
        let manifest = bytes
            .ok()
            .and_then(|bytes| Some((serde_json::from_slice::<Manifest>(&bytes).ok()?, bytes)));
        let (labels, verdicts, manifest_sha256) = match manifest {
            Some((manifest, bytes)) => (
                manifest.account.labels,
                manifest.verdicts,
                Some(hex::encode(Sha256::digest(&bytes))),
            ),
            None => Default::default(),
        };
        let stamp = time::parse_run_name(name).map_or(name, |(stamp, _)| stamp);
        IndexEntry {
            account: account.to_owned(),
            labels,
            time: stamp.to_owned(),
            path: relative(account, name),
            manifest_sha256,
            verdicts,
        }
    }

    fn index_path(&self) -> PathBuf {
        self.root.join(INDEX_FILE)
    }

    fn read_index(&self) -> Result<Option<Vec<IndexEntry>>, HistoryError> {
        let path = self.index_path();
        let bytes = match input::read(&path, input::limits::EVIDENCE) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(HistoryError::Read { path, source }),
        };
        let index: IndexFile = serde_json::from_slice(&bytes).map_err(|e| HistoryError::Index {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if index.format != INDEX_FORMAT || index.version > INDEX_VERSION {
            return Err(HistoryError::Index {
                path,
                message: format!(
                    "format {:?} version {}, expected {INDEX_FORMAT:?} version {INDEX_VERSION}",
                    index.format, index.version
                ),
            });
        }
        Ok(Some(index.entries))
    }

    /// Written whole or not at all (temporary file, then rename), sorted like `entries`.
    fn write_index(&self, mut entries: Vec<IndexEntry>) -> Result<(), HistoryError> {
        sort(&mut entries);
        let index = IndexFile {
            format: INDEX_FORMAT.to_owned(),
            version: INDEX_VERSION,
            entries,
        };
        write_json(&self.root, INDEX_FILE, &index)?;
        Ok(())
    }
}

/// Oldest first, then by account, then runs of the same second in the order they were made.
fn sort(entries: &mut [IndexEntry]) {
    entries.sort_by_cached_key(|e| (e.time.clone(), e.account.clone(), e.sequence()));
}

impl IndexEntry {
    /// The run's directory name: its time, and `-N` for the Nth run of that second.
    pub(crate) fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or_default()
    }

    /// 1 for the first run observed at its second, 2 for the next…
    fn sequence(&self) -> u32 {
        time::parse_run_name(self.name()).map_or(1, |(_, sequence)| sequence)
    }
}

fn parse_selector(selector: &str) -> Option<Selector> {
    if selector == "latest" {
        return Some(Selector::Latest);
    }
    if let Some(n) = selector.strip_prefix('-') {
        return n.parse().ok().map(Selector::Back);
    }
    if time::parse_run_name(selector).is_some() {
        return Some(Selector::At(selector.to_owned()));
    }
    time::stamp(selector).map(Selector::At)
}

fn relative(account: &str, name: &str) -> String {
    format!("{account}/{name}")
}

/// Account ids name directories: letters, digits, `-` and `_` only.
fn is_account(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_account(account: &str) -> Result<(), HistoryError> {
    if is_account(account) {
        Ok(())
    } else {
        Err(HistoryError::BadAccount {
            account: account.to_owned(),
        })
    }
}

/// Names of the non-hidden subdirectories of `dir`, sorted; none when `dir` does not exist.
fn subdirectories(dir: &Path) -> Result<Vec<String>, HistoryError> {
    let read_error = |source| HistoryError::Read {
        path: dir.to_owned(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(read_error(source)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && entry.file_type().map_err(read_error)?.is_dir() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// At most this many names in an error message.
const NAMED: usize = 10;

/// The first few names, then how many more.
fn first_few(names: &[String]) -> String {
    let mut text = names
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMED {
        text.push_str(&format!(" and {} more", names.len() - NAMED));
    }
    text
}

/// The latest few times, after how many earlier ones.
fn latest_few(times: &[String]) -> String {
    let shown = times[times.len().saturating_sub(NAMED)..].join(", ");
    if times.len() > NAMED {
        format!("{} earlier, then {shown}", times.len() - NAMED)
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{demo_snapshot, tamper, write};

    const ACCOUNT: &str = "000034941834";

    /// The demo account observed at three times.
    fn three_runs() -> (tempfile::TempDir, Store, Vec<PathBuf>) {
        let root = tempfile::tempdir().unwrap();
        let store = Store::open(&root.path().join("store")).unwrap();
        let mut snapshot = demo_snapshot();
        let dirs = [
            "2026-11-27T00:00:00Z",
            "2026-11-28T00:00:00Z",
            "2026-11-29T00:00:00Z",
        ]
        .iter()
        .map(|at| {
            snapshot.collected_at = (*at).to_owned();
            write(&store, &snapshot, None)
        })
        .collect();
        (root, store, dirs)
    }

    fn error(store: &Store, reference: &str) -> String {
        store.resolve(reference).unwrap_err().to_string()
    }

    #[test]
    fn bundles_are_filed_by_account_and_utc_time() {
        let store = Store::open(Path::new("/srv/evidence")).unwrap();
        let dirs = store
            .new_bundle_dirs(ACCOUNT, "2026-11-29T03:56:58+01:00")
            .unwrap();
        assert_eq!(
            dirs[..2],
            [
                Path::new("/srv/evidence/000034941834/20261129T025658Z"),
                Path::new("/srv/evidence/000034941834/20261129T025658Z-2")
            ]
        );
        let err = store.new_bundle_dirs("../etc", "2026-11-29T00:00:00Z");
        assert!(err.unwrap_err().to_string().contains("\"../etc\""));
        let err = store.new_bundle_dirs(ACCOUNT, "last tuesday").unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
        let file = tempfile::NamedTempFile::new().unwrap();
        let err = Store::open(file.path()).unwrap_err().to_string();
        assert!(err.contains("not a directory"), "{err}");
    }

    /// A recording replayed twice is observed at the same second twice: each run keeps its
    /// own bundle, in the order written, and neither replaces the other.
    #[test]
    fn runs_of_the_same_second_never_replace_one_another() {
        let (_root, store, dirs) = three_runs();
        let mut snapshot = demo_snapshot();
        snapshot.collected_at = "2026-11-29T00:00:00Z".to_owned();
        let first_manifest = std::fs::read(dirs[2].join(MANIFEST_FILE)).unwrap();
        let second = write(&store, &snapshot, None);
        let third = write(&store, &snapshot, None);
        assert_eq!(
            second,
            store.root().join(ACCOUNT).join("20261129T000000Z-2")
        );
        assert_eq!(third, store.root().join(ACCOUNT).join("20261129T000000Z-3"));
        assert_eq!(
            std::fs::read(dirs[2].join(MANIFEST_FILE)).unwrap(),
            first_manifest
        );
        let names: Vec<String> = store
            .entries(Some(ACCOUNT))
            .unwrap()
            .iter()
            .map(|e| e.name().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "20261127T000000Z",
                "20261128T000000Z",
                "20261129T000000Z",
                "20261129T000000Z-2",
                "20261129T000000Z-3"
            ]
        );
        let name = |reference: &str| store.resolve(reference).unwrap().name;
        assert_eq!(
            name("000034941834@latest"),
            "000034941834/20261129T000000Z-3"
        );
        assert_eq!(name("000034941834@-2"), "000034941834/20261129T000000Z");
        assert_eq!(
            name("000034941834@20261129T000000Z-2"),
            "000034941834/20261129T000000Z-2"
        );
        assert_eq!(
            crate::HistoryTable::from_store(&store, ACCOUNT, None)
                .unwrap()
                .runs
                .len(),
            5
        );
    }

    #[test]
    fn the_index_lists_what_was_recorded() {
        let (_root, store, _) = three_runs();
        let text = std::fs::read_to_string(store.root().join(INDEX_FILE)).unwrap();
        let index: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(index["format"], INDEX_FORMAT);
        let entries = index["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0]["path"], "000034941834/20261127T000000Z");
        assert_eq!(entries[0]["account"], ACCOUNT);
        assert_eq!(entries[0]["time"], "20261127T000000Z");
        assert_eq!(entries[0]["manifest_sha256"].as_str().unwrap().len(), 64);
        let controls: u64 = entries[0]["verdicts"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(
            controls as usize,
            rds_evidence_controls::Profile::builtin().controls.len()
        );
        assert_eq!(store.accounts().unwrap(), [ACCOUNT]);
    }

    #[test]
    fn the_directories_are_the_truth_and_staging_is_ignored() {
        let (_root, store, _) = three_runs();
        let account_dir = store.root().join(ACCOUNT);
        std::fs::create_dir(account_dir.join(".20261130T000000Z.partial-x1")).unwrap();
        std::fs::create_dir_all(account_dir.join(".20261126T000000Z.previous-y2/bundle")).unwrap();
        std::fs::create_dir(account_dir.join("notes")).unwrap();
        std::fs::create_dir(store.root().join(".cache")).unwrap();
        let expected = store.entries(None).unwrap();
        assert_eq!(expected.len(), 3);

        // Without an index, or with one that missed a run, nothing is lost.
        std::fs::remove_file(store.root().join(INDEX_FILE)).unwrap();
        assert_eq!(store.entries(None).unwrap(), expected);
        let rebuilt = store.rebuild_index().unwrap();
        assert_eq!(rebuilt, expected);
        assert_eq!(store.entries(Some(ACCOUNT)).unwrap(), expected);
        assert!(store.entries(Some("111111111111")).unwrap().is_empty());
    }

    #[test]
    fn references_pick_runs_by_position_or_time() {
        let (_root, store, dirs) = three_runs();
        let at = |reference: &str| store.resolve(reference).unwrap().manifest.collected_at;
        assert_eq!(at("000034941834@latest"), "2026-11-29T00:00:00Z");
        assert_eq!(at("000034941834@-0"), "2026-11-29T00:00:00Z");
        assert_eq!(at("000034941834@-1"), "2026-11-28T00:00:00Z");
        assert_eq!(at("000034941834@-2"), "2026-11-27T00:00:00Z");
        assert_eq!(at("000034941834@20261128T000000Z"), "2026-11-28T00:00:00Z");
        assert_eq!(
            at("000034941834@2026-11-28T01:00:00+01:00"),
            "2026-11-28T00:00:00Z"
        );
        let by_path = store.resolve(dirs[0].to_str().unwrap()).unwrap();
        assert_eq!(
            by_path.name, "000034941834/20261127T000000Z",
            "named as in the store"
        );
        assert!(by_path.evaluation.is_some());
    }

    #[test]
    fn bad_references_say_what_exists() {
        let (_root, store, _) = three_runs();
        let err = error(&store, "000034941834@-3");
        assert!(
            err.contains("has 3 bundle(s)")
                && err.contains("20261127T000000Z, 20261128T000000Z, 20261129T000000Z"),
            "{err}"
        );
        let err = error(&store, "000034941834@-18446744073709551615");
        assert!(err.contains("has 3 bundle(s)"), "{err}");
        let err = error(&store, "000034941834@20261201T000000Z");
        assert!(err.starts_with("000034941834@20261201T000000Z: "), "{err}");
        assert!(err.contains("no bundle at that time"), "{err}");
        let err = error(&store, "111111111111@latest");
        assert!(err.contains("holds bundles of 000034941834"), "{err}");
        let err = error(&store, "000034941834@yesterday");
        assert!(err.contains("not latest, -N or a time"), "{err}");
        let err = error(&store, "no/such/dir");
        assert!(err.contains("no such bundle directory"), "{err}");
        let err = error(&store, "no/such@latest");
        assert!(err.contains("not an account id"), "{err}");
    }

    #[test]
    fn a_tampered_bundle_is_named_with_its_problem() {
        let (_root, store, dirs) = three_runs();
        tamper(&dirs[2], "report.md");
        let err = error(&store, "000034941834@latest");
        assert_eq!(
            err,
            "bundle 000034941834/20261129T000000Z is not verified, so it is not used: \
             report.md: altered (SHA-256 differs)"
        );
        assert!(store.resolve("000034941834@-1").is_ok());
    }

    #[test]
    fn a_bundle_replaced_or_moved_behind_the_index_is_not_used() {
        let (_root, store, dirs) = three_runs();
        // Re-written in place without being recorded: consistent, but not what was indexed.
        let mut snapshot = demo_snapshot();
        snapshot.collected_at = "2026-11-28T00:00:00Z".to_owned();
        snapshot
            .account
            .labels
            .insert("customer".into(), "Acme".into());
        let dir = &store
            .new_bundle_dirs(ACCOUNT, &snapshot.collected_at)
            .unwrap()[0];
        let options = rds_evidence_bundle::BundleOptions {
            created_at: "2026-11-30T00:00:00Z".to_owned(),
            inputs: Default::default(),
            signing_key: None,
            trend: None,
        };
        rds_evidence_bundle::write_bundle(
            dir,
            rds_evidence_bundle::Input::Snapshot(&snapshot),
            &options,
        )
        .unwrap();
        let err = error(&store, "000034941834@-1");
        assert!(
            err.contains("differs from the one recorded in the store's index"),
            "{err}"
        );

        // Copied under another time: its manifest says otherwise.
        let elsewhere = store.root().join(ACCOUNT).join("20261201T000000Z");
        std::fs::create_dir(&elsewhere).unwrap();
        for file in std::fs::read_dir(&dirs[0]).unwrap() {
            let file = file.unwrap();
            if file.file_type().unwrap().is_file() {
                std::fs::copy(file.path(), elsewhere.join(file.file_name())).unwrap();
            }
        }
        copy_dir(&dirs[0].join("diagrams"), &elsewhere.join("diagrams"));
        let err = error(&store, "000034941834@latest");
        assert!(
            err.contains("filed under 000034941834/20261201T000000Z, but its manifest is of account 000034941834 collected at 2026-11-27T00:00:00Z"),
            "{err}"
        );
    }

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for file in std::fs::read_dir(from).unwrap() {
            let file = file.unwrap();
            std::fs::copy(file.path(), to.join(file.file_name())).unwrap();
        }
    }

    /// A bundle whose manifest is a FIFO (reading it would wait for ever) or whose snapshot is
    /// a gigabyte is listed as not verified and skipped; the other runs and accounts are used.
    #[cfg(unix)]
    #[test]
    fn a_bundle_of_files_that_cannot_be_read_is_skipped_not_waited_for() {
        let (_root, store, dirs) = three_runs();
        let mut other = demo_snapshot();
        other.account.id = "111111111111".to_owned();
        write(&store, &other, None);
        let manifest = dirs[2].join(MANIFEST_FILE);
        std::fs::remove_file(&manifest).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&manifest).status();
        assert!(made.unwrap().success());
        let snapshot = dirs[1].join("snapshot.json");
        std::fs::File::create(&snapshot)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();

        assert_eq!(store.entries(None).unwrap().len(), 4);
        let table = crate::HistoryTable::from_store(&store, ACCOUNT, None).unwrap();
        assert_eq!(table.runs.len(), 1, "only the intact run");
        let problems: Vec<String> = table.not_verified.iter().map(|n| n.to_string()).collect();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("snapshot.json: altered"),
            "{problems:?}"
        );
        assert!(problems[1].contains("not a regular file"), "{problems:?}");
        let portfolio = crate::Portfolio::from_store(&store).unwrap();
        assert_eq!(portfolio.not_verified.len(), 1);
        assert!(
            !portfolio.rows.is_empty(),
            "the other account is in the portfolio"
        );
        assert!(portfolio.rows.iter().all(|r| r.account == "111111111111"));
    }

    #[test]
    fn recording_refuses_what_is_not_a_store_bundle() {
        let (root, store, _) = three_runs();
        let outside = root.path().join("elsewhere");
        std::fs::create_dir(&outside).unwrap();
        let err = store.record(&outside).unwrap_err().to_string();
        assert!(err.contains("is not a bundle of the store"), "{err}");
        let empty = store.root().join(ACCOUNT).join("20261201T000000Z");
        std::fs::create_dir(&empty).unwrap();
        let err = store.record(&empty).unwrap_err().to_string();
        assert!(err.contains("manifest.json: missing"), "{err}");
    }
}
