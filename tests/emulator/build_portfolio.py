"""Customers' accounts for scheduled runs, and the changes one of them makes between runs.

    python build_portfolio.py --endpoint-url URL build --accounts 111111111111:postgres,...
    python build_portfolio.py --endpoint-url URL drift --account 111111111111
    python build_portfolio.py --endpoint-url URL bucket --name partner-evidence

`build` gives each account, reached by assuming a role in it as rds-evidence does, a VPC with
two private subnets, a security group open to the VPC only on the database port, and one
encrypted Multi-AZ database of the given engine with 7 days of backups. `drift` turns Multi-AZ
off, lowers backup retention to 1 day and opens the security group to the internet. `bucket`
makes the partner's versioned store bucket in the caller's own account. Each prints JSON.
"""

import argparse
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

REGION = "us-east-1"
ROLE_NAME = "RdsEvidenceReadOnly"
PORTS = {"postgres": 5432, "mysql": 3306, "aurora-postgresql": 5432, "aurora-mysql": 3306}


def caller(endpoint_url):
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


def client(session, service, endpoint_url):
    return session.client(
        service, region_name=REGION, endpoint_url=endpoint_url, config=Config(proxies={})
    )


def session_in(endpoint_url, account):
    sts = client(caller(endpoint_url), "sts", endpoint_url)
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE_NAME}", RoleSessionName="estate"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def identifier(account):
    return f"orders-{account[-4:]}"


def build_account(endpoint_url, account, engine):
    session = session_in(endpoint_url, account)
    client(session, "iam", endpoint_url).generate_credential_report()
    ec2 = client(session, "ec2", endpoint_url)
    rds = client(session, "rds", endpoint_url)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for cidr, zone in (("10.20.1.0/24", "us-east-1a"), ("10.20.2.0/24", "us-east-1b"))
    ]
    port = PORTS[engine]
    group = ec2.create_security_group(
        GroupName="orders-db", Description="orders database", VpcId=vpc
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
             "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}
        ],
    )
    rds.create_db_subnet_group(
        DBSubnetGroupName="orders-private",
        DBSubnetGroupDescription="private subnets",
        SubnetIds=subnets,
    )
    common = dict(
        Engine=engine,
        MasterUsername="dbadmin",
        MasterUserPassword="Portfolio-Passw0rd-Do-Not-Leak!",
        StorageEncrypted=True,
        DBSubnetGroupName="orders-private",
        VpcSecurityGroupIds=[group],
        BackupRetentionPeriod=7,
        DeletionProtection=True,
    )
    if engine.startswith("aurora"):
        cluster = identifier(account)
        rds.create_db_cluster(DBClusterIdentifier=cluster, **common)
        for n, zone in ((1, "us-east-1a"), (2, "us-east-1b")):
            rds.create_db_instance(
                DBInstanceIdentifier=f"{cluster}-{n}",
                DBClusterIdentifier=cluster,
                Engine=engine,
                DBInstanceClass="db.r6g.large",
                AvailabilityZone=zone,
            )
    else:
        rds.create_db_instance(
            DBInstanceIdentifier=identifier(account),
            DBInstanceClass="db.t4g.medium",
            AllocatedStorage=50,
            MultiAZ=True,
            **common,
        )
    return {"database": identifier(account), "security_group": group, "engine": engine}


def drift(endpoint_url, account):
    session = session_in(endpoint_url, account)
    rds = client(session, "rds", endpoint_url)
    ec2 = client(session, "ec2", endpoint_url)
    database = identifier(account)
    rds.modify_db_instance(
        DBInstanceIdentifier=database, MultiAZ=False, BackupRetentionPeriod=1, ApplyImmediately=True
    )
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["orders-db"]}])[
        "SecurityGroups"
    ][0]["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
        ],
    )
    return {"database": database, "security_group": group}


def bucket(endpoint_url, name):
    s3 = client(caller(endpoint_url), "s3", endpoint_url)
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return {"bucket": name}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build")
    build.add_argument("--accounts", required=True, help="ACCOUNT:ENGINE,...")
    change = commands.add_parser("drift")
    change.add_argument("--account", required=True)
    store = commands.add_parser("bucket")
    store.add_argument("--name", required=True)
    args = parser.parse_args()
    try:
        if args.command == "build":
            result = {
                account: build_account(args.endpoint_url, account, engine)
                for account, engine in (pair.split(":") for pair in args.accounts.split(","))
            }
        elif args.command == "drift":
            result = drift(args.endpoint_url, args.account)
        else:
            result = bucket(args.endpoint_url, args.name)
    except (ClientError, BotoCoreError) as err:
        print(f"build_portfolio: failed against {args.endpoint_url}: {err}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
