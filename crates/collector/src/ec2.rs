//! EC2: the network of the VPCs that host databases. Every describe is filtered to those VPCs,
//! so an account's other networks cost nothing.

use aws_sdk_ec2::types as sdk;
use aws_sdk_ec2::types::Filter;
use aws_sdk_ec2::Client;
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::BTreeSet;

use rds_evidence_inventory::network::{
    FlowLog, NaclEntry, NetworkAcl, Peer, PortRange, PrefixList, Route, RouteTable, RouteTarget,
    SecurityGroup, SecurityGroupRule, Subnet, Vpc,
};
use rds_evidence_inventory::rds::Tags;
use rds_evidence_inventory::{Network, Observed, Unavailable};

use crate::convert::owned;
use crate::failure::unavailable;
use crate::pages::drain;

/// The account's regions: those enabled, and the opt-in regions it has not enabled.
pub(crate) async fn regions(client: &Client) -> Result<(Vec<String>, Vec<String>), Unavailable> {
    let out = client
        .describe_regions()
        .all_regions(true)
        .send()
        .await
        .map_err(|e| unavailable("ec2:DescribeRegions", &e))?;
    let (mut enabled, mut disabled) = (Vec::new(), Vec::new());
    for region in out.regions() {
        let Some(name) = owned(region.region_name()) else {
            continue;
        };
        match region.opt_in_status() {
            Some("not-opted-in") => disabled.push(name),
            _ => enabled.push(name),
        }
    }
    enabled.sort();
    disabled.sort();
    Ok((enabled, disabled))
}

/// Everything about `vpc_ids` that reachability and segregation checks need, read with one
/// paginated call per resource type.
pub(crate) async fn network(client: &Client, vpc_ids: Vec<String>) -> Network {
    if vpc_ids.is_empty() {
        return Network::empty();
    }
    let by_vpc = || {
        Filter::builder()
            .name("vpc-id")
            .set_values(Some(vpc_ids.clone()))
            .build()
    };
    let (vpcs, subnets, route_tables, network_acls, security_groups, flow_logs) = tokio::join!(
        async {
            let pages = client
                .describe_vpcs()
                .filters(by_vpc())
                .max_results(1000)
                .into_paginator()
                .items()
                .send();
            listed(pages, "ec2:DescribeVpcs", vpc).await
        },
        async {
            let pages = client
                .describe_subnets()
                .filters(by_vpc())
                .max_results(1000)
                .into_paginator()
                .items()
                .send();
            listed(pages, "ec2:DescribeSubnets", subnet).await
        },
        async {
            let pages = client
                .describe_route_tables()
                .filters(by_vpc())
                .max_results(100)
                .into_paginator()
                .items()
                .send();
            listed(pages, "ec2:DescribeRouteTables", route_table).await
        },
        async {
            let pages = client
                .describe_network_acls()
                .filters(by_vpc())
                .max_results(100)
                .into_paginator()
                .items()
                .send();
            listed(pages, "ec2:DescribeNetworkAcls", network_acl).await
        },
        async {
            let pages = client
                .describe_security_groups()
                .filters(by_vpc())
                .max_results(1000)
                .into_paginator()
                .items()
                .send();
            listed(pages, "ec2:DescribeSecurityGroups", security_group).await
        },
        async {
            let by_resource = Filter::builder()
                .name("resource-id")
                .set_values(Some(vpc_ids.clone()))
                .build();
            let pages = client
                .describe_flow_logs()
                .filter(by_resource)
                .max_results(1000)
                .into_paginator()
                .items()
                .send();
            listed(pages, "ec2:DescribeFlowLogs", flow_log).await
        },
    );
    let prefix_lists = prefix_lists(client, &security_groups).await;
    Network {
        vpcs,
        subnets,
        route_tables,
        network_acls,
        security_groups,
        flow_logs,
        prefix_lists,
    }
}

