use rds_evidence_controls::{checks, evaluate};
use rds_evidence_inventory::network::{RouteTable, RouteTarget};
use rds_evidence_inventory::rds::DbInstance;
use rds_evidence_inventory::{FailureKind, Observed, RegionSnapshot, Unavailable};

use super::model::{self, EdgeKind, Exposure, Graph, Group, GroupKind, Node, NodeKind};
use super::*;
use crate::testing::Demo;

const EAST: &str = "us-east-1";
const DR: &str = "eu-west-1";

fn region<'a>(demo: &'a Demo, name: &str) -> &'a RegionSnapshot {
    demo.snapshot
        .regions
        .iter()
        .find(|r| r.region == name)
        .expect("demo region")
}

/// The id of the region's VPC whose Name tag is `name` (the estate script names them).
fn vpc_id_named(region: &RegionSnapshot, name: &str) -> String {
    let vpcs = region.network.vpcs.value().expect("demo VPCs are known");
    let mut named = vpcs
        .iter()
        .filter(|v| v.tags.get("Name").map(String::as_str) == Some(name));
    let vpc = named
        .next()
        .unwrap_or_else(|| panic!("no VPC named {name}"));
    assert!(named.next().is_none(), "two VPCs named {name}");
    vpc.id.clone()
}

/// The id of the region's subnet whose Name tag is `name`.
fn subnet_id_named(region: &RegionSnapshot, name: &str) -> String {
    let subnets = region
        .network
        .subnets
        .value()
        .expect("demo subnets are known");
    let mut named = subnets
        .iter()
        .filter(|s| s.tags.get("Name").map(String::as_str) == Some(name));
    let subnet = named
        .next()
        .unwrap_or_else(|| panic!("no subnet named {name}"));
    assert!(named.next().is_none(), "two subnets named {name}");
    subnet.id.clone()
}

/// The route table serving a subnet: the one associated with it, else its VPC's main table.
fn route_table_of<'a>(region: &'a RegionSnapshot, subnet_id: &str) -> &'a RouteTable {
    let subnets = region
        .network
        .subnets
        .value()
        .expect("demo subnets are known");
    let vpc_id = &subnets
        .iter()
        .find(|s| s.id == subnet_id)
        .expect("demo subnet")
        .vpc_id;
    let tables = region
        .network
        .route_tables
        .value()
        .expect("demo route tables are known");
    tables
        .iter()
        .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id))
        .or_else(|| tables.iter().find(|t| t.main && &t.vpc_id == vpc_id))
        .unwrap_or_else(|| panic!("no route table for {subnet_id}"))
}

/// The target of a route table's IPv4 default route, if it has one.
fn default_route(table: &RouteTable) -> Option<&RouteTarget> {
    table
        .routes
        .iter()
        .find(|r| r.destination == "0.0.0.0/0")
        .map(|r| &r.target)
}

fn graph(demo: &Demo, name: &str) -> Graph {
    model::build(demo.contents(), region(demo, name))
}

/// The demo with its snapshot changed, evaluated again.
fn changed(change: impl FnOnce(&mut Demo)) -> Demo {
    let mut demo = Demo::load();
    change(&mut demo);
    demo.evaluation = evaluate(&demo.snapshot, &demo.profile, &demo.attestations);
    demo
}

fn instance_mut<'a>(demo: &'a mut Demo, name: &str) -> &'a mut DbInstance {
    demo.snapshot
        .regions
        .iter_mut()
        .flat_map(|r| match &mut r.db_instances {
            Observed::Value(instances) => instances.iter_mut(),
            Observed::Unknown(_) => [].iter_mut(),
        })
        .find(|i| i.identifier == name)
        .expect("demo instance")
}

/// A node and the ids of the groups it sits in, outermost first.
fn find<'g>(graph: &'g Graph, id: &str) -> Option<(&'g Node, Vec<String>)> {
    fn walk<'g>(groups: &'g [Group], id: &str, path: &mut Vec<String>) -> Option<&'g Node> {
        for group in groups {
            path.push(group.id.clone());
            if let Some(node) = group.nodes.iter().find(|n| n.id == id) {
                return Some(node);
            }
            if let Some(node) = walk(&group.groups, id, path) {
                return Some(node);
            }
            path.pop();
        }
        None
    }
    if let Some(node) = graph.nodes.iter().find(|n| n.id == id) {
        return Some((node, Vec::new()));
    }
    let mut path = Vec::new();
    walk(&graph.groups, id, &mut path).map(|node| (node, path))
}

