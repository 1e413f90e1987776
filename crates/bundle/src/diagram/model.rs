//! One region's architecture as data: VPC → Availability Zone → subnet groups holding the
//! database nodes, and the edges between them. Both renderers draw this model, so the DOT
//! source and the SVG cannot disagree.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rds_evidence_controls::{subnet_routing, Outcome, Scope};
use rds_evidence_inventory::network::{RouteTarget, Subnet};
use rds_evidence_inventory::rds::{DbCluster, DbInstance, DbSubnetGroup};
use rds_evidence_inventory::{Observed, RegionSnapshot, Snapshot};

use crate::Contents;

/// The checks whose failure means an open path from the internet to the database.
pub(super) const INSTANCE_REACHABILITY_CHECK: &str = "rds.instance.not_publicly_reachable";
pub(super) const CLUSTER_REACHABILITY_CHECK: &str = "rds.cluster.not_publicly_reachable";

#[derive(Debug)]
pub(super) struct Graph {
    pub region: String,
    pub title: String,
    pub subtitle: String,
    /// What could not be read and so may be missing from the picture.
    pub notes: Vec<String>,
    /// VPCs, with their zones and subnets.
    pub groups: Vec<Group>,
    /// Nodes outside any VPC: the internet, other regions, global databases.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug)]
pub(super) struct Group {
    pub id: String,
    pub kind: GroupKind,
    pub lines: Vec<String>,
    pub groups: Vec<Group>,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupKind {
    Vpc,
    Zone,
    Subnet(Exposure),
}

/// Whether a subnet is public: its route table has a default route to an internet gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Exposure {
    Public,
    Private,
    Unknown,
}

#[derive(Debug)]
pub(super) struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NodeKind {
    Database {
        encrypted: bool,
        exposed: bool,
    },
    Cluster {
        encrypted: bool,
        exposed: bool,
    },
    Standby,
    /// A database in another region or account, or one the listing does not hold.
    Elsewhere,
    GlobalDatabase,
    Internet,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum EdgeKind {
    Writer,
    Reader,
    Standby,
    Replication,
    CrossRegion,
    GlobalMember,
    Internet,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 7] = [
        EdgeKind::Writer,
        EdgeKind::Reader,
        EdgeKind::Standby,
        EdgeKind::Replication,
        EdgeKind::CrossRegion,
        EdgeKind::GlobalMember,
        EdgeKind::Internet,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Writer => "writer",
            EdgeKind::Reader => "reader",
            EdgeKind::Standby => "synchronous standby",
            EdgeKind::Replication => "async replication",
            EdgeKind::CrossRegion => "cross-region replication",
            EdgeKind::GlobalMember => "global database",
            EdgeKind::Internet => "open path from the internet",
        }
    }

    /// Stable, id-safe name.
    pub fn slug(self) -> &'static str {
        match self {
            EdgeKind::Writer => "writer",
            EdgeKind::Reader => "reader",
            EdgeKind::Standby => "standby",
            EdgeKind::Replication => "replication",
            EdgeKind::CrossRegion => "cross-region",
            EdgeKind::GlobalMember => "global",
            EdgeKind::Internet => "internet",
        }
    }
}

pub(super) const INTERNET: &str = "internet";

pub(super) fn instance_id(identifier: &str) -> String {
    format!("db:{identifier}")
}

pub(super) fn cluster_id(identifier: &str) -> String {
    format!("cluster:{identifier}")
}

fn standby_id(identifier: &str) -> String {
    format!("standby:{identifier}")
}

impl Graph {
    /// How many boxes the diagram draws: groups and nodes.
    pub fn size(&self) -> usize {
        fn count(groups: &[Group]) -> usize {
            groups
                .iter()
                .map(|g| 1 + g.nodes.len() + count(&g.groups))
                .sum()
        }
        count(&self.groups) + self.nodes.len()
    }
}

