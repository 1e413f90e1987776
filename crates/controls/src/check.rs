//! What a check is and what it produces.

use rds_evidence_inventory::Snapshot;
use serde::{Deserialize, Serialize};

use crate::case_study::CaseStudyView;
use crate::environments::Environments;
use crate::{Targets, Thresholds, Values};

/// One check: metadata a reader sees, and a pure function over the snapshot.
///
/// The metadata is the user documentation (`rds-evidence checks` prints it); which checklist
/// controls a check serves is the profile's business, not the check's. Checks are defined with
/// [`check!`], which makes the doc comment the check's `rule`.
pub struct Check {
    /// Stable, dotted: `<service>.<resource>.<property>`.
    pub id: &'static str,
    pub title: &'static str,
    /// What counts and what does not: the check's doc comment, as `rds-evidence checks` prints
    /// it (see [`Check::rule_text`]).
    pub rule: &'static str,
    /// Why it matters, for the validator and the customer.
    pub rationale: &'static str,
    /// What to change when it fails.
    pub remediation: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    pub evaluate: fn(&Context) -> Vec<Finding>,
}

/// Defines `pub static NAME: Check` from a doc comment and the other fields: the doc comment
/// becomes the `rule`, written once for rustdoc and for `rds-evidence checks`.
macro_rules! check {
    (
        $(#[doc = $doc:literal])+
        pub static $name:ident = Check { $($field:ident: $value:expr),+ $(,)? };
    ) => {
        $(#[doc = $doc])+
        pub static $name: $crate::Check = $crate::Check {
            rule: concat!($($doc, "\n"),+),
            $($field: $value),+
        };
    };
}
pub(crate) use check;

impl Check {
    /// The rule as prose: the doc comment's lines without their leading space, paragraphs
    /// separated by one blank line.
    pub fn rule_text(&self) -> String {
        self.rule
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }
}

/// What a check sees: the snapshot, the profile's thresholds and what the partner declared.
/// Nothing else: no clock, no files, no network.
pub struct Context<'a> {
    /// What is judged: one account, or the part of it in a case study's scope.
    pub snapshot: &'a Snapshot,
    /// The whole account `snapshot` is part of (the same snapshot outside a case study): what
    /// production is compared with is every non-production database of the account.
    pub whole: &'a Snapshot,
    pub thresholds: &'a Thresholds,
    /// Recovery objectives the partner declared, if any.
    pub targets: &'a Targets,
    /// Every database's environment in the account, classified once.
    pub environments: &'a Environments,
    /// The case study being evaluated, if any, with the environments of its accounts.
    pub case_study: Option<&'a CaseStudyView<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

/// The kind of resource a check judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Account,
    Region,
    DbInstance,
    DbCluster,
    DbSnapshot,
    KmsKey,
    Vpc,
    SecurityGroup,
    ParameterGroup,
    Trail,
    S3Bucket,
    IamPolicy,
    IamUser,
    Secret,
    LogGroup,
    MigrationTask,
}

impl Scope {
    /// The account's identity and governance (CloudTrail, IAM, contacts): judged the same
    /// whether or not the account holds databases.
    pub fn is_account_wide(self) -> bool {
        matches!(
            self,
            Scope::Account | Scope::Trail | Scope::S3Bucket | Scope::IamPolicy | Scope::IamUser
        )
    }
}

/// The result of one check on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub check: String,
    pub resource: Resource,
    pub outcome: Outcome,
    /// What was observed, in a sentence a validator can read.
    pub detail: String,
    /// Facts behind the outcome (sizes, settings, ids), for reports and observations.
    #[serde(default, skip_serializing_if = "Values::is_empty")]
    pub values: Values,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Resource {
    pub kind: Scope,
    /// Empty for account-wide resources.
    pub region: String,
    /// Identifier or ARN as the snapshot names it.
    pub id: String,
    /// The account, in an evaluation of several (a case study's); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// The check does not apply to this resource (a read replica has no backups of its own).
    NotApplicable,
    /// The data needed could not be collected: never a pass.
    InsufficientEvidence,
    /// Facts only, no judgement (engines, sizes, growth).
    Observation,
}

impl Finding {
    pub fn new(
        check: &Check,
        resource: Resource,
        outcome: Outcome,
        detail: impl Into<String>,
    ) -> Finding {
        Finding {
            check: check.id.to_owned(),
            resource,
            outcome,
            detail: detail.into(),
            values: Values::default(),
        }
    }

    pub fn with(mut self, name: &str, value: impl Serialize) -> Finding {
        let value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
        self.values.insert(name, value);
        self
    }
}

impl Resource {
    pub fn new(kind: Scope, region: &str, id: &str) -> Resource {
        Resource {
            kind,
            region: region.to_owned(),
            id: id.to_owned(),
            account: String::new(),
        }
    }
}
