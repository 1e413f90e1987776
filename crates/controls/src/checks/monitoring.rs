//! Monitoring and access: log exports, Enhanced Monitoring, Performance Insights, event subscriptions, IAM authentication, managed master passwords.

use rds_evidence_inventory::rds::{EventSubscription, MasterUserSecret};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_member, cluster_resource, instance_resource, judge_each, read_replica,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &LOG_EXPORTS,
    &ENHANCED_MONITORING,
    &PERFORMANCE_INSIGHTS,
    &FAILURE_SUBSCRIPTION,
    &IAM_AUTHENTICATION,
    &MANAGED_MASTER_PASSWORD,
    &AUTO_MINOR_VERSION_UPGRADE,
];

check! {
    /// Database logs are exported to CloudWatch Logs.
    ///
    /// Exports of cluster members are configured on the cluster; read replicas export their own.
    pub static LOG_EXPORTS = Check {
        id: "rds.database.log_exports",
        title: "Database logs are exported to CloudWatch Logs",
        rationale: "Logs kept only on the instance rotate away within days and vanish with it; \
                    exported, they can be retained, searched and alarmed on for security events \
                    and errors (RDS-003, OPE-001).",
        remediation: "Enable log exports to CloudWatch Logs for the engine's logs (error, audit, \
                      slow query or postgresql) on the instance or cluster, and set a retention on \
                      the log groups.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: log_exports,
    };
}

fn log_exports(ctx: &Context) -> Vec<Finding> {
    let check = &LOG_EXPORTS;
    let judge = |resource: Resource, exports: &[String]| {
        if exports.is_empty() {
            Finding::new(check, resource, Outcome::Fail, "no logs exported")
        } else {
            Finding::new(
                check,
                resource,
                Outcome::Pass,
                format!("exports {}", exports.join(", ")),
            )
            .with("log_exports", exports)
        }
    };
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                cluster_member(check, &resource, instance)
                    .unwrap_or_else(|| judge(resource, &instance.log_exports)),
            )
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            Some(judge(
                cluster_resource(region, cluster),
                &cluster.log_exports,
            ))
        },
    ));
    findings
}

check! {
    /// Enhanced Monitoring is on, on every instance (it is set per instance, members included).
    pub static ENHANCED_MONITORING = Check {
        id: "rds.instance.enhanced_monitoring",
        title: "Enhanced Monitoring is enabled on the DB instance",
        rationale: "CloudWatch's hypervisor metrics miss what the operating system sees (processes, \
                    memory, swap, per-disk I/O): workload health KPIs and troubleshooting need it \
                    (OPE-001).",
        remediation: "Set a monitoring interval (for example 60 seconds) and a monitoring role on \
                      the instance.",
        severity: Severity::Low,
        scope: Scope::DbInstance,
        evaluate: enhanced_monitoring,
    };
}

fn enhanced_monitoring(ctx: &Context) -> Vec<Finding> {
    let check = &ENHANCED_MONITORING;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            let interval = instance.monitoring.enhanced_monitoring_interval_s;
            // The API omits the interval, or reports 0, when Enhanced Monitoring is off.
            Some(
                match interval.filter(|seconds| *seconds > 0) {
                    Some(seconds) => Finding::new(
                        check,
                        resource,
                        Outcome::Pass,
                        format!("Enhanced Monitoring every {seconds} s"),
                    ),
                    None => Finding::new(check, resource, Outcome::Fail, "Enhanced Monitoring off"),
                }
                .with("interval_s", interval),
            )
        },
    )
}

check! {
    /// Performance Insights is on, on every instance (it is set per instance, members included).
    pub static PERFORMANCE_INSIGHTS = Check {
        id: "rds.instance.performance_insights",
        title: "Performance Insights is enabled on the DB instance",
        rationale: "Performance Insights shows database load by wait, SQL and user: without it, a \
                    slowdown can be seen but not explained (OPE-001).",
        remediation: "Enable Performance Insights on the instance (the free tier keeps 7 days), \
                      with a customer managed KMS key where the data is sensitive.",
        severity: Severity::Low,
        scope: Scope::DbInstance,
        evaluate: performance_insights,
    };
}

