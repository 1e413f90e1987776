//! Identity (ACCT-002): least privilege, federation and temporary credentials, per-person
//! credentials with MFA.

use rds_evidence_inventory::iam::{Role, UserCredentials, UsersSource, WildcardPolicy};
use rds_evidence_inventory::{Observed, Unavailable};

use crate::check::{check, Check, Finding, Outcome, Resource, Scope, Severity};
use crate::Context;

pub(crate) static CHECKS: &[&Check] = &[
    &NO_WILDCARD_ACTIONS,
    &FEDERATION,
    &ACCESS_KEY_AGE,
    &CONSOLE_MFA,
];

fn account(ctx: &Context) -> Resource {
    Resource::new(Scope::Account, "", &ctx.snapshot.account.id)
}

check! {
    /// No policy in use grants wildcard access.
    ///
    /// Wildcards are not only `*`: a policy fails when an `Allow` statement grants every
    /// action (`*`), every action of a service (`service:*`), every action but some
    /// (`NotAction`) or every resource but some (`NotResource`); and an AWS-managed
    /// `AdministratorAccess`, `PowerUserAccess` or `IAMFullAccess` attached to a user, a group
    /// or a role people assume fails whatever its document says. A role is assumed by people
    /// when its trust policy names a SAML provider (IAM Identity Center's included), an IAM
    /// Identity Center role, an OIDC provider that is not a workload issuer (CI systems, EKS),
    /// an IAM user, or an account without demanding an external id. A policy whose only
    /// wildcard is a `*` resource is reported as an observation: many read actions support no
    /// resource-level permissions.
    pub static NO_WILDCARD_ACTIONS = Check {
        id: "iam.policies.no_wildcard_actions",
        title: "No IAM policy in use grants wildcard actions",
        rationale: "ACCT-002 asks for least privilege, with wildcards in Action and Resource \
                    avoided: `*`, `service:*`, NotAction and NotResource each grant far more \
                    than a task needs, and the AWS-managed administrator policies make people \
                    administrators.",
        remediation: "Replace wildcard actions with the actions the principal needs, and \
                      NotAction/NotResource grants with explicit lists; keep administrator \
                      access on a few break-glass roles behind MFA.",
        severity: Severity::High,
        scope: Scope::IamPolicy,
        evaluate: no_wildcard_actions,
    };
}

