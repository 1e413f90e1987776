//! The region's network as the diagram draws it: which subnets to draw in the VPCs that hold
//! something, what each subnet container says (public or private by its route table, its
//! name, CIDR, default route and DB subnet groups), the VPC's own label, and the gateways its
//! route tables use.

use std::collections::{BTreeMap, BTreeSet};

use rds_evidence_controls::subnet_routing;
use rds_evidence_inventory::network::{RouteTarget, Subnet};
use rds_evidence_inventory::rds::DbSubnetGroup;
use rds_evidence_inventory::{Observed, RegionSnapshot};

use super::model::{listed, Exposure, Gateway, Group, GroupKind, Node, NodeKind};

/// A subnet to draw, with what is known of it.
pub(super) struct DrawnSubnet {
    pub id: String,
    pub vpc: String,
    pub zone: Option<String>,
}

/// The region's subnets, DB subnet groups and route tables: which subnets hold databases, and
/// what a subnet container says.
pub(super) struct SubnetIndex<'a> {
    region: &'a RegionSnapshot,
    /// Subnets of the DB subnet groups in use, with their VPC and zone as far as known.
    pub drawn: BTreeMap<String, (Option<String>, Option<String>)>,
    memberships: BTreeMap<String, BTreeSet<&'a str>>,
}

impl<'a> SubnetIndex<'a> {
    pub(super) fn new(region: &'a RegionSnapshot) -> Self {
        SubnetIndex {
            region,
            drawn: BTreeMap::new(),
            memberships: BTreeMap::new(),
        }
    }

    pub(super) fn group(&self, name: Option<&str>) -> Option<&'a DbSubnetGroup> {
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
    pub(super) fn zone<'b>(&'b self, id: &str, reported: Option<&'b str>) -> Option<&'b str> {
        self.subnet(id)
            .and_then(|s| s.availability_zone.as_deref())
            .or(reported)
    }

    pub(super) fn use_group(&mut self, group: &'a DbSubnetGroup) {
        for subnet in &group.subnets {
            let known = self.subnet(&subnet.subnet_id);
            let vpc = known
                .map(|s| s.vpc_id.clone())
                .or_else(|| group.vpc_id.clone());
            let zone = self
                .zone(&subnet.subnet_id, subnet.availability_zone.as_deref())
                .map(str::to_owned);
            self.drawn
                .entry(subnet.subnet_id.clone())
                .or_insert((vpc, zone));
            self.memberships
                .entry(subnet.subnet_id.clone())
                .or_default()
                .insert(&group.name);
        }
    }

    /// The subnets to draw in these VPCs: every subnet the EC2 listing has in them, and the
    /// DB subnet groups' subnets it does not have.
    pub(super) fn of_vpcs(&self, vpcs: &[String]) -> Vec<DrawnSubnet> {
        let mut subnets: BTreeMap<&str, DrawnSubnet> = listed(&self.region.network.subnets)
            .iter()
            .filter(|s| vpcs.contains(&s.vpc_id))
            .map(|s| {
                let drawn = DrawnSubnet {
                    id: s.id.clone(),
                    vpc: s.vpc_id.clone(),
                    zone: s.availability_zone.clone(),
                };
                (s.id.as_str(), drawn)
            })
            .collect();
        for (id, (vpc, zone)) in &self.drawn {
            if let Some(vpc) = vpc.as_ref().filter(|v| vpcs.contains(v)) {
                subnets.entry(id.as_str()).or_insert_with(|| DrawnSubnet {
                    id: id.clone(),
                    vpc: vpc.clone(),
                    zone: zone.clone(),
                });
            }
        }
        subnets.into_values().collect()
    }

