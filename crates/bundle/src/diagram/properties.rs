//! Properties of the diagrams over generated snapshots: any mix of VPCs, subnets in known and
//! unknown zones, public, private and unrouted subnets, DB subnet groups naming subnets that
//! do not exist, instances with and without VPC, zone, subnet group, standby or replica
//! source, clusters whose members are missing, replicas in other regions and accounts, global
//! databases, proxies, and any listing unreadable. Whatever the input, every page is laid out
//! (every box inside its container, containers around their children, no overlaps), every
//! listed database is drawn exactly once, and the SVG and diagrams.net files are documents.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rds_evidence_controls::evaluate;
use rds_evidence_inventory::network::{Route, RouteTable, RouteTarget, Subnet, Vpc};
use rds_evidence_inventory::rds::{ClusterMember, DbProxy, DbSubnetGroup, SubnetRef};
use rds_evidence_inventory::{FailureKind, Observed, RegionSnapshot, Unavailable};

use super::model::{self, Group, NodeKind};
use super::{diagrams, invariants, layout};
use crate::testing::Demo;

const REGIONS: [&str; 3] = ["ap-south-1", "eu-west-1", "us-east-1"];
const OTHER_ACCOUNT: &str = "999999999999";

#[derive(Debug, Clone)]
struct SubnetSpec {
    vpc: usize,
    zone: Option<usize>,
    /// Public, private with a NAT route, or left to the VPC's main table.
    routing: Option<bool>,
}

/// Another database, as a replica source names it.
#[derive(Debug, Clone)]
enum Reference {
    Instance(usize),
    Cluster(usize),
    /// A database of another region, by ARN.
    Region(usize, usize),
    OtherAccount,
}

#[derive(Debug, Clone)]
struct InstanceSpec {
    group: Option<usize>,
    vpc: Option<usize>,
    /// Zones 0–2 hold subnets; 3 holds none.
    zone: Option<usize>,
    multi_az: bool,
    secondary: Option<usize>,
    source: Option<Reference>,
    encrypted: bool,
    publicly_accessible: Option<bool>,
    production: Option<bool>,
}

#[derive(Debug, Clone)]
struct ClusterSpec {
    group: Option<usize>,
    aurora: bool,
    /// Instance indexes of this region; past the region's instances, a member not listed.
    members: Vec<(usize, bool)>,
    global: Option<usize>,
    source: Option<Reference>,
}

#[derive(Debug, Clone)]
struct RegionSpec {
    subnets: Vec<SubnetSpec>,
    /// Subnet indexes per DB subnet group; past the subnets, a subnet the listing lacks.
    groups: Vec<Vec<usize>>,
    instances: Vec<InstanceSpec>,
    clusters: Vec<ClusterSpec>,
    proxies: Vec<Option<usize>>,
    /// Instances, clusters, subnet groups, VPCs, subnets, route tables.
    unknown: [bool; 6],
}

fn reference() -> impl Strategy<Value = Reference> {
    prop_oneof![
        (0..6usize).prop_map(Reference::Instance),
        (0..3usize).prop_map(Reference::Cluster),
        (0..3usize, 0..6usize).prop_map(|(r, i)| Reference::Region(r, i)),
        Just(Reference::OtherAccount),
    ]
}

fn instance() -> impl Strategy<Value = InstanceSpec> {
    (
        (
            proptest::option::of(0..4usize),
            proptest::option::of(0..3usize),
            proptest::option::of(0..4usize),
            any::<bool>(),
            proptest::option::of(0..4usize),
        ),
        (
            proptest::option::weighted(0.3, reference()),
            any::<bool>(),
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (group, vpc, zone, multi_az, secondary),
                (source, encrypted, publicly_accessible, production),
            )| InstanceSpec {
                group,
                vpc,
                zone,
                multi_az,
                secondary,
                source,
                encrypted,
                publicly_accessible,
                production,
            },
        )
}

fn cluster() -> impl Strategy<Value = ClusterSpec> {
    (
        proptest::option::of(0..4usize),
        any::<bool>(),
        proptest::collection::vec((0..10usize, any::<bool>()), 0..4),
        proptest::option::weighted(0.3, 0..2usize),
        proptest::option::weighted(0.3, reference()),
    )
        .prop_map(|(group, aurora, members, global, source)| ClusterSpec {
            group,
            aurora,
            members,
            global,
            source,
        })
}

fn region() -> impl Strategy<Value = RegionSpec> {
    let subnet = (
        0..3usize,
        proptest::option::weighted(0.9, 0..3usize),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(vpc, zone, routing)| SubnetSpec { vpc, zone, routing });
    (
        proptest::collection::vec(subnet, 0..7),
        proptest::collection::vec(proptest::collection::vec(0..8usize, 0..4), 0..3),
        proptest::collection::vec(instance(), 0..7),
        proptest::collection::vec(cluster(), 0..3),
        proptest::collection::vec(proptest::option::of(0..3usize), 0..2),
        proptest::array::uniform6(proptest::bool::weighted(0.1)),
    )
        .prop_map(
            |(subnets, groups, instances, clusters, proxies, unknown)| RegionSpec {
                subnets,
                groups,
                instances,
                clusters,
                proxies,
                unknown,
            },
        )
}

