//! Offline: the regional services (secrets, AWS Backup, auto scaling, CloudFormation,
//! GuardDuty) replayed from `fixtures/real-shapes`, hand-written in the wire formats of real
//! AWS. They cover what the emulator does not serve (backup selections, protected resources) or
//! serves differently (RDS-managed secret rotation, rotation by schedule expression, physical
//! ids of stack resources).

mod common;

use std::sync::OnceLock;

use common::{collect_snapshot, fixture, rds_evidence};
use rds_evidence_inventory::services::{
    BackupRule, BackupSelection, BackupVault, ProtectedResource, Secret, StackResource,
    TagCondition,
};
use rds_evidence_inventory::{CallOutcome, Observed, RegionSnapshot, Snapshot};

const ACCOUNT: &str = "210987654321";
const SERVICE_PREFIXES: &[&str] = &[
    "application-autoscaling:",
    "backup:",
    "cloudformation:",
    "guardduty:",
    "secretsmanager:",
];

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut command = rds_evidence(dir.path());
        // Other parts of the fixture are not this test's business: a missing one is recorded as
        // unknown, and the assertions below check that none of ours is.
        command
            .args(["collect", "--concurrency", "16", "--no-evaluate"])
            .args(["--replay-missing", "record-as-unavailable", "--replay"])
            .arg(fixture("real-shapes"));
        collect_snapshot(command, &dir.path().join("out")).0
    })
}

fn region() -> &'static RegionSnapshot {
    &snapshot().regions[0]
}

fn arn(service: &str, rest: &str) -> String {
    format!("arn:aws:{service}:us-east-1:{ACCOUNT}:{rest}")
}

fn calls(action: &str) -> usize {
    snapshot()
        .calls
        .iter()
        .filter(|c| c.action == action)
        .count()
}

#[test]
fn every_services_request_has_a_recorded_answer() {
    let ours: Vec<_> = snapshot()
        .calls
        .iter()
        .filter(|c| SERVICE_PREFIXES.iter().any(|p| c.action.starts_with(p)))
        .collect();
    assert!(!ours.is_empty());
    for call in ours {
        assert_eq!(call.outcome, CallOutcome::Ok, "{call:?}");
    }
    let gaps: Vec<_> = snapshot()
        .gaps()
        .into_iter()
        .filter(|g| SERVICE_PREFIXES.iter().any(|p| g.why.action.starts_with(p)))
        .collect();
    assert!(gaps.is_empty(), "{gaps:?}");
}

fn secret(name: &str) -> &'static Secret {
    region()
        .secrets
        .value()
        .unwrap()
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("secret {name} missing"))
}

#[test]
fn secrets_of_databases_only() {
    let names: Vec<&str> = region()
        .secrets
        .value()
        .unwrap()
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "rds!db-5d1e9c2a-7b34-4f8e-a6d0-3c9b2e71f485",
            "orders-pg/app-user",
            "reports-mysql/readonly",
            "orders-admin-credentials"
        ],
        "ci/deploy-token belongs to no database"
    );
}

#[test]
fn rds_managed_secret_is_the_one_the_instance_names() {
    let orders = region()
        .db_instances
        .value()
        .unwrap()
        .iter()
        .find(|i| i.identifier == "orders-pg")
        .unwrap();
    let named = orders.master_user_secret.as_ref().unwrap();
    let managed = secret("rds!db-5d1e9c2a-7b34-4f8e-a6d0-3c9b2e71f485");
    assert_eq!(Some(&managed.arn), named.secret_arn.as_ref());
    assert_eq!(managed.kms_key_id, named.kms_key_id);
    assert_eq!(managed.owning_service.as_deref(), Some("rds"));
    assert!(managed.rotation_enabled);
    assert_eq!(managed.rotation_days, Some(7));
    assert_eq!(
        managed.last_rotated.as_deref(),
        Some("2024-11-26T08:00:00Z")
    );
    assert_eq!(
        managed.tags["aws:rds:primaryDBInstanceArn"],
        arn("rds", "db:orders-pg")
    );
}

#[test]
fn rotation_by_schedule_and_no_rotation() {
    let app = secret("orders-pg/app-user");
    assert!(app.rotation_enabled);
    assert_eq!(app.rotation_days, None);
    assert_eq!(
        app.rotation_schedule.as_deref(),
        Some("cron(0 4 ? * SUN *)")
    );
    assert_eq!(app.kms_key_id, None, "the AWS managed key is not named");

    let readonly = secret("reports-mysql/readonly");
    assert!(!readonly.rotation_enabled);
    assert_eq!(
        (&readonly.rotation_days, &readonly.rotation_schedule),
        (&None, &None)
    );
    assert_eq!(readonly.last_rotated, None);
    assert_eq!(readonly.tags["rds-db"], "reports-mysql");
}

