//! Encryption in transit: TLS enforced by parameter, CA certificates.

use rds_evidence_inventory::rds::{DbInstance, ParameterGroupKind, ParameterGroupMembership};
use rds_evidence_inventory::{Observed, RegionSnapshot};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::estate::{
    cluster_resource, epoch_seconds, instance_resource, is_cluster_member, judge_each,
    major_version, parameter_switch, parameters_of,
};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&TLS_ENFORCED, &CA_CERTIFICATE_VALID];

check! {
    /// The database refuses connections that are not encrypted.
    ///
    /// Judges standalone instances on their DB parameter group (scope `db_instance`) and clusters
    /// on their cluster parameter group (scope `db_cluster`); Aurora and Multi-AZ cluster members
    /// take the setting from their cluster. Oracle is judged on its option groups: the `SSL`
    /// option adds a TLS listener on a second port but leaves the clear-text listener open, so
    /// only native network encryption with `SQLNET.ENCRYPTION_SERVER = REQUIRED` refuses
    /// unencrypted connections.
    pub static TLS_ENFORCED = Check {
        id: "rds.tls.enforced",
        title: "Databases refuse unencrypted connections",
        rationale: "Without enforcement a client that does not ask for TLS sends credentials and \
                    data in clear text; encryption in transit is only a policy when the server \
                    insists on it.",
        remediation: "Set rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport \
                      = ON (MySQL, MariaDB) in the custom parameter group the database uses (the \
                      cluster parameter group for Aurora), then reboot if the parameter is static. \
                      For Oracle, require native network encryption (NATIVE_NETWORK_ENCRYPTION \
                      option, SQLNET.ENCRYPTION_SERVER = REQUIRED), or with the SSL option admit \
                      only its port in the security groups.",
        severity: Severity::High,
        scope: Scope::DbInstance,
        evaluate: tls_enforced,
    };
}

fn tls_enforced(ctx: &Context) -> Vec<Finding> {
    let check = &TLS_ENFORCED;
    let mut findings = judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            Some(if is_cluster_member(instance) {
                Finding::new(
                    check,
                    resource,
                    Outcome::NotApplicable,
                    "cluster member: judged on its cluster parameter group",
                )
            } else if instance.engine.starts_with("oracle") {
                judge_oracle(check, resource, region, instance)
            } else {
                let membership = instance.parameter_groups.first();
                judge_tls(
                    check,
                    resource,
                    region,
                    (&instance.engine, &instance.engine_version),
                    membership.map(|m| m.name.as_str()),
                    ParameterGroupKind::Instance,
                    membership,
                )
            })
        },
    );
    findings.extend(judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_clusters,
        |region, cluster| {
            Some(judge_tls(
                check,
                cluster_resource(region, cluster),
                region,
                (&cluster.engine, &cluster.engine_version),
                cluster.parameter_group.as_deref(),
                ParameterGroupKind::Cluster,
                None,
            ))
        },
    ));
    findings
}

/// The parameter that enforces TLS for an engine, and whether the engine enforces it when
/// the parameter group does not set it (`None`: cannot tell from the version).
struct TlsParameter {
    name: &'static str,
    default_on: Option<bool>,
}

fn tls_parameter(engine: &str, version: &str) -> Result<TlsParameter, String> {
    let parameter = |name, default_on| Ok(TlsParameter { name, default_on });
    match engine {
        // RDS for PostgreSQL turned rds.force_ssl on by default from major version 15.
        "postgres" => parameter(
            "rds.force_ssl",
            major_version(version).map(|major| major >= 15),
        ),
        "aurora-postgresql" => parameter("rds.force_ssl", Some(false)),
        "mysql" | "mariadb" | "aurora-mysql" | "aurora" => {
            parameter("require_secure_transport", Some(false))
        }
        e if e.starts_with("sqlserver") => parameter("rds.force_ssl", Some(false)),
        other => Err(format!("no known TLS parameter for engine {other}")),
    }
}

