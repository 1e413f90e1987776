//! End to end against the moto emulator: the demo estate (tests/emulator/build_estate.py) is
//! built once, the real binary collects it once, and each test checks one part of the snapshot
//! against how the estate was built.

mod common;

use std::collections::BTreeSet;

use common::{
    collect_snapshot, comparable, demo_collection, demo_emulator, rds_evidence,
    rds_evidence_with_credentials, stderr, DemoCollection, EMULATOR_GAPS, NOT_CONFIGURED_ANSWERS,
};
use rds_evidence_collector::allow_list::is_allowed;
use rds_evidence_inventory::network::{Peer, SecurityGroup};
use rds_evidence_inventory::rds::{DbInstance, DbSnapshot};
use rds_evidence_inventory::{CallOutcome, RegionSnapshot};

fn collected() -> &'static DemoCollection {
    demo_collection()
}

fn region(name: &str) -> &'static RegionSnapshot {
    collected()
        .snapshot
        .regions
        .iter()
        .find(|r| r.region == name)
        .unwrap_or_else(|| panic!("region {name} missing"))
}

fn instance(region_name: &str, id: &str) -> &'static DbInstance {
    region(region_name)
        .db_instances
        .value()
        .expect("instances observed")
        .iter()
        .find(|i| i.identifier == id)
        .unwrap_or_else(|| panic!("instance {id} missing in {region_name}"))
}

fn security_group(name: &str) -> &'static SecurityGroup {
    region("us-east-1")
        .network
        .security_groups
        .value()
        .expect("security groups observed")
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("security group {name} missing"))
}

fn snapshot(id: &str) -> &'static DbSnapshot {
    let region = region("us-east-1");
    region
        .db_snapshots
        .value()
        .into_iter()
        .chain(region.db_cluster_snapshots.value())
        .flatten()
        .find(|s| s.identifier == id)
        .unwrap_or_else(|| panic!("snapshot {id} missing"))
}

fn key_arn(name: &str) -> &'static str {
    collected().estate["kms_keys"][name]
        .as_str()
        .unwrap_or_else(|| panic!("estate has no key {name}"))
}

#[test]
fn account_and_regions() {
    let snapshot = &collected().snapshot;
    assert_eq!(
        snapshot.account.id,
        collected().estate["account_id"].as_str().unwrap()
    );
    let regions: Vec<&str> = snapshot.regions.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
}

#[test]
fn databases_are_counted_and_neptune_is_left_out() {
    let ids = |r: &RegionSnapshot| -> BTreeSet<String> {
        r.db_instances
            .value()
            .unwrap()
            .iter()
            .map(|i| i.identifier.clone())
            .collect()
    };
    assert_eq!(
        ids(region("us-east-1")),
        BTreeSet::from(
            [
                "dev-mysql",
                "dev-postgres",
                "prod-aurora-1",
                "prod-aurora-2",
                "prod-postgres",
                "prod-postgres-replica"
            ]
            .map(String::from)
        )
    );
    assert_eq!(
        ids(region("eu-west-1")),
        BTreeSet::from(["prod-postgres-dr".to_owned()])
    );

    let clusters = region("us-east-1").db_clusters.value().unwrap();
    assert_eq!(clusters.len(), 1);
    let aurora = &clusters[0];
    assert_eq!(aurora.identifier, "prod-aurora");
    assert_eq!(aurora.engine, "aurora-postgresql");
    let members: BTreeSet<&str> = aurora
        .members
        .iter()
        .map(|m| m.instance_identifier.as_str())
        .collect();
    assert_eq!(members, BTreeSet::from(["prod-aurora-1", "prod-aurora-2"]));
    assert_eq!(aurora.members.iter().filter(|m| m.is_writer).count(), 1);

    let excluded: BTreeSet<&str> = region("us-east-1")
        .excluded
        .iter()
        .map(|e| e.identifier.as_str())
        .collect();
    assert!(excluded.contains("legacy-neptune"), "{excluded:?}");
    assert!(collected().summary.contains("legacy-neptune (neptune)"));
}

