//! The SVG, laid out by layout-rs and drawn by this module.
//!
//! layout-rs has no clusters, so the nesting is drawn as a tree: VPC, Availability Zone and
//! subnet are boxes too, joined to what they contain by thin grey lines, and each box names
//! itself. layout-rs only places the boxes; drawing them here (a `RenderBackend` of our own)
//! gives one font with measured box sizes, edges under boxes, and ids prefixed by region with
//! no `<style>` element and no XML prolog, so several diagrams can be inlined into one HTML
//! page. A layout that panics or yields non-finite coordinates falls back to a plain SVG that
//! points at the DOT source.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

use layout::adt::dag::NodeHandle;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::model::{EdgeKind, Graph, Group, GroupKind, Node, NodeKind};
use super::style::{self, Paint, Stroke};
use crate::DIAGRAMS_DIR;

const FONT_SIZE: f64 = 11.0;
const LABEL_FONT_SIZE: f64 = 10.0;
const LINE_HEIGHT: f64 = 14.0;
const BOX_PADDING: f64 = 8.0;
/// layout-rs sizes an edge label at `font_size` pixels per character: this is the average
/// width of a character at [`LABEL_FONT_SIZE`].
const LABEL_WIDTH_UNIT: usize = 6;
const MARGIN: f64 = 16.0;
/// layout-rs's crossing minimisation grows steeply with the number of elements (boxes and edge
/// labels): a second at 150 in a release build. Larger diagrams are laid out without it.
const OPTIMIZE_UP_TO: usize = 150;
/// Even without it, layout time grows faster than linearly: beyond this many elements the SVG
/// lists the databases and points at the DOT source instead.
const LAYOUT_UP_TO: usize = 2000;
const CONTAINS: Stroke = Stroke {
    color: "#c4c9d0",
    width: 1,
    dashed: false,
};

pub(super) fn render(graph: &Graph) -> String {
    let prefix = format!("rds-diagram-{}", id_safe(&graph.region));
    let elements = graph.size() + graph.edges.len();
    if elements > LAYOUT_UP_TO {
        let reason = format!("This diagram has {elements} elements, too many to lay out here.");
        return fallback(graph, &prefix, &reason);
    }
    catch_unwind(AssertUnwindSafe(|| laid_out(graph, &prefix, elements)))
        .ok()
        .flatten()
        .unwrap_or_else(|| fallback(graph, &prefix, "This diagram could not be laid out."))
}

/// A box to draw: its text, paint and whether it is a container (VPC, zone, subnet).
struct BoxSpec {
    lines: Vec<String>,
    paint: Paint,
    container: bool,
}

fn laid_out(graph: &Graph, prefix: &str, elements: usize) -> Option<String> {
    let mut scene = Scene {
        visual: VisualGraph::new(Orientation::TopToBottom),
        boxes: Vec::new(),
        handles: HashMap::new(),
        containment: Vec::new(),
        linked: graph
            .edges
            .iter()
            .flat_map(|e| [e.from.as_str(), e.to.as_str()])
            .collect(),
    };
    for group in &graph.groups {
        scene.add_group(group);
    }
    for node in &graph.nodes {
        scene.add_node(node);
    }
    let Scene {
        mut visual,
        boxes,
        handles,
        containment,
        ..
    } = scene;
    for (parent, child) in containment {
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::None,
            LineStyleKind::Normal,
            "",
            &look(CONTAINS.color, None, LABEL_WIDTH_UNIT),
            "contains",
            &None,
            &None,
        );
        visual.add_edge(arrow, parent, child);
    }
    for edge in &graph.edges {
        let (Some(&from), Some(&to)) = (
            handles.get(edge.from.as_str()),
            handles.get(edge.to.as_str()),
        ) else {
            continue;
        };
        let stroke = style::edge(edge.kind);
        let arrow = Arrow::with_properties(
            LineEndKind::None,
            LineEndKind::Arrow,
            if stroke.dashed {
                LineStyleKind::Dashed
            } else {
                LineStyleKind::Normal
            },
            edge.kind.label(),
            &look(stroke.color, None, LABEL_WIDTH_UNIT),
            edge.kind.slug(),
            &None,
            &None,
        );
        visual.add_edge(arrow, from, to);
    }

    let mut canvas = Canvas::new(prefix, &boxes);
    let optimize = elements <= OPTIMIZE_UP_TO;
    visual.do_it(false, !optimize, false, &mut canvas);
    canvas.finish(graph)
}