/// Oracle's encryption in transit lives in its option groups, not in parameters.
fn judge_oracle(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    instance: &DbInstance,
) -> Finding {
    let insufficient = |detail: String| {
        Finding::new(
            check,
            resource.clone(),
            Outcome::InsufficientEvidence,
            detail,
        )
        .with("engine", &instance.engine)
    };
    if instance.option_groups.is_empty() {
        return insufficient("no option group reported".to_owned());
    }
    let mut groups = Vec::new();
    for name in &instance.option_groups {
        let Some(group) = region.option_groups.iter().find(|g| &g.name == name) else {
            return insufficient(format!("option group {name} is not in the snapshot"));
        };
        if let Observed::Unknown(why) = &group.options {
            return insufficient(format!("options of {name} unknown: {why}"));
        }
        groups.push(group);
    }
    let finding = |outcome, detail: String| {
        Finding::new(check, resource.clone(), outcome, detail)
            .with("engine", &instance.engine)
            .with("option_groups", &instance.option_groups)
    };
    let nne = groups
        .iter()
        .find_map(|g| Some((g, g.option("NATIVE_NETWORK_ENCRYPTION")?)));
    let required = nne.and_then(|(_, o)| o.setting("SQLNET.ENCRYPTION_SERVER"));
    if let (Some((group, _)), Some(value)) = (nne, required) {
        if value.eq_ignore_ascii_case("REQUIRED") {
            return finding(
                Outcome::Pass,
                format!(
                    "native network encryption required (SQLNET.ENCRYPTION_SERVER = {value} \
                     in {})",
                    group.name
                ),
            )
            .with("option", "NATIVE_NETWORK_ENCRYPTION");
        }
    }
    let ssl = groups.iter().find_map(|g| Some((g, g.option("SSL")?)));
    if let Some((group, option)) = ssl {
        let port = option
            .port
            .map_or_else(|| "its own port".to_owned(), |p| format!("port {p}"));
        let version = option.setting("SQLNET.SSL_VERSION").unwrap_or("unset");
        let clear = instance
            .port
            .map_or_else(|| "the database port".to_owned(), |p| format!("port {p}"));
        return finding(
            Outcome::Fail,
            format!(
                "SSL option in {} offers TLS on {port} (SQLNET.SSL_VERSION {version}), but the \
                 clear-text listener on {clear} still accepts unencrypted connections",
                group.name
            ),
        )
        .with("option", "SSL")
        .with("ssl_port", option.port)
        .with("ssl_version", version);
    }
    let detail = match required {
        Some(value) => format!(
            "native network encryption is {value}, not REQUIRED, and there is no SSL option"
        ),
        None => "neither the SSL option nor required native network encryption in the option \
                 groups"
            .to_owned(),
    };
    finding(Outcome::Fail, detail)
}

