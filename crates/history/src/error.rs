use std::fmt;
use std::path::PathBuf;

use rds_evidence_bundle::BundleError;
use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum HistoryError {
    #[error("{0}")]
    NotVerified(NotVerified),
    /// A store reference or bundle path that names nothing usable; `why` says what exists.
    #[error("{reference}: {why}")]
    Reference { reference: String, why: String },
    #[error("account id {account:?} cannot name a directory of the store (letters, digits, '-' and '_' only)")]
    BadAccount { account: String },
    #[error("{time:?} is not an RFC 3339 time such as 2026-11-29T02:56:58Z")]
    BadTime { time: String },
    #[error("{path} is not a bundle of the store at {store}: bundles live at <account>/<YYYYMMDDTHHMMSSZ>/ inside it")]
    OutsideStore { path: PathBuf, store: PathBuf },
    #[error("{path} exists and is not a directory, so it cannot be a history store")]
    NotAStore { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a history store index: {message}; `rebuild_index` re-derives it from the bundles")]
    Index { path: PathBuf, message: String },
    #[error("shard {spec:?}: {why}")]
    Shard { spec: String, why: String },
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// A bundle left out because it failed verification or could not be read: never used
/// silently, always listed with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotVerified {
    /// The bundle as the user named it: its path in the store, or the path given.
    pub bundle: String,
    pub problems: Vec<String>,
}

impl fmt::Display for NotVerified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bundle {} is not verified, so it is not used: {}",
            self.bundle,
            self.problems.join("; ")
        )
    }
}

impl HistoryError {
    /// The error as a bundle left out of a history or a portfolio.
    pub(crate) fn into_not_verified(self, bundle: &str) -> NotVerified {
        match self {
            HistoryError::NotVerified(not_verified) => not_verified,
            other => NotVerified {
                bundle: bundle.to_owned(),
                problems: vec![other.to_string()],
            },
        }
    }
}
