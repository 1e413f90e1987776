//! Operations around the databases: secret rotation, replica auto scaling, infrastructure as
//! code, alarms on RDS KPIs.

use std::collections::HashMap;

use rds_evidence_inventory::services::{Alarm, Secret, SECRET_TARGET_ATTACHMENT};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{cluster_resource, each_database, instance_resource, judge_each};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &SECRET_ROTATION,
    &REPLICA_AUTOSCALING,
    &INFRASTRUCTURE_AS_CODE,
    &KPI_ALARMS,
];

check! {
    /// Each database's credentials are kept in Secrets Manager and rotate automatically.
    ///
    /// Self-managed secrets (not owned by RDS) are the common case. A secret belongs to a
    /// database when RDS manages it as the database's master password; when a CloudFormation
    /// stack that owns the database also holds an `AWS::SecretsManager::SecretTargetAttachment`
    /// of it; when it carries the profile's `database_secret_tag` (`rds-db`) with the
    /// database's identifier or ARN as value; or when the database's identifier appears in its
    /// name between separators (the longest identifier wins). The finding says which rule
    /// associated each secret. A database passes when every secret associated with it rotates
    /// automatically and has rotated; rotation switched on that never ran is insufficient
    /// evidence, rotation off fails, and a database with no associated secret and no managed
    /// master password fails, reported as such. Read replicas, cluster members and a global
    /// database's secondary clusters use their source's or cluster's credentials.
    pub static SECRET_ROTATION = Check {
        id: "secretsmanager.secret.rotation_enabled",
        title: "Database credentials are in Secrets Manager and rotate automatically",
        rationale: "RDS-003 asks how passwords are stored, retrieved and rotated for people and \
                    applications: a database whose password is in no secret is stored wherever \
                    it was written down, and a secret that never rotates is a password that \
                    never changes.",
        remediation: "Keep the database's credentials in Secrets Manager — a managed master \
                      password (RDS rotates it every 7 days by default) or a secret with a \
                      rotation function — and tag self-managed secrets with the database.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: secret_rotation,
    };
}

fn secret_rotation(ctx: &Context) -> Vec<Finding> {
    let check = &SECRET_ROTATION;
    let mut associations = Associations::default();
    each_database(
        check,
        ctx,
        "its credentials are its source's",
        |region, db| {
            let secrets = match &region.secrets {
                Observed::Value(secrets) => secrets,
                Observed::Unknown(why) => {
                    return Finding::new(
                        check,
                        db.resource,
                        Outcome::InsufficientEvidence,
                        format!("secrets unknown: {why}"),
                    )
                }
            };
            let associated = associations.of(ctx, region, secrets, &db.resource);
            if associated.is_empty() {
                return match db.master_user_secret.and_then(|s| s.secret_arn.as_deref()) {
                    Some(arn) => Finding::new(
                        check,
                        db.resource,
                        Outcome::InsufficientEvidence,
                        format!("its managed master password's secret {arn} is not in the listing"),
                    ),
                    None => match replica_source(region, &db.resource) {
                        // A global database's secondary (or a cross-region replica cluster)
                        // has no master user of its own: its users are its source's.
                        Some(source) => Finding::new(
                            check,
                            db.resource,
                            Outcome::NotApplicable,
                            format!("replica of {source}: it uses its source's credentials"),
                        ),
                        None => Finding::new(
                            check,
                            db.resource,
                            Outcome::Fail,
                            "no associated secret and no managed master password",
                        ),
                    },
                };
            }
            let mut rotated = Vec::new();
            let mut never = Vec::new();
            let mut off = Vec::new();
            for (secret, rule) in &associated {
                let named = format!("{} ({rule})", secret.name);
                match (secret.rotation_enabled, &secret.last_rotated) {
                    (true, Some(last)) => rotated.push(format!("{named}, last rotated {last}")),
                    // Rotation switched on that never completed proves nothing yet: the first
                    // rotation may be pending, or failing.
                    (true, None) => never.push(named),
                    (false, _) => off.push(named),
                }
            }
            let associated: Vec<String> = associated
                .iter()
                .map(|(secret, rule)| format!("{} ({rule})", secret.name))
                .collect();
            let finding = |outcome, detail: String| {
                Finding::new(check, db.resource.clone(), outcome, detail)
                    .with("secrets", &associated)
            };
            if !off.is_empty() {
                finding(Outcome::Fail, format!("rotation off: {}", off.join("; ")))
            } else if !never.is_empty() {
                finding(
                    Outcome::InsufficientEvidence,
                    format!("rotation on, but never rotated: {}", never.join("; ")),
                )
            } else {
                finding(Outcome::Pass, format!("rotates: {}", rotated.join("; ")))
            }
        },
    )
}