/// Each database's secrets, associated by the rule that ties them: RDS's own, the stack's
/// attachment, the `rds-db` tag.
#[test]
fn secrets_are_associated_with_their_databases() {
    let evaluation = rds_evidence_controls::evaluate(
        snapshot(),
        &rds_evidence_controls::Profile::builtin(),
        &rds_evidence_controls::Attestations::default(),
    );
    let finding = |id: &str| {
        evaluation
            .findings
            .iter()
            .find(|f| f.check == "secretsmanager.secret.rotation_enabled" && f.resource.id == id)
            .unwrap_or_else(|| panic!("no finding on {id}"))
    };
    use rds_evidence_controls::Outcome::*;
    let orders = finding("orders-pg");
    assert_eq!(orders.outcome, Pass, "{}", orders.detail);
    assert_eq!(
        orders.values["secrets"],
        serde_json::json!([
            "rds!db-5d1e9c2a-7b34-4f8e-a6d0-3c9b2e71f485 (managed by RDS as its master password)",
            "orders-pg/app-user (tagged rds-db=orders-pg; the database's identifier is in its name)",
            "orders-admin-credentials (attached by CloudFormation stack orders-db, which owns the database)"
        ])
    );
    let reports = finding("reports-mysql");
    assert_eq!(reports.outcome, Fail);
    assert!(reports
        .detail
        .starts_with("rotation off: reports-mysql/readonly"));
    let legacy = finding("legacy-sqlserver");
    assert_eq!(
        (legacy.outcome, legacy.detail.as_str()),
        (Fail, "no associated secret and no managed master password")
    );
}

#[test]
fn backup_plan_with_rules_and_both_kinds_of_selection() {
    let plans = region().backup.plans.value().unwrap();
    assert_eq!(plans.len(), 1);
    let plan = &plans[0];
    assert_eq!(plan.name, "orders-daily");
    assert_eq!(plan.id, "8f1c3b5e-2d4a-4e6f-9a1b-7c3d5e9f2a4b");
    assert_eq!(
        plan.rules,
        [
            BackupRule {
                name: "daily-35d".into(),
                schedule: Some("cron(0 5 ? * * *)".into()),
                target_vault: "orders-vault".into(),
                delete_after_days: Some(35),
                copy_to: vec![format!(
                    "arn:aws:backup:us-west-2:{ACCOUNT}:backup-vault:orders-dr-vault"
                )],
            },
            BackupRule {
                name: "monthly-1y".into(),
                schedule: Some("cron(0 6 1 * ? *)".into()),
                target_vault: "orders-vault".into(),
                delete_after_days: Some(365),
                copy_to: Vec::new(),
            },
        ]
    );
    assert_eq!(
        plan.selections,
        Observed::Value(vec![
            BackupSelection {
                name: "orders-database".into(),
                resources: vec![arn("rds", "db:orders-pg")],
                list_of_tags: Vec::new(),
                not_resources: Vec::new(),
                conditions: Vec::new(),
            },
            BackupSelection {
                name: "tagged-daily".into(),
                resources: vec![format!("arn:aws:rds:*:{ACCOUNT}:db:*")],
                list_of_tags: vec![TagCondition {
                    operator: "StringEquals".into(),
                    key: "backup".into(),
                    value: "daily".into(),
                }],
                not_resources: vec![arn("rds", "db:legacy-sqlserver")],
                conditions: vec![TagCondition {
                    operator: "StringNotEquals".into(),
                    key: "aws:ResourceTag/stage".into(),
                    value: "sandbox".into(),
                }],
            },
        ])
    );
    assert_eq!(calls("backup:GetBackupPlan"), 1);
    assert_eq!(calls("backup:GetBackupSelection"), 2);
}

#[test]
fn region_settings_say_which_resource_types_backup_protects() {
    let opt_in = region().backup.opt_in.value().unwrap();
    assert_eq!(opt_in.get("RDS"), Some(&true));
    assert_eq!(opt_in.get("Aurora"), Some(&false));
    assert_eq!(calls("backup:DescribeRegionSettings"), 1);
}