fn performance_insights(ctx: &Context) -> Vec<Finding> {
    let check = &PERFORMANCE_INSIGHTS;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            let monitoring = &instance.monitoring;
            Some(match monitoring.performance_insights_enabled {
                Some(true) => {
                    Finding::new(check, resource, Outcome::Pass, "Performance Insights on").with(
                        "retention_days",
                        monitoring.performance_insights_retention_days,
                    )
                }
                Some(false) => {
                    Finding::new(check, resource, Outcome::Fail, "Performance Insights off")
                        .with("instance_class", &instance.instance_class)
                }
                None => Finding::new(
                    check,
                    resource,
                    Outcome::InsufficientEvidence,
                    "the API did not report Performance Insights",
                ),
            })
        },
    )
}

/// Event categories an operator must hear about: a database that fails or fails over.
const FAILURE_CATEGORIES: &[&str] = &["failure", "failover"];

check! {
    /// An active event subscription notifies of each database's failures and failovers.
    ///
    /// A subscription covers a database only when its source type matches (`db-instance` for
    /// instances, `db-cluster` for Aurora and Multi-AZ DB clusters; no source type means every
    /// type), it is enabled and its status is `active`, it is in the database's region
    /// (subscriptions are regional), its source ids include the database (no source id means
    /// every database of the type), and its categories include `failure` and `failover` (no
    /// category means every category; two subscriptions may share the two). Judged on each
    /// instance and cluster; cluster members are judged on their cluster, whose failovers are
    /// cluster events. Subscriptions that could not be listed are insufficient evidence.
    pub static FAILURE_SUBSCRIPTION = Check {
        id: "rds.events.failure_subscription",
        title: "An RDS event subscription notifies of the database's failures and failovers",
        rationale: "Failover and failure events are how RDS says a database went down or \
                    changed roles: without a subscription nobody is told, and the disaster \
                    recovery procedure has no trigger (RDS-009, OPE-001).",
        remediation: "Create an RDS event subscription to an SNS topic for source type \
                      db-instance (instances) or db-cluster (clusters) with the failure and \
                      failover categories (or all), covering the database or every database, \
                      and make sure the topic has subscribers.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: failure_subscription,
    };
}

fn failure_subscription(ctx: &Context) -> Vec<Finding> {
    let check = &FAILURE_SUBSCRIPTION;
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                cluster_member(check, &resource, instance).unwrap_or_else(|| {
                    subscribed(check, resource, region, "db-instance", &instance.identifier)
                }),
            )
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            Some(subscribed(
                check,
                cluster_resource(region, cluster),
                region,
                "db-cluster",
                &cluster.identifier,
            ))
        },
    ));
    findings
}

/// Whether the region's subscriptions notify of `id`'s failures and failovers.
fn subscribed(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    source_type: &str,
    id: &str,
) -> Finding {
    let subscriptions = match &region.event_subscriptions {
        Observed::Value(subscriptions) => subscriptions,
        Observed::Unknown(why) => {
            return Finding::new(
                check,
                resource,
                Outcome::InsufficientEvidence,
                format!("cannot read event subscriptions: {why}"),
            )
        }
    };
    let active = |s: &&EventSubscription| s.enabled && s.status.as_deref() == Some("active");
    let sources = |s: &&EventSubscription| {
        s.source_type.as_deref().is_none_or(|t| t == source_type)
            && (s.source_ids.is_empty() || s.source_ids.iter().any(|s| s == id))
    };
    let carries = |s: &EventSubscription, category: &str| {
        s.event_categories.is_empty() || s.event_categories.iter().any(|c| c == category)
    };
    let covering: Vec<&EventSubscription> = subscriptions
        .iter()
        .filter(sources)
        .filter(active)
        .collect();
    let missing: Vec<&str> = FAILURE_CATEGORIES
        .iter()
        .copied()
        .filter(|category| !covering.iter().any(|s| carries(s, category)))
        .collect();
    let names: Vec<&str> = covering
        .iter()
        .filter(|s| FAILURE_CATEGORIES.iter().any(|c| carries(s, c)))
        .map(|s| s.name.as_str())
        .collect();
    if missing.is_empty() {
        return Finding::new(
            check,
            resource,
            Outcome::Pass,
            format!(
                "failure and failover events notified by {}",
                names.join(", ")
            ),
        )
        .with("subscriptions", names);
    }
    // Subscriptions that would cover it but are switched off or not working.
    let inactive: Vec<String> = subscriptions
        .iter()
        .filter(sources)
        .filter(|s| !active(s))
        .map(|s| {
            format!(
                "{} ({})",
                s.name,
                if s.enabled {
                    s.status.as_deref().unwrap_or("status not reported")
                } else {
                    "disabled"
                }
            )
        })
        .collect();
    Finding::new(
        check,
        resource,
        Outcome::Fail,
        format!(
            "no active {source_type} subscription covering it notifies of {} events",
            missing.join(" and ")
        ),
    )
    .with("missing_categories", missing)
    .with("covering_subscriptions", names)
    .with("inactive_subscriptions", inactive)
}

