//! Password policies inside the engines: how each stores passwords and what it demands of
//! them, as the parameter groups already read say.

use std::collections::BTreeMap;

use rds_evidence_inventory::rds::Parameter;

use crate::check::{check, Check, Finding, Outcome, Scope, Severity};
use crate::estate::{each_database, major_version, parameter_switch, parameters_of};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[&PASSWORD_POLICY];

check! {
    /// What the database engine itself enforces on passwords, read from the parameter group
    /// already collected: observations for the password policy the partner documents, and a
    /// failure where the engine stores new passwords with a hash its vendor deprecates.
    ///
    /// - PostgreSQL and Aurora PostgreSQL: `password_encryption` (`md5` fails; not set means
    ///   the engine default, MD5 before version 14 and SCRAM-SHA-256 from 14),
    ///   `rds.accepted_password_auth_method` (whether logins with MD5 hashes are still accepted)
    ///   and `pgtle.enable_password_check` (the pg_tle password-check hook: PostgreSQL checks
    ///   no password strength without an extension).
    /// - MySQL and Aurora MySQL: the first factor of `authentication_policy`, else
    ///   `default_authentication_plugin`, else the RDS default (`mysql_native_password` before
    ///   8.4, `caching_sha2_password` from 8.4); `mysql_native_password` (unsalted SHA-1)
    ///   fails. The `validate_password` settings chosen in the group (not the plugin's
    ///   defaults it lists), which act only once the plugin is installed in the engine (the
    ///   RDS API does not show that), and `rds.validate_password`; password lifetime and reuse
    ///   (`default_password_lifetime`, `password_history`, `password_reuse_interval`,
    ///   `password_require_current`).
    /// - MariaDB: the `simple_password_check` and `cracklib_password_check` settings, lifetime
    ///   and reuse; MariaDB chooses the hash per account, not by parameter.
    /// - Oracle: `sqlnetora.sqlnet.allowed_logon_version_server` (below 12 admits the
    ///   case-insensitive 10G verifiers: fails; not set means 12 from Oracle 18c),
    ///   `sec_case_sensitive_logon` (`FALSE` fails) and `sec_max_failed_login_attempts`;
    ///   complexity and expiry live in the database's profiles, not in parameters.
    /// - SQL Server and Db2: the parameter group exposes no password policy (not applicable).
    ///
    /// Standalone instances are read from their DB parameter group, clusters from their cluster
    /// parameter group; cluster members and read replicas take their accounts from the cluster
    /// or the source (not applicable). A group that could not be read, or a hashing default that
    /// cannot be told from the version, is insufficient evidence.
    pub static PASSWORD_POLICY = Check {
        id: "rds.database.password_policy",
        title: "Database engines hash passwords strongly; their password policy is reported",
        rationale: "RDS-003 asks for the password policy and secure password storage. Inside \
                    the database the engine decides both: a policy on paper is only enforced \
                    when the engine is set to check it, and passwords stored as MD5 or unsalted \
                    SHA-1 hashes fall to offline cracking if the catalog leaks.",
        remediation: "PostgreSQL: set password_encryption = scram-sha-256 (and \
                      rds.accepted_password_auth_method = scram once every password is reset). \
                      MySQL: set authentication_policy (8.0.27 and later) or \
                      default_authentication_plugin to caching_sha2_password and reset the \
                      accounts' passwords; install validate_password and set its policy. \
                      Oracle: set sqlnetora.sqlnet.allowed_logon_version_server to 12a and \
                      keep sec_case_sensitive_logon TRUE. Change the custom parameter group the \
                      database uses (the cluster parameter group for Aurora).",
        severity: Severity::Medium,
        scope: Scope::DbInstance,
        evaluate: password_policy,
    };
}

