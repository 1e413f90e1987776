//! What every diagram must satisfy, whatever it draws: the layout's geometry, and the SVG and
//! diagrams.net files as documents. Shared by the example tests and the property tests.

use std::collections::{BTreeMap, BTreeSet};

use super::layout::{Item, Layout, Placed, Rect};
use super::model::{Graph, Group, Node};

const EPSILON: f64 = 1e-6;

fn contains(outer: &Rect, inner: &Rect) -> bool {
    inner.x >= outer.x - EPSILON
        && inner.y >= outer.y - EPSILON
        && inner.right() <= outer.right() + EPSILON
        && inner.bottom() <= outer.bottom() + EPSILON
}

fn overlaps(a: &Rect, b: &Rect) -> bool {
    a.x < b.right() - EPSILON
        && b.x < a.right() - EPSILON
        && a.y < b.bottom() - EPSILON
        && b.y < a.bottom() - EPSILON
}

fn sound(rect: &Rect) -> bool {
    [rect.x, rect.y, rect.w, rect.h]
        .iter()
        .all(|v| v.is_finite())
        && rect.w > 0.0
        && rect.h > 0.0
}

/// Siblings never share space.
fn apart(boxes: &[&Placed], what: &str) -> Result<(), String> {
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if overlaps(&a.rect, &b.rect) {
                return Err(format!("{} and {} overlap in {what}", a.id(), b.id()));
            }
        }
    }
    Ok(())
}

fn placed_tree(placed: &Placed) -> Result<(), String> {
    if !sound(&placed.rect) {
        return Err(format!(
            "{} has the rectangle {:?}",
            placed.id(),
            placed.rect
        ));
    }
    for child in &placed.children {
        if !contains(&placed.rect, &child.rect) {
            return Err(format!(
                "{} {:?} is not inside {} {:?}",
                child.id(),
                child.rect,
                placed.id(),
                placed.rect
            ));
        }
        placed_tree(child)?;
    }
    apart(&placed.children.iter().collect::<Vec<_>>(), placed.id())
}

/// The placed tree holds exactly the model's boxes, each in the container the model puts it.
fn mirrors(placed: &Placed, groups: &[Group], nodes: &[Node]) -> Result<(), String> {
    let expected: BTreeSet<&str> = groups
        .iter()
        .map(|g| g.id.as_str())
        .chain(nodes.iter().map(|n| n.id.as_str()))
        .collect();
    let found: BTreeSet<&str> = placed.children.iter().map(|c| c.id()).collect();
    if expected != found || placed.children.len() != found.len() {
        return Err(format!(
            "{} holds {found:?}, the model puts {expected:?} in it",
            placed.id()
        ));
    }
    for child in &placed.children {
        if let Item::Group(group) = child.item {
            mirrors(child, &group.groups, &group.nodes)?;
        }
    }
    Ok(())
}

/// Every box inside its container, containers around their children, no overlaps, every
/// number finite, everything on the page, and nothing of the model left out.
pub(super) fn layout(graph: &Graph, layout: &Layout) -> Result<(), String> {
    let page = Rect {
        x: 0.0,
        y: 0.0,
        w: layout.width,
        h: layout.height,
    };
    if !sound(&page) {
        return Err(format!("the page is {page:?}"));
    }
    let mut top: Vec<&Placed> = layout.outside.iter().collect();
    top.push(&layout.cloud);
    for placed in &top {
        if !contains(&page, &placed.rect) {
            return Err(format!("{} is off the page", placed.id()));
        }
        placed_tree(placed)?;
    }
    apart(&top, "the page")?;
    if !contains(&page, &layout.legend) || top.iter().any(|p| overlaps(&p.rect, &layout.legend)) {
        return Err("the legend is off the page or over the diagram".to_owned());
    }
    if top
        .iter()
        .any(|p| p.rect.y < layout.header_height - EPSILON)
    {
        return Err("a box covers the title".to_owned());
    }
    let outside: BTreeSet<&str> = layout.outside.iter().map(|p| p.id()).collect();
    let model_outside: BTreeSet<&str> = graph.outside.iter().map(|n| n.id.as_str()).collect();
    if outside != model_outside {
        return Err(format!("outside: {outside:?}, model {model_outside:?}"));
    }
    mirrors(&layout.cloud, &graph.regions, &graph.cloud)
}