/// A listing as read, or denied.
fn listing<T>(unreadable: bool, action: &str, value: Vec<T>) -> Observed<Vec<T>> {
    if unreadable {
        Observed::Unknown(Unavailable {
            action: action.to_owned(),
            kind: FailureKind::AccessDenied,
            message: "denied".to_owned(),
        })
    } else {
        Observed::Value(value)
    }
}

fn zone(region: &str, zone: usize) -> String {
    format!("{region}{}", ['a', 'b', 'c', 'd'][zone])
}

/// The snapshot a spec describes, built on the demo's account and database templates.
fn snapshot(specs: &[RegionSpec]) -> Demo {
    let mut demo = Demo::load();
    let account = demo.snapshot.account.id.clone();
    let templates = demo
        .snapshot
        .regions
        .iter()
        .find(|r| r.region == "us-east-1")
        .expect("the demo's us-east-1");
    let instance_template = templates.db_instances.value().expect("instances")[0].clone();
    let cluster_template = templates.db_clusters.value().expect("clusters")[0].clone();
    let arn = |region: usize, kind: &str, name: String| {
        format!("arn:aws:rds:{}:{account}:{kind}:{name}", REGIONS[region])
    };
    let source = |r: usize, reference: &Reference| match reference {
        Reference::Instance(i) => format!("db{r}-{i}"),
        Reference::Cluster(c) => arn(r, "cluster", format!("cl{r}-{c}")),
        Reference::Region(other, i) => arn(*other, "db", format!("db{other}-{i}")),
        Reference::OtherAccount => {
            format!("arn:aws:rds:us-west-2:{OTHER_ACCOUNT}:db:upstream")
        }
    };
    demo.snapshot.regions = specs
        .iter()
        .enumerate()
        .map(|(r, spec)| {
            let name = REGIONS[r];
            let mut region = RegionSnapshot::empty(name);
            let subnet_id = |i: usize| format!("subnet-{r}{i}");
            let vpc_id = |v: usize| format!("vpc-{r}{v}");
            let subnets: Vec<Subnet> = spec
                .subnets
                .iter()
                .enumerate()
                .map(|(i, s)| Subnet {
                    id: subnet_id(i),
                    vpc_id: vpc_id(s.vpc),
                    availability_zone: s.zone.map(|z| zone(name, z)),
                    cidr_block: Some(format!("10.{r}.{i}.0/24")),
                    map_public_ip_on_launch: false,
                    tags: [("Name".to_owned(), format!("net-{i}"))].into(),
                })
                .collect();
            let mut tables = Vec::new();
            for v in 0..3 {
                let routed = |public: bool| -> Vec<String> {
                    spec.subnets
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.vpc == v && s.routing == Some(public))
                        .map(|(i, _)| subnet_id(i))
                        .collect()
                };
                let table =
                    |id: String, main, subnet_ids, target: Option<RouteTarget>| RouteTable {
                        id,
                        vpc_id: vpc_id(v),
                        main,
                        subnet_ids,
                        routes: target
                            .into_iter()
                            .map(|target| Route {
                                destination: "0.0.0.0/0".to_owned(),
                                target,
                                active: true,
                            })
                            .collect(),
                    };
                tables.push(table(format!("rtb-{r}{v}-main"), true, Vec::new(), None));
                tables.push(table(
                    format!("rtb-{r}{v}-public"),
                    false,
                    routed(true),
                    Some(RouteTarget::InternetGateway(format!("igw-{r}{v}"))),
                ));
                tables.push(table(
                    format!("rtb-{r}{v}-private"),
                    false,
                    routed(false),
                    Some(RouteTarget::NatGateway(format!("nat-{r}{v}"))),
                ));
            }
            let groups: Vec<DbSubnetGroup> = spec
                .groups
                .iter()
                .enumerate()
                .map(|(g, members)| DbSubnetGroup {
                    name: format!("group-{g}"),
                    arn: None,
                    vpc_id: members
                        .first()
                        .and_then(|i| spec.subnets.get(*i))
                        .map(|s| vpc_id(s.vpc)),
                    subnets: members
                        .iter()
                        .map(|i| SubnetRef {
                            subnet_id: subnet_id(*i),
                            availability_zone: spec
                                .subnets
                                .get(*i)
                                .and_then(|s| s.zone)
                                .map(|z| zone(name, z)),
                        })
                        .collect(),
                })
                .collect();
            let mut instances: Vec<_> = spec
                .instances
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut instance = instance_template.clone();
                    instance.identifier = format!("db{r}-{i}");
                    instance.arn = arn(r, "db", instance.identifier.clone());
                    instance.subnet_group = s.group.map(|g| format!("group-{g}"));
                    instance.vpc_id = s.vpc.map(vpc_id);
                    instance.availability_zone = s.zone.map(|z| zone(name, z));
                    instance.multi_az = s.multi_az;
                    instance.secondary_availability_zone = s.secondary.map(|z| zone(name, z));
                    instance.replica_source = s.source.as_ref().map(|x| source(r, x));
                    instance.read_replicas = Vec::new();
                    instance.cluster_identifier = None;
                    instance.storage.encrypted = s.encrypted;
                    instance.publicly_accessible = s.publicly_accessible;
                    instance.tags = s
                        .production
                        .map(|p| {
                            let value = if p { "production" } else { "development" };
                            ("Environment".to_owned(), value.to_owned())
                        })
                        .into_iter()
                        .collect();
                    instance
                })
                .collect();
            let clusters = spec
                .clusters
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    let mut cluster = cluster_template.clone();
                    cluster.identifier = format!("cl{r}-{c}");
                    cluster.arn = arn(r, "cluster", cluster.identifier.clone());
                    cluster.engine = if s.aurora {
                        "aurora-postgresql"
                    } else {
                        "postgres"
                    }
                    .into();
                    cluster.subnet_group = s.group.map(|g| format!("group-{g}"));
                    cluster.members = s
                        .members
                        .iter()
                        .map(|(i, writer)| {
                            if let Some(instance) = instances.get_mut(*i) {
                                instance.cluster_identifier = Some(cluster.identifier.clone());
                            }
                            ClusterMember {
                                instance_identifier: format!("db{r}-{i}"),
                                is_writer: *writer,
                                promotion_tier: None,
                            }
                        })
                        .collect();
                    cluster.global_cluster = s.global.map(|g| format!("global-{g}"));
                    cluster.replica_source = s.source.as_ref().map(|x| source(r, x));
                    cluster.read_replicas = Vec::new();
                    cluster
                })
                .collect();
            let proxies = spec
                .proxies
                .iter()
                .enumerate()
                .map(|(p, vpc)| DbProxy {
                    name: format!("proxy-{p}"),
                    arn: None,
                    engine_family: Some("POSTGRESQL".to_owned()),
                    require_tls: p == 0,
                    vpc_id: vpc.map(vpc_id),
                    vpc_security_groups: Vec::new(),
                    vpc_subnets: Vec::new(),
                    auth: Vec::new(),
                })
                .collect();
            let vpcs = (0..3)
                .map(|v| Vpc {
                    id: vpc_id(v),
                    cidr_block: Some(format!("10.{r}.0.0/16")),
                    is_default: v == 2,
                    tags: Default::default(),
                })
                .collect();
            let [no_instances, no_clusters, no_groups, no_vpcs, no_subnets, no_tables] =
                spec.unknown;
            region.db_instances = listing(no_instances, "rds:DescribeDBInstances", instances);
            region.db_clusters = listing(no_clusters, "rds:DescribeDBClusters", clusters);
            region.db_subnet_groups = listing(no_groups, "rds:DescribeDBSubnetGroups", groups);
            region.db_proxies = Observed::Value(proxies);
            region.network.vpcs = listing(no_vpcs, "ec2:DescribeVpcs", vpcs);
            region.network.subnets = listing(no_subnets, "ec2:DescribeSubnets", subnets);
            region.network.route_tables = listing(no_tables, "ec2:DescribeRouteTables", tables);
            region
        })
        .collect();
    demo.evaluation = evaluate(&demo.snapshot, &demo.profile, &demo.attestations);
    demo
}

