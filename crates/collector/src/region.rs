//! One region: the databases first, then — concurrently — everything they reference, then the
//! CloudFormation stacks that the tags of all that name.

use std::collections::BTreeSet;

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use futures::{stream, StreamExt};
use rds_evidence_inventory::governance::EventDataStore;
use rds_evidence_inventory::kms::KmsKey;
use rds_evidence_inventory::rds::{
    DbCluster, DbInstance, DbProxy, DbSnapshot, DbSubnetGroup, ExcludedResource,
    ParameterGroupKind, LIFECYCLE_ENGINES,
};
use rds_evidence_inventory::services::{Secret, Stack, SECRET_TARGET_ATTACHMENT};
use rds_evidence_inventory::{Network, Observed, RegionSnapshot, Unavailable};

use crate::cloudwatch::{MetricsOf, Window};
use crate::governance::Member;
use crate::services::SecretQuery;
use crate::session::Clients;
use crate::{
    changes, cloudwatch, dms, ec2, governance, kms, logs, rds, rds_extras, services, Windows,
};

/// The windows of activity to read, ending at the day the collection started.
pub(crate) struct Activity {
    metrics: Window,
    changes: Window,
    changes_days: u32,
}

impl Activity {
    pub(crate) fn before(collected_at: &str, windows: Windows) -> Activity {
        let end = DateTime::from_str(collected_at, Format::DateTime)
            .map(|t| t.secs())
            .unwrap_or_else(|_| DateTime::from(std::time::SystemTime::now()).secs());
        Activity {
            metrics: Window::days_before(end, windows.metrics_days),
            changes: Window::days_before(end, windows.changes_days),
            changes_days: windows.changes_days,
        }
    }
}

