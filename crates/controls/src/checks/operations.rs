//! Operations around the databases: secret rotation, replica auto scaling, infrastructure as
//! code, alarms on RDS KPIs.

use rds_evidence_inventory::services::Alarm;
use rds_evidence_inventory::Observed;

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{cluster_resource, each_database, judge_each};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &SECRET_ROTATION,
    &REPLICA_AUTOSCALING,
    &INFRASTRUCTURE_AS_CODE,
    &KPI_ALARMS,
];

check! {
    /// Secrets belonging to databases rotate automatically.
    pub static SECRET_ROTATION = Check {
        id: "secretsmanager.secret.rotation_enabled",
        title: "Database secrets rotate automatically",
        rationale: "RDS-003 asks how passwords are stored, retrieved and rotated for people and \
                    applications: a secret that never rotates is a password that never changes.",
        remediation: "Turn on rotation for the secret (RDS-managed master secrets rotate by \
                      default every 7 days; others need a rotation function).",
        severity: Severity::Medium,
        scope: Scope::Secret,
        evaluate: secret_rotation,
    };
}

fn secret_rotation(ctx: &Context) -> Vec<Finding> {
    let check = &SECRET_ROTATION;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.secrets,
        |region, secret| {
            let resource = Resource::new(Scope::Secret, &region.region, &secret.name);
            Some(match (secret.rotation_enabled, &secret.last_rotated) {
                (true, Some(last)) => Finding::new(
                    check,
                    resource,
                    Outcome::Pass,
                    format!("rotation on, last rotated {last}"),
                )
                .with("rotation_days", secret.rotation_days)
                .with("last_rotated", last),
                // Rotation switched on that never completed proves nothing yet: the first
                // rotation may be pending, or failing.
                (true, None) => Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    "rotation on, but the secret has never been rotated",
                )
                .with("rotation_days", secret.rotation_days),
                (false, _) => Finding::new(check, resource, Outcome::Fail, "rotation off"),
            })
        },
    )
}

check! {
    /// Aurora clusters scale their readers automatically.
    pub static REPLICA_AUTOSCALING = Check {
        id: "rds.cluster.replica_autoscaling",
        title: "Aurora clusters auto-scale their replicas",
        rationale: "RDS-005 accepts auto scaling of read replicas as a deployment use case: \
                    readers follow demand instead of being sized for the peak.",
        remediation: "Register the cluster's ReadReplicaCount with Application Auto Scaling and \
                      attach a target-tracking policy (e.g. on average reader CPU).",
        severity: Severity::Low,
        scope: Scope::DbCluster,
        evaluate: replica_autoscaling,
    };
}

fn replica_autoscaling(ctx: &Context) -> Vec<Finding> {
    let check = &REPLICA_AUTOSCALING;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            if !cluster.engine.starts_with("aurora") {
                return Some(Finding::new(
                    check,
                    resource,
                    Outcome::NotApplicable,
                    "replica auto scaling is an Aurora feature",
                ));
            }
            let target_id = format!("cluster:{}", cluster.identifier);
            Some(match &region.scalable_targets {
                Observed::Unknown(why) => Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    why.to_string(),
                ),
                Observed::Value(targets) => match targets
                    .iter()
                    .find(|t| t.resource_id == target_id)
                {
                    Some(target) if !target.policies.is_empty() => Finding::new(
                        check,
                        resource,
                        Outcome::Pass,
                        format!(
                            "replicas scale between {} and {}",
                            target.min_capacity.unwrap_or_default(),
                            target.max_capacity.unwrap_or_default()
                        ),
                    )
                    .with("policies", &target.policies),
                    Some(_) => Finding::new(
                        check,
                        resource,
                        Outcome::Fail,
                        "registered for auto scaling but with no scaling policy",
                    ),
                    None => Finding::new(check, resource, Outcome::Fail, "no replica auto scaling"),
                },
            })
        },
    )
}

/// Tags infrastructure-as-code tools put on what they create.
const IAC_TAG_KEYS: &[&str] = &[
    "aws:cloudformation:stack-name",
    "aws-cdk:stack",
    "terraform",
    "Terraform",
    "pulumi:project",
];
/// Values of a `ManagedBy`-style tag that name an IaC tool.
const IAC_TOOLS: &[&str] = &["terraform", "cloudformation", "cdk", "pulumi", "opentofu"];

check! {
    /// Each database is managed by infrastructure as code.
    pub static INFRASTRUCTURE_AS_CODE = Check {
        id: "iac.database.managed",
        title: "Databases are managed by infrastructure as code",
        rationale: "REL-001 asks for automated infrastructure changes: a database created and \
                    changed by CloudFormation, CDK or Terraform can be reviewed, repeated and \
                    rolled back; one built in the console cannot.",
        remediation: "Import the database into a CloudFormation stack (or Terraform state) and \
                      make further changes there.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: infrastructure_as_code,
    };
}

