//! Markdown cells from text a snapshot may have supplied: nothing in it may become markup or
//! break the table.

/// Plain text, one line, with every character Markdown could read as markup escaped.
pub(crate) fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    for c in raw.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A code span that survives backticks and pipes in `raw`.
pub(crate) fn code(raw: &str) -> String {
    let flat = raw.replace(['\r', '\n'], " ").replace('|', "\\|");
    let longest_run = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// One table row.
pub(crate) fn row(out: &mut String, cells: &[&str]) {
    out.push('|');
    for cell in cells {
        out.push(' ');
        out.push_str(cell);
        out.push_str(" |");
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_format_or_break_a_table() {
        assert_eq!(text("a|b\nc"), "a\\|b c");
        assert_eq!(text("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(text("[x](y) *z* _w_"), "\\[x\\](y) \\*z\\* \\_w\\_");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("db-1"), "`db-1`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), "`a\\|b`");
    }
}
