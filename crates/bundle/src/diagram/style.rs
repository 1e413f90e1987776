//! Colours, line styles and shapes, shared by the DOT source, the SVG, the diagrams.net file
//! and their legends. They follow the AWS Architecture Icons conventions (2019 and later, as
//! diagrams.net ships them in its `mxgraph.aws4` library): AWS Cloud dark, Region teal and
//! dashed, VPC purple, Availability Zone blue and dashed, public subnets green, private subnets
//! teal, database resources magenta, networking purple.

use super::model::{EdgeKind, Engine, Exposure, Gateway, GroupKind, Mark, NodeKind};

/// How a box is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Paint {
    pub fill: &'static str,
    pub stroke: &'static str,
    pub width: u32,
    pub dashed: bool,
    /// The colour of the box's header or first line.
    pub text: &'static str,
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stroke {
    pub color: &'static str,
    pub width: u32,
    pub dashed: bool,
}

/// Failures marked on a resource.
pub(super) const MARK: &str = "#d13212";
pub(super) const TEXT: &str = "#16191f";
pub(super) const MUTED: &str = "#5f6b7a";
const DATABASE: &str = "#c925d1";
const NETWORK: &str = "#8c4fff";
const GENERAL: &str = "#232f3e";
const ELSEWHERE: &str = "#7d8998";

const fn paint(
    fill: &'static str,
    stroke: &'static str,
    width: u32,
    dashed: bool,
    text: &'static str,
) -> Paint {
    Paint {
        fill,
        stroke,
        width,
        dashed,
        text,
    }
}

pub(super) const CLOUD: Paint = paint("none", GENERAL, 1, false, GENERAL);

pub(super) fn group(kind: GroupKind) -> Paint {
    match kind {
        GroupKind::Region => paint("none", "#00a4a6", 1, true, "#147eba"),
        GroupKind::Vpc => paint("none", NETWORK, 1, false, NETWORK),
        GroupKind::Zone => paint("none", "#147eba", 1, true, "#147eba"),
        GroupKind::Subnet(Exposure::Public) => paint("#f2f6e8", "#7aa116", 1, false, "#248814"),
        GroupKind::Subnet(Exposure::Private) => paint("#e6f6f7", "#00a4a6", 1, false, "#147eba"),
        GroupKind::Subnet(Exposure::Unknown) => paint("#f2f3f3", ELSEWHERE, 1, true, MUTED),
    }
}

/// How the legend shows a marked card.
pub(super) fn marked_sample() -> Paint {
    card(NodeKind::Instance(Engine::Postgres), true)
}

/// A card: white, outlined in its category's colour; red and thicker when marked.
pub(super) fn card(kind: NodeKind, marked: bool) -> Paint {
    let (stroke, dashed) = match kind {
        NodeKind::Instance(_) | NodeKind::Cluster { .. } | NodeKind::Proxy => (DATABASE, false),
        NodeKind::Standby | NodeKind::GlobalDatabase => (DATABASE, true),
        NodeKind::Gateway(_) => (NETWORK, false),
        NodeKind::Elsewhere => (ELSEWHERE, true),
        NodeKind::External | NodeKind::Internet => (GENERAL, false),
    };
    if marked {
        paint("#fdf3f1", MARK, 2, dashed, TEXT)
    } else {
        paint("#ffffff", stroke, 1, dashed, TEXT)
    }
}

/// The icon square of a card in the SVG: its colour and a short code for what it is.
pub(super) fn icon(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Instance(engine) => (
            DATABASE,
            match engine {
                Engine::AuroraPostgres => "APG",
                Engine::AuroraMysql => "AMY",
                Engine::Postgres => "PG",
                Engine::Mysql => "MY",
                Engine::MariaDb => "MDB",
                Engine::Oracle => "ORA",
                Engine::SqlServer => "SQL",
                Engine::Other => "RDS",
            },
        ),
        NodeKind::Standby => (DATABASE, "SBY"),
        NodeKind::Cluster { aurora: true } => (DATABASE, "AUR"),
        NodeKind::Cluster { aurora: false } => (DATABASE, "MAZ"),
        NodeKind::Proxy => (DATABASE, "PRX"),
        NodeKind::GlobalDatabase => (DATABASE, "GDB"),
        NodeKind::Gateway(gateway) => (
            NETWORK,
            match gateway {
                Gateway::Internet => "IGW",
                Gateway::Nat => "NAT",
                Gateway::Endpoint => "VPE",
                Gateway::Transit => "TGW",
                Gateway::Peering => "PCX",
            },
        ),
        NodeKind::Elsewhere => (ELSEWHERE, "EXT"),
        NodeKind::External => (GENERAL, "SRV"),
        NodeKind::Internet => (GENERAL, "WWW"),
    }
}

