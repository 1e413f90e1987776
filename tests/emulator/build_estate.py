#!/usr/bin/env python3
"""Build the rds-evidence demo estate in a running moto server.

Usage:
    python build_estate.py --endpoint-url http://127.0.0.1:PORT

The estate spans a primary region (us-east-1) and a DR region (eu-west-1):
networking, security groups, KMS keys, DB subnet/parameter groups, RDS
PostgreSQL and MySQL instances with same- and cross-region read replicas, an
Aurora PostgreSQL cluster, a Neptune cluster (a non-RDS engine served by the
RDS API, which rds-evidence must ignore), manual snapshots with various
sharing settings, and an RDS event subscription.

Only the given endpoint is ever contacted, with static fake credentials; the
caller's AWS configuration (profiles, credential files, proxies, endpoint
overrides) is ignored. On success one JSON object describing what was built
is printed on stdout; on failure a message goes to stderr and the exit
status is 1. The script expects a fresh moto server (it is not idempotent).
"""

import argparse
import json
import sys

from botocore.exceptions import BotoCoreError, ClientError

import estate_governance
import estate_iam
import estate_services
from emulator_clients import Clients, isolate_from_caller_aws_config

PRIMARY = "us-east-1"
DR = "eu-west-1"

MASTER_USERNAME = "dbadmin"
# Later tests scan rds-evidence output for this value: it must never leak.
MASTER_PASSWORD = "Demo-Passw0rd-Do-Not-Leak!"
SHARED_WITH_ACCOUNT = "111122223333"

POSTGRES_VERSION = "16.4"
MYSQL_VERSION = "8.0.39"
AURORA_POSTGRES_VERSION = "16.4"


def ec2_tags(resource_type, name, **extra):
    tags = [{"Key": "Name", "Value": name}]
    tags += [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": resource_type, "Tags": tags}]


def rds_tags(**tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


# --------------------------------------------------------------------------
# Networking
# --------------------------------------------------------------------------


def build_primary_network(ec2):
    """demo-vpc: two public subnets behind an IGW, three private ones behind a NAT."""
    vpc_id = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        TagSpecifications=ec2_tags("vpc", "demo-vpc", Environment="prod"),
    )["Vpc"]["VpcId"]

    igw_id = ec2.create_internet_gateway(
        TagSpecifications=ec2_tags("internet-gateway", "demo-igw"),
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)

    subnet_layout = [
        ("public-a", "10.0.0.0/24", "us-east-1a"),
        ("public-b", "10.0.1.0/24", "us-east-1b"),
        ("private-a", "10.0.10.0/24", "us-east-1a"),
        ("private-b", "10.0.11.0/24", "us-east-1b"),
        ("private-c", "10.0.12.0/24", "us-east-1c"),
    ]
    subnets = {
        name: ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=cidr,
            AvailabilityZone=az,
            TagSpecifications=ec2_tags("subnet", name),
        )["Subnet"]["SubnetId"]
        for name, cidr, az in subnet_layout
    }
    public = [subnets["public-a"], subnets["public-b"]]
    private = [subnets["private-a"], subnets["private-b"], subnets["private-c"]]

    eip = ec2.allocate_address(
        Domain="vpc", TagSpecifications=ec2_tags("elastic-ip", "demo-nat-eip")
    )
    nat_id = ec2.create_nat_gateway(
        SubnetId=subnets["public-a"],
        AllocationId=eip["AllocationId"],
        TagSpecifications=ec2_tags("natgateway", "demo-nat"),
    )["NatGateway"]["NatGatewayId"]

    public_rt = create_route_table(ec2, vpc_id, "public-rt", public, GatewayId=igw_id)
    private_rt = create_route_table(ec2, vpc_id, "private-rt", private, NatGatewayId=nat_id)

    db_nacl = create_db_nacl(ec2, vpc_id, private)

    return {
        "vpc_id": vpc_id,
        "internet_gateway_id": igw_id,
        "nat_gateway_id": nat_id,
        "nat_eip_allocation_id": eip["AllocationId"],
        "subnets": subnets,
        "route_tables": {"public-rt": public_rt, "private-rt": private_rt},
        "network_acls": {"db-nacl": db_nacl},
    }


