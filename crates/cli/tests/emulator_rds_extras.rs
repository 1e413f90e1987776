//! End to end against the moto emulator: the RDS extras of the demo estate
//! (tests/emulator/build_estate.py) — dev-mysql's audit option group and the global database
//! around prod-aurora — and the extras moto cannot answer, recorded as unknown where they
//! belong.

mod common;

use common::{demo_collection, DemoCollection};
use rds_evidence_inventory::rds::{DbOption, OptionGroup, OptionSetting};
use rds_evidence_inventory::{CallOutcome, FailureKind, Observed, RegionSnapshot};

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

fn built_str(path: &[&str]) -> &'static str {
    path.iter()
        .fold(collected().estate, |value, key| &value[key])
        .as_str()
        .unwrap_or_else(|| panic!("estate has no {path:?}"))
}

#[test]
fn the_audit_option_group_is_read_with_its_settings() {
    let east = region("us-east-1");
    let group = east
        .option_groups
        .iter()
        .find(|g| g.name == "dev-mysql-audit")
        .expect("dev-mysql-audit collected");
    assert_eq!(
        group,
        &OptionGroup {
            name: "dev-mysql-audit".into(),
            options: Observed::Value(vec![DbOption {
                name: "MARIADB_AUDIT_PLUGIN".into(),
                port: None,
                settings: vec![OptionSetting {
                    name: "SERVER_AUDIT_EVENTS".into(),
                    value: Some("CONNECT,QUERY_DDL".into()),
                }],
            }]),
        }
    );
    let dev_mysql = east
        .db_instances
        .value()
        .unwrap()
        .iter()
        .find(|i| i.identifier == "dev-mysql")
        .unwrap();
    assert_eq!(dev_mysql.option_groups, ["dev-mysql-audit"]);
}

#[test]
fn each_option_group_is_asked_for_once_and_defaults_are_unknown_to_moto() {
    for region in &collected().snapshot.regions {
        let mut referenced: Vec<&str> = region
            .db_instances
            .value()
            .unwrap()
            .iter()
            .flat_map(|i| i.option_groups.iter().map(String::as_str))
            .collect();
        referenced.sort_unstable();
        referenced.dedup();
        let read: Vec<&str> = region
            .option_groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(read, referenced, "{}", region.region);
        let calls = collected()
            .snapshot
            .calls
            .iter()
            .filter(|c| c.action == "rds:DescribeOptionGroups" && c.region == region.region)
            .count();
        assert_eq!(calls, referenced.len(), "{}", region.region);
        for group in region
            .option_groups
            .iter()
            .filter(|g| g.name.starts_with("default:"))
        {
            let why = group
                .options
                .unavailable()
                .expect("moto has no default groups");
            assert_eq!(why.kind, FailureKind::NotFound, "{}", group.name);
        }
    }
}

#[test]
fn the_global_database_names_prod_aurora() {
    let arn = built_str(&["global_clusters", "prod-global"]);
    let aurora_arn = built_str(&["db_clusters", "prod-aurora"]);
    let globals = region("us-east-1").global_clusters.value().unwrap();
    assert_eq!(globals.len(), 1);
    let global = &globals[0];
    assert_eq!(global.identifier, "prod-global");
    assert_eq!(global.arn.as_deref(), Some(arn));
    assert_eq!(global.engine.as_deref(), Some("aurora-postgresql"));
    let members: Vec<&str> = global
        .members
        .iter()
        .map(|m| m.cluster_arn.as_str())
        .collect();
    assert_eq!(members, [aurora_arn]);
}

#[test]
fn what_moto_does_not_implement_is_unknown_not_empty() {
    for region in &collected().snapshot.regions {
        for (listing, action) in [
            (
                region.pending_maintenance.unavailable(),
                "rds:DescribePendingMaintenanceActions",
            ),
            (
                region.certificates.unavailable(),
                "rds:DescribeCertificates",
            ),
            (
                region.reserved_instances.unavailable(),
                "rds:DescribeReservedDBInstances",
            ),
        ] {
            let why = listing.unwrap_or_else(|| panic!("{action} known in {}", region.region));
            assert_eq!(why.action, action);
        }
        assert!(!region.engine_versions.is_empty());
        for version in &region.engine_versions {
            let why = version.details.unavailable().expect("moto has no versions");
            assert_eq!(why.action, "rds:DescribeDBEngineVersions");
        }
    }
}

#[test]
fn engine_versions_are_asked_once_per_distinct_pair() {
    for region in &collected().snapshot.regions {
        let mut pairs: Vec<(&str, &str)> = region
            .db_instances
            .value()
            .unwrap()
            .iter()
            .map(|i| (i.engine.as_str(), i.engine_version.as_str()))
            .chain(
                region
                    .db_clusters
                    .value()
                    .unwrap()
                    .iter()
                    .map(|c| (c.engine.as_str(), c.engine_version.as_str())),
            )
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let asked: Vec<(&str, &str)> = region
            .engine_versions
            .iter()
            .map(|v| (v.engine.as_str(), v.version.as_str()))
            .collect();
        assert_eq!(asked, pairs, "{}", region.region);
        let requests: usize = collected()
            .snapshot
            .calls
            .iter()
            .filter(|c| {
                c.action == "rds:DescribeDBEngineVersions"
                    && c.region == region.region
                    && c.outcome != CallOutcome::Ok
            })
            .count();
        assert_eq!(requests, pairs.len(), "{}", region.region);
    }
}
