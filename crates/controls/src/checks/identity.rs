//! Identity (ACCT-002): least privilege, federation and temporary credentials, per-person
//! credentials with MFA.

use rds_evidence_inventory::iam::UserCredentials;
use rds_evidence_inventory::Observed;

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
    /// No policy in use allows every action.
    ///
    /// A policy allowing `*` actions fails. A policy that only uses `*` as its resource is
    /// reported as an observation: many read actions support no resource-level permissions.
    pub static NO_WILDCARD_ACTIONS = Check {
        id: "iam.policies.no_wildcard_actions",
        title: "No IAM policy in use allows every action",
        rationale: "ACCT-002 asks for least privilege, with wildcards in Action and Resource \
                    avoided: a policy allowing `*` actions makes its holder an administrator.",
        remediation: "Replace `Action: \"*\"` with the actions the principal needs; keep \
                      administrator access on a few break-glass roles behind MFA.",
        severity: Severity::High,
        scope: Scope::IamPolicy,
        evaluate: no_wildcard_actions,
    };
}

fn no_wildcard_actions(ctx: &Context) -> Vec<Finding> {
    let check = &NO_WILDCARD_ACTIONS;
    let policies = match &ctx.snapshot.account_wide.iam.wildcard_policies {
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
    if !policies.iter().any(|p| p.allows_all_actions) {
        let mut findings = vec![Finding::new(
            check,
            account(ctx),
            Outcome::Pass,
            "no policy in use allows every action",
        )];
        findings.extend(policies.iter().map(|p| {
            Finding::new(
                check,
                Resource::new(Scope::IamPolicy, "", &p.name),
                Outcome::Observation,
                format!(
                    "allows any resource; attached to {}",
                    p.attached_to.join(", ")
                ),
            )
        }));
        return findings;
    }
    policies
        .iter()
        .map(|p| {
            let resource = Resource::new(Scope::IamPolicy, "", &p.name);
            let attached = p.attached_to.join(", ");
            if p.allows_all_actions {
                Finding::new(
                    check,
                    resource,
                    Outcome::Fail,
                    format!(
                        "{} policy allows every action; attached to {attached}",
                        p.kind
                    ),
                )
                .with("attached_to", &p.attached_to)
            } else {
                Finding::new(
                    check,
                    resource,
                    Outcome::Observation,
                    format!("allows any resource; attached to {attached}"),
                )
            }
        })
        .collect()
}

check! {
    /// People sign in through an identity provider rather than as IAM users.
    pub static FEDERATION = Check {
        id: "iam.federation.in_use",
        title: "Access is federated through SAML or OIDC",
        rationale: "ACCT-002 asks to leverage the customer's existing identities through \
                    federation, so that people use temporary credentials and leave with their \
                    directory account.",
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
    let (saml, oidc) = match (&iam.saml_providers, &iam.oidc_providers) {
        (Observed::Value(saml), Observed::Value(oidc)) => (saml, oidc),
        (Observed::Unknown(why), _) | (_, Observed::Unknown(why)) => {
            return vec![Finding::new(
                check,
                account(ctx),
                Outcome::InsufficientEvidence,
                why.to_string(),
            )]
        }
    };
    let finding = if saml.is_empty() && oidc.is_empty() {
        Finding::new(
            check,
            account(ctx),
            Outcome::Fail,
            "no SAML or OIDC provider",
        )
    } else {
        Finding::new(
            check,
            account(ctx),
            Outcome::Pass,
            format!("{} SAML and {} OIDC provider(s)", saml.len(), oidc.len()),
        )
        .with("saml_providers", saml)
        .with("oidc_providers", oidc)
    };
    vec![finding]
}

/// Judges each IAM user. A complete listing without users is itself the evidence: `no_users`
/// says what it proves, as a pass on the account.
fn each_user(
    check: &Check,
    ctx: &Context,
    no_users: &str,
    mut judge: impl FnMut(&UserCredentials, Resource) -> Finding,
) -> Vec<Finding> {
    match &ctx.snapshot.account_wide.iam.users {
        Observed::Value(users) if users.is_empty() => vec![Finding::new(
            check,
            account(ctx),
            Outcome::Pass,
            format!("the account has no IAM users: {no_users}"),
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

check! {
    /// Active access keys are younger than the profile's maximum age.
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
            "the credential report does not say",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use rds_evidence_inventory::iam::WildcardPolicy;

    fn policy(name: &str, all_actions: bool) -> WildcardPolicy {
        WildcardPolicy {
            name: name.into(),
            arn: None,
            kind: "managed".into(),
            attached_to: vec!["role/app".into()],
            allows_all_actions: all_actions,
            allows_all_resources: true,
            allows_all_actions_on_all_resources: all_actions,
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

    #[test]
    fn federation_by_provider() {
        let mut snapshot = snapshot(vec![]);
        assert_eq!(run(&FEDERATION, &snapshot)[0].outcome, Outcome::Fail);
        snapshot.account_wide.iam.saml_providers =
            Observed::Value(vec!["arn:aws:iam::1:saml-provider/corp".into()]);
        assert_eq!(run(&FEDERATION, &snapshot)[0].outcome, Outcome::Pass);
        snapshot.account_wide.iam.oidc_providers =
            Observed::Unknown(denied("iam:ListOpenIDConnectProviders"));
        assert_eq!(
            run(&FEDERATION, &snapshot)[0].outcome,
            Outcome::InsufficientEvidence
        );
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
            "the account has no IAM users: no long-lived user keys"
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
    }
}
