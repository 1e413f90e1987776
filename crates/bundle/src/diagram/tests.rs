use rds_evidence_controls::{checks, evaluate};
use rds_evidence_inventory::network::{RouteTable, RouteTarget};
use rds_evidence_inventory::rds::{ClusterMember, DbCluster, DbInstance};
use rds_evidence_inventory::{FailureKind, Observed, RegionSnapshot, Unavailable};

use super::model::{
    self, EdgeKind, Exposure, Gateway, Graph, Group, GroupKind, Mark, Node, NodeKind,
};
use super::*;
use crate::testing::Demo;

const EAST: &str = "us-east-1";
const DR: &str = "eu-west-1";
const ACCOUNT: &str = "000034941834";

fn region<'a>(demo: &'a Demo, name: &str) -> &'a RegionSnapshot {
    demo.snapshot
        .regions
        .iter()
        .find(|r| r.region == name)
        .expect("demo region")
}

fn region_mut<'a>(demo: &'a mut Demo, name: &str) -> &'a mut RegionSnapshot {
    demo.snapshot
        .regions
        .iter_mut()
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

/// The pages of a snapshot, as models.
fn graphs(demo: &Demo) -> Vec<Graph> {
    model::pages(&demo.snapshot)
        .iter()
        .map(|page| model::build(demo.contents(), page))
        .collect()
}

/// The one page of the demo: its regions replicate to each other.
fn page(demo: &Demo) -> Graph {
    let mut graphs = graphs(demo);
    assert_eq!(graphs.len(), 1, "one page");
    graphs.pop().unwrap()
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
    if let Some(node) = graph
        .outside
        .iter()
        .chain(&graph.cloud)
        .find(|n| n.id == id)
    {
        return Some((node, Vec::new()));
    }
    let mut path = Vec::new();
    walk(&graph.regions, id, &mut path).map(|node| (node, path))
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

fn db(region: &str, name: &str) -> String {
    model::instance_id(region, name)
}

/// Lays out every page of `demo` and checks each against the invariants and as documents.
fn drawn_whole(demo: &Demo) -> Vec<Diagram> {
    for graph in graphs(demo) {
        let placed = layout::layout(&graph);
        if let Err(problem) = invariants::layout(&graph, &placed) {
            panic!("{}: {problem}", graph.name);
        }
    }
    let diagrams = diagrams(demo.contents());
    for diagram in &diagrams {
        invariants::well_formed_svg(&diagram.svg);
        invariants::drawio(&diagram.drawio);
    }
    diagrams
}

#[test]
fn demo_dot_snapshot() {
    let demo = Demo::load();
    let diagrams = diagrams(demo.contents());
    let names: Vec<&str> = diagrams.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        ["eu-west-1+us-east-1"],
        "linked regions share a page"
    );
    assert_eq!(
        diagrams[0].regions,
        [DR, EAST],
        "the snapshot's region order"
    );
    insta::assert_snapshot!("demo_page", diagrams[0].dot);
}

#[test]
fn marked_check_ids_exist() {
    for id in [
        model::INSTANCE_REACHABILITY_CHECK,
        model::CLUSTER_REACHABILITY_CHECK,
        model::MULTI_AZ_CHECK,
    ] {
        assert!(checks::find(id).is_some(), "{id} is not a check");
    }
}

