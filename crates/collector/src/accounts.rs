//! Many accounts in one run: the accounts file (`--accounts`), or account ids with one role
//! name (`--role-name` and `--account-ids`). The accounts file may also name the
//! organization's management and log-archive accounts (`[organization]`), where an
//! organization trail's selectors, its bucket and the organization's event data stores are
//! read for every member.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rds_evidence_inventory::input::limits;
use rds_evidence_inventory::Environment;
use serde::Deserialize;
use thiserror::Error;

use crate::input::{check_region, parse_external_id, parse_role_arn, RegionSelection};

/// One account to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountTarget {
    pub id: String,
    pub role: TargetRole,
    pub external_id: Option<String>,
    /// `None`: the run's `--regions`.
    pub regions: Option<RegionSelection>,
    /// Free-form, e.g. `customer`: carried into the snapshot.
    pub labels: BTreeMap<String, String>,
    /// Declared for the whole account: classifies every database in it.
    pub environment: Option<Environment>,
}

/// The role to assume in an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRole {
    Arn(String),
    /// A role name (`--role-name`): its ARN is in the partition of the caller's identity,
    /// known only once the caller's credentials are.
    Name(String),
}

impl AccountTarget {
    /// The role's ARN, a named role's built in `partition` (`aws`, `aws-us-gov`, `aws-cn`, …).
    pub fn role_arn(&self, partition: &str) -> String {
        match &self.role {
            TargetRole::Arn(arn) => arn.clone(),
            TargetRole::Name(name) => format!("arn:{partition}:iam::{}:role/{name}", self.id),
        }
    }
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

/// An accounts file: the accounts to collect, and the organization's accounts if named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accounts {
    pub targets: Vec<AccountTarget>,
    pub organization: OrganizationAccounts,
}

