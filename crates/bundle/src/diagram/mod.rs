//! Architecture diagrams (DOC-001), one per region with databases.
//!
//! The checklist asks for the architecture of the databases as deployed: VPCs, Availability
//! Zones, public and private subnets, DB instances and clusters with writer and readers, the
//! Multi-AZ standby, read replicas within and across regions, and where the internet can reach
//! a database. Each diagram is drawn from the snapshot, not from a design document, so it shows
//! what runs. A subnet is public when its route table has a default route to an internet
//! gateway (the rule the network checks use); an open path from the internet is what the
//! evaluation found (`rds.instance.not_publicly_reachable`, `rds.cluster.not_publicly_reachable`),
//! not a second judgement.
//!
//! Each diagram comes as Graphviz DOT, with VPC → zone → subnet as nested clusters, and as an
//! SVG laid out by layout-rs (see [`svg`] for how the nesting is drawn without clusters). The
//! SVG has no XML prolog and prefixes its ids with the region, so it can be inlined in HTML.

mod dot;
mod model;
mod style;
mod svg;

use crate::Contents;

/// One region's diagram: the Graphviz DOT source and the SVG laid out from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    pub region: String,
    pub dot: String,
    pub svg: String,
}

/// A diagram for every region whose DB instance or cluster listing holds a database, in the
/// snapshot's region order.
pub fn diagrams(contents: Contents) -> Vec<Diagram> {
    contents
        .snapshot
        .regions
        .iter()
        .filter(|region| model::has_databases(region))
        .map(|region| {
            let graph = model::build(contents, region);
            Diagram {
                region: region.region.clone(),
                dot: dot::render(&graph),
                svg: svg::render(&graph),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