fn judge_tls(
    check: &Check,
    resource: Resource,
    region: &RegionSnapshot,
    (engine, version): (&str, &str),
    group_name: Option<&str>,
    kind: ParameterGroupKind,
    membership: Option<&ParameterGroupMembership>,
) -> Finding {
    let insufficient = |detail: String| {
        Finding::new(
            check,
            resource.clone(),
            Outcome::InsufficientEvidence,
            detail,
        )
        .with("engine", engine)
    };
    let parameter = match tls_parameter(engine, version) {
        Ok(parameter) => parameter,
        Err(why) => return insufficient(why),
    };
    let Some(group_name) = group_name else {
        return insufficient("no parameter group reported".to_owned());
    };
    let parameters = match parameters_of(region, group_name, kind) {
        Ok(parameters) => parameters,
        Err(why) => return insufficient(why),
    };
    let name = parameter.name;
    let finding = |outcome, detail: String| {
        Finding::new(check, resource.clone(), outcome, detail)
            .with("engine", engine)
            .with("parameter_group", group_name)
            .with("parameter", name)
    };
    let set = parameters
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| Some((p.value.as_deref()?, p.apply_type.as_deref())));
    let Some((value, apply_type)) = set else {
        return match parameter.default_on {
            Some(true) => finding(
                Outcome::Pass,
                format!(
                    "{name} not set in {group_name}: the engine default for {engine} {version} \
                     is on"
                ),
            ),
            Some(false) => finding(
                Outcome::Fail,
                format!(
                    "{name} not set in {group_name}: the engine default for {engine} {version} \
                     is off"
                ),
            ),
            None => insufficient(format!(
                "{name} not set in {group_name} and the engine default of version {version} \
                 cannot be told"
            )),
        }
        .with("source", "engine default");
    };
    let finding = |outcome, detail: String| finding(outcome, detail).with("value", value);
    let pending = membership.and_then(|m| m.apply_status.as_deref()) == Some("pending-reboot");
    match parameter_switch(value) {
        None => insufficient(format!(
            "{name} = {value} in {group_name}: value not recognised"
        ))
        .with("value", value),
        Some(false) => finding(
            Outcome::Fail,
            format!("{name} = {value} in {group_name}: TLS not enforced"),
        ),
        Some(true) if !pending => {
            finding(Outcome::Pass, format!("{name} = {value} in {group_name}"))
        }
        Some(true) => match apply_type {
            Some("static") => finding(
                Outcome::Fail,
                format!(
                    "{name} = {value} in {group_name}, but the instance is pending reboot and \
                     the parameter is static: not in effect yet"
                ),
            )
            .with("apply_status", "pending-reboot"),
            Some(_) => finding(
                Outcome::Pass,
                format!("{name} = {value} in {group_name} (dynamic: applied without reboot)"),
            ),
            None => insufficient(format!(
                "{name} = {value} in {group_name}, but the instance is pending reboot and \
                 whether the parameter is static is not reported"
            ))
            .with("value", value),
        },
    }
}

check! {
    /// The instance's CA certificate is valid well beyond collection.
    ///
    /// Every instance, Aurora members included, has its own server certificate.
    pub static CA_CERTIFICATE_VALID = Check {
        id: "rds.instance.ca_certificate_valid",
        title: "DB instance CA certificates are not expired or about to expire",
        rationale: "When the server certificate's CA expires, clients that verify certificates \
                    can no longer connect over TLS, and the usual emergency fix is to stop \
                    verifying: a lapse in encryption in transit and an outage together.",
        remediation: "Rotate the instance to a current CA (modify-db-instance \
                      --ca-certificate-identifier rds-ca-rsa2048-g1 or newer) and update the \
                      clients' trust stores first.",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: ca_certificate_valid,
    };
}

fn ca_certificate_valid(ctx: &Context) -> Vec<Finding> {
    let check = &CA_CERTIFICATE_VALID;
    let collected = epoch_seconds(&ctx.snapshot.collected_at);
    let window_days = ctx.thresholds.ca_expiry_warning_days;
    judge_each(
        check,
        ctx.snapshot,
        |r| &r.db_instances,
        |region, instance| {
            let resource = instance_resource(region, instance);
            let insufficient = |detail: &str| {
                Finding::new(
                    check,
                    resource.clone(),
                    Outcome::InsufficientEvidence,
                    detail,
                )
            };
            let Some(ca) = &instance.ca_certificate else {
                return Some(insufficient("no CA certificate reported"));
            };
            // Some responses name the CA without its CertificateDetails: the region's list of
            // CAs says when it expires.
            let valid_till = match &ca.valid_till {
                Some(valid_till) => valid_till,
                None => match region_ca_expiry(region, &ca.identifier) {
                    Ok(valid_till) => valid_till,
                    Err(why) => {
                        return Some(insufficient(&why).with("ca_certificate", &ca.identifier))
                    }
                },
            };
            let (Some(collected), Some(expiry)) = (collected, epoch_seconds(valid_till)) else {
                return Some(
                    insufficient("CA certificate expiry or collection time not readable")
                        .with("ca_certificate", &ca.identifier)
                        .with("valid_till", valid_till),
                );
            };
            let (outcome, detail) = if expiry <= collected {
                (
                    Outcome::Fail,
                    format!("CA {} expired on {valid_till}", ca.identifier),
                )
            } else if expiry <= collected.saturating_add(window_days.saturating_mul(86_400)) {
                (
                    Outcome::Fail,
                    format!(
                        "CA {} expires on {valid_till}, within {window_days} days of collection",
                        ca.identifier
                    ),
                )
            } else {
                (
                    Outcome::Pass,
                    format!("CA {} valid till {valid_till}", ca.identifier),
                )
            };
            Some(
                Finding::new(check, resource, outcome, detail)
                    .with("ca_certificate", &ca.identifier)
                    .with("valid_till", valid_till),
            )
        },
    )
}