#[test]
fn aurora_cluster_links_writer_and_reader() {
    let demo = Demo::load();
    let graph = page(&demo);
    let cluster = model::cluster_id(EAST, "prod-aurora");
    assert_eq!(
        edge_kind(&graph, &cluster, &db(EAST, "prod-aurora-1")),
        Some(EdgeKind::Writer)
    );
    assert_eq!(
        edge_kind(&graph, &cluster, &db(EAST, "prod-aurora-2")),
        Some(EdgeKind::Reader)
    );
    let (node, path) = find(&graph, &cluster).expect("cluster node");
    assert_eq!(node.kind, NodeKind::Cluster { aurora: true });
    assert!(node.marks.is_empty());
    assert!(node.lines[1].starts_with("Aurora cluster · aurora-postgresql"));
    let vpc = vpc_id_named(region(&demo, EAST), "demo-vpc");
    assert_eq!(
        path,
        [format!("region:{EAST}"), format!("vpc:{EAST}:{vpc}")],
        "a cluster spans zones: it sits in its VPC"
    );
    // Members sit in the one subnet their group has in their zone.
    let private_b = subnet_id_named(region(&demo, EAST), "private-b");
    let (member, path) = find(&graph, &db(EAST, "prod-aurora-2")).expect("member");
    assert_eq!(
        path,
        [
            format!("region:{EAST}"),
            format!("vpc:{EAST}:{vpc}"),
            format!("az:{EAST}:{vpc}:us-east-1b"),
            format!("subnet:{EAST}:{private_b}"),
        ]
    );
    assert!(member.lines[2].starts_with("reader of prod-aurora"));
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
    let (_, path) = find(&page(&demo), &db(EAST, "prod-aurora-2")).expect("member");
    assert_eq!(
        path,
        [
            format!("region:{EAST}"),
            format!("vpc:{EAST}:{vpc}"),
            format!("az:{EAST}:{vpc}:us-east-1b"),
            format!("subnet:{EAST}:{private_b}"),
        ]
    );
}

#[test]
fn multi_az_instance_has_a_standby() {
    let demo = Demo::load();
    let graph = page(&demo);
    let standby_id = format!("standby:{EAST}:prod-postgres");
    assert_eq!(
        edge_kind(&graph, &db(EAST, "prod-postgres"), &standby_id),
        Some(EdgeKind::Standby)
    );
    let (standby, path) = find(&graph, &standby_id).expect("standby");
    assert_eq!(standby.kind, NodeKind::Standby);
    // moto does not report the secondary zone: the standby is in the VPC, zone unknown.
    let vpc = vpc_id_named(region(&demo, EAST), "demo-vpc");
    assert_eq!(path.last().unwrap(), &format!("vpc:{EAST}:{vpc}"));
    assert!(standby.lines.contains(&"AZ not reported".to_owned()));
    for single_az in ["dev-mysql", "dev-postgres", "prod-postgres-replica"] {
        assert!(find(&graph, &format!("standby:{EAST}:{single_az}")).is_none());
    }
    // Aurora members are not Multi-AZ instances: the cluster's readers are its failover.
    assert!(find(&graph, &format!("standby:{EAST}:prod-aurora-1")).is_none());

    let demo = changed(|demo| {
        instance_mut(demo, "prod-postgres").secondary_availability_zone =
            Some("us-east-1b".to_owned());
    });
    let graph = page(&demo);
    let (standby, path) = find(&graph, &standby_id).expect("standby");
    let private_b = subnet_id_named(region(&demo, EAST), "private-b");
    assert_eq!(path.last().unwrap(), &format!("subnet:{EAST}:{private_b}"));
    assert!(standby.lines.contains(&"in us-east-1b".to_owned()));
}

#[test]
fn replicas_across_regions_are_drawn_in_their_own_region() {
    let demo = Demo::load();
    let graph = page(&demo);
    assert_eq!(
        edge_kind(
            &graph,
            &db(EAST, "prod-postgres"),
            &db(EAST, "prod-postgres-replica")
        ),
        Some(EdgeKind::Replication)
    );
    let replica = db(DR, "prod-postgres-dr");
    assert_eq!(
        edge_kind(&graph, &db(EAST, "prod-postgres"), &replica),
        Some(EdgeKind::CrossRegion)
    );
    let (node, path) = find(&graph, &replica).expect("the DR replica");
    assert_eq!(node.kind, NodeKind::Instance(model::Engine::Postgres));
    assert_eq!(path[0], format!("region:{DR}"));
    assert!(path.last().unwrap().starts_with(&format!("subnet:{DR}:")));
    assert_eq!(
        node.lines[2],
        "read replica of prod-postgres (us-east-1) · production"
    );
    // Nothing is drawn twice, and no stand-in remains for a database the page holds.
    assert!(graph.cloud.iter().all(|n| n.kind != NodeKind::Elsewhere));
}

