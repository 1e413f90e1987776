//! RDS around the databases: option groups, global databases, pending maintenance, engine
//! version status and support lifecycle, CA certificates, reserved instances and recent
//! failover events.

use aws_sdk_rds::types as sdk;
use aws_sdk_rds::Client;
use aws_smithy_types::DateTime;
use rds_evidence_inventory::activity::RdsEvent;
use rds_evidence_inventory::rds::{
    Certificate, DbOption, EngineLifecycle, EngineVersion, EngineVersionDetails, GlobalCluster,
    GlobalClusterMember, MajorEngineVersion, OptionGroup, OptionSetting, PendingAction,
    PendingMaintenance, ReservedInstance, SupportLifecycle,
};
use rds_evidence_inventory::Unavailable;

use crate::convert::{owned, time};
use crate::pages::drain;

/// RDS returns at most 100 records a page.
const PAGE: i32 = 100;

/// Every page of one option group. `DescribeOptionGroups` without a name fails on some
/// endpoints and reads groups nobody uses, so groups are asked for by the names instances use.
pub(crate) async fn option_group(client: &Client, name: String) -> OptionGroup {
    let groups = drain(
        client
            .describe_option_groups()
            .option_group_name(&name)
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeOptionGroups",
    )
    .await;
    OptionGroup {
        options: groups
            .map(|groups| {
                groups
                    .iter()
                    .filter(|g| g.option_group_name() == Some(name.as_str()))
                    .flat_map(|g| g.options())
                    .map(db_option)
                    .collect()
            })
            .into(),
        name,
    }
}

fn db_option(option: &sdk::Option) -> DbOption {
    DbOption {
        name: option.option_name().unwrap_or_default().to_owned(),
        port: option.port(),
        settings: option
            .option_settings()
            .iter()
            .filter_map(|s| {
                Some(OptionSetting {
                    name: s.name()?.to_owned(),
                    value: owned(s.value()),
                })
            })
            .collect(),
    }
}

pub(crate) async fn global_clusters(client: &Client) -> Result<Vec<GlobalCluster>, Unavailable> {
    let items = drain(
        client
            .describe_global_clusters()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeGlobalClusters",
    )
    .await?;
    Ok(items.iter().map(global_cluster).collect())
}

fn global_cluster(g: &sdk::GlobalCluster) -> GlobalCluster {
    GlobalCluster {
        identifier: g.global_cluster_identifier().unwrap_or_default().to_owned(),
        arn: owned(g.global_cluster_arn()),
        engine: owned(g.engine()),
        engine_version: owned(g.engine_version()),
        status: owned(g.status()),
        members: g
            .global_cluster_members()
            .iter()
            .filter_map(|m| {
                Some(GlobalClusterMember {
                    cluster_arn: m.db_cluster_arn()?.to_owned(),
                    is_writer: m.is_writer().unwrap_or(false),
                    readers: m.readers().to_vec(),
                })
            })
            .collect(),
    }
}

/// One region-wide listing: resources without pending maintenance are not in it.
pub(crate) async fn pending_maintenance(
    client: &Client,
) -> Result<Vec<PendingMaintenance>, Unavailable> {
    let items = drain(
        client
            .describe_pending_maintenance_actions()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribePendingMaintenanceActions",
    )
    .await?;
    Ok(items.iter().map(resource_maintenance).collect())
}

fn resource_maintenance(r: &sdk::ResourcePendingMaintenanceActions) -> PendingMaintenance {
    PendingMaintenance {
        resource_arn: r.resource_identifier().unwrap_or_default().to_owned(),
        actions: r
            .pending_maintenance_action_details()
            .iter()
            .map(|a| PendingAction {
                action: a.action().unwrap_or_default().to_owned(),
                description: owned(a.description()),
                auto_applied_after: time(a.auto_applied_after_date()),
                forced_apply_date: time(a.forced_apply_date()),
                current_apply_date: time(a.current_apply_date()),
                opt_in_status: owned(a.opt_in_status()),
            })
            .collect(),
    }
}

