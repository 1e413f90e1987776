//! How wide a line of text is, without a font engine: the advance widths Adobe publishes for
//! Helvetica and Helvetica-Bold (the core-14 AFM files, in thousandths of an em), which Arial
//! and Liberation Sans match. The layout sizes every box from these, so a box fits its text in
//! any of those fonts; [`SLACK`] absorbs hinting and the odd fallback glyph.

/// Extra width on every measured line.
const SLACK: f64 = 1.06;

/// Helvetica's widths of the printable ASCII characters, from `' '` (32) to `'~'` (126).
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // '0'..'9'
    278, 278, 584, 584, 584, 556, 1015, // ':'..'@'
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // 'A'..'M'
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // 'N'..'Z'
    278, 278, 278, 469, 556, 333, // '['..'`'
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // 'a'..'m'
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // 'n'..'z'
    334, 260, 334, 584, // '{'..'~'
];

/// Helvetica-Bold's, likewise.
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // '0'..'9'
    333, 333, 584, 584, 584, 611, 975, // ':'..'@'
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, // 'A'..'M'
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // 'N'..'Z'
    333, 278, 333, 584, 556, 333, // '['..'`'
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, // 'a'..'m'
    611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, // 'n'..'z'
    389, 280, 389, 584, // '{'..'~'
];

/// A character outside ASCII: the middle dot and dashes the labels use have their Helvetica
/// widths; anything else (arrows, letters of other scripts, which come from a fallback font)
/// is given a full em.
fn other(c: char, bold: bool) -> u16 {
    match c {
        '·' => 278,
        '–' => 556,
        '—' => 1000,
        '…' => 1000,
        'é' | 'è' | 'ê' | 'ë' | 'á' | 'à' | 'â' | 'ä' | 'ó' | 'ö' | 'ü' | 'ú' => {
            if bold {
                611
            } else {
                556
            }
        }
        _ => 1000,
    }
}

/// The width of `text` at `size` pixels, in pixels.
pub(super) fn width(text: &str, size: f64, bold: bool) -> f64 {
    let table = if bold { &BOLD } else { &REGULAR };
    let thousandths: u32 = text
        .chars()
        .map(|c| match (c as u32).checked_sub(32) {
            Some(index) if index < 95 => u32::from(table[index as usize]),
            _ if c.is_control() => u32::from(table[0]),
            _ => u32::from(other(c, bold)),
        })
        .sum();
    f64::from(thousandths) / 1000.0 * size * SLACK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_published_metrics() {
        // "Hi" = H 722 + i 222 thousandths of an em.
        assert!((width("Hi", 10.0, false) - 9.44 * SLACK).abs() < 1e-9);
        assert!(width("Hi", 10.0, true) > width("Hi", 10.0, false));
        assert!(width("mmm", 11.0, false) > width("iii", 11.0, false));
        assert_eq!(width("", 11.0, false), 0.0);
        // Outside ASCII: a full em, never nothing.
        assert!((width("→", 10.0, false) - 10.0 * SLACK).abs() < 1e-9);
    }
}