#[test]
fn unlinked_regions_get_pages_of_their_own() {
    let demo = changed(|demo| {
        let dr = region_mut(demo, DR);
        let Observed::Value(instances) = &mut dr.db_instances else {
            panic!("demo instances are known");
        };
        instances[0].replica_source = None;
        let east = region_mut(demo, EAST);
        let Observed::Value(instances) = &mut east.db_instances else {
            panic!("demo instances are known");
        };
        for instance in instances.iter_mut() {
            instance
                .read_replicas
                .retain(|r| !r.starts_with("arn:aws:rds:eu-west-1"));
        }
        let Observed::Value(clusters) = &mut east.db_clusters else {
            panic!("demo clusters are known");
        };
        clusters[0].global_cluster = None;
    });
    let names: Vec<String> = diagrams(demo.contents())
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, [DR, EAST]);
}

#[test]
fn failures_are_marked_on_the_resource() {
    let demo = Demo::load();
    let graph = page(&demo);
    assert_eq!(internet_targets(&graph), [db(EAST, "dev-mysql")]);
    assert_eq!(graph.outside.len(), 1, "the internet, outside the cloud");
    let (node, _) = find(&graph, &db(EAST, "dev-mysql")).unwrap();
    assert_eq!(node.marks, [Mark::PublicPath, Mark::Unencrypted]);
    // dev-postgres is single-AZ, but not production: the check's failure is not a mark.
    let (dev, _) = find(&graph, &db(EAST, "dev-postgres")).unwrap();
    assert!(dev.marks.is_empty(), "{:?}", dev.marks);

    let demo = changed(|demo| {
        instance_mut(demo, "dev-postgres")
            .tags
            .insert("Environment".to_owned(), "production".to_owned());
        instance_mut(demo, "prod-postgres-replica").publicly_accessible = Some(true);
    });
    let graph = page(&demo);
    let (node, _) = find(&graph, &db(EAST, "dev-postgres")).unwrap();
    assert_eq!(node.marks, [Mark::SingleAzProduction]);
    assert!(node.lines[2].ends_with("· production"));
    // The flag alone, in private subnets behind a restricted security group, is no path.
    assert_eq!(internet_targets(&graph), [db(EAST, "dev-mysql")]);
    let (node, _) = find(&graph, &db(EAST, "prod-postgres-replica")).unwrap();
    assert!(node
        .lines
        .contains(&"public flag on, no open path".to_owned()));
    let diagram = diagrams(demo.contents()).pop().unwrap();
    for text in [
        "OPEN PATH FROM THE INTERNET",
        "SINGLE-AZ PRODUCTION",
        "NOT ENCRYPTED AT REST",
    ] {
        assert!(
            diagram.svg.contains(text) && diagram.drawio.contains(text),
            "{text}"
        );
    }
}

#[test]
fn subnets_are_public_only_with_an_internet_gateway_route() {
    let demo = Demo::load();
    let graph = page(&demo);
    let east = region(&demo, EAST);
    let subnet = |id: &str| find_group(&graph.regions, &format!("subnet:{EAST}:{id}")).expect(id);

    let private_a_id = subnet_id_named(east, "private-a");
    let private_table = route_table_of(east, &private_a_id);
    let Some(RouteTarget::NatGateway(nat)) = default_route(private_table) else {
        panic!("private-a's default route goes to a NAT gateway");
    };
    let private_a = subnet(&private_a_id);
    assert_eq!(private_a.kind, GroupKind::Subnet(Exposure::Private));
    assert_eq!(
        private_a.lines,
        [
            "Private subnet · private-a".to_owned(),
            format!("{private_a_id} · 10.0.10.0/24"),
            format!("0.0.0.0/0 → {nat} (NAT) · {}", private_table.id),
            "DB subnet group private-db-subnets".to_owned(),
        ]
    );

    let public_a_id = subnet_id_named(east, "public-a");
    let public_table = route_table_of(east, &public_a_id);
    let Some(RouteTarget::InternetGateway(igw)) = default_route(public_table) else {
        panic!("public-a's default route goes to an internet gateway");
    };
    let public_a = subnet(&public_a_id);
    assert_eq!(public_a.kind, GroupKind::Subnet(Exposure::Public));
    assert_eq!(
        public_a.lines[2],
        format!("0.0.0.0/0 → {igw} · {}", public_table.id)
    );
    // Every subnet of the VPC is drawn, empty or not: private-c hosts nothing.
    assert!(subnet(&subnet_id_named(east, "private-c")).nodes.is_empty());
    // The gateways the route tables use sit in the VPC.
    let vpc = vpc_id_named(east, "demo-vpc");
    let vpc = find_group(&graph.regions, &format!("vpc:{EAST}:{vpc}")).unwrap();
    let gateways: Vec<(NodeKind, &str)> = vpc
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Gateway(_)))
        .map(|n| (n.kind, n.lines[1].as_str()))
        .collect();
    assert_eq!(
        gateways,
        [
            (NodeKind::Gateway(Gateway::Internet), igw.as_str()),
            (NodeKind::Gateway(Gateway::Nat), nat.as_str())
        ]
    );

    // The DR VPC's subnets use its main table, which has no default route.
    let dr = region(&demo, DR);
    let dr_a_id = subnet_id_named(dr, "dr-private-a");
    let dr_table = route_table_of(dr, &dr_a_id);
    assert!(
        dr_table.main && dr_table.subnet_ids.is_empty(),
        "main table"
    );
    assert_eq!(default_route(dr_table), None);
    let dr_a = find_group(&graph.regions, &format!("subnet:{DR}:{dr_a_id}")).unwrap();
    assert_eq!(dr_a.kind, GroupKind::Subnet(Exposure::Private));
    assert_eq!(dr_a.lines[2], format!("no default route · {}", dr_table.id));
}