def create_route_table(ec2, vpc_id, name, subnet_ids, **default_route_target):
    rt_id = ec2.create_route_table(
        VpcId=vpc_id, TagSpecifications=ec2_tags("route-table", name)
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=rt_id, DestinationCidrBlock="0.0.0.0/0", **default_route_target
    )
    for subnet_id in subnet_ids:
        ec2.associate_route_table(RouteTableId=rt_id, SubnetId=subnet_id)
    return rt_id


def create_db_nacl(ec2, vpc_id, subnet_ids):
    """Custom NACL: inbound tcp/5432 from the VPC CIDR, everything else denied."""
    nacl_id = ec2.create_network_acl(
        VpcId=vpc_id, TagSpecifications=ec2_tags("network-acl", "db-nacl")
    )["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(
        NetworkAclId=nacl_id,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="10.0.0.0/16",
        PortRange={"From": 5432, "To": 5432},
    )
    # AWS gives every custom NACL implicit '*' (rule 32767) deny-all entries;
    # moto creates none, so the deny-everything-else rules are made explicit
    # (redundant but valid on AWS).
    for egress in (False, True):
        ec2.create_network_acl_entry(
            NetworkAclId=nacl_id,
            RuleNumber=32766,
            Protocol="-1",
            RuleAction="deny",
            Egress=egress,
            CidrBlock="0.0.0.0/0",
        )
    # A subnet always has exactly one NACL association; move it from the
    # VPC's default NACL to ours.
    for subnet_id in subnet_ids:
        current = ec2.describe_network_acls(
            Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}]
        )["NetworkAcls"][0]
        association_id = next(
            a["NetworkAclAssociationId"]
            for a in current["Associations"]
            if a["SubnetId"] == subnet_id
        )
        ec2.replace_network_acl_association(
            AssociationId=association_id, NetworkAclId=nacl_id
        )
    return nacl_id


def build_primary_security_groups(ec2, vpc_id):
    def create(name, description):
        return ec2.create_security_group(
            GroupName=name,
            Description=description,
            VpcId=vpc_id,
            TagSpecifications=ec2_tags("security-group", name),
        )["GroupId"]

    app_sg = create("app-sg", "Application tier")
    restricted_sg = create("db-restricted-sg", "PostgreSQL from the application tier only")
    open_sg = create("db-open-sg", "MySQL open to the internet")

    ec2.authorize_security_group_ingress(
        GroupId=restricted_sg,
        IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "UserIdGroupPairs": [{"GroupId": app_sg, "Description": "from app-sg"}],
        }],
    )
    ec2.authorize_security_group_ingress(
        GroupId=open_sg,
        IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
        }],
    )
    return {"app-sg": app_sg, "db-restricted-sg": restricted_sg, "db-open-sg": open_sg}


def build_dr_network(ec2):
    """dr-vpc: two private subnets and the replica's security group."""
    vpc_id = ec2.create_vpc(
        CidrBlock="10.1.0.0/16",
        TagSpecifications=ec2_tags("vpc", "dr-vpc", Environment="prod"),
    )["Vpc"]["VpcId"]
    subnets = {
        name: ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=cidr,
            AvailabilityZone=az,
            TagSpecifications=ec2_tags("subnet", name),
        )["Subnet"]["SubnetId"]
        for name, cidr, az in [
            ("dr-private-a", "10.1.10.0/24", "eu-west-1a"),
            ("dr-private-b", "10.1.11.0/24", "eu-west-1b"),
        ]
    }
    sg_id = ec2.create_security_group(
        GroupName="dr-db-sg",
        Description="PostgreSQL from inside dr-vpc",
        VpcId=vpc_id,
        TagSpecifications=ec2_tags("security-group", "dr-db-sg"),
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg_id,
        IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "IpRanges": [{"CidrIp": "10.1.0.0/16"}],
        }],
    )
    return {"vpc_id": vpc_id, "subnets": subnets, "security_groups": {"dr-db-sg": sg_id}}


