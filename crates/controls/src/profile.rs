//! Profiles: a checklist edition as data (`profiles/*.toml`). Adding an edition needs no Rust.

use std::path::{Path, PathBuf};

use rds_evidence_inventory::input;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::checks;
use crate::verdict::is_false;

/// The profile shipped with the tool: the August 2025 edition of the checklist.
pub const BUILTIN_PROFILE: &str =
    include_str!("../../../profiles/rds-service-delivery-2025-08.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Every checklist item, in the checklist's order.
    pub controls: Vec<ControlSpec>,
}

/// The numbers and names checks compare against.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    pub min_backup_retention_days: i32,
    /// How far behind collection the latest restorable time may be before PITR is stale.
    pub max_restore_lag_minutes: i64,
    /// A CA certificate expiring within this many days of collection fails.
    pub ca_expiry_warning_days: i64,
    /// Active access keys older than this fail (ACCT-002: prefer temporary credentials).
    pub max_access_key_age_days: i64,
    /// The tag that says which environment a resource belongs to: the last of the three ways
    /// a database's environment is known (after the account's declaration and the
    /// attestations file's rules).
    pub environment_tag: String,
    /// Values of that tag that mean production (compared case-insensitively).
    pub production_values: Vec<String>,
    /// Values of that tag that mean non-production. Any other value says nothing: the
    /// database's environment stays unknown.
    pub non_production_values: Vec<String>,
    /// A storage trend (growth per day) needs at least this many days of metrics to be judged.
    pub min_trend_days: u32,
    /// Free storage must last this many days at the measured growth.
    pub min_storage_headroom_days: i64,
    /// Instances whose daily CPU p95 stays below this are rightsizing candidates.
    pub rightsizing_cpu_p95_percent: f64,
    /// RDS log groups must keep logs at least this long (never expiring passes).
    pub min_log_retention_days: i32,
    /// An IPv4 CIDR block with public addresses and a prefix no longer than this is the
    /// internet (`/8`: `0.0.0.0/1` is, an office's `/32` is not).
    pub internet_ipv4_max_prefix: u8,
    /// The same for IPv6.
    pub internet_ipv6_max_prefix: u8,
    /// An AWS Backup recovery point older than this does not show that a database is backed
    /// up.
    pub max_recovery_point_age_days: i64,
    /// An engine version whose RDS standard support ends within this many days of collection
    /// fails: its upgrade is due.
    pub engine_support_warning_days: i64,
    /// A secret carrying this tag, with a database's identifier or ARN as value, belongs to
    /// that database.
    pub database_secret_tag: String,
    /// Tags that declare a database managed by an infrastructure-as-code tool other than
    /// CloudFormation: `Key` (any value) or `Key=value` (value compared ignoring case).
    pub iac_tags: Vec<String>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_backup_retention_days: 7,
            max_restore_lag_minutes: 15,
            ca_expiry_warning_days: 30,
            max_access_key_age_days: 90,
            environment_tag: "Environment".to_owned(),
            production_values: vec!["prod".to_owned(), "production".to_owned(), "prd".to_owned()],
            non_production_values: [
                "dev",
                "development",
                "test",
                "testing",
                "qa",
                "uat",
                "stage",
                "staging",
                "sandbox",
                "nonprod",
                "non-prod",
                "non-production",
                "preprod",
                "pre-production",
            ]
            .map(str::to_owned)
            .to_vec(),
            min_trend_days: 7,
            min_storage_headroom_days: 30,
            rightsizing_cpu_p95_percent: 20.0,
            min_log_retention_days: 365,
            internet_ipv4_max_prefix: 8,
            internet_ipv6_max_prefix: 16,
            max_recovery_point_age_days: 2,
            engine_support_warning_days: 180,
            database_secret_tag: "rds-db".to_owned(),
            iac_tags: [
                "ManagedBy=terraform",
                "ManagedBy=opentofu",
                "ManagedBy=pulumi",
                "terraform",
                "Terraform",
                "pulumi:project",
            ]
            .map(str::to_owned)
            .to_vec(),
        }
    }
}

