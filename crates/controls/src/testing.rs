//! Small hand-built snapshots for check tests.

use rds_evidence_inventory::rds::{
    Backup, DbCluster, DbInstance, Monitoring, ParameterGroupMembership, Storage, Tags,
};
use rds_evidence_inventory::{
    Account, FailureKind, Network, Observed, RegionSnapshot, Snapshot, Unavailable, SCHEMA_VERSION,
};

use crate::{Check, Context, Finding, Outcome, Targets, Thresholds};

pub const COLLECTED_AT: &str = "2026-01-15T12:00:00Z";

/// A standalone PostgreSQL instance with every setting at its good value; tests change what
/// they judge.
pub fn instance(id: &str) -> DbInstance {
    DbInstance {
        identifier: id.to_owned(),
        arn: format!("arn:aws:rds:us-east-1:111122223333:db:{id}"),
        engine: "postgres".to_owned(),
        engine_version: "16.4".to_owned(),
        instance_class: "db.r6g.large".to_owned(),
        status: Some("available".to_owned()),
        created_at: Some("2025-01-01T00:00:00Z".to_owned()),
        storage: Storage {
            storage_type: Some("gp3".to_owned()),
            allocated_gib: Some(100),
            max_allocated_gib: Some(500),
            iops: None,
            throughput_mibps: None,
            encrypted: true,
            kms_key_id: Some(key_arn("prod")),
        },
        multi_az: true,
        availability_zone: Some("us-east-1a".to_owned()),
        secondary_availability_zone: Some("us-east-1b".to_owned()),
        cluster_identifier: None,
        replica_source: None,
        read_replicas: Vec::new(),
        publicly_accessible: Some(false),
        endpoint: None,
        port: Some(5432),
        subnet_group: Some("private".to_owned()),
        vpc_id: Some("vpc-prod".to_owned()),
        vpc_security_groups: vec!["sg-db".to_owned()],
        parameter_groups: vec![ParameterGroupMembership {
            name: "pg16".to_owned(),
            apply_status: Some("in-sync".to_owned()),
        }],
        option_groups: Vec::new(),
        backup: Backup {
            retention_days: 7,
            preferred_window: None,
            latest_restorable_time: Some("2026-01-15T11:55:00Z".to_owned()),
            cross_region_replications: Vec::new(),
        },
        deletion_protection: true,
        iam_database_authentication: true,
        monitoring: Monitoring {
            enhanced_monitoring_interval_s: Some(60),
            enhanced_monitoring_role_arn: None,
            performance_insights_enabled: Some(true),
            performance_insights_kms_key_id: None,
            performance_insights_retention_days: Some(7),
        },
        log_exports: vec!["postgresql".to_owned()],
        ca_certificate: None,
        master_user_secret: None,
        auto_minor_version_upgrade: true,
        tags: tags("prod"),
    }
}

/// An Aurora PostgreSQL cluster with good settings and no members.
pub fn cluster(id: &str) -> DbCluster {
    let instance = instance(id);
    DbCluster {
        identifier: id.to_owned(),
        arn: format!("arn:aws:rds:us-east-1:111122223333:cluster:{id}"),
        engine: "aurora-postgresql".to_owned(),
        engine_version: "16.4".to_owned(),
        engine_mode: Some("provisioned".to_owned()),
        status: Some("available".to_owned()),
        created_at: None,
        members: Vec::new(),
        endpoint: None,
        reader_endpoint: None,
        custom_endpoints: Vec::new(),
        port: Some(5432),
        multi_az: true,
        availability_zones: vec!["us-east-1a".to_owned(), "us-east-1b".to_owned()],
        global_cluster: None,
        replica_source: None,
        read_replicas: Vec::new(),
        storage: instance.storage,
        publicly_accessible: None,
        subnet_group: Some("private".to_owned()),
        vpc_security_groups: vec!["sg-db".to_owned()],
        parameter_group: Some("apg16".to_owned()),
        backup: instance.backup,
        deletion_protection: true,
        iam_database_authentication: true,
        monitoring: instance.monitoring,
        log_exports: vec!["postgresql".to_owned()],
        master_user_secret: None,
        auto_minor_version_upgrade: Some(true),
        serverless_v2_scaling: None,
        tags: tags("prod"),
    }
}

pub fn tags(environment: &str) -> Tags {
    Tags::from([("Environment".to_owned(), environment.to_owned())])
}

pub fn key_arn(name: &str) -> String {
    format!("arn:aws:kms:us-east-1:111122223333:key/{name}")
}

