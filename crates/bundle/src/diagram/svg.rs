//! The SVG, drawn from the layout: containers, then the edges, then the resource cards, so a
//! line never hides a card's text. No `<style>` element and no XML prolog, and every id is
//! prefixed with the page's name, so several diagrams can be inlined into one HTML page. Each
//! box is a `<g data-id="…">` holding its rectangle and its text, which is what the browser
//! test measures.

use std::collections::HashMap;
use std::fmt::Write;

use super::layout::{
    self, header_indent, Item, Layout, Placed, Rect, FONT, ICON, LEGEND_COLUMNS, LEGEND_ROW,
    LEGEND_SWATCH, LINE, MARGIN, PAD, TITLE_FONT,
};
use super::model::{Edge, EdgeKind, Graph, Node};
use super::style::{self, Paint, Sample, Stroke, MARK, MUTED, TEXT};
use super::xml::{escape, num};

pub(super) fn render(graph: &Graph, layout: &Layout) -> String {
    let prefix = format!("rds-diagram-{}", id_safe(&graph.name));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, 'Liberation Sans', sans-serif\" \
         font-size=\"{FONT}\" role=\"img\" aria-labelledby=\"{prefix}-title\">\n\
         <title id=\"{prefix}-title\">{}</title>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        escape(&graph.title),
        w = num(layout.width),
        h = num(layout.height),
    );
    svg.push_str(&markers(&prefix));
    header(&mut svg, graph);
    let boxes = layout.boxes();
    for placed in &boxes {
        if !matches!(placed.item, Item::Node(_)) {
            container(&mut svg, placed);
        }
    }
    let rects: HashMap<&str, Rect> = boxes.iter().map(|b| (b.id(), b.rect)).collect();
    for edge in &graph.edges {
        if let (Some(from), Some(to)) = (rects.get(edge.from.as_str()), rects.get(edge.to.as_str()))
        {
            line(&mut svg, &prefix, edge, from, to);
        }
    }
    for placed in &boxes {
        if let Item::Node(node) = placed.item {
            card(&mut svg, placed, node);
        }
    }
    legend(&mut svg, &prefix, layout.legend);
    svg.push_str("</svg>\n");
    svg
}

/// Title, collection time and the gaps in what could be read.
fn header(svg: &mut String, graph: &Graph) {
    let mut y = MARGIN + TITLE_FONT;
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"{TITLE_FONT}\" font-weight=\"bold\" \
         fill=\"{TEXT}\">{}</text>",
        num(y),
        escape(&graph.title)
    );
    y += 6.0 + LINE;
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{}\" fill=\"{MUTED}\">{}</text>",
        num(y),
        escape(&graph.subtitle)
    );
    for note in &graph.notes {
        y += LINE;
        let _ = writeln!(
            svg,
            "<text x=\"{MARGIN}\" y=\"{}\" fill=\"#8a5a00\">{}</text>",
            num(y),
            escape(&layout::note_line(note))
        );
    }
}

fn rect(svg: &mut String, rect: &Rect, paint: Paint, radius: f64) {
    let _ = write!(
        svg,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{radius}\" fill=\"{}\" \
         stroke=\"{}\" stroke-width=\"{}\"{}/>",
        num(rect.x),
        num(rect.y),
        num(rect.w),
        num(rect.h),
        paint.fill,
        paint.stroke,
        paint.width,
        dash(paint.dashed)
    );
}

/// Lines of text from `top`, each `(text, bold, colour)`, starting at `x`.
fn text_block(svg: &mut String, x: f64, top: f64, lines: &[(&str, bool, &str)]) {
    svg.push_str("<text>");
    for (i, (line, bold, color)) in lines.iter().enumerate() {
        let weight = if *bold { " font-weight=\"bold\"" } else { "" };
        let _ = write!(
            svg,
            "<tspan x=\"{}\" y=\"{}\" fill=\"{color}\"{weight}>{}</tspan>",
            num(x),
            num(top + (i + 1) as f64 * LINE - 3.0),
            escape(line)
        );
    }
    svg.push_str("</text>");
}

fn container(svg: &mut String, placed: &Placed) {
    let (paint, lines, kind) = match placed.item {
        Item::Cloud => (style::CLOUD, layout::cloud_lines(), None),
        Item::Group(group) => (
            style::group(group.kind),
            group.lines.clone(),
            Some(group.kind),
        ),
        Item::Node(_) => return,
    };
    let r = placed.rect;
    let _ = write!(svg, "<g data-id=\"{}\">", escape(placed.id()));
    rect(svg, &r, paint, 0.0);
    let indent = header_indent(kind);
    if indent > PAD {
        // The group's icon corner, as the AWS group shapes have it.
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{}\" width=\"20\" height=\"20\" fill=\"{}\"/>",
            num(r.x),
            num(r.y),
            paint.stroke
        );
    }
    let styled: Vec<(&str, bool, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                (line.as_str(), true, paint.text)
            } else {
                (line.as_str(), false, TEXT)
            }
        })
        .collect();
    text_block(svg, r.x + indent, r.y + PAD, &styled);
    svg.push_str("</g>\n");
}