/// The graph handed to layout-rs, with what is needed to draw it afterwards.
struct Scene<'g> {
    visual: VisualGraph,
    boxes: Vec<BoxSpec>,
    handles: HashMap<&'g str, NodeHandle>,
    /// Container → contained, drawn as thin lines.
    containment: Vec<(NodeHandle, NodeHandle)>,
    /// Nodes with an edge of their own.
    linked: BTreeSet<&'g str>,
}

impl<'g> Scene<'g> {
    fn add_group(&mut self, group: &'g Group) -> NodeHandle {
        let handle = self.add_box(
            &group.id,
            BoxSpec {
                lines: group.lines.clone(),
                paint: style::group(group.kind),
                container: true,
            },
        );
        for node in &group.nodes {
            let child = self.add_node(node);
            // Directly in the VPC sit clusters and standbys whose zone is unknown: their own
            // edges place them, and a line from the VPC would only cross the picture.
            if group.kind != GroupKind::Vpc || !self.linked.contains(node.id.as_str()) {
                self.containment.push((handle, child));
            }
        }
        for inner in &group.groups {
            let child = self.add_group(inner);
            self.containment.push((handle, child));
        }
        handle
    }

    fn add_node(&mut self, node: &'g Node) -> NodeHandle {
        self.add_box(
            &node.id,
            BoxSpec {
                lines: node.lines.clone(),
                paint: style::node(node.kind),
                container: false,
            },
        )
    }

    fn add_box(&mut self, id: &'g str, spec: BoxSpec) -> NodeHandle {
        let size = box_size(&spec.lines);
        let element = Element::create_with_properties(
            ShapeKind::new_box(&spec.lines.join("\n")),
            look(spec.paint.stroke, Some(spec.paint.fill), FONT_SIZE as usize),
            Orientation::TopToBottom,
            size,
            format!("box:{}", self.boxes.len()),
        );
        self.boxes.push(spec);
        let handle = self.visual.add_node(element);
        self.handles.insert(id, handle);
        handle
    }
}

fn box_size(lines: &[String]) -> Point {
    let widest = lines
        .iter()
        .enumerate()
        .map(|(i, line)| text_width(line, FONT_SIZE, i == 0))
        .fold(0.0, f64::max);
    Point::new(
        (widest + 2.0 * BOX_PADDING).ceil(),
        lines.len() as f64 * LINE_HEIGHT + 2.0 * BOX_PADDING,
    )
}

/// The width of a line of Helvetica, by character class: close enough that boxes fit their
/// text without a font engine.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '|' | '!' | '\'' => 0.25,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 0.34,
            'm' | 'w' | 'M' | 'W' | '@' | '—' => 0.86,
            c if c.is_ascii_uppercase() => 0.68,
            _ => 0.56,
        })
        .sum();
    ems * size * if bold { 1.07 } else { 1.0 }
}

fn look(stroke: &str, fill: Option<&str>, font_size: usize) -> StyleAttr {
    StyleAttr::new(color(stroke), 1, fill.map(color), 0, font_size)
}

fn color(hex: &str) -> Color {
    Color::from_name(hex).unwrap_or_else(|| Color::fast("black"))
}

/// `#rrggbbaa` as layout-rs writes colours, back to `#rrggbb`.
fn web_color(color: &Color) -> String {
    let mut web = color.to_web_color();
    web.truncate(7);
    web
}

/// Collects what layout-rs draws, in layers: containment lines, edges, boxes, edge labels.
struct Canvas<'b> {
    prefix: &'b str,
    boxes: &'b [BoxSpec],
    lines: String,
    edges: String,
    shapes: String,
    labels: String,
    /// A box's text is drawn with the box; layout-rs's own call for it is skipped.
    skip_next_text: bool,
    bounds: Bounds,
    finite: bool,
}

#[derive(Debug, Clone, Copy)]
struct Bounds {
    min: Point,
    max: Point,
}

impl Bounds {
    fn empty() -> Bounds {
        Bounds {
            min: Point::new(f64::INFINITY, f64::INFINITY),
            max: Point::new(f64::NEG_INFINITY, f64::NEG_INFINITY),
        }
    }

    fn include(&mut self, point: Point) {
        self.min = Point::new(self.min.x.min(point.x), self.min.y.min(point.y));
        self.max = Point::new(self.max.x.max(point.x), self.max.y.max(point.y));
    }
}

