#!/usr/bin/env python3
"""Build a synthetic RDS fleet in a running moto server, for scale tests and benchmarks.

Usage:
    python build_fleet.py --endpoint-url http://127.0.0.1:PORT \\
        [--instances 50] [--regions us-east-1,eu-west-1] [--workers 8] [--unrelated 0]

Each region gets one VPC with three private subnets in three AZs, a DB subnet
group, an application and a database security group (the latter open on
5432/3306 to the former only), a prod and a dev customer-managed KMS key with
aliases, five custom DB parameter groups and one Aurora PostgreSQL cluster
parameter group. The --instances DB instances are split evenly over the
regions: standalone PostgreSQL, MySQL and MariaDB instances, every tenth slot
an Aurora PostgreSQL or Aurora MySQL cluster with two member instances, every
fifteenth standalone instance with a same-region read replica. Cluster
members and replicas count toward --instances. Environment tags alternate
prod/dev; about a fifth of the databases are unencrypted; about a tenth of
the standalone primaries have one manual snapshot, the first of them per
region shared publicly and every fifth one shared with another account.
Names and settings depend only on the arguments: identifiers look like
fleet-use1-postgres-0004. --unrelated N adds, per region, N secrets and N
CloudFormation stacks that have nothing to do with the databases (an
application's), which a collector must not pay for.

moto caps the DB snapshots of a region at MOTO_RDS_SNAPSHOT_LIMIT (default
1000), and every created instance except a read replica comes with an
automated snapshot. Beyond about 900 instances per region, start the server
with the limit raised, e.g.
    MOTO_RDS_SNAPSHOT_LIMIT=100000 moto_server -H 127.0.0.1 -p PORT

Only the given endpoint is ever contacted, with static fake credentials; the
caller's AWS configuration (profiles, credential files, proxies, endpoint
overrides) is ignored. On success one JSON object with the counts per region
and in total is printed on stdout; on failure a message goes to stderr and
the exit status is 1. The script expects a fresh moto server (it is not
idempotent).
"""

import argparse
import json
import re
import sys
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from emulator_clients import Clients, isolate_from_caller_aws_config

MASTER_USERNAME = "dbadmin"
# rds-evidence output must never contain this value.
MASTER_PASSWORD = "Fleet-Passw0rd-Do-Not-Leak!"
SHARED_WITH_ACCOUNT = "111122223333"

ENGINE_VERSIONS = {
    "postgres": "16.4",
    "mysql": "8.0.39",
    "mariadb": "10.11.9",
    "aurora-postgresql": "16.4",
    "aurora-mysql": "8.0.mysql_aurora.3.05.2",
}
STANDALONE_ENGINES = ["postgres", "mysql", "mariadb"]
AURORA_ENGINES = ["aurora-postgresql", "aurora-mysql"]

# name -> (family, parameters)
PARAMETER_GROUPS = {
    "fleet-postgres16-prod": ("postgres16", {"rds.force_ssl": "1"}),
    "fleet-postgres16-dev": ("postgres16", {"rds.force_ssl": "0"}),
    "fleet-mysql80-prod": ("mysql8.0", {"require_secure_transport": "1"}),
    "fleet-mysql80-dev": ("mysql8.0", {"require_secure_transport": "0"}),
    "fleet-mariadb1011": ("mariadb10.11", {"require_secure_transport": "1"}),
}
CLUSTER_PARAMETER_GROUPS = {
    "fleet-aurora-postgresql16": ("aurora-postgresql16", {"rds.force_ssl": "1"}),
}
SUBNET_GROUP = "fleet-db-subnets"