/// Database node ids of a model, with how often each is drawn.
fn databases(groups: &[Group], counts: &mut BTreeMap<String, usize>) {
    for group in groups {
        for node in &group.nodes {
            if matches!(node.kind, NodeKind::Instance(_) | NodeKind::Cluster { .. }) {
                *counts.entry(node.id.clone()).or_default() += 1;
            }
        }
        databases(&group.groups, counts);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn every_snapshot_is_drawn_whole(specs in proptest::collection::vec(region(), 1..=3)) {
        let demo = snapshot(&specs);
        let mut drawn = BTreeMap::new();
        for page in model::pages(&demo.snapshot) {
            let graph = model::build(demo.contents(), &page);
            let placed = layout::layout(&graph);
            if let Err(problem) = invariants::layout(&graph, &placed) {
                return Err(TestCaseError::fail(format!("{}: {problem}", graph.name)));
            }
            databases(&graph.regions, &mut drawn);
        }
        let listed: BTreeMap<String, usize> = demo
            .snapshot
            .regions
            .iter()
            .flat_map(|r| {
                let instances = r.db_instances.value().into_iter().flatten();
                let clusters = r.db_clusters.value().into_iter().flatten();
                instances
                    .map(|i| model::instance_id(&r.region, &i.identifier))
                    .chain(clusters.map(|c| model::cluster_id(&r.region, &c.identifier)))
                    .collect::<Vec<_>>()
            })
            .map(|id| (id, 1))
            .collect();
        prop_assert_eq!(drawn, listed, "every listed database drawn exactly once");
        let rendered = diagrams(demo.contents());
        for diagram in &rendered {
            invariants::well_formed_svg(&diagram.svg);
            invariants::drawio(&diagram.drawio);
        }
        prop_assert_eq!(&rendered, &diagrams(demo.contents()), "deterministic");
    }
}