impl<'b> Canvas<'b> {
    fn new(prefix: &'b str, boxes: &'b [BoxSpec]) -> Self {
        Canvas {
            prefix,
            boxes,
            lines: String::new(),
            edges: String::new(),
            shapes: String::new(),
            labels: String::new(),
            skip_next_text: false,
            bounds: Bounds::empty(),
            finite: true,
        }
    }

    fn include(&mut self, point: Point) {
        self.finite &= point.x.is_finite() && point.y.is_finite();
        self.bounds.include(point);
    }

    fn finish(self, graph: &Graph) -> Option<String> {
        if !self.finite || !self.bounds.min.x.is_finite() {
            return None;
        }
        let header = Header::new(graph);
        let graph_size = Point::new(
            self.bounds.max.x - self.bounds.min.x,
            self.bounds.max.y - self.bounds.min.y,
        );
        let legend = Legend::new(self.prefix);
        let width = (MARGIN * 3.0 + graph_size.x + legend.width)
            .max(header.width + 2.0 * MARGIN)
            .ceil();
        let height = (header.height + graph_size.y.max(legend.height) + MARGIN).ceil();

        let mut svg = open_svg(self.prefix, &graph.title, width, height);
        svg.push_str(&markers(self.prefix));
        svg.push_str(&header.svg);
        let _ = write!(
            svg,
            "<g transform=\"translate({} {})\">\n{}{}{}{}</g>\n",
            num(MARGIN - self.bounds.min.x),
            num(header.height - self.bounds.min.y),
            self.lines,
            self.edges,
            self.shapes,
            self.labels
        );
        let _ = write!(
            svg,
            "<g transform=\"translate({} {})\">\n{}</g>\n</svg>\n",
            num(width - MARGIN - legend.width),
            num(header.height),
            legend.svg
        );
        Some(svg)
    }

    fn draw_box(&mut self, spec: &BoxSpec, top_left: Point, size: Point) {
        let paint = spec.paint;
        let _ = writeln!(
            self.shapes,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{}\" \
             stroke=\"{}\" stroke-width=\"{}\"{}/>",
            num(top_left.x),
            num(top_left.y),
            num(size.x),
            num(size.y),
            if spec.container { 2 } else { 6 },
            paint.fill,
            paint.stroke,
            paint.width,
            dash_attribute(paint.dashed)
        );
        let center_x = top_left.x + size.x / 2.0;
        let first_baseline = top_left.y
            + (size.y - spec.lines.len() as f64 * LINE_HEIGHT) / 2.0
            + LINE_HEIGHT * 0.75;
        let mut text = format!(
            "<text text-anchor=\"middle\" x=\"{}\" fill=\"#16191f\">",
            num(center_x)
        );
        for (i, line) in spec.lines.iter().enumerate() {
            let weight = if i == 0 { " font-weight=\"bold\"" } else { "" };
            let _ = write!(
                text,
                "<tspan x=\"{}\" y=\"{}\"{weight}>{}</tspan>",
                num(center_x),
                num(first_baseline + i as f64 * LINE_HEIGHT),
                escape(line)
            );
        }
        text.push_str("</text>");
        let _ = writeln!(self.shapes, "{text}");
    }
}