impl Thresholds {
    /// Every number within the range its meaning allows, so that no threshold overflows where
    /// it becomes a duration and none makes a check vacuous (a NaN compares false to
    /// everything; a retention of 400 days is one no database can have).
    fn validate(&self) -> Result<(), String> {
        let ranges: [(&str, i64, std::ops::RangeInclusive<i64>, &str); 6] = [
            (
                "min_backup_retention_days",
                self.min_backup_retention_days.into(),
                1..=35,
                "RDS keeps automated backups 1 to 35 days",
            ),
            (
                "max_restore_lag_minutes",
                self.max_restore_lag_minutes,
                1..=10_080,
                "at most a week",
            ),
            (
                "ca_expiry_warning_days",
                self.ca_expiry_warning_days,
                0..=3_650,
                "at most ten years",
            ),
            (
                "max_access_key_age_days",
                self.max_access_key_age_days,
                1..=3_650,
                "at most ten years",
            ),
            (
                "min_storage_headroom_days",
                self.min_storage_headroom_days,
                0..=3_650,
                "at most ten years",
            ),
            (
                "min_log_retention_days",
                self.min_log_retention_days.into(),
                1..=3_653,
                "CloudWatch Logs keeps logs at most 3,653 days",
            ),
        ];
        for (name, value, range, why) in ranges {
            if !range.contains(&value) {
                return Err(format!(
                    "thresholds.{name} = {value} is outside {}..={} ({why})",
                    range.start(),
                    range.end()
                ));
            }
        }
        let cpu = self.rightsizing_cpu_p95_percent;
        if !(cpu.is_finite() && (0.0..=100.0).contains(&cpu)) {
            return Err(format!(
                "thresholds.rightsizing_cpu_p95_percent = {cpu} is not a percentage from 0 to 100"
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlSpec {
    /// `RDS-001`, `NETSEC-002`, or a section number such as `2.1` for prerequisites.
    pub id: String,
    pub title: String,
    /// What the checklist asks for, summarised.
    pub requirement: String,
    /// Checks whose findings are evidence for this control, each with its level and the
    /// environments it judges. In the file, a bare id is a required check of every
    /// environment; `{ id = "…", level = "recommended", environments = "production" }` says
    /// otherwise.
    #[serde(default)]
    pub checks: Vec<CheckUse>,
    #[serde(default)]
    pub rollup: Rollup,
    /// What the partner must supply that no account can show; absent when the account alone
    /// can prove the control.
    #[serde(default)]
    pub attestation: Option<String>,
    /// One of the checklist's common customer reference requirements: met by a submission
    /// when at least one of its case studies meets it (the others are required of every case
    /// study).
    #[serde(default, skip_serializing_if = "is_false")]
    pub common: bool,
    /// Use cases of an `any-of` control that no account can show (a migration already
    /// finished leaves nothing behind): the partner's attested document may prove them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documented_use_cases: Vec<DocumentedUseCase>,
}

/// One check as evidence for one control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckUse {
    pub id: String,
    pub level: Level,
    pub environments: EnvironmentScope,
}

/// Whether a check's findings decide the control's verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Its failures and unknowns gate the verdict.
    #[default]
    Required,
    /// Reported with its findings; never gates the verdict.
    Recommended,
}

/// Which databases a check judges for a control.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnvironmentScope {
    #[default]
    All,
    /// Production databases, and those whose environment is unknown: the tool may not claim
    /// less than it can show. Non-production databases are left out of the control.
    Production,
}

/// A use case an attested document may prove, in place of an observation no account has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentedUseCase {
    /// What the attestations file names in `use_case`.
    pub id: String,
    pub title: String,
    /// The check that observes the same use case, if any: its failure or unknown is never
    /// overridden by a document.
    pub check: Option<String>,
}

impl<'de> Deserialize<'de> for CheckUse {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = CheckUse;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a check id, or { id, level, environments }")
            }

            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<CheckUse, E> {
                Ok(CheckUse {
                    id: id.to_owned(),
                    level: Level::default(),
                    environments: EnvironmentScope::default(),
                })
            }

