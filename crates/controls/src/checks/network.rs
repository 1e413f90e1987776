//! Network exposure of databases: reachability from the internet, NACLs, default security groups, flow logs.

use rds_evidence_inventory::network::{
    NaclEntry, NetworkAcl, Peer, Route, RouteTable, RouteTarget, SecurityGroup,
};
use rds_evidence_inventory::rds::DbSubnetGroup;
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{cluster_resource, instance_resource, judge_each};
use crate::internet::{Block, Internet};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &INSTANCE_NOT_PUBLICLY_REACHABLE,
    &CLUSTER_NOT_PUBLICLY_REACHABLE,
    &NACL_DB_PORT_RESTRICTED,
    &DEFAULT_SECURITY_GROUP_UNUSED,
    &VPC_FLOW_LOGS_ENABLED,
];

check! {
    /// A DB instance cannot be reached from the internet.
    ///
    /// Public means three things at once: the publicly-accessible flag is on, a security group of
    /// the instance admits TCP on the database port from the internet, and a subnet of its DB
    /// subnet group has a default route to an internet gateway. A NAT route is not public, and
    /// neither is the flag alone. Aurora members are judged here, each on its own flag; a
    /// member that reports no DB subnet group is placed in its cluster's.
    ///
    /// "The internet" is not only `0.0.0.0/0` and `::/0`: a rule's CIDR block counts when it
    /// contains public (neither private nor reserved) addresses and its prefix is no longer
    /// than the profile's threshold (`/8` for IPv4, `/16` for IPv6 by default), so
    /// `0.0.0.0/1` and `128.0.0.0/1` count and an office's `/32` does not. A rule naming a
    /// managed prefix list counts when one of the list's entries does; entries that could not
    /// be read leave the ingress unknown.
    pub static INSTANCE_NOT_PUBLICLY_REACHABLE = Check {
        id: "rds.instance.not_publicly_reachable",
        title: "DB instance is not reachable from the internet",
        rationale: "A database with a public address, an internet-facing security group rule on \
                    its port and a route to an internet gateway can be probed and brute-forced \
                    by anyone; databases belong behind the application tier.",
        remediation: "Turn off PubliclyAccessible (modify-db-instance --no-publicly-accessible), \
                      remove 0.0.0.0/0 and ::/0 ingress on the database port from its security \
                      groups, and place it in a DB subnet group of private subnets.",
        severity: Severity::Critical,
        scope: Scope::DbInstance,
        evaluate: instance_not_publicly_reachable,
    };
}

fn instance_not_publicly_reachable(ctx: &Context) -> Vec<Finding> {
    let check = &INSTANCE_NOT_PUBLICLY_REACHABLE;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let legs = [
                flag_leg(instance.publicly_accessible),
                ingress_leg(
                    &Internet::new(ctx.thresholds),
                    region,
                    &instance.vpc_security_groups,
                    instance.port,
                ),
                route_leg(
                    region,
                    region.subnet_group_of(instance),
                    instance.vpc_id.as_deref(),
                ),
            ];
            Some(
                reachability(check, instance_resource(region, instance), legs)
                    .with("publicly_accessible", instance.publicly_accessible)
                    .with("port", instance.port),
            )
        },
    )
}

check! {
    /// A Multi-AZ DB cluster cannot be reached from the internet.
    ///
    /// Same three conditions as `rds.instance.not_publicly_reachable`, on the cluster's own
    /// flag, with the same reading of "the internet" (wide blocks of public addresses and
    /// managed prefix lists holding one).
    /// Aurora clusters carry no flag of their own: their members are judged one by one.
    pub static CLUSTER_NOT_PUBLICLY_REACHABLE = Check {
        id: "rds.cluster.not_publicly_reachable",
        title: "Multi-AZ DB cluster is not reachable from the internet",
        rationale: "A Multi-AZ DB cluster's publicly-accessible setting applies to all its \
                    instances; with an open security group and an internet route, every one of \
                    them can be probed from the internet.",
        remediation: "Turn off PubliclyAccessible on the cluster, remove 0.0.0.0/0 and ::/0 \
                      ingress on the database port, and use a DB subnet group of private subnets.",
        severity: Severity::Critical,
        scope: Scope::DbCluster,
        evaluate: cluster_not_publicly_reachable,
    };
}

fn cluster_not_publicly_reachable(ctx: &Context) -> Vec<Finding> {
    let check = &CLUSTER_NOT_PUBLICLY_REACHABLE;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            if cluster.engine.starts_with("aurora") {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::NotApplicable,
                    "Aurora cluster: each member instance is judged on its own flag",
                ));
            }
            let legs = [
                flag_leg(cluster.publicly_accessible),
                ingress_leg(
                    &Internet::new(ctx.thresholds),
                    region,
                    &cluster.vpc_security_groups,
                    cluster.port,
                ),
                route_leg(region, cluster.subnet_group.as_deref(), None),
            ];
            Some(
                reachability(check, resource, legs)
                    .with("publicly_accessible", cluster.publicly_accessible)
                    .with("port", cluster.port),
            )
        },
    )
}

/// One of the three conditions of public reachability.
enum Leg {
    Holds(String),
    Absent(String),
    Unknown(String),
}

