//! `--archive`: the bundle as one `.tar.gz` beside it, for upload to Partner Central or a
//! ticket. Written to a temporary file and renamed, like everything else.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::manifest::{Manifest, MANIFEST_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE};
use crate::BundleError;

/// Archives the bundle at `dir` (whose manifest is `manifest`) as `<dir>.tar.gz`, entries
/// under `<dir name>/` in manifest order. Returns the archive's path.
pub fn write_archive(dir: &Path, manifest: &Manifest) -> Result<PathBuf, BundleError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_owned());
    let archive = dir.with_file_name(format!("{name}.tar.gz"));
    let archive_error = |source| BundleError::Archive {
        path: archive.clone(),
        source,
    };
    let parent = archive.parent().unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new()
        .prefix(".rds-evidence-archive-")
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
    temp.persist(&archive).map_err(|e| archive_error(e.error))?;
    Ok(archive)
}
