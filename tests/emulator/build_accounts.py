"""Builds small PostgreSQL and MySQL instances in each region of several accounts, reached the
way rds-evidence reaches them: by assuming a role in each account.

    python build_accounts.py --endpoint-url URL --accounts 111111111111,222222222222 \
        [--regions us-east-1,eu-west-1] [--instances-per-region 1] [--trail-bucket-region R]

Prints {account: {region: [instance ids]}} as JSON. moto keeps each account's state apart and
serves it to credentials from an AssumeRole into that account. Accounts are built in parallel:
moto's state of one account is never touched by another's requests.
"""

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ROLE_NAME = "RdsEvidenceReadOnly"
ENGINES = ("postgres", "mysql")


def session_in(endpoint_url, account, region):
    sts = boto3.client(
        "sts",
        region_name=region,
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


def build_trail(session, endpoint_url, account, home, bucket_region):
    """A multi-region trail made in `home`, delivering to a bucket in `bucket_region`."""
    config = Config(proxies={})
    bucket = f"audit-logs-{account}"
    s3 = session.client("s3", region_name=bucket_region, endpoint_url=endpoint_url, config=config)
    location = {} if bucket_region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": bucket_region}}
    s3.create_bucket(Bucket=bucket, **location)
    cloudtrail = session.client(
        "cloudtrail", region_name=home, endpoint_url=endpoint_url, config=config)
    cloudtrail.create_trail(Name="audit", S3BucketName=bucket, IsMultiRegionTrail=True,
                            EnableLogFileValidation=True)
    cloudtrail.start_logging(Name="audit")


def build_account(endpoint_url, account, regions, per_region, trail_bucket_region):
    session = session_in(endpoint_url, account, regions[0])
    config = Config(proxies={})
    if trail_bucket_region:
        build_trail(session, endpoint_url, account, regions[0], trail_bucket_region)
    # The tool reads the credential report but never generates one (not a read).
    session.client(
        "iam", region_name=regions[0], endpoint_url=endpoint_url, config=config
    ).generate_credential_report()
    built = {}
    for region in regions:
        rds = session.client("rds", region_name=region, endpoint_url=endpoint_url, config=config)
        built[region] = []
        for index in range(per_region):
            engine = ENGINES[index % len(ENGINES)]
            identifier = f"acct-{account[-4:]}-{region}" + (f"-{index:03d}" if per_region > 1 else "")
            rds.create_db_instance(
                DBInstanceIdentifier=identifier,
                Engine=engine,
                DBInstanceClass="db.t4g.micro",
                AllocatedStorage=20,
                MasterUsername="dbadmin",
                MasterUserPassword="Accounts-Passw0rd-Do-Not-Leak!",
                StorageEncrypted=False,
                MultiAZ=index % 4 == 0,
                BackupRetentionPeriod=7 if index % 5 else 0,
                Tags=[{"Key": "Environment", "Value": "prod" if index % 2 else "dev"}],
            )
            built[region].append(identifier)
    return built


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--accounts", required=True, help="comma-separated account ids")
    parser.add_argument("--regions", default="us-east-1,eu-west-1", help="comma-separated")
    parser.add_argument("--instances-per-region", type=int, default=1)
    parser.add_argument("--trail-bucket-region",
                        help="also a multi-region trail in the first region, delivering to a "
                        "bucket in this one")
    args = parser.parse_args()
    accounts = args.accounts.split(",")
    regions = args.regions.split(",")
    try:
        with ThreadPoolExecutor(max_workers=len(accounts)) as pool:
            built = dict(zip(accounts, pool.map(
                lambda account: build_account(
                    args.endpoint_url, account, regions, args.instances_per_region,
                    args.trail_bucket_region),
                accounts)))
    except (ClientError, BotoCoreError) as err:
        print(f"build_accounts: failed against {args.endpoint_url}: {err}", file=sys.stderr)
        return 1
    print(json.dumps(built, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