#[test]
fn replica_links_in_both_directions_and_across_regions() {
    let primary = instance("us-east-1", "prod-postgres");
    let replica = instance("us-east-1", "prod-postgres-replica");
    let dr = instance("eu-west-1", "prod-postgres-dr");
    assert!(primary
        .read_replicas
        .iter()
        .any(|r| r == "prod-postgres-replica"));
    assert!(
        primary.read_replicas.iter().any(|r| r == &dr.arn),
        "cross-region replica named by ARN: {:?}",
        primary.read_replicas
    );
    assert_eq!(replica.replica_source.as_deref(), Some("prod-postgres"));
    assert_eq!(dr.replica_source.as_deref(), Some(primary.arn.as_str()));
}

#[test]
fn instance_settings_the_checklist_needs() {
    let prod = instance("us-east-1", "prod-postgres");
    assert!(prod.multi_az);
    assert!(prod.storage.encrypted);
    assert_eq!(
        prod.storage.kms_key_id.as_deref(),
        Some(key_arn("prod-key"))
    );
    assert_eq!(prod.backup.retention_days, 7);
    assert!(prod.deletion_protection);
    assert!(prod.iam_database_authentication);
    let groups: Vec<&str> = prod
        .parameter_groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(groups, ["prod-postgres16"]);
    assert_eq!(prod.log_exports, ["postgresql"]);
    assert_eq!(prod.monitoring.enhanced_monitoring_interval_s, Some(60));
    assert_eq!(
        prod.tags.get("Environment").map(String::as_str),
        Some("prod")
    );
    assert_eq!(prod.publicly_accessible, Some(false));

    let dev = instance("us-east-1", "dev-mysql");
    assert!(!dev.multi_az);
    assert!(!dev.storage.encrypted);
    assert_eq!(dev.publicly_accessible, Some(true));
    assert_eq!(dev.tags.get("Environment").map(String::as_str), Some("dev"));
}

#[test]
fn keys_are_read_once_with_policy_and_rotation() {
    let keys = &region("us-east-1").kms_keys;
    let arns: Vec<&str> = keys.iter().map(|k| k.arn.as_str()).collect();
    let unique: BTreeSet<&str> = arns.iter().copied().collect();
    assert_eq!(arns.len(), unique.len(), "a key was read twice: {arns:?}");

    let key = |name: &str| {
        keys.iter()
            .find(|k| k.arn == key_arn(name))
            .unwrap_or_else(|| panic!("{name} not collected: {arns:?}"))
    };
    let prod = key("prod-key");
    assert_eq!(prod.rotation_enabled.value(), Some(&true));
    assert!(prod.metadata.value().unwrap().is_customer_managed());
    assert_eq!(prod.aliases.value().unwrap(), &["alias/prod-db"]);
    assert_eq!(
        prod.tags
            .value()
            .unwrap()
            .get("Environment")
            .map(String::as_str),
        Some("prod")
    );
    assert!(!prod.policy.value().unwrap().contains("\"AWS\": \"*\""));

    let dev = key("dev-key");
    assert_eq!(dev.rotation_enabled.value(), Some(&false));
    let policy: serde_json::Value = serde_json::from_str(dev.policy.value().unwrap()).unwrap();
    let everyone = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["Principal"]["AWS"] == "*");
    assert!(everyone, "dev key policy grants '*': {policy}");

    let dr = region("eu-west-1")
        .kms_keys
        .iter()
        .find(|k| k.arn == key_arn("dr-key"))
        .expect("the DR replica's key, in its own region");
    assert_eq!(dr.rotation_enabled.value(), Some(&true));
}