pub(super) fn has_databases(region: &RegionSnapshot) -> bool {
    !listed(&region.db_instances).is_empty() || !listed(&region.db_clusters).is_empty()
}

pub(super) fn build(contents: Contents, region: &RegionSnapshot) -> Graph {
    let instances = listed(&region.db_instances);
    let clusters = listed(&region.db_clusters);
    let mut builder = Builder {
        snapshot: contents.snapshot,
        region,
        reachability: reachability(contents, &region.region),
        tree: BTreeMap::new(),
        loose: BTreeMap::new(),
        edges: BTreeSet::new(),
        linked: BTreeSet::new(),
        subnets: SubnetIndex::new(region),
        instances: instances
            .iter()
            .map(|i| (i.identifier.as_str(), i))
            .collect(),
        clusters: clusters
            .iter()
            .map(|c| (c.identifier.as_str(), c))
            .collect(),
    };
    for instance in instances {
        builder.add_instance(instance);
    }
    for cluster in clusters {
        builder.add_cluster(cluster);
    }
    let subtitle = format!(
        "collected {} · {} DB instance{}, {} DB cluster{}",
        contents.snapshot.collected_at,
        instances.len(),
        plural(instances.len()),
        clusters.len(),
        plural(clusters.len()),
    );
    let (groups, nodes, edges) = builder.finish();
    Graph {
        region: region.region.clone(),
        title: format!(
            "RDS architecture · account {} · {}",
            contents.snapshot.account.id, region.region
        ),
        subtitle,
        notes: notes(region),
        groups,
        nodes,
        edges,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn listed<T>(listing: &Observed<Vec<T>>) -> &[T] {
    listing.value().map_or(&[], Vec::as_slice)
}

/// The evaluation's verdict on internet reachability for each database of this region: the
/// diagram shows what the checks found rather than judging the network again.
fn reachability(contents: Contents, region: &str) -> BTreeMap<(Scope, String), Outcome> {
    contents
        .evaluation
        .findings
        .iter()
        .filter(|f| {
            f.resource.region == region
                && (f.check == INSTANCE_REACHABILITY_CHECK || f.check == CLUSTER_REACHABILITY_CHECK)
        })
        .map(|f| ((f.resource.kind, f.resource.id.clone()), f.outcome))
        .collect()
}

/// Listings of this region that could not be read, each a gap in the picture.
fn notes(region: &RegionSnapshot) -> Vec<String> {
    let network = &region.network;
    [
        ("DB instances", region.db_instances.unavailable()),
        ("DB clusters", region.db_clusters.unavailable()),
        ("DB subnet groups", region.db_subnet_groups.unavailable()),
        ("VPCs", network.vpcs.unavailable()),
        ("subnets", network.subnets.unavailable()),
        ("route tables", network.route_tables.unavailable()),
    ]
    .into_iter()
    .filter_map(|(what, why)| why.map(|why| format!("{what} could not be read ({why})")))
    .collect()
}

/// Where a node sits: VPC, zone and subnet as far as they are known.
#[derive(Debug, Clone, Default)]
struct Place {
    vpc: Option<String>,
    zone: Option<String>,
    subnet: Option<String>,
}

#[derive(Default)]
struct VpcEntry {
    zones: BTreeMap<Option<String>, ZoneEntry>,
    nodes: BTreeMap<String, Node>,
}

#[derive(Default)]
struct ZoneEntry {
    subnets: BTreeMap<String, BTreeMap<String, Node>>,
    nodes: BTreeMap<String, Node>,
}

struct Builder<'a> {
    snapshot: &'a Snapshot,
    region: &'a RegionSnapshot,
    reachability: BTreeMap<(Scope, String), Outcome>,
    tree: BTreeMap<String, VpcEntry>,
    /// Nodes outside any known VPC.
    loose: BTreeMap<String, Node>,
    edges: BTreeSet<Edge>,
    /// The pairs `edges` links, smaller id first: one lookup instead of a scan per edge.
    linked: BTreeSet<(String, String)>,
    subnets: SubnetIndex<'a>,
    /// The region's databases by identifier: replication ends are looked up per database.
    instances: HashMap<&'a str, &'a DbInstance>,
    clusters: HashMap<&'a str, &'a DbCluster>,
}

impl<'a> Builder<'a> {
    fn add_instance(&mut self, instance: &'a DbInstance) {
        let id = instance_id(&instance.identifier);
        let group = self.subnets.group(self.region.subnet_group_of(instance));
        let vpc = instance
            .vpc_id
            .clone()
            .or_else(|| group.and_then(|g| g.vpc_id.clone()));
        let zone = instance.availability_zone.as_deref();
        let reachable = self.reachable(Scope::DbInstance, &instance.identifier);
        let exposed = reachable == Some(Outcome::Fail);
        let mut lines = vec![
            instance.identifier.clone(),
            format!(
                "{} {} · {}",
                instance.engine, instance.engine_version, instance.instance_class
            ),
        ];
        if instance.cluster_identifier.is_none() {
            lines.push(if instance.multi_az {
                "Multi-AZ instance".to_owned()
            } else {
                "Single-AZ instance".to_owned()
            });
        }
        if let Some(status) = instance.status.as_deref().filter(|s| *s != "available") {
            lines.push(format!("status: {status}"));
        }
        if zone.is_none() {
            lines.push("AZ not reported".to_owned());
        }
        lines.push(encryption_line(instance.storage.encrypted));
        lines.extend(exposure_line(reachable, instance.publicly_accessible));
        let place = self.place(vpc.clone(), zone, group);
        self.put(
            &place,
            Node {
                id: id.clone(),
                kind: NodeKind::Database {
                    encrypted: instance.storage.encrypted,
                    exposed,
                },
                lines,
            },
        );

        if instance.multi_az && instance.cluster_identifier.is_none() {
            let standby_zone = instance.secondary_availability_zone.as_deref();
            let standby = standby_id(&instance.identifier);
            let place = self.place(vpc, standby_zone, group);
            self.put(
                &place,
                Node {
                    id: standby.clone(),
                    kind: NodeKind::Standby,
                    lines: vec![
                        format!("{} standby", instance.identifier),
                        "Multi-AZ, not readable".to_owned(),
                        standby_zone.map_or("AZ not reported".to_owned(), |z| format!("in {z}")),
                    ],
                },
            );
            self.edge(&id, &standby, EdgeKind::Standby);
        }

        if let Some(source) = &instance.replica_source {
            let (source, kind) = self.replica_end(source, Scope::DbInstance);
            self.edge(&source, &id, kind);
        }
        for replica in &instance.read_replicas {
            let (replica, kind) = self.replica_end(replica, Scope::DbInstance);
            self.edge(&id, &replica, kind);
        }
    }

    fn add_cluster(&mut self, cluster: &'a DbCluster) {
        let id = cluster_id(&cluster.identifier);
        let group = self.subnets.group(cluster.subnet_group.as_deref());
        let vpc = group.and_then(|g| g.vpc_id.clone()).or_else(|| {
            cluster
                .members
                .iter()
                .find_map(|m| self.instance(&m.instance_identifier)?.vpc_id.clone())
        });
        let reachable = self.reachable(Scope::DbCluster, &cluster.identifier);
        let exposed = reachable == Some(Outcome::Fail);
        let aurora = cluster.engine.starts_with("aurora");
        let mut lines = vec![
            cluster.identifier.clone(),
            format!(
                "{} · {} {}",
                if aurora {
                    "Aurora cluster"
                } else {
                    "Multi-AZ DB cluster"
                },
                cluster.engine,
                cluster.engine_version
            ),
        ];
        if !cluster.availability_zones.is_empty() {
            lines.push(format!("AZs {}", cluster.availability_zones.join(", ")));
        }
        if let Some(mode) = cluster
            .engine_mode
            .as_deref()
            .filter(|m| *m != "provisioned")
        {
            lines.push(format!("engine mode: {mode}"));
        }
        if let Some(scaling) = &cluster.serverless_v2_scaling {
            let capacity = |c: Option<f64>| c.map_or("?".to_owned(), |c| c.to_string());
            lines.push(format!(
                "Serverless v2: {}–{} ACU",
                capacity(scaling.min_capacity),
                capacity(scaling.max_capacity)
            ));
        }
        if let Some(status) = cluster.status.as_deref().filter(|s| *s != "available") {
            lines.push(format!("status: {status}"));
        }
        lines.push(encryption_line(cluster.storage.encrypted));
        lines.extend(exposure_line(reachable, cluster.publicly_accessible));
        // A cluster spans zones: it sits in its VPC, its members in their subnets.
        let place = Place {
            vpc,
            ..Place::default()
        };
        self.put(
            &place,
            Node {
                id: id.clone(),
                kind: NodeKind::Cluster {
                    encrypted: cluster.storage.encrypted,
                    exposed,
                },
                lines,
            },
        );

        for member in &cluster.members {
            let member_id = instance_id(&member.instance_identifier);
            if self.instance(&member.instance_identifier).is_none() {
                self.put(
                    &place,
                    Node {
                        id: member_id.clone(),
                        kind: NodeKind::Elsewhere,
                        lines: vec![
                            member.instance_identifier.clone(),
                            "not in the instance listing".to_owned(),
                        ],
                    },
                );
            }
            let kind = if member.is_writer {
                EdgeKind::Writer
            } else {
                EdgeKind::Reader
            };
            self.edge(&id, &member_id, kind);
        }

        if let Some(source) = &cluster.replica_source {
            let (source, kind) = self.replica_end(source, Scope::DbCluster);
            self.edge(&source, &id, kind);
        }
        for replica in &cluster.read_replicas {
            let (replica, kind) = self.replica_end(replica, Scope::DbCluster);
            self.edge(&id, &replica, kind);
        }
        if let Some(global) = &cluster.global_cluster {
            self.add_global(global, &id);
        }
    }

    /// The global database node, linked to this cluster and to its members in other regions.
    fn add_global(&mut self, global: &str, cluster: &str) {
        let global_id = format!("global:{global}");
        self.loose.entry(global_id.clone()).or_insert_with(|| Node {
            id: global_id.clone(),
            kind: NodeKind::GlobalDatabase,
            lines: vec![global.to_owned(), "Aurora global database".to_owned()],
        });
        self.edge(&global_id, cluster, EdgeKind::GlobalMember);
        let elsewhere: Vec<(&str, &DbCluster)> = self
            .snapshot
            .regions
            .iter()
            .filter(|r| r.region != self.region.region)
            .flat_map(|r| {
                listed(&r.db_clusters)
                    .iter()
                    .map(|c| (r.region.as_str(), c))
            })
            .filter(|(_, c)| c.global_cluster.as_deref() == Some(global))
            .collect();
        for (region, other) in elsewhere {
            let node = self.elsewhere(region, self.account(), Scope::DbCluster, &other.identifier);
            self.edge(&global_id, &node, EdgeKind::GlobalMember);
        }
    }

    fn account(&self) -> &'a str {
        let snapshot: &'a Snapshot = self.snapshot;
        &snapshot.account.id
    }

    fn reachable(&self, scope: Scope, identifier: &str) -> Option<Outcome> {
        self.reachability
            .get(&(scope, identifier.to_owned()))
            .copied()
    }

    fn instance(&self, identifier: &str) -> Option<&'a DbInstance> {
        self.instances.get(identifier).copied()
    }

    fn cluster(&self, identifier: &str) -> Option<&'a DbCluster> {
        self.clusters.get(identifier).copied()
    }

    /// The node at the other end of a replication, and the kind of replication: a database of
    /// this region (by identifier, or by ARN of this region and account), or a node for one
    /// elsewhere.
    fn replica_end(&mut self, reference: &str, default_scope: Scope) -> (String, EdgeKind) {
        let (this_region, this_account) = (self.region.region.as_str(), self.account());
        let (region, account, scope, identifier) = match parse_rds_arn(reference) {
            Some(arn) => (arn.region, arn.account, arn.scope, arn.identifier),
            None => (this_region, this_account, default_scope, reference),
        };
        let here = region == this_region && account == this_account;
        let listed_here = match scope {
            Scope::DbCluster => self.cluster(identifier).is_some(),
            _ => self.instance(identifier).is_some(),
        };
        let node = match (here, listed_here) {
            (true, true) if scope == Scope::DbCluster => cluster_id(identifier),
            (true, true) => instance_id(identifier),
            _ => self.elsewhere(region, account, scope, identifier),
        };
        let kind = if region == this_region {
            EdgeKind::Replication
        } else {
            EdgeKind::CrossRegion
        };
        (node, kind)
    }

    /// A node for a database outside this region's picture, described from the snapshot when
    /// the snapshot holds it.
    fn elsewhere(&mut self, region: &str, account: &str, scope: Scope, identifier: &str) -> String {
        let kind = if scope == Scope::DbCluster {
            "cluster"
        } else {
            "db"
        };
        let id = format!("{kind}:{region}:{account}:{identifier}");
        let mut lines = vec![identifier.to_owned()];
        let other_account = account != self.snapshot.account.id;
        let other_region = region != self.region.region;
        let seen = self
            .snapshot
            .regions
            .iter()
            .find(|r| r.region == region && !other_account);
        let described = seen.and_then(|r| match scope {
            Scope::DbCluster => listed(&r.db_clusters)
                .iter()
                .find(|c| c.identifier == identifier)
                .map(|c| format!("{} {}", c.engine, c.engine_version)),
            _ => listed(&r.db_instances)
                .iter()
                .find(|i| i.identifier == identifier)
                .map(|i| format!("{} · {}", i.engine, i.instance_class)),
        });
        lines.extend(described);
        match (other_region, other_account) {
            (_, true) => lines.push(format!("account {account}, {region}")),
            (true, false) => lines.push(format!("in {region}")),
            (false, false) => lines.push("not in this region's listing".to_owned()),
        }
        self.loose.entry(id.clone()).or_insert(Node {
            id: id.clone(),
            kind: NodeKind::Elsewhere,
            lines,
        });
        id
    }

    /// The subnet a database in `zone` uses: the one subnet its DB subnet group has there. The
    /// API does not name the subnet, so with two in one zone only the zone is certain.
    fn place(
        &mut self,
        vpc: Option<String>,
        zone: Option<&str>,
        group: Option<&'a DbSubnetGroup>,
    ) -> Place {
        if let Some(group) = group {
            self.subnets.show(group);
        }
        let Some(zone) = zone else {
            return Place {
                vpc,
                ..Place::default()
            };
        };
        let in_zone: Vec<&str> = group
            .map(|g| {
                g.subnets
                    .iter()
                    .filter(|s| {
                        self.subnets
                            .zone(s.subnet_id.as_str(), s.availability_zone.as_deref())
                            == Some(zone)
                    })
                    .map(|s| s.subnet_id.as_str())
                    .collect()
            })
            .unwrap_or_default();
        Place {
            vpc,
            zone: Some(zone.to_owned()),
            subnet: match in_zone.as_slice() {
                [one] => Some((*one).to_owned()),
                _ => None,
            },
        }
    }

    fn put(&mut self, place: &Place, node: Node) {
        let mut place = place.clone();
        if let Some((Some(vpc), zone)) = place
            .subnet
            .as_ref()
            .and_then(|s| self.subnets.shown.get(s))
        {
            // The subnet is drawn where the EC2 listing puts it.
            place.vpc = Some(vpc.clone());
            place.zone.clone_from(zone);
        }
        let Some(vpc) = &place.vpc else {
            self.loose.insert(node.id.clone(), node);
            return;
        };
        let vpc = self.tree.entry(vpc.clone()).or_default();
        if place.zone.is_none() && place.subnet.is_none() {
            vpc.nodes.insert(node.id.clone(), node);
            return;
        }
        let zone = vpc.zones.entry(place.zone).or_default();
        match &place.subnet {
            Some(subnet) => {
                zone.subnets
                    .entry(subnet.clone())
                    .or_default()
                    .insert(node.id.clone(), node);
            }
            None => {
                zone.nodes.insert(node.id.clone(), node);
            }
        }
    }

    /// Adds an edge unless it would loop or repeat a pair already linked either way.
    fn edge(&mut self, from: &str, to: &str, kind: EdgeKind) {
        let pair = if from < to { (from, to) } else { (to, from) };
        if from != to && self.linked.insert((pair.0.to_owned(), pair.1.to_owned())) {
            self.edges.insert(Edge {
                from: from.to_owned(),
                to: to.to_owned(),
                kind,
            });
        }
    }

    fn finish(mut self) -> (Vec<Group>, Vec<Node>, Vec<Edge>) {
        for subnet in self.subnets.shown() {
            let vpc = self.tree.entry(subnet.vpc.clone()).or_default();
            vpc.zones
                .entry(subnet.zone.clone())
                .or_default()
                .subnets
                .entry(subnet.id.clone())
                .or_default();
        }
        let vpcs = &self.subnets;
        let groups = self
            .tree
            .into_iter()
            .map(|(vpc_id, vpc)| {
                let zones = vpc
                    .zones
                    .into_iter()
                    .map(|(zone, entry)| {
                        let subnets = entry
                            .subnets
                            .into_iter()
                            .map(|(subnet_id, nodes)| vpcs.subnet_group(&subnet_id, nodes))
                            .collect();
                        Group {
                            id: format!("az:{vpc_id}:{}", zone.as_deref().unwrap_or("")),
                            kind: GroupKind::Zone,
                            lines: vec![zone.map_or("AZ not reported".to_owned(), |z| {
                                format!("Availability Zone {z}")
                            })],
                            groups: subnets,
                            nodes: entry.nodes.into_values().collect(),
                        }
                    })
                    .collect();
                Group {
                    lines: vpcs.vpc_lines(&vpc_id),
                    id: format!("vpc:{vpc_id}"),
                    kind: GroupKind::Vpc,
                    groups: zones,
                    nodes: vpc.nodes.into_values().collect(),
                }
            })
            .collect();
        let mut nodes: Vec<Node> = self.loose.into_values().collect();
        let mut edges: Vec<Edge> = self.edges.into_iter().collect();
        let mut targets: Vec<String> = self
            .reachability
            .iter()
            .filter(|(_, outcome)| **outcome == Outcome::Fail)
            .map(|((scope, identifier), _)| match scope {
                Scope::DbCluster => cluster_id(identifier),
                _ => instance_id(identifier),
            })
            .collect();
        targets.sort();
        if !targets.is_empty() {
            nodes.push(Node {
                id: INTERNET.to_owned(),
                kind: NodeKind::Internet,
                lines: vec!["Internet".to_owned(), "0.0.0.0/0 · ::/0".to_owned()],
            });
            nodes.sort_by(|a, b| a.id.cmp(&b.id));
            edges.extend(targets.into_iter().map(|to| Edge {
                from: INTERNET.to_owned(),
                to,
                kind: EdgeKind::Internet,
            }));
            edges.sort();
        }
        (groups, nodes, edges)
    }
}

