//! End to end against the moto emulator: the regional services around the demo databases
//! (tests/emulator/estate_services.py): secrets, AWS Backup, Aurora replica auto scaling and
//! CloudFormation stacks, RDS log groups and DMS migrations.

mod common;

use std::collections::BTreeSet;

use common::{demo_collection, DemoCollection};
use rds_evidence_inventory::services::{BackupRule, Secret, Stack, StackResource};
use rds_evidence_inventory::{CallOutcome, FailureKind, Observed, RegionSnapshot};

fn collected() -> &'static DemoCollection {
    demo_collection()
}

fn built(path: &[&str]) -> &'static serde_json::Value {
    path.iter()
        .fold(&collected().estate["services"], |value, key| &value[key])
}

fn built_str(path: &[&str]) -> &'static str {
    built(path)
        .as_str()
        .unwrap_or_else(|| panic!("estate has no {path:?}"))
}

fn region(name: &str) -> &'static RegionSnapshot {
    collected()
        .snapshot
        .regions
        .iter()
        .find(|r| r.region == name)
        .unwrap_or_else(|| panic!("region {name} missing"))
}

fn secret(name: &str) -> &'static Secret {
    region("us-east-1")
        .secrets
        .value()
        .expect("secrets observed")
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("secret {name} missing"))
}

#[test]
fn database_secrets_only() {
    let names: BTreeSet<&str> = region("us-east-1")
        .secrets
        .value()
        .unwrap()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let aurora_secret = region("us-east-1").db_clusters.value().unwrap()[0]
        .master_user_secret
        .as_ref()
        .and_then(|s| s.secret_arn.clone())
        .expect("prod-aurora has a managed master-user secret");
    let managed = region("us-east-1")
        .secrets
        .value()
        .unwrap()
        .iter()
        .find(|s| s.arn == aurora_secret)
        .expect("the cluster's managed secret is listed");
    assert_eq!(
        names,
        BTreeSet::from([
            "dev-mysql/admin",
            "prod-postgres/app-user",
            managed.name.as_str()
        ])
    );
    assert_eq!(
        region("eu-west-1").secrets,
        Observed::Value(Vec::new()),
        "no secrets in the DR region"
    );
}

#[test]
fn rds_managed_secret_is_owned_by_rds_and_names_its_cluster() {
    let cluster = &region("us-east-1").db_clusters.value().unwrap()[0];
    let arn = cluster
        .master_user_secret
        .as_ref()
        .unwrap()
        .secret_arn
        .as_ref();
    let managed = region("us-east-1")
        .secrets
        .value()
        .unwrap()
        .iter()
        .find(|s| Some(&s.arn) == arn)
        .unwrap();
    assert!(managed.name.starts_with("rds!cluster-"), "{}", managed.name);
    assert_eq!(managed.owning_service.as_deref(), Some("rds"));
    assert_eq!(
        managed
            .tags
            .get("aws:rds:primaryDBClusterArn")
            .map(String::as_str),
        Some(cluster.arn.as_str())
    );
}

#[test]
fn rotating_app_user_secret() {
    let app = secret("prod-postgres/app-user");
    assert_eq!(app.arn, built_str(&["secrets", "prod-postgres/app-user"]));
    assert!(app.rotation_enabled);
    assert_eq!(app.rotation_days, Some(30));
    assert_eq!(app.rotation_schedule, None);
    assert!(app.last_rotated.is_some());
    assert_eq!(
        app.kms_key_id.as_deref(),
        collected().estate["kms_keys"]["prod-key"].as_str()
    );
    assert_eq!(app.owning_service, None);
    assert_eq!(app.tags["rds-db"], "prod-postgres");
}

#[test]
fn non_rotating_admin_secret_on_the_default_key() {
    let admin = secret("dev-mysql/admin");
    assert_eq!(admin.arn, built_str(&["secrets", "dev-mysql/admin"]));
    assert!(!admin.rotation_enabled);
    assert_eq!(admin.rotation_days, None);
    assert_eq!(admin.last_rotated, None);
    assert_eq!(admin.kms_key_id, None);
    assert_eq!(admin.tags["rds-db"], "dev-mysql");
}

#[test]
fn secret_values_are_never_read_or_written() {
    let values = built(&["secret_values_never_to_leak"]).as_array().unwrap();
    assert_eq!(values.len(), 2);
    for value in values {
        let value = value.as_str().unwrap();
        assert!(!collected().text.contains(value), "{value} leaked");
    }
    let secret_calls: BTreeSet<&str> = collected()
        .snapshot
        .calls
        .iter()
        .map(|c| c.action.as_str())
        .filter(|a| a.starts_with("secretsmanager:"))
        .collect();
    assert_eq!(secret_calls, BTreeSet::from(["secretsmanager:ListSecrets"]));
}