/// Only these engines accept IAM database authentication.
const IAM_AUTH_ENGINES: &[&str] = &["mysql", "mariadb", "postgres", "aurora"];

check! {
    /// IAM database authentication is enabled.
    ///
    /// Members take it from their cluster. Engines that do not offer it (Oracle, SQL Server, Db2)
    /// are not applicable.
    pub static IAM_AUTHENTICATION = Check {
        id: "rds.database.iam_authentication",
        title: "IAM database authentication is enabled",
        rationale: "IAM authentication replaces long-lived database passwords with short-lived \
                    tokens tied to IAM identities, so access is granted, rotated and revoked in \
                    one place and logged by CloudTrail (RDS-003).",
        remediation: "Enable IAM database authentication on the instance or cluster, then grant \
                      the rds_iam role (PostgreSQL) or the AWSAuthenticationPlugin (MySQL) to the \
                      users that should use it.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: iam_authentication,
    };
}

fn iam_authentication(ctx: &Context) -> Vec<Finding> {
    let check = &IAM_AUTHENTICATION;
    let judge = |resource: Resource, engine: &str, enabled: bool| {
        let finding = if !IAM_AUTH_ENGINES.iter().any(|e| engine.starts_with(e)) {
            Finding::new(
                check,
                resource,
                Outcome::NotApplicable,
                format!("{engine} does not offer IAM database authentication"),
            )
        } else if enabled {
            Finding::new(
                check,
                resource,
                Outcome::Pass,
                "IAM database authentication on",
            )
        } else {
            Finding::new(
                check,
                resource,
                Outcome::Fail,
                "IAM database authentication off",
            )
        };
        finding.with("engine", engine)
    };
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                cluster_member(check, &resource, instance).unwrap_or_else(|| {
                    judge(
                        resource,
                        &instance.engine,
                        instance.iam_database_authentication,
                    )
                }),
            )
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            Some(judge(
                cluster_resource(region, cluster),
                &cluster.engine,
                cluster.iam_database_authentication,
            ))
        },
    ));
    findings
}

check! {
    /// The master user password is managed by RDS in Secrets Manager.
    pub static MANAGED_MASTER_PASSWORD = Check {
        id: "rds.database.managed_master_password",
        title: "The master user password is managed in Secrets Manager by RDS",
        rationale: "With RDS managing the master password in Secrets Manager, nobody needs to know \
                    it, it is rotated automatically and every retrieval is logged; a password set \
                    by hand lives wherever it was written down (RDS-003).",
        remediation: "Modify the instance or cluster with ManageMasterUserPassword (optionally with \
                      a customer managed KMS key), and have applications and people retrieve the \
                      secret instead of a stored copy.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: managed_master_password,
    };
}

fn managed_master_password(ctx: &Context) -> Vec<Finding> {
    let check = &MANAGED_MASTER_PASSWORD;
    let judge = |resource: Resource, secret: Option<&MasterUserSecret>| match secret {
        None => Finding::new(
            check,
            resource,
            Outcome::Fail,
            "the master password is not managed by RDS in Secrets Manager",
        ),
        Some(secret) => {
            let status = secret.status.as_deref();
            let outcome = match status {
                Some("active" | "rotating") => Outcome::Pass,
                // RDS lost access to the secret or its key and can no longer rotate it.
                Some("impaired") => Outcome::Fail,
                // `creating`, or no status: nothing shows the secret works yet.
                _ => Outcome::InsufficientEvidence,
            };
            Finding::new(
                check,
                resource,
                outcome,
                format!(
                    "the master password is managed in Secrets Manager (secret status {})",
                    status.unwrap_or("not reported")
                ),
            )
            .with("secret_arn", &secret.secret_arn)
            .with("kms_key_id", &secret.kms_key_id)
        }
    };
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                cluster_member(check, &resource, instance)
                    .or_else(|| {
                        read_replica(
                            check,
                            &resource,
                            instance,
                            "its users and passwords are its source's",
                        )
                    })
                    .unwrap_or_else(|| judge(resource, instance.master_user_secret.as_ref())),
            )
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            let resource = cluster_resource(region, cluster);
            Some(match &cluster.replica_source {
                Some(source) => Finding::new(
                    check,
                    resource,
                    Outcome::NotApplicable,
                    format!("replica of {source}: its users and passwords are its source's"),
                ),
                None => judge(resource, cluster.master_user_secret.as_ref()),
            })
        },
    ));
    findings
}

