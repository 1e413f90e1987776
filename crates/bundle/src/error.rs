use std::path::PathBuf;

use rds_evidence_inventory::SCHEMA_VERSION;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum BundleError {
    #[error("cannot create output directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: not a valid snapshot: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: snapshot schema version {found} is newer than this tool understands ({SCHEMA_VERSION}); upgrade rds-evidence"
    )]
    NewerSchema { path: PathBuf, found: u32 },
    #[error(
        "{path} exists and is not an rds-evidence bundle ({why}); nothing was written: choose a new or empty directory, or move its files elsewhere"
    )]
    NotABundle { path: PathBuf, why: String },
    #[error(
        "{path} was not written by rds-evidence ({why}), so it is left as it is: choose a new or empty directory, or move it elsewhere"
    )]
    NotOurs { path: PathBuf, why: String },
    #[error(
        "{path} is inside the rds-evidence bundle {bundle}, which holds only the files its manifest lists; nothing was written: choose a directory outside it"
    )]
    InsideBundle { path: PathBuf, bundle: PathBuf },
    #[error("cannot move the finished bundle into {path}: {source}")]
    Install {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("attested document {path} changed after it was hashed; run again")]
    DocumentChanged { path: PathBuf },
    #[error("{path}: not a bundle manifest: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("cannot write archive {path}: {source}")]
    Archive {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot build the self-assessment spreadsheet: {0}")]
    Spreadsheet(#[from] rust_xlsxwriter::XlsxError),
}
