//! Many accounts in one run: the accounts file (`--accounts`), or account ids with one role
//! name (`--role-name` and `--account-ids`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rds_evidence_inventory::Environment;
use serde::Deserialize;
use thiserror::Error;

use crate::input::{check_region, parse_external_id, parse_role_arn, RegionSelection};

/// One account to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTarget {
    pub id: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    /// `None`: the run's `--regions`.
    pub regions: Option<RegionSelection>,
    /// Free-form, e.g. `customer`: carried into the snapshot.
    pub labels: BTreeMap<String, String>,
    /// Declared for the whole account: classifies every database in it.
    pub environment: Option<Environment>,
}

#[derive(Debug, Error)]
pub enum AccountsError {
    #[error("cannot read accounts file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{0}")]
    Argument(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    #[serde(rename = "account", default)]
    accounts: Vec<AccountEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    id: String,
    role_arn: Option<String>,
    external_id: Option<String>,
    regions: Option<Vec<String>>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    environment: Option<String>,
}

/// Reads an accounts file:
///
/// ```toml
/// [[account]]
/// id = "123456789012"
/// role_arn = "arn:aws:iam::123456789012:role/RdsEvidenceReadOnly"  # or --role-name
/// external_id = "partner-7f3a"
/// regions = ["us-east-1", "eu-west-1"]                               # or --regions
/// labels = { customer = "Acme" }
/// environment = "production"        # optional: production or non-production, for everything
/// ```
pub fn load_accounts(
    path: &Path,
    role_name: Option<&str>,
) -> Result<Vec<AccountTarget>, AccountsError> {
    let text = rds_evidence_inventory::input::read_to_string(path).map_err(|source| {
        AccountsError::Read {
            path: path.to_owned(),
            source,
        }
    })?;
    let invalid = |line: usize, message: String| AccountsError::Invalid {
        path: path.to_owned(),
        line,
        message,
    };
    let file: AccountsFile = toml::from_str(&text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        invalid(
            text[..offset.min(text.len())].matches('\n').count() + 1,
            e.message().to_owned(),
        )
    })?;
    if file.accounts.is_empty() {
        return Err(invalid(1, "no [[account]] entries".to_owned()));
    }
    let mut seen = BTreeSet::new();
    let mut targets = Vec::new();
    for entry in file.accounts {
        // Validation errors point at the entry's `id` line.
        let line = text
            .find(&format!("\"{}\"", entry.id))
            .map_or(1, |offset| text[..offset].matches('\n').count() + 1);
        let environment = entry
            .environment
            .as_deref()
            .map(Environment::parse_declared)
            .transpose()
            .map_err(|message| invalid(line, message))?;
        let target = account_target(
            entry.id,
            entry.role_arn,
            entry.external_id,
            entry.regions,
            entry.labels,
            role_name,
        )
        .map(|target| AccountTarget {
            environment,
            ..target
        })
        .map_err(|message| invalid(line, message))?;
        if !seen.insert(target.id.clone()) {
            return Err(invalid(
                line,
                format!("account {} is listed twice", target.id),
            ));
        }
        targets.push(target);
    }
    Ok(targets)
}

/// Accounts given as ids, all reached through the role `role_name`.
pub fn accounts_from_ids(
    ids: &[String],
    role_name: &str,
    external_id: Option<&str>,
) -> Result<Vec<AccountTarget>, AccountsError> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .map(|id| {
            if !seen.insert(id.clone()) {
                return Err(AccountsError::Argument(format!(
                    "--account-ids: account {id} is listed twice"
                )));
            }
            account_target(
                id.clone(),
                None,
                external_id.map(str::to_owned),
                None,
                BTreeMap::new(),
                Some(role_name),
            )
            .map_err(|message| AccountsError::Argument(format!("--account-ids: {message}")))
        })
        .collect()
}

