//! report.html: one self-contained page (inline CSS, inline SVG, no script, no external
//! asset) that a validator can open offline or print. Askama escapes every value taken from
//! the snapshot; only the diagrams' SVG, which this crate generates, is inserted as markup.

use askama::Template;

use super::model::{AttestationView, Report};

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'r, 'a> {
    report: &'r Report<'a>,
}

pub fn render(report: &Report) -> String {
    Page { report }
        .render()
        .expect("the report template writes to a String, which cannot fail")
}