pub(super) fn edge(kind: EdgeKind) -> Stroke {
    let stroke = |color, width, dashed| Stroke {
        color,
        width,
        dashed,
    };
    match kind {
        EdgeKind::Writer => stroke("#2e27ad", 2, false),
        EdgeKind::Reader => stroke("#5a6acf", 1, false),
        EdgeKind::Standby => stroke(MUTED, 1, true),
        EdgeKind::Replication => stroke("#1d8102", 1, false),
        EdgeKind::CrossRegion => stroke("#1d8102", 2, true),
        EdgeKind::GlobalMember => stroke("#067f68", 1, true),
        EdgeKind::Migration => stroke("#ed7100", 2, true),
        EdgeKind::Internet => stroke(MARK, 3, false),
    }
}

/// diagrams.net's style for a container: the AWS group shapes of the `mxgraph.aws4` library.
pub(super) fn drawio_group(kind: Option<GroupKind>) -> String {
    const GROUP: &str = "points=[[0,0],[0.25,0],[0.5,0],[0.75,0],[1,0],[1,0.25],[1,0.5],\
        [1,0.75],[1,1],[0.75,1],[0.5,1],[0.25,1],[0,1],[0,0.75],[0,0.5],[0,0.25]];\
        outlineConnect=0;gradientColor=none;html=1;whiteSpace=wrap;fontSize=11;fontStyle=0;\
        container=1;pointerEvents=0;collapsible=0;recursiveResize=0;verticalAlign=top;\
        align=left;spacingLeft=30;spacingTop=4;shape=mxgraph.aws4.group;";
    let group = |icon: &str, paint: Paint, extra: &str| {
        format!(
            "{GROUP}grIcon=mxgraph.aws4.{icon};strokeColor={};fillColor={};fontColor={};\
             dashed={};{extra}",
            paint.stroke,
            paint.fill,
            paint.text,
            u8::from(paint.dashed)
        )
    };
    match kind {
        None => group("group_aws_cloud_alt", CLOUD, ""),
        Some(kind @ GroupKind::Region) => group("group_region", self::group(kind), ""),
        Some(kind @ GroupKind::Vpc) => group("group_vpc2", self::group(kind), ""),
        Some(kind @ GroupKind::Subnet(Exposure::Unknown)) => format!(
            "fillColor={};strokeColor={};dashed=1;verticalAlign=top;align=left;spacingLeft=30;\
             spacingTop=4;fontSize=11;fontColor={};whiteSpace=wrap;html=1;container=1;\
             collapsible=0;recursiveResize=0;",
            self::group(kind).fill,
            self::group(kind).stroke,
            self::group(kind).text
        ),
        Some(kind @ GroupKind::Subnet(_)) => {
            group("group_security_group", self::group(kind), "grStroke=0;")
        }
        Some(kind @ GroupKind::Zone) => format!(
            "fillColor=none;strokeColor={};dashed=1;verticalAlign=top;align=left;spacingLeft=10;\
             spacingTop=4;fontSize=11;fontStyle=0;fontColor={};whiteSpace=wrap;html=1;\
             container=1;collapsible=0;recursiveResize=0;",
            self::group(kind).stroke,
            self::group(kind).text
        ),
    }
}