/// One account from its parts, as an accounts or case-study file names them: the role from
/// `role_arn` or `role_name`, the regions checked. The message says what is wrong.
pub fn account_target(
    id: String,
    role_arn: Option<String>,
    external_id: Option<String>,
    regions: Option<Vec<String>>,
    labels: BTreeMap<String, String>,
    role_name: Option<&str>,
) -> Result<AccountTarget, String> {
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("account id '{id}' is not 12 digits"));
    }
    let role_arn = match (role_arn, role_name) {
        (Some(arn), _) => parse_role_arn(&arn).map_err(|e| e.to_string())?,
        (None, Some(name)) => {
            parse_role_arn(&format!("arn:aws:iam::{id}:role/{name}")).map_err(|e| e.to_string())?
        }
        (None, None) => {
            return Err(format!(
                "account {id} has no role_arn; add one, or pass --role-name"
            ))
        }
    };
    if role_arn.split(':').nth(4) != Some(id.as_str()) {
        return Err(format!("role {role_arn} is not in account {id}"));
    }
    let external_id = external_id
        .map(|e| parse_external_id(&e).map_err(|e| e.to_string()))
        .transpose()?;
    let regions = regions
        .map(|regions| {
            regions.iter().try_for_each(|r| check_region(r))?;
            Ok::<_, crate::InvalidInput>(RegionSelection::Named(regions))
        })
        .transpose()
        .map_err(|e| e.to_string())?;
    Ok(AccountTarget {
        id,
        role_arn,
        external_id,
        regions,
        labels,
        environment: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, role_name: Option<&str>) -> Result<Vec<AccountTarget>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.toml");
        std::fs::write(&path, text).unwrap();
        load_accounts(&path, role_name).map_err(|e| e.to_string())
    }

    #[test]
    fn entries_with_roles_regions_and_labels() {
        let targets = load(
            "[[account]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:iam::111111111111:role/Audit\"\n\
             external_id = \"ext-1\"\nregions = [\"us-east-1\"]\nlabels = { customer = \"Acme\" }\n\
             environment = \"production\"\n\n\
             [[account]]\nid = \"222222222222\"\n",
            Some("RdsEvidence"),
        )
        .unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].external_id.as_deref(), Some("ext-1"));
        assert_eq!(targets[0].labels["customer"], "Acme");
        assert_eq!(
            targets[0].regions,
            Some(RegionSelection::Named(vec!["us-east-1".into()]))
        );
        assert_eq!(
            targets[1].role_arn,
            "arn:aws:iam::222222222222:role/RdsEvidence"
        );
        assert_eq!(targets[1].regions, None);
        assert_eq!(targets[0].environment, Some(Environment::Production));
        assert_eq!(targets[1].environment, None);
    }

    #[test]
    fn an_environment_outside_the_vocabulary_is_named() {
        let err = load(
            "[[account]]\nid = \"111111111111\"\nenvironment = \"prod\"\n",
            Some("R"),
        )
        .unwrap_err();
        assert!(
            err.contains("accounts.toml:2:")
                && err.contains("'prod'")
                && err.contains("production, non-production"),
            "{err}"
        );
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = load("[[account]]\nid = \"1234\"\n", Some("R")).unwrap_err();
        assert!(
            err.contains("accounts.toml:2:") && err.contains("not 12 digits"),
            "{err}"
        );
        let err = load("[[account]]\nid = \"111111111111\"\n", None).unwrap_err();
        assert!(err.contains("--role-name"), "{err}");
        let err = load(
            "[[account]]\nid = \"111111111111\"\nrole_arn = \"arn:aws:iam::222222222222:role/A\"\n",
            None,
        )
        .unwrap_err();
        assert!(err.contains("not in account 111111111111"), "{err}");
        let err = load(
            "[[account]]\nid = \"111111111111\"\nregion = \"x\"\n",
            Some("R"),
        )
        .unwrap_err();
        assert!(err.contains("accounts.toml:3:"), "{err}");
        let err = load(
            "[[account]]\nid = \"111111111111\"\n[[account]]\nid = \"111111111111\"\n",
            Some("R"),
        )
        .unwrap_err();
        assert!(err.contains("twice"), "{err}");
        assert!(load("", Some("R")).unwrap_err().contains("no [[account]]"));
    }

    #[test]
    fn ids_with_a_role_name() {
        let targets = accounts_from_ids(
            &["111111111111".into(), "222222222222".into()],
            "Audit",
            Some("x-1"),
        )
        .unwrap();
        assert_eq!(targets[1].role_arn, "arn:aws:iam::222222222222:role/Audit");
        assert!(accounts_from_ids(&["12".into()], "Audit", None).is_err());
    }
}