    /// The gateways the VPC's route tables send traffic to: where the VPC meets the internet,
    /// other networks and AWS services.
    pub(super) fn gateways(&self, vpc: &str) -> Vec<Node> {
        let mut gateways: BTreeMap<String, Node> = BTreeMap::new();
        let routes = listed(&self.region.network.route_tables)
            .iter()
            .filter(|t| t.vpc_id == vpc)
            .flat_map(|t| t.routes.iter());
        for route in routes {
            let (kind, name, id) = match &route.target {
                RouteTarget::InternetGateway(id) => (Gateway::Internet, "Internet gateway", id),
                RouteTarget::NatGateway(id) => (Gateway::Nat, "NAT gateway", id),
                RouteTarget::VpcEndpoint(id) => (Gateway::Endpoint, "VPC endpoint", id),
                RouteTarget::TransitGateway(id) => (Gateway::Transit, "Transit gateway", id),
                RouteTarget::VpcPeering(id) => (Gateway::Peering, "VPC peering", id),
                RouteTarget::EgressOnlyInternetGateway(_)
                | RouteTarget::Local
                | RouteTarget::NetworkInterface(_)
                | RouteTarget::Other(_) => continue,
            };
            let node_id = format!("gateway:{}:{vpc}:{id}", self.region.region);
            gateways.entry(node_id.clone()).or_insert_with(|| Node {
                id: node_id,
                kind: NodeKind::Gateway(kind),
                lines: vec![name.to_owned(), id.clone()],
                marks: Vec::new(),
            });
        }
        gateways.into_values().collect()
    }

    /// A subnet's IPv4 CIDR block as numbers, for ordering; unknown blocks sort last.
    pub(super) fn address(&self, id: &str) -> Vec<u32> {
        self.subnet(id)
            .and_then(|s| s.cidr_block.as_deref())
            .map(|cidr| {
                cidr.split(['.', '/'])
                    .map(|part| part.parse().unwrap_or(u32::MAX))
                    .collect()
            })
            .unwrap_or_else(|| vec![u32::MAX])
    }

    pub(super) fn vpc_lines(&self, vpc_id: &str) -> Vec<String> {
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

    pub(super) fn subnet_group(&self, subnet_id: &str, nodes: BTreeMap<String, Node>) -> Group {
        let subnet = self.subnet(subnet_id);
        let (exposure, routing) = self.routing(subnet_id, subnet);
        let kind = match exposure {
            Exposure::Public => "Public subnet",
            Exposure::Private => "Private subnet",
            Exposure::Unknown => "Subnet, routing unknown",
        };
        let name = subnet.and_then(|s| s.tags.get("Name"));
        let mut lines = vec![match name {
            Some(name) => format!("{kind} · {}", one_line(name)),
            None => kind.to_owned(),
        }];
        let mut detail = subnet_id.to_owned();
        if let Some(cidr) = subnet.and_then(|s| s.cidr_block.as_deref()) {
            detail.push_str(" · ");
            detail.push_str(cidr);
        }
        lines.push(detail);
        lines.push(routing);
        if let Some(groups) = self.memberships.get(subnet_id) {
            let names: Vec<&str> = groups.iter().copied().collect();
            lines.push(format!("DB subnet group {}", names.join(", ")));
        }
        Group {
            id: format!("subnet:{}:{subnet_id}", self.region.region),
            kind: GroupKind::Subnet(exposure),
            lines,
            groups: Vec::new(),
            nodes: nodes.into_values().collect(),
        }
    }

    /// Public or private by the subnet's route table, and its default route in words.
    fn routing(&self, subnet_id: &str, subnet: Option<&Subnet>) -> (Exposure, String) {
        let tables = match &self.region.network.route_tables {
            Observed::Value(tables) => tables,
            Observed::Unknown(_) => return (Exposure::Unknown, "route tables not read".to_owned()),
        };
        let vpc = subnet.map(|s| s.vpc_id.as_str()).or_else(|| {
            self.drawn
                .get(subnet_id)
                .and_then(|(vpc, _)| vpc.as_deref())
        });
        let Some(routing) = subnet_routing(tables, subnet_id, vpc) else {
            return (Exposure::Unknown, "no route table found".to_owned());
        };
        let table = &routing.table.id;
        if let Some((route, gateway)) = routing.internet_route {
            let route = format!("{} → {gateway} · {table}", route.destination);
            return (Exposure::Public, route);
        }
        let default_routes: Vec<String> = routing
            .table
            .routes
            .iter()
            .filter(|r| r.active && matches!(r.destination.as_str(), "0.0.0.0/0" | "::/0"))
            .map(|r| {
                let target = match &r.target {
                    RouteTarget::NatGateway(id) => format!("{id} (NAT)"),
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
        let routes = if default_routes.is_empty() {
            "no default route".to_owned()
        } else {
            default_routes.join(", ")
        };
        (Exposure::Private, format!("{routes} · {table}"))
    }
}

/// A tag value as one label line: tags may hold line breaks and other control characters.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