#[test]
fn public_subnets_are_drawn_above_private_ones() {
    let demo = Demo::load();
    let graph = page(&demo);
    let placed = layout::layout(&graph);
    let east = region(&demo, EAST);
    let top = |name: &str| {
        let id = format!("subnet:{EAST}:{}", subnet_id_named(east, name));
        placed
            .boxes()
            .into_iter()
            .find(|b| b.id() == id)
            .unwrap_or_else(|| panic!("{id} placed"))
            .rect
    };
    let (public_a, public_b) = (top("public-a"), top("public-b"));
    let (private_a, private_b, private_c) = (top("private-a"), top("private-b"), top("private-c"));
    assert!(public_a.bottom() <= private_a.y && public_b.bottom() <= private_b.y);
    // Rows line up across zones, whatever each zone holds.
    assert_eq!(public_a.y, public_b.y);
    assert_eq!(private_a.y, private_b.y);
    assert_eq!(private_b.y, private_c.y);
    // Zones are columns, left to right.
    assert!(private_a.right() <= private_b.x && private_b.right() <= private_c.x);
}

#[test]
fn unreadable_listings_become_notes_and_unknown_routing() {
    let demo = changed(|demo| {
        region_mut(demo, EAST).network.route_tables = Observed::Unknown(Unavailable {
            action: "ec2:DescribeRouteTables".to_owned(),
            kind: FailureKind::AccessDenied,
            message: "not authorized".to_owned(),
        });
    });
    let graph = page(&demo);
    assert_eq!(
        graph.notes,
        [
            "us-east-1: route tables could not be read (ec2:DescribeRouteTables access denied: \
             not authorized)"
        ]
    );
    let public_a = subnet_id_named(region(&demo, EAST), "public-a");
    let subnet = find_group(&graph.regions, &format!("subnet:{EAST}:{public_a}")).unwrap();
    assert_eq!(subnet.kind, GroupKind::Subnet(Exposure::Unknown));
    // The evaluation cannot prove the path any more, and the diagram says so.
    assert!(internet_targets(&graph).is_empty());
    let (node, _) = find(&graph, &db(EAST, "dev-mysql")).unwrap();
    assert!(node
        .lines
        .contains(&"internet exposure not ruled out".to_owned()));
    let diagram = drawn_whole(&demo).pop().unwrap();
    assert!(diagram
        .dot
        .contains("incomplete: us-east-1: route tables could not be read"));
    assert!(diagram
        .svg
        .contains("Incomplete: us-east-1: route tables could not be read"));
}

#[test]
fn regions_without_databases_have_no_diagram() {
    let demo = changed(|demo| {
        demo.snapshot
            .regions
            .push(RegionSnapshot::empty("ap-southeast-2"));
        region_mut(demo, DR).db_instances = Observed::Value(Vec::new());
    });
    let names: Vec<String> = diagrams(demo.contents())
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, [EAST]);
}