impl RenderBackend for Canvas<'_> {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _look: &StyleAttr,
        properties: Option<String>,
        _clip: Option<ClipHandle>,
    ) {
        let index = properties
            .as_deref()
            .and_then(|p| p.strip_prefix("box:"))
            .and_then(|i| i.parse::<usize>().ok());
        let Some(spec) = index.and_then(|i| self.boxes.get(i)) else {
            return;
        };
        self.include(xy);
        self.include(Point::new(xy.x + size.x, xy.y + size.y));
        self.draw_box(spec, xy, size);
        self.skip_next_text = true;
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, xy: Point, text: &str, look: &StyleAttr) {
        if std::mem::take(&mut self.skip_next_text) || text.is_empty() {
            return;
        }
        // Only edge labels remain: layout-rs draws them at the connector it made for them.
        let half = text_width(text, LABEL_FONT_SIZE, false) / 2.0;
        self.include(Point::new(xy.x - half, xy.y - LABEL_FONT_SIZE));
        self.include(Point::new(xy.x + half, xy.y + LABEL_FONT_SIZE));
        let _ = writeln!(
            self.labels,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{LABEL_FONT_SIZE}\" \
             font-style=\"italic\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"3\" \
             paint-order=\"stroke\">{}</text>",
            num(xy.x),
            num(xy.y + LABEL_FONT_SIZE * 0.35),
            web_color(&look.line_color),
            escape(text)
        );
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        dashed: bool,
        head: (bool, bool),
        _look: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        if path.len() < 2 {
            return;
        }
        for (point, control) in path {
            self.include(*point);
            self.include(*control);
        }
        let slug = properties.unwrap_or_default();
        let (stroke, layer) = match EdgeKind::ALL.into_iter().find(|k| k.slug() == slug) {
            Some(kind) => (style::edge(kind), &mut self.edges),
            None => (CONTAINS, &mut self.lines),
        };
        let mut d = format!(
            "M {} {} C {} {}, {} {}, {} {}",
            num(path[0].0.x),
            num(path[0].0.y),
            num(path[0].1.x),
            num(path[0].1.y),
            num(path[1].0.x),
            num(path[1].0.y),
            num(path[1].1.x),
            num(path[1].1.y)
        );
        for (control, point) in &path[2..] {
            let _ = write!(
                d,
                " S {} {}, {} {}",
                num(control.x),
                num(control.y),
                num(point.x),
                num(point.y)
            );
        }
        let marker = |at: &str, wanted: bool| {
            if wanted {
                format!(" marker-{at}=\"url(#{}-{slug}-{at})\"", self.prefix)
            } else {
                String::new()
            }
        };
        let _ = writeln!(
            layer,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{}{}{}/>",
            stroke.color,
            stroke.width,
            dash_attribute(dashed || stroke.dashed),
            marker("start", head.0),
            marker("end", head.1)
        );
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}

fn open_svg(prefix: &str, title: &str, width: f64, height: f64) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\" \
         font-size=\"{FONT_SIZE}\" role=\"img\" aria-labelledby=\"{prefix}-title\">\n\
         <title id=\"{prefix}-title\">{}</title>\n\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        escape(title),
        w = num(width),
        h = num(height),
    )
}

/// Arrowheads, one pair per edge kind: SVG 1.1 markers do not take the colour of their line.
fn markers(prefix: &str) -> String {
    let mut defs = String::from("<defs>\n");
    for kind in EdgeKind::ALL {
        let color = style::edge(kind).color;
        let slug = kind.slug();
        let _ = writeln!(
            defs,
            "<marker id=\"{prefix}-{slug}-end\" markerWidth=\"10\" markerHeight=\"7\" \
             refX=\"10\" refY=\"3.5\" orient=\"auto\" markerUnits=\"userSpaceOnUse\">\
             <polygon points=\"0 0, 10 3.5, 0 7\" fill=\"{color}\"/></marker>\n\
             <marker id=\"{prefix}-{slug}-start\" markerWidth=\"10\" markerHeight=\"7\" \
             refX=\"0\" refY=\"3.5\" orient=\"auto\" markerUnits=\"userSpaceOnUse\">\
             <polygon points=\"10 0, 10 7, 0 3.5\" fill=\"{color}\"/></marker>"
        );
    }
    defs.push_str("</defs>\n");
    defs
}

/// Title, collection time and the gaps in what could be read.
struct Header {
    svg: String,
    width: f64,
    height: f64,
}

impl Header {
    fn new(graph: &Graph) -> Header {
        let mut svg = String::new();
        let mut y = MARGIN + 14.0;
        let mut width = text_width(&graph.title, 16.0, true);
        let _ = writeln!(
            svg,
            "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\" \
             fill=\"#16191f\">{}</text>",
            num(y),
            escape(&graph.title)
        );
        y += 18.0;
        let _ = writeln!(
            svg,
            "<text x=\"{MARGIN}\" y=\"{}\" fill=\"#5f6b7a\">{}</text>",
            num(y),
            escape(&graph.subtitle)
        );
        for note in &graph.notes {
            y += 16.0;
            let text = format!("Incomplete: {note}");
            width = width.max(text_width(&text, FONT_SIZE, false));
            let _ = writeln!(
                svg,
                "<text x=\"{MARGIN}\" y=\"{}\" fill=\"#8a5a00\">{}</text>",
                num(y),
                escape(&text)
            );
        }
        Header {
            svg,
            width,
            height: y + 2.0 * MARGIN,
        }
    }
}

/// Every box and line style the diagram can use, drawn from the same styles.
struct Legend {
    svg: String,
    width: f64,
    height: f64,
}