fn find_group<'g>(groups: &'g [Group], id: &str) -> Option<&'g Group> {
    groups.iter().find_map(|g| {
        (g.id == id)
            .then_some(g)
            .or_else(|| find_group(&g.groups, id))
    })
}

fn edge_kind(graph: &Graph, from: &str, to: &str) -> Option<EdgeKind> {
    graph
        .edges
        .iter()
        .find(|e| e.from == from && e.to == to)
        .map(|e| e.kind)
}

fn internet_targets(graph: &Graph) -> Vec<&str> {
    graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Internet)
        .map(|e| e.to.as_str())
        .collect()
}

#[test]
fn demo_dot_snapshots() {
    let demo = Demo::load();
    let diagrams = diagrams(demo.contents());
    let regions: Vec<&str> = diagrams.iter().map(|d| d.region.as_str()).collect();
    assert_eq!(regions, [DR, EAST], "the snapshot's region order");
    for diagram in &diagrams {
        insta::assert_snapshot!(format!("demo_{}", diagram.region), diagram.dot);
    }
}

#[test]
fn reachability_check_ids_exist() {
    for id in [
        model::INSTANCE_REACHABILITY_CHECK,
        model::CLUSTER_REACHABILITY_CHECK,
    ] {
        assert!(checks::find(id).is_some(), "{id} is not a check");
    }
}

#[test]
fn aurora_cluster_links_writer_and_reader() {
    let demo = Demo::load();
    let graph = graph(&demo, EAST);
    let cluster = "cluster:prod-aurora";
    assert_eq!(
        edge_kind(&graph, cluster, "db:prod-aurora-1"),
        Some(EdgeKind::Writer)
    );
    assert_eq!(
        edge_kind(&graph, cluster, "db:prod-aurora-2"),
        Some(EdgeKind::Reader)
    );
    let (node, path) = find(&graph, cluster).expect("cluster node");
    assert!(matches!(
        node.kind,
        NodeKind::Cluster {
            encrypted: true,
            exposed: false
        }
    ));
    assert!(node.lines[1].starts_with("Aurora cluster · aurora-postgresql"));
    let vpc = vpc_id_named(region(&demo, EAST), "demo-vpc");
    assert_eq!(path, [format!("vpc:{vpc}")], "a cluster spans zones");
    // Members sit in the one subnet their group has in their zone.
    let private_b = subnet_id_named(region(&demo, EAST), "private-b");
    let (_, path) = find(&graph, "db:prod-aurora-2").expect("member");
    assert_eq!(
        path,
        [
            format!("vpc:{vpc}"),
            format!("az:{vpc}:us-east-1b"),
            format!("subnet:{private_b}"),
        ]
    );
}

/// A member that reports no DB subnet group nor VPC (as the emulator answers) is drawn in its
/// cluster's subnets all the same.
#[test]
fn a_member_without_a_subnet_group_sits_in_its_clusters_subnets() {
    let demo = changed(|demo| {
        let member = instance_mut(demo, "prod-aurora-2");
        member.subnet_group = None;
        member.vpc_id = None;
    });
    let vpc = vpc_id_named(region(&demo, EAST), "demo-vpc");
    let private_b = subnet_id_named(region(&demo, EAST), "private-b");
    let (_, path) = find(&graph(&demo, EAST), "db:prod-aurora-2").expect("member");
    assert_eq!(
        path,
        [
            format!("vpc:{vpc}"),
            format!("az:{vpc}:us-east-1b"),
            format!("subnet:{private_b}"),
        ]
    );
}

#[test]
fn multi_az_instance_has_a_standby() {
    let demo = Demo::load();
    let graph = graph(&demo, EAST);
    assert_eq!(
        edge_kind(&graph, "db:prod-postgres", "standby:prod-postgres"),
        Some(EdgeKind::Standby)
    );
    let (standby, path) = find(&graph, "standby:prod-postgres").expect("standby");
    assert_eq!(standby.kind, NodeKind::Standby);
    // moto does not report the secondary zone: the standby is in the VPC, zone unknown.
    let vpc = vpc_id_named(region(&demo, EAST), "demo-vpc");
    assert_eq!(path, [format!("vpc:{vpc}")]);
    assert!(standby.lines.contains(&"AZ not reported".to_owned()));
    for single_az in ["dev-mysql", "dev-postgres", "prod-postgres-replica"] {
        assert!(find(&graph, &format!("standby:{single_az}")).is_none());
    }
    // Aurora members are not Multi-AZ instances: the cluster's readers are its failover.
    assert!(find(&graph, "standby:prod-aurora-1").is_none());

    let demo = changed(|demo| {
        instance_mut(demo, "prod-postgres").secondary_availability_zone =
            Some("us-east-1b".to_owned());
    });
    let graph = model::build(demo.contents(), region(&demo, EAST));
    let (standby, path) = find(&graph, "standby:prod-postgres").expect("standby");
    let private_b = subnet_id_named(region(&demo, EAST), "private-b");
    assert_eq!(path.last().unwrap(), &format!("subnet:{private_b}"));
    assert!(standby.lines.contains(&"in us-east-1b".to_owned()));
}