/// diagrams.net's style for a resource: its AWS icon, the label to its right.
pub(super) fn drawio_node(kind: NodeKind) -> String {
    const ICON: &str = "sketch=0;outlineConnect=0;gradientColor=none;dashed=0;html=1;\
        fontSize=11;fontStyle=0;fontColor=#232F3E;aspect=fixed;pointerEvents=1;\
        labelPosition=right;verticalLabelPosition=middle;align=left;verticalAlign=middle;\
        spacingLeft=8;";
    let resource = |shape: &str, color: &str| {
        format!("{ICON}strokeColor=none;fillColor={color};shape=mxgraph.aws4.{shape};")
    };
    let service = |icon: &str, color: &str| {
        format!(
            "{ICON}strokeColor=#ffffff;fillColor={color};shape=mxgraph.aws4.resourceIcon;\
             resIcon=mxgraph.aws4.{icon};"
        )
    };
    match kind {
        NodeKind::Instance(engine) => resource(
            match engine {
                Engine::AuroraPostgres | Engine::AuroraMysql => "aurora_instance",
                Engine::Postgres => "rds_postgresql_instance",
                Engine::Mysql => "rds_mysql_instance",
                Engine::MariaDb => "rds_mariadb_instance",
                Engine::Oracle => "rds_oracle_instance",
                Engine::SqlServer => "rds_sql_server_instance",
                Engine::Other => "rds_instance",
            },
            DATABASE,
        ),
        NodeKind::Standby => resource("rds_instance_alt", DATABASE),
        NodeKind::Cluster { aurora: true } | NodeKind::GlobalDatabase => {
            service("aurora", DATABASE)
        }
        NodeKind::Cluster { aurora: false } => resource("rds_multi_az_db_cluster", DATABASE),
        NodeKind::Proxy => resource("rds_proxy", DATABASE),
        NodeKind::Gateway(gateway) => match gateway {
            Gateway::Internet => resource("internet_gateway", NETWORK),
            Gateway::Nat => resource("nat_gateway", NETWORK),
            Gateway::Endpoint => resource("endpoints", NETWORK),
            Gateway::Transit => service("transit_gateway", NETWORK),
            Gateway::Peering => resource("peering_connection", NETWORK),
        },
        NodeKind::Elsewhere => resource("generic_database", ELSEWHERE),
        NodeKind::External => resource("traditional_server", GENERAL),
        NodeKind::Internet => resource("internet_alt2", GENERAL),
    }
}

/// diagrams.net's style for an edge of this kind.
pub(super) fn drawio_edge(kind: EdgeKind) -> String {
    let stroke = edge(kind);
    format!(
        "edgeStyle=orthogonalEdgeStyle;rounded=1;html=1;endArrow=block;endFill=1;\
         strokeColor={};strokeWidth={};dashed={};",
        stroke.color,
        stroke.width,
        u8::from(stroke.dashed)
    )
}

/// What a legend row shows beside its caption.
#[derive(Debug, Clone, Copy)]
pub(super) enum Sample {
    Box(Paint),
    Card(NodeKind),
    Mark,
    Line(EdgeKind),
}

#[derive(Debug, Clone)]
pub(super) struct LegendEntry {
    pub sample: Sample,
    pub caption: String,
}

/// Every box, mark and line style a diagram can use, in reading order.
pub(super) fn legend_entries() -> Vec<LegendEntry> {
    let entry = |sample, caption: &str| LegendEntry {
        sample,
        caption: caption.to_owned(),
    };
    let mut entries = vec![
        entry(Sample::Box(CLOUD), "AWS Cloud"),
        entry(Sample::Box(group(GroupKind::Region)), "Region"),
        entry(Sample::Box(group(GroupKind::Vpc)), "VPC"),
        entry(Sample::Box(group(GroupKind::Zone)), "Availability Zone"),
        entry(
            Sample::Box(group(GroupKind::Subnet(Exposure::Public))),
            "public subnet: default route to an internet gateway",
        ),
        entry(
            Sample::Box(group(GroupKind::Subnet(Exposure::Private))),
            "private subnet: no route to an internet gateway",
        ),
        entry(
            Sample::Box(group(GroupKind::Subnet(Exposure::Unknown))),
            "subnet whose routing could not be read",
        ),
        entry(
            Sample::Card(NodeKind::Instance(Engine::Postgres)),
            "DB instance (engine: PG, MY, APG, AMY, MDB, ORA, SQL)",
        ),
        entry(
            Sample::Card(NodeKind::Cluster { aurora: true }),
            "DB cluster (AUR Aurora, MAZ Multi-AZ DB cluster)",
        ),
        entry(Sample::Card(NodeKind::Standby), "Multi-AZ standby"),
        entry(Sample::Card(NodeKind::Proxy), "RDS Proxy"),
        entry(
            Sample::Card(NodeKind::Gateway(Gateway::Internet)),
            "gateway (IGW, NAT, VPE endpoint, TGW, PCX peering)",
        ),
        entry(
            Sample::Card(NodeKind::GlobalDatabase),
            "Aurora global database",
        ),
        entry(
            Sample::Card(NodeKind::Elsewhere),
            "elsewhere: other account or region, or not listed",
        ),
        entry(
            Sample::Card(NodeKind::External),
            "outside AWS: a migration's source (SRV)",
        ),
    ];
    entries.extend(Mark::ALL.into_iter().map(|mark| LegendEntry {
        sample: Sample::Mark,
        caption: format!("{}: {}", mark.label(), mark.meaning()),
    }));
    entries.extend(EdgeKind::ALL.into_iter().map(|kind| LegendEntry {
        sample: Sample::Line(kind),
        caption: kind.label().to_owned(),
    }));
    entries
}