fn encryption_line(encrypted: bool) -> String {
    if encrypted {
        "[encrypted at rest]".to_owned()
    } else {
        "[NOT ENCRYPTED]".to_owned()
    }
}

fn exposure_line(reachable: Option<Outcome>, publicly_accessible: Option<bool>) -> Option<String> {
    match reachable {
        Some(Outcome::Fail) => Some("REACHABLE FROM THE INTERNET".to_owned()),
        Some(Outcome::InsufficientEvidence) => Some("internet exposure not ruled out".to_owned()),
        _ if publicly_accessible == Some(true) => Some("public flag on, no open path".to_owned()),
        _ => None,
    }
}

/// A tag value as one label line: tags may hold line breaks and other control characters.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

struct RdsArn<'a> {
    region: &'a str,
    account: &'a str,
    scope: Scope,
    identifier: &'a str,
}

/// `arn:<partition>:rds:<region>:<account>:db|cluster:<identifier>`.
fn parse_rds_arn(reference: &str) -> Option<RdsArn<'_>> {
    let mut parts = reference.splitn(7, ':');
    let (Some("arn"), Some(_), Some("rds"), Some(region), Some(account), Some(kind), Some(id)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let scope = match kind {
        "cluster" => Scope::DbCluster,
        _ => Scope::DbInstance,
    };
    Some(RdsArn {
        region,
        account,
        scope,
        identifier: id,
    })
}