DIRECTIONS = {
    "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}
REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
IDENTIFIER_PATTERN = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$")


class FleetError(Exception):
    pass


def ec2_tags(resource_type, name, **extra):
    tags = [{"Key": "Name", "Value": name}]
    tags += [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": resource_type, "Tags": tags}]


def rds_tags(**tags):
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def region_short(region):
    """us-east-1 -> use1, ap-southeast-2 -> apse2, us-gov-west-1 -> usgovw1."""
    parts = region.split("-")
    return parts[0] + "".join(DIRECTIONS.get(p, p) for p in parts[1:-1]) + parts[-1]


def identifier(*parts):
    name = "-".join(parts)
    if not IDENTIFIER_PATTERN.match(name):
        raise FleetError(f"invalid RDS identifier {name!r}")
    return name


# --------------------------------------------------------------------------
# Plan: pure index arithmetic, so the same arguments give the same fleet
# --------------------------------------------------------------------------


def split_evenly(total, regions):
    base, extra = divmod(total, len(regions))
    return {region: base + (1 if i < extra else 0) for i, region in enumerate(regions)}


def plan_region(region, count):
    """Slots of one region: each a standalone primary (with an optional read
    replica and manual snapshot) or an Aurora cluster with two members."""
    short = region_short(region)
    slots = []
    remaining, slot, standalone, aurora, snapshots = count, 0, 0, 0, 0
    while remaining > 0:
        index = f"{slot:04d}"
        if slot % 10 == 9 and remaining >= 2:
            engine = AURORA_ENGINES[aurora % 2]
            environment = "prod" if (aurora // 2) % 2 == 0 else "dev"
            cluster_id = identifier("fleet", short, engine, index)
            slots.append({
                "kind": "aurora",
                "engine": engine,
                "environment": environment,
                "cluster_id": cluster_id,
                "members": [identifier(cluster_id, "1"), identifier(cluster_id, "2")],
                "encrypted": aurora % 5 != 3,
                "backup_retention": 1 + (aurora * 5 + 6) % 14,
                "cluster_parameter_group": (
                    "fleet-aurora-postgresql16" if engine == "aurora-postgresql" else None
                ),
            })
            remaining -= 2
            aurora += 1
        else:
            s = standalone
            engine = STANDALONE_ENGINES[(s + s // 3) % 3]
            environment = "prod" if s % 2 == 0 else "dev"
            instance_id = identifier("fleet", short, engine, index)
            remaining -= 1
            replica = s % 15 == 14 and remaining >= 1
            if replica:
                remaining -= 1
            snapshot = None
            if s % 20 in (3, 14):
                if snapshots == 0:
                    share = ["all"]
                elif snapshots % 5 == 1:
                    share = [SHARED_WITH_ACCOUNT]
                else:
                    share = []
                snapshot = {"id": identifier(instance_id, "manual"), "share": share}
                snapshots += 1
            slots.append({
                "kind": "standalone",
                "engine": engine,
                "environment": environment,
                "instance_id": instance_id,
                "replica_id": identifier(instance_id, "replica") if replica else None,
                "snapshot": snapshot,
                "encrypted": s % 5 != 3,
                "multi_az": environment == "prod" and s % 4 == 0,
                "backup_retention": 1 + (s * 5) % 14,
                "allocated_storage": 20 + (s % 5) * 20,
                "parameter_group": parameter_group_for(engine, environment),
            })
            standalone += 1
        slot += 1
    return slots


def parameter_group_for(engine, environment):
    if engine == "postgres":
        return f"fleet-postgres16-{environment}"
    if engine == "mysql":
        return f"fleet-mysql80-{environment}"
    return "fleet-mariadb1011"


# --------------------------------------------------------------------------
# Per-region infrastructure
# --------------------------------------------------------------------------


def build_network(ec2, region, region_index):
    """fleet-vpc: three private subnets in the region's first three AZs, and
    the two security groups."""
    zones = sorted(
        z["ZoneName"]
        for z in ec2.describe_availability_zones()["AvailabilityZones"]
        if z.get("ZoneType", "availability-zone") == "availability-zone"
    )
    if len(zones) < 3:
        raise FleetError(f"{region} has fewer than three availability zones")
    octet = 10 + region_index
    vpc_id = ec2.create_vpc(
        CidrBlock=f"10.{octet}.0.0/16",
        TagSpecifications=ec2_tags("vpc", "fleet-vpc"),
    )["Vpc"]["VpcId"]
    subnet_ids = [
        ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=f"10.{octet}.{10 + i}.0/24",
            AvailabilityZone=az,
            TagSpecifications=ec2_tags("subnet", f"fleet-private-{az[-1]}"),
        )["Subnet"]["SubnetId"]
        for i, az in enumerate(zones[:3])
    ]

    def create_sg(name, description):
        return ec2.create_security_group(
            GroupName=name,
            Description=description,
            VpcId=vpc_id,
            TagSpecifications=ec2_tags("security-group", name),
        )["GroupId"]

    app_sg = create_sg("fleet-app-sg", "Application tier")
    db_sg = create_sg("fleet-db-sg", "PostgreSQL and MySQL from the application tier only")
    ec2.authorize_security_group_ingress(
        GroupId=db_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                "UserIdGroupPairs": [{"GroupId": app_sg, "Description": "from fleet-app-sg"}],
            }
            for port in (5432, 3306)
        ],
    )
    return {
        "vpc_id": vpc_id,
        "availability_zones": zones[:3],
        "subnet_ids": subnet_ids,
        "security_groups": {"fleet-app-sg": app_sg, "fleet-db-sg": db_sg},
    }


def build_kms_keys(kms):
    keys = {}
    for environment in ("prod", "dev"):
        key = kms.create_key(
            Description=f"fleet {environment} key (RDS storage encryption)",
            KeyUsage="ENCRYPT_DECRYPT",
            KeySpec="SYMMETRIC_DEFAULT",
            Tags=[{"TagKey": "Environment", "TagValue": environment}],
        )["KeyMetadata"]
        kms.create_alias(AliasName=f"alias/fleet-{environment}", TargetKeyId=key["KeyId"])
        if environment == "prod":
            kms.enable_key_rotation(KeyId=key["KeyId"])
        keys[environment] = key["Arn"]
    return keys


def build_rds_groups(rds, subnet_ids):
    rds.create_db_subnet_group(
        DBSubnetGroupName=SUBNET_GROUP,
        DBSubnetGroupDescription="Private subnets for the fleet",
        SubnetIds=subnet_ids,
        Tags=rds_tags(Name=SUBNET_GROUP),
    )
    for name, (family, parameters) in PARAMETER_GROUPS.items():
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
    for name, (family, parameters) in CLUSTER_PARAMETER_GROUPS.items():
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


def build_region(clients, region, region_index):
    net = build_network(clients("ec2", region), region, region_index)
    kms_keys = build_kms_keys(clients("kms", region))
    build_rds_groups(clients("rds", region), net["subnet_ids"])
    return {**net, "kms_keys": kms_keys}


# --------------------------------------------------------------------------
# Databases, built by the worker pool in phases
#
# moto is not thread-safe: some requests walk all instances or all snapshots
# of a region, and fail with HTTP 500 (sometimes after storing what they
# created, so they cannot simply be retried) when another thread adds one
# meanwhile. Describing an Aurora cluster walks the instances (CreateDBCluster
# and a member's CreateDBInstance do), so does CreateDBInstanceReadReplica
# looking up its source; ModifyDBSnapshotAttribute walks the snapshots (every
# CreateDBInstance adds an automated one). So each region's clusters are built
# one call at a time before any other instance, its replicas one at a time
# after all primaries, and snapshots are shared once every snapshot exists.
# --------------------------------------------------------------------------


def build_clusters(clients, region, slots, infra):
    for slot in slots:
        task(clients, region, slot["cluster_id"], build_aurora, slot, infra)


def build_aurora(rds, slot, infra):
    environment = slot["environment"]
    encryption = (
        {"StorageEncrypted": True, "KmsKeyId": infra["kms_keys"][environment]}
        if slot["encrypted"] else {"StorageEncrypted": False}
    )
    parameter_group = (
        {"DBClusterParameterGroupName": slot["cluster_parameter_group"]}
        if slot["cluster_parameter_group"] else {}
    )
    rds.create_db_cluster(
        DBClusterIdentifier=slot["cluster_id"],
        Engine=slot["engine"],
        EngineVersion=ENGINE_VERSIONS[slot["engine"]],
        MasterUsername=MASTER_USERNAME,
        MasterUserPassword=MASTER_PASSWORD,
        DBSubnetGroupName=SUBNET_GROUP,
        VpcSecurityGroupIds=[infra["security_groups"]["fleet-db-sg"]],
        BackupRetentionPeriod=slot["backup_retention"],
        DeletionProtection=environment == "prod",
        Tags=rds_tags(Environment=environment, Name=slot["cluster_id"]),
        **encryption,
        **parameter_group,
    )
    for member, az in zip(slot["members"], infra["availability_zones"]):
        rds.create_db_instance(
            DBInstanceIdentifier=member,
            DBClusterIdentifier=slot["cluster_id"],
            Engine=slot["engine"],
            DBInstanceClass="db.r6g.large",
            AvailabilityZone=az,
            # Must match the cluster's; moto omits DBSubnetGroup from a member
            # instance's description unless it is given here.
            DBSubnetGroupName=SUBNET_GROUP,
            PubliclyAccessible=False,
            Tags=rds_tags(Environment=environment, Name=member),
        )


def build_standalone(rds, slot, infra):
    """The primary, then its manual snapshot if any."""
    environment = slot["environment"]
    encryption = (
        {"StorageEncrypted": True, "KmsKeyId": infra["kms_keys"][environment]}
        if slot["encrypted"] else {"StorageEncrypted": False}
    )
    rds.create_db_instance(
        DBInstanceIdentifier=slot["instance_id"],
        Engine=slot["engine"],
        EngineVersion=ENGINE_VERSIONS[slot["engine"]],
        DBInstanceClass="db.m6g.large" if environment == "prod" else "db.t4g.medium",
        AllocatedStorage=slot["allocated_storage"],
        StorageType="gp3",
        MultiAZ=slot["multi_az"],
        MasterUsername=MASTER_USERNAME,
        MasterUserPassword=MASTER_PASSWORD,
        DBSubnetGroupName=SUBNET_GROUP,
        VpcSecurityGroupIds=[infra["security_groups"]["fleet-db-sg"]],
        DBParameterGroupName=slot["parameter_group"],
        BackupRetentionPeriod=slot["backup_retention"],
        DeletionProtection=environment == "prod",
        PubliclyAccessible=False,
        Tags=rds_tags(Environment=environment, Name=slot["instance_id"]),
        **encryption,
    )
    if slot["snapshot"]:
        rds.create_db_snapshot(
            DBSnapshotIdentifier=slot["snapshot"]["id"],
            DBInstanceIdentifier=slot["instance_id"],
            Tags=rds_tags(Environment=environment),
        )


def build_replicas(clients, region, slots):
    for slot in slots:
        task(clients, region, slot["replica_id"], build_replica, slot)


def build_replica(rds, slot):
    # moto builds a replica as a copy of its source, so Multi-AZ and other
    # settings are inherited unless given; MultiAZ=False is AWS's default.
    rds.create_db_instance_read_replica(
        DBInstanceIdentifier=slot["replica_id"],
        SourceDBInstanceIdentifier=slot["instance_id"],
        MultiAZ=False,
        Tags=rds_tags(Environment=slot["environment"], Name=slot["replica_id"]),
    )


def share_snapshot(rds, snapshot):
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier=snapshot["id"],
        AttributeName="restore",
        ValuesToAdd=snapshot["share"],
    )


def task(clients, region, name, function, *args):
    """Call function(rds, *args); on failure, say which resource failed."""
    try:
        function(clients("rds", region), *args)
    except (ClientError, BotoCoreError, ResponseParserError) as err:
        detail = str(err)
        if isinstance(err, ResponseParserError):
            detail = "moto answered an HTML error page (HTTP 500), see the server's log"
        elif isinstance(err, ClientError) and (
            err.response.get("Error", {}).get("Code") == "SnapshotQuotaExceeded"
        ):
            detail += " (restart moto with MOTO_RDS_SNAPSHOT_LIMIT raised)"
        raise FleetError(f"{region} {name}: {detail}") from err


def run_all(pool, calls):
    """Run (function, *args) calls on the pool; stop at the first failure."""
    futures = [pool.submit(*call) for call in calls]
    _, pending = wait(futures, return_when=FIRST_EXCEPTION)
    for future in pending:
        future.cancel()
    for future in futures:
        if future.done() and not future.cancelled() and future.exception():
            raise future.exception()
    return [future.result() for future in futures]


# --------------------------------------------------------------------------


def summarize(region, slots, infra):
    standalone = [s for s in slots if s["kind"] == "standalone"]
    aurora = [s for s in slots if s["kind"] == "aurora"]
    snapshots = [s["snapshot"] for s in standalone if s["snapshot"]]
    engines = {}
    for s in standalone:
        engines[s["engine"]] = engines.get(s["engine"], 0) + (2 if s["replica_id"] else 1)
    for s in aurora:
        engines[s["engine"]] = engines.get(s["engine"], 0) + len(s["members"])
    return {
        "db_instances": sum(engines.values()),
        "standalone_primaries": len(standalone),
        "read_replicas": sum(1 for s in standalone if s["replica_id"]),
        "db_clusters": len(aurora),
        "cluster_members": sum(len(s["members"]) for s in aurora),
        "db_instances_by_engine": dict(sorted(engines.items())),
        "unencrypted_db_instances": sum(
            (2 if s["replica_id"] else 1) for s in standalone if not s["encrypted"]
        ) + sum(len(s["members"]) for s in aurora if not s["encrypted"]),
        "manual_db_snapshots": len(snapshots),
        "snapshots_shared_with_account": sum(
            1 for s in snapshots if SHARED_WITH_ACCOUNT in s["share"]
        ),
        "snapshots_shared_publicly": sum(1 for s in snapshots if "all" in s["share"]),
        "db_parameter_groups": len(PARAMETER_GROUPS),
        "db_cluster_parameter_groups": len(CLUSTER_PARAMETER_GROUPS),
        "db_subnet_groups": 1,
        "kms_keys": infra["kms_keys"],
        "vpc_id": infra["vpc_id"],
        "security_groups": infra["security_groups"],
        "name_prefix": f"fleet-{region_short(region)}-",
    }


def build_unrelated(clients, region, count):
    """`count` application secrets and stacks of one region: nothing a database uses."""
    secrets = clients("secretsmanager", region)
    cfn = clients("cloudformation", region)
    queue = json.dumps({"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {}}}})
    for index in range(count):
        secrets.create_secret(
            Name=f"app/unrelated-{index:04d}",
            SecretString="not-a-database-secret",
            Tags=[{"Key": "team", "Value": "apps"}],
        )
        cfn.create_stack(StackName=f"app-unrelated-{index:04d}", TemplateBody=queue)


def build(clients, instances, regions, workers, unrelated=0):
    counts = split_evenly(instances, regions)
    plans = {region: plan_region(region, counts[region]) for region in regions}
    aurora = {r: [s for s in plans[r] if s["kind"] == "aurora"] for r in regions}
    standalone = {r: [s for s in plans[r] if s["kind"] == "standalone"] for r in regions}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        infras = dict(zip(regions, run_all(pool, [
            (build_region, clients, region, i) for i, region in enumerate(regions)
        ])))
        run_all(pool, [(build_unrelated, clients, region, unrelated) for region in regions])
        run_all(pool, [
            (build_clusters, clients, region, aurora[region], infras[region])
            for region in regions
        ])
        run_all(pool, [
            (task, clients, region, slot["instance_id"], build_standalone, slot, infras[region])
            for region in regions
            for slot in standalone[region]
        ])
        run_all(pool, [
            (build_replicas, clients, region, [s for s in standalone[region] if s["replica_id"]])
            for region in regions
        ])
        run_all(pool, [
            (task, clients, region, slot["snapshot"]["id"], share_snapshot, slot["snapshot"])
            for region in regions
            for slot in standalone[region]
            if slot["snapshot"] and slot["snapshot"]["share"]
        ])

    per_region = {
        region: summarize(region, plans[region], infras[region]) for region in regions
    }
    total = {
        key: sum(r[key] for r in per_region.values())
        for key in (
            "db_instances", "standalone_primaries", "read_replicas", "db_clusters",
            "cluster_members", "unencrypted_db_instances", "manual_db_snapshots",
            "snapshots_shared_with_account", "snapshots_shared_publicly",
            "db_parameter_groups", "db_cluster_parameter_groups", "db_subnet_groups",
        )
    }
    return {
        "instances_requested": instances,
        "regions": per_region,
        "total": total,
        "master_username": MASTER_USERNAME,
        "shared_with_account": SHARED_WITH_ACCOUNT,
    }


def parse_args():
    def positive(text):
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
        return value

    def region_list(text):
        regions = [r.strip() for r in text.split(",") if r.strip()]
        bad = [r for r in regions if not REGION_PATTERN.match(r)]
        if not regions or bad:
            raise argparse.ArgumentTypeError(f"not a region name: {', '.join(bad) or text!r}")
        if len(set(regions)) != len(regions):
            raise argparse.ArgumentTypeError(f"duplicate region in {text!r}")
        return regions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--endpoint-url", required=True, help="moto server URL, e.g. http://127.0.0.1:5000"
    )
    parser.add_argument(
        "--instances", type=positive, default=50,
        help="DB instances in total, over all regions (default 50)",
    )
    parser.add_argument(
        "--regions", type=region_list, default=["us-east-1", "eu-west-1"],
        help="comma-separated regions (default us-east-1,eu-west-1)",
    )
    parser.add_argument(
        "--workers", type=positive, default=8, help="parallel API calls (default 8)"
    )
    parser.add_argument(
        "--unrelated", type=int, default=0,
        help="secrets and stacks per region that no database uses (default 0)",
    )
    return parser.parse_args()


def main():
    args = parse_args()
    isolate_from_caller_aws_config()
    try:
        summary = build(
            Clients(args.endpoint_url, args.workers), args.instances, args.regions, args.workers,
            args.unrelated,
        )
    except (ClientError, BotoCoreError, ResponseParserError, FleetError) as err:
        message = " ".join(str(err).split())
        print(f"build_fleet: failed against {args.endpoint_url}: {message}", file=sys.stderr)
        return 1
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
