//! Text into XML (the SVG and the diagrams.net file), and coordinates as stable text.

/// Escapes text for an XML element or a double-quoted attribute. Names come from AWS tags and
/// may hold any character; those XML 1.0 forbids become spaces.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c if c.is_control() => escaped.push(' '),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A coordinate with one decimal: enough for a screen, and stable text.
pub(super) fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_stay_text() {
        assert_eq!(escape("a<b>&\"c'\n\u{7}"), "a&lt;b&gt;&amp;&quot;c&apos;  ");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(40.0), "40");
    }
}
