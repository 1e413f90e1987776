//! `--archive`: the bundle as one `.tar.gz` beside it, for upload to Partner Central or a
//! ticket. Written to a temporary file (`.NAME.tar.gz.partial-*`) and renamed, like everything
//! else; the next write of the bundle removes one a killed run left. An existing `NAME.tar.gz`
//! is replaced only when it is the tool's: a bundle archive whose files match its manifest.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use rds_evidence_inventory::input;

use crate::layout::HashingWriter;
use crate::manifest::{Manifest, FORMAT, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE};
use crate::BundleError;

pub(crate) const ARCHIVE_SUFFIX: &str = ".tar.gz";

/// Archives the bundle at `dir` (whose manifest is `manifest`) as `<dir>.tar.gz`, entries
/// under `<dir name>/` in manifest order. Returns the archive's path.
pub fn write_archive(dir: &Path, manifest: &Manifest) -> Result<PathBuf, BundleError> {
    let name = bundle_name(dir);
    let archive = archive_path(dir);
    let archive_error = |source| BundleError::Archive {
        path: archive.clone(),
        source,
    };
    let parent = archive.parent().unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(&partial_prefix(&name))
        .tempfile_in(parent)
        .map_err(archive_error)?;
    {
        let mut tar = tar::Builder::new(GzEncoder::new(temp.as_file(), Compression::default()));
        let listed = manifest.files.iter().map(|f| f.path.as_str());
        let trailer = [MANIFEST_FILE, SIGNATURE_FILE, PUBLIC_KEY_FILE];
        for relative in listed.chain(trailer) {
            let path = dir.join(relative);
            if !path.exists() && trailer.contains(&relative) {
                continue;
            }
            tar.append_path_with_name(&path, format!("{name}/{relative}"))
                .map_err(archive_error)?;
        }
        let mut gz = tar.into_inner().map_err(archive_error)?;
        gz.flush().map_err(archive_error)?;
        gz.finish().map_err(archive_error)?;
    }
    temp.as_file().sync_all().map_err(archive_error)?;
    // Checked again at the last moment: the file may have appeared while the run went on.
    check_archive_destination(dir)?;
    temp.persist(&archive).map_err(|e| archive_error(e.error))?;
    Ok(archive)
}

/// Whether `--archive` may write `<dir>.tar.gz`: nothing is there, or an archive of the
/// tool's, which the new one replaces.
pub fn check_archive_destination(dir: &Path) -> Result<(), BundleError> {
    let archive = archive_path(dir);
    if std::fs::symlink_metadata(&archive).is_err() || is_ours(&archive, &bundle_name(dir)) {
        return Ok(());
    }
    Err(BundleError::NotOurs {
        path: archive,
        why: "it is not an rds-evidence archive whose files match its manifest".to_owned(),
    })
}

/// Whether the file at `path` is an archive this tool wrote of the bundle `name`: a gzipped
/// tar of regular files under `name/`, holding a bundle manifest and exactly the files it
/// lists, unchanged.
pub(crate) fn is_ours(path: &Path, name: &str) -> bool {
    let Ok(file) = input::open(path) else {
        return false;
    };
    let mut members = BTreeMap::new();
    let mut manifest = None;
    let mut tar = tar::Archive::new(GzDecoder::new(file));
    let Ok(entries) = tar.entries() else {
        return false;
    };
    for entry in entries {
        let Ok(mut entry) = entry else {
            return false;
        };
        let Some(relative) = entry
            .path()
            .ok()
            .and_then(|p| Some(p.strip_prefix(name).ok()?.to_str()?.to_owned()))
        else {
            return false;
        };
        if !entry.header().entry_type().is_file() {
            return false;
        }
        if relative == MANIFEST_FILE {
            let mut bytes = Vec::new();
            if (&mut entry)
                .take(input::limits::CONFIG)
                .read_to_end(&mut bytes)
                .is_err()
            {
                return false;
            }
            manifest = serde_json::from_slice::<Manifest>(&bytes).ok();
            continue;
        }
        let mut hasher = HashingWriter::new(std::io::sink());
        let Ok(bytes) = std::io::copy(&mut entry, &mut hasher) else {
            return false;
        };
        members.insert(relative, (hasher.digest(), bytes));
    }
    let Some(manifest) = manifest.filter(|m| m.format == FORMAT) else {
        return false;
    };
    for extra in [SIGNATURE_FILE, PUBLIC_KEY_FILE] {
        members.remove(extra);
    }
    members.len() == manifest.files.len()
        && manifest
            .files
            .iter()
            .all(|file| members.get(&file.path) == Some(&(file.sha256.clone(), file.bytes)))
}

/// How the archive of the bundle named `name` is called while it is written.
pub(crate) fn partial_prefix(name: &str) -> String {
    format!(".{name}{ARCHIVE_SUFFIX}.partial-")
}

fn bundle_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_owned())
}

fn archive_path(dir: &Path) -> PathBuf {
    dir.with_file_name(format!("{}{ARCHIVE_SUFFIX}", bundle_name(dir)))
}