#[test]
fn read_replicas_within_and_across_regions() {
    let demo = Demo::load();
    let east = graph(&demo, EAST);
    assert_eq!(
        edge_kind(&east, "db:prod-postgres", "db:prod-postgres-replica"),
        Some(EdgeKind::Replication)
    );
    let remote = format!("db:{DR}:000034941834:prod-postgres-dr");
    assert_eq!(
        edge_kind(&east, "db:prod-postgres", &remote),
        Some(EdgeKind::CrossRegion)
    );
    let (node, path) = find(&east, &remote).expect("node for the DR replica");
    assert_eq!(node.kind, NodeKind::Elsewhere);
    assert!(path.is_empty());
    assert_eq!(
        node.lines,
        [
            "prod-postgres-dr",
            "postgres · db.m6g.large",
            "in eu-west-1"
        ]
    );

    let dr = graph(&demo, DR);
    let source = format!("db:{EAST}:000034941834:prod-postgres");
    assert_eq!(
        edge_kind(&dr, &source, "db:prod-postgres-dr"),
        Some(EdgeKind::CrossRegion)
    );
    assert_eq!(find(&dr, &source).unwrap().0.lines[2], "in us-east-1");
}

#[test]
fn internet_edge_only_where_the_evaluation_found_an_open_path() {
    let demo = Demo::load();
    let east = graph(&demo, EAST);
    assert_eq!(internet_targets(&east), ["db:dev-mysql"]);
    let (node, _) = find(&east, "db:dev-mysql").unwrap();
    assert_eq!(
        node.kind,
        NodeKind::Database {
            encrypted: false,
            exposed: true
        }
    );
    assert!(node
        .lines
        .contains(&"REACHABLE FROM THE INTERNET".to_owned()));
    assert!(node.lines.contains(&"[NOT ENCRYPTED]".to_owned()));
    assert!(internet_targets(&graph(&demo, DR)).is_empty());
    assert!(find(&graph(&demo, DR), model::INTERNET).is_none());

    // The flag alone, in private subnets behind a restricted security group, is no path.
    let demo = changed(|demo| {
        instance_mut(demo, "prod-postgres-replica").publicly_accessible = Some(true);
    });
    let east = model::build(demo.contents(), region(&demo, EAST));
    assert_eq!(internet_targets(&east), ["db:dev-mysql"]);
    let (node, _) = find(&east, "db:prod-postgres-replica").unwrap();
    assert!(node
        .lines
        .contains(&"public flag on, no open path".to_owned()));
}

