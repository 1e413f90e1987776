"""Builds one small PostgreSQL instance per region in each of several accounts, reached the way
rds-evidence reaches them: by assuming a role in each account.

    python build_accounts.py --endpoint-url URL --accounts 111111111111,222222222222

Prints {account: {region: instance id}} as JSON. moto keeps each account's state apart and
serves it to credentials from an AssumeRole into that account.
"""

import argparse
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

REGIONS = ("us-east-1", "eu-west-1")
ROLE_NAME = "RdsEvidenceReadOnly"


def session_in(endpoint_url, account):
    sts = boto3.client(
        "sts",
        region_name=REGIONS[0],
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(proxies={}),
    )
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE_NAME}", RoleSessionName="estate"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def build(endpoint_url, accounts):
    built = {}
    for account in accounts:
        session = session_in(endpoint_url, account)
        # The tool reads the credential report but never generates one (not a read).
        session.client(
            "iam", region_name=REGIONS[0], endpoint_url=endpoint_url, config=Config(proxies={})
        ).generate_credential_report()
        built[account] = {}
        for region in REGIONS:
            rds = session.client(
                "rds", region_name=region, endpoint_url=endpoint_url, config=Config(proxies={})
            )
            identifier = f"acct-{account[-4:]}-{region}"
            rds.create_db_instance(
                DBInstanceIdentifier=identifier,
                Engine="postgres",
                DBInstanceClass="db.t4g.micro",
                AllocatedStorage=20,
                MasterUsername="dbadmin",
                MasterUserPassword="Accounts-Passw0rd-Do-Not-Leak!",
                StorageEncrypted=False,
            )
            built[account][region] = identifier
    return built


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--accounts", required=True, help="comma-separated account ids")
    args = parser.parse_args()
    try:
        built = build(args.endpoint_url, args.accounts.split(","))
    except (ClientError, BotoCoreError) as err:
        print(f"build_accounts: failed against {args.endpoint_url}: {err}", file=sys.stderr)
        return 1
    print(json.dumps(built, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