check! {
    /// Automatic minor version upgrades are on, on every instance (the flag is per instance;
    /// clusters may not report one).
    pub static AUTO_MINOR_VERSION_UPGRADE = Check {
        id: "rds.instance.auto_minor_version_upgrade",
        title: "Automatic minor version upgrades are enabled",
        rationale: "Minor versions carry security and bug fixes: applied automatically in the \
                    maintenance window, the engine does not drift onto unpatched versions (RDS-003).",
        remediation: "Enable auto minor version upgrade on the instance, or document the process \
                      that applies minor versions on a schedule instead.",
        severity: Severity::Low,
        scope: Scope::DbInstance,
        evaluate: auto_minor_version_upgrade,
    };
}

fn auto_minor_version_upgrade(ctx: &Context) -> Vec<Finding> {
    let check = &AUTO_MINOR_VERSION_UPGRADE;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(
                if instance.auto_minor_version_upgrade {
                    Finding::new(
                        check,
                        resource,
                        Outcome::Pass,
                        "auto minor version upgrade on",
                    )
                } else {
                    Finding::new(
                        check,
                        resource,
                        Outcome::Fail,
                        "auto minor version upgrade off",
                    )
                }
                .with("engine_version", &instance.engine_version),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::rds::{DbCluster, DbInstance};

    fn east(instances: Vec<DbInstance>, clusters: Vec<DbCluster>) -> RegionSnapshot {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(instances);
        east.db_clusters = Observed::Value(clusters);
        east
    }

    fn managed(status: &str) -> Option<MasterUserSecret> {
        Some(MasterUserSecret {
            secret_arn: Some("arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db".into()),
            status: Some(status.into()),
            kms_key_id: None,
        })
    }

    #[test]
    fn log_exports_on_instances_and_clusters_not_members() {
        let mut silent = instance("silent");
        silent.log_exports.clear();
        let mut silent_cluster = cluster("silent-cluster");
        silent_cluster.log_exports.clear();
        let snapshot = snapshot(vec![east(
            vec![
                instance("good"),
                silent,
                replica_of("replica", "good"),
                member_of("member-1", "aurora", "us-east-1a"),
            ],
            vec![cluster("aurora"), silent_cluster],
        )]);
        let findings = run(&LOG_EXPORTS, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("silent".into(), Outcome::Fail),
                ("replica".into(), Outcome::Pass),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
                ("silent-cluster".into(), Outcome::Fail),
            ]
        );
        assert_eq!(findings[0].detail, "exports postgresql");
    }

    #[test]
    fn enhanced_monitoring_on_every_instance() {
        let mut zero = instance("zero");
        zero.monitoring.enhanced_monitoring_interval_s = Some(0);
        let mut absent = instance("absent");
        absent.monitoring.enhanced_monitoring_interval_s = None;
        let mut member_off = member_of("member-off", "aurora", "us-east-1a");
        member_off.monitoring.enhanced_monitoring_interval_s = Some(0);
        let findings = run(
            &ENHANCED_MONITORING,
            &with_instances(vec![
                instance("good"),
                zero,
                absent,
                member_of("member-on", "aurora", "us-east-1a"),
                member_off,
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("zero".into(), Outcome::Fail),
                ("absent".into(), Outcome::Fail),
                ("member-on".into(), Outcome::Pass),
                ("member-off".into(), Outcome::Fail),
            ]
        );
        assert_eq!(findings[0].detail, "Enhanced Monitoring every 60 s");
    }

    #[test]
    fn performance_insights_absent_is_not_off() {
        let mut off = instance("off");
        off.monitoring.performance_insights_enabled = Some(false);
        let mut unreported = member_of("unreported", "aurora", "us-east-1a");
        unreported.monitoring.performance_insights_enabled = None;
        let findings = run(
            &PERFORMANCE_INSIGHTS,
            &with_instances(vec![instance("good"), off, unreported]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("off".into(), Outcome::Fail),
                ("unreported".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[2].detail,
            "the API did not report Performance Insights"
        );
    }

    /// An instance `db-1`, a replica `db-2`, an Aurora cluster `aurora` and its member.
    fn judge_subscriptions(subscriptions: Vec<EventSubscription>) -> Vec<Finding> {
        let mut east = east(
            vec![
                instance("db-1"),
                replica_of("db-2", "db-1"),
                member_of("aurora-1", "aurora", "us-east-1a"),
            ],
            vec![cluster("aurora")],
        );
        east.event_subscriptions = Observed::Value(subscriptions);
        run(&FAILURE_SUBSCRIPTION, &snapshot(vec![east]))
    }

    fn subscription_to(
        name: &str,
        source_type: Option<&str>,
        ids: &[&str],
        categories: &[&str],
    ) -> EventSubscription {
        EventSubscription {
            source_type: source_type.map(str::to_owned),
            source_ids: ids.iter().map(|i| i.to_string()).collect(),
            event_categories: categories.iter().map(|c| c.to_string()).collect(),
            ..subscription(name)
        }
    }

    /// DescribeEventSubscriptions' EventSubscription: SourceType, SourceIdsList,
    /// EventCategoriesList, Enabled and Status, as the RDS API Reference documents them.
    #[test]
    fn a_subscription_covers_the_databases_of_its_source_type_ids_and_categories() {
        // No source type, no id, no category: everything.
        let findings = judge_subscriptions(vec![subscription("all")]);
        assert_eq!(
            outcomes(&findings),
            [
                ("db-1".into(), Outcome::Pass),
                ("db-2".into(), Outcome::Pass),
                ("aurora-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
            ]
        );
        assert_eq!(findings[0].resource.kind, Scope::DbInstance);
        assert_eq!(findings[3].resource.kind, Scope::DbCluster);

        // db-instance covers instances, not the cluster, whose failovers are cluster events.
        let findings = judge_subscriptions(vec![subscription_to(
            "instances",
            Some("db-instance"),
            &[],
            &["failure", "failover", "maintenance"],
        )]);
        assert_eq!(findings[0].outcome, Outcome::Pass);
        assert_eq!(findings[3].outcome, Outcome::Fail);
        assert_eq!(
            findings[3].detail,
            "no active db-cluster subscription covering it notifies of failure and failover events"
        );

        // Source ids name the databases covered.
        let findings = judge_subscriptions(vec![
            subscription_to("primary", Some("db-instance"), &["db-1"], &[]),
            subscription_to("cluster", Some("db-cluster"), &["aurora"], &["failover"]),
            subscription_to("cluster-failure", Some("db-cluster"), &[], &["failure"]),
        ]);
        assert_eq!(
            outcomes(&findings),
            [
                ("db-1".into(), Outcome::Pass),
                ("db-2".into(), Outcome::Fail),
                ("aurora-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
            ]
        );
        assert_eq!(
            findings[3].values["subscriptions"],
            serde_json::json!(["cluster", "cluster-failure"])
        );

        // One category short.
        let findings =
            judge_subscriptions(vec![subscription_to("failures", None, &[], &["failure"])]);
        assert_eq!(findings[0].outcome, Outcome::Fail);
        assert_eq!(
            findings[0].values["missing_categories"],
            serde_json::json!(["failover"])
        );
    }

    #[test]
    fn a_subscription_must_be_enabled_and_active() {
        let mut disabled = subscription("disabled");
        disabled.enabled = false;
        let mut no_permission = subscription("no-permission");
        no_permission.status = Some("no-permission".into());
        let findings = judge_subscriptions(vec![disabled, no_permission]);
        assert_eq!(findings[0].outcome, Outcome::Fail);
        assert_eq!(
            findings[0].values["inactive_subscriptions"],
            serde_json::json!(["disabled (disabled)", "no-permission (no-permission)"])
        );
    }

    #[test]
    fn unknown_subscriptions_or_databases_are_insufficient_evidence() {
        let mut quiet = region("eu-west-1");
        quiet.event_subscriptions = Observed::Unknown(denied("rds:DescribeEventSubscriptions"));
        let mut busy = east(vec![instance("db-1")], Vec::new());
        busy.event_subscriptions = Observed::Unknown(denied("rds:DescribeEventSubscriptions"));
        let mut unlisted = region("us-west-2");
        unlisted.db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        let findings = run(
            &FAILURE_SUBSCRIPTION,
            &snapshot(vec![quiet, busy, unlisted]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("db-1".into(), Outcome::InsufficientEvidence),
                ("us-west-2".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[0]
            .detail
            .contains("rds:DescribeEventSubscriptions access denied"));
        assert!(findings[1].detail.contains("rds:DescribeDBInstances"));
    }

    #[test]
    fn iam_authentication_where_the_engine_offers_it() {
        let mut off = instance("off");
        off.iam_database_authentication = false;
        let mut oracle = instance("oracle");
        oracle.engine = "oracle-ee".into();
        oracle.iam_database_authentication = false;
        let mut member = member_of("member-1", "aurora", "us-east-1a");
        member.iam_database_authentication = false;
        let mut off_cluster = cluster("off-cluster");
        off_cluster.iam_database_authentication = false;
        let snapshot = snapshot(vec![east(
            vec![instance("good"), off, oracle, member],
            vec![cluster("aurora"), off_cluster],
        )]);
        let findings = run(&IAM_AUTHENTICATION, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("off".into(), Outcome::Fail),
                ("oracle".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
                ("off-cluster".into(), Outcome::Fail),
            ]
        );
    }

    #[test]
    fn managed_master_password_states() {
        let mut active = instance("active");
        active.master_user_secret = managed("active");
        let mut rotating = instance("rotating");
        rotating.master_user_secret = managed("rotating");
        let mut impaired = instance("impaired");
        impaired.master_user_secret = managed("impaired");
        let mut creating = instance("creating");
        creating.master_user_secret = managed("creating");
        let mut silent = instance("silent");
        silent.master_user_secret = managed("active");
        if let Some(secret) = &mut silent.master_user_secret {
            secret.status = None;
        }
        let mut managed_cluster = cluster("managed");
        managed_cluster.master_user_secret = managed("active");
        let mut replica_cluster = cluster("replica-cluster");
        replica_cluster.replica_source =
            Some("arn:aws:rds:us-west-2:111122223333:cluster:source".into());
        let snapshot = snapshot(vec![east(
            vec![
                active,
                rotating,
                impaired,
                creating,
                silent,
                instance("by-hand"),
                replica_of("replica", "by-hand"),
                member_of("member-1", "managed", "us-east-1a"),
            ],
            vec![managed_cluster, cluster("by-hand-cluster"), replica_cluster],
        )]);
        let findings = run(&MANAGED_MASTER_PASSWORD, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [
                ("active".into(), Outcome::Pass),
                ("rotating".into(), Outcome::Pass),
                ("impaired".into(), Outcome::Fail),
                ("creating".into(), Outcome::InsufficientEvidence),
                ("silent".into(), Outcome::InsufficientEvidence),
                ("by-hand".into(), Outcome::Fail),
                ("replica".into(), Outcome::NotApplicable),
                ("member-1".into(), Outcome::NotApplicable),
                ("managed".into(), Outcome::Pass),
                ("by-hand-cluster".into(), Outcome::Fail),
                ("replica-cluster".into(), Outcome::NotApplicable),
            ]
        );
        assert!(findings[1].detail.contains("secret status rotating"));
    }

    #[test]
    fn auto_minor_version_upgrade_on_every_instance() {
        let mut pinned = member_of("pinned", "aurora", "us-east-1a");
        pinned.auto_minor_version_upgrade = false;
        let findings = run(
            &AUTO_MINOR_VERSION_UPGRADE,
            &with_instances(vec![
                instance("good"),
                replica_of("replica", "good"),
                pinned,
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("replica".into(), Outcome::Pass),
                ("pinned".into(), Outcome::Fail),
            ]
        );
    }

    #[test]
    fn unknown_instance_listing_is_insufficient_evidence() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Unknown(denied("rds:DescribeDBInstances"));
        for check in CHECKS {
            let findings = run(check, &snapshot(vec![east.clone()]));
            assert_eq!(
                outcomes(&findings),
                [("us-east-1".into(), Outcome::InsufficientEvidence)],
                "{}",
                check.id
            );
            assert!(findings[0].detail.contains("rds:DescribeDBInstances"));
        }
    }
}