/// A region where every listing was read and is empty.
pub fn region(name: &str) -> RegionSnapshot {
    RegionSnapshot::empty(name)
}

pub fn snapshot(regions: Vec<RegionSnapshot>) -> Snapshot {
    Snapshot {
        schema_version: SCHEMA_VERSION,
        tool_version: "test".to_owned(),
        collected_at: COLLECTED_AT.to_owned(),
        account: Account {
            id: "111122223333".to_owned(),
            caller_arn: "arn:aws:sts::111122223333:assumed-role/Audit/test".to_owned(),
            labels: Default::default(),
            environment: None,
        },
        account_wide: rds_evidence_inventory::governance::AccountWide::empty(),
        regions,
        disabled_regions: Vec::new(),
        calls: Vec::new(),
        source: None,
        other_accounts: Vec::new(),
        well_architected: None,
    }
}

/// One region, `us-east-1`, with these instances.
pub fn with_instances(instances: Vec<DbInstance>) -> Snapshot {
    let mut east = region("us-east-1");
    east.db_instances = Observed::Value(instances);
    snapshot(vec![east])
}

pub fn denied(action: &str) -> Unavailable {
    Unavailable {
        action: action.to_owned(),
        kind: FailureKind::AccessDenied,
        message: "not authorized".to_owned(),
    }
}

pub fn run(check: &Check, snapshot: &Snapshot) -> Vec<Finding> {
    run_with(check, snapshot, &Thresholds::default(), &Targets::default())
}

pub fn run_with(
    check: &Check,
    snapshot: &Snapshot,
    thresholds: &Thresholds,
    targets: &Targets,
) -> Vec<Finding> {
    let environments =
        crate::Environments::classify(snapshot, thresholds, &[], snapshot.account.environment);
    (check.evaluate)(&Context {
        snapshot,
        whole: snapshot,
        thresholds,
        targets,
        environments: &environments,
        case_study: None,
    })
}

/// `(resource id, outcome)` pairs, for compact assertions.
pub fn outcomes(findings: &[Finding]) -> Vec<(String, Outcome)> {
    findings
        .iter()
        .map(|f| (f.resource.id.clone(), f.outcome))
        .collect()
}

/// A manual, encrypted snapshot of instance `prod-db`, shared with nobody.
pub fn db_snapshot(id: &str) -> rds_evidence_inventory::rds::DbSnapshot {
    rds_evidence_inventory::rds::DbSnapshot {
        identifier: id.to_owned(),
        arn: Some(format!("arn:aws:rds:us-east-1:111122223333:snapshot:{id}")),
        source_identifier: Some("prod-db".to_owned()),
        snapshot_type: Some("manual".to_owned()),
        engine: Some("postgres".to_owned()),
        created_at: Some("2026-01-10T00:00:00Z".to_owned()),
        status: Some("available".to_owned()),
        encrypted: true,
        kms_key_id: Some(key_arn("prod")),
        shared_with: Some(Observed::Value(Vec::new())),
    }
}

/// The customer-managed key `key_arn(name)`, rotation on, its policy trusting only the
/// account.
pub fn kms_key(name: &str) -> rds_evidence_inventory::kms::KmsKey {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#;
    rds_evidence_inventory::kms::KmsKey {
        arn: key_arn(name),
        metadata: Observed::Value(rds_evidence_inventory::kms::KeyMetadata {
            key_id: name.to_owned(),
            description: None,
            key_manager: Some("CUSTOMER".to_owned()),
            key_state: Some("Enabled".to_owned()),
            enabled: true,
            origin: Some("AWS_KMS".to_owned()),
            key_spec: Some("SYMMETRIC_DEFAULT".to_owned()),
            multi_region: Some(false),
            created_at: None,
            custom_key_store_id: None,
        }),
        aliases: Observed::Value(Vec::new()),
        policy: Observed::Value(policy.to_owned()),
        rotation_enabled: Observed::Value(true),
        grants: Observed::Value(Vec::new()),
        tags: Observed::Value(Tags::new()),
    }
}

/// A parameter group holding these `(name, value)` parameters, all dynamic and set by the user.
pub fn parameter_group(
    name: &str,
    kind: rds_evidence_inventory::rds::ParameterGroupKind,
    parameters: &[(&str, &str)],
) -> rds_evidence_inventory::rds::ParameterGroup {
    rds_evidence_inventory::rds::ParameterGroup {
        name: name.to_owned(),
        kind,
        parameters: Observed::Value(
            parameters
                .iter()
                .map(|(name, value)| rds_evidence_inventory::rds::Parameter {
                    name: (*name).to_owned(),
                    value: Some((*value).to_owned()),
                    source: Some("user".to_owned()),
                    apply_type: Some("dynamic".to_owned()),
                })
                .collect(),
        ),
    }
}