#[test]
fn subnets_are_public_only_with_an_internet_gateway_route() {
    let demo = Demo::load();
    let east = graph(&demo, EAST);
    let east_region = region(&demo, EAST);
    let subnet = |id: &str| find_group(&east.groups, &format!("subnet:{id}")).expect(id);

    let private_a_id = subnet_id_named(east_region, "private-a");
    let private_table = route_table_of(east_region, &private_a_id);
    assert!(private_table.subnet_ids.contains(&private_a_id), "explicit");
    let Some(RouteTarget::NatGateway(nat)) = default_route(private_table) else {
        panic!("private-a's default route goes to a NAT gateway");
    };
    let private_a = subnet(&private_a_id);
    assert_eq!(private_a.kind, GroupKind::Subnet(Exposure::Private));
    assert_eq!(
        private_a.lines,
        [
            "private-a · private subnet".to_owned(),
            format!("{private_a_id} · 10.0.10.0/24"),
            format!("0.0.0.0/0 → {nat} (NAT, outbound only)"),
            format!("route table {}", private_table.id),
            "DB subnet group private-db-subnets".to_owned(),
        ]
    );

    let public_a_id = subnet_id_named(east_region, "public-a");
    let public_table = route_table_of(east_region, &public_a_id);
    assert!(public_table.subnet_ids.contains(&public_a_id), "explicit");
    let Some(RouteTarget::InternetGateway(igw)) = default_route(public_table) else {
        panic!("public-a's default route goes to an internet gateway");
    };
    let public_a = subnet(&public_a_id);
    assert_eq!(public_a.kind, GroupKind::Subnet(Exposure::Public));
    assert_eq!(
        public_a.lines[2],
        format!("0.0.0.0/0 → {igw} (internet gateway)")
    );
    // Every subnet of a used DB subnet group is drawn, empty or not: private-c hosts nothing.
    assert!(subnet(&subnet_id_named(east_region, "private-c"))
        .nodes
        .is_empty());

    // The DR VPC's subnets use its main table, which has no default route.
    let dr_region = region(&demo, DR);
    let dr_a_id = subnet_id_named(dr_region, "dr-private-a");
    let dr_table = route_table_of(dr_region, &dr_a_id);
    assert!(
        dr_table.main && dr_table.subnet_ids.is_empty(),
        "main table"
    );
    assert_eq!(default_route(dr_table), None);
    let dr = graph(&demo, DR);
    let dr_a = find_group(&dr.groups, &format!("subnet:{dr_a_id}")).unwrap();
    assert_eq!(dr_a.kind, GroupKind::Subnet(Exposure::Private));
    assert_eq!(
        dr_a.lines[2..4],
        [
            "no default route".to_owned(),
            format!("route table {}", dr_table.id)
        ]
    );
}

#[test]
fn unreadable_listings_become_notes_and_unknown_routing() {
    let demo = changed(|demo| {
        let east = demo
            .snapshot
            .regions
            .iter_mut()
            .find(|r| r.region == EAST)
            .unwrap();
        east.network.route_tables = Observed::Unknown(Unavailable {
            action: "ec2:DescribeRouteTables".to_owned(),
            kind: FailureKind::AccessDenied,
            message: "not authorized".to_owned(),
        });
    });
    let east = model::build(demo.contents(), region(&demo, EAST));
    assert_eq!(
        east.notes,
        ["route tables could not be read (ec2:DescribeRouteTables access denied: not authorized)"]
    );
    let public_a = subnet_id_named(region(&demo, EAST), "public-a");
    let subnet = find_group(&east.groups, &format!("subnet:{public_a}")).unwrap();
    assert_eq!(subnet.kind, GroupKind::Subnet(Exposure::Unknown));
    // The evaluation cannot prove the path any more, and the diagram says so.
    assert!(internet_targets(&east).is_empty());
    let (node, _) = find(&east, "db:dev-mysql").unwrap();
    assert!(node
        .lines
        .contains(&"internet exposure not ruled out".to_owned()));
    let diagram = diagrams(demo.contents())
        .into_iter()
        .find(|d| d.region == EAST)
        .unwrap();
    assert!(diagram
        .dot
        .contains("incomplete: route tables could not be read"));
    assert!(diagram
        .svg
        .contains("Incomplete: route tables could not be read"));
}

#[test]
fn regions_without_databases_have_no_diagram() {
    let demo = changed(|demo| {
        demo.snapshot
            .regions
            .push(RegionSnapshot::empty("ap-southeast-2"));
        let dr = demo
            .snapshot
            .regions
            .iter_mut()
            .find(|r| r.region == DR)
            .unwrap();
        dr.db_instances = Observed::Value(Vec::new());
    });
    let regions: Vec<String> = diagrams(demo.contents())
        .into_iter()
        .map(|d| d.region)
        .collect();
    assert_eq!(regions, [EAST]);
}

/// Checks that `svg` is one well-formed element tree whose text holds no markup characters.
fn assert_well_formed(svg: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    let mut open: Vec<&str> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "stray '>' in {text:?}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "bare '&' in {text:?}"
            );
        }
        let end = rest[start..].find('>').expect("unterminated tag") + start;
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "'<' inside tag {tag:?}");
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in {tag:?}"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().expect("tag name"));
        }
        if open.is_empty() {
            assert!(rest[end + 1..].trim().is_empty(), "content after </svg>");
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed {open:?}");
}

fn view_box(svg: &str) -> (f64, f64) {
    let start = svg.find("viewBox=\"0 0 ").expect("viewBox") + "viewBox=\"0 0 ".len();
    let mut numbers = svg[start..]
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .map(|n| n.parse::<f64>().expect("number"));
    (numbers.next().unwrap(), numbers.next().unwrap())
}

