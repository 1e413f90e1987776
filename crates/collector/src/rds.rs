//! RDS: databases, clusters, and the shared things they reference.

use std::collections::BTreeMap;

use aws_sdk_rds::types as sdk;
use aws_sdk_rds::Client;
use futures::{stream, StreamExt};
use rds_evidence_inventory::rds::{
    is_rds_engine, Backup, CaCertificate, ClusterMember, DbCluster, DbInstance, DbProxy,
    DbSnapshot, DbSubnetGroup, Endpoint, EventSubscription, ExcludedResource, MasterUserSecret,
    Monitoring, Parameter, ParameterGroup, ParameterGroupKind, ParameterGroupMembership, ProxyAuth,
    ResourceKind, ServerlessV2Scaling, Storage, SubnetRef, Tags,
};
use rds_evidence_inventory::{Observed, Unavailable};

use crate::convert::{owned, time};
use crate::failure::unavailable;
use crate::pages::drain;

/// RDS returns at most 100 records a page.
const PAGE: i32 = 100;

/// Instances, minus DocumentDB and Neptune, which are returned as excluded.
pub(crate) async fn db_instances(
    client: &Client,
) -> Result<(Vec<DbInstance>, Vec<ExcludedResource>), Unavailable> {
    let items = drain(
        client
            .describe_db_instances()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBInstances",
    )
    .await?;
    Ok(split_rds(
        items,
        ResourceKind::DbInstance,
        |i| (i.engine(), i.db_instance_identifier()),
        db_instance,
    ))
}

pub(crate) async fn db_clusters(
    client: &Client,
) -> Result<(Vec<DbCluster>, Vec<ExcludedResource>), Unavailable> {
    let items = drain(
        client
            .describe_db_clusters()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBClusters",
    )
    .await?;
    Ok(split_rds(
        items,
        ResourceKind::DbCluster,
        |c| (c.engine(), c.db_cluster_identifier()),
        db_cluster,
    ))
}

/// Converts the RDS resources and names the others, which the RDS API also returns.
fn split_rds<S, T>(
    items: Vec<S>,
    kind: ResourceKind,
    engine_and_id: impl Fn(&S) -> (Option<&str>, Option<&str>),
    convert: impl Fn(&S) -> T,
) -> (Vec<T>, Vec<ExcludedResource>) {
    let mut kept = Vec::new();
    let mut excluded = Vec::new();
    for item in &items {
        let (engine, id) = engine_and_id(item);
        let engine = engine.unwrap_or_default();
        if is_rds_engine(engine) {
            kept.push(convert(item));
        } else {
            excluded.push(ExcludedResource {
                kind,
                identifier: id.unwrap_or_default().to_owned(),
                engine: engine.to_owned(),
            });
        }
    }
    (kept, excluded)
}

pub(crate) async fn db_subnet_groups(client: &Client) -> Result<Vec<DbSubnetGroup>, Unavailable> {
    let items = drain(
        client
            .describe_db_subnet_groups()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBSubnetGroups",
    )
    .await?;
    Ok(items.iter().map(db_subnet_group).collect())
}

/// Every page of one parameter group's parameters.
pub(crate) async fn parameter_group(
    client: &Client,
    name: String,
    kind: ParameterGroupKind,
) -> ParameterGroup {
    let parameters = match kind {
        ParameterGroupKind::Instance => {
            drain(
                client
                    .describe_db_parameters()
                    .db_parameter_group_name(&name)
                    .max_records(PAGE)
                    .into_paginator()
                    .items()
                    .send(),
                "rds:DescribeDBParameters",
            )
            .await
        }
        ParameterGroupKind::Cluster => {
            drain(
                client
                    .describe_db_cluster_parameters()
                    .db_cluster_parameter_group_name(&name)
                    .max_records(PAGE)
                    .into_paginator()
                    .items()
                    .send(),
                "rds:DescribeDBClusterParameters",
            )
            .await
        }
    };
    ParameterGroup {
        name,
        kind,
        parameters: parameters
            .map(|items| items.iter().map(parameter).collect())
            .into(),
    }
}