/// The source of a cluster that replicates another (a global database's secondary).
fn replica_source<'a>(region: &'a RegionSnapshot, database: &Resource) -> Option<&'a str> {
    if database.kind != Scope::DbCluster {
        return None;
    }
    region
        .db_clusters
        .value()?
        .iter()
        .find(|c| c.identifier == database.id)?
        .replica_source
        .as_deref()
}

/// The secrets of a region's databases, by database and with the rule that associated each;
/// built when a check first looks into the region.
#[derive(Default)]
struct Associations<'a> {
    region: Option<&'a str>,
    by_database: HashMap<Resource, Vec<(&'a Secret, String)>>,
}

impl<'a> Associations<'a> {
    fn of(
        &mut self,
        ctx: &Context,
        region: &'a RegionSnapshot,
        secrets: &'a [Secret],
        database: &Resource,
    ) -> Vec<(&'a Secret, String)> {
        if self.region != Some(region.region.as_str()) {
            self.by_database = associate(ctx, region, secrets);
            self.region = Some(&region.region);
        }
        self.by_database.get(database).cloned().unwrap_or_default()
    }
}

/// Every database of the region with its secrets, each secret under every rule that ties it.
fn associate<'a>(
    ctx: &Context,
    region: &'a RegionSnapshot,
    secrets: &'a [Secret],
) -> HashMap<Resource, Vec<(&'a Secret, String)>> {
    struct Db<'a> {
        resource: Resource,
        id: &'a str,
        arn: &'a str,
        master_secret: Option<&'a str>,
        kind: &'static str,
    }
    let instances = region.db_instances.value().map_or(&[][..], Vec::as_slice);
    let clusters = region.db_clusters.value().map_or(&[][..], Vec::as_slice);
    let dbs: Vec<Db> = instances
        .iter()
        .map(|i| Db {
            resource: instance_resource(region, i),
            id: &i.identifier,
            arn: &i.arn,
            master_secret: i
                .master_user_secret
                .as_ref()
                .and_then(|s| s.secret_arn.as_deref()),
            kind: "AWS::RDS::DBInstance",
        })
        .chain(clusters.iter().map(|c| {
            Db {
                resource: cluster_resource(region, c),
                id: &c.identifier,
                arn: &c.arn,
                master_secret: c
                    .master_user_secret
                    .as_ref()
                    .and_then(|s| s.secret_arn.as_deref()),
                kind: "AWS::RDS::DBCluster",
            }
        }))
        .collect();
    let stacks = region.stacks.value().map_or(&[][..], Vec::as_slice);
    let tag = ctx.thresholds.database_secret_tag.as_str();
    let mut by_database: HashMap<Resource, Vec<(&Secret, String)>> = HashMap::new();
    for secret in secrets {
        let name = secret.name.to_ascii_lowercase();
        let named = dbs
            .iter()
            .filter(|db| names(&name, &db.id.to_ascii_lowercase()))
            .max_by_key(|db| db.id.len());
        for db in &dbs {
            let mut rules = Vec::new();
            if db.master_secret == Some(secret.arn.as_str()) {
                rules.push("managed by RDS as its master password".to_owned());
            }
            for stack in stacks {
                if let Some(resources) = stack.resources.value() {
                    let owns = resources.iter().any(|r| {
                        r.resource_type == db.kind && r.physical_id.as_deref() == Some(db.id)
                    });
                    let attaches = resources.iter().any(|r| {
                        r.resource_type == SECRET_TARGET_ATTACHMENT
                            && r.physical_id
                                .as_deref()
                                .is_some_and(|id| id == secret.arn || id == secret.name)
                    });
                    if owns && attaches {
                        rules.push(format!(
                            "attached by CloudFormation stack {}, which owns the database",
                            stack.name
                        ));
                    }
                }
            }
            if secret
                .tags
                .get(tag)
                .is_some_and(|value| value == db.id || value == db.arn)
            {
                rules.push(format!("tagged {tag}={}", secret.tags[tag]));
            }
            if named.is_some_and(|n| n.resource == db.resource) {
                rules.push("the database's identifier is in its name".to_owned());
            }
            if !rules.is_empty() {
                by_database
                    .entry(db.resource.clone())
                    .or_default()
                    .push((secret, rules.join("; ")));
            }
        }
    }
    by_database
}