#[test]
fn documents_are_well_formed_and_name_every_database() {
    let demo = Demo::load();
    for diagram in drawn_whole(&demo) {
        let svg = &diagram.svg;
        for region in demo
            .snapshot
            .regions
            .iter()
            .filter(|r| diagram.regions.contains(&r.region))
        {
            let instances = region.db_instances.value().unwrap().iter();
            let clusters = region.db_clusters.value().unwrap().iter();
            for name in instances
                .map(|i| &i.identifier)
                .chain(clusters.map(|c| &c.identifier))
            {
                assert!(svg.contains(&format!(">{name}<")), "{name} missing");
                assert!(diagram
                    .drawio
                    .contains(&format!("&lt;b&gt;{name}&lt;/b&gt;")));
            }
        }
        // Ids are scoped to the page so that diagrams can share an HTML page.
        let prefix = format!("rds-diagram-{}", diagram.name.replace('+', "-"));
        for (i, _) in svg.match_indices(" id=\"") {
            assert!(svg[i + 5..].starts_with(&prefix), "unscoped id");
        }
        assert!(!svg.contains("<style") && !svg.contains("<?xml"));
    }
}

#[test]
fn the_drawio_file_nests_every_database_in_its_subnet() {
    let demo = Demo::load();
    let diagram = diagrams(demo.contents()).pop().unwrap();
    let cells = invariants::drawio(&diagram.drawio);
    let east = region(&demo, EAST);
    let parent = |id: &str| cells[id].parent.clone().unwrap();
    let private_b = subnet_id_named(east, "private-b");
    assert_eq!(
        parent(&db(EAST, "prod-aurora-2")),
        format!("subnet:{EAST}:{private_b}")
    );
    assert!(cells[&db(EAST, "prod-aurora-2")]
        .style
        .contains("shape=mxgraph.aws4.aurora_instance;"));
    let subnet = &cells[&format!("subnet:{EAST}:{private_b}")];
    assert!(subnet
        .style
        .contains("grIcon=mxgraph.aws4.group_security_group;"));
    assert!(subnet.value.contains("Private subnet"));
    let zone = parent(&format!("subnet:{EAST}:{private_b}"));
    let vpc = parent(&zone);
    assert!(cells[&vpc]
        .style
        .contains("grIcon=mxgraph.aws4.group_vpc2;"));
    let region_cell = parent(&vpc);
    assert!(cells[&region_cell]
        .style
        .contains("grIcon=mxgraph.aws4.group_region;"));
    assert_eq!(parent(&region_cell), "cloud");
    assert!(cells["cloud"].style.contains("group_aws_cloud_alt"));
    // Edges join cells, so they follow a moved resource.
    let writer = cells
        .values()
        .find(|c| c.target.as_deref() == Some(db(EAST, "prod-aurora-1").as_str()))
        .expect("the writer edge");
    assert_eq!(
        writer.source.as_deref(),
        Some(model::cluster_id(EAST, "prod-aurora").as_str())
    );
}

