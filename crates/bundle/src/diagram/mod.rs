//! Architecture diagrams (DOC-001): one page per group of regions that replicate to one
//! another, in the convention partners and validators use.
//!
//! The checklist asks for the deployment as it runs: "VPCs, availability zones, subnets",
//! every AWS service used, and evidence of best practice for availability and security.
//! Partners draw that in diagrams.net or with AWS's architecture icons as nested groups — AWS
//! Cloud › Region › VPC › Availability Zone › public and private subnet — with each resource
//! inside the subnet it runs in and arrows for replication and failover. These diagrams are
//! drawn that way from the snapshot, not from a design document: a Multi-AZ primary and its
//! standby in their two zones, a cluster's writer and readers in theirs, cross-region replicas
//! in their own region's box on the same page, gateways where the route tables use them, and
//! the failures a validator looks for marked on the resource (an open path from the internet,
//! storage not encrypted, a single-AZ production database), with a legend.
//!
//! A subnet is public when its route table has a default route to an internet gateway (the
//! rule the network checks use); an open path from the internet and a failed Multi-AZ check are
//! what the evaluation found (`rds.instance.not_publicly_reachable`,
//! `rds.cluster.not_publicly_reachable`, `rds.database.multi_az`), not a second judgement.
//!
//! The layout is ours ([`layout`]): deterministic, total over any snapshot (partial listings,
//! unknown zones and subnets, dangling references), with every box inside its container and
//! no two siblings overlapping. Each page comes three ways: SVG (no XML prolog, ids prefixed
//! with the page, so several can be inlined in one HTML page), a diagrams.net file with the
//! same containers and the AWS icons, for the partner to extend, and Graphviz DOT.

mod dot;
mod drawio;
mod layout;
mod model;
mod style;
mod subnets;
mod svg;
mod text;
mod xml;

use crate::Contents;

/// One page: the regions it draws, and the page as DOT, SVG and diagrams.net XML.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// The regions joined by `+`: the files' name.
    pub name: String,
    pub regions: Vec<String>,
    pub dot: String,
    pub svg: String,
    pub drawio: String,
}

/// A page for every group of linked regions whose DB instance or cluster listing holds a
/// database, in the snapshot's region order. A case study's pages draw its scope only, each
/// of its accounts on its own pages (named `<account>-<regions>` when it spans several).
pub fn diagrams(contents: Contents) -> Vec<Diagram> {
    let Some(scope) = &contents.evaluation.case_study else {
        return pages(contents, "");
    };
    let accounts: Vec<&rds_evidence_inventory::Snapshot> = std::iter::once(contents.snapshot)
        .chain(&contents.snapshot.other_accounts)
        .collect();
    let several = accounts.len() > 1;
    accounts
        .into_iter()
        .flat_map(|account| {
            let narrowed = rds_evidence_controls::narrow(account, &scope.selection).snapshot;
            let prefix = if several {
                format!("{}-", account.account.id)
            } else {
                String::new()
            };
            pages(
                Contents {
                    snapshot: &narrowed,
                    ..contents
                },
                &prefix,
            )
        })
        .collect()
}

fn pages(contents: Contents, prefix: &str) -> Vec<Diagram> {
    model::pages(contents.snapshot)
        .into_iter()
        .map(|page| {
            let mut graph = model::build(contents, &page);
            // The name prefixes the SVG's ids: pages of two accounts inline in one report.
            graph.name = format!("{prefix}{}", graph.name);
            let layout = layout::layout(&graph);
            Diagram {
                regions: page.iter().map(|r| r.region.clone()).collect(),
                dot: dot::render(&graph),
                svg: svg::render(&graph, &layout),
                drawio: drawio::render(&graph, &layout),
                name: graph.name,
            }
        })
        .collect()
}

#[cfg(test)]
mod invariants;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