# --------------------------------------------------------------------------
# IAM, KMS, SNS
# --------------------------------------------------------------------------


def create_monitoring_role(iam):
    """Role for Enhanced Monitoring. The AWS-managed policy
    AmazonRDSEnhancedMonitoringRole is not attached: moto only knows AWS-managed
    policies when started with MOTO_IAM_LOAD_MANAGED_POLICIES=true."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "monitoring.rds.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }],
    }
    return iam.create_role(
        RoleName="rds-monitoring-role",
        AssumeRolePolicyDocument=json.dumps(trust),
        Description="RDS Enhanced Monitoring",
    )["Role"]["Arn"]


def key_policy(account_id, *extra_statements):
    root = {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *extra_statements]})


def create_kms_key(kms, name, alias, environment, policy, rotation):
    key = kms.create_key(
        Description=f"{name} (RDS storage encryption)",
        KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT",
        Policy=policy,
        Tags=[{"TagKey": "Environment", "TagValue": environment}],
    )["KeyMetadata"]
    kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
    if rotation:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    return key["Arn"]


def build_kms_keys(clients, account_id):
    public_decrypt = {
        "Sid": "AllowDecryptFromAnyone",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    kms = clients("kms")
    return {
        "prod-key": create_kms_key(
            kms, "prod-key", "alias/prod-db", "prod", key_policy(account_id), rotation=True
        ),
        "dev-key": create_kms_key(
            kms, "dev-key", "alias/dev-db", "dev",
            key_policy(account_id, public_decrypt), rotation=False,
        ),
        "dr-key": create_kms_key(
            clients("kms", DR), "dr-key", "alias/dr-db", "prod",
            key_policy(account_id), rotation=True,
        ),
    }


# --------------------------------------------------------------------------
# RDS
# --------------------------------------------------------------------------


def create_subnet_group(rds, name, description, subnet_ids, environment):
    rds.create_db_subnet_group(
        DBSubnetGroupName=name,
        DBSubnetGroupDescription=description,
        SubnetIds=subnet_ids,
        Tags=rds_tags(Environment=environment),
    )


def create_parameter_group(rds, name, family, parameters):
    rds.create_db_parameter_group(
        DBParameterGroupName=name, DBParameterGroupFamily=family, Description=name
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName=name,
        Parameters=[
            {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "immediate"}
            for k, v in parameters.items()
        ],
    )


def create_cluster_parameter_group(rds, name, family, parameters):
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName=name, DBParameterGroupFamily=family, Description=name
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName=name,
        Parameters=[
            {"ParameterName": k, "ParameterValue": v, "ApplyMethod": "immediate"}
            for k, v in parameters.items()
        ],
    )


def build_rds_groups(clients, net, dr_net):
    rds, rds_dr = clients("rds"), clients("rds", DR)
    subnets, dr_subnets = net["subnets"], dr_net["subnets"]

    create_subnet_group(
        rds, "private-db-subnets", "Private subnets for databases",
        [subnets["private-a"], subnets["private-b"], subnets["private-c"]], "prod",
    )
    create_subnet_group(
        rds, "public-db-subnets", "Public subnets (internet-reachable databases)",
        [subnets["public-a"], subnets["public-b"]], "dev",
    )
    create_subnet_group(
        rds_dr, "dr-db-subnets", "DR private subnets",
        [dr_subnets["dr-private-a"], dr_subnets["dr-private-b"]], "prod",
    )

    # An audit option group for dev-mysql: moto knows only the option groups created
    # here, not the engine defaults (default:postgres-16, ...) real RDS has.
    rds.create_option_group(
        OptionGroupName="dev-mysql-audit",
        EngineName="mysql",
        MajorEngineVersion="8.0",
        OptionGroupDescription="Audit plugin for dev-mysql",
    )
    rds.modify_option_group(
        OptionGroupName="dev-mysql-audit",
        OptionsToInclude=[{
            "OptionName": "MARIADB_AUDIT_PLUGIN",
            "OptionSettings": [{"Name": "SERVER_AUDIT_EVENTS", "Value": "CONNECT,QUERY_DDL"}],
        }],
        ApplyImmediately=True,
    )
    create_parameter_group(rds, "prod-postgres16", "postgres16", {"rds.force_ssl": "1"})
    create_parameter_group(rds, "dev-mysql8", "mysql8.0", {"require_secure_transport": "0"})
    create_parameter_group(rds_dr, "dr-postgres16", "postgres16", {"rds.force_ssl": "1"})
    create_cluster_parameter_group(
        rds, "prod-aurora-pg16", "aurora-postgresql16", {"rds.force_ssl": "1"}
    )


def build_instances(clients, security_groups, dr_security_groups, kms_keys, monitoring_role_arn):
    rds = clients("rds")
    instances = {}

    instances["prod-postgres"] = rds.create_db_instance(
        DBInstanceIdentifier="prod-postgres",
        Engine="postgres",
        EngineVersion=POSTGRES_VERSION,
        DBInstanceClass="db.m6g.large",
        AllocatedStorage=100,
        MaxAllocatedStorage=500,
        StorageType="gp3",
        MultiAZ=True,
        StorageEncrypted=True,
        KmsKeyId=kms_keys["prod-key"],
        MasterUsername=MASTER_USERNAME,
        MasterUserPassword=MASTER_PASSWORD,
        DBSubnetGroupName="private-db-subnets",
        VpcSecurityGroupIds=[security_groups["db-restricted-sg"]],
        DBParameterGroupName="prod-postgres16",
        BackupRetentionPeriod=7,
        DeletionProtection=True,
        EnableIAMDatabaseAuthentication=True,
        EnableCloudwatchLogsExports=["postgresql"],
        MonitoringInterval=60,
        MonitoringRoleArn=monitoring_role_arn,
        EnablePerformanceInsights=True,
        PubliclyAccessible=False,
        AutoMinorVersionUpgrade=True,
        Tags=rds_tags(Environment="prod", Name="prod-postgres"),
    )["DBInstance"]["DBInstanceArn"]

    instances["dev-mysql"] = rds.create_db_instance(
        DBInstanceIdentifier="dev-mysql",
        Engine="mysql",
        EngineVersion=MYSQL_VERSION,
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        StorageType="gp2",
        MultiAZ=False,
        StorageEncrypted=False,
        MasterUsername=MASTER_USERNAME,
        MasterUserPassword=MASTER_PASSWORD,
        DBSubnetGroupName="public-db-subnets",
        VpcSecurityGroupIds=[security_groups["db-open-sg"]],
        DBParameterGroupName="dev-mysql8",
        OptionGroupName="dev-mysql-audit",
        BackupRetentionPeriod=1,
        DeletionProtection=False,
        PubliclyAccessible=True,
        Tags=rds_tags(Environment="dev"),
    )["DBInstance"]["DBInstanceArn"]

    # Encrypted with the dev key (whose policy is too open) and placed in the prod
    # subnets and security group: segregation findings by design. No parameter
    # group, so it runs on default.postgres16.
    instances["dev-postgres"] = rds.create_db_instance(
        DBInstanceIdentifier="dev-postgres",
        Engine="postgres",
        EngineVersion=POSTGRES_VERSION,
        DBInstanceClass="db.t4g.medium",
        AllocatedStorage=50,
        StorageType="gp3",
        MultiAZ=False,
        StorageEncrypted=True,
        KmsKeyId=kms_keys["dev-key"],
        MasterUsername=MASTER_USERNAME,
        MasterUserPassword=MASTER_PASSWORD,
        DBSubnetGroupName="private-db-subnets",
        VpcSecurityGroupIds=[security_groups["db-restricted-sg"]],
        BackupRetentionPeriod=1,
        DeletionProtection=False,
        PubliclyAccessible=False,
        Tags=rds_tags(Environment="dev", Name="dev-postgres"),
    )["DBInstance"]["DBInstanceArn"]

    # moto builds a replica as a copy of its source, so Multi-AZ and other
    # settings are inherited unless given. MultiAZ=False is passed explicitly
    # (it is AWS's default, and AWS rejects an AvailabilityZone with Multi-AZ).
    instances["prod-postgres-replica"] = rds.create_db_instance_read_replica(
        DBInstanceIdentifier="prod-postgres-replica",
        SourceDBInstanceIdentifier="prod-postgres",
        AvailabilityZone="us-east-1b",
        MultiAZ=False,
        Tags=rds_tags(Environment="prod", Name="prod-postgres-replica"),
    )["DBInstance"]["DBInstanceArn"]

    # Cross-region replica, source given by ARN. moto resolves
    # DBSubnetGroupName in the *source* region, so passing dr-db-subnets here
    # fails (DBSubnetGroupNotFound); the subnet group is set by a
    # ModifyDBInstance in the DR region right after. The parameter group and AZ
    # must be explicit, otherwise the replica keeps the source's us-east-1 ones.
    rds_dr = clients("rds", DR)
    instances["prod-postgres-dr"] = rds_dr.create_db_instance_read_replica(
        DBInstanceIdentifier="prod-postgres-dr",
        SourceDBInstanceIdentifier=instances["prod-postgres"],
        # boto3 turns SourceRegion into a locally signed PreSignedUrl, which AWS
        # requires for encrypted cross-region replicas; moto ignores it.
        SourceRegion=PRIMARY,
        AvailabilityZone="eu-west-1a",
        MultiAZ=False,
        KmsKeyId=kms_keys["dr-key"],
        DBParameterGroupName="dr-postgres16",
        VpcSecurityGroupIds=[dr_security_groups["dr-db-sg"]],
        Tags=rds_tags(Environment="prod", Name="prod-postgres-dr"),
    )["DBInstance"]["DBInstanceArn"]
    rds_dr.modify_db_instance(
        DBInstanceIdentifier="prod-postgres-dr",
        DBSubnetGroupName="dr-db-subnets",
        ApplyImmediately=True,
    )

    return instances


def build_aurora(rds, security_groups, kms_keys):
    cluster_arn = rds.create_db_cluster(
        DBClusterIdentifier="prod-aurora",
        Engine="aurora-postgresql",
        EngineVersion=AURORA_POSTGRES_VERSION,
        MasterUsername=MASTER_USERNAME,
        ManageMasterUserPassword=True,
        # Without an explicit key, moto resolves alias/aws/secretsmanager by
        # creating an unaliased key reported as KeyManager=CUSTOMER with
        # rotation off, which would look like a stray customer key.
        MasterUserSecretKmsKeyId=kms_keys["prod-key"],
        StorageEncrypted=True,
        KmsKeyId=kms_keys["prod-key"],
        DBSubnetGroupName="private-db-subnets",
        VpcSecurityGroupIds=[security_groups["db-restricted-sg"]],
        DBClusterParameterGroupName="prod-aurora-pg16",
        BackupRetentionPeriod=14,
        DeletionProtection=True,
        EnableIAMDatabaseAuthentication=True,
        Tags=rds_tags(Environment="prod", Name="prod-aurora"),
    )["DBCluster"]["DBClusterArn"]

    instance_arns = {
        name: rds.create_db_instance(
            DBInstanceIdentifier=name,
            DBClusterIdentifier="prod-aurora",
            Engine="aurora-postgresql",
            DBInstanceClass="db.r6g.large",
            AvailabilityZone=az,
            # Must match the cluster's; moto omits DBSubnetGroup from a member
            # instance's description unless it is given here.
            DBSubnetGroupName="private-db-subnets",
            PubliclyAccessible=False,
            Tags=rds_tags(Environment="prod", Name=name),
        )["DBInstance"]["DBInstanceArn"]
        for name, az in [("prod-aurora-1", "us-east-1a"), ("prod-aurora-2", "us-east-1b")]
    }
    return cluster_arn, instance_arns


def build_global_cluster(rds, cluster_arn):
    """prod-aurora as the only cluster of a global database: membership alone is no
    cross-region copy. moto reports the member as not the writer, and the cluster's
    GlobalClusterIdentifier as the global cluster's ARN."""
    return rds.create_global_cluster(
        GlobalClusterIdentifier="prod-global",
        SourceDBClusterIdentifier=cluster_arn,
    )["GlobalCluster"]["GlobalClusterArn"]


