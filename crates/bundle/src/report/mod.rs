//! report.md and report.html: what a validator reads first, for wikis and for the browser.
//!
//! Both say the same thing, built once as a view model ([`model::Report`]) from the snapshot,
//! the evaluation, the profile and the attestations: the account and how it was collected, a
//! verdict summary, every control in checklist order with its narrative, checks and evidence
//! excerpts, attestations with their hashes, the inventory per region, the diagrams, and what
//! could not be collected. Pure functions: the same inputs give byte-identical text.

mod html;
mod markdown;
mod model;
#[cfg(test)]
mod tests;

use crate::diagram::Diagram;
use crate::Contents;

pub fn markdown(contents: Contents, diagrams: &[Diagram]) -> String {
    markdown::render(&model::Report::build(contents, diagrams))
}

pub fn html(contents: Contents, diagrams: &[Diagram]) -> String {
    html::render(&model::Report::build(contents, diagrams))
}