fn card(svg: &mut String, placed: &Placed, node: &Node) {
    let r = placed.rect;
    let _ = write!(svg, "<g data-id=\"{}\">", escape(placed.id()));
    rect(svg, &r, style::card(node.kind, !node.marks.is_empty()), 6.0);
    let (color, code) = style::icon(node.kind);
    let icon_y = r.y + (r.h - ICON) / 2.0;
    let _ = write!(
        svg,
        "<rect x=\"{}\" y=\"{}\" width=\"{ICON}\" height=\"{ICON}\" rx=\"4\" fill=\"{color}\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\" font-weight=\"bold\" \
         fill=\"#ffffff\">{code}</text>",
        num(r.x + PAD),
        num(icon_y),
        num(r.x + PAD + ICON / 2.0),
        num(icon_y + ICON / 2.0 + 3.0),
    );
    let lines: Vec<(&str, bool, &str)> = node
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| (line.as_str(), i == 0, TEXT))
        .chain(node.marks.iter().map(|mark| (mark.label(), true, MARK)))
        .collect();
    let top = r.y + (r.h - lines.len() as f64 * LINE) / 2.0;
    text_block(svg, r.x + PAD + ICON + PAD, top, &lines);
    svg.push_str("</g>\n");
}

/// The point where the line from `r`'s centre towards `(x, y)` leaves `r`.
fn border_point(r: &Rect, toward: (f64, f64)) -> (f64, f64) {
    let (cx, cy) = r.center();
    let (dx, dy) = (toward.0 - cx, toward.1 - cy);
    let scale = [(dx, r.w / 2.0), (dy, r.h / 2.0)]
        .into_iter()
        .filter(|(d, _)| d.abs() > f64::EPSILON)
        .map(|(d, half)| half / d.abs())
        .fold(f64::INFINITY, f64::min);
    if scale.is_finite() {
        (cx + dx * scale, cy + dy * scale)
    } else {
        (cx, cy)
    }
}

fn line(svg: &mut String, prefix: &str, edge: &Edge, from: &Rect, to: &Rect) {
    let start = border_point(from, to.center());
    let end = border_point(to, from.center());
    if (start.0 - end.0).abs() < 1.0 && (start.1 - end.1).abs() < 1.0 {
        return;
    }
    let stroke = style::edge(edge.kind);
    let d = format!(
        "M {} {} L {} {}",
        num(start.0),
        num(start.1),
        num(end.0),
        num(end.1)
    );
    // A white casing keeps a line readable where it crosses a container's text.
    let _ = writeln!(
        svg,
        "<path d=\"{d}\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"{}\" \
         stroke-opacity=\"0.8\"/>\n<path d=\"{d}\" fill=\"none\" stroke=\"{}\" \
         stroke-width=\"{}\"{} marker-end=\"url(#{prefix}-{})\"><title>{}</title></path>",
        stroke.width + 4,
        stroke.color,
        stroke.width,
        dash(stroke.dashed),
        edge.kind.slug(),
        escape(edge.kind.label())
    );
}

/// Arrowheads, one per edge kind: SVG 1.1 markers do not take the colour of their line.
fn markers(prefix: &str) -> String {
    let mut defs = String::from("<defs>\n");
    for kind in EdgeKind::ALL {
        let _ = writeln!(
            defs,
            "<marker id=\"{prefix}-{}\" markerWidth=\"10\" markerHeight=\"7\" refX=\"10\" \
             refY=\"3.5\" orient=\"auto\" markerUnits=\"userSpaceOnUse\">\
             <polygon points=\"0 0, 10 3.5, 0 7\" fill=\"{}\"/></marker>",
            kind.slug(),
            style::edge(kind).color
        );
    }
    defs.push_str("</defs>\n");
    defs
}

/// Every box, mark and line style, in columns.
fn legend(svg: &mut String, prefix: &str, area: Rect) {
    let entries = style::legend_entries();
    let rows = entries.len().div_ceil(LEGEND_COLUMNS);
    let column_width = layout::legend_column_width();
    let _ = write!(svg, "<g data-id=\"legend\">");
    rect(
        svg,
        &area,
        Paint {
            fill: "#ffffff",
            stroke: "#8d99a8",
            width: 1,
            dashed: false,
            text: TEXT,
        },
        4.0,
    );
    text_block(svg, area.x + PAD, area.y + PAD, &[("Legend", true, TEXT)]);
    for (i, entry) in entries.iter().enumerate() {
        let x = area.x + PAD + (i / rows) as f64 * column_width;
        let y = area.y + PAD + LINE + PAD + (i % rows) as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
        let swatch = Rect {
            x,
            y: y - 7.0,
            w: LEGEND_SWATCH,
            h: 14.0,
        };
        match entry.sample {
            Sample::Box(paint) => rect(svg, &swatch, paint, 2.0),
            Sample::Card(kind) => {
                rect(svg, &swatch, style::card(kind, false), 3.0);
                let (color, _) = style::icon(kind);
                let _ = write!(
                    svg,
                    "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{color}\"/>",
                    num(x + 3.0),
                    num(y - 5.0)
                );
            }
            Sample::Mark => rect(svg, &swatch, style::marked_sample(), 3.0),
            Sample::Line(kind) => {
                let Stroke {
                    color,
                    width,
                    dashed,
                } = style::edge(kind);
                let _ = write!(
                    svg,
                    "<path d=\"M {} {} L {} {}\" stroke=\"{color}\" stroke-width=\"{width}\"{} \
                     marker-end=\"url(#{prefix}-{})\"/>",
                    num(x),
                    num(y),
                    num(x + LEGEND_SWATCH),
                    num(y),
                    dash(dashed),
                    kind.slug()
                );
            }
        }
        let color = if matches!(entry.sample, Sample::Mark) {
            MARK
        } else {
            TEXT
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"{color}\">{}</text>",
            num(x + LEGEND_SWATCH + PAD),
            num(y + 4.0),
            escape(&entry.caption)
        );
    }
    svg.push_str("</g>\n");
}

fn dash(dashed: bool) -> &'static str {
    if dashed {
        " stroke-dasharray=\"5 4\""
    } else {
        ""
    }
}

fn id_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