def build_non_rds_cluster(rds, security_groups):
    """A graph-database cluster created through the RDS API: real RDS lists
    DocumentDB and Neptune clusters/instances in its describes, and
    rds-evidence must leave them out.

    moto 5.2 rejects Engine=docdb on CreateDBCluster/CreateDBInstance (no
    DocumentDB support at all), so this uses Neptune, the other non-RDS engine
    served by the RDS API, which moto accepts.
    """
    cluster_arn = rds.create_db_cluster(
        DBClusterIdentifier="legacy-neptune",
        Engine="neptune",
        DBSubnetGroupName="private-db-subnets",
        VpcSecurityGroupIds=[security_groups["db-restricted-sg"]],
        Tags=rds_tags(Environment="legacy"),
    )["DBCluster"]["DBClusterArn"]
    instance_arn = rds.create_db_instance(
        DBInstanceIdentifier="legacy-neptune-1",
        DBClusterIdentifier="legacy-neptune",
        Engine="neptune",
        DBInstanceClass="db.r5.large",
        Tags=rds_tags(Environment="legacy"),
    )["DBInstance"]["DBInstanceArn"]
    return cluster_arn, instance_arn


def build_snapshots(rds):
    def snapshot(snapshot_id, instance_id, environment):
        return rds.create_db_snapshot(
            DBSnapshotIdentifier=snapshot_id,
            DBInstanceIdentifier=instance_id,
            Tags=rds_tags(Environment=environment),
        )["DBSnapshot"]["DBSnapshotArn"]

    def share(snapshot_id, accounts):
        rds.modify_db_snapshot_attribute(
            DBSnapshotIdentifier=snapshot_id, AttributeName="restore", ValuesToAdd=accounts
        )

    snapshots = {
        "dev-mysql-public-snap": snapshot("dev-mysql-public-snap", "dev-mysql", "dev"),
        "prod-postgres-manual-snap": snapshot("prod-postgres-manual-snap", "prod-postgres", "prod"),
        "prod-postgres-shared-snap": snapshot("prod-postgres-shared-snap", "prod-postgres", "prod"),
    }
    share("dev-mysql-public-snap", ["all"])
    share("prod-postgres-shared-snap", [SHARED_WITH_ACCOUNT])

    cluster_snapshots = {
        "prod-aurora-manual-snap": rds.create_db_cluster_snapshot(
            DBClusterSnapshotIdentifier="prod-aurora-manual-snap",
            DBClusterIdentifier="prod-aurora",
            Tags=rds_tags(Environment="prod"),
        )["DBClusterSnapshot"]["DBClusterSnapshotArn"],
    }
    return snapshots, cluster_snapshots