/// A subnet to draw, with what is known of it.
struct ShownSubnet {
    id: String,
    vpc: String,
    zone: Option<String>,
}

/// The region's subnets, DB subnet groups and route tables, and which subnets to draw: those of
/// the DB subnet groups the databases use.
struct SubnetIndex<'a> {
    region: &'a RegionSnapshot,
    shown: BTreeMap<String, (Option<String>, Option<String>)>,
    memberships: BTreeMap<String, BTreeSet<&'a str>>,
}

impl<'a> SubnetIndex<'a> {
    fn new(region: &'a RegionSnapshot) -> Self {
        SubnetIndex {
            region,
            shown: BTreeMap::new(),
            memberships: BTreeMap::new(),
        }
    }

    fn group(&self, name: Option<&str>) -> Option<&'a DbSubnetGroup> {
        let name = name?;
        listed(&self.region.db_subnet_groups)
            .iter()
            .find(|g| g.name == name)
    }

    fn subnet(&self, id: &str) -> Option<&'a Subnet> {
        listed(&self.region.network.subnets)
            .iter()
            .find(|s| s.id == id)
    }

    /// A subnet's zone: from the EC2 listing, else as the DB subnet group reports it.
    fn zone<'b>(&'b self, id: &str, reported: Option<&'b str>) -> Option<&'b str> {
        self.subnet(id)
            .and_then(|s| s.availability_zone.as_deref())
            .or(reported)
    }

    fn show(&mut self, group: &'a DbSubnetGroup) {
        for subnet in &group.subnets {
            let known = self.subnet(&subnet.subnet_id);
            let vpc = known
                .map(|s| s.vpc_id.clone())
                .or_else(|| group.vpc_id.clone());
            let zone = self
                .zone(&subnet.subnet_id, subnet.availability_zone.as_deref())
                .map(str::to_owned);
            self.shown
                .entry(subnet.subnet_id.clone())
                .or_insert((vpc, zone));
            self.memberships
                .entry(subnet.subnet_id.clone())
                .or_default()
                .insert(&group.name);
        }
    }

    fn shown(&self) -> Vec<ShownSubnet> {
        self.shown
            .iter()
            .filter_map(|(id, (vpc, zone))| {
                Some(ShownSubnet {
                    id: id.clone(),
                    vpc: vpc.clone()?,
                    zone: zone.clone(),
                })
            })
            .collect()
    }

    fn vpc_lines(&self, vpc_id: &str) -> Vec<String> {
        let vpc = listed(&self.region.network.vpcs)
            .iter()
            .find(|v| v.id == vpc_id);
        let mut title = match vpc.and_then(|v| v.tags.get("Name")) {
            Some(name) => format!("VPC {}", one_line(name)),
            None => "VPC".to_owned(),
        };
        if vpc.is_some_and(|v| v.is_default) {
            title.push_str(" (default VPC)");
        }
        let mut detail = vpc_id.to_owned();
        if let Some(cidr) = vpc.and_then(|v| v.cidr_block.as_deref()) {
            detail.push_str(" · ");
            detail.push_str(cidr);
        }
        vec![title, detail]
    }

    fn subnet_group(&self, subnet_id: &str, nodes: BTreeMap<String, Node>) -> Group {
        let subnet = self.subnet(subnet_id);
        let (exposure, routing) = self.routing(subnet_id, subnet);
        let exposure_text = match exposure {
            Exposure::Public => "PUBLIC subnet",
            Exposure::Private => "private subnet",
            Exposure::Unknown => "subnet, routing unknown",
        };
        let name = subnet.and_then(|s| s.tags.get("Name"));
        let mut lines = vec![match name {
            Some(name) => format!("{} · {exposure_text}", one_line(name)),
            None => exposure_text.to_owned(),
        }];
        let mut detail = subnet_id.to_owned();
        if let Some(cidr) = subnet.and_then(|s| s.cidr_block.as_deref()) {
            detail.push_str(" · ");
            detail.push_str(cidr);
        }
        lines.push(detail);
        lines.extend(routing);
        if let Some(groups) = self.memberships.get(subnet_id) {
            let names: Vec<&str> = groups.iter().copied().collect();
            lines.push(format!("DB subnet group {}", names.join(", ")));
        }
        Group {
            id: format!("subnet:{subnet_id}"),
            kind: GroupKind::Subnet(exposure),
            lines,
            groups: Vec::new(),
            nodes: nodes.into_values().collect(),
        }
    }

    /// Public or private by the subnet's route table: the default route in words, and the table.
    fn routing(&self, subnet_id: &str, subnet: Option<&Subnet>) -> (Exposure, Vec<String>) {
        let tables = match &self.region.network.route_tables {
            Observed::Value(tables) => tables,
            Observed::Unknown(_) => {
                return (Exposure::Unknown, vec!["route tables not read".to_owned()])
            }
        };
        let vpc = subnet.map(|s| s.vpc_id.as_str()).or_else(|| {
            self.shown
                .get(subnet_id)
                .and_then(|(vpc, _)| vpc.as_deref())
        });
        let Some(routing) = subnet_routing(tables, subnet_id, vpc) else {
            return (Exposure::Unknown, vec!["no route table found".to_owned()]);
        };
        let table = format!("route table {}", routing.table.id);
        if let Some((route, gateway)) = routing.internet_route {
            let route = format!("{} → {gateway} (internet gateway)", route.destination);
            return (Exposure::Public, vec![route, table]);
        }
        let default_routes: Vec<String> = routing
            .table
            .routes
            .iter()
            .filter(|r| r.active && matches!(r.destination.as_str(), "0.0.0.0/0" | "::/0"))
            .map(|r| {
                let target = match &r.target {
                    RouteTarget::NatGateway(id) => format!("{id} (NAT, outbound only)"),
                    RouteTarget::EgressOnlyInternetGateway(id) => format!("{id} (egress-only)"),
                    RouteTarget::Local => "local".to_owned(),
                    RouteTarget::InternetGateway(id)
                    | RouteTarget::TransitGateway(id)
                    | RouteTarget::VpcPeering(id)
                    | RouteTarget::VpcEndpoint(id)
                    | RouteTarget::NetworkInterface(id)
                    | RouteTarget::Other(id) => id.clone(),
                };
                format!("{} → {target}", r.destination)
            })
            .collect();
        let mut lines = if default_routes.is_empty() {
            vec!["no default route".to_owned()]
        } else {
            default_routes
        };
        lines.push(table);
        (Exposure::Private, lines)
    }
}