fn password_policy(ctx: &Context) -> Vec<Finding> {
    let check = &PASSWORD_POLICY;
    each_database(
        check,
        ctx,
        "its accounts and their passwords are replicated from the source",
        |region, db| {
            let finding = |outcome, detail: String| {
                Finding::new(check, db.resource.clone(), outcome, detail).with("engine", db.engine)
            };
            let engine = match Engine::of(db.engine) {
                Ok(engine) => engine,
                Err((outcome, why)) => return finding(outcome, why),
            };
            let Some((group, kind)) = db.parameter_group else {
                return finding(
                    Outcome::InsufficientEvidence,
                    "no parameter group reported".to_owned(),
                );
            };
            let parameters = match parameters_of(region, group, kind) {
                Ok(parameters) => parameters,
                Err(why) => return finding(Outcome::InsufficientEvidence, why),
            };
            let reading = engine.read(&Parameters::new(parameters), db.engine_version);
            let (outcome, detail) = reading.judgement();
            finding(outcome, format!("{detail} (parameter group {group})"))
                .with("parameter_group", group)
                .with("settings", &reading.settings)
        },
    )
}

/// The engine families whose parameter groups hold password settings.
enum Engine {
    Postgres,
    MySql,
    MariaDb,
    Oracle,
}

impl Engine {
    /// The family, or the finding for an engine whose parameter group holds no password
    /// policy (not applicable, with why) or that the check does not know.
    fn of(engine: &str) -> Result<Engine, (Outcome, String)> {
        let unexposed = |why: &str| Err((Outcome::NotApplicable, why.to_owned()));
        match engine {
            "postgres" | "aurora-postgresql" => Ok(Engine::Postgres),
            "mysql" | "aurora-mysql" | "aurora" => Ok(Engine::MySql),
            "mariadb" => Ok(Engine::MariaDb),
            e if e.starts_with("oracle") || e.starts_with("custom-oracle") => Ok(Engine::Oracle),
            e if e.starts_with("sqlserver") || e.starts_with("custom-sqlserver") => unexposed(
                "SQL Server's parameter group exposes no password policy: logins follow \
                 CHECK_POLICY and CHECK_EXPIRATION, the Windows policy of the host RDS manages",
            ),
            e if e.starts_with("db2") => unexposed(
                "Db2's parameter group exposes no password policy: its users are \
                 authenticated outside the database (the operating system or a directory)",
            ),
            other => Err((
                Outcome::InsufficientEvidence,
                format!("no known password parameters for engine {other}"),
            )),
        }
    }

    fn read(&self, parameters: &Parameters, version: &str) -> Reading {
        let mut reading = Reading::default();
        match self {
            Engine::Postgres => postgres(parameters, version, &mut reading),
            Engine::MySql => mysql(parameters, version, &mut reading),
            Engine::MariaDb => mariadb(parameters, &mut reading),
            Engine::Oracle => oracle(parameters, version, &mut reading),
        }
        reading
    }
}