#[test]
fn open_and_restricted_security_groups() {
    let open = security_group("db-open-sg");
    let open_peers: BTreeSet<&Peer> = open
        .ingress
        .iter()
        .filter(|r| r.allows_tcp_port(3306))
        .map(|r| &r.peer)
        .collect();
    assert!(open_peers.contains(&Peer::Ipv4Cidr("0.0.0.0/0".into())));
    assert!(open_peers.contains(&Peer::Ipv6Cidr("::/0".into())));

    let app = security_group("app-sg");
    let restricted = security_group("db-restricted-sg");
    assert!(!restricted.ingress.is_empty());
    for rule in &restricted.ingress {
        assert_eq!(rule.peer, Peer::SecurityGroup(app.id.clone()));
        assert!(rule.allows_tcp_port(5432) && !rule.allows_tcp_port(3306));
    }
    let prod = instance("us-east-1", "prod-postgres");
    assert_eq!(
        prod.vpc_security_groups,
        std::slice::from_ref(&restricted.id)
    );
}

#[test]
fn routes_distinguish_internet_gateway_from_nat() {
    use rds_evidence_inventory::network::RouteTarget;
    let tables = region("us-east-1").network.route_tables.value().unwrap();
    let target_of_default_route = |subnet: &str| {
        let subnet_id = collected().estate["subnets"][subnet].as_str().unwrap();
        let table = tables
            .iter()
            .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id))
            .unwrap_or_else(|| panic!("no route table for {subnet}"));
        table
            .routes
            .iter()
            .find(|r| r.destination == "0.0.0.0/0")
            .map(|r| r.target.clone())
    };
    assert!(matches!(
        target_of_default_route("public-a"),
        Some(RouteTarget::InternetGateway(_))
    ));
    assert!(matches!(
        target_of_default_route("private-a"),
        Some(RouteTarget::NatGateway(_))
    ));
}

#[test]
fn snapshot_sharing_is_read_for_manual_snapshots_only() {
    assert_eq!(
        snapshot("dev-mysql-public-snap")
            .shared_with
            .as_ref()
            .and_then(|s| s.value())
            .unwrap(),
        &["all"]
    );
    assert_eq!(
        snapshot("prod-postgres-shared-snap")
            .shared_with
            .as_ref()
            .and_then(|s| s.value())
            .unwrap(),
        &["111122223333"]
    );
    assert!(snapshot("prod-postgres-manual-snap")
        .shared_with
        .as_ref()
        .and_then(|s| s.value())
        .unwrap()
        .is_empty());
    assert!(snapshot("prod-aurora-manual-snap")
        .shared_with
        .as_ref()
        .and_then(|s| s.value())
        .unwrap()
        .is_empty());

    let all = region("us-east-1").db_snapshots.value().unwrap();
    let automated: Vec<_> = all.iter().filter(|s| !s.is_manual()).collect();
    assert!(
        !automated.is_empty(),
        "the emulator makes automated snapshots"
    );
    assert!(automated.iter().all(|s| s.shared_with.is_none()));
}

fn calls(region_name: &str, action: &str) -> usize {
    collected()
        .snapshot
        .calls
        .iter()
        .filter(|c| c.region == region_name && c.action == action)
        .count()
}

#[test]
fn every_call_is_in_the_allow_list_and_failed_only_where_expected() {
    let snapshot = &collected().snapshot;
    assert!(!snapshot.calls.is_empty());
    for call in &snapshot.calls {
        assert!(
            is_allowed(&call.action),
            "{} is not allow-listed",
            call.action
        );
        assert!(call.attempts >= 1);
        if call.outcome != CallOutcome::Ok {
            let action = call.action.as_str();
            assert!(
                EMULATOR_GAPS.contains(&action) || NOT_CONFIGURED_ANSWERS.contains(&action),
                "unexpected failure: {call:?}"
            );
        }
    }
    let unknown: BTreeSet<&str> = snapshot
        .gaps()
        .iter()
        .map(|g| g.why.action.as_str())
        .collect();
    assert_eq!(
        unknown,
        EMULATOR_GAPS.iter().copied().collect::<BTreeSet<_>>()
    );
}

