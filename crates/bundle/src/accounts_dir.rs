//! The output directory of a multi-account run: one bundle per account, `<account id>/`, and
//! one `self-assessment.xlsx` with a sheet per account.
//!
//! The tool replaces in it only what it can prove it wrote: account bundles that verify, and
//! a workbook whose SHA-256 `rds-evidence-accounts.json` records. Anything else in the
//! directory makes it someone else's, and the run is refused before collecting.

use std::path::{Path, PathBuf};

use rds_evidence_inventory::input;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::archive::{self, ARCHIVE_SUFFIX};
use crate::json::write_atomically;
use crate::layout::{check_destination, check_parent, is_leftover, refuse_inside_bundle};
use crate::{spreadsheet, BundleError, Contents, SPREADSHEET_FILE};

/// Records the workbooks written into the directory.
const ACCOUNTS_FILE: &str = "rds-evidence-accounts.json";
const FORMAT: &str = "rds-evidence-accounts";

#[derive(Serialize, Deserialize)]
struct AccountsFile {
    format: String,
    /// SHA-256 of the workbook written last, then of the one it replaced: a run killed
    /// between recording the new hash and renaming the new workbook into place leaves the
    /// earlier one, still recognised.
    self_assessment_sha256: Vec<String>,
}

/// Whether a multi-account run may write into `dir`: new, empty, or holding only what the tool
/// wrote there (account bundles and their archives, the workbook and its record, what a killed
/// run left), and not inside a bundle.
pub fn check_accounts_destination(dir: &Path) -> Result<(), BundleError> {
    refuse_inside_bundle(dir)?;
    check_parent(dir)?;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(_) if dir.exists() => return Err(not_ours(dir, "it is not a directory".to_owned())),
        Err(source) => {
            return Err(BundleError::Read {
                path: dir.to_owned(),
                source,
            })
        }
    };
    for entry in entries {
        let entry = entry.map_err(|source| BundleError::Read {
            path: dir.to_owned(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let ours = match name.as_str() {
            ACCOUNTS_FILE => recorded_hashes(dir).is_ok(),
            SPREADSHEET_FILE => continue,
            _ if is_account_id(&name) => {
                check_destination(&path)?;
                continue;
            }
            _ => match name.strip_suffix(ARCHIVE_SUFFIX) {
                Some(account) if is_account_id(account) => archive::is_ours(&path, account),
                _ => is_leftover(&name),
            },
        };
        if !ours {
            return Err(not_ours(dir, format!("{name} is not the tool's")));
        }
    }
    check_workbook(dir).map(drop)
}

/// Writes the workbook of `cases` into `dir` (created if needed), recording its hash first.
pub fn write_accounts_workbook(dir: &Path, cases: &[Contents]) -> Result<PathBuf, BundleError> {
    let bytes = spreadsheet::self_assessment(cases)?;
    std::fs::create_dir_all(dir).map_err(|source| BundleError::CreateDir {
        path: dir.to_owned(),
        source,
    })?;
    // Checked again: the directory may have changed while the accounts were collected.
    let previous = check_workbook(dir)?;
    let record = AccountsFile {
        format: FORMAT.to_owned(),
        self_assessment_sha256: std::iter::once(hex::encode(Sha256::digest(&bytes)))
            .chain(previous)
            .collect(),
    };
    write_atomically(&dir.join(ACCOUNTS_FILE), |out| {
        serde_json::to_writer_pretty(&mut *out, &record).map_err(std::io::Error::from)
    })?;
    let path = dir.join(SPREADSHEET_FILE);
    write_atomically(&path, |out| std::io::Write::write_all(out, &bytes))?;
    Ok(path)
}

/// The SHA-256 of the workbook in `dir`, when there is one the tool wrote; an error when there
/// is one it cannot prove it wrote.
fn check_workbook(dir: &Path) -> Result<Option<String>, BundleError> {
    let path = dir.join(SPREADSHEET_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let found = crate::sha256_file(&path).ok();
    let recorded = recorded_hashes(dir).unwrap_or_default();
    match found {
        Some(sha256) if recorded.contains(&sha256) => Ok(Some(sha256)),
        _ => Err(not_ours(
            dir,
            format!(
                "{SPREADSHEET_FILE} is not the one rds-evidence wrote there ({ACCOUNTS_FILE} \
                 does not record it: changed since, or someone else's)"
            ),
        )),
    }
}

fn recorded_hashes(dir: &Path) -> Result<Vec<String>, ()> {
    let bytes = input::read(&dir.join(ACCOUNTS_FILE), input::limits::CONFIG).map_err(drop)?;
    let record: AccountsFile = serde_json::from_slice(&bytes).map_err(drop)?;
    if record.format == FORMAT {
        Ok(record.self_assessment_sha256)
    } else {
        Err(())
    }
}

fn is_account_id(name: &str) -> bool {
    name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit())
}

fn not_ours(dir: &Path, why: String) -> BundleError {
    BundleError::NotOurs {
        path: dir.to_owned(),
        why,
    }
}
