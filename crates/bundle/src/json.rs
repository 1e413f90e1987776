//! Single JSON files, written whole or not at all: content goes to a temporary file in the
//! destination directory, is flushed to disk, and only then renamed over the final name. An
//! interrupted run leaves the previous file in place, never a truncated one.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rds_evidence_inventory::{input, Snapshot, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};

use crate::{BundleError, SNAPSHOT_FILE};

/// Writes `snapshot` as `dir/snapshot.json`, creating `dir` if needed. Returns the file's path.
pub fn write_snapshot(dir: &Path, snapshot: &Snapshot) -> Result<PathBuf, BundleError> {
    write_json(dir, SNAPSHOT_FILE, snapshot)
}

/// Writes `value` as pretty JSON to `dir/name`, streamed, atomically. Returns the file's path.
pub fn write_json(dir: &Path, name: &str, value: &impl Serialize) -> Result<PathBuf, BundleError> {
    std::fs::create_dir_all(dir).map_err(|source| BundleError::CreateDir {
        path: dir.to_owned(),
        source,
    })?;
    let path = dir.join(name);
    write_atomically(&path, |out| {
        serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
        out.write_all(b"\n")
    })?;
    Ok(path)
}

/// Reads a snapshot written by any version of the tool up to this one.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, BundleError> {
    let text = input::read_to_string(path, input::limits::EVIDENCE).map_err(|source| {
        BundleError::Read {
            path: path.to_owned(),
            source,
        }
    })?;
    // The version first, so that a newer snapshot gets advice rather than a field error; the
    // snapshot then from the text, so that errors keep their line and column.
    #[derive(Deserialize)]
    struct Version {
        #[serde(default)]
        schema_version: u64,
    }
    let found = serde_json::from_str::<Version>(&text).map_or(0, |v| v.schema_version);
    if found > u64::from(SCHEMA_VERSION) {
        return Err(BundleError::NewerSchema {
            path: path.to_owned(),
            found: u32::try_from(found).unwrap_or(u32::MAX),
        });
    }
    serde_json::from_str(&text).map_err(|e| parse_error(path, &e))
}

fn parse_error(path: &Path, error: &serde_json::Error) -> BundleError {
    BundleError::Parse {
        path: path.to_owned(),
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    }
}

/// How temporary files beside single files are named, after a dot.
pub(crate) const TEMPORARY_PREFIX: &str = "rds-evidence-";

/// Writes through `fill` into a temporary sibling of `path`, syncs it, then renames it over
/// `path`. On any error the temporary file is removed and `path` is untouched.
pub(crate) fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<&File>) -> std::io::Result<()>,
) -> Result<(), BundleError> {
    let write_error = |source| BundleError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{TEMPORARY_PREFIX}"))
        .tempfile_in(dir)
        .map_err(write_error)?;
    {
        let mut out = BufWriter::new(temp.as_file());
        fill(&mut out).map_err(write_error)?;
        out.flush().map_err(write_error)?;
    }
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(path).map_err(|e| write_error(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rds_evidence_inventory::Account;

    fn snapshot() -> Snapshot {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            tool_version: "0.0.0".into(),
            collected_at: "2026-01-01T00:00:00Z".into(),
            account: Account {
                id: "123456789012".into(),
                caller_arn: "arn:aws:sts::123456789012:assumed-role/Audit/x".into(),
                labels: Default::default(),
                environment: None,
            },
            account_wide: rds_evidence_inventory::governance::AccountWide::empty(),
            regions: Vec::new(),
            disabled_regions: Vec::new(),
            calls: Vec::new(),
            source: None,
            other_accounts: Vec::new(),
            well_architected: None,
        }
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_snapshot(&dir.path().join("out"), &snapshot()).unwrap();
        assert_eq!(read_snapshot(&path).unwrap(), snapshot());
    }

    #[test]
    fn failed_write_leaves_previous_file_and_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_snapshot(dir.path(), &snapshot()).unwrap();
        let before = std::fs::read(&path).unwrap();
        let failed = write_atomically(&path, |out| {
            out.write_all(b"{\"partial\":")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(matches!(failed, Err(BundleError::Write { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(SNAPSHOT_FILE)]);
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snapshot.json");
        std::fs::write(&path, "{\n  \"schema_version\": 1,\n  oops\n}").unwrap();
        let err = read_snapshot(&path).unwrap_err().to_string();
        assert!(err.contains("snapshot.json:3:"), "{err}");
    }

    #[test]
    fn newer_schema_is_refused_with_advice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("snapshot.json");
        std::fs::write(&path, "{\"schema_version\": 999}").unwrap();
        let err = read_snapshot(&path).unwrap_err().to_string();
        assert!(err.contains("upgrade rds-evidence"), "{err}");
    }
}