/// DB snapshots of every type; only manual ones are asked who they are shared with, since
/// automated snapshots cannot be shared.
pub(crate) async fn db_snapshots(
    client: &Client,
    concurrency: usize,
) -> Result<(Vec<DbSnapshot>, Vec<ExcludedResource>), Unavailable> {
    let items = drain(
        client
            .describe_db_snapshots()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBSnapshots",
    )
    .await?;
    let (snapshots, excluded) = split_rds(
        items,
        ResourceKind::DbSnapshot,
        |s| (s.engine(), s.db_snapshot_identifier()),
        db_snapshot,
    );
    let snapshots = stream::iter(snapshots)
        .map(|mut snapshot| async move {
            if snapshot.is_manual() {
                snapshot.shared_with =
                    Some(db_snapshot_sharing(client, &snapshot.identifier).await);
            }
            snapshot
        })
        .buffered(concurrency)
        .collect()
        .await;
    Ok((snapshots, excluded))
}

pub(crate) async fn db_cluster_snapshots(
    client: &Client,
    concurrency: usize,
) -> Result<(Vec<DbSnapshot>, Vec<ExcludedResource>), Unavailable> {
    let items = drain(
        client
            .describe_db_cluster_snapshots()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBClusterSnapshots",
    )
    .await?;
    let (snapshots, excluded) = split_rds(
        items,
        ResourceKind::DbClusterSnapshot,
        |s| (s.engine(), s.db_cluster_snapshot_identifier()),
        db_cluster_snapshot,
    );
    let snapshots = stream::iter(snapshots)
        .map(|mut snapshot| async move {
            if snapshot.is_manual() {
                snapshot.shared_with =
                    Some(db_cluster_snapshot_sharing(client, &snapshot.identifier).await);
            }
            snapshot
        })
        .buffered(concurrency)
        .collect()
        .await;
    Ok((snapshots, excluded))
}

async fn db_snapshot_sharing(client: &Client, identifier: &str) -> Observed<Vec<String>> {
    client
        .describe_db_snapshot_attributes()
        .db_snapshot_identifier(identifier)
        .send()
        .await
        .map(|out| {
            out.db_snapshot_attributes_result()
                .map(|r| {
                    restore_accounts(
                        r.db_snapshot_attributes()
                            .iter()
                            .map(|a| (a.attribute_name(), a.attribute_values())),
                    )
                })
                .unwrap_or_default()
        })
        .map_err(|e| unavailable("rds:DescribeDBSnapshotAttributes", &e))
        .into()
}

async fn db_cluster_snapshot_sharing(client: &Client, identifier: &str) -> Observed<Vec<String>> {
    client
        .describe_db_cluster_snapshot_attributes()
        .db_cluster_snapshot_identifier(identifier)
        .send()
        .await
        .map(|out| {
            out.db_cluster_snapshot_attributes_result()
                .map(|r| {
                    restore_accounts(
                        r.db_cluster_snapshot_attributes()
                            .iter()
                            .map(|a| (a.attribute_name(), a.attribute_values())),
                    )
                })
                .unwrap_or_default()
        })
        .map_err(|e| unavailable("rds:DescribeDBClusterSnapshotAttributes", &e))
        .into()
}

/// The `restore` attribute lists the accounts that may restore the snapshot; `all` is public.
fn restore_accounts<'a>(
    attributes: impl Iterator<Item = (Option<&'a str>, &'a [String])>,
) -> Vec<String> {
    let mut accounts: Vec<String> = attributes
        .filter(|(name, _)| *name == Some("restore"))
        .flat_map(|(_, values)| values.iter().cloned())
        .collect();
    accounts.sort();
    accounts
}

pub(crate) async fn event_subscriptions(
    client: &Client,
) -> Result<Vec<EventSubscription>, Unavailable> {
    let items = drain(
        client
            .describe_event_subscriptions()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeEventSubscriptions",
    )
    .await?;
    Ok(items.iter().map(event_subscription).collect())
}

