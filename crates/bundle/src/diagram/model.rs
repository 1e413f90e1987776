//! One page of architecture as data: the AWS Cloud › Region › VPC › Availability Zone › subnet
//! containers, each database, standby, proxy and gateway in the container it runs in, and the
//! edges between them. Every renderer draws this model, so the DOT source, the SVG and the
//! diagrams.net file cannot disagree.
//!
//! A page holds the regions that replicate to one another (read replicas, replica clusters,
//! global databases): a cross-region replica is drawn in its own region's box, beside its
//! source. Where something cannot be placed further (no VPC, no zone, a subnet the API does not
//! name), it sits in the narrowest container that is certain.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rds_evidence_controls::{Outcome, Scope};
use rds_evidence_inventory::activity::ReplicationTask;
use rds_evidence_inventory::rds::{DbCluster, DbInstance, DbProxy, DbSubnetGroup};
use rds_evidence_inventory::Environment;
use rds_evidence_inventory::{Observed, RegionSnapshot, Snapshot};

use super::subnets::SubnetIndex;
use crate::Contents;

/// The checks whose failure means an open path from the internet to the database.
pub(super) const INSTANCE_REACHABILITY_CHECK: &str = "rds.instance.not_publicly_reachable";
pub(super) const CLUSTER_REACHABILITY_CHECK: &str = "rds.cluster.not_publicly_reachable";
/// The check whose failure on a production database is a single point of failure.
pub(super) const MULTI_AZ_CHECK: &str = "rds.database.multi_az";

#[derive(Debug)]
pub(super) struct Graph {
    /// The page's name, safe as a file name: its regions joined by `+`.
    pub name: String,
    pub title: String,
    pub subtitle: String,
    /// What could not be read and so may be missing from the picture.
    pub notes: Vec<String>,
    /// Outside AWS: systems the databases migrate from, and the internet when a database is
    /// reachable from it.
    pub outside: Vec<Node>,
    /// In the AWS Cloud, outside any region of the page: global databases, databases of other
    /// accounts or of regions not drawn.
    pub cloud: Vec<Node>,
    /// Region › VPC › zone › subnet.
    pub regions: Vec<Group>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum GroupKind {
    Region,
    Vpc,
    Zone,
    Subnet(Exposure),
}

/// Whether a subnet is public: its route table has a default route to an internet gateway.
/// The order is the order of a zone's rows: public above private.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
    /// Failures a validator looks for, drawn on the resource.
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NodeKind {
    Instance(Engine),
    /// The Multi-AZ standby of an instance: not readable, there to take over.
    Standby,
    Cluster {
        aurora: bool,
    },
    Proxy,
    Gateway(Gateway),
    GlobalDatabase,
    /// A database in another account, in a region not drawn, or missing from its listing.
    Elsewhere,
    /// A system outside AWS: the source of a DMS migration.
    External,
    Internet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Engine {
    AuroraPostgres,
    AuroraMysql,
    Postgres,
    Mysql,
    MariaDb,
    Oracle,
    SqlServer,
    Other,
}

impl Engine {
    fn of(engine: &str) -> Engine {
        match engine {
            "aurora-postgresql" => Engine::AuroraPostgres,
            "aurora-mysql" | "aurora" => Engine::AuroraMysql,
            "postgres" => Engine::Postgres,
            "mysql" => Engine::Mysql,
            "mariadb" => Engine::MariaDb,
            e if e.starts_with("oracle") || e.starts_with("custom-oracle") => Engine::Oracle,
            e if e.starts_with("sqlserver") || e.starts_with("custom-sqlserver") => {
                Engine::SqlServer
            }
            _ => Engine::Other,
        }
    }
}

/// What a VPC's route tables name as a way in or out of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gateway {
    Internet,
    Nat,
    Endpoint,
    Transit,
    Peering,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Mark {
    /// The evaluation found an open path from the internet.
    PublicPath,
    Unencrypted,
    /// A production database the Multi-AZ check failed.
    SingleAzProduction,
}

impl Mark {
    pub const ALL: [Mark; 3] = [
        Mark::PublicPath,
        Mark::Unencrypted,
        Mark::SingleAzProduction,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Mark::PublicPath => "OPEN PATH FROM THE INTERNET",
            Mark::Unencrypted => "NOT ENCRYPTED AT REST",
            Mark::SingleAzProduction => "SINGLE-AZ PRODUCTION",
        }
    }

    /// What the mark means, for the legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Mark::PublicPath => "public flag, open security group, internet route",
            Mark::Unencrypted => "storage not encrypted",
            Mark::SingleAzProduction => "production, Multi-AZ check failed",
        }
    }
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
    Migration,
    Internet,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 8] = [
        EdgeKind::Writer,
        EdgeKind::Reader,
        EdgeKind::Standby,
        EdgeKind::Replication,
        EdgeKind::CrossRegion,
        EdgeKind::GlobalMember,
        EdgeKind::Migration,
        EdgeKind::Internet,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Writer => "cluster writer",
            EdgeKind::Reader => "cluster reader",
            EdgeKind::Standby => "synchronous standby (Multi-AZ)",
            EdgeKind::Replication => "asynchronous replication",
            EdgeKind::CrossRegion => "cross-region replication",
            EdgeKind::GlobalMember => "global database member",
            EdgeKind::Migration => "migration (AWS DMS task)",
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
            EdgeKind::Migration => "migration",
            EdgeKind::Internet => "internet",
        }
    }
}

