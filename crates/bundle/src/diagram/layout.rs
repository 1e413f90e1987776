//! Where everything goes: a deterministic nested layout, ours, total over any model.
//!
//! The AWS convention, bottom up: a resource is a card sized to its text; a subnet holds its
//! cards in a grid; an Availability Zone is a column of subnets, public above private, with
//! each kind of subnet on the same row in every zone of the VPC; a VPC holds its gateways on
//! top, its zones side by side and what spans zones (clusters, proxies, a standby whose zone
//! is not reported) below; a region stacks its VPCs; the AWS Cloud puts its regions side by
//! side. Every size comes from the text it holds ([`super::text`]), every container is its
//! header plus its children with padding, and siblings never share space: nothing can
//! overlap, and no input can make the layout fail.

use super::model::{Exposure, Graph, Group, GroupKind, Node, NodeKind};
use super::style;
use super::text;

/// Text size of every label, in pixels.
pub(super) const FONT: f64 = 11.0;
/// Distance between the baselines of two lines.
pub(super) const LINE: f64 = 14.0;
/// Inside a container or a card, between its border and its content.
pub(super) const PAD: f64 = 10.0;
/// Between siblings.
pub(super) const GAP: f64 = 14.0;
/// A container's header text starts after its icon, as in diagrams.net's AWS groups.
pub(super) const HEADER_INDENT: f64 = 30.0;
/// The square icon at the left of a card.
pub(super) const ICON: f64 = 32.0;
/// Around the page.
pub(super) const MARGIN: f64 = 16.0;
pub(super) const TITLE_FONT: f64 = 16.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn sized(w: f64, h: f64) -> Rect {
        Rect {
            x: 0.0,
            y: 0.0,
            w,
            h,
        }
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// What a placed box is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Item<'g> {
    /// The AWS Cloud container around the regions.
    Cloud,
    Group(&'g Group),
    Node(&'g Node),
}

/// A box with its children; coordinates are absolute once [`layout`] returns.
#[derive(Debug)]
pub(super) struct Placed<'g> {
    pub item: Item<'g>,
    pub rect: Rect,
    pub children: Vec<Placed<'g>>,
}

impl<'g> Placed<'g> {
    fn moved(mut self, dx: f64, dy: f64) -> Placed<'g> {
        self.rect.x += dx;
        self.rect.y += dy;
        self.children = self
            .children
            .into_iter()
            .map(|child| child.moved(dx, dy))
            .collect();
        self
    }

    /// Every box of this tree, parents before their children.
    pub fn walk(&self) -> Vec<&Placed<'g>> {
        let mut all = vec![self];
        for child in &self.children {
            all.extend(child.walk());
        }
        all
    }

    /// The model id of the box, or `cloud`.
    pub fn id(&self) -> &str {
        match self.item {
            Item::Cloud => "cloud",
            Item::Group(group) => &group.id,
            Item::Node(node) => &node.id,
        }
    }
}

/// The whole page.
#[derive(Debug)]
pub(super) struct Layout<'g> {
    pub width: f64,
    pub height: f64,
    /// The title, subtitle and notes take this much at the top.
    pub header_height: f64,
    /// Outside the cloud: migration sources and the internet.
    pub outside: Vec<Placed<'g>>,
    pub cloud: Placed<'g>,
    pub legend: Rect,
}

impl<'g> Layout<'g> {
    /// Every placed box, parents before children.
    pub fn boxes(&self) -> Vec<&Placed<'g>> {
        let mut all: Vec<&Placed<'g>> = self.outside.iter().collect();
        all.extend(self.cloud.walk());
        all
    }
}