pub(crate) async fn db_proxies(client: &Client) -> Result<Vec<DbProxy>, Unavailable> {
    let items = drain(
        client
            .describe_db_proxies()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBProxies",
    )
    .await?;
    Ok(items.iter().map(db_proxy).collect())
}

fn tags(list: &[sdk::Tag]) -> Tags {
    list.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect::<BTreeMap<_, _>>()
}

fn master_user_secret(secret: Option<&sdk::MasterUserSecret>) -> Option<MasterUserSecret> {
    secret.map(|s| MasterUserSecret {
        secret_arn: owned(s.secret_arn()),
        status: owned(s.secret_status()),
        kms_key_id: owned(s.kms_key_id()),
    })
}

pub(crate) fn db_instance(i: &sdk::DbInstance) -> DbInstance {
    let subnet_group = i.db_subnet_group();
    let endpoint = i.endpoint().and_then(|e| {
        Some(Endpoint {
            address: e.address()?.to_owned(),
            port: e.port(),
        })
    });
    let mut read_replicas = i.read_replica_db_instance_identifiers().to_vec();
    read_replicas.extend(i.read_replica_db_cluster_identifiers().to_vec());
    DbInstance {
        identifier: i.db_instance_identifier().unwrap_or_default().to_owned(),
        arn: i.db_instance_arn().unwrap_or_default().to_owned(),
        engine: i.engine().unwrap_or_default().to_owned(),
        engine_version: i.engine_version().unwrap_or_default().to_owned(),
        instance_class: i.db_instance_class().unwrap_or_default().to_owned(),
        status: owned(i.db_instance_status()),
        created_at: time(i.instance_create_time()),
        storage: Storage {
            storage_type: owned(i.storage_type()),
            allocated_gib: i.allocated_storage(),
            max_allocated_gib: i.max_allocated_storage(),
            iops: i.iops(),
            throughput_mibps: i.storage_throughput(),
            encrypted: i.storage_encrypted().unwrap_or(false),
            kms_key_id: owned(i.kms_key_id()),
        },
        multi_az: i.multi_az().unwrap_or(false),
        availability_zone: owned(i.availability_zone()),
        secondary_availability_zone: owned(i.secondary_availability_zone()),
        cluster_identifier: owned(i.db_cluster_identifier()),
        replica_source: owned(i.read_replica_source_db_instance_identifier())
            .or_else(|| owned(i.read_replica_source_db_cluster_identifier())),
        read_replicas,
        publicly_accessible: i.publicly_accessible(),
        // DbInstancePort is 0 when the instance has no port of its own: not a port.
        port: i
            .endpoint()
            .and_then(|e| e.port())
            .or(i.db_instance_port().filter(|p| *p > 0)),
        endpoint,
        subnet_group: subnet_group.and_then(|g| owned(g.db_subnet_group_name())),
        vpc_id: subnet_group.and_then(|g| owned(g.vpc_id())),
        vpc_security_groups: i
            .vpc_security_groups()
            .iter()
            .filter_map(|g| owned(g.vpc_security_group_id()))
            .collect(),
        parameter_groups: i
            .db_parameter_groups()
            .iter()
            .filter_map(|g| {
                Some(ParameterGroupMembership {
                    name: g.db_parameter_group_name()?.to_owned(),
                    apply_status: owned(g.parameter_apply_status()),
                })
            })
            .collect(),
        option_groups: i
            .option_group_memberships()
            .iter()
            .filter_map(|g| owned(g.option_group_name()))
            .collect(),
        backup: Backup {
            retention_days: i.backup_retention_period().unwrap_or(0),
            preferred_window: owned(i.preferred_backup_window()),
            latest_restorable_time: time(i.latest_restorable_time()),
            cross_region_replications: i
                .db_instance_automated_backups_replications()
                .iter()
                .filter_map(|r| owned(r.db_instance_automated_backups_arn()))
                .collect(),
        },
        deletion_protection: i.deletion_protection().unwrap_or(false),
        iam_database_authentication: i.iam_database_authentication_enabled().unwrap_or(false),
        monitoring: Monitoring {
            enhanced_monitoring_interval_s: i.monitoring_interval(),
            enhanced_monitoring_role_arn: owned(i.monitoring_role_arn()),
            performance_insights_enabled: i.performance_insights_enabled(),
            performance_insights_kms_key_id: owned(i.performance_insights_kms_key_id()),
            performance_insights_retention_days: i.performance_insights_retention_period(),
        },
        log_exports: i.enabled_cloudwatch_logs_exports().to_vec(),
        ca_certificate: i
            .certificate_details()
            .and_then(|c| c.ca_identifier())
            .or(i.ca_certificate_identifier())
            .map(|identifier| CaCertificate {
                identifier: identifier.to_owned(),
                valid_till: time(i.certificate_details().and_then(|c| c.valid_till())),
            }),
        master_user_secret: master_user_secret(i.master_user_secret()),
        auto_minor_version_upgrade: i.auto_minor_version_upgrade().unwrap_or(false),
        tags: tags(i.tag_list()),
    }
}