#[test]
fn vaults_with_keys_and_lock() {
    assert_eq!(
        region().backup.vaults,
        Observed::Value(vec![
            BackupVault {
                name: "Default".into(),
                arn: Some(arn("backup", "backup-vault:Default")),
                encryption_key_arn: Some(arn("kms", "key/c4e8a2b6-0d1f-4e3a-9b5c-7d2e4f6a8b0c")),
                locked: Some(false),
            },
            BackupVault {
                name: "orders-vault".into(),
                arn: Some(arn("backup", "backup-vault:orders-vault")),
                encryption_key_arn: Some(arn("kms", "key/3f6c2a1e-8d4b-4c7a-9e15-2b7d0c9a4f61")),
                locked: Some(true),
            },
        ])
    );
}

#[test]
fn protected_resources_are_the_databases_only() {
    assert_eq!(
        region().backup.protected_resources,
        Observed::Value(vec![ProtectedResource {
            arn: arn("rds", "db:orders-pg"),
            resource_type: Some("RDS".into()),
            last_backup: Some("2024-11-26T05:10:00Z".into()),
        }])
    );
}

#[test]
fn no_aurora_no_scalable_targets_and_no_policy_listing() {
    assert_eq!(region().scalable_targets, Observed::Value(Vec::new()));
    assert_eq!(calls("application-autoscaling:DescribeScalableTargets"), 1);
    assert_eq!(calls("application-autoscaling:DescribeScalingPolicies"), 0);
}

#[test]
fn the_database_stack_with_its_relevant_resources() {
    let stacks = region().stacks.value().unwrap();
    assert_eq!(stacks.len(), 1, "named by the stack-name tag of orders-pg");
    let stack = &stacks[0];
    assert_eq!(stack.name, "orders-db");
    assert_eq!(
        stack.id.as_deref(),
        Some(
            arn(
                "cloudformation",
                "stack/orders-db/6c1f2e3d-4a5b-11ee-9c8d-0a1b2c3d4e5f"
            )
            .as_str()
        )
    );
    assert_eq!(stack.status.as_deref(), Some("UPDATE_COMPLETE"));
    let resource = |logical: &str, physical: &str, kind: &str| StackResource {
        logical_id: logical.into(),
        physical_id: Some(physical.into()),
        resource_type: kind.into(),
    };
    assert_eq!(
        stack.resources,
        Observed::Value(vec![
            resource("OrdersAlias", "alias/orders-prod-rds", "AWS::KMS::Alias"),
            resource("OrdersDatabase", "orders-pg", "AWS::RDS::DBInstance"),
            resource(
                "OrdersDbSecurityGroup",
                "sg-0a4c1e7b92f3d5186",
                "AWS::EC2::SecurityGroup"
            ),
            resource(
                "OrdersKey",
                "3f6c2a1e-8d4b-4c7a-9e15-2b7d0c9a4f61",
                "AWS::KMS::Key"
            ),
            resource(
                "OrdersParameters",
                "orders-pg15",
                "AWS::RDS::DBParameterGroup"
            ),
            resource(
                "OrdersAdminSecretAttachment",
                &arn("secretsmanager", "secret:orders-admin-credentials-Hd82Ks"),
                "AWS::SecretsManager::SecretTargetAttachment"
            ),
            resource(
                "OrdersRotationSchedule",
                &arn("secretsmanager", "secret:orders-pg/app-user-Qm7TzA"),
                "AWS::SecretsManager::RotationSchedule"
            ),
            resource(
                "OrdersSubnets",
                "orders-prod-db-private",
                "AWS::RDS::DBSubnetGroup"
            ),
        ])
    );
    // marketing-site is named by nothing the databases use: neither described nor listed.
    assert_eq!(calls("cloudformation:DescribeStacks"), 1);
    assert_eq!(calls("cloudformation:ListStackResources"), 1);
}

/// GetDetector's camelCase features list (restJson1): RDS Protection read by its feature name.
#[test]
fn the_guardduty_detector_with_rds_protection() {
    assert_eq!(calls("guardduty:ListDetectors"), 1);
    assert_eq!(calls("guardduty:GetDetector"), 1);
    let detectors = region().guardduty.value().expect("detectors observed");
    assert_eq!(detectors.len(), 1);
    let detector = &detectors[0];
    assert_eq!(detector.id, "12abc34d567e8fa901bc2d34e56789f0");
    assert_eq!(detector.status.as_deref(), Some("ENABLED"));
    assert_eq!(detector.features["RDS_LOGIN_EVENTS"], "ENABLED");
    assert_eq!(detector.features["S3_DATA_EVENTS"], "DISABLED");
}
