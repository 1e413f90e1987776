//! Profiles: a checklist edition as data (`profiles/*.toml`). Adding an edition needs no Rust.

use std::path::{Path, PathBuf};

use rds_evidence_inventory::input;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::checks;

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
    /// The tag that says which environment a resource belongs to.
    pub environment_tag: String,
    /// Values of that tag that mean production (compared case-insensitively).
    pub production_values: Vec<String>,
    /// Free storage must last this many days at the measured growth.
    pub min_storage_headroom_days: i64,
    /// Instances whose daily CPU p95 stays below this are rightsizing candidates.
    pub rightsizing_cpu_p95_percent: f64,
    /// RDS log groups must keep logs at least this long (never expiring passes).
    pub min_log_retention_days: i32,
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
            min_storage_headroom_days: 30,
            rightsizing_cpu_p95_percent: 20.0,
            min_log_retention_days: 365,
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
    /// Checks whose findings are evidence for this control.
    #[serde(default)]
    pub checks: Vec<String>,
    #[serde(default)]
    pub rollup: Rollup,
    /// What the partner must supply that no account can show; absent when the account alone
    /// can prove the control.
    #[serde(default)]
    pub attestation: Option<String>,
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
            for check in &control.checks {
                if checks::find(check).is_none() {
                    return Err(format!(
                        "control {} names unknown check '{check}' (see `rds-evidence checks`)",
                        control.id
                    ));
                }
            }
            if control.checks.is_empty() && control.attestation.is_none() {
                return Err(format!(
                    "control {} has neither checks nor an attestation: nothing could prove it",
                    control.id
                ));
            }
        }
        Ok(())
    }

    /// The distinct checks the profile uses, in registry order.
    pub fn checks(&self) -> Vec<&'static crate::Check> {
        checks::all()
            .filter(|check| {
                self.controls
                    .iter()
                    .any(|c| c.checks.iter().any(|id| id == check.id))
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