            fn visit_map<M: serde::de::MapAccess<'de>>(self, map: M) -> Result<CheckUse, M::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Table {
                    id: String,
                    #[serde(default)]
                    level: Level,
                    #[serde(default)]
                    environments: EnvironmentScope,
                }
                let table = Table::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(CheckUse {
                    id: table.id,
                    level: table.level,
                    environments: table.environments,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// How check results combine into the control's verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rollup {
    /// Every check must pass.
    #[default]
    All,
    /// One passing check is enough ("at least one of", as in RDS-005).
    AnyOf,
}

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error("cannot read profile {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Profile {
    pub fn builtin() -> Profile {
        Profile::parse(BUILTIN_PROFILE, Path::new("<builtin profile>"))
            .expect("the builtin profile is valid (tested)")
    }

    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text = input::read_to_string(path, input::limits::CONFIG).map_err(|source| {
            ProfileError::Read {
                path: path.to_owned(),
                source,
            }
        })?;
        Profile::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Profile, ProfileError> {
        let profile: Profile = toml::from_str(text).map_err(|e| ProfileError::Parse {
            path: path.to_owned(),
            line: line_of(text, e.span().map_or(0, |s| s.start)),
            message: e.message().to_owned(),
        })?;
        profile
            .validate()
            .map_err(|message| ProfileError::Invalid {
                path: path.to_owned(),
                message,
            })?;
        Ok(profile)
    }

    fn validate(&self) -> Result<(), String> {
        self.thresholds.validate()?;
        let mut seen = std::collections::BTreeSet::new();
        for control in &self.controls {
            if !seen.insert(&control.id) {
                return Err(format!("control {} is listed twice", control.id));
            }
            let mut used = std::collections::BTreeSet::new();
            for check in &control.checks {
                if checks::find(&check.id).is_none() {
                    return Err(format!(
                        "control {} names unknown check '{}' (see `rds-evidence checks`)",
                        control.id, check.id
                    ));
                }
                if !used.insert(&check.id) {
                    return Err(format!(
                        "control {} lists check '{}' twice",
                        control.id, check.id
                    ));
                }
            }
            let gated = control.checks.iter().any(|c| c.level == Level::Required);
            if !gated && control.attestation.is_none() {
                return Err(format!(
                    "control {} has neither a required check nor an attestation: nothing could \
                     prove it",
                    control.id
                ));
            }
            for use_case in &control.documented_use_cases {
                if control.rollup != Rollup::AnyOf || control.attestation.is_none() {
                    return Err(format!(
                        "control {}: documented use case '{}' needs rollup = \"any-of\" and an \
                         attestation",
                        control.id, use_case.id
                    ));
                }
                if let Some(check) = &use_case.check {
                    if !control.checks.iter().any(|c| &c.id == check) {
                        return Err(format!(
                            "control {}: documented use case '{}' names check '{check}', which \
                             is not one of the control's checks",
                            control.id, use_case.id
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The control `id`.
    pub fn control(&self, id: &str) -> Option<&ControlSpec> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// The distinct checks the profile uses, in registry order.
    pub fn checks(&self) -> Vec<&'static crate::Check> {
        checks::all()
            .filter(|check| {
                self.controls
                    .iter()
                    .any(|c| c.checks.iter().any(|used| used.id == check.id))
            })
            .collect()
    }
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profile_is_valid_and_covers_the_checklist() {
        let profile = Profile::builtin();
        let ids: Vec<&str> = profile.controls.iter().map(|c| c.id.as_str()).collect();
        for id in [
            "RDS-001",
            "RDS-002",
            "RDS-003",
            "RDS-004",
            "RDS-005",
            "RDS-006",
            "RDS-007",
            "RDS-008",
            "RDS-009",
            "DOC-001",
            "ACCT-001",
            "ACCT-002",
            "OPE-001",
            "OPE-002",
            "OPE-003",
            "NETSEC-001",
            "NETSEC-002",
            "REL-001",
            "REL-002",
            "COST-001",
            "2.1",
            "3.1",
            "4.1",
        ] {
            assert!(ids.contains(&id), "{id} missing from the builtin profile");
        }
    }

    #[test]
    fn every_check_is_used_by_the_builtin_profile() {
        let used = Profile::builtin().checks();
        for check in checks::all() {
            assert!(
                used.iter().any(|c| c.id == check.id),
                "{} serves no control",
                check.id
            );
        }
    }

    #[test]
    fn unknown_check_is_named() {
        let text = "id = \"p\"\ntitle = \"t\"\n[[controls]]\nid = \"X-1\"\ntitle = \"x\"\nrequirement = \"r\"\nchecks = [\"no.such.check\"]\n";
        let err = Profile::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("p.toml") && err.contains("no.such.check") && err.contains("X-1"),
            "{err}"
        );
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let text = "id = \"p\"\ntitle = \"t\"\n[[controls]\n";
        let err = Profile::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("p.toml:3:"), "{err}");
    }

    fn parse(controls: &str) -> Result<Profile, String> {
        let text = format!("id = \"p\"\ntitle = \"t\"\n{controls}");
        Profile::parse(&text, Path::new("p.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn checks_carry_a_level_and_an_environment_scope() {
        let profile = parse(
            "[[controls]]\nid = \"X-1\"\ntitle = \"x\"\nrequirement = \"r\"\nchecks = [\n  \
             \"rds.database.multi_az\",\n  { id = \"rds.database.backup_retention\", level = \
             \"recommended\", environments = \"production\" },\n]\n",
        )
        .unwrap();
        let checks = &profile.controls[0].checks;
        assert_eq!(
            (checks[0].level, checks[0].environments),
            (Level::Required, EnvironmentScope::All)
        );
        assert_eq!(
            (checks[1].level, checks[1].environments),
            (Level::Recommended, EnvironmentScope::Production)
        );

        let err = parse(
            "[[controls]]\nid = \"X-1\"\ntitle = \"x\"\nrequirement = \"r\"\nchecks = [\n  \
             { id = \"rds.database.multi_az\", level = \"optional\" },\n]\n",
        )
        .unwrap_err();
        assert!(
            err.starts_with("p.toml:8:") && err.contains("optional") && err.contains("recommended"),
            "{err}"
        );
    }

    #[test]
    fn a_control_only_recommended_checks_serve_needs_an_attestation() {
        let err = parse(
            "[[controls]]\nid = \"X-1\"\ntitle = \"x\"\nrequirement = \"r\"\nchecks = [\n  \
             { id = \"rds.database.multi_az\", level = \"recommended\" },\n]\n",
        )
        .unwrap_err();
        assert!(
            err.contains("X-1") && err.contains("nothing could prove it"),
            "{err}"
        );
        let err = parse(
            "[[controls]]\nid = \"X-1\"\ntitle = \"x\"\nrequirement = \"r\"\nchecks = \
             [\"rds.database.multi_az\", \"rds.database.multi_az\"]\n",
        )
        .unwrap_err();
        assert!(err.contains("twice"), "{err}");
    }

    #[test]
    fn documented_use_cases_belong_to_any_of_controls() {
        let control = |rollup: &str, check: &str| {
            format!(
                "[[controls]]\nid = \"X-1\"\ntitle = \"x\"\nrequirement = \"r\"\n\
                 checks = [\"dms.migration.tasks\"]\nrollup = \"{rollup}\"\nattestation = \"a\"\n\
                 documented_use_cases = [{{ id = \"migration\", title = \"m\", check = \"{check}\" }}]\n"
            )
        };
        parse(&control("any-of", "dms.migration.tasks")).unwrap();
        let err = parse(&control("all", "dms.migration.tasks")).unwrap_err();
        assert!(err.contains("any-of"), "{err}");
        let err = parse(&control("any-of", "rds.database.multi_az")).unwrap_err();
        assert!(err.contains("not one of the control's checks"), "{err}");
    }

    #[test]
    fn thresholds_out_of_range_are_refused_on_load() {
        let builtin = Profile::builtin();
        assert!(builtin.thresholds.validate().is_ok());
        for (threshold, expected) in [
            (
                "ca_expiry_warning_days = 9223372036854775807",
                "thresholds.ca_expiry_warning_days = 9223372036854775807 is outside 0..=3650",
            ),
            (
                "max_restore_lag_minutes = -5",
                "thresholds.max_restore_lag_minutes = -5 is outside 1..=10080",
            ),
            (
                "min_backup_retention_days = 400",
                "RDS keeps automated backups 1 to 35 days",
            ),
            ("min_log_retention_days = 0", "min_log_retention_days = 0"),
            (
                "rightsizing_cpu_p95_percent = nan",
                "= NaN is not a percentage",
            ),
            (
                "rightsizing_cpu_p95_percent = inf",
                "= inf is not a percentage",
            ),
            (
                "rightsizing_cpu_p95_percent = -1.0",
                "= -1 is not a percentage",
            ),
        ] {
            let text = BUILTIN_PROFILE.replacen(
                "[thresholds]\n",
                &format!("[thresholds]\n{threshold}\n"),
                1,
            );
            // The builtin's own line for the same key comes later: drop it.
            let key = threshold.split(' ').next().unwrap();
            let text: String = text
                .lines()
                .filter(|line| !line.starts_with(&format!("{key} ")) || *line == threshold)
                .map(|line| format!("{line}\n"))
                .collect();
            let err = Profile::parse(&text, Path::new("p.toml"))
                .unwrap_err()
                .to_string();
            assert!(
                err.starts_with("p.toml: ") && err.contains(expected),
                "{err}"
            );
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let text = "id = \"p\"\ntitle = \"t\"\ncontrol = []\n";
        let err = Profile::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("control"), "{err}");
    }
}