/// One region, `us-east-1`, with these instances in a private network: DB subnet group
/// `private` (`subnet-a`, `subnet-b` of `vpc-prod`), security group `sg-db` open on 5432 to
/// `sg-app` only, a main route table whose default route goes to a NAT gateway, a dedicated
/// NACL `acl-db` that admits 5432 from the VPC only (beside the untouched default NACL), and
/// an active VPC flow log. Tests break what they judge.
pub fn networked(instances: Vec<DbInstance>) -> Snapshot {
    use rds_evidence_inventory::network::{FlowLog, Peer, RouteTarget, Vpc};
    let mut east = region("us-east-1");
    east.db_instances = Observed::Value(instances);
    east.db_subnet_groups = Observed::Value(vec![db_subnet_group(
        "private",
        "vpc-prod",
        &["subnet-a", "subnet-b"],
    )]);
    east.network = Network {
        vpcs: Observed::Value(vec![Vpc {
            id: "vpc-prod".to_owned(),
            cidr_block: Some("10.0.0.0/16".to_owned()),
            is_default: false,
            tags: tags("prod"),
        }]),
        subnets: Observed::Value(Vec::new()),
        route_tables: Observed::Value(vec![route_table(
            "rtb-main",
            "vpc-prod",
            true,
            &[],
            vec![
                route_to("10.0.0.0/16", RouteTarget::Local),
                route_to("0.0.0.0/0", RouteTarget::NatGateway("nat-1".to_owned())),
            ],
        )]),
        network_acls: Observed::Value(vec![
            network_acl(
                "acl-default",
                "vpc-prod",
                true,
                &[],
                vec![nacl_entry(100, true, "-1", "0.0.0.0/0", None)],
            ),
            network_acl(
                "acl-db",
                "vpc-prod",
                false,
                &["subnet-a", "subnet-b"],
                vec![nacl_entry(
                    100,
                    true,
                    "6",
                    "10.0.0.0/16",
                    Some((5432, 5432)),
                )],
            ),
        ]),
        security_groups: Observed::Value(vec![vpc_security_group(
            "sg-db",
            "db",
            vec![tcp_from(5432, Peer::SecurityGroup("sg-app".to_owned()))],
        )]),
        flow_logs: Observed::Value(vec![FlowLog {
            id: "fl-1".to_owned(),
            resource_id: Some("vpc-prod".to_owned()),
            traffic_type: Some("ALL".to_owned()),
            destination_type: Some("cloud-watch-logs".to_owned()),
            destination: None,
            status: Some("ACTIVE".to_owned()),
        }]),
        prefix_lists: Vec::new(),
    };
    snapshot(vec![east])
}

/// The items of a listing a test built as known.
pub fn items_mut<T>(listing: &mut Observed<Vec<T>>) -> &mut Vec<T> {
    match listing {
        Observed::Value(items) => items,
        Observed::Unknown(why) => panic!("listing is unknown: {why}"),
    }
}

pub fn db_subnet_group(
    name: &str,
    vpc: &str,
    subnets: &[&str],
) -> rds_evidence_inventory::rds::DbSubnetGroup {
    rds_evidence_inventory::rds::DbSubnetGroup {
        name: name.to_owned(),
        arn: None,
        vpc_id: Some(vpc.to_owned()),
        subnets: subnets
            .iter()
            .map(|id| rds_evidence_inventory::rds::SubnetRef {
                subnet_id: (*id).to_owned(),
                availability_zone: None,
            })
            .collect(),
    }
}

/// A security group in `vpc-prod` with these ingress rules and no egress rules.
pub fn vpc_security_group(
    id: &str,
    name: &str,
    ingress: Vec<rds_evidence_inventory::network::SecurityGroupRule>,
) -> rds_evidence_inventory::network::SecurityGroup {
    rds_evidence_inventory::network::SecurityGroup {
        id: id.to_owned(),
        name: name.to_owned(),
        vpc_id: Some("vpc-prod".to_owned()),
        description: None,
        ingress,
        egress: Vec::new(),
        tags: Tags::new(),
    }
}