pub(crate) fn db_cluster(c: &sdk::DbCluster) -> DbCluster {
    DbCluster {
        identifier: c.db_cluster_identifier().unwrap_or_default().to_owned(),
        arn: c.db_cluster_arn().unwrap_or_default().to_owned(),
        engine: c.engine().unwrap_or_default().to_owned(),
        engine_version: c.engine_version().unwrap_or_default().to_owned(),
        engine_mode: owned(c.engine_mode()),
        status: owned(c.status()),
        created_at: time(c.cluster_create_time()),
        members: c
            .db_cluster_members()
            .iter()
            .map(|m| ClusterMember {
                instance_identifier: m.db_instance_identifier().unwrap_or_default().to_owned(),
                is_writer: m.is_cluster_writer().unwrap_or(false),
                promotion_tier: m.promotion_tier(),
            })
            .collect(),
        endpoint: owned(c.endpoint()),
        reader_endpoint: owned(c.reader_endpoint()),
        custom_endpoints: c.custom_endpoints().to_vec(),
        port: c.port(),
        multi_az: c.multi_az().unwrap_or(false),
        availability_zones: c.availability_zones().to_vec(),
        global_cluster: owned(c.global_cluster_identifier()),
        replica_source: owned(c.replication_source_identifier()),
        read_replicas: c.read_replica_identifiers().to_vec(),
        storage: Storage {
            storage_type: owned(c.storage_type()),
            allocated_gib: c.allocated_storage(),
            max_allocated_gib: None,
            iops: c.iops(),
            throughput_mibps: c.storage_throughput(),
            encrypted: c.storage_encrypted().unwrap_or(false),
            kms_key_id: owned(c.kms_key_id()),
        },
        publicly_accessible: c.publicly_accessible(),
        subnet_group: owned(c.db_subnet_group()),
        vpc_security_groups: c
            .vpc_security_groups()
            .iter()
            .filter_map(|g| owned(g.vpc_security_group_id()))
            .collect(),
        parameter_group: owned(c.db_cluster_parameter_group()),
        backup: Backup {
            retention_days: c.backup_retention_period().unwrap_or(0),
            preferred_window: owned(c.preferred_backup_window()),
            latest_restorable_time: time(c.latest_restorable_time()),
            cross_region_replications: Vec::new(),
        },
        deletion_protection: c.deletion_protection().unwrap_or(false),
        iam_database_authentication: c.iam_database_authentication_enabled().unwrap_or(false),
        monitoring: Monitoring {
            enhanced_monitoring_interval_s: c.monitoring_interval(),
            enhanced_monitoring_role_arn: owned(c.monitoring_role_arn()),
            performance_insights_enabled: c.performance_insights_enabled(),
            performance_insights_kms_key_id: owned(c.performance_insights_kms_key_id()),
            performance_insights_retention_days: c.performance_insights_retention_period(),
        },
        log_exports: c.enabled_cloudwatch_logs_exports().to_vec(),
        master_user_secret: master_user_secret(c.master_user_secret()),
        auto_minor_version_upgrade: c.auto_minor_version_upgrade(),
        serverless_v2_scaling: c.serverless_v2_scaling_configuration().map(|s| {
            ServerlessV2Scaling {
                min_capacity: s.min_capacity(),
                max_capacity: s.max_capacity(),
            }
        }),
        tags: tags(c.tag_list()),
    }
}