impl Legend {
    fn new(prefix: &str) -> Legend {
        const ROW: f64 = 20.0;
        const SWATCH: f64 = 34.0;
        let mut svg = String::new();
        let mut rows: Vec<(String, String)> = style::legend_boxes()
            .into_iter()
            .map(|(paint, caption)| {
                let swatch = format!(
                    "<rect x=\"0\" y=\"-7\" width=\"{SWATCH}\" height=\"14\" rx=\"3\" \
                     fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"{}/>",
                    paint.fill,
                    paint.stroke,
                    paint.width,
                    dash_attribute(paint.dashed)
                );
                (swatch, caption.to_owned())
            })
            .collect();
        let line = |stroke: Stroke, marker: Option<String>| {
            format!(
                "<path d=\"M 0 0 L {SWATCH} 0\" stroke=\"{}\" stroke-width=\"{}\"{}{}/>",
                stroke.color,
                stroke.width,
                dash_attribute(stroke.dashed),
                marker.unwrap_or_default()
            )
        };
        rows.push((
            line(CONTAINS, None),
            "contains (VPC → zone → subnet → database)".to_owned(),
        ));
        for kind in EdgeKind::ALL {
            let marker = format!(" marker-end=\"url(#{prefix}-{}-end)\"", kind.slug());
            rows.push((
                line(style::edge(kind), Some(marker)),
                kind.label().to_owned(),
            ));
        }
        let widest = rows
            .iter()
            .map(|(_, caption)| text_width(caption, FONT_SIZE, false))
            .fold(0.0, f64::max);
        let width = (SWATCH + 10.0 + widest + 2.0 * 10.0).ceil();
        let height = 34.0 + rows.len() as f64 * ROW;
        let _ = writeln!(
            svg,
            "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" \
             stroke=\"#8d99a8\"/>\n<text x=\"10\" y=\"20\" font-weight=\"bold\" \
             fill=\"#16191f\">Legend</text>",
            num(width),
            num(height)
        );
        for (i, (sample, caption)) in rows.iter().enumerate() {
            let y = 40.0 + i as f64 * ROW;
            let _ = writeln!(
                svg,
                "<g transform=\"translate(10 {})\">{sample}<text x=\"{}\" y=\"4\" \
                 fill=\"#16191f\">{}</text></g>",
                num(y),
                num(SWATCH + 10.0),
                escape(caption)
            );
        }
        Legend { svg, width, height }
    }
}

/// Drawn when layout fails: what the diagram would have shown, and where its source is.
pub(super) fn fallback(graph: &Graph, prefix: &str, reason: &str) -> String {
    let mut lines = vec![
        reason.to_owned(),
        format!(
            "Its Graphviz source is {DIAGRAMS_DIR}/{}.dot: render it with `dot -Tsvg`.",
            graph.region
        ),
        "Databases in this region:".to_owned(),
    ];
    let mut databases = Vec::new();
    collect_databases(&graph.groups, &graph.nodes, &mut databases);
    databases.sort();
    lines.extend(databases.into_iter().map(|d| format!("  {d}")));
    let width = lines
        .iter()
        .map(|l| text_width(l, FONT_SIZE, false))
        .fold(text_width(&graph.title, 16.0, true), f64::max)
        + 2.0 * MARGIN;
    let height = MARGIN * 3.0 + 20.0 + lines.len() as f64 * 16.0;
    let mut svg = open_svg(prefix, &graph.title, width.ceil(), height.ceil());
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\">{}</text>",
        num(MARGIN + 14.0),
        escape(&graph.title)
    );
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<text x=\"{MARGIN}\" y=\"{}\" xml:space=\"preserve\">{}</text>",
            num(MARGIN * 2.0 + 20.0 + i as f64 * 16.0),
            escape(line)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn collect_databases(groups: &[Group], nodes: &[Node], out: &mut Vec<String>) {
    for node in nodes {
        if matches!(
            node.kind,
            NodeKind::Database { .. } | NodeKind::Cluster { .. }
        ) {
            out.push(node.lines.join(" · "));
        }
    }
    for group in groups {
        collect_databases(&group.groups, &group.nodes, out);
    }
}

fn dash_attribute(dashed: bool) -> &'static str {
    if dashed {
        " stroke-dasharray=\"5 4\""
    } else {
        ""
    }
}

/// Coordinates with one decimal: enough for a screen, and stable text.
fn num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

fn id_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // Not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => escaped.push(' '),
            _ => escaped.push(c),
        }
    }
    escaped
}
