"""The iam part of the demo estate; build_estate.py calls build() last.

Owned by the iam collector's work; returns what it built for tests to read.

moto quirks met here:
- AWS-managed policies (AdministratorAccess) exist only with
  MOTO_IAM_LOAD_MANAGED_POLICIES=true, so the admin policy is customer-managed.
- GetAccountAuthorizationDetails omits PolicyName/PolicyId of managed policies.
- The credential report has no <root_account> row.
- IAM users, roles and the credential report are account-wide: the region of
  the client does not matter.
"""

import json

EXTERNAL_ACCOUNT = "111122223333"
EXTERNAL_ID = "rds-evidence-demo-external-id"
# Never printed: a login profile needs a password, and later tests scan output for leaks.
CONSOLE_PASSWORD = "Demo-Console-Passw0rd-Do-Not-Leak!"

# Minimal SAML 2.0 metadata: one IdP descriptor with sign-on endpoints, name id formats and a
# contact (IAM wants at least 1000 characters).
SAML_METADATA = """<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
    entityID="https://idp.corp.example/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.corp.example/saml/sso"/>
    <md:SingleSignOnService
        Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="https://idp.corp.example/saml/sso"/>
  </md:IDPSSODescriptor>
  <md:Organization>
    <md:OrganizationName xml:lang="en">Corp Example</md:OrganizationName>
    <md:OrganizationDisplayName xml:lang="en">Corp Example IdP</md:OrganizationDisplayName>
    <md:OrganizationURL xml:lang="en">https://corp.example/</md:OrganizationURL>
  </md:Organization>
  <md:ContactPerson contactType="technical">
    <md:EmailAddress>mailto:identity@corp.example</md:EmailAddress>
  </md:ContactPerson>
</md:EntityDescriptor>
"""


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def build(clients, account_id, estate):
    """Builds the iam resources. `estate` is what build_estate.py built so far."""
    iam = clients("iam")

    admin_arn = iam.create_policy(
        PolicyName="AdminEverything",
        PolicyDocument=policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )["Policy"]["Arn"]
    rds_read_arn = iam.create_policy(
        PolicyName="RdsReadOnly",
        PolicyDocument=policy({
            "Effect": "Allow",
            "Action": ["rds:DescribeDBInstances", "rds:DescribeDBClusters"],
            "Resource": "*",
        }),
    )["Policy"]["Arn"]

    ec2_trust = policy({
        "Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole",
    })
    legacy = iam.create_role(RoleName="legacy-admin-role", AssumeRolePolicyDocument=ec2_trust)
    iam.attach_role_policy(RoleName="legacy-admin-role", PolicyArn=admin_arn)

    external_trust = policy({
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{EXTERNAL_ACCOUNT}:root"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
    })
    evidence = iam.create_role(
        RoleName="RdsEvidenceReadOnly", AssumeRolePolicyDocument=external_trust
    )

    saml_arn = iam.create_saml_provider(
        Name="corp-idp", SAMLMetadataDocument=SAML_METADATA
    )["SAMLProviderArn"]

    alice = iam.create_user(UserName="alice")["User"]
    iam.create_login_profile(UserName="alice", Password=CONSOLE_PASSWORD)
    mfa_serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")[
        "VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(
        UserName="alice",
        SerialNumber=mfa_serial,
        AuthenticationCode1="123456",
        AuthenticationCode2="654321",
    )
    # The secret half of each key is dropped on the floor: nothing may print it.
    iam.create_access_key(UserName="alice")

    deployer = iam.create_user(UserName="ci-deployer")["User"]
    iam.attach_user_policy(UserName="ci-deployer", PolicyArn=rds_read_arn)
    iam.create_access_key(UserName="ci-deployer")

    # The estate may generate the report; rds-evidence only reads it.
    iam.generate_credential_report()

    return {
        "iam": {
            "admin_policy_arn": admin_arn,
            "rds_read_only_policy_arn": rds_read_arn,
            "legacy_admin_role_arn": legacy["Role"]["Arn"],
            "evidence_role_arn": evidence["Role"]["Arn"],
            "external_account": EXTERNAL_ACCOUNT,
            "saml_provider_arn": saml_arn,
            "users": {
                "alice": {"arn": alice["Arn"], "console": True, "mfa": True, "access_keys": 1},
                "ci-deployer": {
                    "arn": deployer["Arn"], "console": False, "mfa": False, "access_keys": 1,
                },
            },
        }
    }