fn db_subnet_group(g: &sdk::DbSubnetGroup) -> DbSubnetGroup {
    DbSubnetGroup {
        name: g.db_subnet_group_name().unwrap_or_default().to_owned(),
        arn: owned(g.db_subnet_group_arn()),
        vpc_id: owned(g.vpc_id()),
        subnets: g
            .subnets()
            .iter()
            .filter_map(|s| {
                Some(SubnetRef {
                    subnet_id: s.subnet_identifier()?.to_owned(),
                    availability_zone: s.subnet_availability_zone().and_then(|az| owned(az.name())),
                })
            })
            .collect(),
    }
}

fn parameter(p: &sdk::Parameter) -> Parameter {
    Parameter {
        name: p.parameter_name().unwrap_or_default().to_owned(),
        value: owned(p.parameter_value()),
        source: owned(p.source()),
        apply_type: owned(p.apply_type()),
    }
}

fn db_snapshot(s: &sdk::DbSnapshot) -> DbSnapshot {
    DbSnapshot {
        identifier: s.db_snapshot_identifier().unwrap_or_default().to_owned(),
        arn: owned(s.db_snapshot_arn()),
        source_identifier: owned(s.db_instance_identifier()),
        snapshot_type: owned(s.snapshot_type()),
        engine: owned(s.engine()),
        created_at: time(s.snapshot_create_time()),
        status: owned(s.status()),
        encrypted: s.encrypted().unwrap_or(false),
        kms_key_id: owned(s.kms_key_id()),
        shared_with: None,
    }
}

fn db_cluster_snapshot(s: &sdk::DbClusterSnapshot) -> DbSnapshot {
    DbSnapshot {
        identifier: s
            .db_cluster_snapshot_identifier()
            .unwrap_or_default()
            .to_owned(),
        arn: owned(s.db_cluster_snapshot_arn()),
        source_identifier: owned(s.db_cluster_identifier()),
        snapshot_type: owned(s.snapshot_type()),
        engine: owned(s.engine()),
        created_at: time(s.snapshot_create_time()),
        status: owned(s.status()),
        encrypted: s.storage_encrypted().unwrap_or(false),
        kms_key_id: owned(s.kms_key_id()),
        shared_with: None,
    }
}

fn event_subscription(s: &sdk::EventSubscription) -> EventSubscription {
    EventSubscription {
        name: s.cust_subscription_id().unwrap_or_default().to_owned(),
        arn: owned(s.event_subscription_arn()),
        sns_topic_arn: owned(s.sns_topic_arn()),
        source_type: owned(s.source_type()),
        source_ids: s.source_ids_list().to_vec(),
        event_categories: s.event_categories_list().to_vec(),
        enabled: s.enabled().unwrap_or(false),
        status: owned(s.status()),
    }
}