fn infrastructure_as_code(ctx: &Context) -> Vec<Finding> {
    let check = &INFRASTRUCTURE_AS_CODE;
    each_database(check, ctx, "created with its source", |region, db| {
        let id = db.dimension.1;
        let in_stack = region.stacks.value().and_then(|stacks| {
            stacks.iter().find(|stack| {
                stack.resources.value().is_some_and(|resources| {
                    resources.iter().any(|r| {
                        r.resource_type.starts_with("AWS::RDS::DB")
                            && r.physical_id.as_deref() == Some(id)
                    })
                })
            })
        });
        let tagged = db.tags.iter().find(|(key, value)| {
            IAC_TAG_KEYS.contains(&key.as_str())
                || (key.eq_ignore_ascii_case("managedby")
                    && IAC_TOOLS.iter().any(|t| value.eq_ignore_ascii_case(t)))
        });
        match (in_stack, tagged) {
            (Some(stack), _) => Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!("owned by CloudFormation stack {}", stack.name),
            ),
            (None, Some((key, value))) => Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!("tagged {key}={value}"),
            ),
            (None, None) => match region.stacks.unavailable() {
                Some(why) => Finding::new(
                    check,
                    db.resource,
                    Outcome::InsufficientEvidence,
                    format!("no IaC tag, and stacks unknown: {why}"),
                ),
                None => Finding::new(
                    check,
                    db.resource,
                    Outcome::Fail,
                    "in no CloudFormation stack and carries no IaC tag",
                ),
            },
        }
    })
}

check! {
    /// Each database has at least one alarm on an RDS metric that notifies someone.
    pub static KPI_ALARMS = Check {
        id: "cloudwatch.database.kpi_alarms",
        title: "Databases have CloudWatch alarms that notify someone",
        rationale: "OPE-001 asks for thresholds on operational metrics that raise alerts: an \
                    alarm without actions, or no alarm, means a full disk or a CPU at 100 % is \
                    found by users first.",
        remediation: "Create alarms on CPUUtilization, FreeStorageSpace, FreeableMemory and \
                      DatabaseConnections for the database, with an SNS action.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: kpi_alarms,
    };
}

