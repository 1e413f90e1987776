//! The Graphviz DOT source: Region, VPC, Availability Zone and subnet as nested clusters, so
//! that `dot -Tsvg` draws the nesting as boxes within boxes.

use std::fmt::Write;

use super::model::{Edge, Graph, Group, GroupKind, Node};
use super::style::{self, Paint, Sample};

pub(super) fn render(graph: &Graph) -> String {
    let mut out = String::new();
    let mut caption = vec![graph.title.clone(), graph.subtitle.clone()];
    caption.extend(graph.notes.iter().map(|note| format!("incomplete: {note}")));
    line(
        &mut out,
        0,
        &format!("digraph {} {{", quote(&format!("rds-{}", graph.name))),
    );
    line(
        &mut out,
        1,
        &format!(
            "graph [label={}, labelloc=t, labeljust=l, fontname=\"Helvetica\", fontsize=16, \
             rankdir=TB, newrank=true, nodesep=0.3, ranksep=0.5];",
            label(&caption)
        ),
    );
    line(
        &mut out,
        1,
        "node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11];",
    );
    line(&mut out, 1, "edge [fontname=\"Helvetica\", fontsize=10];");
    for node in graph.outside.iter().chain(&graph.cloud) {
        write_node(&mut out, 1, node);
    }
    for group in &graph.regions {
        write_group(&mut out, 1, group);
    }
    for edge in &graph.edges {
        write_edge(&mut out, edge);
    }
    write_legend(&mut out);
    line(&mut out, 0, "}");
    out
}

fn line(out: &mut String, depth: usize, text: &str) {
    let _ = writeln!(out, "{:indent$}{text}", "", indent = depth * 2);
}

fn write_group(out: &mut String, depth: usize, group: &Group) {
    let paint = style::group(group.kind);
    line(
        out,
        depth,
        &format!("subgraph {} {{", quote(&format!("cluster_{}", group.id))),
    );
    let inner = depth + 1;
    let style = if paint.dashed {
        "filled,dashed"
    } else {
        "filled"
    };
    let fontsize = match group.kind {
        GroupKind::Region => 14,
        GroupKind::Vpc => 13,
        GroupKind::Zone => 12,
        GroupKind::Subnet(_) => 10,
    };
    line(
        out,
        inner,
        &format!(
            "label={}; labeljust=l; fontsize={fontsize}; style=\"{style}\"; fillcolor=\"{}\"; \
             color=\"{}\"; penwidth={};",
            label(&group.lines),
            fill(paint),
            paint.stroke,
            paint.width
        ),
    );
    for node in &group.nodes {
        write_node(out, inner, node);
    }
    if group.nodes.is_empty() && group.groups.is_empty() {
        // Graphviz does not draw an empty cluster: an unused subnet still belongs in the picture.
        line(
            out,
            inner,
            &format!(
                "{} [label=\"no database\", shape=plaintext, style=\"\", fontsize=9, \
                 fontcolor=\"#5f6b7a\"];",
                quote(&format!("{}:empty", group.id))
            ),
        );
    }
    for child in &group.groups {
        write_group(out, inner, child);
    }
    line(out, depth, "}");
}

fn write_node(out: &mut String, depth: usize, node: &Node) {
    let paint = style::card(node.kind, !node.marks.is_empty());
    let mut lines = node.lines.clone();
    lines.extend(node.marks.iter().map(|m| m.label().to_owned()));
    line(
        out,
        depth,
        &format!(
            "{} [label={}, {}];",
            quote(&node.id),
            label(&lines),
            box_attributes(paint, "rounded,filled")
        ),
    );
}

fn box_attributes(paint: Paint, style: &str) -> String {
    let dashed = if paint.dashed { ",dashed" } else { "" };
    format!(
        "style=\"{style}{dashed}\", fillcolor=\"{}\", color=\"{}\", penwidth={}",
        fill(paint),
        paint.stroke,
        paint.width
    )
}

fn write_edge(out: &mut String, edge: &Edge) {
    let stroke = style::edge(edge.kind);
    let dashed = if stroke.dashed { ", style=dashed" } else { "" };
    line(
        out,
        1,
        &format!(
            "{} -> {} [label={}, color=\"{}\", fontcolor=\"{}\", penwidth={}{dashed}];",
            quote(&edge.from),
            quote(&edge.to),
            quote(edge.kind.label()),
            stroke.color,
            stroke.color,
            stroke.width
        ),
    );
}

/// One node with an HTML-like table: a swatch and a caption per box, mark and line style.
fn write_legend(out: &mut String) {
    let mut rows = String::new();
    for entry in style::legend_entries() {
        let caption = entry.caption.replace('&', "&amp;").replace('<', "&lt;");
        let sample = match entry.sample {
            Sample::Box(paint) => swatch(paint),
            Sample::Card(kind) => swatch(style::card(kind, false)),
            Sample::Mark => swatch(style::marked_sample()),
            Sample::Line(kind) => {
                let stroke = style::edge(kind);
                let sample = if stroke.dashed {
                    "- - -&gt;"
                } else {
                    "——&gt;"
                };
                format!(
                    "<td border=\"0\"><font color=\"{}\">{sample}</font></td>",
                    stroke.color
                )
            }
        };
        let _ = write!(
            rows,
            "<tr>{sample}<td border=\"0\" align=\"left\">{caption}</td></tr>"
        );
    }
    line(
        out,
        1,
        &format!(
            "\"legend\" [shape=plaintext, style=\"\", fontsize=10, label=<<table border=\"1\" \
             color=\"#8d99a8\" cellborder=\"1\" cellspacing=\"3\"><tr><td border=\"0\" \
             colspan=\"2\"><b>Legend</b></td></tr>{rows}</table>>];"
        ),
    );
}

fn swatch(paint: Paint) -> String {
    let dashed = if paint.dashed {
        " style=\"dashed\""
    } else {
        ""
    };
    format!(
        "<td bgcolor=\"{}\" color=\"{}\"{dashed} width=\"36\"></td>",
        fill(paint),
        paint.stroke
    )
}

/// Containers the SVG leaves unfilled are white here: a filled cluster needs a colour.
fn fill(paint: Paint) -> &'static str {
    if paint.fill == "none" {
        "#ffffff"
    } else {
        paint.fill
    }
}

/// A DOT quoted string. Names come from AWS tags and may hold quotes, backslashes or line
/// breaks; a backslash is doubled so Graphviz never reads it as an escape such as `\N`.
fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' | '\r' => quoted.push(' '),
            _ => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// A multi-line label: each line quoted, joined by DOT's `\n`.
fn label(lines: &[String]) -> String {
    let quoted: Vec<String> = lines
        .iter()
        .map(|l| {
            let q = quote(l);
            q[1..q.len() - 1].to_owned()
        })
        .collect();
    format!("\"{}\"", quoted.join("\\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_neutralises_quotes_backslashes_and_line_breaks() {
        assert_eq!(quote(r#"a "b" \N"#), r#""a \"b\" \\N""#);
        assert_eq!(quote("two\nlines"), "\"two lines\"");
        assert_eq!(label(&["x\"".to_owned(), "y".to_owned()]), r#""x\"\ny""#);
    }
}