pub(crate) async fn collect(
    clients: &Clients,
    region: &str,
    concurrency: usize,
    activity: &Activity,
    member: &Member<'_>,
) -> RegionSnapshot {
    let client = &clients.rds;
    // The region-wide extras need nothing from the listings: read them alongside.
    let (
        (instances, clusters, subnet_groups, snapshots, cluster_snapshots, subscriptions, proxies),
        (global_clusters, pending_maintenance, certificates, reserved_instances, failover_events),
        (changes, log_groups, replication_tasks, event_data_stores),
    ) = tokio::join!(
        async {
            tokio::join!(
                rds::db_instances(client),
                rds::db_clusters(client),
                rds::db_subnet_groups(client),
                rds::db_snapshots(client, concurrency),
                rds::db_cluster_snapshots(client, concurrency),
                rds::event_subscriptions(client),
                rds::db_proxies(client),
            )
        },
        async {
            tokio::join!(
                rds_extras::global_clusters(client),
                rds_extras::pending_maintenance(client),
                rds_extras::certificates(client),
                rds_extras::reserved_instances(client),
                rds_extras::failover_events(client),
            )
        },
        async {
            tokio::join!(
                changes::changes(&clients.cloudtrail, activity.changes, activity.changes_days),
                logs::rds_log_groups(&clients.logs),
                dms::replication_tasks(&clients.dms),
                event_data_stores(clients, region, concurrency, member),
            )
        },
    );

    let mut excluded = Vec::new();
    let db_instances = keep_rds(instances, &mut excluded);
    let db_clusters = keep_rds(clusters, &mut excluded);
    let db_snapshots = keep_rds(snapshots, &mut excluded);
    let db_cluster_snapshots = keep_rds(cluster_snapshots, &mut excluded);
    let db_subnet_groups = Observed::from(subnet_groups);
    let db_proxies = Observed::from(proxies);

    let instances = db_instances.value().map(Vec::as_slice).unwrap_or_default();
    let clusters = db_clusters.value().map(Vec::as_slice).unwrap_or_default();

    let groups = referenced_parameter_groups(instances, clusters);
    let vpc_ids = database_vpcs(instances, clusters, &db_subnet_groups, &db_proxies);
    let key_arns = referenced_keys(instances, clusters, [&db_snapshots, &db_cluster_snapshots]);

    let option_group_names = referenced_option_groups(instances);
    let versions = engine_versions_in_use(instances, clusters);
    let lifecycle_engines = lifecycle_engines(&versions);
    let metric_targets = databases_to_measure(instances, clusters);
    let tagged_secrets = [SecretQuery::database_tag_keys()];
    let (
        parameter_groups,
        option_groups,
        engine_versions,
        engine_lifecycles,
        network,
        kms_keys,
        secrets,
        backup,
        scalable_targets,
        alarms,
        guardduty,
        metrics,
    ) = tokio::join!(
        stream::iter(groups)
            .map(|(name, kind)| rds::parameter_group(client, name, kind))
            .buffered(concurrency)
            .collect::<Vec<_>>(),
        stream::iter(option_group_names)
            .map(|name| rds_extras::option_group(client, name))
            .buffered(concurrency)
            .collect::<Vec<_>>(),
        stream::iter(versions)
            .map(|(engine, version)| rds_extras::engine_version(client, engine, version))
            .buffered(concurrency)
            .collect::<Vec<_>>(),
        stream::iter(lifecycle_engines)
            .map(|engine| rds_extras::engine_lifecycle(client, engine))
            .buffered(concurrency)
            .collect::<Vec<_>>(),
        ec2::network(&clients.ec2, vpc_ids),
        kms::keys(&clients.kms, key_arns, concurrency),
        services::secrets(&clients.secrets, &tagged_secrets),
        services::backup(&clients.backup, concurrency),
        services::scalable_targets(&clients.autoscaling),
        cloudwatch::alarms(&clients.cloudwatch),
        services::guardduty(&clients.guardduty),
        cloudwatch::metrics(
            &clients.cloudwatch,
            metric_targets,
            activity.metrics,
            concurrency
        ),
    );

    // The stacks are known from the tags of what the databases use, read above.
    let stack_names = stacks_named(instances, clusters, &kms_keys, &network, &secrets);
    let stacks = services::stacks(&clients.cloudformation, stack_names, concurrency).await;

    // Self-managed secrets carry no RDS tag: asked for by what ties them to a database (its
    // identifier opening the name, a tag valued with it, a stack's attachment), then kept
    // only when one of the rules does.
    let attachments = secret_attachments(&stacks);
    let databases: BTreeSet<&str> = instances
        .iter()
        .flat_map(|i| [i.identifier.as_str(), i.arn.as_str()])
        .chain(
            clusters
                .iter()
                .flat_map(|c| [c.identifier.as_str(), c.arn.as_str()]),
        )
        .collect();
    let queries = self_managed_secret_queries(&databases, &attachments, &secrets);
    let more = services::secrets(&clients.secrets, &queries).await;
    let secrets = services::database_secrets(
        services::more_secrets(secrets, more),
        &services::SecretOwners {
            referenced: referenced_secrets(instances, clusters),
            databases,
            attachments: attachments.iter().copied().collect(),
        },
    );

    RegionSnapshot {
        region: region.to_owned(),
        db_instances,
        db_clusters,
        excluded,
        db_subnet_groups,
        parameter_groups,
        db_snapshots,
        db_cluster_snapshots,
        event_subscriptions: subscriptions.into(),
        db_proxies,
        option_groups,
        global_clusters: global_clusters.into(),
        pending_maintenance: pending_maintenance.into(),
        engine_versions,
        engine_lifecycles,
        certificates: certificates.into(),
        reserved_instances: reserved_instances.into(),
        network,
        kms_keys,
        secrets,
        backup,
        scalable_targets,
        stacks,
        alarms,
        guardduty,
        metrics,
        changes: changes.into(),
        event_data_stores,
        failover_events: failover_events.into(),
        log_groups: log_groups.into(),
        replication_tasks: replication_tasks.into(),
    }
}

/// The account's own event data stores of the region, and the organization's when its
/// management account is named. Either listing unknown leaves the whole unknown: a shorter
/// list could hide the store that is the evidence.
async fn event_data_stores(
    clients: &Clients,
    region: &str,
    concurrency: usize,
    member: &Member<'_>,
) -> Observed<Vec<EventDataStore>> {
    let organization = async {
        match member.organization {
            Some(organization) => {
                organization
                    .event_data_stores(region, concurrency, member.log)
                    .await
            }
            None => None,
        }
    };
    let (own, organization) = tokio::join!(
        governance::event_data_stores(&clients.cloudtrail, concurrency),
        organization
    );
    match (own, organization) {
        (Observed::Unknown(why), _) | (_, Some(Observed::Unknown(why))) => Observed::Unknown(why),
        (Observed::Value(mut stores), Some(Observed::Value(credited))) => {
            // The management account collected itself lists its stores as its own.
            let new: Vec<EventDataStore> = credited
                .into_iter()
                .filter(|c| !stores.iter().any(|s| s.arn == c.arn))
                .collect();
            stores.extend(new);
            Observed::Value(stores)
        }
        (own, None) => own,
    }
}

