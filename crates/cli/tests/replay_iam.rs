//! Offline: IAM in the real wire format (fixtures/real-shapes/us-east-1/iam), which moto does
//! not reproduce: URL-encoded policy documents, AWS-managed policies, a paginated
//! GetAccountAuthorizationDetails, a password policy, OIDC federation and a credential report
//! with a root row.

mod common;

use std::sync::OnceLock;

use common::{collect_snapshot, fixture, rds_evidence};
use rds_evidence_inventory::iam::{
    AccountSummary, Iam, PasswordPolicy, Role, UserCredentials, WildcardPolicy,
};
use rds_evidence_inventory::Snapshot;

const ACCOUNT: &str = "210987654321";

fn snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut command = rds_evidence(dir.path());
        // Other services' responses are not this test's concern: missing ones become unknowns.
        command
            .args([
                "collect",
                "--no-evaluate",
                "--replay-missing",
                "record-as-unavailable",
            ])
            .arg("--replay")
            .arg(fixture("real-shapes"));
        collect_snapshot(command, &dir.path().join("out")).0
    })
}

fn iam() -> &'static Iam {
    &snapshot().account_wide.iam
}

fn arn(kind: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:{kind}/{name}")
}

#[test]
fn summary_and_password_policy() {
    assert_eq!(
        iam().summary.value(),
        Some(&AccountSummary {
            root_mfa_enabled: true,
            root_access_keys_present: false,
            users: 2,
            roles: 4,
            mfa_devices: 2,
        })
    );
    assert_eq!(
        iam().password_policy.value(),
        Some(&Some(PasswordPolicy {
            minimum_length: Some(14),
            require_symbols: false,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            max_age_days: Some(90),
            reuse_prevention: Some(24),
        }))
    );
}

#[test]
fn wildcard_policies_across_both_pages() {
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    assert_eq!(
        iam().wildcard_policies.value().expect("policies read"),
        &vec![
            WildcardPolicy {
                name: "read-cloudwatch".to_owned(),
                arn: None,
                kind: "inline".to_owned(),
                attached_to: vec!["role/corp-dba".to_owned()],
                allows_all_actions: false,
                allows_all_resources: true,
                allows_all_actions_on_all_resources: false,
                service_wildcards: Vec::new(),
                allows_not_action: false,
                allows_not_resource: false,
            },
            WildcardPolicy {
                name: "AdministratorAccess".to_owned(),
                arn: Some(admin.to_owned()),
                kind: "managed".to_owned(),
                attached_to: vec![
                    "group/admins".to_owned(),
                    "role/OrganizationAccountAccessRole".to_owned()
                ],
                allows_all_actions: true,
                allows_all_resources: true,
                allows_all_actions_on_all_resources: true,
                service_wildcards: Vec::new(),
                allows_not_action: false,
                allows_not_resource: false,
            },
            WildcardPolicy {
                name: "RdsEvidenceRead".to_owned(),
                arn: Some(arn("policy", "RdsEvidenceRead")),
                kind: "managed".to_owned(),
                attached_to: vec!["role/RdsEvidenceReadOnly".to_owned()],
                allows_all_actions: false,
                allows_all_resources: true,
                allows_all_actions_on_all_resources: false,
                service_wildcards: Vec::new(),
                allows_not_action: false,
                allows_not_resource: false,
            },
        ],
        "deploy-bot's inline policy names one bucket: not a wildcard"
    );
}

#[test]
fn roles_and_their_trust_from_encoded_documents() {
    let role = |name: &str, trusted: &[String], external_id: bool| Role {
        name: name.to_owned(),
        arn: arn("role", name),
        trusted_principals: trusted.to_vec(),
        requires_external_id: external_id,
    };
    assert_eq!(
        iam().roles.value().expect("roles read"),
        &vec![
            role(
                "OrganizationAccountAccessRole",
                &["arn:aws:iam::123456789012:root".to_owned()],
                false
            ),
            role(
                "RdsEvidenceReadOnly",
                &["arn:aws:iam::111122223333:root".to_owned()],
                true
            ),
            role("corp-dba", &[arn("saml-provider", "corp-idp")], false),
            role(
                "github-deploy",
                &[arn("oidc-provider", "token.actions.githubusercontent.com")],
                false
            ),
        ]
    );
}

#[test]
fn federation_providers() {
    assert_eq!(
        iam().saml_providers.value(),
        Some(&vec![arn("saml-provider", "corp-idp")])
    );
    assert_eq!(
        iam().oidc_providers.value(),
        Some(&vec![arn(
            "oidc-provider",
            "token.actions.githubusercontent.com"
        )])
    );
}

#[test]
fn credential_report_without_root_and_with_key_ages_at_recording() {
    assert_eq!(
        iam().credential_report_generated_at.as_deref(),
        Some("2026-11-27T10:41:12Z")
    );
    assert_eq!(
        iam().users.value().expect("report read"),
        &vec![
            UserCredentials {
                user: "alice".to_owned(),
                arn: Some(arn("user", "alice")),
                console_access: Some(true),
                mfa_active: Some(true),
                active_access_key_ages_days: vec![],
                active_access_key_last_rotated: vec![],
            },
            UserCredentials {
                user: "deploy-bot".to_owned(),
                arn: Some(arn("user", "deploy-bot")),
                console_access: Some(false),
                mfa_active: Some(false),
                // Rotated exactly a year before the recording; key 2 is inactive.
                active_access_key_ages_days: vec![365],
                active_access_key_last_rotated: vec!["2025-11-27T10:50:00Z".to_owned()],
            },
        ]
    );
}

#[test]
fn every_iam_request_has_a_response() {
    let iam_gaps: Vec<_> = snapshot()
        .gaps()
        .into_iter()
        .filter(|gap| gap.why.action.starts_with("iam:"))
        .collect();
    assert!(iam_gaps.is_empty(), "{iam_gaps:?}");
    let calls = snapshot()
        .calls
        .iter()
        .filter(|c| c.action == "iam:GetAccountAuthorizationDetails")
        .count();
    assert_eq!(calls, 2, "both pages");
}