/// A TCP rule for one port.
pub fn tcp_from(
    port: i32,
    peer: rds_evidence_inventory::network::Peer,
) -> rds_evidence_inventory::network::SecurityGroupRule {
    rds_evidence_inventory::network::SecurityGroupRule {
        protocol: "tcp".to_owned(),
        ports: Some(rds_evidence_inventory::network::PortRange {
            from: port,
            to: port,
        }),
        peer,
        description: None,
    }
}

pub fn route_table(
    id: &str,
    vpc: &str,
    main: bool,
    subnets: &[&str],
    routes: Vec<rds_evidence_inventory::network::Route>,
) -> rds_evidence_inventory::network::RouteTable {
    rds_evidence_inventory::network::RouteTable {
        id: id.to_owned(),
        vpc_id: vpc.to_owned(),
        main,
        subnet_ids: subnets.iter().map(|s| (*s).to_owned()).collect(),
        routes,
    }
}

/// An active route.
pub fn route_to(
    destination: &str,
    target: rds_evidence_inventory::network::RouteTarget,
) -> rds_evidence_inventory::network::Route {
    rds_evidence_inventory::network::Route {
        destination: destination.to_owned(),
        target,
        active: true,
    }
}

pub fn network_acl(
    id: &str,
    vpc: &str,
    is_default: bool,
    subnets: &[&str],
    entries: Vec<rds_evidence_inventory::network::NaclEntry>,
) -> rds_evidence_inventory::network::NetworkAcl {
    rds_evidence_inventory::network::NetworkAcl {
        id: id.to_owned(),
        vpc_id: vpc.to_owned(),
        is_default,
        subnet_ids: subnets.iter().map(|s| (*s).to_owned()).collect(),
        entries,
    }
}

/// An inbound NACL entry; a CIDR with a colon is IPv6.
pub fn nacl_entry(
    rule_number: i32,
    allow: bool,
    protocol: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> rds_evidence_inventory::network::NaclEntry {
    let v6 = cidr.contains(':');
    rds_evidence_inventory::network::NaclEntry {
        rule_number,
        egress: false,
        allow,
        protocol: protocol.to_owned(),
        cidr_block: (!v6).then(|| cidr.to_owned()),
        ipv6_cidr_block: v6.then(|| cidr.to_owned()),
        port_range: ports.map(|(from, to)| rds_evidence_inventory::network::PortRange { from, to }),
    }
}

/// An Aurora PostgreSQL member of `cluster`, in availability zone `zone`.
pub fn member_of(id: &str, cluster: &str, zone: &str) -> DbInstance {
    let mut member = instance(id);
    member.engine = "aurora-postgresql".to_owned();
    member.cluster_identifier = Some(cluster.to_owned());
    member.multi_az = false;
    member.availability_zone = Some(zone.to_owned());
    member.secondary_availability_zone = None;
    member.log_exports = Vec::new();
    member
}

/// A same-region read replica of `source`, Single-AZ in `us-east-1b`, without automated
/// backups or deletion protection, as RDS creates them.
pub fn replica_of(id: &str, source: &str) -> DbInstance {
    let mut replica = instance(id);
    replica.replica_source = Some(source.to_owned());
    replica.multi_az = false;
    replica.availability_zone = Some("us-east-1b".to_owned());
    replica.secondary_availability_zone = None;
    replica.backup.retention_days = 0;
    replica.backup.latest_restorable_time = None;
    replica.deletion_protection = false;
    replica
}

/// `cluster(id)` with these `(instance, is_writer)` members and the Multi-AZ flag off, so that
/// placement is judged from the members' zones.
pub fn cluster_of(id: &str, members: &[(&str, bool)]) -> DbCluster {
    let mut cluster = cluster(id);
    cluster.multi_az = false;
    cluster.members = members
        .iter()
        .map(
            |(member, is_writer)| rds_evidence_inventory::rds::ClusterMember {
                instance_identifier: (*member).to_owned(),
                is_writer: *is_writer,
                promotion_tier: Some(1),
            },
        )
        .collect();
    cluster
}

/// An enabled, active event subscription to every category of every source.
pub fn subscription(name: &str) -> rds_evidence_inventory::rds::EventSubscription {
    rds_evidence_inventory::rds::EventSubscription {
        name: name.to_owned(),
        arn: None,
        sns_topic_arn: Some("arn:aws:sns:us-east-1:111122223333:dba".to_owned()),
        source_type: None,
        source_ids: Vec::new(),
        event_categories: Vec::new(),
        enabled: true,
        status: Some("active".to_owned()),
    }
}