def build_event_subscription(rds, topic_arn):
    return rds.create_event_subscription(
        SubscriptionName="db-events",
        SnsTopicArn=topic_arn,
        SourceType="db-instance",
        EventCategories=["failure", "failover", "maintenance"],
        Enabled=True,
    )["EventSubscription"]["EventSubscriptionArn"]


# --------------------------------------------------------------------------


def build(clients):
    account_id = clients("sts").get_caller_identity()["Account"]

    net = build_primary_network(clients("ec2"))
    security_groups = build_primary_security_groups(clients("ec2"), net["vpc_id"])
    dr_net = build_dr_network(clients("ec2", DR))

    monitoring_role_arn = create_monitoring_role(clients("iam"))
    kms_keys = build_kms_keys(clients, account_id)
    topic_arn = clients("sns").create_topic(Name="db-alerts")["TopicArn"]

    rds = clients("rds")
    build_rds_groups(clients, net, dr_net)
    instances = build_instances(
        clients, security_groups, dr_net["security_groups"], kms_keys, monitoring_role_arn
    )
    aurora_arn, aurora_instances = build_aurora(rds, security_groups, kms_keys)
    global_arn = build_global_cluster(rds, aurora_arn)
    neptune_arn, neptune_instance = build_non_rds_cluster(rds, security_groups)
    snapshots, cluster_snapshots = build_snapshots(rds)
    subscription_arn = build_event_subscription(rds, topic_arn)

    estate = {
        "account_id": account_id,
        "primary_region": PRIMARY,
        "dr_region": DR,
        "vpcs": {"demo-vpc": net["vpc_id"], "dr-vpc": dr_net["vpc_id"]},
        "internet_gateway_id": net["internet_gateway_id"],
        "nat_gateway_id": net["nat_gateway_id"],
        "nat_eip_allocation_id": net["nat_eip_allocation_id"],
        "subnets": {**net["subnets"], **dr_net["subnets"]},
        "route_tables": net["route_tables"],
        "network_acls": net["network_acls"],
        "security_groups": {**security_groups, **dr_net["security_groups"]},
        "kms_keys": kms_keys,
        "kms_aliases": {
            "alias/prod-db": "prod-key", "alias/dev-db": "dev-key", "alias/dr-db": "dr-key",
        },
        "iam_roles": {"rds-monitoring-role": monitoring_role_arn},
        "sns_topics": {"db-alerts": topic_arn},
        "db_subnet_groups": {
            PRIMARY: ["private-db-subnets", "public-db-subnets"], DR: ["dr-db-subnets"],
        },
        "db_parameter_groups": {
            PRIMARY: ["prod-postgres16", "dev-mysql8"], DR: ["dr-postgres16"],
        },
        "db_cluster_parameter_groups": {PRIMARY: ["prod-aurora-pg16"]},
        "option_groups": {PRIMARY: {"dev-mysql-audit": "dev-mysql"}},
        "global_clusters": {"prod-global": global_arn},
        "db_instances": {**instances, **aurora_instances},
        "db_clusters": {"prod-aurora": aurora_arn},
        "excluded_non_rds": {
            "db_clusters": {"legacy-neptune": neptune_arn},
            "db_instances": {"legacy-neptune-1": neptune_instance},
        },
        "db_snapshots": snapshots,
        "db_cluster_snapshots": cluster_snapshots,
        "event_subscriptions": {"db-events": subscription_arn},
        "master_username": MASTER_USERNAME,
    }
    # What surrounds the databases, each part in its own module.
    for part in (estate_governance, estate_iam, estate_services):
        estate.update(part.build(clients, account_id, estate))
    return estate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--endpoint-url", required=True, help="moto server URL, e.g. http://127.0.0.1:5000"
    )
    args = parser.parse_args()
    isolate_from_caller_aws_config()
    try:
        summary = build(Clients(args.endpoint_url))
    except (ClientError, BotoCoreError) as err:
        print(f"build_estate: failed against {args.endpoint_url}: {err}", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