fn reachability(check: &Check, resource: Resource, legs: [Leg; 3]) -> Finding {
    let texts: Vec<&str> = legs
        .iter()
        .map(|leg| match leg {
            Leg::Holds(t) | Leg::Absent(t) | Leg::Unknown(t) => t.as_str(),
        })
        .collect();
    let finding = if let Some(Leg::Absent(why)) = legs.iter().find(|l| matches!(l, Leg::Absent(_)))
    {
        Finding::new(
            check,
            resource,
            Outcome::Pass,
            format!("not publicly reachable: {why}"),
        )
    } else if legs.iter().all(|l| matches!(l, Leg::Holds(_))) {
        Finding::new(
            check,
            resource,
            Outcome::Fail,
            format!("publicly reachable: {}", texts.join("; ")),
        )
    } else {
        let unknown: Vec<&str> = legs
            .iter()
            .filter_map(|l| match l {
                Leg::Unknown(why) => Some(why.as_str()),
                _ => None,
            })
            .collect();
        Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            format!(
                "cannot rule out public reachability: {}",
                unknown.join("; ")
            ),
        )
    };
    finding
        .with("flag", texts[0])
        .with("ingress", texts[1])
        .with("route", texts[2])
}

fn flag_leg(publicly_accessible: Option<bool>) -> Leg {
    match publicly_accessible {
        Some(true) => Leg::Holds("the publicly-accessible flag is on".to_owned()),
        Some(false) => Leg::Absent("the publicly-accessible flag is off".to_owned()),
        None => Leg::Unknown("the publicly-accessible flag was not reported".to_owned()),
    }
}

fn ingress_leg(
    internet: &Internet,
    region: &RegionSnapshot,
    group_ids: &[String],
    port: Option<i32>,
) -> Leg {
    let Some(port) = port else {
        return Leg::Unknown("the database port was not reported".to_owned());
    };
    if let Err(why) = known(&region.network.security_groups) {
        return Leg::Unknown(why);
    }
    if group_ids.is_empty() {
        return Leg::Unknown("the API reported no VPC security group".to_owned());
    }
    let mut unknown = Vec::new();
    for id in group_ids {
        let group = match security_group(region, id) {
            Ok(group) => group,
            Err(why) => {
                unknown.push(why);
                continue;
            }
        };
        for rule in group.ingress.iter().filter(|r| r.allows_tcp_port(port)) {
            match internet_source(internet, region, &rule.peer) {
                Ok(Some(source)) => {
                    return Leg::Holds(format!(
                        "security group {} allows TCP {port} from {source} (protocol {})",
                        group.id, rule.protocol
                    ))
                }
                Ok(None) => {}
                Err(why) => unknown.push(format!("security group {}: {why}", group.id)),
            }
        }
    }
    if unknown.is_empty() {
        Leg::Absent(format!(
            "no security group ({}) allows TCP {port} from the internet",
            group_ids.join(", ")
        ))
    } else {
        Leg::Unknown(unknown.join("; "))
    }
}

/// What of the internet a rule's peer admits, as a finding names it; `None` when nothing.
fn internet_source(
    internet: &Internet,
    region: &RegionSnapshot,
    peer: &Peer,
) -> Result<Option<String>, String> {
    match peer {
        Peer::Ipv4Cidr(cidr) | Peer::Ipv6Cidr(cidr) => {
            Ok(internet.admits(cidr)?.then(|| cidr.clone()))
        }
        Peer::SecurityGroup(_) => Ok(None),
        Peer::PrefixList(id) => {
            let list = region
                .network
                .prefix_lists
                .iter()
                .find(|list| &list.id == id)
                .ok_or_else(|| format!("prefix list {id} was not read"))?;
            let entries = match &list.entries {
                Observed::Value(entries) => entries,
                Observed::Unknown(why) => return Err(format!("prefix list {id}: {why}")),
            };
            for cidr in entries {
                if internet.admits(cidr)? {
                    return Ok(Some(format!("{cidr} (prefix list {id})")));
                }
            }
            Ok(None)
        }
    }
}

fn route_leg(
    region: &RegionSnapshot,
    subnet_group_name: Option<&str>,
    vpc_id: Option<&str>,
) -> Leg {
    let group = match subnet_group(region, subnet_group_name) {
        Ok(group) => group,
        Err(why) => return Leg::Unknown(why),
    };
    let tables = match known(&region.network.route_tables) {
        Ok(tables) => tables,
        Err(why) => return Leg::Unknown(why),
    };
    if group.subnets.is_empty() {
        return Leg::Unknown(format!("DB subnet group {} lists no subnets", group.name));
    }
    let vpc_id = group.vpc_id.as_deref().or(vpc_id);
    let mut unresolved = Vec::new();
    for subnet in &group.subnets {
        match subnet_routing(tables, &subnet.subnet_id, vpc_id) {
            None => unresolved.push(subnet.subnet_id.as_str()),
            Some(SubnetRouting {
                table,
                internet_route: Some((route, gateway)),
            }) => {
                return Leg::Holds(format!(
                    "subnet {} routes {} to internet gateway {gateway} ({})",
                    subnet.subnet_id, route.destination, table.id
                ));
            }
            Some(_) => {}
        }
    }
    if unresolved.is_empty() {
        Leg::Absent(format!(
            "no subnet of DB subnet group {} has a default route to an internet gateway",
            group.name
        ))
    } else {
        Leg::Unknown(format!(
            "no route table found for subnet(s) {}",
            unresolved.join(", ")
        ))
    }
}