pub(super) fn layout(graph: &Graph) -> Layout<'_> {
    let header_height = header_height(graph);
    let mut y = header_height;
    let outside = beside(graph.outside.iter().map(card).collect());
    let outside_height = outside.height;
    let outside: Vec<Placed> = outside
        .boxes
        .into_iter()
        .map(|b| b.moved(MARGIN, y))
        .collect();
    if outside_height > 0.0 {
        y += outside_height + GAP * 2.0;
    }
    let cloud = cloud(graph).moved(MARGIN, y);
    y = cloud.rect.bottom() + GAP;
    let legend_size = legend_size();
    let legend = Rect {
        x: MARGIN,
        y,
        w: legend_size.0,
        h: legend_size.1,
    };
    let width = [
        title_width(graph),
        cloud.rect.right(),
        legend.right(),
        outside.iter().map(|b| b.rect.right()).fold(0.0, f64::max),
    ]
    .into_iter()
    .fold(0.0, f64::max)
        + MARGIN;
    Layout {
        width: width.ceil(),
        height: (legend.bottom() + MARGIN).ceil(),
        header_height,
        outside,
        cloud,
        legend,
    }
}

/// Title and subtitle, and one line per note.
fn header_height(graph: &Graph) -> f64 {
    MARGIN + TITLE_FONT + 6.0 + LINE * (1 + graph.notes.len()) as f64 + GAP
}

fn title_width(graph: &Graph) -> f64 {
    let notes = graph
        .notes
        .iter()
        .map(|n| text::width(&note_line(n), FONT, false));
    notes
        .chain([
            text::width(&graph.title, TITLE_FONT, true),
            text::width(&graph.subtitle, FONT, false),
        ])
        .fold(0.0, f64::max)
        + 2.0 * MARGIN
}

/// How a note reads on the page.
pub(super) fn note_line(note: &str) -> String {
    format!("Incomplete: {note}")
}

/// A card's lines and marks, each with whether it is bold: the identifier and the marks are.
fn card_lines(node: &Node) -> Vec<(&str, bool)> {
    node.lines
        .iter()
        .enumerate()
        .map(|(i, line)| (line.as_str(), i == 0))
        .chain(node.marks.iter().map(|mark| (mark.label(), true)))
        .collect()
}

fn card(node: &Node) -> Placed<'_> {
    let lines = card_lines(node);
    let text_width = lines
        .iter()
        .map(|(line, bold)| text::width(line, FONT, *bold))
        .fold(0.0, f64::max);
    let text_height = lines.len() as f64 * LINE;
    Placed {
        item: Item::Node(node),
        rect: Rect::sized(
            (PAD + ICON + PAD + text_width + PAD).ceil(),
            (text_height.max(ICON) + 2.0 * PAD).ceil(),
        ),
        children: Vec::new(),
    }
}

/// The width a container's header needs, and how far below its top its content starts.
pub(super) fn header_size(lines: &[String], indent: f64) -> (f64, f64) {
    let width = lines
        .iter()
        .enumerate()
        .map(|(i, line)| text::width(line, FONT, i == 0))
        .fold(0.0, f64::max);
    (
        (indent + width + PAD).ceil(),
        PAD + lines.len() as f64 * LINE + PAD / 2.0,
    )
}

/// The indent of a group's header: after the icon, except for zones, which have none.
pub(super) fn header_indent(kind: Option<GroupKind>) -> f64 {
    match kind {
        Some(GroupKind::Zone) => PAD,
        _ => HEADER_INDENT,
    }
}

/// Boxes arranged relative to their own origin, and the size they take.
struct Arranged<'g> {
    boxes: Vec<Placed<'g>>,
    width: f64,
    height: f64,
}

impl<'g> Arranged<'g> {
    fn empty() -> Arranged<'g> {
        Arranged {
            boxes: Vec::new(),
            width: 0.0,
            height: 0.0,
        }
    }
}

