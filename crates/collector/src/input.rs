//! Validation of what the user names: regions, role ARNs, external ids, session names.
//! Each error says what is wrong and what a valid value looks like.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct InvalidInput(String);

/// Which regions to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionSelection {
    /// The region of the environment or AWS profile.
    Configured,
    Named(Vec<String>),
    /// Every region enabled for the account.
    All,
}

impl RegionSelection {
    /// Parses `all` or a comma-separated list of region names.
    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(RegionSelection::All);
        }
        let mut regions = Vec::new();
        for name in text.split(',').map(str::trim) {
            check_region(name)?;
            if !regions.iter().any(|r| r == name) {
                regions.push(name.to_owned());
            }
        }
        Ok(RegionSelection::Named(regions))
    }

    /// Where account-wide calls go: the first region named, else the configured one.
    pub(crate) fn home(&self) -> Option<&str> {
        match self {
            RegionSelection::Named(regions) => regions.first().map(String::as_str),
            RegionSelection::Configured | RegionSelection::All => None,
        }
    }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`: lower-case words and a number.
pub fn check_region(name: &str) -> Result<(), InvalidInput> {
    let parts: Vec<&str> = name.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty();
    if well_formed {
        Ok(())
    } else {
        Err(InvalidInput(format!(
            "'{name}' is not an AWS region name (expected e.g. us-east-1, or 'all')"
        )))
    }
}

/// `arn:<partition>:iam::<12-digit account>:role/<optional path/>name`.
pub fn parse_role_arn(arn: &str) -> Result<String, InvalidInput> {
    let invalid = |why: &str| {
        InvalidInput(format!(
            "'{arn}' is not an IAM role ARN ({why}; expected arn:aws:iam::123456789012:role/NAME)"
        ))
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts[..] else {
        return Err(invalid("it needs six ':'-separated parts"));
    };
    if prefix != "arn" || !partition.starts_with("aws") {
        return Err(invalid("it must start with arn:aws"));
    }
    if service != "iam" || !region.is_empty() {
        return Err(invalid("the service must be iam, with no region"));
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the account id must be 12 digits"));
    }
    let Some(name) = resource.strip_prefix("role/") else {
        return Err(invalid("the resource must be role/NAME"));
    };
    let name_ok = !name.is_empty()
        && !name.ends_with('/')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c));
    if !name_ok {
        return Err(invalid("the role name has characters IAM does not allow"));
    }
    Ok(arn.to_owned())
}

/// STS allows 2–1224 characters of `[\w+=,.@:/-]`.
pub fn parse_external_id(id: &str) -> Result<String, InvalidInput> {
    let ok = (2..=1224).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(c));
    if ok {
        Ok(id.to_owned())
    } else {
        Err(InvalidInput(
            "the external id must be 2 to 1224 characters of letters, digits and +=,.@:/_-"
                .to_owned(),
        ))
    }
}

/// STS allows 2–64 characters of `[\w+=,.@-]`.
pub fn parse_session_name(name: &str) -> Result<String, InvalidInput> {
    let ok = (2..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(InvalidInput(format!(
            "'{name}' is not a valid session name (2 to 64 characters of letters, digits and +=,.@_-)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_parse_as_a_list_or_all() {
        assert_eq!(RegionSelection::parse("ALL"), Ok(RegionSelection::All));
        assert_eq!(
            RegionSelection::parse("us-east-1, eu-west-1,us-east-1"),
            Ok(RegionSelection::Named(vec![
                "us-east-1".into(),
                "eu-west-1".into()
            ]))
        );
        assert!(RegionSelection::parse("us-gov-west-1").is_ok());
    }

    #[test]
    fn malformed_regions_are_named_in_the_error() {
        for bad in ["", "us-east", "US-EAST-1", "useast1", "us-east-1a", "us--1"] {
            let err = RegionSelection::parse(bad).unwrap_err();
            assert!(err.to_string().contains(&format!("'{bad}'")), "{err}");
        }
    }

    #[test]
    fn role_arns() {
        assert!(parse_role_arn("arn:aws:iam::123456789012:role/Audit").is_ok());
        assert!(parse_role_arn("arn:aws-us-gov:iam::123456789012:role/path/to/Audit").is_ok());
        for bad in [
            "Audit",
            "arn:aws:iam::12345:role/Audit",
            "arn:aws:iam::123456789012:user/bob",
            "arn:aws:s3:::bucket",
            "arn:aws:iam:us-east-1:123456789012:role/Audit",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role/bad name",
        ] {
            let err = parse_role_arn(bad).unwrap_err().to_string();
            assert!(err.contains(bad) && err.contains("expected"), "{err}");
        }
    }

    #[test]
    fn external_ids_and_session_names() {
        assert!(parse_external_id("partner-7f3a:ok").is_ok());
        assert!(parse_external_id("x").is_err());
        assert!(parse_external_id("has space").is_err());
        assert!(parse_session_name("rds-evidence").is_ok());
        assert!(parse_session_name(&"a".repeat(65)).is_err());
    }
}