#[test]
fn hostile_names_stay_text() {
    let vpc = vpc_id_named(region(&Demo::load(), EAST), "demo-vpc");
    let demo = changed(|demo| {
        let Observed::Value(vpcs) = &mut region_mut(demo, EAST).network.vpcs else {
            panic!("demo VPCs are known");
        };
        let demo_vpc = vpcs.iter_mut().find(|v| v.id == vpc).expect("demo-vpc");
        demo_vpc.tags.insert(
            "Name".to_owned(),
            "a \"quoted\" <b>&amp; \\N\nname".to_owned(),
        );
    });
    let diagram = drawn_whole(&demo).pop().unwrap();
    assert!(diagram
        .svg
        .contains("VPC a &quot;quoted&quot; &lt;b&gt;&amp;amp; \\N name"));
    let label = format!(r#"label="VPC a \"quoted\" <b>&amp; \\N name\n{vpc}"#);
    assert!(diagram.dot.contains(&label), "{label}");
    // Escaped for HTML, then for XML: diagrams.net shows the text, never markup.
    assert!(diagram
        .drawio
        .contains("VPC a &amp;quot;quoted&amp;quot; &amp;lt;b&amp;gt;&amp;amp;amp; \\N name"));
}

#[test]
fn rendering_is_deterministic() {
    let demo = Demo::load();
    assert_eq!(diagrams(demo.contents()), diagrams(demo.contents()));
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
            instances.push(like(&format!("plain-{n:04}"), &|i| {
                i.availability_zone = Some(["us-east-1a", "us-east-1b"][n % 2].into());
                if n % 3 == 0 {
                    i.replica_source = Some(format!("plain-{:04}", n / 3));
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
    let diagrams = drawn_whole(&demo);
    assert_eq!(diagrams, super::diagrams(demo.contents()));
    let graph = page(&demo);
    for name in ["classic", "lost-group", "loop-a", "plain-0019"] {
        assert!(find(&graph, &db(EAST, name)).is_some(), "{name} missing");
    }
    assert_eq!(
        find(&graph, &db(EAST, "classic")).unwrap().1,
        [format!("region:{EAST}")],
        "no VPC: in the region"
    );
    let (_, path) = find(&graph, &db(EAST, "two-in-a-zone")).unwrap();
    assert_eq!(path.len(), 3, "zone known, subnet ambiguous: {path:?}");
    let loops = graph
        .edges
        .iter()
        .filter(|e| e.from.contains(":loop-") && e.to.contains(":loop-"))
        .count();
    assert_eq!(loops, 1, "one edge per linked pair");
    assert!(graph.edges.iter().all(|e| e.from != e.to));
    assert_eq!(
        find(&graph, "db:us-west-2:999999999999:other")
            .unwrap()
            .0
            .lines,
        ["other", "account 999999999999, us-west-2"]
    );
    assert_eq!(
        edge_kind(
            &graph,
            "global:world",
            &model::cluster_id(EAST, "global-east")
        ),
        Some(EdgeKind::GlobalMember)
    );
    assert_eq!(
        edge_kind(
            &graph,
            "global:world",
            &model::cluster_id(DR, "global-west")
        ),
        Some(EdgeKind::GlobalMember),
        "the global database's other region is on the same page"
    );
    assert_eq!(
        find(&graph, &db(EAST, "not-listed")).unwrap().0.kind,
        NodeKind::Elsewhere
    );
}

#[test]
fn large_estates_are_laid_out_whole() {
    let demo = odd_estate(2100);
    let diagram = drawn_whole(&demo).pop().unwrap();
    assert!(diagram.svg.contains(">plain-2099<"));
    assert!(diagram
        .dot
        .contains(&format!("\"{}\"", db(EAST, "plain-2099"))));
    assert!(diagram.drawio.contains("plain-2099"));
}

/// The estate that made layout-rs panic on a real account: an Aurora cluster whose three
/// members are missing from the instance listing (as when `DescribeDBInstances` is denied),
/// and a replica cluster of it in another region.
#[test]
fn a_cluster_without_its_members_and_a_cross_region_replica_cluster_are_drawn() {
    let demo = changed(|demo| {
        let denied = Observed::Unknown(Unavailable {
            action: "rds:DescribeDBInstances".to_owned(),
            kind: FailureKind::AccessDenied,
            message: "not authorized".to_owned(),
        });
        let east = region_mut(demo, EAST);
        east.db_instances = denied.clone();
        let Observed::Value(clusters) = &mut east.db_clusters else {
            panic!("demo clusters are known");
        };
        let primary: &mut DbCluster = &mut clusters[0];
        primary.global_cluster = None;
        primary.members = (1..=3)
            .map(|n| ClusterMember {
                instance_identifier: format!("orders-{n}"),
                is_writer: n == 1,
                promotion_tier: Some(1),
            })
            .collect();
        primary.read_replicas = vec![format!("arn:aws:rds:{DR}:{ACCOUNT}:cluster:orders-replica")];
        let mut replica = primary.clone();
        replica.identifier = "orders-replica".to_owned();
        replica.arn = format!("arn:aws:rds:{DR}:{ACCOUNT}:cluster:orders-replica");
        replica.read_replicas.clear();
        replica.members.clear();
        replica.subnet_group = Some("dr-db-subnets".to_owned());
        replica.replica_source = Some(primary.arn.clone());
        let dr = region_mut(demo, DR);
        dr.db_instances = denied;
        dr.db_clusters = Observed::Value(vec![replica]);
    });
    let diagram = drawn_whole(&demo).pop().unwrap();
    assert_eq!(diagram.regions, [DR, EAST]);
    let graph = page(&demo);
    for n in 1..=3 {
        let (member, path) = find(&graph, &db(EAST, &format!("orders-{n}"))).unwrap();
        assert_eq!(member.kind, NodeKind::Elsewhere);
        assert!(member
            .lines
            .contains(&"not in the instance listing".to_owned()));
        assert!(
            path[1].starts_with(&format!("vpc:{EAST}:")),
            "in the cluster's VPC"
        );
    }
    let replica = model::cluster_id(DR, "orders-replica");
    assert_eq!(
        edge_kind(&graph, &model::cluster_id(EAST, "prod-aurora"), &replica),
        Some(EdgeKind::CrossRegion)
    );
    assert_eq!(find(&graph, &replica).unwrap().1[0], format!("region:{DR}"));
    assert!(diagram.svg.contains(">orders-replica<") && diagram.svg.contains(">orders-3<"));
    assert_eq!(
        graph.notes,
        [
            "eu-west-1: DB instances could not be read (rds:DescribeDBInstances access denied: \
             not authorized)",
            "us-east-1: DB instances could not be read (rds:DescribeDBInstances access denied: \
             not authorized)",
        ]
    );
}

/// A DMS task draws where the data came from: a system outside AWS, or another database.
#[test]
fn migrations_come_from_outside_aws_or_from_another_database() {
    use rds_evidence_inventory::activity::{MigrationEndpoint, ReplicationTask};
    let endpoint = |server: &str, engine: &str| {
        Some(MigrationEndpoint {
            arn: format!("arn:aws:dms:us-east-1:{ACCOUNT}:endpoint:{engine}"),
            engine: Some(engine.to_owned()),
            server: Some(server.to_owned()),
        })
    };
    let demo = changed(|demo| {
        let east = region_mut(demo, EAST);
        let address = |name: &str| {
            east.db_instances
                .value()
                .unwrap()
                .iter()
                .find(|i| i.identifier == name)
                .unwrap()
                .endpoint
                .as_ref()
                .unwrap()
                .address
                .clone()
        };
        let task = |id: &str, source, target| ReplicationTask {
            id: id.to_owned(),
            arn: format!("arn:aws:dms:us-east-1:{ACCOUNT}:task:{id}"),
            status: Some("stopped".to_owned()),
            migration_type: Some("full-load-and-cdc".to_owned()),
            source,
            target,
            last_failure: None,
        };
        let tasks = vec![
            task(
                "from-oracle",
                endpoint("erp.corp.example.com", "oracle"),
                endpoint(&address("prod-postgres"), "postgres"),
            ),
            task(
                "dev-refresh",
                endpoint(&address("prod-postgres"), "postgres"),
                endpoint(&address("dev-postgres"), "postgres"),
            ),
            task(
                "elsewhere",
                endpoint("erp.corp.example.com", "oracle"),
                endpoint("unknown.example.com", "postgres"),
            ),
        ];
        east.replication_tasks = Observed::Value(tasks);
    });
    let graph = page(&demo);
    let source = "external:erp.corp.example.com";
    let (node, path) = find(&graph, source).expect("the migration's source");
    assert!(path.is_empty() && graph.outside.iter().any(|n| n.id == source));
    assert_eq!(node.kind, NodeKind::External);
    assert_eq!(node.lines[1], "oracle · migration source outside AWS");
    assert_eq!(
        edge_kind(&graph, source, &db(EAST, "prod-postgres")),
        Some(EdgeKind::Migration)
    );
    assert_eq!(
        edge_kind(
            &graph,
            &db(EAST, "prod-postgres"),
            &db(EAST, "dev-postgres")
        ),
        Some(EdgeKind::Migration)
    );
    // A target that is none of the page's databases draws nothing.
    assert_eq!(
        graph
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Migration)
            .count(),
        2
    );
    let diagram = drawn_whole(&demo).pop().unwrap();
    assert!(diagram
        .drawio
        .contains("shape=mxgraph.aws4.traditional_server;"));
}
