//! report.md and report.html: what a validator reads first, for wikis and for the browser.
//!
//! Both say the same thing, built once as a view model ([`model::Report`]) from the snapshot,
//! the evaluation, the profile and the attestations: the account and how it was collected, a
//! verdict summary, every control in checklist order with its narrative, checks and evidence
//! excerpts, attestations with their hashes, the inventory per region, the diagrams, and what
//! could not be collected. Pure functions: the same inputs give byte-identical text.
//!
//! The first screen states the provenance: how the snapshot was collected (live, through
//! another endpoint, or replayed, from which recording, recorded when), the checklist and
//! whether it is the official edition, the tool versions and the caller identity, and a
//! warning when the databases' ARNs name another account than the caller's.
//!
//! Given a [`Trend`] (the account's earlier runs, from the history store), both also show
//! "Verdicts over time" after the summary: a chart in HTML, a table in Markdown.

mod html;
mod markdown;
mod model;
mod provenance;
#[cfg(test)]
mod tests;
mod trend;

pub use trend::{Trend, TrendRun};

/// Markdown table cells for text a snapshot supplied: nothing in it can become markup or
/// break the table. Other Markdown writers (diff, portfolio) use the same rules.
pub mod cells {
    pub use super::markdown::{code, row, text};
}

use crate::diagram::Diagram;
use crate::manifest::Inputs;
use crate::Contents;

/// What a report says besides its contents.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// The bundle's inputs as its manifest records them (the profile file, a snapshot
    /// evaluated again), for the provenance on the first screen.
    pub inputs: Option<&'a Inputs>,
    /// The account's earlier runs, for "Verdicts over time".
    pub trend: Option<&'a Trend>,
}

pub fn markdown(contents: Contents, diagrams: &[Diagram]) -> String {
    markdown_in(contents, diagrams, Context::default())
}

pub fn html(contents: Contents, diagrams: &[Diagram]) -> String {
    html_in(contents, diagrams, Context::default())
}

pub fn markdown_in(contents: Contents, diagrams: &[Diagram], context: Context) -> String {
    markdown::render(&model::Report::build(contents, diagrams, context))
}

pub fn html_in(contents: Contents, diagrams: &[Diagram], context: Context) -> String {
    html::render(&model::Report::build(contents, diagrams, context))
}