/// Left to right, tops aligned.
fn beside(boxes: Vec<Placed<'_>>) -> Arranged<'_> {
    let mut x = 0.0;
    let mut height: f64 = 0.0;
    let boxes: Vec<Placed> = boxes
        .into_iter()
        .map(|b| {
            let placed = b.moved(x, 0.0);
            x = placed.rect.right() + GAP;
            height = height.max(placed.rect.h);
            placed
        })
        .collect();
    let width = boxes.last().map_or(0.0, |b| b.rect.right());
    Arranged {
        boxes,
        width,
        height,
    }
}

/// Top to bottom, left edges aligned.
fn stacked(boxes: Vec<Placed<'_>>) -> Arranged<'_> {
    let mut y = 0.0;
    let mut width: f64 = 0.0;
    let boxes: Vec<Placed> = boxes
        .into_iter()
        .map(|b| {
            let placed = b.moved(0.0, y);
            y = placed.rect.bottom() + GAP;
            width = width.max(placed.rect.w);
            placed
        })
        .collect();
    let height = boxes.last().map_or(0.0, |b| b.rect.bottom());
    Arranged {
        boxes,
        width,
        height,
    }
}

/// Cards in a grid of equal cells, each card stretched to its cell: a few in one row, many in
/// a roughly square block.
fn grid(cards: Vec<Placed<'_>>) -> Arranged<'_> {
    if cards.is_empty() {
        return Arranged::empty();
    }
    let n = cards.len();
    let columns = if n <= 3 {
        n
    } else {
        (n as f64).sqrt().ceil().max(3.0) as usize
    };
    let cell_w = cards.iter().map(|c| c.rect.w).fold(0.0, f64::max);
    let cell_h = cards.iter().map(|c| c.rect.h).fold(0.0, f64::max);
    let rows = n.div_ceil(columns);
    let boxes = cards
        .into_iter()
        .enumerate()
        .map(|(i, mut card)| {
            card.rect.w = cell_w;
            card.rect.h = cell_h;
            let (row, column) = (i / columns, i % columns);
            card.moved(column as f64 * (cell_w + GAP), row as f64 * (cell_h + GAP))
        })
        .collect();
    Arranged {
        boxes,
        width: columns.min(n) as f64 * (cell_w + GAP) - GAP,
        height: rows as f64 * (cell_h + GAP) - GAP,
    }
}

/// A container: its header, then its sections one below the other, padded.
fn container<'g>(item: Item<'g>, lines: &[String], sections: Vec<Arranged<'g>>) -> Placed<'g> {
    let kind = match item {
        Item::Group(group) => Some(group.kind),
        _ => None,
    };
    let (header_width, header_height) = header_size(lines, header_indent(kind));
    let mut y = header_height;
    let mut width = header_width;
    let mut children = Vec::new();
    let mut filled = false;
    // A section without boxes but with a height is a spacer that keeps rows aligned.
    for section in sections
        .into_iter()
        .filter(|s| !s.boxes.is_empty() || s.height > 0.0)
    {
        width = width.max(section.width + 2.0 * PAD);
        children.extend(section.boxes.into_iter().map(|b| b.moved(PAD, y)));
        y += section.height + GAP;
        filled = true;
    }
    let height = if filled {
        y - GAP + PAD
    } else {
        header_height + PAD / 2.0
    };
    Placed {
        item,
        rect: Rect::sized(width.ceil(), height.ceil()),
        children,
    }
}

/// Widens and heightens a box to at least this size; its content stays where it is.
fn stretch(mut placed: Placed, width: f64, height: f64) -> Placed {
    placed.rect.w = placed.rect.w.max(width);
    placed.rect.h = placed.rect.h.max(height);
    placed
}

fn cards(nodes: &[Node], keep: impl Fn(&Node) -> bool) -> Vec<Placed<'_>> {
    nodes.iter().filter(|n| keep(n)).map(card).collect()
}

fn subnet(group: &Group) -> Placed<'_> {
    container(
        Item::Group(group),
        &group.lines,
        vec![grid(cards(&group.nodes, |_| true))],
    )
}

fn exposure(group: &Group) -> Exposure {
    match group.kind {
        GroupKind::Subnet(exposure) => exposure,
        _ => Exposure::Unknown,
    }
}

const ROWS: [Exposure; 3] = [Exposure::Public, Exposure::Private, Exposure::Unknown];

/// A VPC's zones side by side, with the subnets of each kind on one row across them.
fn zones(zones: &[Group]) -> Arranged<'_> {
    // Each zone's subnets of each kind, stacked; then every row as tall as its tallest slot.
    let slots: Vec<Vec<Arranged>> = zones
        .iter()
        .map(|zone| {
            ROWS.iter()
                .map(|row| {
                    stacked(
                        zone.groups
                            .iter()
                            .filter(|g| exposure(g) == *row)
                            .map(subnet)
                            .collect(),
                    )
                })
                .collect()
        })
        .collect();
    let row_heights: Vec<f64> = (0..ROWS.len())
        .map(|row| slots.iter().map(|z| z[row].height).fold(0.0, f64::max))
        .collect();
    let columns: Vec<Placed> = zones
        .iter()
        .zip(slots)
        .map(|(zone, rows)| {
            let nodes = grid(cards(&zone.nodes, |_| true));
            let inner = rows
                .iter()
                .map(|r| r.width)
                .chain([nodes.width])
                .fold(0.0, f64::max)
                .max(header_size(&zone.lines, PAD).0 - 2.0 * PAD);
            let mut sections: Vec<Arranged> = rows
                .into_iter()
                .zip(&row_heights)
                .filter(|(_, height)| **height > 0.0)
                .map(|(slot, height)| fill_slot(slot, inner, *height))
                .collect();
            sections.push(nodes);
            container(Item::Group(zone), &zone.lines, sections)
        })
        .collect();
    let tallest = columns.iter().map(|c| c.rect.h).fold(0.0, f64::max);
    beside(
        columns
            .into_iter()
            .map(|c| stretch(c, 0.0, tallest))
            .collect(),
    )
}

