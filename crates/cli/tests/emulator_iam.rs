//! End to end against the moto emulator: the IAM part of the demo estate
//! (tests/emulator/estate_iam.py) as the snapshot records it.

mod common;

use common::{demo_collection, DemoCollection};
use rds_evidence_inventory::iam::{Iam, Role, UserCredentials, WildcardPolicy};
use rds_evidence_inventory::CallOutcome;

fn collected() -> &'static DemoCollection {
    demo_collection()
}

fn iam() -> &'static Iam {
    &collected().snapshot.account_wide.iam
}

fn built(key: &str) -> &'static str {
    collected().estate["iam"][key]
        .as_str()
        .unwrap_or_else(|| panic!("estate iam.{key}"))
}

#[test]
fn account_summary_matches_the_estate() {
    let summary = iam().summary.value().expect("summary observed");
    assert!(!summary.root_mfa_enabled);
    assert!(!summary.root_access_keys_present);
    let users = iam().users.value().expect("users observed");
    assert_eq!(summary.users as usize, users.len());
    let roles = iam().roles.value().expect("roles observed");
    assert_eq!(summary.roles as usize, roles.len());
    assert_eq!(summary.mfa_devices, 1, "alice's virtual MFA device");
}

#[test]
fn no_password_policy_is_a_value() {
    assert_eq!(iam().password_policy.value(), Some(&None));
}

fn wildcard(arn: &str) -> &'static WildcardPolicy {
    iam()
        .wildcard_policies
        .value()
        .expect("wildcard policies observed")
        .iter()
        .find(|p| p.arn.as_deref() == Some(arn))
        .unwrap_or_else(|| panic!("{arn} not listed as a wildcard policy"))
}

#[test]
fn wildcard_policies_and_where_they_are_attached() {
    assert_eq!(
        wildcard(built("admin_policy_arn")),
        &WildcardPolicy {
            name: "AdminEverything".to_owned(),
            arn: Some(built("admin_policy_arn").to_owned()),
            kind: "managed".to_owned(),
            attached_to: vec!["role/legacy-admin-role".to_owned()],
            allows_all_actions: true,
            allows_all_resources: true,
            allows_all_actions_on_all_resources: true,
            service_wildcards: Vec::new(),
            allows_not_action: false,
            allows_not_resource: false,
        }
    );
    assert_eq!(
        wildcard(built("rds_read_only_policy_arn")),
        &WildcardPolicy {
            name: "RdsReadOnly".to_owned(),
            arn: Some(built("rds_read_only_policy_arn").to_owned()),
            kind: "managed".to_owned(),
            attached_to: vec!["user/ci-deployer".to_owned()],
            allows_all_actions: false,
            allows_all_resources: true,
            allows_all_actions_on_all_resources: false,
            service_wildcards: Vec::new(),
            allows_not_action: false,
            allows_not_resource: false,
        }
    );
}

fn role(name: &str) -> &'static Role {
    iam()
        .roles
        .value()
        .expect("roles observed")
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("role {name} missing"))
}

#[test]
fn roles_with_their_trust() {
    assert_eq!(
        role("RdsEvidenceReadOnly"),
        &Role {
            name: "RdsEvidenceReadOnly".to_owned(),
            arn: built("evidence_role_arn").to_owned(),
            trusted_principals: vec![format!("arn:aws:iam::{}:root", built("external_account"))],
            requires_external_id: true,
        }
    );
    assert_eq!(
        role("legacy-admin-role"),
        &Role {
            name: "legacy-admin-role".to_owned(),
            arn: built("legacy_admin_role_arn").to_owned(),
            trusted_principals: vec!["ec2.amazonaws.com".to_owned()],
            requires_external_id: false,
        }
    );
}

#[test]
fn federation_providers() {
    assert_eq!(
        iam().saml_providers.value(),
        Some(&vec![built("saml_provider_arn").to_owned()])
    );
    assert_eq!(iam().oidc_providers.value(), Some(&Vec::new()));
}

fn user(name: &str) -> &'static UserCredentials {
    iam()
        .users
        .value()
        .expect("credential report read")
        .iter()
        .find(|u| u.user == name)
        .unwrap_or_else(|| panic!("user {name} missing"))
}

#[test]
fn credential_report_users() {
    let users = iam().users.value().expect("credential report read");
    let names: Vec<&str> = users.iter().map(|u| u.user.as_str()).collect();
    assert_eq!(names, ["alice", "ci-deployer"], "moto has no root row");
    assert!(iam().credential_report_generated_at.is_some());
    for (name, console, mfa) in [("alice", true, true), ("ci-deployer", false, false)] {
        let u = user(name);
        let spec = &collected().estate["iam"]["users"][name];
        assert_eq!(u.arn.as_deref(), spec["arn"].as_str(), "{name}");
        assert_eq!(u.console_access, Some(console), "{name}");
        assert_eq!(u.mfa_active, Some(mfa), "{name}");
        // Created moments before collection.
        assert_eq!(u.active_access_key_ages_days, [0], "{name}");
        assert_eq!(u.active_access_key_last_rotated.len(), 1, "{name}");
    }
}

#[test]
fn iam_is_read_once_and_never_generates_a_report() {
    let calls = &collected().snapshot.calls;
    for action in [
        "iam:GetAccountSummary",
        "iam:GetAccountPasswordPolicy",
        "iam:GetAccountAuthorizationDetails",
        "iam:ListSAMLProviders",
        "iam:ListOpenIDConnectProviders",
        "iam:GetCredentialReport",
    ] {
        let made: Vec<_> = calls.iter().filter(|c| c.action == action).collect();
        assert_eq!(made.len(), 1, "{action}");
        // No password policy is an error on the wire (NoSuchEntity), a value in the snapshot.
        let failed = matches!(made[0].outcome, CallOutcome::Failed(_));
        assert_eq!(failed, action == "iam:GetAccountPasswordPolicy", "{action}");
    }
    assert!(!calls
        .iter()
        .any(|c| c.action == "iam:GenerateCredentialReport"));
}
