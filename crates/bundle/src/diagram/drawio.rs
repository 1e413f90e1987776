//! The diagrams.net (draw.io) file: the same layout as the SVG, as cells a partner can edit.
//!
//! Containers are real containers (`container=1`, children's geometry relative to them), drawn
//! with the AWS group shapes; resources are the AWS icons of diagrams.net's `mxgraph.aws4`
//! library with their text beside them; edges are connected to their cells, so they follow
//! when something is moved. Uncompressed XML, which diagrams.net opens as it is.

use std::fmt::Write;

use super::layout::{self, Item, Layout, Placed, Rect, ICON, LEGEND_COLUMNS, PAD};
use super::model::{Graph, GroupKind};
use super::style::{self, Sample, MARK, MUTED};
use super::xml::{escape, num};

pub(super) fn render(graph: &Graph, layout: &Layout) -> String {
    let mut cells = String::new();
    let title = Rect {
        x: layout::MARGIN,
        y: layout::MARGIN,
        w: layout.width - 2.0 * layout::MARGIN,
        h: layout.header_height - 2.0 * layout::MARGIN,
    };
    let mut header = format!(
        "<b style=\"font-size:16px\">{}</b><br>{}",
        escape(&graph.title),
        escape(&graph.subtitle)
    );
    for note in &graph.notes {
        let _ = write!(
            header,
            "<br><font color=\"#8a5a00\">{}</font>",
            escape(&layout::note_line(note))
        );
    }
    vertex(
        &mut cells,
        "title",
        &header,
        "text;html=1;align=left;verticalAlign=top;whiteSpace=nowrap;fontSize=11;",
        "1",
        &title,
        None,
    );
    for placed in &layout.outside {
        place(&mut cells, placed, "1", None);
    }
    place(&mut cells, &layout.cloud, "1", None);
    for (i, edge) in graph.edges.iter().enumerate() {
        let _ = writeln!(
            cells,
            "<mxCell id=\"edge-{i}\" value=\"\" style=\"{}\" edge=\"1\" parent=\"1\" \
             source=\"{}\" target=\"{}\"><mxGeometry relative=\"1\" as=\"geometry\"/></mxCell>",
            style::drawio_edge(edge.kind),
            escape(&edge.from),
            escape(&edge.to)
        );
    }
    vertex(
        &mut cells,
        "legend",
        &legend(),
        "rounded=1;arcSize=2;html=1;whiteSpace=nowrap;align=left;verticalAlign=top;\
         spacingLeft=10;spacingTop=6;fillColor=#ffffff;strokeColor=#8d99a8;fontSize=11;",
        "1",
        &layout.legend,
        None,
    );
    format!(
        "<mxfile host=\"rds-evidence\">\n<diagram id=\"{id}\" name=\"{name}\">\n\
         <mxGraphModel dx=\"0\" dy=\"0\" grid=\"1\" gridSize=\"10\" guides=\"1\" tooltips=\"1\" \
         connect=\"1\" arrows=\"1\" fold=\"1\" page=\"1\" pageScale=\"1\" pageWidth=\"{w}\" \
         pageHeight=\"{h}\" math=\"0\" shadow=\"0\">\n<root>\n<mxCell id=\"0\"/>\n\
         <mxCell id=\"1\" parent=\"0\"/>\n{cells}</root>\n</mxGraphModel>\n</diagram>\n\
         </mxfile>\n",
        id = escape(&graph.name),
        name = escape(&graph.name),
        w = num(layout.width),
        h = num(layout.height),
    )
}

/// A box and its children, geometry relative to the parent cell.
fn place(cells: &mut String, placed: &Placed, parent: &str, origin: Option<Rect>) {
    let id = placed.id();
    match placed.item {
        Item::Cloud | Item::Group(_) => {
            let (lines, kind): (Vec<String>, Option<GroupKind>) = match placed.item {
                Item::Group(group) => (group.lines.clone(), Some(group.kind)),
                _ => (layout::cloud_lines(), None),
            };
            let label = lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    if i == 0 {
                        format!("<b>{}</b>", escape(line))
                    } else {
                        format!("<font color=\"#16191f\">{}</font>", escape(line))
                    }
                })
                .collect::<Vec<_>>()
                .join("<br>");
            vertex(
                cells,
                id,
                &label,
                &style::drawio_group(kind),
                parent,
                &placed.rect,
                origin,
            );
            for child in &placed.children {
                place(cells, child, id, Some(placed.rect));
            }
        }
        Item::Node(node) => {
            let mut label: Vec<String> = node
                .lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    if i == 0 {
                        format!("<b>{}</b>", escape(line))
                    } else {
                        escape(line)
                    }
                })
                .collect();
            label.extend(
                node.marks
                    .iter()
                    .map(|m| format!("<font color=\"{MARK}\"><b>{}</b></font>", m.label())),
            );
            let icon = Rect {
                x: placed.rect.x + PAD,
                y: placed.rect.y + (placed.rect.h - ICON) / 2.0,
                w: ICON,
                h: ICON,
            };
            vertex(
                cells,
                id,
                &label.join("<br>"),
                &style::drawio_node(node.kind),
                parent,
                &icon,
                origin,
            );
        }
    }
}

fn vertex(
    cells: &mut String,
    id: &str,
    label: &str,
    style: &str,
    parent: &str,
    rect: &Rect,
    origin: Option<Rect>,
) {
    let (x, y) = origin.map_or((rect.x, rect.y), |o| (rect.x - o.x, rect.y - o.y));
    let _ = writeln!(
        cells,
        "<mxCell id=\"{}\" value=\"{}\" style=\"{}\" vertex=\"1\" parent=\"{}\">\
         <mxGeometry x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" as=\"geometry\"/></mxCell>",
        escape(id),
        escape(label),
        escape(style),
        escape(parent),
        num(x),
        num(y),
        num(rect.w),
        num(rect.h)
    );
}

/// The legend as one text cell holding a table, laid out like the SVG's: diagrams.net has no
/// legend element. Labels are HTML, escaped once for HTML here and once for XML on writing.
fn legend() -> String {
    let entries: Vec<String> = style::legend_entries()
        .into_iter()
        .map(|entry| {
            let sample = match entry.sample {
                Sample::Box(paint) => format!("<font color=\"{}\">▭</font>", paint.stroke),
                Sample::Card(kind) => {
                    let (color, code) = style::icon(kind);
                    format!("<font color=\"{color}\"><b>{code}</b></font>")
                }
                Sample::Mark => format!("<font color=\"{MARK}\">■</font>"),
                Sample::Line(kind) => {
                    let stroke = style::edge(kind);
                    let line = if stroke.dashed {
                        "- - ▶"
                    } else {
                        "——▶"
                    };
                    format!("<font color=\"{}\">{line}</font>", stroke.color)
                }
            };
            format!(
                "{sample} <font color=\"{MUTED}\">{}</font>",
                escape(&entry.caption)
            )
        })
        .collect();
    let rows = entries.len().div_ceil(LEGEND_COLUMNS);
    let mut table = String::from("<b>Legend</b><table>");
    for row in 0..rows {
        table.push_str("<tr>");
        for column in 0..LEGEND_COLUMNS {
            let cell = entries.get(column * rows + row).map_or("", String::as_str);
            let _ = write!(table, "<td>{cell}</td>");
        }
        table.push_str("</tr>");
    }
    table.push_str("</table>");
    table
}