#[test]
fn backup_plan_rules_with_retention_and_cross_region_copy() {
    let plans = region("us-east-1")
        .backup
        .plans
        .value()
        .expect("plans observed");
    assert_eq!(plans.len(), 1);
    let plan = &plans[0];
    assert_eq!(plan.name, "rds-daily");
    assert_eq!(plan.id, built_str(&["backup", "plans", "rds-daily"]));
    assert_eq!(
        plan.rules,
        [BackupRule {
            name: "daily".into(),
            schedule: Some("cron(0 5 ? * * *)".into()),
            target_vault: "rds-vault".into(),
            delete_after_days: Some(35),
            copy_to: vec![built_str(&["backup", "vaults", "rds-dr-vault"]).to_owned()],
        }]
    );
    assert_eq!(
        region("eu-west-1").backup.plans,
        Observed::Value(Vec::new())
    );
}

/// moto implements neither ListBackupSelections nor ListProtectedResources: both are unknown,
/// not empty (fixtures/real-shapes covers their real answers).
#[test]
fn what_moto_does_not_serve_is_unknown() {
    let backup = &region("us-east-1").backup;
    let selections = backup.plans.value().unwrap()[0].selections.unavailable();
    let selections = selections.expect("selections unknown");
    assert_eq!(selections.action, "backup:ListBackupSelections");
    assert_eq!(selections.kind, FailureKind::NotSupported);
    for region in ["us-east-1", "eu-west-1"] {
        let protected = region_backup_protected(region);
        assert_eq!(protected.action, "backup:ListProtectedResources");
        assert_eq!(protected.kind, FailureKind::NotSupported);
    }
}

fn region_backup_protected(name: &str) -> &'static rds_evidence_inventory::Unavailable {
    region(name)
        .backup
        .protected_resources
        .unavailable()
        .unwrap_or_else(|| panic!("protected resources unknown in {name}"))
}

#[test]
fn backup_vaults_with_keys_and_lock() {
    let vault = |region_name: &str| {
        let vaults = region(region_name).backup.vaults.value().unwrap();
        assert_eq!(vaults.len(), 1, "{region_name}: {vaults:?}");
        vaults[0].clone()
    };
    let primary = vault("us-east-1");
    assert_eq!(primary.name, "rds-vault");
    assert_eq!(
        primary.arn.as_deref(),
        Some(built_str(&["backup", "vaults", "rds-vault"]))
    );
    assert_eq!(
        primary.encryption_key_arn.as_deref(),
        collected().estate["kms_keys"]["prod-key"].as_str()
    );
    assert_eq!(primary.locked, Some(true));

    let dr = vault("eu-west-1");
    assert_eq!(dr.name, "rds-dr-vault");
    assert_eq!(
        dr.arn.as_deref(),
        Some(built_str(&["backup", "vaults", "rds-dr-vault"]))
    );
    assert_eq!(
        dr.encryption_key_arn.as_deref(),
        collected().estate["kms_keys"]["dr-key"].as_str()
    );
    assert_eq!(dr.locked, Some(false));
}

#[test]
fn aurora_replica_auto_scaling() {
    let targets = region("us-east-1").scalable_targets.value().unwrap();
    assert_eq!(targets.len(), 1);
    let target = &targets[0];
    assert_eq!(target.resource_id, "cluster:prod-aurora");
    assert_eq!(target.dimension, "rds:cluster:ReadReplicaCount");
    assert_eq!(
        (target.min_capacity, target.max_capacity),
        (Some(1), Some(4))
    );
    let built_policies: Vec<String> =
        serde_json::from_value(built(&["scalable_targets", "cluster:prod-aurora"]).clone())
            .unwrap();
    assert_eq!(target.policies, built_policies);
    assert_eq!(
        region("eu-west-1").scalable_targets,
        Observed::Value(Vec::new())
    );
}

#[test]
fn only_the_stack_named_by_what_the_databases_use_is_read() {
    let stacks = region("us-east-1").stacks.value().unwrap();
    assert_eq!(
        stacks,
        &[Stack {
            name: "demo-db-stack".into(),
            id: Some(built_str(&["stacks", "demo-db-stack", "id"]).to_owned()),
            status: Some("CREATE_COMPLETE".into()),
            resources: Observed::Value(vec![
                StackResource {
                    logical_id: "DbParameters".into(),
                    // moto leaves the physical id of RDS groups empty.
                    physical_id: None,
                    resource_type: "AWS::RDS::DBParameterGroup".into(),
                },
                StackResource {
                    logical_id: "DbSecurityGroup".into(),
                    physical_id: Some(
                        built_str(&["stacks", "demo-db-stack", "security_group"]).to_owned()
                    ),
                    resource_type: "AWS::EC2::SecurityGroup".into(),
                },
            ]),
        }]
    );
    // demo-queue-stack is named by nothing: never asked about.
    let asked: Vec<&str> = collected()
        .snapshot
        .calls
        .iter()
        .filter(|c| c.action.starts_with("cloudformation:"))
        .map(|c| c.action.as_str())
        .collect();
    assert_eq!(
        asked,
        [
            "cloudformation:DescribeStacks",
            "cloudformation:ListStackResources"
        ]
    );
    assert_eq!(region("eu-west-1").stacks, Observed::Value(Vec::new()));
}