pub(super) const INTERNET: &str = "internet";

pub(super) fn instance_id(region: &str, identifier: &str) -> String {
    format!("db:{region}:{identifier}")
}

pub(super) fn cluster_id(region: &str, identifier: &str) -> String {
    format!("cluster:{region}:{identifier}")
}

fn standby_id(region: &str, identifier: &str) -> String {
    format!("standby:{region}:{identifier}")
}

pub(super) fn has_databases(region: &RegionSnapshot) -> bool {
    !listed(&region.db_instances).is_empty() || !listed(&region.db_clusters).is_empty()
}

/// The regions with databases, grouped into pages: regions linked by a replica or a global
/// database share a page. Pages and their regions keep the snapshot's order.
pub(super) fn pages(snapshot: &Snapshot) -> Vec<Vec<&RegionSnapshot>> {
    let drawn: Vec<&RegionSnapshot> = snapshot
        .regions
        .iter()
        .filter(|r| has_databases(r))
        .collect();
    let index: HashMap<&str, usize> = drawn
        .iter()
        .enumerate()
        .map(|(i, r)| (r.region.as_str(), i))
        .collect();
    let mut page_of: Vec<usize> = (0..drawn.len()).collect();
    fn root(page_of: &mut [usize], mut i: usize) -> usize {
        while page_of[i] != i {
            page_of[i] = page_of[page_of[i]];
            i = page_of[i];
        }
        i
    }
    let mut link = |a: usize, b: usize| {
        let (a, b) = (root(&mut page_of, a), root(&mut page_of, b));
        page_of[a.max(b)] = a.min(b);
    };
    let mut global_home: HashMap<&str, usize> = HashMap::new();
    for (i, region) in drawn.iter().enumerate() {
        let references = listed(&region.db_instances)
            .iter()
            .flat_map(|d| d.replica_source.iter().chain(&d.read_replicas))
            .chain(
                listed(&region.db_clusters)
                    .iter()
                    .flat_map(|c| c.replica_source.iter().chain(&c.read_replicas)),
            );
        for reference in references {
            let other = parse_rds_arn(reference)
                .filter(|arn| arn.account == snapshot.account.id)
                .and_then(|arn| index.get(arn.region));
            if let Some(&j) = other {
                link(i, j);
            }
        }
        for global in listed(&region.db_clusters)
            .iter()
            .filter_map(|c| c.global_cluster.as_deref())
        {
            let home = *global_home.entry(global).or_insert(i);
            link(home, i);
        }
    }
    let mut pages: BTreeMap<usize, Vec<&RegionSnapshot>> = BTreeMap::new();
    for (i, region) in drawn.iter().enumerate() {
        let page = root(&mut page_of, i);
        pages.entry(page).or_default().push(region);
    }
    pages.into_values().collect()
}