#[test]
fn svg_is_well_formed_and_names_every_database() {
    let demo = Demo::load();
    for diagram in diagrams(demo.contents()) {
        let svg = &diagram.svg;
        assert_well_formed(svg);
        let (width, height) = view_box(svg);
        assert!(width > 400.0 && height > 200.0, "{width}×{height}");
        assert!(svg.contains(&format!("width=\"{width}\" height=\"{height}\"")));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(!svg.contains("could not be laid out"), "fell back");
        let region = region(&demo, &diagram.region);
        let instances = region.db_instances.value().unwrap().iter();
        for name in instances.map(|i| &i.identifier) {
            assert!(svg.contains(&format!(">{name}<")), "{name} missing");
        }
        for cluster in region.db_clusters.value().unwrap() {
            assert!(svg.contains(&format!(">{}<", cluster.identifier)));
        }
        // Ids are scoped to the region so that diagrams can share an HTML page.
        let prefix = format!("rds-diagram-{}", diagram.region);
        for (i, _) in svg.match_indices(" id=\"") {
            assert!(svg[i + 5..].starts_with(&prefix), "unscoped id");
        }
        assert!(!svg.contains("<style") && !svg.contains("<?xml"));
    }
}

#[test]
fn hostile_names_stay_text() {
    let vpc = vpc_id_named(region(&Demo::load(), EAST), "demo-vpc");
    let demo = changed(|demo| {
        let east = demo
            .snapshot
            .regions
            .iter_mut()
            .find(|r| r.region == EAST)
            .unwrap();
        let Observed::Value(vpcs) = &mut east.network.vpcs else {
            panic!("demo VPCs are known");
        };
        let demo_vpc = vpcs.iter_mut().find(|v| v.id == vpc).expect("demo-vpc");
        demo_vpc.tags.insert(
            "Name".to_owned(),
            "a \"quoted\" <b>&amp; \\N\nname".to_owned(),
        );
    });
    let diagram = diagrams(demo.contents())
        .into_iter()
        .find(|d| d.region == EAST)
        .unwrap();
    assert_well_formed(&diagram.svg);
    assert!(diagram
        .svg
        .contains("VPC a &quot;quoted&quot; &lt;b&gt;&amp;amp; \\N name"));
    let label = format!(r#"label="VPC a \"quoted\" <b>&amp; \\N name\n{vpc}"#);
    assert!(diagram.dot.contains(&label), "{label}");
}

#[test]
fn fallback_points_at_the_dot_source() {
    let demo = Demo::load();
    let graph = graph(&demo, EAST);
    let svg = svg::fallback(
        &graph,
        "rds-diagram-us-east-1",
        "This diagram could not be laid out.",
    );
    assert_well_formed(&svg);
    assert!(svg.contains("could not be laid out"));
    assert!(svg.contains("diagrams/us-east-1.dot"));
    assert!(svg.contains("prod-aurora"));
}

#[test]
fn rendering_is_deterministic() {
    let demo = Demo::load();
    assert_eq!(diagrams(demo.contents()), diagrams(demo.contents()));
}

fn region_mut<'a>(demo: &'a mut Demo, name: &str) -> &'a mut RegionSnapshot {
    demo.snapshot
        .regions
        .iter_mut()
        .find(|r| r.region == name)
        .expect("demo region")
}