fn kpi_alarms(ctx: &Context) -> Vec<Finding> {
    let check = &KPI_ALARMS;
    each_database(
        check,
        ctx,
        "monitored on its own only if alarmed; see its source",
        |region, db| {
            let (dimension, id) = db.dimension;
            let alarms = match &region.alarms {
                Observed::Value(alarms) => alarms,
                Observed::Unknown(why) => {
                    return Finding::new(
                        check,
                        db.resource,
                        Outcome::InsufficientEvidence,
                        why.to_string(),
                    )
                }
            };
            let on_db: Vec<&Alarm> = alarms
                .iter()
                .filter(|a| a.dimensions.get(dimension).map(String::as_str) == Some(id))
                .collect();
            let notifying: Vec<&str> = on_db
                .iter()
                .filter(|a| a.actions_enabled && !a.alarm_actions.is_empty())
                .filter_map(|a| a.metric.as_deref())
                .collect();
            if !notifying.is_empty() {
                Finding::new(
                    check,
                    db.resource,
                    Outcome::Pass,
                    format!("alarms that notify on {}", notifying.join(", ")),
                )
            } else if on_db.is_empty() {
                Finding::new(check, db.resource, Outcome::Fail, "no alarm on its metrics")
            } else {
                Finding::new(
                    check,
                    db.resource,
                    Outcome::Fail,
                    "its alarms notify no one",
                )
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::rds::Tags;
    use rds_evidence_inventory::services::{ScalableTarget, Secret, Stack, StackResource};
    use std::collections::BTreeMap;

    fn secret(name: &str, rotation: bool) -> Secret {
        Secret {
            name: name.into(),
            arn: format!("arn:aws:secretsmanager:us-east-1:1:secret:{name}"),
            kms_key_id: None,
            rotation_enabled: rotation,
            rotation_days: rotation.then_some(7),
            rotation_schedule: None,
            last_rotated: None,
            last_changed: None,
            owning_service: Some("rds".into()),
            tags: Tags::new(),
        }
    }

    #[test]
    fn secrets_rotate() {
        let mut east = region("us-east-1");
        let mut rotated = secret("rotated", true);
        rotated.last_rotated = Some("2026-01-10T00:00:00Z".into());
        east.secrets = Observed::Value(vec![
            rotated,
            secret("never-rotated", true),
            secret("off", false),
        ]);
        let mut west = region("eu-west-1");
        west.secrets = Observed::Unknown(denied("secretsmanager:ListSecrets"));
        let findings = run(&SECRET_ROTATION, &snapshot(vec![east, west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("rotated".into(), Outcome::Pass),
                ("never-rotated".into(), Outcome::InsufficientEvidence),
                ("off".into(), Outcome::Fail),
                ("eu-west-1".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[1].detail,
            "rotation on, but the secret has never been rotated"
        );
    }

    #[test]
    fn replica_autoscaling_on_aurora_only() {
        let mut east = region("us-east-1");
        let mut multi_az = cluster("maz");
        multi_az.engine = "postgres".into();
        east.db_clusters = Observed::Value(vec![cluster("scaled"), cluster("fixed"), multi_az]);
        east.scalable_targets = Observed::Value(vec![ScalableTarget {
            resource_id: "cluster:scaled".into(),
            dimension: "rds:cluster:ReadReplicaCount".into(),
            min_capacity: Some(1),
            max_capacity: Some(4),
            policies: vec!["cpu-target".into()],
        }]);
        assert_eq!(
            outcomes(&run(&REPLICA_AUTOSCALING, &snapshot(vec![east.clone()]))),
            [
                ("scaled".into(), Outcome::Pass),
                ("fixed".into(), Outcome::Fail),
                ("maz".into(), Outcome::NotApplicable),
            ]
        );
        east.scalable_targets =
            Observed::Unknown(denied("application-autoscaling:DescribeScalableTargets"));
        assert_eq!(
            run(&REPLICA_AUTOSCALING, &snapshot(vec![east]))[0].outcome,
            Outcome::InsufficientEvidence
        );
    }

    #[test]
    fn iac_by_stack_or_tag() {
        let mut tagged = instance("tagged");
        tagged.tags = Tags::from([("ManagedBy".to_owned(), "Terraform".to_owned())]);
        let mut manual = instance("manual");
        manual.tags = Tags::new();
        let mut stacked = instance("stacked");
        stacked.tags = Tags::new();
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![stacked, tagged, manual]);
        east.stacks = Observed::Value(vec![Stack {
            name: "db-stack".into(),
            id: None,
            status: Some("CREATE_COMPLETE".into()),
            resources: Observed::Value(vec![StackResource {
                logical_id: "Db".into(),
                physical_id: Some("stacked".into()),
                resource_type: "AWS::RDS::DBInstance".into(),
            }]),
        }]);
        assert_eq!(
            outcomes(&run(&INFRASTRUCTURE_AS_CODE, &snapshot(vec![east.clone()]))),
            [
                ("stacked".into(), Outcome::Pass),
                ("tagged".into(), Outcome::Pass),
                ("manual".into(), Outcome::Fail),
            ]
        );
        east.stacks = Observed::Unknown(denied("cloudformation:DescribeStacks"));
        let findings = run(&INFRASTRUCTURE_AS_CODE, &snapshot(vec![east]));
        assert_eq!(findings[1].outcome, Outcome::Pass, "the tag proves it");
        assert_eq!(findings[2].outcome, Outcome::InsufficientEvidence);
    }

    fn alarm(id: &str, actions: bool) -> Alarm {
        Alarm {
            name: format!("{id}-cpu"),
            arn: None,
            metric: Some("CPUUtilization".into()),
            namespace: Some("AWS/RDS".into()),
            dimensions: BTreeMap::from([("DBInstanceIdentifier".to_owned(), id.to_owned())]),
            statistic: Some("Average".into()),
            comparison: Some("GreaterThanThreshold".into()),
            threshold: Some(80.0),
            period_s: Some(300),
            evaluation_periods: Some(3),
            actions_enabled: actions,
            alarm_actions: if actions {
                vec!["arn:aws:sns:us-east-1:1:ops".into()]
            } else {
                vec![]
            },
            state: Some("OK".into()),
        }
    }

    #[test]
    fn alarms_that_notify() {
        let mut east = region("us-east-1");
        east.db_instances =
            Observed::Value(vec![instance("loud"), instance("mute"), instance("none")]);
        east.alarms = Observed::Value(vec![alarm("loud", true), alarm("mute", false)]);
        assert_eq!(
            outcomes(&run(&KPI_ALARMS, &snapshot(vec![east.clone()]))),
            [
                ("loud".into(), Outcome::Pass),
                ("mute".into(), Outcome::Fail),
                ("none".into(), Outcome::Fail),
            ]
        );
        east.alarms = Observed::Unknown(denied("cloudwatch:DescribeAlarms"));
        assert_eq!(
            run(&KPI_ALARMS, &snapshot(vec![east]))[0].outcome,
            Outcome::InsufficientEvidence
        );
    }
}
