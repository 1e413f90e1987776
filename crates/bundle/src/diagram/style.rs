//! Colours and line styles, shared by the DOT source, the SVG and their legends. Colours follow
//! the AWS architecture-icon conventions: VPC purple, public subnet green, private subnet teal.

use super::model::{EdgeKind, Exposure, GroupKind, NodeKind};

/// How a box is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Paint {
    pub fill: &'static str,
    pub stroke: &'static str,
    pub width: u32,
    pub dashed: bool,
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stroke {
    pub color: &'static str,
    pub width: u32,
    pub dashed: bool,
}

const EXPOSED: &str = "#d13212";
const UNENCRYPTED_FILL: &str = "#fff3cd";

const fn paint(fill: &'static str, stroke: &'static str, width: u32, dashed: bool) -> Paint {
    Paint {
        fill,
        stroke,
        width,
        dashed,
    }
}

pub(super) fn node(kind: NodeKind) -> Paint {
    let database = |base: Paint, encrypted: bool, exposed: bool| Paint {
        fill: if encrypted {
            base.fill
        } else {
            UNENCRYPTED_FILL
        },
        stroke: if exposed { EXPOSED } else { base.stroke },
        width: if exposed { 3 } else { base.width },
        ..base
    };
    match kind {
        NodeKind::Database { encrypted, exposed } => {
            database(paint("#eef0fc", "#3b48cc", 1, false), encrypted, exposed)
        }
        NodeKind::Cluster { encrypted, exposed } => {
            database(paint("#dde1f8", "#2e27ad", 2, false), encrypted, exposed)
        }
        NodeKind::Standby => paint("#ffffff", "#5f6b7a", 1, true),
        NodeKind::Elsewhere => paint("#f2f3f3", "#5f6b7a", 1, true),
        NodeKind::GlobalDatabase => paint("#e6f2ea", "#1d8102", 2, false),
        NodeKind::Internet => paint("#fdecea", EXPOSED, 2, false),
    }
}

pub(super) fn group(kind: GroupKind) -> Paint {
    match kind {
        GroupKind::Vpc => paint("#faf7ff", "#8c4fff", 2, false),
        GroupKind::Zone => paint("#ffffff", "#147eba", 1, true),
        GroupKind::Subnet(Exposure::Public) => paint("#eef6e8", "#7aa116", 1, false),
        GroupKind::Subnet(Exposure::Private) => paint("#e6f6f7", "#00a4a6", 1, false),
        GroupKind::Subnet(Exposure::Unknown) => paint("#f2f3f3", "#8d99a8", 1, true),
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
        EdgeKind::Standby => stroke("#5f6b7a", 1, true),
        EdgeKind::Replication => stroke("#1d8102", 1, false),
        EdgeKind::CrossRegion => stroke("#1d8102", 2, true),
        EdgeKind::GlobalMember => stroke("#067f68", 1, true),
        EdgeKind::Internet => stroke(EXPOSED, 3, false),
    }
}

/// The boxes a legend explains, in reading order.
pub(super) fn legend_boxes() -> [(Paint, &'static str); 11] {
    let db = |encrypted, exposed| node(NodeKind::Database { encrypted, exposed });
    [
        (group(GroupKind::Vpc), "VPC"),
        (group(GroupKind::Zone), "Availability Zone"),
        (
            group(GroupKind::Subnet(Exposure::Public)),
            "public subnet (default route to an internet gateway)",
        ),
        (
            group(GroupKind::Subnet(Exposure::Private)),
            "private subnet (no internet gateway route)",
        ),
        (db(true, false), "DB instance, encrypted"),
        (db(false, false), "DB instance, NOT encrypted"),
        (db(true, true), "reachable from the internet (evaluation)"),
        (
            node(NodeKind::Cluster {
                encrypted: true,
                exposed: false,
            }),
            "DB cluster",
        ),
        (node(NodeKind::Standby), "Multi-AZ standby"),
        (node(NodeKind::Elsewhere), "in another region or account"),
        (node(NodeKind::GlobalDatabase), "Aurora global database"),
    ]
}