#[test]
fn shared_things_are_fetched_once() {
    let east = region("us-east-1");
    // Each group here has fewer parameters than one page holds: one call per distinct group.
    let groups = |kind| {
        east.parameter_groups
            .iter()
            .filter(|g| g.kind == kind)
            .count()
    };
    use rds_evidence_inventory::rds::ParameterGroupKind::{Cluster, Instance};
    let instance_groups: BTreeSet<&str> = east
        .db_instances
        .value()
        .unwrap()
        .iter()
        .flat_map(|i| i.parameter_groups.iter().map(|g| g.name.as_str()))
        .collect();
    assert_eq!(groups(Instance), instance_groups.len());
    assert_eq!(
        calls("us-east-1", "rds:DescribeDBParameters"),
        instance_groups.len()
    );
    assert!(
        instance_groups.len() < east.db_instances.value().unwrap().len(),
        "groups are shared"
    );
    assert_eq!(groups(Cluster), 1);
    assert_eq!(calls("us-east-1", "rds:DescribeDBClusterParameters"), 1);

    let manual = |list: &[DbSnapshot]| list.iter().filter(|s| s.is_manual()).count();
    assert_eq!(
        calls("us-east-1", "rds:DescribeDBSnapshotAttributes"),
        manual(east.db_snapshots.value().unwrap())
    );
    assert_eq!(
        calls("us-east-1", "rds:DescribeDBClusterSnapshotAttributes"),
        manual(east.db_cluster_snapshots.value().unwrap())
    );
    for action in [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
    ] {
        assert_eq!(calls("us-east-1", action), east.kms_keys.len(), "{action}");
    }
    assert_eq!(calls("us-east-1", "kms:ListAliases"), 1);
    assert_eq!(calls("us-east-1", "rds:DescribeDBInstances"), 1);
    assert_eq!(calls("us-east-1", "ec2:DescribeSecurityGroups"), 1);
}

#[test]
fn summary_names_what_was_collected() {
    let summary = &collected().summary;
    assert!(summary.contains(&format!("Account   {}", collected().snapshot.account.id)));
    assert!(summary.contains("shared publicly 1"), "{summary}");
    assert!(summary.contains("not supported: HTTP 500"), "{summary}");
    assert!(summary.contains("more in snapshot.json"), "{summary}");
    assert!(summary.contains("Bundle written to"), "{summary}");
    assert!(summary.contains("report.html"), "{summary}");
}

#[test]
fn unknown_region_is_named_with_the_enabled_ones() {
    let (emulator, _) = demo_emulator();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = rds_evidence_with_credentials(dir.path())
        .args(["collect", "--regions", "us-east-1,us-nowhere-9"])
        .args(["--endpoint-url", &emulator.endpoint])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("region us-nowhere-9 is unknown or not enabled"),
        "{err}"
    );
    assert!(
        err.contains("eu-west-1"),
        "lists the enabled regions: {err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!out.exists());
}

#[test]
fn replaying_the_recording_gives_the_same_snapshot() {
    let live = collected();
    let dir = tempfile::tempdir().unwrap();
    let mut command = rds_evidence(dir.path());
    command
        .arg("collect")
        .arg("--replay")
        .arg(live.dir.path().join("recording"));
    let (replayed, _) = collect_snapshot(command, &dir.path().join("out"));
    assert_eq!(comparable(&replayed), comparable(&live.snapshot));
}

/// The bundle and the recording of the emulator run: no credential, signature or the estate's
/// master password anywhere, spreadsheet included.
#[test]
fn no_bundle_or_recording_file_holds_a_secret() {
    let dir = collected().dir.path();
    let scanned = common::assert_no_secrets(dir);
    assert!(
        scanned > 20,
        "bundle and recording were written ({scanned} files)"
    );
}