/// The status of one engine version. `IncludeAll` is what makes RDS list deprecated versions:
/// without it a deprecated version looks like an unknown one.
pub(crate) async fn engine_version(
    client: &Client,
    engine: String,
    version: String,
) -> EngineVersion {
    let items = drain(
        client
            .describe_db_engine_versions()
            .engine(&engine)
            .engine_version(&version)
            .include_all(true)
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBEngineVersions",
    )
    .await;
    EngineVersion {
        details: items
            .map(|items| engine_version_details(&items, &engine, &version))
            .into(),
        engine,
        version,
    }
}

fn engine_version_details(
    items: &[sdk::DbEngineVersion],
    engine: &str,
    version: &str,
) -> Option<EngineVersionDetails> {
    items
        .iter()
        .find(|v| v.engine() == Some(engine) && v.engine_version() == Some(version))
        .map(|v| EngineVersionDetails {
            status: owned(v.status()),
            upgrade_targets: v.valid_upgrade_target().len(),
        })
}

/// The support lifecycle of every major version of `engine`: dates of RDS standard support
/// and RDS Extended Support.
pub(crate) async fn engine_lifecycle(client: &Client, engine: String) -> EngineLifecycle {
    let items = drain(
        client
            .describe_db_major_engine_versions()
            .engine(&engine)
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeDBMajorEngineVersions",
    )
    .await;
    EngineLifecycle {
        major_versions: items
            .map(|items| {
                items
                    .iter()
                    .filter(|v| v.engine() == Some(engine.as_str()))
                    .map(major_engine_version)
                    .collect()
            })
            .into(),
        engine,
    }
}

fn major_engine_version(v: &sdk::DbMajorEngineVersion) -> MajorEngineVersion {
    MajorEngineVersion {
        version: v.major_engine_version().unwrap_or_default().to_owned(),
        lifecycles: v
            .supported_engine_lifecycles()
            .iter()
            .filter_map(|l| {
                Some(SupportLifecycle {
                    name: l.lifecycle_support_name()?.as_str().to_owned(),
                    start: time(l.lifecycle_support_start_date()),
                    end: time(l.lifecycle_support_end_date()),
                })
            })
            .collect(),
    }
}

/// Minutes of RDS events asked for: all RDS keeps (14 days).
const EVENT_HISTORY_MINUTES: i32 = 14 * 24 * 60;

/// The region's RDS events of the failover category over the last 14 days.
pub(crate) async fn failover_events(client: &Client) -> Result<Vec<RdsEvent>, Unavailable> {
    let events = drain(
        client
            .describe_events()
            .duration(EVENT_HISTORY_MINUTES)
            .event_categories(FAILOVER)
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeEvents",
    )
    .await?;
    // Filtered again: the category is what makes an event evidence of a failover.
    Ok(events
        .iter()
        .filter(|e| e.event_categories().iter().any(|c| c == FAILOVER))
        .map(rds_event)
        .collect())
}

const FAILOVER: &str = "failover";

fn rds_event(e: &sdk::Event) -> RdsEvent {
    RdsEvent {
        source_id: e.source_identifier().unwrap_or_default().to_owned(),
        source_type: e.source_type().map(|t| t.as_str().to_owned()),
        date: time(e.date()),
        message: owned(e.message()),
        categories: e.event_categories().to_vec(),
    }
}

pub(crate) async fn certificates(client: &Client) -> Result<Vec<Certificate>, Unavailable> {
    let pages = drain(
        client
            .describe_certificates()
            .max_records(PAGE)
            .into_paginator()
            .send(),
        "rds:DescribeCertificates",
    )
    .await?;
    let default = pages
        .iter()
        .find_map(|p| p.default_certificate_for_new_launches());
    Ok(pages
        .iter()
        .flat_map(|p| p.certificates())
        .map(|c| certificate(c, default))
        .collect())
}

fn certificate(c: &sdk::Certificate, default: Option<&str>) -> Certificate {
    let identifier = c.certificate_identifier().unwrap_or_default().to_owned();
    Certificate {
        default_for_new_launches: default == Some(identifier.as_str()),
        identifier,
        certificate_type: owned(c.certificate_type()),
        valid_from: time(c.valid_from()),
        valid_till: time(c.valid_till()),
    }
}