/// The stacks that made the databases, their keys, secrets or network, by the tag
/// CloudFormation puts on what it makes.
fn stacks_named(
    instances: &[DbInstance],
    clusters: &[DbCluster],
    keys: &[KmsKey],
    network: &Network,
    secrets: &Observed<Vec<Secret>>,
) -> BTreeSet<String> {
    fn listed<T>(listing: &Observed<Vec<T>>) -> impl Iterator<Item = &T> {
        listing.value().into_iter().flatten()
    }
    instances
        .iter()
        .map(|i| &i.tags)
        .chain(clusters.iter().map(|c| &c.tags))
        .chain(keys.iter().filter_map(|k| k.tags.value()))
        .chain(listed(&network.vpcs).map(|v| &v.tags))
        .chain(listed(&network.subnets).map(|s| &s.tags))
        .chain(listed(&network.security_groups).map(|g| &g.tags))
        .chain(listed(secrets).map(|s| &s.tags))
        .filter_map(|tags| tags.get(services::STACK_NAME_TAG).cloned())
        .collect()
}

/// Every instance, and every Aurora cluster for its volume.
fn databases_to_measure(instances: &[DbInstance], clusters: &[DbCluster]) -> Vec<MetricsOf> {
    let instances = instances.iter().map(|i| MetricsOf::instance(&i.identifier));
    let clusters = clusters
        .iter()
        .filter(|c| c.engine.starts_with("aurora"))
        .map(|c| MetricsOf::cluster(&c.identifier));
    instances.chain(clusters).collect()
}

/// Each distinct option group once, however many instances share it.
fn referenced_option_groups(instances: &[DbInstance]) -> BTreeSet<String> {
    instances
        .iter()
        .flat_map(|i| i.option_groups.iter().cloned())
        .collect()
}

/// Each distinct `(engine, version)` once. Aurora members run their cluster's version.
fn engine_versions_in_use(
    instances: &[DbInstance],
    clusters: &[DbCluster],
) -> BTreeSet<(String, String)> {
    let from_instances = instances
        .iter()
        .map(|i| (i.engine.clone(), i.engine_version.clone()));
    let from_clusters = clusters
        .iter()
        .map(|c| (c.engine.clone(), c.engine_version.clone()));
    from_instances
        .chain(from_clusters)
        .filter(|(engine, version)| !engine.is_empty() && !version.is_empty())
        .collect()
}

/// The engines in use whose support lifecycle RDS publishes, each once.
fn lifecycle_engines(versions: &BTreeSet<(String, String)>) -> BTreeSet<String> {
    versions
        .iter()
        .map(|(engine, _)| engine)
        .filter(|engine| LIFECYCLE_ENGINES.contains(&engine.as_str()))
        .cloned()
        .collect()
}

/// Physical ids (the secret's ARN) of the stacks' secret attachments.
fn secret_attachments(stacks: &Observed<Vec<Stack>>) -> Vec<&str> {
    stacks
        .value()
        .into_iter()
        .flatten()
        .filter_map(|stack| stack.resources.value())
        .flatten()
        .filter(|r| r.resource_type == SECRET_TARGET_ATTACHMENT)
        .filter_map(|r| r.physical_id.as_deref())
        .collect()
}

/// The queries for secrets no RDS tag marks: names opening with a database's identifier, tags
/// valued with its identifier or ARN, and the secrets the stacks attach that the first
/// listing did not return (by name: an attachment names its secret by ARN, whose last seven
/// characters are the suffix Secrets Manager adds). None when there is no database.
fn self_managed_secret_queries(
    databases: &BTreeSet<&str>,
    attachments: &[&str],
    listed: &Observed<Vec<Secret>>,
) -> Vec<SecretQuery> {
    use aws_sdk_secretsmanager::types::FilterNameStringType;
    let listed: BTreeSet<&str> = listed
        .value()
        .into_iter()
        .flatten()
        .flat_map(|s| [s.arn.as_str(), s.name.as_str()])
        .collect();
    let attached = attachments
        .iter()
        .filter(|id| !listed.contains(**id))
        .map(|id| match id.split_once(":secret:") {
            Some((_, name)) => name
                .get(..name.len().saturating_sub(7))
                .unwrap_or(name)
                .to_owned(),
            None => (*id).to_owned(),
        });
    let names: BTreeSet<String> = databases
        .iter()
        .filter(|db| !db.starts_with("arn:"))
        .map(|db| (*db).to_owned())
        .chain(attached)
        .collect();
    [
        (FilterNameStringType::Name, names.into_iter().collect()),
        (
            FilterNameStringType::TagValue,
            databases.iter().map(|db| (*db).to_owned()).collect(),
        ),
    ]
    .into_iter()
    .filter(|(_, values): &(_, Vec<String>)| !values.is_empty())
    .map(|(key, values)| SecretQuery { key, values })
    .collect()
}