/// The entries of each managed prefix list the security groups' inbound rules name, each list
/// read once: a rule naming a list admits whatever the list holds.
async fn prefix_lists(
    client: &Client,
    security_groups: &Observed<Vec<SecurityGroup>>,
) -> Vec<PrefixList> {
    let ids: BTreeSet<&str> = security_groups
        .value()
        .into_iter()
        .flatten()
        .flat_map(|group| &group.ingress)
        .filter_map(|rule| match &rule.peer {
            Peer::PrefixList(id) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    futures::future::join_all(ids.into_iter().map(|id| async move {
        let pages = client
            .get_managed_prefix_list_entries()
            .prefix_list_id(id)
            .max_results(100)
            .into_paginator()
            .items()
            .send();
        PrefixList {
            id: id.to_owned(),
            entries: listed(
                pages,
                "ec2:GetManagedPrefixListEntries",
                |entry: &sdk::PrefixListEntry| entry.cidr().unwrap_or_default().to_owned(),
            )
            .await,
        }
    }))
    .await
}

async fn listed<S, T, E>(
    items: PaginationStream<Result<S, SdkError<E, Response>>>,
    action: &str,
    convert: impl Fn(&S) -> T,
) -> Observed<Vec<T>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    drain(items, action)
        .await
        .map(|items| items.iter().map(convert).collect())
        .into()
}

fn tags(list: &[sdk::Tag]) -> Tags {
    list.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

fn vpc(v: &sdk::Vpc) -> Vpc {
    Vpc {
        id: v.vpc_id().unwrap_or_default().to_owned(),
        cidr_block: owned(v.cidr_block()),
        is_default: v.is_default().unwrap_or(false),
        tags: tags(v.tags()),
    }
}

fn subnet(s: &sdk::Subnet) -> Subnet {
    Subnet {
        id: s.subnet_id().unwrap_or_default().to_owned(),
        vpc_id: s.vpc_id().unwrap_or_default().to_owned(),
        availability_zone: owned(s.availability_zone()),
        cidr_block: owned(s.cidr_block()),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
        tags: tags(s.tags()),
    }
}

fn route_table(t: &sdk::RouteTable) -> RouteTable {
    RouteTable {
        id: t.route_table_id().unwrap_or_default().to_owned(),
        vpc_id: t.vpc_id().unwrap_or_default().to_owned(),
        main: t.associations().iter().any(|a| a.main().unwrap_or(false)),
        subnet_ids: t
            .associations()
            .iter()
            .filter_map(|a| owned(a.subnet_id()))
            .collect(),
        routes: t.routes().iter().map(route).collect(),
    }
}

fn route(r: &sdk::Route) -> Route {
    let destination = r
        .destination_cidr_block()
        .or(r.destination_ipv6_cidr_block())
        .or(r.destination_prefix_list_id())
        .unwrap_or_default()
        .to_owned();
    Route {
        destination,
        target: route_target(r),
        active: r.state() != Some(&sdk::RouteState::Blackhole),
    }
}

fn route_target(r: &sdk::Route) -> RouteTarget {
    if let Some(id) = r.nat_gateway_id() {
        return RouteTarget::NatGateway(id.to_owned());
    }
    if let Some(id) = r.egress_only_internet_gateway_id() {
        return RouteTarget::EgressOnlyInternetGateway(id.to_owned());
    }
    if let Some(id) = r.transit_gateway_id() {
        return RouteTarget::TransitGateway(id.to_owned());
    }
    if let Some(id) = r.vpc_peering_connection_id() {
        return RouteTarget::VpcPeering(id.to_owned());
    }
    match r.gateway_id() {
        Some("local") => RouteTarget::Local,
        Some(id) if id.starts_with("igw-") => RouteTarget::InternetGateway(id.to_owned()),
        Some(id) if id.starts_with("vpce-") => RouteTarget::VpcEndpoint(id.to_owned()),
        Some(id) => RouteTarget::Other(id.to_owned()),
        None => match r.network_interface_id() {
            Some(id) => RouteTarget::NetworkInterface(id.to_owned()),
            None => RouteTarget::Other(r.instance_id().unwrap_or_default().to_owned()),
        },
    }
}

fn network_acl(n: &sdk::NetworkAcl) -> NetworkAcl {
    NetworkAcl {
        id: n.network_acl_id().unwrap_or_default().to_owned(),
        vpc_id: n.vpc_id().unwrap_or_default().to_owned(),
        is_default: n.is_default().unwrap_or(false),
        subnet_ids: n
            .associations()
            .iter()
            .filter_map(|a| owned(a.subnet_id()))
            .collect(),
        entries: n
            .entries()
            .iter()
            .map(|e| NaclEntry {
                rule_number: e.rule_number().unwrap_or_default(),
                egress: e.egress().unwrap_or(false),
                allow: e.rule_action() == Some(&sdk::RuleAction::Allow),
                protocol: e.protocol().unwrap_or("-1").to_owned(),
                cidr_block: owned(e.cidr_block()),
                ipv6_cidr_block: owned(e.ipv6_cidr_block()),
                port_range: e.port_range().and_then(|p| {
                    Some(PortRange {
                        from: p.from()?,
                        to: p.to()?,
                    })
                }),
            })
            .collect(),
    }
}

fn security_group(g: &sdk::SecurityGroup) -> SecurityGroup {
    SecurityGroup {
        id: g.group_id().unwrap_or_default().to_owned(),
        name: g.group_name().unwrap_or_default().to_owned(),
        vpc_id: owned(g.vpc_id()),
        description: owned(g.description()),
        ingress: g.ip_permissions().iter().flat_map(rules).collect(),
        egress: g.ip_permissions_egress().iter().flat_map(rules).collect(),
        tags: tags(g.tags()),
    }
}

/// One rule per peer of a grouped permission.
fn rules(p: &sdk::IpPermission) -> Vec<SecurityGroupRule> {
    let protocol = p.ip_protocol().unwrap_or("-1").to_owned();
    let ports = match (protocol.as_str(), p.from_port(), p.to_port()) {
        ("-1", _, _) => None,
        (_, Some(from), Some(to)) if from >= 0 && to >= 0 => Some(PortRange { from, to }),
        _ => None,
    };
    let rule = |peer: Peer, description: Option<&str>| SecurityGroupRule {
        protocol: protocol.clone(),
        ports,
        peer,
        description: owned(description),
    };
    let v4 = p.ip_ranges().iter().filter_map(|r| {
        Some(rule(
            Peer::Ipv4Cidr(r.cidr_ip()?.to_owned()),
            r.description(),
        ))
    });
    let v6 = p.ipv6_ranges().iter().filter_map(|r| {
        Some(rule(
            Peer::Ipv6Cidr(r.cidr_ipv6()?.to_owned()),
            r.description(),
        ))
    });
    let groups = p.user_id_group_pairs().iter().filter_map(|g| {
        Some(rule(
            Peer::SecurityGroup(g.group_id()?.to_owned()),
            g.description(),
        ))
    });
    let prefix_lists = p.prefix_list_ids().iter().filter_map(|l| {
        Some(rule(
            Peer::PrefixList(l.prefix_list_id()?.to_owned()),
            l.description(),
        ))
    });
    v4.chain(v6).chain(groups).chain(prefix_lists).collect()
}

fn flow_log(f: &sdk::FlowLog) -> FlowLog {
    FlowLog {
        id: f.flow_log_id().unwrap_or_default().to_owned(),
        resource_id: owned(f.resource_id()),
        traffic_type: f.traffic_type().map(|t| t.as_str().to_owned()),
        destination_type: f.log_destination_type().map(|t| t.as_str().to_owned()),
        destination: owned(f.log_destination()),
        status: owned(f.flow_log_status()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_targets_tell_internet_gateways_from_nat() {
        let to = |build: fn(sdk::builders::RouteBuilder) -> sdk::builders::RouteBuilder| {
            route_target(&build(sdk::Route::builder().destination_cidr_block("0.0.0.0/0")).build())
        };
        assert_eq!(
            to(|r| r.gateway_id("igw-1")),
            RouteTarget::InternetGateway("igw-1".into())
        );
        assert_eq!(
            to(|r| r.nat_gateway_id("nat-1")),
            RouteTarget::NatGateway("nat-1".into())
        );
        assert_eq!(to(|r| r.gateway_id("local")), RouteTarget::Local);
        assert_eq!(
            to(|r| r.gateway_id("vpce-1")),
            RouteTarget::VpcEndpoint("vpce-1".into())
        );
        assert_eq!(
            to(|r| r.egress_only_internet_gateway_id("eigw-1")),
            RouteTarget::EgressOnlyInternetGateway("eigw-1".into())
        );
    }

    #[test]
    fn blackhole_routes_are_inactive() {
        let r = route(
            &sdk::Route::builder()
                .destination_cidr_block("0.0.0.0/0")
                .gateway_id("igw-1")
                .state(sdk::RouteState::Blackhole)
                .build(),
        );
        assert!(!r.active);
    }

    #[test]
    fn grouped_permissions_become_one_rule_per_peer() {
        let permission = sdk::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(5432)
            .to_port(5432)
            .ip_ranges(sdk::IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .ipv6_ranges(sdk::Ipv6Range::builder().cidr_ipv6("::/0").build())
            .user_id_group_pairs(sdk::UserIdGroupPair::builder().group_id("sg-app").build())
            .build();
        let rules = rules(&permission);
        let peers: Vec<_> = rules.iter().map(|r| r.peer.clone()).collect();
        assert_eq!(
            peers,
            [
                Peer::Ipv4Cidr("0.0.0.0/0".into()),
                Peer::Ipv6Cidr("::/0".into()),
                Peer::SecurityGroup("sg-app".into())
            ]
        );
        assert!(rules.iter().all(|r| r.ports
            == Some(PortRange {
                from: 5432,
                to: 5432
            })));
    }

    #[test]
    fn all_traffic_rules_cover_every_port() {
        let permission = sdk::IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(sdk::IpRange::builder().cidr_ip("10.0.0.0/8").build())
            .build();
        let rule = &rules(&permission)[0];
        assert_eq!(rule.ports, None);
        assert!(rule.allows_tcp_port(3306));
    }

    #[test]
    fn nacl_entries_keep_action_direction_and_ports() {
        let acl = network_acl(
            &sdk::NetworkAcl::builder()
                .network_acl_id("acl-1")
                .vpc_id("vpc-1")
                .associations(
                    sdk::NetworkAclAssociation::builder()
                        .subnet_id("subnet-1")
                        .build(),
                )
                .entries(
                    sdk::NetworkAclEntry::builder()
                        .rule_number(100)
                        .egress(false)
                        .protocol("6")
                        .rule_action(sdk::RuleAction::Allow)
                        .cidr_block("10.0.0.0/16")
                        .port_range(sdk::PortRange::builder().from(5432).to(5432).build())
                        .build(),
                )
                .build(),
        );
        assert_eq!(acl.subnet_ids, ["subnet-1"]);
        let entry = &acl.entries[0];
        assert!(entry.allow && !entry.egress);
        assert_eq!(
            entry.port_range,
            Some(PortRange {
                from: 5432,
                to: 5432
            })
        );
    }
}