/// Checks that `svg` is one well-formed element tree whose text holds no markup characters.
pub(super) fn well_formed_svg(svg: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    let document = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(document.root_element().tag_name().name(), "svg");
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

/// A diagrams.net cell as read back.
#[derive(Debug, Clone)]
pub(super) struct Cell {
    pub parent: Option<String>,
    pub style: String,
    pub value: String,
    pub source: Option<String>,
    pub target: Option<String>,
    /// x, y, width, height, relative to the parent.
    pub geometry: Option<[f64; 4]>,
}

/// Reads a diagrams.net file back and checks it as diagrams.net would load it: one diagram,
/// the two root cells, unique ids, every parent and edge end an existing cell, every vertex
/// inside its container. Returns the cells by id.
pub(super) fn drawio(xml: &str) -> BTreeMap<String, Cell> {
    let document = roxmltree::Document::parse(xml).expect("the .drawio file is well-formed XML");
    let mxfile = document.root_element();
    assert_eq!(mxfile.tag_name().name(), "mxfile");
    let diagrams: Vec<_> = mxfile
        .children()
        .filter(|n| n.has_tag_name("diagram"))
        .collect();
    assert_eq!(diagrams.len(), 1, "one page");
    let root = diagrams[0]
        .children()
        .find(|n| n.has_tag_name("mxGraphModel"))
        .and_then(|m| m.children().find(|n| n.has_tag_name("root")))
        .expect("mxGraphModel/root");
    let mut cells = BTreeMap::new();
    for node in root.children().filter(|n| n.has_tag_name("mxCell")) {
        let id = node
            .attribute("id")
            .expect("every cell has an id")
            .to_owned();
        let geometry = node
            .children()
            .find(|n| n.has_tag_name("mxGeometry"))
            .filter(|g| g.attribute("relative") != Some("1"))
            .map(|g| {
                ["x", "y", "width", "height"].map(|a| {
                    g.attribute(a)
                        .map_or(0.0, |v| v.parse::<f64>().expect("a number"))
                })
            });
        let cell = Cell {
            parent: node.attribute("parent").map(str::to_owned),
            style: node.attribute("style").unwrap_or_default().to_owned(),
            value: node.attribute("value").unwrap_or_default().to_owned(),
            source: node.attribute("source").map(str::to_owned),
            target: node.attribute("target").map(str::to_owned),
            geometry,
        };
        assert!(
            cells.insert(id.clone(), cell).is_none(),
            "duplicate id {id}"
        );
    }
    assert!(cells["0"].parent.is_none());
    assert_eq!(cells["1"].parent.as_deref(), Some("0"));
    for (id, cell) in &cells {
        if let Some(parent) = &cell.parent {
            assert!(cells.contains_key(parent), "{id}: no parent {parent}");
        }
        for end in [&cell.source, &cell.target].into_iter().flatten() {
            assert!(cells.contains_key(end), "edge {id} ends at no cell {end}");
        }
        let (Some(parent), Some([x, y, w, h])) = (&cell.parent, cell.geometry) else {
            continue;
        };
        if let Some([_, _, pw, ph]) = cells[parent].geometry {
            assert!(
                x >= 0.0 && y >= 0.0 && x + w <= pw + 0.1 && y + h <= ph + 0.1,
                "{id} ({x},{y} {w}×{h}) is outside its container {parent} ({pw}×{ph})"
            );
            assert!(
                cells[parent].style.contains("container=1"),
                "{id}'s parent {parent} is not a container"
            );
        }
    }
    cells
}
