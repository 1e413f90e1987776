//! report.md and report.html: what a validator reads first, for wikis and for the browser.
//!
//! Both say the same thing, built once as a view model ([`model::Report`]) from the snapshot,
//! the evaluation, the profile and the attestations: the account and how it was collected, a
//! verdict summary, every control in checklist order with its narrative, checks and evidence
//! excerpts, attestations with their hashes, the inventory per region, the diagrams, and what
//! could not be collected. Pure functions: the same inputs give byte-identical text.
//!
//! Given a [`Trend`] (the account's earlier runs, from the history store), both also show
//! "Verdicts over time" after the summary: a chart in HTML, a table in Markdown.

mod html;
mod markdown;
mod model;
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
use crate::Contents;

pub fn markdown(contents: Contents, diagrams: &[Diagram]) -> String {
    markdown_with_trend(contents, diagrams, None)
}

pub fn html(contents: Contents, diagrams: &[Diagram]) -> String {
    html_with_trend(contents, diagrams, None)
}

pub fn markdown_with_trend(
    contents: Contents,
    diagrams: &[Diagram],
    trend: Option<&Trend>,
) -> String {
    markdown::render(&model::Report::build(contents, diagrams, trend))
}

pub fn html_with_trend(contents: Contents, diagrams: &[Diagram], trend: Option<&Trend>) -> String {
    html::render(&model::Report::build(contents, diagrams, trend))
}