/// Whether `identifier` appears in `name` between separators (or at either end).
fn names(name: &str, identifier: &str) -> bool {
    name.match_indices(identifier).any(|(at, _)| {
        let before = name[..at].chars().next_back();
        let after = name[at + identifier.len()..].chars().next();
        before.is_none_or(|c| !c.is_ascii_alphanumeric())
            && after.is_none_or(|c| !c.is_ascii_alphanumeric())
    })
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

/// The tag CloudFormation puts on what a stack creates; `aws:` tags cannot be set by hand.
const STACK_NAME_TAG: &str = "aws:cloudformation:stack-name";

check! {
    /// Each database is managed by infrastructure as code.
    ///
    /// CloudFormation is credited only when a stack owns the database itself — an
    /// `AWS::RDS::DBInstance` (instances) or `AWS::RDS::DBCluster` (clusters) resource with the
    /// database's identifier as physical id, not merely a parameter or subnet group of the same
    /// name — or when the database carries the `aws:cloudformation:stack-name` tag, which only
    /// CloudFormation can set. Other tools (Terraform, OpenTofu, Pulumi) are credited by the
    /// tags the partner names in the profile (`iac_tags`: `Key` for any value, `Key=value` for
    /// one, the value compared ignoring case), reported as "declared by tag". Without either,
    /// a database fails when the stacks were read and is insufficient evidence when they were
    /// not.
    pub static INFRASTRUCTURE_AS_CODE = Check {
        id: "iac.database.managed",
        title: "Databases are managed by infrastructure as code",
        rationale: "REL-001 asks for automated infrastructure changes: a database created and \
                    changed by CloudFormation, CDK or Terraform can be reviewed, repeated and \
                    rolled back; one built in the console cannot.",
        remediation: "Import the database into a CloudFormation stack (or Terraform state) and \
                      make further changes there; tag databases managed by other tools as the \
                      profile's iac_tags say.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: infrastructure_as_code,
    };
}

fn infrastructure_as_code(ctx: &Context) -> Vec<Finding> {
    let check = &INFRASTRUCTURE_AS_CODE;
    each_database(check, ctx, "created with its source", |region, db| {
        let id = db.dimension.1;
        let resource_type = match db.resource.kind {
            Scope::DbCluster => "AWS::RDS::DBCluster",
            _ => "AWS::RDS::DBInstance",
        };
        let in_stack = region.stacks.value().and_then(|stacks| {
            stacks.iter().find(|stack| {
                stack.resources.value().is_some_and(|resources| {
                    resources.iter().any(|r| {
                        r.resource_type == resource_type && r.physical_id.as_deref() == Some(id)
                    })
                })
            })
        });
        if let Some(stack) = in_stack {
            return Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!(
                    "owned by CloudFormation stack {} ({resource_type})",
                    stack.name
                ),
            );
        }
        if let Some(stack) = db.tags.get(STACK_NAME_TAG) {
            return Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!("created by CloudFormation stack {stack} (tag {STACK_NAME_TAG})"),
            );
        }
        let declared = ctx.thresholds.iac_tags.iter().find_map(|wanted| {
            let (key, value) = match wanted.split_once('=') {
                Some((key, value)) => (key, Some(value)),
                None => (wanted.as_str(), None),
            };
            let actual = db.tags.get(key)?;
            value
                .is_none_or(|v| v.eq_ignore_ascii_case(actual))
                .then(|| format!("{key}={actual}"))
        });
        match (declared, region.stacks.unavailable()) {
            (Some(tag), _) => Finding::new(
                check,
                db.resource,
                Outcome::Pass,
                format!("declared by tag {tag}"),
            ),
            (None, Some(why)) => Finding::new(
                check,
                db.resource,
                Outcome::InsufficientEvidence,
                format!("no IaC tag, and stacks unknown: {why}"),
            ),
            (None, None) => Finding::new(
                check,
                db.resource,
                Outcome::Fail,
                "owned by no CloudFormation stack and carries no IaC tag",
            ),
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

    /// A secret as ListSecrets' SecretListEntry describes it, rotated on 2026-01-10 when
    /// `rotation` is on.
    fn secret(name: &str, rotation: bool) -> Secret {
        Secret {
            name: name.into(),
            arn: format!("arn:aws:secretsmanager:us-east-1:111122223333:secret:{name}-AbCdEf"),
            kms_key_id: None,
            rotation_enabled: rotation,
            rotation_days: rotation.then_some(30),
            rotation_schedule: None,
            last_rotated: rotation.then(|| "2026-01-10T00:00:00Z".into()),
            last_changed: None,
            owning_service: None,
            tags: Tags::new(),
        }
    }

    /// A global database's secondary cluster has no master user of its own.
    #[test]
    fn a_global_secondary_uses_its_sources_credentials() {
        let mut secondary = cluster("orders-dr");
        secondary.replica_source = Some("arn:aws:rds:us-east-1:111122223333:cluster:orders".into());
        let mut west = region("us-west-2");
        west.db_clusters = Observed::Value(vec![secondary, cluster("standalone")]);
        west.secrets = Observed::Value(Vec::new());
        let findings = run(&SECRET_ROTATION, &snapshot(vec![west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("orders-dr".into(), Outcome::NotApplicable),
                ("standalone".into(), Outcome::Fail),
            ]
        );
    }

    #[test]
    fn secrets_are_associated_with_their_databases_by_rule() {
        let managed = Secret {
            owning_service: Some("rds".into()),
            ..secret("rds!db-4f2b", true)
        };
        let attached = secret("billing-master", true);
        let tagged = Secret {
            tags: Tags::from([("rds-db".to_owned(), "reports".to_owned())]),
            ..secret("reporting-app", false)
        };
        let named_short = Secret {
            last_rotated: None,
            ..secret("prod/orders/app", true)
        };
        let named_long = secret("prod/orders-pg/readonly", true);
        let unrelated = secret("api/stripe-token", false);

        let mut orders_pg = instance("orders-pg");
        orders_pg.master_user_secret = Some(rds_evidence_inventory::rds::MasterUserSecret {
            secret_arn: Some(managed.arn.clone()),
            status: Some("active".into()),
            kms_key_id: None,
        });
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            orders_pg,
            instance("orders"),
            instance("billing"),
            instance("reports"),
            instance("bare"),
            replica_of("orders-ro", "orders"),
        ]);
        east.stacks = Observed::Value(vec![Stack {
            name: "billing-db".into(),
            id: None,
            status: Some("CREATE_COMPLETE".into()),
            resources: Observed::Value(vec![
                StackResource {
                    logical_id: "Db".into(),
                    physical_id: Some("billing".into()),
                    resource_type: "AWS::RDS::DBInstance".into(),
                },
                StackResource {
                    logical_id: "DbSecretAttachment".into(),
                    physical_id: Some(attached.arn.clone()),
                    resource_type: SECRET_TARGET_ATTACHMENT.into(),
                },
            ]),
        }]);
        east.secrets = Observed::Value(vec![
            managed,
            attached,
            tagged,
            named_short,
            named_long,
            unrelated,
        ]);
        let mut west = region("eu-west-1");
        west.db_instances = Observed::Value(vec![instance("dr")]);
        west.secrets = Observed::Unknown(denied("secretsmanager:ListSecrets"));
        let findings = run(&SECRET_ROTATION, &snapshot(vec![east, west]));
        assert_eq!(
            outcomes(&findings),
            [
                ("orders-pg".into(), Outcome::Pass),
                ("orders".into(), Outcome::InsufficientEvidence),
                ("billing".into(), Outcome::Pass),
                ("reports".into(), Outcome::Fail),
                ("bare".into(), Outcome::Fail),
                ("orders-ro".into(), Outcome::NotApplicable),
                ("dr".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[0].values["secrets"],
            serde_json::json!([
                "rds!db-4f2b (managed by RDS as its master password)",
                "prod/orders-pg/readonly (the database's identifier is in its name)"
            ]),
            "the longest identifier in a name wins"
        );
        assert_eq!(
            findings[1].detail,
            "rotation on, but never rotated: prod/orders/app (the database's identifier is in its name)"
        );
        assert!(findings[2]
            .detail
            .contains("billing-master (attached by CloudFormation stack billing-db, which owns the database; the database's identifier is in its name)"), "{}", findings[2].detail);
        assert_eq!(
            findings[3].detail,
            "rotation off: reporting-app (tagged rds-db=reports)"
        );
        assert_eq!(
            findings[4].detail,
            "no associated secret and no managed master password"
        );
        assert!(findings[6]
            .detail
            .contains("secretsmanager:ListSecrets access denied"));
    }

    #[test]
    fn identifiers_count_between_separators_only() {
        assert!(names("prod/orders-pg/app", "orders-pg"));
        assert!(names("orders-pg", "orders-pg"));
        assert!(names("orders-pg-admin", "orders"));
        assert!(!names("preorders/app", "orders"));
        assert!(!names("orders2/app", "orders"));
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
        let tagged = |id: &str, key: &str, value: &str| {
            let mut db = instance(id);
            db.tags = Tags::from([(key.to_owned(), value.to_owned())]);
            db
        };
        let mut manual = instance("manual");
        manual.tags = Tags::new();
        let mut stacked = instance("stacked");
        stacked.tags = Tags::new();
        // Only the DB parameter group of this name is in a stack.
        let mut group_only = instance("orders");
        group_only.tags = Tags::new();
        let resource = |logical: &str, physical: &str, kind: &str| StackResource {
            logical_id: logical.into(),
            physical_id: Some(physical.into()),
            resource_type: kind.into(),
        };
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            stacked,
            tagged("cfn-tagged", "aws:cloudformation:stack-name", "orders-db"),
            tagged("terraformed", "ManagedBy", "Terraform"),
            tagged("hand-tagged", "ManagedBy", "cloudformation"),
            group_only,
            manual,
        ]);
        east.db_clusters = Observed::Value(vec![cluster("stacked")]);
        east.stacks = Observed::Value(vec![Stack {
            name: "db-stack".into(),
            id: None,
            status: Some("CREATE_COMPLETE".into()),
            resources: Observed::Value(vec![
                resource("Db", "stacked", "AWS::RDS::DBInstance"),
                resource("Params", "orders", "AWS::RDS::DBParameterGroup"),
            ]),
        }]);
        let findings = run(&INFRASTRUCTURE_AS_CODE, &snapshot(vec![east.clone()]));
        assert_eq!(
            outcomes(&findings),
            [
                ("stacked".into(), Outcome::Pass),
                ("cfn-tagged".into(), Outcome::Pass),
                ("terraformed".into(), Outcome::Pass),
                ("hand-tagged".into(), Outcome::Fail),
                ("orders".into(), Outcome::Fail),
                ("manual".into(), Outcome::Fail),
                ("stacked".into(), Outcome::Fail),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "owned by CloudFormation stack db-stack (AWS::RDS::DBInstance)"
        );
        assert_eq!(
            findings[1].detail,
            "created by CloudFormation stack orders-db (tag aws:cloudformation:stack-name)"
        );
        assert_eq!(findings[2].detail, "declared by tag ManagedBy=Terraform");
        assert_eq!(
            findings[6].resource.kind,
            Scope::DbCluster,
            "an instance resource does not own a cluster of the same name"
        );
        east.stacks = Observed::Unknown(denied("cloudformation:DescribeStacks"));
        let findings = run(&INFRASTRUCTURE_AS_CODE, &snapshot(vec![east]));
        assert_eq!(findings[2].outcome, Outcome::Pass, "the tag proves it");
        assert_eq!(findings[5].outcome, Outcome::InsufficientEvidence);
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