#[test]
fn rds_log_groups_with_their_retention_and_nothing_else() {
    let groups = region("us-east-1").log_groups.value().unwrap();
    let kept: Vec<(&str, Option<i32>)> = groups
        .iter()
        .map(|g| (g.name.as_str(), g.retention_days))
        .collect();
    assert_eq!(
        kept,
        [
            ("/aws/rds/instance/prod-postgres/postgresql", Some(365)),
            ("/aws/rds/instance/prod-postgres/upgrade", Some(7)),
        ]
    );
    assert_eq!(region("eu-west-1").log_groups, Observed::Value(Vec::new()));
}

/// moto answers DescribeReplicationTasks with ISO-8601 dates where the JSON protocol has epoch
/// seconds: the SDK cannot read it, so the tasks are unknown, never an empty list
/// (fixtures/real-shapes covers the real answer); where there are no tasks, the list is empty.
#[test]
fn dms_tasks_moto_cannot_describe_are_unknown() {
    let why = region("us-east-1")
        .replication_tasks
        .unavailable()
        .expect("tasks unknown");
    assert_eq!(why.action, "dms:DescribeReplicationTasks");
    assert!(!built_str(&["migration", "task"]).is_empty());
    assert_eq!(
        region("eu-west-1").replication_tasks,
        Observed::Value(Vec::new())
    );
}

/// moto serves neither CloudTrail's event history nor CloudWatch over rpc-v2-cbor: both are
/// unknown in every region, never empty (fixtures/real-shapes covers their real answers).
#[test]
fn change_history_and_metrics_are_unknown_not_empty() {
    for name in ["us-east-1", "eu-west-1"] {
        let changes = region(name).changes.unavailable().expect("changes unknown");
        assert_eq!(changes.action, "cloudtrail:LookupEvents");
        let metrics = region(name).metrics.unavailable().expect("metrics unknown");
        assert_eq!(metrics.action, "cloudwatch:GetMetricData");
    }
}

#[test]
fn each_service_call_is_made_once_per_region_or_item() {
    let calls = &collected().snapshot.calls;
    let count = |action: &str, region: &str| {
        calls
            .iter()
            .filter(|c| c.action == action && c.region == region)
            .count()
    };
    // ListSecrets: once by the database tag keys, then by the databases' identifiers as name
    // prefixes and their identifiers and ARNs as tag values, ten values a request.
    for region in ["us-east-1", "eu-west-1"] {
        let snapshot = &collected().snapshot;
        let listed = snapshot
            .regions
            .iter()
            .find(|r| r.region == region)
            .unwrap();
        let databases = listed.db_instances.value().map_or(0, Vec::len)
            + listed.db_clusters.value().map_or(0, Vec::len);
        let expected = 1 + databases.div_ceil(10) + (2 * databases).div_ceil(10);
        assert_eq!(
            count("secretsmanager:ListSecrets", region),
            expected,
            "ListSecrets in {region} for {databases} databases"
        );
    }
    for action in [
        "backup:ListBackupPlans",
        "backup:ListBackupVaults",
        "backup:ListProtectedResources",
        "application-autoscaling:DescribeScalableTargets",
        "logs:DescribeLogGroups",
        "dms:DescribeReplicationTasks",
        "dms:DescribeEndpoints",
    ] {
        for region in ["us-east-1", "eu-west-1"] {
            assert_eq!(count(action, region), 1, "{action} in {region}");
        }
    }
    // Per plan, per stack a database's surroundings name, and policies only where there is a
    // target: eu-west-1 has no stack to read.
    assert_eq!(count("backup:GetBackupPlan", "us-east-1"), 1);
    assert_eq!(count("backup:ListBackupSelections", "us-east-1"), 1);
    assert_eq!(count("cloudformation:DescribeStacks", "us-east-1"), 1);
    assert_eq!(count("cloudformation:ListStackResources", "us-east-1"), 1);
    assert_eq!(count("cloudformation:DescribeStacks", "eu-west-1"), 0);
    assert_eq!(
        count(
            "application-autoscaling:DescribeScalingPolicies",
            "us-east-1"
        ),
        1
    );
    assert_eq!(
        count(
            "application-autoscaling:DescribeScalingPolicies",
            "eu-west-1"
        ),
        0
    );
    let unsupported = |action: &str| {
        calls
            .iter()
            .filter(|c| c.action == action)
            .all(|c| c.outcome == CallOutcome::Failed(FailureKind::NotSupported))
    };
    assert!(unsupported("backup:ListBackupSelections"));
    assert!(unsupported("backup:ListProtectedResources"));
}