/// AWS-managed policies that make whoever holds them an administrator, or nearly.
const ADMIN_POLICIES: &[&str] = &["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

fn no_wildcard_actions(ctx: &Context) -> Vec<Finding> {
    let check = &NO_WILDCARD_ACTIONS;
    let iam = &ctx.snapshot.account_wide.iam;
    let policies = match &iam.wildcard_policies {
        Observed::Value(policies) => policies,
        Observed::Unknown(why) => {
            return vec![Finding::new(
                check,
                account(ctx),
                Outcome::InsufficientEvidence,
                format!("policies unknown: {why}"),
            )]
        }
    };
    let people = People::of(iam);
    let judged: Vec<(&WildcardPolicy, Vec<String>)> = policies
        .iter()
        .map(|p| (p, wildcard_grants(p, &people)))
        .collect();
    let mut findings: Vec<Finding> = judged
        .iter()
        .map(|(p, grants)| {
            let resource = Resource::new(Scope::IamPolicy, "", &p.name);
            let attached = if p.attached_to.is_empty() {
                "nothing".to_owned()
            } else {
                p.attached_to
                    .iter()
                    .map(|holder| match people.why(holder) {
                        Ok(Some(why)) => format!("{holder} ({why})"),
                        _ => holder.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if grants.is_empty() {
                Finding::new(
                    check,
                    resource,
                    Outcome::Observation,
                    format!("allows any resource; attached to {attached}"),
                )
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!(
                        "{} policy {}; attached to {attached}",
                        p.kind,
                        grants.join("; ")
                    ),
                )
                .with("attached_to", &p.attached_to)
                .with("wildcards", grants)
            }
        })
        .collect();
    if judged.iter().all(|(_, grants)| grants.is_empty()) {
        let pass = match people.unknown() {
            // Whether an administrator policy is held by people is what is unknown.
            Some(why) if policies.iter().any(is_admin_policy) => Finding::new(
                check,
                account(ctx),
                Outcome::InsufficientEvidence,
                format!("cannot tell who holds the administrator policies: {why}"),
            ),
            _ => Finding::new(
                check,
                account(ctx),
                Outcome::Pass,
                "no policy in use grants wildcard actions",
            ),
        };
        findings.insert(0, pass);
    }
    findings
}

fn is_admin_policy(policy: &WildcardPolicy) -> bool {
    policy.kind == "managed"
        && policy.arn.as_deref().is_some_and(|arn| {
            arn.split(':').nth(4) == Some("aws")
                && ADMIN_POLICIES.contains(&arn.rsplit('/').next().unwrap_or_default())
        })
}

/// The wildcard grants of a policy, as a finding names them.
fn wildcard_grants(policy: &WildcardPolicy, people: &People) -> Vec<String> {
    let mut grants = Vec::new();
    if policy.allows_all_actions {
        grants.push("allows every action (*)".to_owned());
    }
    if !policy.service_wildcards.is_empty() {
        grants.push(format!(
            "allows every action of a service ({})",
            policy.service_wildcards.join(", ")
        ));
    }
    if policy.allows_not_action {
        grants.push("allows every action but those its NotAction names".to_owned());
    }
    if policy.allows_not_resource {
        grants.push("allows every resource but those its NotResource names".to_owned());
    }
    if is_admin_policy(policy) {
        let held: Vec<&str> = policy
            .attached_to
            .iter()
            .filter(|holder| matches!(people.why(holder), Ok(Some(_))))
            .map(String::as_str)
            .collect();
        if !held.is_empty() {
            grants.push(format!(
                "is the AWS-managed {}, held by people ({})",
                policy.name,
                held.join(", ")
            ));
        }
    }
    grants
}

/// Which principals of the account are people, or assumed by people.
struct People<'a> {
    roles: Result<&'a [Role], &'a Unavailable>,
    /// Human OIDC providers: trusted by a role, and not a workload issuer.
    human_oidc: Vec<&'a str>,
}

/// Issuers of OIDC tokens for workloads, not people: CI systems and Kubernetes service
/// accounts. An OIDC provider's ARN ends with its issuer's host and path.
const WORKLOAD_OIDC_ISSUERS: &[&str] = &[
    "token.actions.githubusercontent.com",
    "oidc.eks.",
    "gitlab.com",
    "oidc.circleci.com",
    "app.terraform.io",
    "api.bitbucket.org",
    "agent.buildkite.com",
    "vstoken.dev.azure.com",
    "oidc.codefresh.io",
];

fn is_workload_issuer(provider_arn: &str) -> bool {
    let issuer = provider_arn
        .split_once(":oidc-provider/")
        .map_or(provider_arn, |(_, issuer)| issuer);
    WORKLOAD_OIDC_ISSUERS
        .iter()
        .any(|workload| issuer.starts_with(workload))
}

impl<'a> People<'a> {
    fn of(iam: &'a rds_evidence_inventory::iam::Iam) -> People<'a> {
        let roles = match &iam.roles {
            Observed::Value(roles) => Ok(roles.as_slice()),
            Observed::Unknown(why) => Err(why),
        };
        let human_oidc = match (&iam.oidc_providers, &roles) {
            (Observed::Value(providers), Ok(roles)) => providers
                .iter()
                .filter(|p| !is_workload_issuer(p))
                .filter(|p| roles.iter().any(|r| r.trusted_principals.contains(p)))
                .map(String::as_str)
                .collect(),
            _ => Vec::new(),
        };
        People { roles, human_oidc }
    }

    fn unknown(&self) -> Option<&Unavailable> {
        self.roles.err()
    }

    /// Why `holder` (`user/NAME`, `group/NAME`, `role/NAME`) is a person or assumed by people;
    /// `None` for a workload role; `Err` when the roles could not be read.
    fn why(&self, holder: &str) -> Result<Option<String>, &Unavailable> {
        let (kind, name) = holder.split_once('/').unwrap_or(("", holder));
        match kind {
            "user" => Ok(Some("an IAM user".to_owned())),
            "group" => Ok(Some("a group of IAM users".to_owned())),
            _ => {
                let role = self.roles?.iter().find(|r| r.name == name);
                Ok(role.and_then(|role| self.assumed_by_people(role)))
            }
        }
    }

    fn assumed_by_people(&self, role: &Role) -> Option<String> {
        if role.name.starts_with("AWSReservedSSO_") {
            return Some("an IAM Identity Center role".to_owned());
        }
        role.trusted_principals.iter().find_map(|principal| {
            let account = principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit())
                || principal.ends_with(":root")
                || principal == "*";
            if principal.contains(":saml-provider/") {
                Some(format!("assumed through SAML provider {principal}"))
            } else if principal.contains(":role/AWSReservedSSO_") {
                Some("assumed from IAM Identity Center".to_owned())
            } else if self.human_oidc.contains(&principal.as_str()) {
                Some(format!("assumed through OIDC provider {principal}"))
            } else if principal.contains(":user/") {
                Some(format!("assumed by IAM user {principal}"))
            } else if account && !role.requires_external_id {
                Some(format!("assumable from {principal} without an external id"))
            } else {
                None
            }
        })
    }
}

check! {
    /// People sign in through an identity provider rather than as IAM users.
    ///
    /// Human federation is a SAML provider, IAM Identity Center (its `AWSReservedSSO_` roles or
    /// its `AWSSSO_` SAML provider), or an OIDC provider used by roles people assume. An OIDC
    /// provider for workloads — CI systems (GitHub Actions, GitLab, CircleCI, Bitbucket,
    /// Buildkite, HCP Terraform, Azure DevOps) or EKS service accounts — is not human
    /// federation, and neither is an OIDC provider no role trusts. Providers or roles that
    /// could not be read leave it insufficient evidence, unless a SAML provider already proves
    /// it.
    pub static FEDERATION = Check {
        id: "iam.federation.in_use",
        title: "People's access is federated through SAML, IAM Identity Center or OIDC",
        rationale: "ACCT-002 asks to leverage the customer's existing identities through \
                    federation, so that people use temporary credentials and leave with their \
                    directory account. An OIDC provider for a CI system federates machines, \
                    not people.",
        remediation: "Connect IAM Identity Center or a SAML/OIDC provider and grant access \
                      through roles instead of IAM users.",
        severity: Severity::Medium,
        scope: Scope::Account,
        evaluate: federation,
    };
}

fn federation(ctx: &Context) -> Vec<Finding> {
    let check = &FEDERATION;
    let iam = &ctx.snapshot.account_wide.iam;
    let people = People::of(iam);
    let mut human = Vec::new();
    let mut unknown = Vec::new();
    match &iam.saml_providers {
        Observed::Value(saml) if !saml.is_empty() => {
            human.push(format!("SAML provider(s) {}", saml.join(", ")))
        }
        Observed::Value(_) => {}
        Observed::Unknown(why) => unknown.push(why.to_string()),
    }
    match people.roles {
        Ok(roles) => {
            let identity_center: Vec<&str> = roles
                .iter()
                .filter(|r| r.name.starts_with("AWSReservedSSO_"))
                .map(|r| r.name.as_str())
                .collect();
            if !identity_center.is_empty() {
                human.push(format!(
                    "IAM Identity Center roles {}",
                    identity_center.join(", ")
                ));
            }
            for provider in &people.human_oidc {
                let trusting: Vec<&str> = roles
                    .iter()
                    .filter(|r| r.trusted_principals.iter().any(|p| p == provider))
                    .map(|r| r.name.as_str())
                    .collect();
                human.push(format!(
                    "OIDC provider {provider}, trusted by role(s) {}",
                    trusting.join(", ")
                ));
            }
        }
        Err(why) => unknown.push(why.to_string()),
    }
    let workload: Vec<&str> = match &iam.oidc_providers {
        Observed::Value(oidc) => oidc
            .iter()
            .filter(|p| is_workload_issuer(p))
            .map(String::as_str)
            .collect(),
        Observed::Unknown(why) => {
            unknown.push(why.to_string());
            Vec::new()
        }
    };
    let finding = if !human.is_empty() {
        Finding::new(check, account(ctx), Outcome::Pass, human.join("; "))
    } else if !unknown.is_empty() {
        Finding::new(
            check,
            account(ctx),
            Outcome::InsufficientEvidence,
            unknown.join("; "),
        )
    } else if !workload.is_empty() {
        Finding::new(
            check,
            account(ctx),
            Outcome::Fail,
            format!(
                "no SAML provider, IAM Identity Center or OIDC provider for people; the OIDC \
                 provider(s) {} federate workloads, not people",
                workload.join(", ")
            ),
        )
    } else {
        Finding::new(
            check,
            account(ctx),
            Outcome::Fail,
            "no SAML provider, IAM Identity Center or OIDC provider for people",
        )
    };
    vec![finding
        .with("human_federation", human)
        .with("workload_oidc_providers", workload)]
}

/// Judges each IAM user. A complete listing without users is itself the evidence: `no_users`
/// says what it proves, as a pass on the account.
fn each_user(
    check: &Check,
    ctx: &Context,
    no_users: &str,
    mut judge: impl FnMut(&UserCredentials, Resource) -> Finding,
) -> Vec<Finding> {
    let iam = &ctx.snapshot.account_wide.iam;
    match &iam.users {
        Observed::Value(users) if users.is_empty() => vec![Finding::new(
            check,
            account(ctx),
            Outcome::Pass,
            format!(
                "the account has no IAM users ({}): {no_users}",
                source_text(&iam.users_source)
            ),
        )],
        Observed::Value(users) => users
            .iter()
            .map(|user| judge(user, Resource::new(Scope::IamUser, "", &user.user)))
            .collect(),
        Observed::Unknown(why) => vec![Finding::new(
            check,
            account(ctx),
            Outcome::InsufficientEvidence,
            format!("users unknown: {why}"),
        )],
    }
}

/// Where the users were read from, as a finding says it.
fn source_text(source: &UsersSource) -> String {
    match source {
        UsersSource::CredentialReport => "credential report".to_owned(),
        UsersSource::UserListing { report } => {
            format!("user listing; the credential report could not be read: {report}")
        }
        UsersSource::AccountSummary { report } => {
            format!("account summary; the credential report could not be read: {report}")
        }
    }
}

check! {
    /// Active access keys are younger than the profile's maximum age.
    ///
    /// Read from the credential report; when it cannot be read, from what can be listed —
    /// each user's access keys and their age (`ListUsers`, `ListAccessKeys`), or the account
    /// summary showing no users — before saying insufficient evidence. An account without IAM
    /// users passes: it has no long-lived user keys.
    pub static ACCESS_KEY_AGE = Check {
        id: "iam.users.access_keys_rotated",
        title: "IAM users' active access keys are rotated",
        rationale: "Long-lived keys leak through laptops, repositories and CI logs; ACCT-002 asks \
                    for temporary credentials through roles, and keys that must exist are rotated.",
        remediation: "Replace the key with a role (or IAM Roles Anywhere); otherwise create a new \
                      key, switch to it, and deactivate the old one.",
        severity: Severity::Medium,
        scope: Scope::IamUser,
        evaluate: access_key_age,
    };
}

fn access_key_age(ctx: &Context) -> Vec<Finding> {
    let check = &ACCESS_KEY_AGE;
    let max = ctx.thresholds.max_access_key_age_days;
    each_user(check, ctx, "no long-lived user keys", |user, resource| {
        let oldest = user.active_access_key_ages_days.iter().max();
        match oldest {
            // What the check asks for at its best: nothing long-lived to rotate.
            None => Finding::new(check, resource, Outcome::Pass, "no active access keys"),
            Some(age) if *age > max => Finding::new(
                check,
                resource,
                Outcome::Fail,
                format!("active access key {age} days old, more than {max}"),
            ),
            Some(age) => Finding::new(
                check,
                resource,
                Outcome::Pass,
                format!("oldest active access key {age} days old"),
            ),
        }
        .with(
            "active_access_key_ages_days",
            &user.active_access_key_ages_days,
        )
    })
}

check! {
    /// Users who can sign in to the console have MFA.
    pub static CONSOLE_MFA = Check {
        id: "iam.users.console_mfa",
        title: "IAM users with console access have MFA",
        rationale: "ACCT-002 asks for dedicated, protected credentials per person: a console \
                    password alone is one phishing email away from the customer's databases.",
        remediation: "Assign an MFA device to every user with a console password, or remove the \
                      password and federate.",
        severity: Severity::High,
        scope: Scope::IamUser,
        evaluate: console_mfa,
    };
}

fn console_mfa(ctx: &Context) -> Vec<Finding> {
    let check = &CONSOLE_MFA;
    each_user(check, ctx, "no console passwords", |user, resource| match (
        user.console_access,
        user.mfa_active,
    ) {
        (Some(false), _) => {
            Finding::new(check, resource, Outcome::NotApplicable, "no console access")
        }
        (Some(true), Some(true)) => {
            Finding::new(check, resource, Outcome::Pass, "console with MFA")
        }
        (Some(true), Some(false)) => {
            Finding::new(check, resource, Outcome::Fail, "console access without MFA")
        }
        _ => Finding::new(
            check,
            resource,
            Outcome::InsufficientEvidence,
            match &ctx.snapshot.account_wide.iam.users_source {
                UsersSource::CredentialReport => "the credential report does not say".to_owned(),
                other => format!(
                    "console access and MFA are not listed without the credential report ({})",
                    source_text(other)
                ),
            },
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn policy(name: &str, all_actions: bool) -> WildcardPolicy {
        WildcardPolicy {
            name: name.into(),
            arn: None,
            kind: "managed".into(),
            attached_to: vec!["role/app".into()],
            allows_all_actions: all_actions,
            allows_all_resources: true,
            allows_all_actions_on_all_resources: all_actions,
            service_wildcards: Vec::new(),
            allows_not_action: false,
            allows_not_resource: false,
        }
    }

    fn role(name: &str, trusted: &[&str], external_id: bool) -> Role {
        Role {
            name: name.into(),
            arn: format!("arn:aws:iam::111122223333:role/{name}"),
            trusted_principals: trusted.iter().map(|p| p.to_string()).collect(),
            requires_external_id: external_id,
        }
    }

    fn user(name: &str, console: Option<bool>, mfa: Option<bool>, keys: &[i64]) -> UserCredentials {
        UserCredentials {
            user: name.into(),
            arn: None,
            console_access: console,
            mfa_active: mfa,
            active_access_key_ages_days: keys.to_vec(),
            active_access_key_last_rotated: keys
                .iter()
                .map(|_| "2025-01-01T00:00:00Z".into())
                .collect(),
        }
    }

    #[test]
    fn wildcard_actions_fail_wildcard_resources_are_observed() {
        let mut snapshot = snapshot(vec![]);
        snapshot.account_wide.iam.wildcard_policies =
            Observed::Value(vec![policy("Admin", true), policy("ReadAll", false)]);
        assert_eq!(
            outcomes(&run(&NO_WILDCARD_ACTIONS, &snapshot)),
            [
                ("Admin".into(), Outcome::Fail),
                ("ReadAll".into(), Outcome::Observation)
            ]
        );
        snapshot.account_wide.iam.wildcard_policies =
            Observed::Value(vec![policy("ReadAll", false)]);
        let findings = run(&NO_WILDCARD_ACTIONS, &snapshot);
        assert_eq!(findings[0].outcome, Outcome::Pass);
        snapshot.account_wide.iam.wildcard_policies =
            Observed::Unknown(denied("iam:GetAccountAuthorizationDetails"));
        assert_eq!(
            run(&NO_WILDCARD_ACTIONS, &snapshot)[0].outcome,
            Outcome::InsufficientEvidence
        );
    }

    /// As GetAccountAuthorizationDetails describes them: PowerUserAccess (NotAction),
    /// IAMFullAccess (`iam:*`), a NotResource grant, and AdministratorAccess on a workload
    /// role and on a SAML role.
    #[test]
    fn wildcards_are_not_only_stars() {
        let aws = |name: &str, attached: &[&str]| WildcardPolicy {
            arn: Some(format!("arn:aws:iam::aws:policy/{name}")),
            attached_to: attached.iter().map(|a| a.to_string()).collect(),
            ..policy(name, false)
        };
        let power_user = WildcardPolicy {
            allows_not_action: true,
            ..aws("PowerUserAccess", &["group/developers"])
        };
        let iam_full = WildcardPolicy {
            service_wildcards: vec!["iam:*".into()],
            ..aws("IAMFullAccess", &["role/ci-deploy"])
        };
        let all_but = WildcardPolicy {
            allows_not_resource: true,
            allows_all_resources: false,
            kind: "inline".into(),
            ..policy("all-but-secrets", false)
        };
        let admin = WildcardPolicy {
            allows_all_actions: true,
            ..aws("AdministratorAccess", &["role/lambda-admin", "role/Admin"])
        };
        let mut s = snapshot(vec![]);
        s.account_wide.iam.roles = Observed::Value(vec![
            role("lambda-admin", &["lambda.amazonaws.com"], false),
            role(
                "Admin",
                &["arn:aws:iam::111122223333:saml-provider/corp-idp"],
                false,
            ),
            role(
                "ci-deploy",
                &["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"],
                false,
            ),
        ]);
        s.account_wide.iam.wildcard_policies = Observed::Value(vec![
            power_user,
            iam_full,
            all_but,
            admin,
            policy("ReadAll", false),
        ]);
        let findings = run(&NO_WILDCARD_ACTIONS, &s);
        assert_eq!(
            outcomes(&findings),
            [
                ("PowerUserAccess".into(), Outcome::Fail),
                ("IAMFullAccess".into(), Outcome::Fail),
                ("all-but-secrets".into(), Outcome::Fail),
                ("AdministratorAccess".into(), Outcome::Fail),
                ("ReadAll".into(), Outcome::Observation),
            ]
        );
        assert!(
            findings[0].detail.contains(
                "allows every action but those its NotAction names; is the AWS-managed \
             PowerUserAccess, held by people (group/developers)"
            ),
            "{}",
            findings[0].detail
        );
        assert_eq!(
            findings[1].detail,
            "managed policy allows every action of a service (iam:*); attached to role/ci-deploy"
        );
        assert!(
            findings[3].detail.contains(
                "held by people (role/Admin); attached to role/lambda-admin, role/Admin (assumed \
             through SAML provider arn:aws:iam::111122223333:saml-provider/corp-idp)"
            ),
            "{}",
            findings[3].detail
        );
    }

    #[test]
    fn federation_is_of_people_not_workloads() {
        let github = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
        let eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
        let okta = "arn:aws:iam::111122223333:oidc-provider/corp.okta.com/oauth2/default";
        let mut s = snapshot(vec![]);
        assert_eq!(run(&FEDERATION, &s)[0].outcome, Outcome::Fail);

        s.account_wide.iam.oidc_providers = Observed::Value(vec![github.into(), eks.into()]);
        s.account_wide.iam.roles = Observed::Value(vec![role("ci-deploy", &[github], false)]);
        let findings = run(&FEDERATION, &s);
        assert_eq!(findings[0].outcome, Outcome::Fail);
        assert!(findings[0]
            .detail
            .contains("federate workloads, not people"));

        // An OIDC provider people use, trusted by a role.
        s.account_wide.iam.oidc_providers = Observed::Value(vec![github.into(), okta.into()]);
        s.account_wide.iam.roles = Observed::Value(vec![
            role("ci-deploy", &[github], false),
            role("engineers", &[okta], false),
        ]);
        let findings = run(&FEDERATION, &s);
        assert_eq!(findings[0].outcome, Outcome::Pass);
        assert_eq!(
            findings[0].detail,
            format!("OIDC provider {okta}, trusted by role(s) engineers")
        );

        // IAM Identity Center, by its roles.
        s.account_wide.iam.oidc_providers = Observed::Value(Vec::new());
        s.account_wide.iam.roles = Observed::Value(vec![role(
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            &["arn:aws:iam::111122223333:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"],
            false,
        )]);
        assert_eq!(run(&FEDERATION, &s)[0].outcome, Outcome::Pass);

        // SAML proves it even when the rest is unknown; nothing else does.
        s.account_wide.iam.roles = Observed::Unknown(denied("iam:GetAccountAuthorizationDetails"));
        assert_eq!(
            run(&FEDERATION, &s)[0].outcome,
            Outcome::InsufficientEvidence
        );
        s.account_wide.iam.saml_providers =
            Observed::Value(vec!["arn:aws:iam::1:saml-provider/corp".into()]);
        assert_eq!(run(&FEDERATION, &s)[0].outcome, Outcome::Pass);
    }

    #[test]
    fn users_keys_and_mfa() {
        let mut snapshot = snapshot(vec![]);
        snapshot.account_wide.iam.users = Observed::Value(vec![
            user("alice", Some(true), Some(true), &[10]),
            user("bob", Some(true), Some(false), &[400]),
            user("ci", Some(false), None, &[]),
            user("odd", None, None, &[90]),
        ]);
        assert_eq!(
            outcomes(&run(&ACCESS_KEY_AGE, &snapshot)),
            [
                ("alice".into(), Outcome::Pass),
                ("bob".into(), Outcome::Fail),
                ("ci".into(), Outcome::Pass),
                ("odd".into(), Outcome::Pass),
            ]
        );
        assert_eq!(
            outcomes(&run(&CONSOLE_MFA, &snapshot)),
            [
                ("alice".into(), Outcome::Pass),
                ("bob".into(), Outcome::Fail),
                ("ci".into(), Outcome::NotApplicable),
                ("odd".into(), Outcome::InsufficientEvidence),
            ]
        );
        snapshot.account_wide.iam.users = Observed::Value(Vec::new());
        let findings = run(&ACCESS_KEY_AGE, &snapshot);
        assert_eq!(
            outcomes(&findings),
            [("111122223333".into(), Outcome::Pass)],
            "a complete listing without users is evidence"
        );
        assert_eq!(
            findings[0].detail,
            "the account has no IAM users (credential report): no long-lived user keys"
        );
        snapshot.account_wide.iam.users = Observed::Unknown(denied("iam:GetCredentialReport"));
        assert_eq!(
            run(&CONSOLE_MFA, &snapshot)[0].outcome,
            Outcome::InsufficientEvidence
        );
        assert_eq!(
            run(&ACCESS_KEY_AGE, &snapshot)[0].outcome,
            Outcome::InsufficientEvidence
        );

        // Without the report: keys from the listings, console and MFA unknown.
        snapshot.account_wide.iam.users = Observed::Value(vec![
            user("ci", None, None, &[120]),
            user("fresh", None, None, &[3]),
        ]);
        snapshot.account_wide.iam.users_source = UsersSource::UserListing {
            report: denied("iam:GetCredentialReport"),
        };
        assert_eq!(
            outcomes(&run(&ACCESS_KEY_AGE, &snapshot)),
            [
                ("ci".into(), Outcome::Fail),
                ("fresh".into(), Outcome::Pass)
            ]
        );
        let findings = run(&CONSOLE_MFA, &snapshot);
        assert_eq!(findings[0].outcome, Outcome::InsufficientEvidence);
        assert!(
            findings[0].detail.contains(
                "not listed without the credential report (user listing; the credential report \
             could not be read: iam:GetCredentialReport access denied"
            ),
            "{}",
            findings[0].detail
        );
        snapshot.account_wide.iam.users = Observed::Value(Vec::new());
        snapshot.account_wide.iam.users_source = UsersSource::AccountSummary {
            report: denied("iam:GetCredentialReport"),
        };
        let findings = run(&ACCESS_KEY_AGE, &snapshot);
        assert_eq!(findings[0].outcome, Outcome::Pass);
        assert!(findings[0]
            .detail
            .starts_with("the account has no IAM users (account summary;"));
    }
}