/// The expiry of `identifier` among the CAs RDS lists for the region.
fn region_ca_expiry<'a>(
    region: &'a RegionSnapshot,
    identifier: &str,
) -> Result<&'a String, String> {
    let certificates = match &region.certificates {
        Observed::Value(certificates) => certificates,
        Observed::Unknown(why) => {
            return Err(format!(
                "CA certificate expiry not reported, and the region's CAs unknown: {why}"
            ))
        }
    };
    certificates
        .iter()
        .find(|c| c.identifier == identifier)
        .and_then(|c| c.valid_till.as_ref())
        .ok_or_else(|| {
            format!(
                "CA certificate expiry not reported, and {identifier} has no expiry among the \
                 region's CAs"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::rds::{
        CaCertificate, Certificate, DbOption, OptionGroup, OptionSetting, ParameterGroup,
    };

    fn on_group(name: &str, engine: &str, version: &str, group: &str) -> DbInstance {
        let mut db = instance(name);
        db.engine = engine.into();
        db.engine_version = version.into();
        db.parameter_groups[0].name = group.into();
        db
    }

    fn tls_run(
        instances: Vec<DbInstance>,
        clusters: Vec<rds_evidence_inventory::rds::DbCluster>,
        groups: Vec<ParameterGroup>,
    ) -> Vec<Finding> {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(instances);
        east.db_clusters = Observed::Value(clusters);
        east.parameter_groups = groups;
        run(&TLS_ENFORCED, &snapshot(vec![east]))
    }

    #[test]
    fn tls_by_parameter_and_engine_default() {
        let instance_group = |name, params: &[(&str, &str)]| {
            parameter_group(name, ParameterGroupKind::Instance, params)
        };
        let mut member = instance("member-1");
        member.cluster_identifier = Some("aurora".into());
        let findings = tls_run(
            vec![
                on_group("pg-forced", "postgres", "14.9", "forced"),
                on_group("pg-off", "postgres", "16.4", "off"),
                on_group("pg16-default", "postgres", "16.4", "empty"),
                on_group("pg14-default", "postgres", "14.9", "empty"),
                on_group("mysql-on", "mysql", "8.0.36", "secure"),
                on_group("maria-default", "mariadb", "10.11", "empty"),
                on_group("ora", "oracle-ee", "19", "empty"),
                member,
            ],
            vec![cluster("aurora")],
            vec![
                instance_group("forced", &[("rds.force_ssl", "1")]),
                instance_group("off", &[("rds.force_ssl", "0")]),
                instance_group("empty", &[]),
                instance_group("secure", &[("require_secure_transport", "ON")]),
                parameter_group(
                    "apg16",
                    ParameterGroupKind::Cluster,
                    &[("rds.force_ssl", "1")],
                ),
            ],
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("pg-forced".into(), Outcome::Pass),
                ("pg-off".into(), Outcome::Fail),
                ("pg16-default".into(), Outcome::Pass),
                ("pg14-default".into(), Outcome::Fail),
                ("mysql-on".into(), Outcome::Pass),
                ("maria-default".into(), Outcome::Fail),
                ("ora".into(), Outcome::InsufficientEvidence),
                ("member-1".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Pass),
            ]
        );
        assert!(findings[2].detail.contains("engine default"));
        assert_eq!(findings[6].detail, "no option group reported");
        assert_eq!(findings[8].resource.kind, Scope::DbCluster);
    }

    #[test]
    fn aurora_reads_the_cluster_group_not_an_instance_group_of_the_same_name() {
        let findings = tls_run(
            Vec::new(),
            vec![cluster("aurora")],
            vec![parameter_group(
                "apg16",
                ParameterGroupKind::Instance,
                &[("rds.force_ssl", "1")],
            )],
        );
        assert_eq!(
            outcomes(&findings),
            [("aurora".into(), Outcome::InsufficientEvidence)]
        );
    }

    #[test]
    fn unknown_parameters_are_insufficient_evidence() {
        let mut group = parameter_group("pg16", ParameterGroupKind::Instance, &[]);
        group.parameters = Observed::Unknown(denied("rds:DescribeDBParameters"));
        let findings = tls_run(vec![instance("db")], Vec::new(), vec![group]);
        assert_eq!(
            outcomes(&findings),
            [("db".into(), Outcome::InsufficientEvidence)]
        );
        assert!(findings[0]
            .detail
            .contains("rds:DescribeDBParameters access denied"));
    }

    #[test]
    fn static_value_pending_reboot_is_not_in_effect() {
        let mut group = parameter_group(
            "mssql",
            ParameterGroupKind::Instance,
            &[("rds.force_ssl", "1")],
        );
        if let Observed::Value(parameters) = &mut group.parameters {
            parameters[0].apply_type = Some("static".into());
        }
        let mut pending = on_group("pending", "sqlserver-se", "16.00", "mssql");
        pending.parameter_groups[0].apply_status = Some("pending-reboot".into());
        let findings = tls_run(
            vec![
                pending,
                on_group("rebooted", "sqlserver-se", "16.00", "mssql"),
            ],
            Vec::new(),
            vec![group],
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("pending".into(), Outcome::Fail),
                ("rebooted".into(), Outcome::Pass),
            ]
        );
        assert!(findings[0].detail.contains("pending reboot"));
    }

    fn oracle(id: &str, group: &str) -> DbInstance {
        let mut db = instance(id);
        db.engine = "oracle-ee".into();
        db.engine_version = "19.0.0.0.ru-2025-07.rur-2025-07.r1".into();
        db.port = Some(1521);
        db.option_groups = vec![group.into()];
        db
    }

    fn option_group(name: &str, options: Vec<DbOption>) -> OptionGroup {
        OptionGroup {
            name: name.into(),
            options: Observed::Value(options),
        }
    }

    fn option(name: &str, port: Option<i32>, settings: &[(&str, &str)]) -> DbOption {
        DbOption {
            name: name.into(),
            port,
            settings: settings
                .iter()
                .map(|(name, value)| OptionSetting {
                    name: (*name).into(),
                    value: Some((*value).into()),
                })
                .collect(),
        }
    }

    #[test]
    fn oracle_is_judged_on_its_option_groups() {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            oracle("nne", "ora-nne"),
            oracle("ssl", "ora-ssl"),
            oracle("accepted", "ora-accepted"),
            oracle("plain", "ora-plain"),
            oracle("unread", "ora-unread"),
            oracle("missing", "ora-missing"),
        ]);
        east.option_groups = vec![
            option_group(
                "ora-nne",
                vec![option(
                    "NATIVE_NETWORK_ENCRYPTION",
                    None,
                    &[("SQLNET.ENCRYPTION_SERVER", "REQUIRED")],
                )],
            ),
            option_group(
                "ora-ssl",
                vec![option("SSL", Some(2484), &[("SQLNET.SSL_VERSION", "1.2")])],
            ),
            option_group(
                "ora-accepted",
                vec![option(
                    "NATIVE_NETWORK_ENCRYPTION",
                    None,
                    &[("SQLNET.ENCRYPTION_SERVER", "ACCEPTED")],
                )],
            ),
            option_group("ora-plain", vec![option("Timezone", None, &[])]),
            OptionGroup {
                name: "ora-unread".into(),
                options: Observed::Unknown(denied("rds:DescribeOptionGroups")),
            },
        ];
        let findings = run(&TLS_ENFORCED, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("nne".into(), Outcome::Pass),
                ("ssl".into(), Outcome::Fail),
                ("accepted".into(), Outcome::Fail),
                ("plain".into(), Outcome::Fail),
                ("unread".into(), Outcome::InsufficientEvidence),
                ("missing".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert_eq!(
            findings[1].detail,
            "SSL option in ora-ssl offers TLS on port 2484 (SQLNET.SSL_VERSION 1.2), but the \
             clear-text listener on port 1521 still accepts unencrypted connections"
        );
        assert!(findings[2].detail.contains("ACCEPTED, not REQUIRED"));
        assert!(findings[4]
            .detail
            .contains("rds:DescribeOptionGroups access denied"));
        assert!(findings[5].detail.contains("not in the snapshot"));
    }

    #[test]
    fn ca_expiry_falls_back_to_the_regions_certificates() {
        let certificate = |id: &str, valid_till: Option<&str>| Certificate {
            identifier: id.into(),
            certificate_type: Some("CA".into()),
            valid_from: None,
            valid_till: valid_till.map(str::to_owned),
            default_for_new_launches: false,
        };
        let named = |id: &str, ca: &str| {
            let mut db = with_ca(id, None);
            if let Some(c) = db.ca_certificate.as_mut() {
                c.identifier = ca.into();
            }
            db
        };
        let instances = vec![
            named("current", "rds-ca-rsa2048-g1"),
            named("old", "rds-ca-2019"),
            named("unlisted", "rds-ca-default"),
        ];
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(instances.clone());
        east.certificates = Observed::Value(vec![
            certificate("rds-ca-rsa2048-g1", Some("2061-05-20T00:00:00Z")),
            certificate("rds-ca-2019", Some("2024-08-22T17:08:50Z")),
        ]);
        let findings = run(&CA_CERTIFICATE_VALID, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("current".into(), Outcome::Pass),
                ("old".into(), Outcome::Fail),
                ("unlisted".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[2]
            .detail
            .contains("rds-ca-default has no expiry among the region's CAs"));

        let mut unread = region("us-east-1");
        unread.db_instances = Observed::Value(instances);
        unread.certificates = Observed::Unknown(denied("rds:DescribeCertificates"));
        let findings = run(&CA_CERTIFICATE_VALID, &snapshot(vec![unread]));
        assert!(findings
            .iter()
            .all(|f| f.outcome == Outcome::InsufficientEvidence
                && f.detail.contains("rds:DescribeCertificates access denied")));
    }

    fn with_ca(id: &str, valid_till: Option<&str>) -> DbInstance {
        let mut db = instance(id);
        db.ca_certificate = Some(CaCertificate {
            identifier: "rds-ca-rsa2048-g1".into(),
            valid_till: valid_till.map(str::to_owned),
        });
        db
    }

    #[test]
    fn ca_certificate_outcomes() {
        let mut member = with_ca("member-1", Some("2026-01-01T00:00:00Z"));
        member.cluster_identifier = Some("aurora".into());
        let findings = run(
            &CA_CERTIFICATE_VALID,
            &with_instances(vec![
                with_ca("good", Some("2061-05-20T00:00:00Z")),
                with_ca("soon", Some("2026-02-01T00:00:00Z")),
                member,
                with_ca("undated", None),
                instance("none"),
            ]),
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("good".into(), Outcome::Pass),
                ("soon".into(), Outcome::Fail),
                ("member-1".into(), Outcome::Fail),
                ("undated".into(), Outcome::InsufficientEvidence),
                ("none".into(), Outcome::InsufficientEvidence),
            ]
        );
        assert!(findings[1].detail.contains("within 30 days"));
        assert!(findings[2].detail.contains("expired on"));
    }

    #[test]
    fn ca_expiry_window_comes_from_thresholds() {
        let thresholds = crate::Thresholds {
            ca_expiry_warning_days: 7,
            ..crate::Thresholds::default()
        };
        let findings = run_with(
            &CA_CERTIFICATE_VALID,
            &with_instances(vec![with_ca("soon", Some("2026-02-01T00:00:00Z"))]),
            &thresholds,
            &crate::Targets::default(),
        );
        assert_eq!(outcomes(&findings), [("soon".into(), Outcome::Pass)]);
    }
}