/// The items of a listing, or why it could not be read.
pub(super) fn known<T>(listing: &Observed<Vec<T>>) -> Result<&[T], String> {
    match listing {
        Observed::Value(items) => Ok(items),
        Observed::Unknown(why) => Err(why.to_string()),
    }
}

/// The DB subnet group a database names, or why its subnets are unknown.
pub(super) fn subnet_group<'a>(
    region: &'a RegionSnapshot,
    name: Option<&str>,
) -> Result<&'a DbSubnetGroup, String> {
    let name = name.ok_or_else(|| "no DB subnet group was reported".to_owned())?;
    known(&region.db_subnet_groups)?
        .iter()
        .find(|group| group.name == name)
        .ok_or_else(|| format!("DB subnet group {name} is not in the listing"))
}

/// A security group by id, or why it is unknown.
pub(super) fn security_group<'a>(
    region: &'a RegionSnapshot,
    id: &str,
) -> Result<&'a SecurityGroup, String> {
    known(&region.network.security_groups)?
        .iter()
        .find(|group| group.id == id)
        .ok_or_else(|| format!("security group {id} is not in the listing"))
}

/// The route table that governs a subnet: its explicit association, else its VPC's main table.
pub(super) fn route_table_of<'a>(
    tables: &'a [RouteTable],
    subnet_id: &str,
    vpc_id: Option<&str>,
) -> Option<&'a RouteTable> {
    tables
        .iter()
        .find(|table| table.subnet_ids.iter().any(|s| s == subnet_id))
        .or_else(|| {
            tables
                .iter()
                .find(|table| table.main && Some(table.vpc_id.as_str()) == vpc_id)
        })
}

/// How a subnet is routed: the route table that governs it and, when it has one, the active
/// default route to an internet gateway that makes the subnet public.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubnetRouting<'a> {
    pub table: &'a RouteTable,
    /// The route and the gateway id.
    pub internet_route: Option<(&'a Route, &'a str)>,
}

/// The routing of a subnet, or `None` when no route table in the listing governs it.
pub fn subnet_routing<'a>(
    tables: &'a [RouteTable],
    subnet_id: &str,
    vpc_id: Option<&str>,
) -> Option<SubnetRouting<'a>> {
    let table = route_table_of(tables, subnet_id, vpc_id)?;
    Some(SubnetRouting {
        table,
        internet_route: internet_route(table),
    })
}

/// An active default route to an internet gateway, with the gateway. NAT gateways, egress-only
/// gateways and everything else give no inbound path from the internet.
fn internet_route(table: &RouteTable) -> Option<(&Route, &str)> {
    table.routes.iter().find_map(|route| match &route.target {
        RouteTarget::InternetGateway(gateway)
            if route.active && is_whole_internet(&route.destination) =>
        {
            Some((route, gateway.as_str()))
        }
        _ => None,
    })
}

fn is_whole_internet(cidr: &str) -> bool {
    cidr == "0.0.0.0/0" || cidr == "::/0"
}

check! {
    /// The network ACLs of a DB's subnets deny inbound TCP to its port from the internet.
    ///
    /// A subnet without an explicit association uses its VPC's default NACL, which allows all
    /// traffic unless it was edited. Inbound entries for TCP (or every protocol) that cover the
    /// port are applied in rule-number order, first match wins, for IPv4 and IPv6 alike: an
    /// allowing entry fails the database when what earlier entries left of its CIDR block still
    /// counts as the internet — public addresses in a block at least as wide as the profile's
    /// threshold (`/8` for IPv4, `/16` for IPv6), so `0.0.0.0/1` counts and an office's `/32`
    /// does not. A cluster member that reports no DB subnet group is placed in its cluster's.
    pub static NACL_DB_PORT_RESTRICTED = Check {
        id: "network.nacl.db_port_restricted",
        title: "Network ACLs deny internet traffic to the database port",
        rationale: "A network ACL is the subnet-level second layer behind security groups: when a \
                    security group is opened by mistake, a NACL that denies the database port \
                    from the internet still stops the traffic.",
        remediation: "Associate the DB subnets with a dedicated network ACL that allows the \
                      database port only from the application subnets' CIDRs and denies it from \
                      0.0.0.0/0 and ::/0.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: nacl_db_port_restricted,
    };
}