/// A parameter group's values by name, each with whether someone chose it (`user` or `system`
/// source) rather than the engine; parameters the API returned without a value are the engine
/// default, which it does not report.
struct Parameters<'a>(BTreeMap<&'a str, (&'a str, bool)>);

impl<'a> Parameters<'a> {
    fn new(parameters: &'a [Parameter]) -> Parameters<'a> {
        Parameters(
            parameters
                .iter()
                .filter_map(|p| {
                    let chosen = p.source.as_deref() != Some("engine-default");
                    Some((p.name.as_str(), (p.value.as_deref()?, chosen)))
                })
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        self.0.get(name).map(|(value, _)| *value)
    }

    /// The parameters whose names start with one of `prefixes`; with `chosen_only`, only
    /// those not left at the engine's default.
    fn starting_with(&self, prefixes: &[&str], chosen_only: bool) -> Vec<(&'a str, &'a str)> {
        self.0
            .iter()
            .filter(|(name, (_, chosen))| {
                (*chosen || !chosen_only) && prefixes.iter().any(|p| name.starts_with(p))
            })
            .map(|(name, (value, _))| (*name, *value))
            .collect()
    }
}

/// What one database's parameter group says of its passwords.
#[derive(Default)]
struct Reading {
    /// Each setting read, as `value` or `value (engine default)`.
    settings: BTreeMap<String, String>,
    /// How new passwords are stored, in words.
    hashing: Option<String>,
    /// Why that storage is weak.
    weak: Vec<String>,
    /// What the group leaves untold and cannot be judged without.
    unknown: Vec<String>,
    /// What the policy says, and what the group cannot show.
    notes: Vec<String>,
}

impl Reading {
    fn set(&mut self, name: &str, value: &str) {
        self.settings.insert(name.to_owned(), value.to_owned());
    }

    fn set_all(&mut self, settings: &[(&str, &str)]) {
        for (name, value) in settings {
            self.set(name, value);
        }
    }

    /// The value of `name`, or `default` (the engine's, when known) if the group leaves it
    /// unset; recorded either way.
    fn value_or_default<'a>(
        &mut self,
        parameters: &Parameters<'a>,
        name: &str,
        default: Option<&'a str>,
    ) -> Option<&'a str> {
        match (parameters.get(name), default) {
            (Some(value), _) => {
                self.set(name, value);
                Some(value)
            }
            (None, Some(default)) => {
                self.set(name, &format!("{default} (engine default)"));
                Some(default)
            }
            (None, None) => None,
        }
    }

    /// Weak storage fails; an untold default is insufficient evidence; otherwise the
    /// settings are observations.
    fn judgement(&self) -> (Outcome, String) {
        let said = self.hashing.iter().chain(&self.notes).cloned();
        let (outcome, first) = if !self.weak.is_empty() {
            (Outcome::Fail, &self.weak)
        } else if !self.unknown.is_empty() {
            (Outcome::InsufficientEvidence, &self.unknown)
        } else {
            (Outcome::Observation, &Vec::new())
        };
        let detail = first.iter().cloned().chain(said).collect::<Vec<_>>();
        (outcome, detail.join("; "))
    }
}

fn postgres(parameters: &Parameters, version: &str, reading: &mut Reading) {
    let default =
        major_version(version).map(|major| if major >= 14 { "scram-sha-256" } else { "md5" });
    let encryption = reading
        .value_or_default(parameters, "password_encryption", default)
        .map(str::to_ascii_lowercase);
    match encryption.as_deref() {
        Some("scram-sha-256") => {
            reading.hashing = Some("new passwords are stored as SCRAM-SHA-256 hashes".into())
        }
        // `on` is the old alias of md5.
        Some(weak @ ("md5" | "on" | "true")) => reading.weak.push(format!(
            "password_encryption = {weak}: new passwords are stored as MD5 hashes, which \
             PostgreSQL deprecates"
        )),
        Some(other) => reading.unknown.push(format!(
            "password_encryption = {other}: value not recognised"
        )),
        None => reading.unknown.push(format!(
            "password_encryption not set and the engine default of version {version} cannot \
             be told"
        )),
    }
    match parameters.get("rds.accepted_password_auth_method") {
        Some(method) => {
            reading.set("rds.accepted_password_auth_method", method);
            reading.notes.push(if method.eq_ignore_ascii_case("scram") {
                "logins accept SCRAM only".to_owned()
            } else {
                format!("logins still accept MD5 hashes ({method})")
            });
        }
        None => reading
            .notes
            .push("logins accept MD5 and SCRAM (rds.accepted_password_auth_method not set)".into()),
    }
    match parameters.get("pgtle.enable_password_check") {
        // `require` also refuses to set a password while no check function is registered.
        Some(value)
            if parameter_switch(value) == Some(true) || value.eq_ignore_ascii_case("require") =>
        {
            reading.set("pgtle.enable_password_check", value);
            reading
                .notes
                .push(format!("passwords checked by a pg_tle hook ({value})"));
        }
        _ => reading.notes.push(
            "no password-strength check: PostgreSQL has none without an extension (pg_tle's \
             pgtle.enable_password_check)"
                .into(),
        ),
    }
}

/// The password lifetime and reuse settings MySQL and MariaDB share.
const LIFETIME: &[&str] = &[
    "default_password_lifetime",
    "password_history",
    "password_reuse_interval",
    "password_reuse_check_interval",
    "password_require_current",
];

fn lifetime(parameters: &Parameters, reading: &mut Reading) {
    let set = parameters.starting_with(LIFETIME, false);
    reading.set_all(&set);
    if let Some(days) = parameters.get("default_password_lifetime") {
        reading.notes.push(if days == "0" {
            "passwords never expire (default_password_lifetime = 0)".to_owned()
        } else {
            format!("passwords expire after {days} days")
        });
    }
}

/// Strength checks of a plugin the engine must have loaded, which the API cannot show: the
/// settings someone chose, not the plugin's defaults the group lists.
fn strength(parameters: &Parameters, plugin: &str, prefixes: &[&str], reading: &mut Reading) {
    let set = parameters.starting_with(prefixes, true);
    if set.is_empty() {
        reading.notes.push(format!(
            "no {plugin} setting in the parameter group: password strength is checked only if \
             the plugin is installed in the engine, with its defaults"
        ));
    } else {
        reading.notes.push(format!(
            "{plugin} set ({}); it acts only once the plugin is installed in the engine, which \
             the RDS API does not show",
            set.iter()
                .map(|(name, value)| format!("{name} = {value}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        reading.set_all(&set);
    }
}

fn mysql(parameters: &Parameters, version: &str, reading: &mut Reading) {
    // The first factor of authentication_policy names the default plugin (8.0.27 and later);
    // `*` or nothing leaves it to default_authentication_plugin.
    let policy = parameters.get("authentication_policy");
    let first_factor = policy
        .and_then(|p| p.split(',').next())
        .map(str::trim)
        .filter(|f| !f.is_empty() && *f != "*");
    let plugin = if let Some(factor) = first_factor {
        reading.set("authentication_policy", policy.unwrap_or_default());
        Some(factor.to_owned())
    } else {
        // RDS and Aurora keep mysql_native_password as 8.0's default; 8.4 moved on.
        let default = major_minor(version).map(|release| {
            if release >= (8, 4) {
                "caching_sha2_password"
            } else {
                "mysql_native_password"
            }
        });
        reading
            .value_or_default(parameters, "default_authentication_plugin", default)
            .map(str::to_owned)
    };
    match plugin.as_deref() {
        Some("mysql_native_password") => reading.weak.push(
            "new accounts use mysql_native_password: unsalted SHA-1 hashes, deprecated since \
             MySQL 8.0.34 and off by default from 8.4"
                .into(),
        ),
        Some(plugin) => {
            reading.hashing = Some(format!("new accounts authenticate with {plugin}"));
        }
        None => reading.unknown.push(format!(
            "no default authentication plugin set and the engine default of version {version} \
             cannot be told"
        )),
    }
    if let Some(on) = parameters.get("rds.validate_password") {
        reading.set("rds.validate_password", on);
        reading.notes.push(format!(
            "password validation by RDS: {on} (rds.validate_password)"
        ));
    } else {
        strength(
            parameters,
            "validate_password",
            &["validate_password", "validate-password"],
            reading,
        );
    }
    lifetime(parameters, reading);
}

/// `(8, 0)` of `8.0.39` or of Aurora's `8.0.mysql_aurora.3.08.0`.
fn major_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn mariadb(parameters: &Parameters, reading: &mut Reading) {
    reading.hashing = Some(
        "MariaDB chooses the password hash per account (IDENTIFIED VIA), not by parameter".into(),
    );
    strength(
        parameters,
        "simple_password_check or cracklib_password_check",
        &["simple_password_check", "cracklib_password_check"],
        reading,
    );
    lifetime(parameters, reading);
}

fn oracle(parameters: &Parameters, version: &str, reading: &mut Reading) {
    const LOGON_VERSION: &str = "sqlnetora.sqlnet.allowed_logon_version_server";
    // Oracle 18c raised the default from 11 to 12.
    let default = match major_version(version) {
        Some(major) if major >= 18 => Some("12"),
        Some(_) => Some("11"),
        None => None,
    };
    let allowed = reading.value_or_default(parameters, LOGON_VERSION, default);
    let level = allowed.map(|v| {
        let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
        (v, digits.parse::<u32>().ok())
    });
    match level {
        Some((value, Some(n))) if n < 12 => reading.weak.push(format!(
            "{LOGON_VERSION} = {value}: logins with the case-insensitive 10G password \
             verifiers are admitted"
        )),
        Some((value, Some(_))) => {
            reading.hashing = Some(if value.eq_ignore_ascii_case("12a") {
                "only SHA-2 (12C) password verifiers are admitted".to_owned()
            } else {
                "11G and 12C password verifiers are admitted, not 10G".to_owned()
            })
        }
        Some((value, None)) => reading
            .unknown
            .push(format!("{LOGON_VERSION} = {value}: value not recognised")),
        None => reading.unknown.push(format!(
            "{LOGON_VERSION} not set and the engine default of version {version} cannot be told"
        )),
    }
    if let Some(value) = parameters.get("sec_case_sensitive_logon") {
        reading.set("sec_case_sensitive_logon", value);
        if value.eq_ignore_ascii_case("false") {
            reading.weak.push(
                "sec_case_sensitive_logon = FALSE: passwords compared case-insensitively".into(),
            );
        }
    }
    if let Some(attempts) = parameters.get("sec_max_failed_login_attempts") {
        reading.set("sec_max_failed_login_attempts", attempts);
        reading.notes.push(format!(
            "a connection is dropped after {attempts} failed logins"
        ));
    }
    reading.notes.push(
        "complexity, expiry and lockout are set in the database's profiles \
         (PASSWORD_VERIFY_FUNCTION, PASSWORD_LIFE_TIME), not in parameters"
            .into(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::rds::{
        DbInstance, ParameterGroup, ParameterGroupKind, ParameterGroupMembership,
    };
    use rds_evidence_inventory::Observed;

    fn on_group(id: &str, engine: &str, version: &str, group: &str) -> DbInstance {
        let mut db = instance(id);
        db.engine = engine.into();
        db.engine_version = version.into();
        db.parameter_groups = vec![ParameterGroupMembership {
            name: group.into(),
            apply_status: Some("in-sync".into()),
        }];
        db
    }

    /// A DB parameter group as DescribeDBParameters returns it: `(name, Some(value), source)`,
    /// or no `ParameterValue` for an engine default without one.
    fn group(name: &str, parameters: &[(&str, Option<&str>, &str)]) -> ParameterGroup {
        ParameterGroup {
            name: name.into(),
            kind: ParameterGroupKind::Instance,
            parameters: Observed::Value(
                parameters
                    .iter()
                    .map(|(name, value, source)| Parameter {
                        name: (*name).into(),
                        value: value.map(str::to_owned),
                        source: Some((*source).into()),
                        apply_type: Some("dynamic".into()),
                    })
                    .collect(),
            ),
        }
    }

    fn judge(instances: Vec<DbInstance>, groups: Vec<ParameterGroup>) -> Vec<Finding> {
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(instances);
        east.parameter_groups = groups;
        run(&PASSWORD_POLICY, &snapshot(vec![east]))
    }

    fn setting(finding: &Finding, name: &str) -> String {
        finding.values.get("settings").unwrap()[name]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn postgres_hashing_by_parameter_and_version_default() {
        let findings = judge(
            vec![
                on_group("scram", "postgres", "16.4", "pg-scram"),
                on_group("md5", "postgres", "16.4", "pg-md5"),
                on_group("pg16-default", "postgres", "16.4", "pg-empty"),
                on_group("pg13-default", "postgres", "13.15", "pg-empty"),
            ],
            vec![
                group(
                    "pg-scram",
                    &[
                        ("password_encryption", Some("scram-sha-256"), "user"),
                        ("rds.accepted_password_auth_method", Some("scram"), "user"),
                        ("pgtle.enable_password_check", Some("require"), "user"),
                    ],
                ),
                group(
                    "pg-md5",
                    &[
                        ("password_encryption", Some("md5"), "user"),
                        (
                            "rds.accepted_password_auth_method",
                            Some("md5+scram"),
                            "system",
                        ),
                    ],
                ),
                group(
                    "pg-empty",
                    &[("password_encryption", None, "engine-default")],
                ),
            ],
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("scram".into(), Outcome::Observation),
                ("md5".into(), Outcome::Fail),
                ("pg16-default".into(), Outcome::Observation),
                ("pg13-default".into(), Outcome::Fail),
            ]
        );
        assert_eq!(
            findings[0].detail,
            "new passwords are stored as SCRAM-SHA-256 hashes; logins accept SCRAM only; \
             passwords checked by a pg_tle hook (require) (parameter group pg-scram)"
        );
        assert!(findings[1]
            .detail
            .starts_with("password_encryption = md5: new passwords are stored as MD5 hashes"));
        assert!(findings[1]
            .detail
            .contains("logins still accept MD5 hashes (md5+scram)"));
        assert_eq!(
            setting(&findings[2], "password_encryption"),
            "scram-sha-256 (engine default)"
        );
        assert!(findings[2].detail.contains("no password-strength check"));
        assert_eq!(
            setting(&findings[3], "password_encryption"),
            "md5 (engine default)"
        );
    }

    #[test]
    fn mysql_plugin_from_policy_then_plugin_then_version() {
        let findings = judge(
            vec![
                on_group("native", "mysql", "8.0.39", "default.mysql8.0"),
                on_group("policy", "mysql", "8.4.3", "mysql-strict"),
                on_group("mysql84-default", "mysql", "8.4.3", "mysql-empty"),
                on_group("mysql80-default", "mysql", "8.0.39", "mysql-empty"),
            ],
            vec![
                group(
                    "default.mysql8.0",
                    &[
                        (
                            "default_authentication_plugin",
                            Some("mysql_native_password"),
                            "system",
                        ),
                        ("authentication_policy", Some("*,,"), "engine-default"),
                        ("default_password_lifetime", Some("0"), "engine-default"),
                    ],
                ),
                group(
                    "mysql-strict",
                    &[
                        (
                            "authentication_policy",
                            Some("caching_sha2_password,,"),
                            "user",
                        ),
                        ("validate_password.policy", Some("STRONG"), "user"),
                        ("validate_password.length", Some("14"), "user"),
                        ("default_password_lifetime", Some("90"), "user"),
                        ("password_history", Some("5"), "user"),
                    ],
                ),
                group(
                    "mysql-empty",
                    &[("validate_password_policy", None, "engine-default")],
                ),
            ],
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("native".into(), Outcome::Fail),
                ("policy".into(), Outcome::Observation),
                ("mysql84-default".into(), Outcome::Observation),
                ("mysql80-default".into(), Outcome::Fail),
            ]
        );
        assert!(findings[0]
            .detail
            .starts_with("new accounts use mysql_native_password"));
        assert!(findings[0].detail.contains("passwords never expire"));
        assert_eq!(
            findings[1].detail,
            "new accounts authenticate with caching_sha2_password; validate_password set \
             (validate_password.length = 14, validate_password.policy = STRONG); it acts only \
             once the plugin is installed in the engine, which the RDS API does not show; \
             passwords expire after 90 days (parameter group mysql-strict)"
        );
        assert_eq!(setting(&findings[1], "password_history"), "5");
        assert_eq!(major_minor("8.0.mysql_aurora.3.08.0"), Some((8, 0)));
        assert_eq!(
            setting(&findings[2], "default_authentication_plugin"),
            "caching_sha2_password (engine default)"
        );
        assert!(findings[2].detail.contains("no validate_password setting"));
        assert_eq!(
            setting(&findings[3], "default_authentication_plugin"),
            "mysql_native_password (engine default)"
        );
    }

    #[test]
    fn mariadb_reports_its_password_check_plugins() {
        let findings = judge(
            vec![on_group("maria", "mariadb", "10.11.9", "maria")],
            vec![group(
                "maria",
                &[
                    ("simple_password_check_minimal_length", Some("12"), "user"),
                    ("default_password_lifetime", Some("180"), "user"),
                ],
            )],
        );
        assert_eq!(
            outcomes(&findings),
            [("maria".into(), Outcome::Observation)]
        );
        assert!(findings[0]
            .detail
            .contains("simple_password_check_minimal_length = 12"));
        assert!(findings[0]
            .detail
            .contains("passwords expire after 180 days"));
    }

    #[test]
    fn oracle_verifiers_and_case_sensitivity() {
        const LOGON: &str = "sqlnetora.sqlnet.allowed_logon_version_server";
        let findings = judge(
            vec![
                on_group(
                    "sha2",
                    "oracle-ee",
                    "19.0.0.0.ru-2025-07.rur-2025-07.r1",
                    "ora-12a",
                ),
                on_group(
                    "old",
                    "oracle-se2",
                    "19.0.0.0.ru-2025-07.rur-2025-07.r1",
                    "ora-11",
                ),
                on_group(
                    "default",
                    "oracle-ee-cdb",
                    "21.0.0.0.ru-2025-07.rur-2025-07.r1",
                    "ora",
                ),
                on_group(
                    "insensitive",
                    "oracle-ee",
                    "19.0.0.0.ru-2025-07.rur-2025-07.r1",
                    "ora-ci",
                ),
            ],
            vec![
                group(
                    "ora-12a",
                    &[
                        (LOGON, Some("12a"), "user"),
                        ("sec_max_failed_login_attempts", Some("5"), "user"),
                    ],
                ),
                group("ora-11", &[(LOGON, Some("11"), "user")]),
                group("ora", &[(LOGON, None, "engine-default")]),
                group(
                    "ora-ci",
                    &[("sec_case_sensitive_logon", Some("FALSE"), "user")],
                ),
            ],
        );
        assert_eq!(
            outcomes(&findings),
            [
                ("sha2".into(), Outcome::Observation),
                ("old".into(), Outcome::Fail),
                ("default".into(), Outcome::Observation),
                ("insensitive".into(), Outcome::Fail),
            ]
        );
        assert!(findings[0]
            .detail
            .starts_with("only SHA-2 (12C) password verifiers are admitted"));
        assert!(findings[0].detail.contains("after 5 failed logins"));
        assert!(findings[1]
            .detail
            .contains("case-insensitive 10G password verifiers"));
        assert_eq!(setting(&findings[2], LOGON), "12 (engine default)");
        assert!(findings[3]
            .detail
            .starts_with("sec_case_sensitive_logon = FALSE"));
    }

    #[test]
    fn engines_without_parameters_members_replicas_and_unknowns() {
        let mut member = instance("member-1");
        member.cluster_identifier = Some("aurora".into());
        let mut replica = instance("replica");
        replica.replica_source = Some("pg".into());
        let mut unread = group("unread", &[]);
        unread.parameters = Observed::Unknown(denied("rds:DescribeDBParameters"));
        let mut east = region("us-east-1");
        east.db_instances = Observed::Value(vec![
            on_group(
                "mssql",
                "sqlserver-se",
                "16.00.4185.3.v1",
                "default.sqlserver-se-16.0",
            ),
            on_group(
                "db2",
                "db2-se",
                "11.5.9.0.sb00000000.r1",
                "default.db2-se-11.5",
            ),
            on_group("pg", "postgres", "16.4", "unread"),
            on_group("lost", "postgres", "16.4", "not-collected"),
            on_group("pg-odd", "postgres", "devel", "pg-empty"),
            member,
            replica,
        ]);
        east.db_clusters = Observed::Value(vec![cluster("aurora")]);
        east.parameter_groups = vec![
            unread,
            group("pg-empty", &[]),
            // An instance group of the cluster's name must not be read for the cluster.
            group("apg16", &[("password_encryption", Some("md5"), "user")]),
            parameter_group(
                "apg16",
                ParameterGroupKind::Cluster,
                &[("password_encryption", "scram-sha-256")],
            ),
        ];
        let findings = run(&PASSWORD_POLICY, &snapshot(vec![east]));
        assert_eq!(
            outcomes(&findings),
            [
                ("mssql".into(), Outcome::NotApplicable),
                ("db2".into(), Outcome::NotApplicable),
                ("pg".into(), Outcome::InsufficientEvidence),
                ("lost".into(), Outcome::InsufficientEvidence),
                ("pg-odd".into(), Outcome::InsufficientEvidence),
                ("member-1".into(), Outcome::NotApplicable),
                ("replica".into(), Outcome::NotApplicable),
                ("aurora".into(), Outcome::Observation),
            ]
        );
        assert!(findings[0].detail.contains("CHECK_POLICY"));
        assert!(findings[2]
            .detail
            .contains("rds:DescribeDBParameters access denied"));
        assert!(findings[3].detail.contains("not in the snapshot"));
        assert!(findings[4]
            .detail
            .starts_with("password_encryption not set and the engine default of version devel"));
        assert!(findings[6].detail.contains("replicated from the source"));
        assert_eq!(findings[7].resource.kind, Scope::DbCluster);
    }
}