pub(crate) async fn reserved_instances(
    client: &Client,
) -> Result<Vec<ReservedInstance>, Unavailable> {
    let items = drain(
        client
            .describe_reserved_db_instances()
            .max_records(PAGE)
            .into_paginator()
            .items()
            .send(),
        "rds:DescribeReservedDBInstances",
    )
    .await?;
    Ok(items.iter().map(reserved_instance).collect())
}

fn reserved_instance(r: &sdk::ReservedDbInstance) -> ReservedInstance {
    // The API gives the start and the term in seconds, not the end.
    let end = r
        .start_time()
        .zip(r.duration())
        .map(|(start, seconds)| DateTime::from_secs(start.secs() + i64::from(seconds)));
    ReservedInstance {
        id: r.reserved_db_instance_id().unwrap_or_default().to_owned(),
        instance_class: r.db_instance_class().unwrap_or_default().to_owned(),
        product_description: owned(r.product_description()),
        multi_az: r.multi_az().unwrap_or(false),
        count: r.db_instance_count().unwrap_or(0),
        state: owned(r.state()),
        start: time(r.start_time()),
        end: time(end.as_ref()),
        offering_type: owned(r.offering_type()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DescribeEvents' Event for a Multi-AZ failover (RDS-EVENT-0049), per the RDS API Reference.
    #[test]
    fn failover_event_keeps_source_date_and_message() {
        let event = sdk::Event::builder()
            .source_identifier("orders-pg")
            .source_type(sdk::SourceType::DbInstance)
            .message("Multi-AZ instance failover completed.")
            .event_categories("failover")
            .date(DateTime::from_secs(1_700_000_000))
            .source_arn("arn:aws:rds:us-east-1:123456789012:db:orders-pg")
            .build();
        assert_eq!(
            rds_event(&event),
            RdsEvent {
                source_id: "orders-pg".into(),
                source_type: Some("db-instance".into()),
                date: Some("2023-11-14T22:13:20Z".into()),
                message: Some("Multi-AZ instance failover completed.".into()),
                categories: vec!["failover".into()],
            }
        );
    }

    /// DescribeDBMajorEngineVersions' DBMajorEngineVersion for PostgreSQL 11, per the RDS API
    /// Reference: standard support ended, RDS Extended Support under way.
    #[test]
    fn major_version_keeps_both_lifecycles_with_dates() {
        let lifecycle = |name, start, end| {
            sdk::SupportedEngineLifecycle::builder()
                .lifecycle_support_name(name)
                .lifecycle_support_start_date(DateTime::from_secs(start))
                .lifecycle_support_end_date(DateTime::from_secs(end))
                .build()
        };
        let version = sdk::DbMajorEngineVersion::builder()
            .engine("postgres")
            .major_engine_version("11")
            .supported_engine_lifecycles(lifecycle(
                sdk::LifecycleSupportName::OpenSourceRdsStandardSupport,
                1_540_425_600, // 2018-10-25
                1_709_164_800, // 2024-02-29
            ))
            .supported_engine_lifecycles(lifecycle(
                sdk::LifecycleSupportName::OpenSourceRdsExtendedSupport,
                1_709_251_200, // 2024-03-01
                1_806_451_200, // 2027-03-31
            ))
            .build();
        let major = major_engine_version(&version);
        assert_eq!(major.version, "11");
        assert_eq!(
            major.lifecycles,
            [
                SupportLifecycle {
                    name: "open-source-rds-standard-support".into(),
                    start: Some("2018-10-25T00:00:00Z".into()),
                    end: Some("2024-02-29T00:00:00Z".into()),
                },
                SupportLifecycle {
                    name: "open-source-rds-extended-support".into(),
                    start: Some("2024-03-01T00:00:00Z".into()),
                    end: Some("2027-03-31T00:00:00Z".into()),
                },
            ]
        );
    }

    #[test]
    fn option_keeps_port_and_setting_values() {
        let option = db_option(
            &sdk::Option::builder()
                .option_name("SSL")
                .port(2484)
                .option_settings(
                    sdk::OptionSetting::builder()
                        .name("SQLNET.SSL_VERSION")
                        .value("1.2")
                        .build(),
                )
                .option_settings(sdk::OptionSetting::builder().value("orphan").build())
                .build(),
        );
        assert_eq!(option.name, "SSL");
        assert_eq!(option.port, Some(2484));
        assert_eq!(
            option.settings.len(),
            1,
            "a setting without a name is dropped"
        );
        assert_eq!(option.setting("SQLNET.SSL_VERSION"), Some("1.2"));
    }

    #[test]
    fn global_cluster_members_by_arn() {
        let g = global_cluster(
            &sdk::GlobalCluster::builder()
                .global_cluster_identifier("orders-global")
                .engine("aurora-postgresql")
                .global_cluster_members(
                    sdk::GlobalClusterMember::builder()
                        .db_cluster_arn("arn:aws:rds:us-east-1:111122223333:cluster:orders")
                        .is_writer(true)
                        .readers("arn:aws:rds:eu-west-1:111122223333:cluster:orders-dr")
                        .build(),
                )
                .global_cluster_members(
                    sdk::GlobalClusterMember::builder()
                        .db_cluster_arn("arn:aws:rds:eu-west-1:111122223333:cluster:orders-dr")
                        .build(),
                )
                .build(),
        );
        assert_eq!(g.identifier, "orders-global");
        assert_eq!(g.members.len(), 2);
        assert!(g.members[0].is_writer && !g.members[1].is_writer);
        assert_eq!(g.members[0].readers.len(), 1);
    }

    #[test]
    fn pending_actions_keep_their_dates() {
        let m = resource_maintenance(
            &sdk::ResourcePendingMaintenanceActions::builder()
                .resource_identifier("arn:aws:rds:us-east-1:111122223333:db:orders")
                .pending_maintenance_action_details(
                    sdk::PendingMaintenanceAction::builder()
                        .action("system-update")
                        .description("New Operating System update is available")
                        .forced_apply_date(DateTime::from_secs(1_700_000_000))
                        .opt_in_status("next-maintenance")
                        .build(),
                )
                .build(),
        );
        let action = &m.actions[0];
        assert_eq!(action.action, "system-update");
        assert_eq!(
            action.forced_apply_date.as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(action.auto_applied_after, None);
        assert_eq!(action.opt_in_status.as_deref(), Some("next-maintenance"));
    }

    #[test]
    fn engine_version_is_matched_exactly_and_absent_is_none() {
        let items = [sdk::DbEngineVersion::builder()
            .engine("postgres")
            .engine_version("11.22")
            .status("deprecated")
            .valid_upgrade_target(
                sdk::UpgradeTarget::builder()
                    .engine_version("12.19")
                    .build(),
            )
            .build()];
        let details = engine_version_details(&items, "postgres", "11.22").unwrap();
        assert_eq!(details.status.as_deref(), Some("deprecated"));
        assert_eq!(details.upgrade_targets, 1);
        assert_eq!(engine_version_details(&items, "postgres", "11.2"), None);
        assert_eq!(engine_version_details(&[], "mysql", "8.0.36"), None);
    }

    #[test]
    fn certificate_knows_the_default_for_new_launches() {
        let c = sdk::Certificate::builder()
            .certificate_identifier("rds-ca-rsa2048-g1")
            .valid_till(DateTime::from_secs(2_884_000_000))
            .build();
        let cert = certificate(&c, Some("rds-ca-rsa2048-g1"));
        assert!(cert.default_for_new_launches);
        assert!(cert.valid_till.is_some());
        assert!(!certificate(&c, Some("rds-ca-ecc384-g1")).default_for_new_launches);
    }

    #[test]
    fn reservation_end_is_start_plus_term() {
        let r = reserved_instance(
            &sdk::ReservedDbInstance::builder()
                .reserved_db_instance_id("ri-orders")
                .db_instance_class("db.r6g.large")
                .product_description("postgresql")
                .multi_az(true)
                .db_instance_count(2)
                .state("active")
                .start_time(DateTime::from_secs(1_700_000_000))
                .duration(31_536_000)
                .build(),
        );
        assert_eq!(r.start.as_deref(), Some("2023-11-14T22:13:20Z"));
        assert_eq!(r.end.as_deref(), Some("2024-11-13T22:13:20Z"));
        assert_eq!(r.count, 2);
        assert!(r.multi_az);
    }
}
