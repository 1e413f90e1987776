//! Reading files: the ones a user names (profiles, attestations and the documents they cite,
//! account lists, run configurations, snapshots, keys) and the ones the tool reads back
//! (bundle manifests and signatures, recordings and their responses, stored bundles).
//!
//! Only regular files are read: a device such as `/dev/zero` never ends, a FIFO blocks until
//! someone writes to it, and opening some devices has effects of its own. The type is checked
//! before opening, and again on the open file (opened non-blocking), so that a path swapped
//! for a FIFO in between cannot hang a run either. What is parsed whole into memory is read
//! up to a size cap ([`limits`]).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Caps for files parsed whole into memory: far above anything real, far below what would
/// exhaust a machine's memory.
pub mod limits {
    /// Profiles, attestations, run configurations, keys, manifests and signatures.
    pub const CONFIG: u64 = 16 << 20;
    /// Accounts files: 100,000 entries with roles, regions and labels are about 25 MB.
    pub const ACCOUNTS: u64 = 256 << 20;
    /// One recorded AWS response: a page of any API is a few megabytes at most.
    pub const RESPONSE: u64 = 64 << 20;
    /// Snapshots, findings, control verdicts and store indexes of the largest estates.
    pub const EVIDENCE: u64 = 4 << 30;
}

/// Opens `path` for reading, or fails with [`io::ErrorKind::InvalidInput`] when it is not a
/// regular file (after following symbolic links).
pub fn open(path: &Path) -> io::Result<File> {
    // Checked before opening: opening a FIFO for reading blocks, opening a device may act.
    refuse_unless_file(&std::fs::metadata(path)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    let file = options.open(path)?;
    // And on what was opened: the path may have changed in between.
    refuse_unless_file(&file.metadata()?)?;
    Ok(file)
}

fn refuse_unless_file(metadata: &std::fs::Metadata) -> io::Result<()> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a directory"
    } else {
        "not a regular file (a device, FIFO or socket)"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {what}; give the path of a file"),
    ))
}

/// The whole of a regular file of at most `limit` bytes.
pub fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open(path)?;
    let size = file.metadata()?.len();
    let too_large = |size: u64| {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("it is {size} bytes, more than the {limit} this file may hold"),
        )
    };
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // A file growing while it is read stops at the cap too.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The whole of a regular file of at most `limit` bytes, as UTF-8.
pub fn read_to_string(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        let path = dir.join("a.toml");
        std::fs::write(&path, "x = 1\n").unwrap();
        assert_eq!(read_to_string(&path, 6).unwrap(), "x = 1\n");
        let err = read_to_string(dir, 6).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("a directory"), "{err}");
    }

    #[test]
    fn a_file_above_its_cap_is_refused_unread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, "x".repeat(100)).unwrap();
        let err = read(&path, 99).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert!(
            err.to_string()
                .contains("it is 100 bytes, more than the 99 this file may hold"),
            "{err}"
        );
        assert_eq!(read(&path, 100).unwrap().len(), 100);
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        let err = read_to_string(&path, 100).unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_reading() {
        let err = read_to_string(Path::new("/dev/zero"), limits::CONFIG).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = open(&fifo).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
