#!/usr/bin/env python3
"""Builds a case study across two accounts in a running moto server.

    python build_case_study.py --endpoint-url URL --production 111111111111 \
        --non-production 222222222222

The production account holds the workload (`orders-db`, tagged Workload=orders, private,
encrypted, Multi-AZ) beside an unrelated sandbox database that is public to the internet
(`sandbox-public`: flag on, 5432 open to 0.0.0.0/0, in a subnet routed to an internet
gateway). The non-production account holds the workload's staging copy (`orders-staging`).
Both are reached by assuming a role, as rds-evidence reaches them. Prints what was built as
JSON; the script expects a fresh moto server.
"""

import argparse
import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from emulator_clients import isolate_from_caller_aws_config

REGION = "us-east-1"
ROLE_NAME = "RdsEvidenceReadOnly"
PASSWORD = "CaseStudy-Passw0rd-Do-Not-Leak!"


def clients_in(endpoint_url, account):
    config = Config(proxies={})
    sts = boto3.client(
        "sts",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE_NAME}", RoleSessionName="estate"
    )["Credentials"]
    session = boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )
    return lambda service: session.client(service, endpoint_url=endpoint_url, config=config)


def network(ec2, rds, cidr, name):
    """A VPC with two private subnets (no route out) and one public subnet behind an internet
    gateway; a DB subnet group for each side."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    prefix = cidr.rsplit(".", 2)[0]

    def subnet(octet, zone):
        return ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"{prefix}.{octet}.0/24", AvailabilityZone=zone
        )["Subnet"]["SubnetId"]

    private = [subnet(10, "us-east-1a"), subnet(11, "us-east-1b")]
    public = [subnet(0, "us-east-1a"), subnet(1, "us-east-1b")]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet_id in public:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet_id)
    rds.create_db_subnet_group(
        DBSubnetGroupName=f"{name}-private",
        DBSubnetGroupDescription="private",
        SubnetIds=private,
    )
    rds.create_db_subnet_group(
        DBSubnetGroupName=f"{name}-public", DBSubnetGroupDescription="public", SubnetIds=public
    )
    return vpc


def security_group(ec2, vpc, name, cidr):
    group = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": cidr}]}
        ],
    )
    return group


def database(rds, identifier, subnet_group, group, workload, environment, **extra):
    rds.create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine="postgres",
        EngineVersion="16.4",
        DBInstanceClass="db.t4g.medium",
        AllocatedStorage=20,
        MasterUsername="dbadmin",
        MasterUserPassword=PASSWORD,
        DBSubnetGroupName=subnet_group,
        VpcSecurityGroupIds=[group],
        Tags=[{"Key": "Workload", "Value": workload}, {"Key": "Environment", "Value": environment}],
        **extra,
    )
    return identifier


def build(endpoint_url, production, non_production):
    built = {}
    client = clients_in(endpoint_url, production)
    ec2, rds = client("ec2"), client("rds")
    # The tool reads the credential report but never generates one (not a read).
    client("iam").generate_credential_report()
    vpc = network(ec2, rds, "10.0.0.0/16", "prod")
    orders_sg = security_group(ec2, vpc, "orders-db", "10.0.0.0/16")
    open_sg = security_group(ec2, vpc, "sandbox-open", "0.0.0.0/0")
    built[production] = {
        "in_scope": database(
            rds,
            "orders-db",
            "prod-private",
            orders_sg,
            "orders",
            "production",
            StorageEncrypted=True,
            MultiAZ=True,
            PubliclyAccessible=False,
        ),
        "out_of_scope": database(
            rds,
            "sandbox-public",
            "prod-public",
            open_sg,
            "sandbox",
            "development",
            PubliclyAccessible=True,
        ),
    }
    client = clients_in(endpoint_url, non_production)
    ec2, rds = client("ec2"), client("rds")
    client("iam").generate_credential_report()
    vpc = network(ec2, rds, "10.1.0.0/16", "staging")
    staging_sg = security_group(ec2, vpc, "orders-staging", "10.1.0.0/16")
    built[non_production] = {
        "in_scope": database(
            rds,
            "orders-staging",
            "staging-private",
            staging_sg,
            "orders",
            "staging",
            StorageEncrypted=True,
            PubliclyAccessible=False,
        )
    }
    return built


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--production", required=True)
    parser.add_argument("--non-production", required=True)
    args = parser.parse_args()
    isolate_from_caller_aws_config()
    try:
        built = build(args.endpoint_url, args.production, args.non_production)
    except (ClientError, BotoCoreError) as err:
        print(f"build_case_study: failed against {args.endpoint_url}: {err}", file=sys.stderr)
        return 1
    print(json.dumps(built, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