pub(super) fn build(contents: Contents, page: &[&RegionSnapshot]) -> Graph {
    let snapshot = contents.snapshot;
    let mut builder = Builder {
        contents,
        findings: findings(contents, page),
        regions: page.iter().map(|r| RegionEntry::new(r)).collect(),
        cloud: BTreeMap::new(),
        outside: BTreeMap::new(),
        edges: BTreeSet::new(),
        linked: BTreeSet::new(),
    };
    for (r, region) in page.iter().enumerate() {
        for instance in listed(&region.db_instances) {
            builder.add_instance(r, instance);
        }
        for cluster in listed(&region.db_clusters) {
            builder.add_cluster(r, cluster);
        }
        for proxy in listed(&region.db_proxies) {
            builder.add_proxy(r, proxy);
        }
    }
    for region in page {
        for task in listed(&region.replication_tasks) {
            builder.add_migration(task);
        }
    }
    let (instances, clusters) = page.iter().fold((0, 0), |(i, c), r| {
        (
            i + listed(&r.db_instances).len(),
            c + listed(&r.db_clusters).len(),
        )
    });
    let names: Vec<&str> = page.iter().map(|r| r.region.as_str()).collect();
    let notes = page
        .iter()
        .flat_map(|region| {
            notes(region).into_iter().map(move |note| {
                if page.len() > 1 {
                    format!("{}: {note}", region.region)
                } else {
                    note
                }
            })
        })
        .collect();
    let (outside, cloud, regions, edges) = builder.finish();
    let file_names: Vec<String> = names.iter().map(|n| crate::layout::safe_name(n)).collect();
    Graph {
        name: file_names.join("+"),
        title: format!(
            "RDS architecture · account {} · {}",
            snapshot.account.id,
            names.join(" + ")
        ),
        subtitle: format!(
            "collected {} · {instances} DB instance{}, {clusters} DB cluster{}",
            snapshot.collected_at,
            plural(instances),
            plural(clusters),
        ),
        notes,
        outside,
        cloud,
        regions,
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

pub(super) fn listed<T>(listing: &Observed<Vec<T>>) -> &[T] {
    listing.value().map_or(&[], Vec::as_slice)
}

type FindingKey = (String, Scope, String, &'static str);

/// The evaluation's outcomes the diagram marks (internet reachability, Multi-AZ) for this
/// page's databases: the picture shows what the checks found rather than judging again.
fn findings(contents: Contents, page: &[&RegionSnapshot]) -> BTreeMap<FindingKey, Outcome> {
    let checks = [
        INSTANCE_REACHABILITY_CHECK,
        CLUSTER_REACHABILITY_CHECK,
        MULTI_AZ_CHECK,
    ];
    contents
        .evaluation
        .findings
        .iter()
        // An evaluation of several accounts names each finding's: this page's only.
        .filter(|f| {
            f.resource.account.is_empty() || f.resource.account == contents.snapshot.account.id
        })
        .filter(|f| page.iter().any(|r| r.region == f.resource.region))
        .filter_map(|f| {
            let check = checks.into_iter().find(|c| *c == f.check)?;
            let key = (
                f.resource.region.clone(),
                f.resource.kind,
                f.resource.id.clone(),
                check,
            );
            Some((key, f.outcome))
        })
        .collect()
}

/// Listings of this region that could not be read, each a gap in the picture.
fn notes(region: &RegionSnapshot) -> Vec<String> {
    let network = &region.network;
    [
        ("DB instances", region.db_instances.unavailable()),
        ("DB clusters", region.db_clusters.unavailable()),
        ("DB subnet groups", region.db_subnet_groups.unavailable()),
        ("DB proxies", region.db_proxies.unavailable()),
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

/// One region of the page as it fills.
struct RegionEntry<'a> {
    snapshot: &'a RegionSnapshot,
    subnets: SubnetIndex<'a>,
    vpcs: BTreeMap<String, VpcEntry>,
    /// Nodes in the region but outside any known VPC.
    loose: BTreeMap<String, Node>,
    /// Every node id put somewhere: a node is drawn once, where it was first placed.
    placed: BTreeSet<String>,
    /// The region's databases by identifier: replication ends are looked up per database.
    instances: HashMap<&'a str, &'a DbInstance>,
    clusters: HashMap<&'a str, &'a DbCluster>,
}

impl<'a> RegionEntry<'a> {
    fn new(snapshot: &'a RegionSnapshot) -> Self {
        RegionEntry {
            snapshot,
            subnets: SubnetIndex::new(snapshot),
            vpcs: BTreeMap::new(),
            loose: BTreeMap::new(),
            placed: BTreeSet::new(),
            instances: listed(&snapshot.db_instances)
                .iter()
                .map(|i| (i.identifier.as_str(), i))
                .collect(),
            clusters: listed(&snapshot.db_clusters)
                .iter()
                .map(|c| (c.identifier.as_str(), c))
                .collect(),
        }
    }

    fn name(&self) -> &'a str {
        &self.snapshot.region
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
            self.subnets.use_group(group);
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
        if !self.placed.insert(node.id.clone()) {
            return;
        }
        let mut place = place.clone();
        if let Some((Some(vpc), zone)) = place
            .subnet
            .as_ref()
            .and_then(|s| self.subnets.drawn.get(s))
        {
            // The subnet is drawn where the EC2 listing puts it.
            place.vpc = Some(vpc.clone());
            place.zone.clone_from(zone);
        }
        let Some(vpc) = &place.vpc else {
            self.loose.insert(node.id.clone(), node);
            return;
        };
        let vpc = self.vpcs.entry(vpc.clone()).or_default();
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

    /// Every subnet of the VPCs that hold something, with the gateways their route tables use.
    fn finish(mut self) -> Group {
        let vpc_ids: Vec<String> = self.vpcs.keys().cloned().collect();
        for subnet in self.subnets.of_vpcs(&vpc_ids) {
            self.vpcs
                .entry(subnet.vpc.clone())
                .or_default()
                .zones
                .entry(subnet.zone.clone())
                .or_default()
                .subnets
                .entry(subnet.id.clone())
                .or_default();
        }
        for (vpc_id, vpc) in &mut self.vpcs {
            for node in self.subnets.gateways(vpc_id) {
                vpc.nodes.insert(node.id.clone(), node);
            }
        }
        let region = self.name();
        let index = &self.subnets;
        let vpcs = self
            .vpcs
            .into_iter()
            .map(|(vpc_id, vpc)| {
                let zones = vpc
                    .zones
                    .into_iter()
                    .map(|(zone, entry)| {
                        let mut subnets: Vec<(Vec<u32>, Group)> = entry
                            .subnets
                            .into_iter()
                            .map(|(subnet_id, nodes)| {
                                (
                                    index.address(&subnet_id),
                                    index.subnet_group(&subnet_id, nodes),
                                )
                            })
                            .collect();
                        // In address order: tiers read top to bottom as they were planned.
                        subnets.sort_by(|a, b| a.0.cmp(&b.0));
                        let subnets = subnets.into_iter().map(|(_, group)| group).collect();
                        Group {
                            id: format!("az:{region}:{vpc_id}:{}", zone.as_deref().unwrap_or("")),
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
                    lines: index.vpc_lines(&vpc_id),
                    id: format!("vpc:{region}:{vpc_id}"),
                    kind: GroupKind::Vpc,
                    groups: zones,
                    nodes: vpc.nodes.into_values().collect(),
                }
            })
            .collect();
        Group {
            id: format!("region:{region}"),
            kind: GroupKind::Region,
            lines: vec![format!("Region {region}")],
            groups: vpcs,
            nodes: self.loose.into_values().collect(),
        }
    }
}

struct Builder<'a> {
    contents: Contents<'a>,
    findings: BTreeMap<FindingKey, Outcome>,
    regions: Vec<RegionEntry<'a>>,
    /// Nodes in the cloud outside the page's regions.
    cloud: BTreeMap<String, Node>,
    /// Nodes outside AWS.
    outside: BTreeMap<String, Node>,
    edges: BTreeSet<Edge>,
    /// The pairs `edges` links, smaller id first: one lookup instead of a scan per edge.
    linked: BTreeSet<(String, String)>,
}

impl<'a> Builder<'a> {
    fn snapshot(&self) -> &'a Snapshot {
        self.contents.snapshot
    }

    fn outcome(
        &self,
        region: &str,
        scope: Scope,
        id: &str,
        check: &'static str,
    ) -> Option<Outcome> {
        self.findings
            .get(&(region.to_owned(), scope, id.to_owned(), check))
            .copied()
    }

    /// As the evaluation classified it (account, attestation rules, then tags); in a case
    /// study of several accounts, this page's account's.
    fn environment(&self, scope: Scope, region: &str, id: &str) -> Environment {
        self.contents.evaluation.environments.of_database(
            &self.snapshot().account.id,
            scope,
            region,
            id,
        )
    }

    /// The marks and the exposure and encryption lines every database card carries.
    fn judgement(
        &self,
        region: &str,
        scope: Scope,
        identifier: &str,
        encrypted: bool,
        publicly_accessible: Option<bool>,
        production: bool,
    ) -> (Vec<Mark>, Vec<String>) {
        let reachability = match scope {
            Scope::DbCluster => CLUSTER_REACHABILITY_CHECK,
            _ => INSTANCE_REACHABILITY_CHECK,
        };
        let reachable = self.outcome(region, scope, identifier, reachability);
        let single_az =
            self.outcome(region, scope, identifier, MULTI_AZ_CHECK) == Some(Outcome::Fail);
        let mut marks = Vec::new();
        let mut lines = Vec::new();
        if reachable == Some(Outcome::Fail) {
            marks.push(Mark::PublicPath);
        }
        if encrypted {
            lines.push("encrypted at rest".to_owned());
        } else {
            marks.push(Mark::Unencrypted);
        }
        if single_az && production {
            marks.push(Mark::SingleAzProduction);
        }
        match reachable {
            Some(Outcome::InsufficientEvidence) => {
                lines.push("internet exposure not ruled out".to_owned());
            }
            Some(Outcome::Fail) => {}
            _ if publicly_accessible == Some(true) => {
                lines.push("public flag on, no open path".to_owned());
            }
            _ => {}
        }
        (marks, lines)
    }

    fn add_instance(&mut self, r: usize, instance: &'a DbInstance) {
        let region = self.regions[r].name();
        let id = instance_id(region, &instance.identifier);
        let entry = &self.regions[r];
        let group = entry
            .subnets
            .group(entry.snapshot.subnet_group_of(instance));
        let vpc = instance
            .vpc_id
            .clone()
            .or_else(|| group.and_then(|g| g.vpc_id.clone()));
        let zone = instance.availability_zone.as_deref();
        let environment = self.environment(Scope::DbInstance, region, &instance.identifier);
        let mut lines = vec![
            instance.identifier.clone(),
            format!(
                "{} {} · {}",
                instance.engine, instance.engine_version, instance.instance_class
            ),
            with_environment(self.instance_role(r, instance), environment),
        ];
        if let Some(status) = instance.status.as_deref().filter(|s| *s != "available") {
            lines.push(format!("status: {status}"));
        }
        if zone.is_none() {
            lines.push("AZ not reported".to_owned());
        }
        let (marks, judged) = self.judgement(
            region,
            Scope::DbInstance,
            &instance.identifier,
            instance.storage.encrypted,
            instance.publicly_accessible,
            environment == Environment::Production,
        );
        lines.extend(judged);
        let replicated: Vec<&str> = instance
            .backup
            .cross_region_replications
            .iter()
            .map(|arn| parse_any_arn_region(arn).unwrap_or(arn))
            .collect();
        if !replicated.is_empty() {
            lines.push(format!("backups replicated to {}", replicated.join(", ")));
        }
        let place = self.regions[r].place(vpc.clone(), zone, group);
        self.regions[r].put(
            &place,
            Node {
                id: id.clone(),
                kind: NodeKind::Instance(Engine::of(&instance.engine)),
                lines,
                marks,
            },
        );

        if instance.multi_az && instance.cluster_identifier.is_none() {
            let standby_zone = instance.secondary_availability_zone.as_deref();
            let standby = standby_id(region, &instance.identifier);
            let place = self.regions[r].place(vpc, standby_zone, group);
            self.regions[r].put(
                &place,
                Node {
                    id: standby.clone(),
                    kind: NodeKind::Standby,
                    lines: vec![
                        format!("{} standby", instance.identifier),
                        "Multi-AZ standby, not readable".to_owned(),
                        standby_zone.map_or("AZ not reported".to_owned(), |z| format!("in {z}")),
                    ],
                    marks: Vec::new(),
                },
            );
            self.edge(&id, &standby, EdgeKind::Standby);
        }

        if let Some(source) = &instance.replica_source {
            let (source, kind) = self.replica_end(r, source, Scope::DbInstance);
            self.edge(&source, &id, kind);
        }
        for replica in &instance.read_replicas {
            let (replica, kind) = self.replica_end(r, replica, Scope::DbInstance);
            self.edge(&id, &replica, kind);
        }
    }

    /// What an instance is to the rest: a cluster's writer or reader, a replica of something,
    /// or a standalone primary with or without its standby.
    fn instance_role(&self, r: usize, instance: &DbInstance) -> String {
        if let Some(cluster) = &instance.cluster_identifier {
            let writer = self.regions[r]
                .clusters
                .get(cluster.as_str())
                .and_then(|c| {
                    c.members
                        .iter()
                        .find(|m| m.instance_identifier == instance.identifier)
                })
                .map(|m| m.is_writer);
            return match writer {
                Some(true) => format!("writer of {cluster}"),
                Some(false) => format!("reader of {cluster}"),
                None => format!("member of {cluster}"),
            };
        }
        if let Some(source) = &instance.replica_source {
            return format!("read replica of {}", self.short_name(r, source));
        }
        if instance.multi_az {
            "Multi-AZ primary".to_owned()
        } else {
            "Single-AZ".to_owned()
        }
    }

    /// A database reference as a reader wants it: the identifier, with the region when it is
    /// another one.
    fn short_name(&self, r: usize, reference: &str) -> String {
        match parse_rds_arn(reference) {
            Some(arn) if arn.region != self.regions[r].name() => {
                format!("{} ({})", arn.identifier, arn.region)
            }
            Some(arn) => arn.identifier.to_owned(),
            None => reference.to_owned(),
        }
    }

    fn add_cluster(&mut self, r: usize, cluster: &'a DbCluster) {
        let region = self.regions[r].name();
        let id = cluster_id(region, &cluster.identifier);
        let group = self.regions[r]
            .subnets
            .group(cluster.subnet_group.as_deref());
        let vpc = group.and_then(|g| g.vpc_id.clone()).or_else(|| {
            cluster.members.iter().find_map(|m| {
                self.regions[r]
                    .instances
                    .get(m.instance_identifier.as_str())?
                    .vpc_id
                    .clone()
            })
        });
        let aurora = cluster.engine.starts_with("aurora");
        let environment = self.environment(Scope::DbCluster, region, &cluster.identifier);
        let kind = if aurora {
            "Aurora cluster"
        } else {
            "Multi-AZ DB cluster"
        };
        let mut lines = vec![
            cluster.identifier.clone(),
            format!("{kind} · {} {}", cluster.engine, cluster.engine_version),
            with_environment(self.cluster_role(r, cluster), environment),
        ];
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
        if let Some(scaling) = self.replica_scaling(r, cluster) {
            lines.push(scaling);
        }
        if let Some(status) = cluster.status.as_deref().filter(|s| *s != "available") {
            lines.push(format!("status: {status}"));
        }
        let (marks, judged) = self.judgement(
            region,
            Scope::DbCluster,
            &cluster.identifier,
            cluster.storage.encrypted,
            cluster.publicly_accessible,
            environment == Environment::Production,
        );
        lines.extend(judged);
        // A cluster spans zones: it sits in its VPC, its members in their subnets.
        let place = self.regions[r].place(vpc, None, group);
        self.regions[r].put(
            &place,
            Node {
                id: id.clone(),
                kind: NodeKind::Cluster { aurora },
                lines,
                marks,
            },
        );

        for member in &cluster.members {
            let member_id = instance_id(region, &member.instance_identifier);
            if !self.regions[r]
                .instances
                .contains_key(member.instance_identifier.as_str())
            {
                self.regions[r].put(
                    &place,
                    Node {
                        id: member_id.clone(),
                        kind: NodeKind::Elsewhere,
                        lines: vec![
                            member.instance_identifier.clone(),
                            format!(
                                "{} of {}",
                                if member.is_writer { "writer" } else { "reader" },
                                cluster.identifier
                            ),
                            "not in the instance listing".to_owned(),
                        ],
                        marks: Vec::new(),
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
            let (source, kind) = self.replica_end(r, source, Scope::DbCluster);
            self.edge(&source, &id, kind);
        }
        for replica in &cluster.read_replicas {
            let (replica, kind) = self.replica_end(r, replica, Scope::DbCluster);
            self.edge(&id, &replica, kind);
        }
        if let Some(global) = &cluster.global_cluster {
            self.add_global(global, &id);
        }
    }

    fn cluster_role(&self, r: usize, cluster: &DbCluster) -> String {
        let writer = cluster.members.iter().find(|m| m.is_writer);
        let readers = cluster.members.iter().filter(|m| !m.is_writer).count();
        let mut role = match writer {
            Some(writer) => format!("writer {}", writer.instance_identifier),
            None => "no writer".to_owned(),
        };
        role.push_str(&format!(
            " · {readers} reader{}",
            if readers == 1 { "" } else { "s" }
        ));
        if let Some(source) = &cluster.replica_source {
            role = format!("replica of {} · {role}", self.short_name(r, source));
        }
        role
    }

    /// Aurora replica auto scaling on this cluster, when the region's targets hold it.
    fn replica_scaling(&self, r: usize, cluster: &DbCluster) -> Option<String> {
        let resource = format!("cluster:{}", cluster.identifier);
        let target = listed(&self.regions[r].snapshot.scalable_targets)
            .iter()
            .find(|t| t.resource_id == resource)?;
        let bound = |b: Option<i32>| b.map_or("?".to_owned(), |b| b.to_string());
        Some(format!(
            "reader auto scaling {}–{}",
            bound(target.min_capacity),
            bound(target.max_capacity)
        ))
    }

    /// A proxy spans the subnets it was given: it sits in its VPC.
    fn add_proxy(&mut self, r: usize, proxy: &'a DbProxy) {
        let region = self.regions[r].name();
        let mut lines = vec![proxy.name.clone()];
        lines.push(match &proxy.engine_family {
            Some(family) => format!("RDS Proxy · {}", family.to_ascii_lowercase()),
            None => "RDS Proxy".to_owned(),
        });
        lines.push(
            if proxy.require_tls {
                "TLS required"
            } else {
                "TLS not required"
            }
            .to_owned(),
        );
        let place = Place {
            vpc: proxy.vpc_id.clone(),
            ..Place::default()
        };
        self.regions[r].put(
            &place,
            Node {
                id: format!("proxy:{region}:{}", proxy.name),
                kind: NodeKind::Proxy,
                lines,
                marks: Vec::new(),
            },
        );
    }

    /// The global database node, linked to this cluster and to its members in regions off
    /// this page.
    fn add_global(&mut self, global: &str, cluster: &str) {
        let global_id = format!("global:{global}");
        self.cloud.entry(global_id.clone()).or_insert_with(|| Node {
            id: global_id.clone(),
            kind: NodeKind::GlobalDatabase,
            // The API names it by identifier or, as some report it, by ARN.
            lines: vec![
                global
                    .rsplit_once("global-cluster:")
                    .map_or(global, |(_, identifier)| identifier)
                    .to_owned(),
                "Aurora global database".to_owned(),
            ],
            marks: Vec::new(),
        });
        self.edge(&global_id, cluster, EdgeKind::GlobalMember);
        let on_page: BTreeSet<&str> = self.regions.iter().map(|r| r.name()).collect();
        let snapshot = self.snapshot();
        let elsewhere: Vec<(&str, &str)> = snapshot
            .regions
            .iter()
            .filter(|r| !on_page.contains(r.region.as_str()))
            .flat_map(|r| {
                listed(&r.db_clusters)
                    .iter()
                    .filter(|c| c.global_cluster.as_deref() == Some(global))
                    .map(move |c| (r.region.as_str(), c.identifier.as_str()))
            })
            .collect();
        for (region, identifier) in elsewhere {
            let account = snapshot.account.id.as_str();
            let node = self.elsewhere(None, region, account, Scope::DbCluster, identifier);
            self.edge(&global_id, &node, EdgeKind::GlobalMember);
        }
    }

    /// The node at the other end of a replication, and the kind of replication: a database of
    /// the page (by identifier, or by ARN of one of its regions and this account), or a node
    /// for one elsewhere.
    fn replica_end(
        &mut self,
        r: usize,
        reference: &str,
        default_scope: Scope,
    ) -> (String, EdgeKind) {
        let this_region = self.regions[r].name();
        let account = self.snapshot().account.id.as_str();
        let (region, other_account, scope, identifier) = match parse_rds_arn(reference) {
            Some(arn) => (arn.region, arn.account, arn.scope, arn.identifier),
            None => (this_region, account, default_scope, reference),
        };
        let on_page = (other_account == account)
            .then(|| self.regions.iter().position(|e| e.name() == region))
            .flatten();
        let listed_there = on_page.filter(|&p| match scope {
            Scope::DbCluster => self.regions[p].clusters.contains_key(identifier),
            _ => self.regions[p].instances.contains_key(identifier),
        });
        let node = match listed_there {
            Some(_) if scope == Scope::DbCluster => cluster_id(region, identifier),
            Some(_) => instance_id(region, identifier),
            None => self.elsewhere(on_page, region, other_account, scope, identifier),
        };
        let kind = if region == this_region {
            EdgeKind::Replication
        } else {
            EdgeKind::CrossRegion
        };
        (node, kind)
    }

    /// A node for a database outside the page's listings, described from the snapshot when
    /// the snapshot holds it: in its region's box when that region is on the page (missing
    /// from the listing), else in the cloud.
    fn elsewhere(
        &mut self,
        on_page: Option<usize>,
        region: &str,
        account: &str,
        scope: Scope,
        identifier: &str,
    ) -> String {
        let kind = if scope == Scope::DbCluster {
            "cluster"
        } else {
            "db"
        };
        let id = format!("{kind}:{region}:{account}:{identifier}");
        let snapshot = self.snapshot();
        let other_account = account != snapshot.account.id;
        let mut lines = vec![identifier.to_owned()];
        let seen = snapshot
            .regions
            .iter()
            .find(|r| r.region == region && !other_account);
        lines.extend(seen.and_then(|r| {
            match scope {
                Scope::DbCluster => listed(&r.db_clusters)
                    .iter()
                    .find(|c| c.identifier == identifier)
                    .map(|c| format!("{} {}", c.engine, c.engine_version)),
                _ => listed(&r.db_instances)
                    .iter()
                    .find(|i| i.identifier == identifier)
                    .map(|i| format!("{} · {}", i.engine, i.instance_class)),
            }
        }));
        let node = |lines| Node {
            id: id.clone(),
            kind: NodeKind::Elsewhere,
            lines,
            marks: Vec::new(),
        };
        match on_page {
            Some(p) => {
                lines.push("not in this region's listing".to_owned());
                self.regions[p].put(&Place::default(), node(lines));
            }
            None => {
                lines.push(if other_account {
                    format!("account {account}, {region}")
                } else {
                    format!("in {region}")
                });
                self.cloud.entry(id.clone()).or_insert(node(lines));
            }
        }
        id
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

    /// A DMS task into one of the page's databases: its source is another of them, or a
    /// system outside AWS (any host that is not an AWS endpoint), or one in AWS off the page.
    fn add_migration(&mut self, task: &ReplicationTask) {
        let (Some(source), Some(target)) = (&task.source, &task.target) else {
            return;
        };
        let Some(to) = self.database_at(target.server.as_deref()) else {
            return;
        };
        let from = match self.database_at(source.server.as_deref()) {
            Some(from) => from,
            None => {
                let host = source.server.clone().unwrap_or_else(|| source.arn.clone());
                let id = format!("external:{host}");
                let engine = source.engine.as_deref().unwrap_or("unknown engine");
                let status = task.status.as_deref().unwrap_or("status unknown");
                let in_aws = host.ends_with(".amazonaws.com");
                let node = Node {
                    id: id.clone(),
                    kind: if in_aws {
                        NodeKind::Elsewhere
                    } else {
                        NodeKind::External
                    },
                    lines: vec![
                        host,
                        format!(
                            "{engine} · migration source{}",
                            if in_aws { "" } else { " outside AWS" }
                        ),
                        format!("DMS task {}: {status}", task.id),
                    ],
                    marks: Vec::new(),
                };
                let place = if in_aws {
                    &mut self.cloud
                } else {
                    &mut self.outside
                };
                place.entry(id.clone()).or_insert(node);
                id
            }
        };
        self.edge(&from, &to, EdgeKind::Migration);
    }

    /// The node of the page's database a host name reaches: an instance's endpoint, or a
    /// cluster's writer or reader endpoint.
    fn database_at(&self, server: Option<&str>) -> Option<String> {
        let server = server?;
        self.regions.iter().find_map(|entry| {
            let region = entry.name();
            let instance = entry
                .instances
                .values()
                .find(|i| i.endpoint.as_ref().is_some_and(|e| e.address == server));
            let cluster = entry.clusters.values().find(|c| {
                c.endpoint.as_deref() == Some(server)
                    || c.reader_endpoint.as_deref() == Some(server)
            });
            instance
                .map(|i| instance_id(region, &i.identifier))
                .or_else(|| cluster.map(|c| cluster_id(region, &c.identifier)))
        })
    }

    fn finish(self) -> (Vec<Node>, Vec<Node>, Vec<Group>, Vec<Edge>) {
        let mut edges: Vec<Edge> = self.edges.into_iter().collect();
        let mut exposed: Vec<String> = self
            .findings
            .iter()
            .filter(|((_, _, _, check), outcome)| {
                *check != MULTI_AZ_CHECK && **outcome == Outcome::Fail
            })
            .map(|((region, scope, identifier, _), _)| match scope {
                Scope::DbCluster => cluster_id(region, identifier),
                _ => instance_id(region, identifier),
            })
            .collect();
        exposed.sort();
        let mut outside: Vec<Node> = self.outside.into_values().collect();
        if !exposed.is_empty() {
            outside.push(Node {
                id: INTERNET.to_owned(),
                kind: NodeKind::Internet,
                lines: vec!["Internet".to_owned(), "0.0.0.0/0 · ::/0".to_owned()],
                marks: Vec::new(),
            });
            edges.extend(exposed.into_iter().map(|to| Edge {
                from: INTERNET.to_owned(),
                to,
                kind: EdgeKind::Internet,
            }));
            edges.sort();
        }
        let regions = self.regions.into_iter().map(RegionEntry::finish).collect();
        (outside, self.cloud.into_values().collect(), regions, edges)
    }
}

fn with_environment(role: String, environment: Environment) -> String {
    match environment {
        Environment::Production => format!("{role} · production"),
        Environment::NonProduction => format!("{role} · non-production"),
        Environment::Unknown => role,
    }
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

/// The region of any ARN (`arn:<partition>:<service>:<region>:…`).
fn parse_any_arn_region(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(5, ':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("arn"), Some(_), Some(_), Some(region)) if !region.is_empty() => Some(region),
        _ => None,
    }
}