/// Master-user secrets the databases name.
fn referenced_secrets(instances: &[DbInstance], clusters: &[DbCluster]) -> BTreeSet<String> {
    let from_instances = instances
        .iter()
        .filter_map(|i| i.master_user_secret.as_ref());
    let from_clusters = clusters
        .iter()
        .filter_map(|c| c.master_user_secret.as_ref());
    from_instances
        .chain(from_clusters)
        .filter_map(|s| s.secret_arn.clone())
        .collect()
}

/// The RDS resources of a listing; the others it returned join `excluded`.
fn keep_rds<T>(
    listing: Result<(Vec<T>, Vec<ExcludedResource>), Unavailable>,
    excluded: &mut Vec<ExcludedResource>,
) -> Observed<Vec<T>> {
    listing
        .map(|(kept, left_out)| {
            excluded.extend(left_out);
            kept
        })
        .into()
}

/// Each distinct group once, however many databases share it. Aurora members reference an
/// instance-level group as well as their cluster's group.
fn referenced_parameter_groups(
    instances: &[DbInstance],
    clusters: &[DbCluster],
) -> BTreeSet<(String, ParameterGroupKind)> {
    let instance_groups = instances
        .iter()
        .flat_map(|i| &i.parameter_groups)
        .map(|group| (group.name.clone(), ParameterGroupKind::Instance));
    let cluster_groups = clusters
        .iter()
        .filter_map(|c| c.parameter_group.clone())
        .map(|name| (name, ParameterGroupKind::Cluster));
    instance_groups.chain(cluster_groups).collect()
}

fn database_vpcs(
    instances: &[DbInstance],
    clusters: &[DbCluster],
    subnet_groups: &Observed<Vec<DbSubnetGroup>>,
    proxies: &Observed<Vec<DbProxy>>,
) -> Vec<String> {
    let cluster_subnet_groups: BTreeSet<&str> = clusters
        .iter()
        .filter_map(|c| c.subnet_group.as_deref())
        .collect();
    let from_clusters = subnet_groups
        .value()
        .into_iter()
        .flatten()
        .filter(|g| cluster_subnet_groups.contains(g.name.as_str()))
        .filter_map(|g| g.vpc_id.clone());
    let from_instances = instances.iter().filter_map(|i| i.vpc_id.clone());
    let from_proxies = proxies
        .value()
        .into_iter()
        .flatten()
        .filter_map(|p| p.vpc_id.clone());
    from_instances
        .chain(from_clusters)
        .chain(from_proxies)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Keys behind storage, Performance Insights and managed master-user secrets. Only ARNs count:
/// an unencrypted resource may carry a placeholder instead of a key.
fn referenced_keys(
    instances: &[DbInstance],
    clusters: &[DbCluster],
    snapshot_lists: [&Observed<Vec<DbSnapshot>>; 2],
) -> Vec<String> {
    let instance_keys = instances.iter().flat_map(|i| {
        [
            i.storage
                .encrypted
                .then_some(&i.storage.kms_key_id)
                .cloned()
                .flatten(),
            i.monitoring.performance_insights_kms_key_id.clone(),
            i.master_user_secret
                .as_ref()
                .and_then(|s| s.kms_key_id.clone()),
        ]
    });
    let cluster_keys = clusters.iter().flat_map(|c| {
        [
            c.storage
                .encrypted
                .then_some(&c.storage.kms_key_id)
                .cloned()
                .flatten(),
            c.monitoring.performance_insights_kms_key_id.clone(),
            c.master_user_secret
                .as_ref()
                .and_then(|s| s.kms_key_id.clone()),
        ]
    });
    let snapshot_keys = snapshot_lists
        .into_iter()
        .flat_map(|list| list.value().into_iter().flatten())
        .filter(|s| s.encrypted)
        .map(|s| s.kms_key_id.clone());
    instance_keys
        .chain(cluster_keys)
        .chain(snapshot_keys)
        .flatten()
        .filter(|arn| arn.starts_with("arn:"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}