/// The organization's accounts that hold what its member accounts cannot read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizationAccounts {
    /// Owns the organization trail (its event selectors) and the organization's CloudTrail
    /// Lake event data stores: the management or delegated administrator account.
    pub management: Option<AccountTarget>,
    /// Holds the organization trail's bucket.
    pub log_archive: Option<AccountTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountsFile {
    #[serde(rename = "account", default)]
    accounts: Vec<AccountEntry>,
    organization: Option<OrganizationEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationEntry {
    management: Option<OrganizationAccountEntry>,
    log_archive: Option<OrganizationAccountEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationAccountEntry {
    id: String,
    role_arn: Option<String>,
    external_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountEntry {
    /// Spanned, so that an entry's errors name its line without searching the text for it.
    id: toml::Spanned<String>,
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
///
/// [organization]                        # optional: where member accounts cannot read
/// management = { id = "111111111111" }  # role_arn and external_id as above, or --role-name
/// log_archive = { id = "222222222222", role_arn = "arn:aws:iam::222222222222:role/Audit" }
/// ```
pub fn load_accounts(path: &Path, role_name: Option<&str>) -> Result<Accounts, AccountsError> {
    let text = rds_evidence_inventory::input::read_to_string(path, limits::ACCOUNTS).map_err(
        |source| AccountsError::Read {
            path: path.to_owned(),
            source,
        },
    )?;
    let invalid = |line: usize, message: String| AccountsError::Invalid {
        path: path.to_owned(),
        line,
        message,
    };
    let file: AccountsFile = toml::from_str(&text).map_err(|e| {
        invalid(
            line_of(&text, e.span().map_or(0, |s| s.start)),
            e.message().to_owned(),
        )
    })?;
    if file.accounts.is_empty() {
        return Err(invalid(1, "no [[account]] entries".to_owned()));
    }
    let mut seen = BTreeSet::new();
    let mut targets = Vec::with_capacity(file.accounts.len());
    for entry in file.accounts {
        // Validation errors point at the entry's `id` line.
        let start = entry.id.span().start;
        let line = || line_of(&text, start);
        let environment = entry
            .environment
            .as_deref()
            .map(Environment::parse_declared)
            .transpose()
            .map_err(|message| invalid(line(), message))?;
        let target = account_target(
            entry.id.into_inner(),
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
        .map_err(|message| invalid(line(), message))?;
        if !seen.insert(target.id.clone()) {
            return Err(invalid(
                line(),
                format!("account {} is listed twice", target.id),
            ));
        }
        targets.push(target);
    }
    let mut organization = OrganizationAccounts::default();
    if let Some(entry) = file.organization {
        for (slot, account) in [
            (&mut organization.management, entry.management),
            (&mut organization.log_archive, entry.log_archive),
        ] {
            let Some(account) = account else { continue };
            let line = text
                .find(&format!("\"{}\"", account.id))
                .map_or(1, |offset| text[..offset].matches('\n').count() + 1);
            *slot = Some(
                account_target(
                    account.id,
                    account.role_arn,
                    account.external_id,
                    None,
                    BTreeMap::new(),
                    role_name,
                )
                .map_err(|message| invalid(line, message))?,
            );
        }
    }
    Ok(Accounts {
        targets,
        organization,
    })
}

/// The 1-based line of a byte offset: counted only for the one error a load reports, so that
/// loading stays linear in the number of entries.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
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
    let role = match (role_arn, role_name) {
        (Some(arn), _) => {
            let arn = parse_role_arn(&arn).map_err(|e| e.to_string())?;
            if arn.split(':').nth(4) != Some(id.as_str()) {
                return Err(format!("role {arn} is not in account {id}"));
            }
            TargetRole::Arn(arn)
        }
        (None, Some(name)) => {
            // The name is checked as part of an ARN; the partition is the caller's, later.
            parse_role_arn(&format!("arn:aws:iam::{id}:role/{name}")).map_err(|e| e.to_string())?;
            TargetRole::Name(name.to_owned())
        }
        (None, None) => {
            return Err(format!(
                "account {id} has no role_arn; add one, or pass --role-name"
            ))
        }
    };
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
        role,
        external_id,
        regions,
        labels,
        environment: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_file(text: &str, role_name: Option<&str>) -> Result<Accounts, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.toml");
        std::fs::write(&path, text).unwrap();
        load_accounts(&path, role_name).map_err(|e| e.to_string())
    }

    fn load(text: &str, role_name: Option<&str>) -> Result<Vec<AccountTarget>, String> {
        load_file(text, role_name).map(|accounts| accounts.targets)
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
            targets[0].role,
            TargetRole::Arn("arn:aws:iam::111111111111:role/Audit".into())
        );
        assert_eq!(
            targets[1].role_arn("aws"),
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

    /// Lines are counted once, for the error, not per entry: the bad entry at the end of a
    /// large file is named by its own line (and `benches/accounts.rs` times 100,000 entries).
    #[test]
    fn the_bad_entry_of_a_large_file_is_named_by_its_line() {
        let mut text: String = (0..20_000)
            .map(|n| {
                format!(
                    "[[account]]\nid = \"{:012}\"\nlabels = {{ n = \"{n}\" }}\n",
                    n
                )
            })
            .collect();
        let good = load(&text, Some("R")).unwrap();
        assert_eq!(good.len(), 20_000);
        assert_eq!(good[19_999].id, "000000019999");
        text.push_str("[[account]]\nid = \"000000000007\"\n");
        let err = load(&text, Some("R")).unwrap_err();
        let line = text.lines().count();
        assert!(
            err.contains(&format!(
                "accounts.toml:{line}: account 000000000007 is listed twice"
            )),
            "{err}"
        );
    }

    #[test]
    fn the_organizations_accounts() {
        let accounts = load_file(
            "[[account]]\nid = \"333333333333\"\n\n[organization]\n\
             management = { id = \"111111111111\", external_id = \"org-1\" }\n\
             log_archive = { id = \"222222222222\", \
             role_arn = \"arn:aws:iam::222222222222:role/LogReader\" }\n",
            Some("Audit"),
        )
        .unwrap();
        let management = accounts.organization.management.unwrap();
        assert_eq!(
            management.role_arn("aws"),
            "arn:aws:iam::111111111111:role/Audit"
        );
        assert_eq!(management.external_id.as_deref(), Some("org-1"));
        let log_archive = accounts.organization.log_archive.unwrap();
        assert_eq!(
            log_archive.role_arn("aws"),
            "arn:aws:iam::222222222222:role/LogReader"
        );
        let none = load_file("[[account]]\nid = \"333333333333\"\n", Some("Audit")).unwrap();
        assert_eq!(none.organization, OrganizationAccounts::default());
        let err = load_file(
            "[[account]]\nid = \"333333333333\"\n\
             role_arn = \"arn:aws:iam::333333333333:role/Audit\"\n[organization]\n\
             management = { id = \"111111111111\" }\n",
            None,
        )
        .unwrap_err();
        assert!(
            err.contains("accounts.toml:5:") && err.contains("--role-name"),
            "{err}"
        );
        let err = load_file(
            "[[account]]\nid = \"333333333333\"\n[organization]\nmanager = { id = \"1\" }\n",
            Some("Audit"),
        )
        .unwrap_err();
        assert!(err.contains("accounts.toml:4:"), "{err}");
    }

    #[test]
    fn ids_with_a_role_name() {
        let targets = accounts_from_ids(
            &["111111111111".into(), "222222222222".into()],
            "Audit",
            Some("x-1"),
        )
        .unwrap();
        assert_eq!(
            targets[1].role_arn("aws"),
            "arn:aws:iam::222222222222:role/Audit"
        );
        assert!(accounts_from_ids(&["12".into()], "Audit", None).is_err());
    }

    #[test]
    fn named_roles_are_in_the_callers_partition() {
        let targets = accounts_from_ids(&["111111111111".into()], "Audit", None).unwrap();
        assert_eq!(
            targets[0].role_arn("aws-us-gov"),
            "arn:aws-us-gov:iam::111111111111:role/Audit"
        );
        assert_eq!(
            targets[0].role_arn("aws-cn"),
            "arn:aws-cn:iam::111111111111:role/Audit"
        );
        let file = load(
            "[[account]]\nid = \"111111111111\"\n\
             role_arn = \"arn:aws-cn:iam::111111111111:role/Audit\"\n",
            None,
        )
        .unwrap();
        assert_eq!(
            file[0].role_arn("aws"),
            "arn:aws-cn:iam::111111111111:role/Audit",
            "an ARN given is used as given"
        );
    }
}