/// One zone's subnets of one kind, each as wide as the zone's column, the last one as tall as
/// the row needs: rows line up across zones. An empty slot keeps its row's height.
fn fill_slot(mut slot: Arranged, width: f64, height: f64) -> Arranged {
    let count = slot.boxes.len();
    for (i, subnet) in slot.boxes.iter_mut().enumerate() {
        subnet.rect.w = width;
        if i + 1 == count {
            subnet.rect.h = height - subnet.rect.y;
        }
    }
    // An empty slot stays as a spacer: the row is as tall here as in the other zones.
    slot.width = width;
    slot.height = height;
    slot
}

fn vpc(group: &Group) -> Placed<'_> {
    let gateways = grid(cards(&group.nodes, |n| {
        matches!(n.kind, NodeKind::Gateway(_))
    }));
    let spanning = grid(cards(&group.nodes, |n| {
        !matches!(n.kind, NodeKind::Gateway(_))
    }));
    container(
        Item::Group(group),
        &group.lines,
        vec![gateways, zones(&group.groups), spanning],
    )
}

fn region(group: &Group) -> Placed<'_> {
    let loose = grid(cards(&group.nodes, |_| true));
    let vpcs = stacked(group.groups.iter().map(vpc).collect());
    let inner = vpcs.width;
    let vpcs = Arranged {
        boxes: vpcs
            .boxes
            .into_iter()
            .map(|v| stretch(v, inner, 0.0))
            .collect(),
        ..vpcs
    };
    container(Item::Group(group), &group.lines, vec![loose, vpcs])
}

/// The header lines of the AWS Cloud container.
pub(super) fn cloud_lines() -> Vec<String> {
    vec!["AWS Cloud".to_owned()]
}

fn cloud(graph: &Graph) -> Placed<'_> {
    let nodes = grid(cards(&graph.cloud, |_| true));
    let regions: Vec<Placed> = graph.regions.iter().map(region).collect();
    let tallest = regions.iter().map(|r| r.rect.h).fold(0.0, f64::max);
    let regions = beside(
        regions
            .into_iter()
            .map(|r| stretch(r, 0.0, tallest))
            .collect(),
    );
    container(Item::Cloud, &cloud_lines(), vec![nodes, regions])
}

/// The legend: one row per box style, mark and line style, in columns.
pub(super) const LEGEND_COLUMNS: usize = 3;
pub(super) const LEGEND_ROW: f64 = 20.0;
pub(super) const LEGEND_SWATCH: f64 = 34.0;

pub(super) fn legend_column_width() -> f64 {
    let widest = style::legend_entries()
        .iter()
        .map(|entry| text::width(&entry.caption, FONT, false))
        .fold(0.0, f64::max);
    (LEGEND_SWATCH + PAD + widest + 2.0 * PAD).ceil()
}

fn legend_size() -> (f64, f64) {
    let rows = style::legend_entries().len().div_ceil(LEGEND_COLUMNS);
    (
        LEGEND_COLUMNS as f64 * legend_column_width() + 2.0 * PAD,
        PAD + LINE + PAD + rows as f64 * LEGEND_ROW + PAD,
    )
}
