//! The snapshot model: what rds-evidence observed in one AWS account.
//!
//! These are the tool's own serde types, independent of the AWS SDK, so that a snapshot can be
//! written, read back and re-evaluated years later without AWS access. Field names are stable;
//! [`SCHEMA_VERSION`] changes when one changes meaning.

pub mod activity;
pub mod governance;
pub mod iam;
pub mod input;
pub mod kms;
pub mod network;
mod observed;
pub mod rds;
pub mod services;
mod snapshot;
pub mod well_architected;

pub use observed::{FailureKind, Observed, Unavailable};
pub use snapshot::{
    Account, ApiCall, CallOutcome, Environment, Gap, Network, RegionSnapshot, Snapshot, Source,
    SCHEMA_VERSION,
};