fn db_proxy(p: &sdk::DbProxy) -> DbProxy {
    DbProxy {
        name: p.db_proxy_name().unwrap_or_default().to_owned(),
        arn: owned(p.db_proxy_arn()),
        engine_family: owned(p.engine_family()),
        require_tls: p.require_tls().unwrap_or(false),
        vpc_id: owned(p.vpc_id()),
        vpc_security_groups: p.vpc_security_group_ids().to_vec(),
        vpc_subnets: p.vpc_subnet_ids().to_vec(),
        auth: p
            .auth()
            .iter()
            .map(|a| ProxyAuth {
                secret_arn: owned(a.secret_arn()),
                iam_auth: a.iam_auth().map(|m| m.as_str().to_owned()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::DateTime;

    fn full_instance() -> sdk::DbInstance {
        sdk::DbInstance::builder()
            .db_instance_identifier("orders")
            .db_instance_arn("arn:aws:rds:us-east-1:123456789012:db:orders")
            .engine("postgres")
            .engine_version("16.4")
            .db_instance_class("db.r6g.large")
            .storage_type("gp3")
            .allocated_storage(100)
            .max_allocated_storage(500)
            .storage_encrypted(true)
            .kms_key_id("arn:aws:kms:us-east-1:123456789012:key/k1")
            .multi_az(true)
            .availability_zone("us-east-1a")
            .secondary_availability_zone("us-east-1b")
            .read_replica_db_instance_identifiers("orders-ro")
            .read_replica_db_instance_identifiers("arn:aws:rds:eu-west-1:123456789012:db:orders-dr")
            .read_replica_db_cluster_identifiers("orders-aurora")
            .endpoint(
                sdk::Endpoint::builder()
                    .address("orders.example")
                    .port(5432)
                    .build(),
            )
            .db_subnet_group(
                sdk::DbSubnetGroup::builder()
                    .db_subnet_group_name("private")
                    .vpc_id("vpc-1")
                    .build(),
            )
            .vpc_security_groups(
                sdk::VpcSecurityGroupMembership::builder()
                    .vpc_security_group_id("sg-1")
                    .build(),
            )
            .db_parameter_groups(
                sdk::DbParameterGroupStatus::builder()
                    .db_parameter_group_name("pg16-tls")
                    .parameter_apply_status("pending-reboot")
                    .build(),
            )
            .backup_retention_period(7)
            .latest_restorable_time(DateTime::from_secs(1_700_000_000))
            .db_instance_automated_backups_replications(
                sdk::DbInstanceAutomatedBackupsReplication::builder()
                    .db_instance_automated_backups_arn(
                        "arn:aws:rds:eu-west-1:123456789012:auto-backup:ab-1",
                    )
                    .build(),
            )
            .deletion_protection(true)
            .iam_database_authentication_enabled(true)
            .monitoring_interval(60)
            .enabled_cloudwatch_logs_exports("postgresql")
            .ca_certificate_identifier("rds-ca-rsa2048-g1")
            .certificate_details(
                sdk::CertificateDetails::builder()
                    .ca_identifier("rds-ca-rsa2048-g1")
                    .valid_till(DateTime::from_secs(1_800_000_000))
                    .build(),
            )
            .master_user_secret(
                sdk::MasterUserSecret::builder()
                    .secret_arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1")
                    .secret_status("active")
                    .build(),
            )
            .auto_minor_version_upgrade(true)
            .tag_list(sdk::Tag::builder().key("Environment").value("prod").build())
            .build()
    }

    #[test]
    fn instance_fields_map_one_to_one() {
        let i = db_instance(&full_instance());
        assert_eq!(i.identifier, "orders");
        assert!(i.storage.encrypted && i.multi_az && i.deletion_protection);
        assert_eq!(i.storage.max_allocated_gib, Some(500));
        assert_eq!(i.secondary_availability_zone.as_deref(), Some("us-east-1b"));
        assert_eq!(
            i.read_replicas,
            [
                "orders-ro",
                "arn:aws:rds:eu-west-1:123456789012:db:orders-dr",
                "orders-aurora"
            ]
        );
        assert_eq!(i.port, Some(5432));
        assert_eq!(i.vpc_id.as_deref(), Some("vpc-1"));
        assert_eq!(i.subnet_group.as_deref(), Some("private"));
        assert_eq!(i.vpc_security_groups, ["sg-1"]);
        assert_eq!(i.parameter_groups[0].name, "pg16-tls");
        assert_eq!(
            i.parameter_groups[0].apply_status.as_deref(),
            Some("pending-reboot")
        );
        assert_eq!(i.backup.retention_days, 7);
        assert_eq!(
            i.backup.latest_restorable_time.as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(i.backup.cross_region_replications.len(), 1);
        let ca = i.ca_certificate.unwrap();
        assert_eq!(ca.identifier, "rds-ca-rsa2048-g1");
        assert_eq!(ca.valid_till.as_deref(), Some("2027-01-15T08:00:00Z"));
        assert_eq!(
            i.master_user_secret.unwrap().status.as_deref(),
            Some("active")
        );
        assert_eq!(i.tags.get("Environment").map(String::as_str), Some("prod"));
    }

    #[test]
    fn absent_flags_stay_unknown_rather_than_false() {
        let i = db_instance(&full_instance());
        assert_eq!(i.publicly_accessible, None);
        assert_eq!(i.monitoring.performance_insights_enabled, None);
    }

    #[test]
    fn replica_of_a_cluster_names_the_cluster_as_source() {
        let sdk_instance = sdk::DbInstance::builder()
            .db_instance_identifier("r")
            .read_replica_source_db_cluster_identifier("arn:aws:rds:us-east-1:1:cluster:c")
            .build();
        assert_eq!(
            db_instance(&sdk_instance).replica_source.as_deref(),
            Some("arn:aws:rds:us-east-1:1:cluster:c")
        );
    }

    #[test]
    fn cluster_members_writer_and_settings() {
        let c = db_cluster(
            &sdk::DbCluster::builder()
                .db_cluster_identifier("aurora")
                .engine("aurora-postgresql")
                .db_cluster_members(
                    sdk::DbClusterMember::builder()
                        .db_instance_identifier("aurora-1")
                        .is_cluster_writer(true)
                        .build(),
                )
                .db_cluster_members(
                    sdk::DbClusterMember::builder()
                        .db_instance_identifier("aurora-2")
                        .is_cluster_writer(false)
                        .promotion_tier(1)
                        .build(),
                )
                .multi_az(true)
                .global_cluster_identifier("global-1")
                .db_cluster_parameter_group("apg16")
                .db_subnet_group("private")
                .storage_encrypted(true)
                .backup_retention_period(14)
                .build(),
        );
        assert_eq!(c.members.len(), 2);
        assert!(c.members[0].is_writer && !c.members[1].is_writer);
        assert_eq!(c.members[1].promotion_tier, Some(1));
        assert_eq!(c.global_cluster.as_deref(), Some("global-1"));
        assert_eq!(c.parameter_group.as_deref(), Some("apg16"));
        assert_eq!(c.backup.retention_days, 14);
    }

    #[test]
    fn documentdb_and_neptune_are_excluded_by_engine() {
        let instances = ["postgres", "docdb", "neptune", "aurora-mysql"].map(|engine| {
            sdk::DbInstance::builder()
                .db_instance_identifier(format!("db-{engine}"))
                .engine(engine)
                .build()
        });
        let (kept, excluded) = split_rds(
            instances.to_vec(),
            ResourceKind::DbInstance,
            |i| (i.engine(), i.db_instance_identifier()),
            db_instance,
        );
        let kept: Vec<_> = kept.iter().map(|i| i.engine.as_str()).collect();
        assert_eq!(kept, ["postgres", "aurora-mysql"]);
        let excluded: Vec<_> = excluded.iter().map(|e| e.identifier.as_str()).collect();
        assert_eq!(excluded, ["db-docdb", "db-neptune"]);
    }

    #[test]
    fn only_the_restore_attribute_lists_sharing() {
        let restore = vec!["222222222222".to_owned(), "all".to_owned()];
        let other = vec!["x".to_owned()];
        let accounts = restore_accounts(
            [
                (Some("restore"), restore.as_slice()),
                (Some("something-else"), other.as_slice()),
            ]
            .into_iter(),
        );
        assert_eq!(accounts, ["222222222222", "all"]);
    }

    #[test]
    fn snapshot_type_decides_whether_sharing_applies() {
        let manual = db_snapshot(
            &sdk::DbSnapshot::builder()
                .db_snapshot_identifier("m")
                .snapshot_type("manual")
                .build(),
        );
        let automated = db_snapshot(
            &sdk::DbSnapshot::builder()
                .db_snapshot_identifier("rds:a")
                .snapshot_type("automated")
                .build(),
        );
        assert!(manual.is_manual() && !automated.is_manual());
    }
}
