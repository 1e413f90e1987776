//! The VPC network around the databases, as observed through the EC2 API.

use serde::{Deserialize, Serialize};

use crate::rds::Tags;
use crate::Observed;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidr_block: Option<String>,
    pub is_default: bool,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub availability_zone: Option<String>,
    pub cidr_block: Option<String>,
    pub map_public_ip_on_launch: bool,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// The main route table serves every subnet without an explicit association.
    pub main: bool,
    pub subnet_ids: Vec<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// IPv4 or IPv6 CIDR, or a prefix list id.
    pub destination: String,
    pub target: RouteTarget,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum RouteTarget {
    Local,
    InternetGateway(String),
    EgressOnlyInternetGateway(String),
    NatGateway(String),
    TransitGateway(String),
    VpcPeering(String),
    VpcEndpoint(String),
    NetworkInterface(String),
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    pub is_default: bool,
    pub subnet_ids: Vec<String>,
    pub entries: Vec<NaclEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NaclEntry {
    pub rule_number: i32,
    pub egress: bool,
    pub allow: bool,
    /// IP protocol number as a string; `-1` is every protocol.
    pub protocol: String,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    pub port_range: Option<PortRange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortRange {
    pub from: i32,
    pub to: i32,
}

impl PortRange {
    pub fn contains(&self, port: i32) -> bool {
        (self.from..=self.to).contains(&port)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    pub vpc_id: Option<String>,
    pub description: Option<String>,
    pub ingress: Vec<SecurityGroupRule>,
    pub egress: Vec<SecurityGroupRule>,
    pub tags: Tags,
}

/// One permission for one peer: the API's grouped permissions are flattened so that each rule
/// can be judged on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all traffic.
    pub protocol: String,
    /// `None` when the rule covers every port (protocol `-1`).
    pub ports: Option<PortRange>,
    pub peer: Peer,
    pub description: Option<String>,
}

impl SecurityGroupRule {
    /// Whether the rule lets TCP traffic reach `port`.
    pub fn allows_tcp_port(&self, port: i32) -> bool {
        match self.protocol.as_str() {
            "-1" => true,
            "tcp" | "6" => self.ports.is_none_or(|range| range.contains(port)),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Peer {
    Ipv4Cidr(String),
    Ipv6Cidr(String),
    SecurityGroup(String),
    PrefixList(String),
}

impl Peer {
    pub fn is_whole_internet(&self) -> bool {
        matches!(self, Peer::Ipv4Cidr(c) if c == "0.0.0.0/0")
            || matches!(self, Peer::Ipv6Cidr(c) if c == "::/0")
    }
}

/// A managed prefix list a security group rule names, read once however many rules name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    /// The CIDR blocks of its current version.
    pub entries: Observed<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    pub resource_id: Option<String>,
    pub traffic_type: Option<String>,
    pub destination_type: Option<String>,
    pub destination: Option<String>,
    pub status: Option<String>,
}