/// The demo's us-east-1 with shapes real accounts have: replication loops, databases without
/// a VPC or subnet group, two subnets in one zone, a member missing from the instance listing,
/// replicas in other accounts, a global database across regions, and many plain instances.
fn odd_estate(plain_instances: usize) -> Demo {
    changed(|demo| {
        let east = region_mut(demo, EAST);
        let Observed::Value(instances) = &mut east.db_instances else {
            panic!("demo instances are known");
        };
        let template = instances
            .iter()
            .find(|i| i.identifier == "dev-postgres")
            .unwrap()
            .clone();
        let like = |name: &str, change: &dyn Fn(&mut DbInstance)| {
            let mut instance = template.clone();
            instance.identifier = name.to_owned();
            change(&mut instance);
            instance
        };
        instances.extend([
            like("loop-a", &|i| {
                i.replica_source = Some("loop-b".into());
                i.read_replicas = vec!["loop-b".into()];
            }),
            like("loop-b", &|i| {
                i.replica_source = Some("loop-a".into());
                i.read_replicas = vec!["loop-a".into()];
            }),
            like("self-replica", &|i| {
                i.replica_source = Some("self-replica".into())
            }),
            like("classic", &|i| {
                i.vpc_id = None;
                i.subnet_group = None;
                i.availability_zone = None;
            }),
            like("lost-group", &|i| i.subnet_group = Some("gone".into())),
            like("two-in-a-zone", &|i| i.subnet_group = Some("wide".into())),
            like("cross-account", &|i| {
                i.read_replicas = vec!["arn:aws:rds:us-west-2:999999999999:db:other".into()];
                i.replica_source = Some("arn:aws:rds:us-east-1:999999999999:db:upstream".into());
            }),
            like("odd-standby", &|i| {
                i.multi_az = true;
                i.secondary_availability_zone = Some("us-east-1z".into());
            }),
        ]);
        for n in 0..plain_instances {
            instances.push(like(&format!("plain-{n:03}"), &|i| {
                i.availability_zone = Some(["us-east-1a", "us-east-1b"][n % 2].into());
                if n % 3 == 0 {
                    i.replica_source = Some(format!("plain-{:03}", n / 3));
                }
            }));
        }
        let Observed::Value(groups) = &mut east.db_subnet_groups else {
            panic!("demo subnet groups are known");
        };
        let mut wide = groups[0].clone();
        wide.name = "wide".into();
        wide.subnets.extend(groups[1].subnets.clone());
        groups.push(wide);
        let Observed::Value(clusters) = &mut east.db_clusters else {
            panic!("demo clusters are known");
        };
        let mut global = clusters[0].clone();
        global.identifier = "global-east".into();
        global.global_cluster = Some("world".into());
        global.members[1].instance_identifier = "not-listed".into();
        clusters.push(global.clone());
        let dr = region_mut(demo, DR);
        global.identifier = "global-west".into();
        global.members.clear();
        dr.db_clusters = Observed::Value(vec![global]);
    })
}

#[test]
fn odd_estates_are_drawn_whole() {
    let demo = odd_estate(20);
    let diagrams = diagrams(demo.contents());
    for diagram in &diagrams {
        assert_well_formed(&diagram.svg);
        assert!(!diagram.svg.contains("could not be laid out"), "fell back");
    }
    assert_eq!(diagrams, super::diagrams(demo.contents()));
    let east = graph(&demo, EAST);
    for id in ["db:classic", "db:lost-group", "db:loop-a", "db:plain-019"] {
        assert!(find(&east, id).is_some(), "{id} missing");
    }
    assert!(find(&east, "db:classic").unwrap().1.is_empty(), "no VPC");
    let (_, path) = find(&east, "db:two-in-a-zone").unwrap();
    assert_eq!(path.len(), 2, "zone known, subnet ambiguous: {path:?}");
    let loops = east
        .edges
        .iter()
        .filter(|e| e.from.starts_with("db:loop-") && e.to.starts_with("db:loop-"))
        .count();
    assert_eq!(loops, 1, "one edge per linked pair");
    assert!(east.edges.iter().all(|e| e.from != e.to));
    assert_eq!(
        find(&east, "db:us-west-2:999999999999:other")
            .unwrap()
            .0
            .lines,
        ["other", "account 999999999999, us-west-2"]
    );
    assert_eq!(
        edge_kind(&east, "global:world", "cluster:global-east"),
        Some(EdgeKind::GlobalMember)
    );
    assert_eq!(
        edge_kind(
            &east,
            "global:world",
            "cluster:eu-west-1:000034941834:global-west"
        ),
        Some(EdgeKind::GlobalMember)
    );
    assert_eq!(
        find(&east, "db:not-listed").unwrap().0.kind,
        NodeKind::Elsewhere
    );
}

#[test]
fn large_estates_are_laid_out_or_listed() {
    let large = odd_estate(150);
    let east = diagrams(large.contents()).pop().unwrap();
    assert_eq!(east.region, EAST);
    assert_well_formed(&east.svg);
    assert!(
        east.svg.contains(">plain-149<"),
        "laid out without crossing minimisation"
    );

    let huge = odd_estate(2100);
    let east = diagrams(huge.contents()).pop().unwrap();
    assert_well_formed(&east.svg);
    assert!(east.svg.contains("too many to lay out here"));
    assert!(east.svg.contains("plain-2099"), "the databases are listed");
    assert!(east.dot.contains("\"db:plain-2099\""), "the DOT is whole");
}
