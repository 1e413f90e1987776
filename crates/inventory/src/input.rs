//! Reading the files a user names (profiles, attestations and the documents they cite,
//! account lists, run configurations, snapshots, keys). Only regular files are read: a device
//! such as `/dev/zero` never ends and a FIFO blocks until someone writes to it, so either
//! would hang a run instead of failing it with a message.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Opens `path` for reading, or fails with [`io::ErrorKind::InvalidInput`] when it is not a
/// regular file (after following symbolic links).
pub fn open(path: &Path) -> io::Result<File> {
    // Checked before opening: opening a FIFO for reading already blocks.
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        let what = if kind.is_dir() {
            "a directory"
        } else {
            "not a regular file (a device, FIFO or socket)"
        };
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {what}; give the path of a file"),
        ));
    }
    File::open(path)
}

/// The whole of a regular file, as UTF-8.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    let mut text = String::new();
    open(path)?.read_to_string(&mut text)?;
    Ok(text)
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
        assert_eq!(read_to_string(&path).unwrap(), "x = 1\n");
        let err = read_to_string(dir).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_without_reading() {
        let err = read_to_string(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }
}