fn nacl_db_port_restricted(ctx: &Context) -> Vec<Finding> {
    let check = &NACL_DB_PORT_RESTRICTED;
    let internet = Internet::new(ctx.thresholds);
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            let insufficient = |why: String| {
                Finding::new(
                    check,
                    resource.clone(),
                    Outcome::InsufficientEvidence,
                    format!("cannot judge the network ACLs: {why}"),
                )
            };
            let Some(port) = instance.port else {
                return Some(insufficient(
                    "the database port was not reported".to_owned(),
                ));
            };
            let group = match subnet_group(region, region.subnet_group_of(instance)) {
                Ok(group) => group,
                Err(why) => return Some(insufficient(why)),
            };
            let acls = match known(&region.network.network_acls) {
                Ok(acls) => acls,
                Err(why) => return Some(insufficient(why)),
            };
            let vpc_id = group.vpc_id.as_deref().or(instance.vpc_id.as_deref());
            let mut unresolved = Vec::new();
            let mut judged = Vec::new();
            for subnet in &group.subnets {
                let Some(acl) = nacl_of(acls, &subnet.subnet_id, vpc_id) else {
                    unresolved.push(subnet.subnet_id.as_str());
                    continue;
                };
                judged.push(acl.id.as_str());
                let entry = match internet_allow(&internet, acl, port) {
                    Ok(entry) => entry,
                    Err(why) => return Some(insufficient(format!("{}: {why}", acl.id))),
                };
                if let Some(entry) = entry {
                    let default = if acl.is_default {
                        " (the VPC's default NACL, which allows all traffic unless edited)"
                    } else {
                        ""
                    };
                    return Some(
                        Finding::new(
                            check,
                            resource,
                            Outcome::Fail,
                            format!(
                                "subnet {} uses {}{default}: rule {} allows inbound TCP {port} \
                                 from {}",
                                subnet.subnet_id,
                                acl.id,
                                entry.rule_number,
                                entry_cidr(entry)
                            ),
                        )
                        .with("nacl", &acl.id)
                        .with("default_nacl", acl.is_default)
                        .with("rule_number", entry.rule_number)
                        .with("port", port),
                    );
                }
            }
            Some(if !unresolved.is_empty() {
                insufficient(format!(
                    "no network ACL found for subnet(s) {}",
                    unresolved.join(", ")
                ))
            } else if judged.is_empty() {
                insufficient(format!("DB subnet group {} lists no subnets", group.name))
            } else {
                judged.sort_unstable();
                judged.dedup();
                Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!(
                        "network ACL(s) {} deny inbound TCP {port} from the internet",
                        judged.join(", ")
                    ),
                )
                .with("nacls", judged)
                .with("port", port)
            })
        },
    )
}

/// The NACL of a subnet: its explicit association, else its VPC's default NACL.
fn nacl_of<'a>(
    acls: &'a [NetworkAcl],
    subnet_id: &str,
    vpc_id: Option<&str>,
) -> Option<&'a NetworkAcl> {
    acls.iter()
        .find(|acl| acl.subnet_ids.iter().any(|s| s == subnet_id))
        .or_else(|| {
            acls.iter()
                .find(|acl| acl.is_default && Some(acl.vpc_id.as_str()) == vpc_id)
        })
}

/// The first allowing entry, in rule order, that admits inbound TCP to `port` from the
/// internet once the entries before it have decided for their addresses; no such entry, and
/// the implicit deny at the end, means none.
fn internet_allow<'a>(
    internet: &Internet,
    acl: &'a NetworkAcl,
    port: i32,
) -> Result<Option<&'a NaclEntry>, String> {
    let mut inbound: Vec<&NaclEntry> = acl
        .entries
        .iter()
        .filter(|e| {
            !e.egress
                && matches!(e.protocol.as_str(), "-1" | "6")
                && e.port_range.is_none_or(|range| range.contains(port))
        })
        .collect();
    inbound.sort_by_key(|e| e.rule_number);
    let mut decided = Vec::new();
    for entry in inbound {
        let cidr = entry_cidr(entry);
        if entry.allow && internet.still_admits(cidr, &decided)? {
            return Ok(Some(entry));
        }
        decided.push(Block::parse(cidr)?);
    }
    Ok(None)
}

fn entry_cidr(entry: &NaclEntry) -> &str {
    entry
        .cidr_block
        .as_deref()
        .or(entry.ipv6_cidr_block.as_deref())
        .unwrap_or("?")
}

check! {
    /// A DB instance does not use its VPC's default security group.
    pub static DEFAULT_SECURITY_GROUP_UNUSED = Check {
        id: "network.security_group.default_unused",
        title: "DB instance does not use the VPC's default security group",
        rationale: "The default security group is shared by everything launched without an \
                    explicit group and admits all traffic from its own members: a database in it \
                    is open to unrelated resources.",
        remediation: "Create a dedicated security group that admits the database port only from \
                      the application's security group, attach it, and detach `default`.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: default_security_group_unused,
    };
}

fn default_security_group_unused(ctx: &Context) -> Vec<Finding> {
    let check = &DEFAULT_SECURITY_GROUP_UNUSED;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            let groups = &instance.vpc_security_groups;
            if groups.is_empty() {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    "the API reported no VPC security group for it",
                ));
            }
            let mut missing = Vec::new();
            let mut defaults = Vec::new();
            for id in groups {
                match security_group(region, id) {
                    Ok(group) if group.name == "default" => defaults.push(id.as_str()),
                    Ok(_) => {}
                    Err(why) => missing.push(why),
                }
            }
            let finding = if !defaults.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!(
                        "uses the VPC's default security group {}",
                        defaults.join(", ")
                    ),
                )
                .with("default_security_groups", defaults)
            } else if !missing.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!("cannot judge security groups: {}", missing.join("; ")),
                )
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!("security groups {} are not the default", groups.join(", ")),
                )
            };
            Some(finding.with("security_groups", groups))
        },
    )
}

