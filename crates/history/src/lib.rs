//! Evidence over time. A partner keeps the designation only while the controls keep holding,
//! so runs are kept and compared:
//!
//! - [`store`]: a directory of bundles, one per account and run, and an index of them;
//! - [`diff`]: what changed between two runs, and whether anything regressed;
//! - [`history`]: each control's verdict over an account's runs, and the report's trend;
//! - [`portfolio`]: across customers and engines, which controls are met and which engine
//!   specialties the evidence supports;
//! - [`shard`]: which accounts one of N parallel jobs collects.
//!
//! Every bundle is verified before it is used; one that fails is named with its problems
//! (an error where one bundle is asked for, a listed omission where many are read), never
//! used silently. No AWS SDK here: this crate reads bundles only.

mod error;
mod loaded;
mod time;
mod verdicts;

pub mod diff;
pub mod history;
pub mod portfolio;
pub mod shard;
pub mod store;

#[cfg(test)]
mod testing;

pub use diff::{compare, Diff};
pub use error::{HistoryError, NotVerified};
pub use history::HistoryTable;
pub use loaded::LoadedBundle;
pub use portfolio::Portfolio;
pub use shard::{select, shard_of, Shard};
pub use store::{IndexEntry, Store};