check! {
    /// Every VPC that hosts a database has an active VPC flow log.
    ///
    /// Only flow logs on the VPC itself count; subnet or interface flow logs cover part of it.
    pub static VPC_FLOW_LOGS_ENABLED = Check {
        id: "network.vpc.flow_logs_enabled",
        title: "VPC flow logs are enabled for database VPCs",
        rationale: "Flow logs record who connected to the database subnets and who was refused: \
                    the evidence needed to investigate an intrusion or prove that none happened.",
        remediation: "Create a flow log on the VPC (create-flow-logs --resource-type VPC) to \
                      CloudWatch Logs or S3, capturing at least REJECT, preferably ALL, traffic.",
        severity: Severity::Medium,
        scope: Scope::Vpc,
        evaluate: vpc_flow_logs_enabled,
    };
}

fn vpc_flow_logs_enabled(ctx: &Context) -> Vec<Finding> {
    let check = &VPC_FLOW_LOGS_ENABLED;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.network.vpcs,
        |region, vpc| {
            let resource = Resource::new(Scope::Vpc, &region.region, &vpc.id);
            let logs = match known(&region.network.flow_logs) {
                Ok(logs) => logs,
                Err(why) => {
                    return Some(Finding::new(
                        check,
                        resource,
                        Outcome::InsufficientEvidence,
                        format!("cannot judge flow logs: {why}"),
                    ))
                }
            };
            let own: Vec<_> = logs
                .iter()
                .filter(|log| log.resource_id.as_deref() == Some(vpc.id.as_str()))
                .collect();
            let active = own.iter().find(|log| {
                log.status
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"))
            });
            // EC2 omits the status rarely: a flow log that exists may still be failing to
            // deliver, so that is no proof.
            let unreported = own.iter().find(|log| log.status.is_none());
            Some(if let Some(log) = active {
                Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!("flow log {} is active", log.id),
                )
                .with("flow_log", &log.id)
                .with("traffic_type", &log.traffic_type)
                .with("destination", &log.destination)
            } else if let Some(log) = unreported {
                Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    format!(
                        "flow log {} exists, but its status was not reported: it may not be \
                         delivering",
                        log.id
                    ),
                )
                .with("flow_log", &log.id)
                .with("traffic_type", &log.traffic_type)
                .with("destination", &log.destination)
            } else if own.is_empty() {
                Finding::new(check, resource, Outcome::Fail, "no flow log on the VPC")
            } else {
                let states: Vec<String> = own
                    .iter()
                    .map(|log| format!("{} {}", log.id, log.status.as_deref().unwrap_or_default()))
                    .collect();
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!("no active flow log: {}", states.join(", ")),
                )
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::network::{Peer, PrefixList};
    use rds_evidence_inventory::Snapshot;

    fn public_instance(id: &str) -> rds_evidence_inventory::rds::DbInstance {
        let mut db = instance(id);
        db.publicly_accessible = Some(true);
        db
    }

    fn open_to_internet(s: &mut Snapshot) {
        let groups = items_mut(&mut s.regions[0].network.security_groups);
        groups[0]
            .ingress
            .push(tcp_from(5432, Peer::Ipv4Cidr("0.0.0.0/0".into())));
    }

    fn route_main_to_igw(s: &mut Snapshot) {
        let tables = items_mut(&mut s.regions[0].network.route_tables);
        tables[0].routes[1] = route_to("0.0.0.0/0", RouteTarget::InternetGateway("igw-1".into()));
    }

    #[test]
    fn public_flag_open_group_and_internet_route_fail() {
        let mut s = networked(vec![public_instance("exposed")]);
        open_to_internet(&mut s);
        route_main_to_igw(&mut s);
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(outcomes(&findings), [("exposed".into(), Outcome::Fail)]);
        let detail = &findings[0].detail;
        assert!(
            detail.contains("sg-db allows TCP 5432 from 0.0.0.0/0"),
            "{detail}"
        );
        assert!(detail.contains("subnet subnet-a routes 0.0.0.0/0 to internet gateway igw-1"));
    }

    #[test]
    fn nat_route_is_not_public() {
        let mut s = networked(vec![public_instance("behind-nat")]);
        open_to_internet(&mut s);
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(outcomes(&findings), [("behind-nat".into(), Outcome::Pass)]);
        assert!(findings[0]
            .detail
            .contains("no subnet of DB subnet group private has a default route"));
    }

    #[test]
    fn public_flag_without_open_path_is_not_public() {
        let mut s = networked(vec![public_instance("flag-only")]);
        route_main_to_igw(&mut s);
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(outcomes(&findings), [("flag-only".into(), Outcome::Pass)]);
        assert!(findings[0]
            .detail
            .contains("no security group (sg-db) allows TCP 5432"));
    }

    #[test]
    fn explicit_association_overrides_main_table_and_ipv6_counts() {
        let mut s = networked(vec![public_instance("v6")]);
        let groups = items_mut(&mut s.regions[0].network.security_groups);
        groups[0]
            .ingress
            .push(tcp_from(5432, Peer::Ipv6Cidr("::/0".into())));
        let mut inactive = route_to("0.0.0.0/0", RouteTarget::InternetGateway("igw-old".into()));
        inactive.active = false;
        items_mut(&mut s.regions[0].network.route_tables).extend([
            route_table(
                "rtb-stale",
                "vpc-prod",
                false,
                &["subnet-a"],
                vec![inactive],
            ),
            route_table(
                "rtb-public",
                "vpc-prod",
                false,
                &["subnet-b"],
                vec![route_to(
                    "::/0",
                    RouteTarget::InternetGateway("igw-1".into()),
                )],
            ),
        ]);
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(outcomes(&findings), [("v6".into(), Outcome::Fail)]);
        assert!(findings[0]
            .detail
            .contains("subnet subnet-b routes ::/0 to internet gateway igw-1 (rtb-public)"));
    }

    #[test]
    fn flag_off_is_enough_even_when_groups_are_unknown() {
        let mut s = networked(vec![instance("private")]);
        s.regions[0].network.security_groups =
            Observed::Unknown(denied("ec2:DescribeSecurityGroups"));
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(outcomes(&findings), [("private".into(), Outcome::Pass)]);
        assert!(findings[0].detail.contains("flag is off"));
    }

    #[test]
    fn unknowns_without_a_disproof_are_insufficient_evidence() {
        let mut absent_flag = public_instance("absent-flag");
        absent_flag.publicly_accessible = None;
        let mut s = networked(vec![absent_flag]);
        open_to_internet(&mut s);
        route_main_to_igw(&mut s);
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(
            outcomes(&findings),
            [("absent-flag".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0].detail.contains("flag was not reported"));

        let mut s = networked(vec![public_instance("groups-unknown")]);
        route_main_to_igw(&mut s);
        s.regions[0].network.security_groups =
            Observed::Unknown(denied("ec2:DescribeSecurityGroups"));
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0]
            .detail
            .contains("ec2:DescribeSecurityGroups access denied"));

        let mut s = networked(vec![public_instance("routes-unknown")]);
        open_to_internet(&mut s);
        s.regions[0].network.route_tables = Observed::Unknown(denied("ec2:DescribeRouteTables"));
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0].detail.contains("ec2:DescribeRouteTables"));

        let mut s = networked(vec![public_instance("subnets-unknown")]);
        open_to_internet(&mut s);
        s.regions[0].db_subnet_groups = Observed::Unknown(denied("rds:DescribeDBSubnetGroups"));
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0].detail.contains("rds:DescribeDBSubnetGroups"));
    }

    #[test]
    fn cluster_reachability() {
        let mut multi_az = cluster("multi-az");
        multi_az.engine = "postgres".into();
        multi_az.publicly_accessible = Some(true);
        let mut unreported = cluster("unreported");
        unreported.engine = "mysql".into();
        let mut s = networked(Vec::new());
        open_to_internet(&mut s);
        route_main_to_igw(&mut s);
        s.regions[0].db_clusters = Observed::Value(vec![cluster("aurora"), multi_az, unreported]);
        let findings = run(&CLUSTER_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("aurora".into(), Outcome::NotApplicable),
                ("multi-az".into(), Outcome::Fail),
                ("unreported".into(), Outcome::InsufficientEvidence)
            ]
        );
    }

    #[test]
    fn nacl_pass_and_default_nacl_fail() {
        let mut s = networked(vec![instance("guarded"), instance("defaulted")]);
        let east = &mut s.regions[0];
        items_mut(&mut east.db_subnet_groups).push(db_subnet_group(
            "loose",
            "vpc-prod",
            &["subnet-c"],
        ));
        items_mut(&mut east.db_instances)[1].subnet_group = Some("loose".into());
        let findings = run(&NACL_DB_PORT_RESTRICTED, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("guarded".into(), Outcome::Pass),
                ("defaulted".into(), Outcome::Fail)
            ]
        );
        assert!(findings[1]
            .detail
            .contains("acl-default (the VPC's default NACL"));
    }

    #[test]
    fn nacl_first_match_by_rule_number() {
        let acl = |entries| {
            network_acl(
                "acl-db",
                "vpc-prod",
                false,
                &["subnet-a", "subnet-b"],
                entries,
            )
        };
        let cases = [
            // Listed out of order: rule 50 decides.
            (
                vec![
                    nacl_entry(200, true, "-1", "0.0.0.0/0", None),
                    nacl_entry(50, false, "6", "0.0.0.0/0", Some((5432, 5432))),
                ],
                Outcome::Pass,
            ),
            (
                vec![
                    nacl_entry(200, false, "-1", "0.0.0.0/0", None),
                    nacl_entry(100, true, "6", "0.0.0.0/0", Some((1024, 65535))),
                ],
                Outcome::Fail,
            ),
            // UDP does not carry a database connection.
            (
                vec![nacl_entry(100, true, "17", "0.0.0.0/0", None)],
                Outcome::Pass,
            ),
            (
                vec![nacl_entry(100, true, "6", "::/0", None)],
                Outcome::Fail,
            ),
        ];
        for (entries, expected) in cases {
            let mut s = networked(vec![instance("db")]);
            items_mut(&mut s.regions[0].network.network_acls)[1] = acl(entries);
            let findings = run(&NACL_DB_PORT_RESTRICTED, &s);
            assert_eq!(findings[0].outcome, expected, "{}", findings[0].detail);
        }
    }

    /// DescribeSecurityGroups' IpPermissions as the collector flattens them: IpRanges,
    /// Ipv6Ranges and PrefixListIds, each a peer of its own.
    #[test]
    fn the_internet_is_any_wide_block_of_public_addresses() {
        let cases = [
            (Peer::Ipv4Cidr("0.0.0.0/1".into()), Outcome::Fail),
            (Peer::Ipv4Cidr("128.0.0.0/1".into()), Outcome::Fail),
            (Peer::Ipv6Cidr("2000::/3".into()), Outcome::Fail),
            (Peer::Ipv4Cidr("203.0.113.10/32".into()), Outcome::Pass),
            (Peer::Ipv4Cidr("10.0.0.0/8".into()), Outcome::Pass),
            (Peer::PrefixList("pl-open".into()), Outcome::Fail),
            (Peer::PrefixList("pl-offices".into()), Outcome::Pass),
            (
                Peer::PrefixList("pl-unread".into()),
                Outcome::InsufficientEvidence,
            ),
            (
                Peer::PrefixList("pl-missing".into()),
                Outcome::InsufficientEvidence,
            ),
        ];
        for (peer, expected) in cases {
            let mut s = networked(vec![public_instance("db")]);
            route_main_to_igw(&mut s);
            let network = &mut s.regions[0].network;
            items_mut(&mut network.security_groups)[0]
                .ingress
                .push(tcp_from(5432, peer.clone()));
            network.prefix_lists = vec![
                PrefixList {
                    id: "pl-open".into(),
                    entries: Observed::Value(vec!["192.0.2.0/24".into(), "64.0.0.0/2".into()]),
                },
                PrefixList {
                    id: "pl-offices".into(),
                    entries: Observed::Value(vec![
                        "198.51.100.0/24".into(),
                        "203.0.113.0/28".into(),
                    ]),
                },
                PrefixList {
                    id: "pl-unread".into(),
                    entries: Observed::Unknown(denied("ec2:GetManagedPrefixListEntries")),
                },
            ];
            let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
            assert_eq!(
                findings[0].outcome, expected,
                "{peer:?}: {}",
                findings[0].detail
            );
        }
        let mut s = networked(vec![public_instance("db")]);
        route_main_to_igw(&mut s);
        let network = &mut s.regions[0].network;
        items_mut(&mut network.security_groups)[0]
            .ingress
            .push(tcp_from(5432, Peer::PrefixList("pl-open".into())));
        network.prefix_lists = vec![PrefixList {
            id: "pl-open".into(),
            entries: Observed::Value(vec!["64.0.0.0/2".into()]),
        }];
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert!(
            findings[0]
                .detail
                .contains("sg-db allows TCP 5432 from 64.0.0.0/2 (prefix list pl-open)"),
            "{}",
            findings[0].detail
        );
    }

    #[test]
    fn nacl_entries_decide_their_addresses_in_rule_order() {
        let cases = [
            // Half the internet denied first: the other half is still let in.
            (
                vec![
                    nacl_entry(100, false, "-1", "0.0.0.0/1", None),
                    nacl_entry(200, true, "6", "0.0.0.0/0", Some((5432, 5432))),
                ],
                Outcome::Fail,
            ),
            (
                vec![
                    nacl_entry(100, false, "-1", "0.0.0.0/1", None),
                    nacl_entry(110, false, "-1", "128.0.0.0/1", None),
                    nacl_entry(200, true, "6", "0.0.0.0/0", Some((5432, 5432))),
                ],
                Outcome::Pass,
            ),
            (
                vec![nacl_entry(
                    100,
                    true,
                    "6",
                    "128.0.0.0/1",
                    Some((5432, 5432)),
                )],
                Outcome::Fail,
            ),
            // An office and the VPC: not the internet.
            (
                vec![
                    nacl_entry(100, true, "6", "203.0.113.10/32", Some((5432, 5432))),
                    nacl_entry(110, true, "6", "10.0.0.0/8", Some((5432, 5432))),
                ],
                Outcome::Pass,
            ),
            // IPv4 denied whole, IPv6 let in.
            (
                vec![
                    nacl_entry(100, false, "-1", "0.0.0.0/0", None),
                    nacl_entry(200, true, "-1", "::/0", None),
                ],
                Outcome::Fail,
            ),
            (
                vec![nacl_entry(100, true, "6", "not-a-cidr", Some((5432, 5432)))],
                Outcome::InsufficientEvidence,
            ),
        ];
        for (entries, expected) in cases {
            let mut s = networked(vec![instance("db")]);
            items_mut(&mut s.regions[0].network.network_acls)[1] = network_acl(
                "acl-db",
                "vpc-prod",
                false,
                &["subnet-a", "subnet-b"],
                entries,
            );
            let findings = run(&NACL_DB_PORT_RESTRICTED, &s);
            assert_eq!(findings[0].outcome, expected, "{}", findings[0].detail);
        }
    }

    /// DescribeDBInstances of an Aurora member without `DBSubnetGroup` (as an emulator
    /// answers): the member is placed in its cluster's group.
    #[test]
    fn a_member_without_a_subnet_group_is_placed_with_its_cluster() {
        let mut member = public_instance("aurora-1");
        member.cluster_identifier = Some("aurora".into());
        member.subnet_group = None;
        let mut s = networked(vec![member]);
        open_to_internet(&mut s);
        route_main_to_igw(&mut s);
        s.regions[0].db_clusters = Observed::Value(vec![cluster("aurora")]);
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(findings[0].outcome, Outcome::Fail, "{}", findings[0].detail);
        assert!(findings[0].detail.contains("subnet subnet-a routes"));
        let findings = run(&NACL_DB_PORT_RESTRICTED, &s);
        assert_eq!(findings[0].outcome, Outcome::Pass, "{}", findings[0].detail);
        assert!(findings[0].detail.contains("acl-db"));

        s.regions[0].db_clusters = Observed::Value(Vec::new());
        let findings = run(&NACL_DB_PORT_RESTRICTED, &s);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(findings[0]
            .detail
            .contains("no DB subnet group was reported"));
    }

    #[test]
    fn nacl_unknown_is_insufficient_evidence() {
        let mut s = networked(vec![instance("db")]);
        s.regions[0].network.network_acls = Observed::Unknown(denied("ec2:DescribeNetworkAcls"));
        let findings = run(&NACL_DB_PORT_RESTRICTED, &s);
        assert_eq!(
            outcomes(&findings),
            [("db".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0]
            .detail
            .contains("ec2:DescribeNetworkAcls access denied"));
    }

    #[test]
    fn default_security_group() {
        let mut in_default = instance("in-default");
        in_default.vpc_security_groups = vec!["sg-db".into(), "sg-default".into()];
        let mut unlisted = instance("unlisted");
        unlisted.vpc_security_groups = vec!["sg-gone".into()];
        let mut s = networked(vec![instance("dedicated"), in_default, unlisted]);
        items_mut(&mut s.regions[0].network.security_groups).push(vpc_security_group(
            "sg-default",
            "default",
            Vec::new(),
        ));
        let findings = run(&DEFAULT_SECURITY_GROUP_UNUSED, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("dedicated".into(), Outcome::Pass),
                ("in-default".into(), Outcome::Fail),
                ("unlisted".into(), Outcome::InsufficientEvidence)
            ]
        );
        assert!(findings[1].detail.contains("sg-default"));
        assert!(findings[2].detail.contains("sg-gone is not in the listing"));

        s.regions[0].network.security_groups =
            Observed::Unknown(denied("ec2:DescribeSecurityGroups"));
        let findings = run(&DEFAULT_SECURITY_GROUP_UNUSED, &s);
        assert!(findings
            .iter()
            .all(|f| f.outcome == Outcome::InsufficientEvidence));
    }

    #[test]
    fn no_reported_security_group_proves_nothing() {
        let mut db = instance("db");
        db.vpc_security_groups.clear();
        db.publicly_accessible = Some(true);
        let mut s = networked(vec![db]);
        let findings = run(&DEFAULT_SECURITY_GROUP_UNUSED, &s);
        assert_eq!(
            outcomes(&findings),
            [("db".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0].detail.contains("no VPC security group"));
        let main = &mut items_mut(&mut s.regions[0].network.route_tables)[0];
        main.routes[1].target = RouteTarget::InternetGateway("igw-1".into());
        let findings = run(&INSTANCE_NOT_PUBLICLY_REACHABLE, &s);
        assert_eq!(
            outcomes(&findings),
            [("db".into(), Outcome::InsufficientEvidence)],
            "a public flag with no group to read cannot be ruled out"
        );
    }

    #[test]
    fn flow_logs() {
        let mut s = networked(Vec::new());
        let network = &mut s.regions[0].network;
        items_mut(&mut network.vpcs).extend(["vpc-dev", "vpc-quiet", "vpc-old"].map(|id| {
            rds_evidence_inventory::network::Vpc {
                id: id.into(),
                cidr_block: None,
                is_default: false,
                tags: Default::default(),
            }
        }));
        let logs = items_mut(&mut network.flow_logs);
        let mut unreported = logs[0].clone();
        unreported.resource_id = Some("vpc-dev".into());
        unreported.status = None;
        let mut stopped = logs[0].clone();
        stopped.resource_id = Some("vpc-old".into());
        stopped.status = Some("FAILED".into());
        logs.extend([unreported, stopped]);
        let findings = run(&VPC_FLOW_LOGS_ENABLED, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("vpc-prod".into(), Outcome::Pass),
                ("vpc-dev".into(), Outcome::InsufficientEvidence),
                ("vpc-quiet".into(), Outcome::Fail),
                ("vpc-old".into(), Outcome::Fail)
            ]
        );
        assert!(findings[1].detail.contains("status was not reported"));
        assert!(findings[3].detail.contains("FAILED"));

        s.regions[0].network.flow_logs = Observed::Unknown(denied("ec2:DescribeFlowLogs"));
        let findings = run(&VPC_FLOW_LOGS_ENABLED, &s);
        assert!(findings
            .iter()
            .all(|f| f.outcome == Outcome::InsufficientEvidence));
        s.regions[0].network.vpcs = Observed::Unknown(denied("ec2:DescribeVpcs"));
        let findings = run(&VPC_FLOW_LOGS_ENABLED, &s);
        assert_eq!(
            outcomes(&findings),
            [("us-east-1".into(), Outcome::InsufficientEvidence)]
        );
    }
}
