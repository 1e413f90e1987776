"""Around the databases of the synthetic account: secrets, AWS Backup, auto scaling,
CloudFormation, alarms and metrics, log groups, DMS, CloudTrail and its bucket, IAM and the
account's contacts, and the RDS changes CloudTrail recorded. Values in AWS API shapes, like
`estate`."""

import base64
import datetime
import json
import random

from estate import (
    ACCOUNT, CLUSTERS, DEV, DEV_KEY, DR, DR_KEY, DRNET, HOME, INSTANCES, NOW, PROD, PROD_KEY,
    REGIONS, ago, arn, hexid, tags, uuid,
)

# ---------------------------------------------------------------------------------------------
# Secrets: RDS manages every master password and rotates it every seven days.
# ---------------------------------------------------------------------------------------------


def _managed_secrets(region):
    resources = [(c["DBClusterArn"], c.get("MasterUserSecret")) for c in CLUSTERS[region]]
    resources += [(i["DBInstanceArn"], i.get("MasterUserSecret")) for i in INSTANCES[region]]
    secrets = []
    for resource_arn, secret in resources:
        if not secret:
            continue
        name = secret["SecretArn"].split(":secret:")[1].rsplit("-", 1)[0]
        primary = "aws:rds:primaryDBClusterArn" if ":cluster:" in resource_arn else "aws:rds:primaryDBInstanceArn"
        secrets.append(
            {
                "ARN": secret["SecretArn"],
                "Name": name,
                "Description": f"Secret associated with primary RDS DB {resource_arn.rsplit(':', 1)[1]}.",
                "KmsKeyId": secret["KmsKeyId"],
                "RotationEnabled": True,
                "RotationRules": {"AutomaticallyAfterDays": 7},
                "LastRotatedDate": ago(days=2, hours=5),
                "LastChangedDate": ago(days=2, hours=5),
                "LastAccessedDate": ago(days=1),
                "NextRotationDate": ago(days=-5),
                "Tags": [{"Key": primary, "Value": resource_arn}],
                "SecretVersionsToStages": {uuid(resource_arn, "current"): ["AWSCURRENT"]},
                "OwningService": "rds",
                "CreatedDate": ago(days=600),
                "PrimaryRegion": region,
            }
        )
    return secrets


SECRETS = {region: _managed_secrets(region) for region in REGIONS}

# The BI tools' own login to the reporting database, made by hand and named after it; a
# rotation Lambda changes it monthly. No RDS tag marks it: the collector finds it by name.
SECRETS[HOME].append(
    {
        "ARN": arn("secretsmanager", HOME, f"secret:reporting/bi-readonly-{hexid('bi-readonly', length=6)}"),
        "Name": "reporting/bi-readonly",
        "Description": "Read-only login of the BI tools to the reporting database",
        "KmsKeyId": PROD_KEY.arn,
        "RotationEnabled": True,
        "RotationLambdaARN": arn("lambda", HOME, "function:shop-secret-rotation-mysql"),
        "RotationRules": {"AutomaticallyAfterDays": 30},
        "LastRotatedDate": ago(days=12, hours=3),
        "LastChangedDate": ago(days=12, hours=3),
        "LastAccessedDate": ago(days=1),
        "NextRotationDate": ago(days=-18),
        "Tags": tags({"Team": "data-analytics"}),
        "SecretVersionsToStages": {uuid("bi-readonly", "current"): ["AWSCURRENT"]},
        "CreatedDate": ago(days=200),
        "PrimaryRegion": HOME,
    }
)

# ---------------------------------------------------------------------------------------------
# AWS Backup: a daily and a monthly plan for production in each region, us-east-1's copied to
# us-west-2, into locked vaults under the environment's key.
# ---------------------------------------------------------------------------------------------

PLAN = "shop-production"
SERVICE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole"


def _rule(name, schedule, keep_days, region, copy_to):
    return {
        "RuleName": name,
        "TargetBackupVaultName": f"{PLAN}-{region}",
        "ScheduleExpression": schedule,
        "StartWindowMinutes": 60,
        "CompletionWindowMinutes": 480,
        "Lifecycle": {"DeleteAfterDays": keep_days},
        "RuleId": uuid(region, "rule", name),
        "CopyActions": [
            {
                "Lifecycle": {"DeleteAfterDays": keep_days},
                "DestinationBackupVaultArn": arn("backup", target, f"backup-vault:{PLAN}-{target}"),
            }
            for target in copy_to
        ],
        "EnableContinuousBackup": False,
        "ScheduleExpressionTimezone": "Etc/UTC",
    }


def _backup(region, key, copy_to):
    plan_id = uuid(region, "backup", PLAN)
    selection_id = uuid(region, "backup", PLAN, "selection")
    listed = {
        "BackupPlanArn": arn("backup", region, f"backup-plan:{plan_id}"),
        "BackupPlanId": plan_id,
        "BackupPlanName": PLAN,
        "CreationDate": ago(days=600),
        "LastExecutionDate": ago(hours=5),
        "VersionId": base64.b64encode(uuid(region, "plan-version").encode()).decode()[:48],
    }
    protected = [
        (cluster["DBClusterArn"], cluster["DBClusterIdentifier"], "Aurora")
        for cluster in CLUSTERS[region]
    ] + [
        (instance["DBInstanceArn"], instance["DBInstanceIdentifier"], "RDS")
        for instance in INSTANCES[region]
        if "DBClusterIdentifier" not in instance
        and "ReadReplicaSourceDBInstanceIdentifier" not in instance
        and {"Key": "Environment", "Value": "production"} in instance["TagList"]
    ]
    return {
        "plans": [listed],
        "plan": {
            "BackupPlan": {
                "BackupPlanName": PLAN,
                "Rules": [
                    _rule("daily-35-days", "cron(0 5 ? * * *)", 35, region, copy_to),
                    _rule("monthly-1-year", "cron(0 6 1 * ? *)", 365, region, []),
                ],
            },
            **{k: v for k, v in listed.items() if k != "BackupPlanName"},
        },
        "selections": [
            {
                "SelectionId": selection_id,
                "SelectionName": "production-databases",
                "BackupPlanId": plan_id,
                "CreationDate": ago(days=600),
                "IamRoleArn": SERVICE_ROLE,
            }
        ],
        "selection": {
            "BackupSelection": {
                "SelectionName": "production-databases",
                "IamRoleArn": SERVICE_ROLE,
                "Resources": ["arn:aws:rds:*:*:db:*", "arn:aws:rds:*:*:cluster:*"],
                "ListOfTags": [],
                "NotResources": [],
                "Conditions": {
                    "StringEquals": [{"ConditionKey": "aws:ResourceTag/Environment", "ConditionValue": "production"}],
                    "StringLike": [],
                    "StringNotEquals": [],
                    "StringNotLike": [],
                },
            },
            "SelectionId": selection_id,
            "BackupPlanId": plan_id,
            "CreationDate": ago(days=600),
        },
        "vaults": [
            {
                "BackupVaultName": f"{PLAN}-{region}",
                "BackupVaultArn": arn("backup", region, f"backup-vault:{PLAN}-{region}"),
                "VaultType": "BACKUP_VAULT",
                "CreationDate": ago(days=600),
                "EncryptionKeyArn": key.arn,
                "NumberOfRecoveryPoints": 24 * len(protected) + 12,
                "Locked": True,
                "MinRetentionDays": 7,
                "MaxRetentionDays": 400,
                "LockDate": ago(days=590),
                "EncryptionKeyType": "CUSTOMER_MANAGED_KMS_KEY",
            }
        ],
        "protected": [
            {
                "ResourceArn": resource_arn,
                "ResourceType": kind,
                "ResourceName": name,
                "LastBackupTime": ago(hours=4, minutes=20),
                "LastBackupVaultArn": arn("backup", region, f"backup-vault:{PLAN}-{region}"),
                "LastRecoveryPointArn": arn("rds", region, f"snapshot:awsbackup:job-{uuid(resource_arn, 'job')}"),
            }
            for resource_arn, name, kind in protected
        ],
    }


BACKUP = {HOME: _backup(HOME, PROD_KEY, [DR]), DR: _backup(DR, DR_KEY, [])}

# DescribeRegionSettings: the service opt-in per resource type. Aurora and RDS are opted in
# (AWS Backup protects a type only where it is).
BACKUP_REGION_SETTINGS = {
    "ResourceTypeOptInPreference": {
        "Aurora": True, "CloudFormation": False, "DocumentDB": True, "DynamoDB": True,
        "EBS": True, "EC2": True, "EFS": True, "FSx": True, "Neptune": True, "RDS": True,
        "Redshift": False, "S3": False, "SAP HANA on Amazon EC2": False,
        "Storage Gateway": True, "Timestream": False, "VirtualMachine": True,
    },
    "ResourceTypeManagementPreference": {"DynamoDB": True, "EFS": True},
}

# ---------------------------------------------------------------------------------------------
# GuardDuty: one detector per region, RDS Protection (RDS_LOGIN_EVENTS) on.
# ---------------------------------------------------------------------------------------------


def _detector(region):
    features = {
        "CLOUD_TRAIL": "ENABLED", "DNS_LOGS": "ENABLED", "FLOW_LOGS": "ENABLED",
        "S3_DATA_EVENTS": "ENABLED", "EKS_AUDIT_LOGS": "DISABLED",
        "EBS_MALWARE_PROTECTION": "DISABLED", "RDS_LOGIN_EVENTS": "ENABLED",
        "LAMBDA_NETWORK_LOGS": "DISABLED", "RUNTIME_MONITORING": "DISABLED",
    }
    return {
        "CreatedAt": ago(days=650).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "FindingPublishingFrequency": "FIFTEEN_MINUTES",
        "ServiceRole": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
        "Status": "ENABLED",
        "UpdatedAt": ago(days=90).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "Features": [
            {"Name": name, "Status": status, "UpdatedAt": ago(days=90)}
            for name, status in features.items()
        ],
        "Tags": {"Application": "shop"},
    }


GUARDDUTY = {region: {hexid("guardduty", region, length=32): _detector(region)} for region in REGIONS}

# ---------------------------------------------------------------------------------------------
# RDS: the support lifecycle of each engine's major versions, as RDS publishes them
# (DescribeDBMajorEngineVersions), and the failover events of the last 14 days.
# ---------------------------------------------------------------------------------------------


def _lifecycle(standard_start, standard_end, extended_end):
    def day(text):
        return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)

    return [
        {
            "LifecycleSupportName": "open-source-rds-standard-support",
            "LifecycleSupportStartDate": day(standard_start),
            "LifecycleSupportEndDate": day(standard_end),
        },
        {
            "LifecycleSupportName": "open-source-rds-extended-support",
            "LifecycleSupportStartDate": day(standard_end),
            "LifecycleSupportEndDate": day(extended_end),
        },
    ]


_POSTGRES_MAJORS = {
    "13": ("2021-02-24", "2026-02-28", "2029-02-28"),
    "14": ("2022-02-03", "2027-02-28", "2030-02-28"),
    "15": ("2023-02-27", "2028-02-29", "2031-02-28"),
    "16": ("2023-11-17", "2029-02-28", "2032-02-29"),
    "17": ("2024-11-18", "2030-02-28", "2033-02-28"),
}
ENGINE_LIFECYCLES = {
    "postgres": _POSTGRES_MAJORS,
    "aurora-postgresql": _POSTGRES_MAJORS,
    # MySQL 8.0 left RDS standard support on 2026-07-31: the reporting database runs on
    # Extended Support.
    "mysql": {
        "8.0": ("2018-10-23", "2026-07-31", "2029-07-31"),
        "8.4": ("2024-11-21", "2029-07-31", "2032-07-31"),
    },
}


def major_engine_versions(engine):
    return [
        {
            "Engine": engine,
            "MajorEngineVersion": major,
            "SupportedEngineLifecycles": _lifecycle(*dates),
        }
        for major, dates in ENGINE_LIFECYCLES.get(engine, {}).items()
    ]


def _failover_event(region, cluster, message, when):
    return {
        "SourceIdentifier": cluster,
        "SourceType": "db-cluster",
        "Message": message,
        "EventCategories": ["failover"],
        "Date": when,
        "SourceArn": arn("rds", region, f"cluster:{cluster}"),
    }


# The quarterly failover drill of the orders cluster, nine days ago: orders-2 took over.
_DRILL = ago(days=9, hours=-2)
RDS_EVENTS = {
    HOME: [
        _failover_event(HOME, "orders", "Started cross AZ failover to DB instance: orders-2", _DRILL),
        _failover_event(HOME, "orders", "Completed failover to DB instance: orders-2",
                        _DRILL + datetime.timedelta(seconds=38)),
    ],
    DR: [],
}

# ---------------------------------------------------------------------------------------------
# Aurora replica auto scaling on the orders cluster.
# ---------------------------------------------------------------------------------------------

SCALABLE_TARGETS = {
    HOME: [
        {
            "ServiceNamespace": "rds",
            "ResourceId": "cluster:orders",
            "ScalableDimension": "rds:cluster:ReadReplicaCount",
            "MinCapacity": 2,
            "MaxCapacity": 5,
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/rds.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_RDSCluster",
            "CreationTime": ago(days=500),
            "SuspendedState": {
                "DynamicScalingInSuspended": False,
                "DynamicScalingOutSuspended": False,
                "ScheduledScalingSuspended": False,
            },
            "ScalableTargetARN": arn("application-autoscaling", HOME, f"scalable-target/{hexid('orders-scaling', length=32)}"),
        }
    ],
    DR: [
        {
            "ServiceNamespace": "rds",
            "ResourceId": "cluster:orders-dr",
            "ScalableDimension": "rds:cluster:ReadReplicaCount",
            "MinCapacity": 2,
            "MaxCapacity": 4,
            "RoleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/rds.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_RDSCluster",
            "CreationTime": ago(days=300),
            "SuspendedState": {
                "DynamicScalingInSuspended": False,
                "DynamicScalingOutSuspended": False,
                "ScheduledScalingSuspended": False,
            },
            "ScalableTargetARN": arn("application-autoscaling", DR, f"scalable-target/{hexid('orders-dr-scaling', length=32)}"),
        }
    ],
}

def _scaling_policy(region, cluster):
    name = f"{cluster}-reader-cpu"
    return {
        "PolicyARN": arn("autoscaling", region, f"scalingPolicy:{uuid(region, name)}:resource/rds/cluster:{cluster}:policyName/{name}"),
        "PolicyName": name,
        "ServiceNamespace": "rds",
        "ResourceId": f"cluster:{cluster}",
        "ScalableDimension": "rds:cluster:ReadReplicaCount",
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {
            "TargetValue": 60.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "RDSReaderAverageCPUUtilization"},
            "ScaleOutCooldown": 300,
            "ScaleInCooldown": 900,
            "DisableScaleIn": False,
        },
        "Alarms": [],
        "CreationTime": ago(days=300),
    }


SCALING_POLICIES = {
    region: [_scaling_policy(region, t["ResourceId"].split(":", 1)[1]) for t in SCALABLE_TARGETS[region]]
    for region in REGIONS
}

# ---------------------------------------------------------------------------------------------
# CloudFormation: the networks, keys and databases are code; the reporting database is not.
# ---------------------------------------------------------------------------------------------


def _stack(region, name, description, resources):
    stack_id = arn("cloudformation", region, f"stack/{name}/{uuid(region, name)}")
    summary = {
        "StackId": stack_id,
        "StackName": name,
        "Description": description,
        "CreationTime": ago(days=700),
        "LastUpdatedTime": ago(days=40),
        "StackStatus": "UPDATE_COMPLETE",
        "DisableRollback": False,
        "Tags": tags({"Application": "shop"}),
        "EnableTerminationProtection": True,
        "DriftInformation": {"StackDriftStatus": "NOT_CHECKED"},
    }
    return summary, [
        {
            "LogicalResourceId": logical,
            "PhysicalResourceId": physical,
            "ResourceType": kind,
            "LastUpdatedTimestamp": ago(days=40),
            "ResourceStatus": "UPDATE_COMPLETE",
            "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
        }
        for logical, physical, kind in resources
    ]


def _network_resources(network):
    resources = [("Vpc", network.id, "AWS::EC2::VPC")]
    resources += [
        (f"Subnet{s['Tags'][0]['Value'].title().replace('-', '')}", s["SubnetId"], "AWS::EC2::Subnet")
        for s in network.subnets
    ]
    resources += [
        (f"RouteTable{i}", t["RouteTableId"], "AWS::EC2::RouteTable")
        for i, t in enumerate(network.route_tables)
    ]
    resources += [
        (f"SecurityGroup{g['GroupName'].title().replace('-', '')}", g["GroupId"], "AWS::EC2::SecurityGroup")
        for g in network.security_groups
        if g["GroupName"] != "default"
    ]
    resources += [
        (f"NetworkAcl{i}", n["NetworkAclId"], "AWS::EC2::NetworkAcl")
        for i, n in enumerate(network.nacls)
        if not n["IsDefault"]
    ]
    return resources


def _database_resources(region, names, key=None):
    resources = []
    for cluster in CLUSTERS[region]:
        if cluster["DBClusterIdentifier"] in names:
            resources.append(("Cluster", cluster["DBClusterIdentifier"], "AWS::RDS::DBCluster"))
    for instance in INSTANCES[region]:
        if instance["DBInstanceIdentifier"] in names or instance.get("DBClusterIdentifier") in names:
            logical = instance["DBInstanceIdentifier"].title().replace("-", "")
            resources.append((logical, instance["DBInstanceIdentifier"], "AWS::RDS::DBInstance"))
    if key:
        resources.append(("Key", key.id, "AWS::KMS::Key"))
    return resources


STACKS = {
    HOME: [
        _stack(HOME, "shop-network-prod", "Shop production VPC", _network_resources(PROD)),
        _stack(HOME, "shop-network-dev", "Shop development VPC", _network_resources(DEV)),
        _stack(HOME, "shop-orders-db", "Orders Aurora cluster, its key and proxy", _database_resources(HOME, {"orders"}, PROD_KEY)),
        _stack(HOME, "shop-catalog-db", "Catalog PostgreSQL and its replica", _database_resources(HOME, {"catalog", "catalog-replica"})),
        _stack(HOME, "shop-dev-db", "Development databases and key", _database_resources(HOME, {"orders-dev"}, DEV_KEY)),
    ],
    DR: [
        _stack(DR, "shop-network-dr", "Shop DR VPC", _network_resources(DRNET)),
        _stack(DR, "shop-orders-dr", "Orders global database secondary", _database_resources(DR, {"orders-dr"}, DR_KEY)),
    ],
}


def _tag_stack_resources():
    # CloudFormation tags what it creates with its stack's name, id and the logical id: the
    # collector finds the stacks of the databases by these tags.
    for region, stacks in STACKS.items():
        tagged = {}
        for summary, resources in stacks:
            for resource in resources:
                tagged[resource["PhysicalResourceId"]] = {
                    "aws:cloudformation:stack-name": summary["StackName"],
                    "aws:cloudformation:stack-id": summary["StackId"],
                    "aws:cloudformation:logical-id": resource["LogicalResourceId"],
                }
        for cluster in CLUSTERS[region]:
            cluster["TagList"] += tags(tagged.get(cluster["DBClusterIdentifier"], {}))
        for instance in INSTANCES[region]:
            instance["TagList"] += tags(tagged.get(instance["DBInstanceIdentifier"], {}))


_tag_stack_resources()

# ---------------------------------------------------------------------------------------------
# CloudWatch: alarms on each database's health KPIs, and its daily utilisation.
# ---------------------------------------------------------------------------------------------


def _alarm(region, database, dimension, metric, comparison, threshold, statistic="Average"):
    name = f"{database}-{metric.lower()}"
    return {
        "AlarmName": name,
        "AlarmArn": arn("cloudwatch", region, f"alarm:{name}"),
        "AlarmDescription": f"{metric} of {database}",
        "AlarmConfigurationUpdatedTimestamp": ago(days=90),
        "ActionsEnabled": True,
        "OKActions": [arn("sns", region, "shop-database-alerts")],
        "AlarmActions": [arn("sns", region, "shop-database-alerts")],
        "InsufficientDataActions": [],
        "StateValue": "OK",
        "StateReason": "Threshold Crossed: 3 datapoints were not beyond the threshold.",
        "StateUpdatedTimestamp": ago(days=3),
        "MetricName": metric,
        "Namespace": "AWS/RDS",
        "Statistic": statistic,
        "Dimensions": [{"Name": dimension, "Value": database}],
        "Period": 300,
        "EvaluationPeriods": 3,
        "DatapointsToAlarm": 3,
        "Threshold": threshold,
        "ComparisonOperator": comparison,
        "TreatMissingData": "breaching",
        "StateTransitionedTimestamp": ago(days=3),
    }


def _alarms(region):
    alarms = []
    for cluster in CLUSTERS[region]:
        name = cluster["DBClusterIdentifier"]
        alarms.append(_alarm(region, name, "DBClusterIdentifier", "CPUUtilization", "GreaterThanThreshold", 80.0))
        alarms.append(_alarm(region, name, "DBClusterIdentifier", "DatabaseConnections", "GreaterThanThreshold", 1500.0))
        if cluster.get("ReplicationSourceIdentifier"):
            alarms.append(_alarm(region, name, "DBClusterIdentifier", "AuroraGlobalDBReplicationLag", "GreaterThanThreshold", 5000.0, "Maximum"))
    for instance in INSTANCES[region]:
        if "DBClusterIdentifier" in instance:
            continue
        name = instance["DBInstanceIdentifier"]
        alarms.append(_alarm(region, name, "DBInstanceIdentifier", "CPUUtilization", "GreaterThanThreshold", 80.0))
        alarms.append(_alarm(region, name, "DBInstanceIdentifier", "FreeStorageSpace", "LessThanThreshold", 20e9, "Minimum"))
        alarms.append(_alarm(region, name, "DBInstanceIdentifier", "FreeableMemory", "LessThanThreshold", 1e9, "Minimum"))
        if "ReadReplicaSourceDBInstanceIdentifier" in instance:
            alarms.append(_alarm(region, name, "DBInstanceIdentifier", "ReplicaLag", "GreaterThanThreshold", 60.0, "Maximum"))
    return alarms


ALARMS = {region: _alarms(region) for region in REGIONS}

# Per database: busy-hour CPU (%), connections, memory free (GiB), IOPS, storage used (GiB)
# and its daily growth. Shaped like an online shop: weekday peaks, quiet nights.
PROFILES = {
    "orders-1": (46, 420, 12, 2400, None, None),
    "orders-2": (38, 380, 13, 1900, None, None),
    "orders-3": (35, 360, 13, 1800, None, None),
    "orders-dr-1": (22, 40, 14, 600, None, None),
    "orders-dr-2": (19, 35, 14, 520, None, None),
    "orders": (None, None, None, None, 410, 0.9),
    "orders-dr": (None, None, None, None, 410, 0.9),
    "catalog": (41, 210, 3.2, 1400, 96, 0.25),
    "catalog-replica": (34, 150, 3.4, 900, 96, 0.25),
    "reporting": (57, 45, 6.5, 700, 140, 0.6),
    "orders-dev": (24, 12, 1.2, 90, 11, 0.05),
}


READ_REPLICAS = {
    i["DBInstanceIdentifier"]
    for region in REGIONS
    for i in INSTANCES[region]
    if "ReadReplicaSourceDBInstanceIdentifier" in i
}


def metric_values(database, metric, statistic, days):
    """Deterministic daily statistics for one database and metric over `days` days."""
    cpu, connections, memory, iops, used, growth = PROFILES[database]
    # Aurora instances report no FreeStorageSpace and instances no VolumeBytesUsed: CloudWatch
    # answers such a query complete, with no datapoints.
    if (metric == "FreeStorageSpace" and used is None) or (metric != "VolumeBytesUsed" and cpu is None):
        return []
    rng = random.Random(f"{database}/{metric}/{statistic}")
    values = []
    for day in range(days):
        weekday = (NOW.weekday() - days + day) % 7 < 5
        load = (1.0 if weekday else 0.7) * (0.92 + 0.16 * rng.random())
        if metric == "CPUUtilization":
            average = cpu * 0.55 * load
            value = {"Minimum": average * 0.3, "Maximum": cpu * 1.25 * load, "Average": average, "p95": cpu * load}[statistic]
        elif metric == "DatabaseConnections":
            average = connections * 0.6 * load
            value = {"Minimum": connections * 0.15, "Maximum": connections * 1.2 * load, "Average": average, "p95": connections * load}[statistic]
        elif metric == "FreeableMemory":
            value = memory * 2**30 * {"Minimum": 0.8, "Maximum": 1.1, "Average": 0.95, "p95": 1.05}[statistic]
        elif metric in ("ReadIOPS", "WriteIOPS"):
            share = 0.65 if metric == "ReadIOPS" else 0.35
            value = iops * share * load * {"Minimum": 0.2, "Maximum": 1.4, "Average": 0.6, "p95": 1.0}[statistic]
        elif metric == "ReplicaLag":
            if database not in READ_REPLICAS:
                return []
            value = {"Minimum": 0.0, "Maximum": 2.0, "Average": 0.3, "p95": 0.9}[statistic] * load
        elif metric == "FreeStorageSpace":
            allocated = next(
                i["AllocatedStorage"]
                for r in REGIONS
                for i in INSTANCES[r]
                if i["DBInstanceIdentifier"] == database
            )
            value = (allocated - used - growth * day) * 2**30
        elif metric == "VolumeBytesUsed":
            value = (used + growth * day) * 2**30
        else:
            raise KeyError(f"no profile for {metric}")
        values.append(round(value, 3))
    return values


# ---------------------------------------------------------------------------------------------
# Log groups: every exported log kept a year, encrypted with the environment's key.
# ---------------------------------------------------------------------------------------------


def _log_groups(region):
    groups = []
    for cluster in CLUSTERS[region]:
        for log in cluster.get("EnabledCloudwatchLogsExports", []):
            groups.append((f"/aws/rds/cluster/{cluster['DBClusterIdentifier']}/{log}", cluster["KmsKeyId"]))
    for instance in INSTANCES[region]:
        for log in instance.get("EnabledCloudwatchLogsExports", []):
            groups.append((f"/aws/rds/instance/{instance['DBInstanceIdentifier']}/{log}", instance["KmsKeyId"]))
    return [
        {
            "logGroupName": name,
            "creationTime": int(ago(days=600).timestamp() * 1000),
            "retentionInDays": 365,
            "metricFilterCount": 1,
            "arn": arn("logs", region, f"log-group:{name}:*"),
            "storedBytes": 20_000_000 + int(hexid(name, length=6), 16) * 40,
            "kmsKeyId": key,
            "logGroupClass": "STANDARD",
            "logGroupArn": arn("logs", region, f"log-group:{name}"),
        }
        for name, key in sorted(groups)
    ]


LOG_GROUPS = {region: _log_groups(region) for region in REGIONS}

# ---------------------------------------------------------------------------------------------
# DMS: the orders database came from the customer's Oracle, migrated with full load and CDC.
# ---------------------------------------------------------------------------------------------

ORACLE_ENDPOINT = arn("dms", HOME, "endpoint:" + hexid("oracle-source", length=26).upper())
AURORA_ENDPOINT = arn("dms", HOME, "endpoint:" + hexid("orders-target", length=26).upper())

DMS = {
    HOME: {
        "endpoints": [
            {
                "EndpointIdentifier": "erp-oracle-source",
                "EndpointType": "SOURCE",
                "EngineName": "oracle",
                "EngineDisplayName": "Oracle",
                "Username": "dms_reader",
                "ServerName": "erp-db.corp.example.com",
                "Port": 1521,
                "DatabaseName": "ERPORDERS",
                "Status": "active",
                "EndpointArn": ORACLE_ENDPOINT,
                "SslMode": "verify-full",
            },
            {
                "EndpointIdentifier": "orders-aurora-target",
                "EndpointType": "TARGET",
                "EngineName": "aurora-postgresql",
                "EngineDisplayName": "Amazon Aurora PostgreSQL",
                "Username": "dms_writer",
                "ServerName": CLUSTERS[HOME][0]["Endpoint"],
                "Port": 5432,
                "DatabaseName": "orders",
                "Status": "active",
                "EndpointArn": AURORA_ENDPOINT,
                "SslMode": "verify-full",
            },
        ],
        "tasks": [
            {
                "ReplicationTaskIdentifier": "orders-oracle-to-aurora",
                "SourceEndpointArn": ORACLE_ENDPOINT,
                "TargetEndpointArn": AURORA_ENDPOINT,
                "ReplicationInstanceArn": arn("dms", HOME, "rep:" + hexid("orders-repl", length=26).upper()),
                "MigrationType": "full-load-and-cdc",
                "TableMappings": json.dumps({"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "orders", "object-locator": {"schema-name": "ORDERS", "table-name": "%"}, "rule-action": "include"}]}),
                "Status": "stopped",
                "StopReason": "Stop Reason FULL_LOAD_ONLY_FINISHED",
                "ReplicationTaskCreationDate": ago(days=820),
                "ReplicationTaskStartDate": ago(days=818),
                "ReplicationTaskArn": arn("dms", HOME, "task:" + hexid("orders-task", length=26).upper()),
                "ReplicationTaskStats": {
                    "FullLoadProgressPercent": 100,
                    "ElapsedTimeMillis": 9_482_000,
                    "TablesLoaded": 214,
                    "TablesLoading": 0,
                    "TablesQueued": 0,
                    "TablesErrored": 0,
                },
            }
        ],
    },
    DR: {"endpoints": [], "tasks": []},
}

# ---------------------------------------------------------------------------------------------
# CloudTrail: one multi-region trail into a protected bucket; the changes it recorded.
# ---------------------------------------------------------------------------------------------

TRAIL_BUCKET = f"shop-audit-trail-{ACCOUNT}"
TRAIL_ARN = arn("cloudtrail", HOME, "trail/shop-audit")

TRAILS = [
    {
        "Name": "shop-audit",
        "S3BucketName": TRAIL_BUCKET,
        "IncludeGlobalServiceEvents": True,
        "IsMultiRegionTrail": True,
        "HomeRegion": HOME,
        "TrailARN": TRAIL_ARN,
        "LogFileValidationEnabled": True,
        "CloudWatchLogsLogGroupArn": arn("logs", HOME, "log-group:shop-audit-trail:*"),
        "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-cloudwatch",
        "KmsKeyId": arn("kms", HOME, f"key/{uuid('trail-key')}"),
        "HasCustomEventSelectors": True,
        "HasInsightSelectors": False,
        "IsOrganizationTrail": False,
    }
]

TRAIL_STATUS = {
    "IsLogging": True,
    "LatestDeliveryTime": ago(minutes=6),
    "StartLoggingTime": ago(days=700),
    "LatestDigestDeliveryTime": ago(minutes=50),
    "TimeLoggingStarted": ago(days=700).strftime("%Y-%m-%dT%H:%M:%SZ"),
}

# A CloudTrail Lake event data store beside the trail: management events of every region, kept
# seven years.
EVENT_DATA_STORE = {
    "EventDataStoreArn": arn("cloudtrail", HOME, f"eventdatastore/{uuid('shop-lake')}"),
    "Name": "shop-audit-lake",
    "Status": "ENABLED",
    "AdvancedEventSelectors": [
        {
            "Name": "Management events",
            "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
        }
    ],
    "MultiRegionEnabled": True,
    "OrganizationEnabled": False,
    "RetentionPeriod": 2557,
    "TerminationProtectionEnabled": True,
    "CreatedTimestamp": ago(days=400),
    "UpdatedTimestamp": ago(days=400),
    "BillingMode": "EXTENDABLE_RETENTION_PRICING",
}

EVENT_SELECTORS = {
    "TrailARN": TRAIL_ARN,
    "EventSelectors": [
        {
            "ReadWriteType": "All",
            "IncludeManagementEvents": True,
            "DataResources": [],
            "ExcludeManagementEventSources": [],
        }
    ],
}

BUCKETS = {
    TRAIL_BUCKET: {
        "region": HOME,
        "versioning": {"Status": "Enabled", "MfaDelete": "Disabled"},
        "object_lock": {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 365}}},
        "public_access_block": {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
        "encryption": {
            "Rule": {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": TRAILS[0]["KmsKeyId"],
                },
                "BucketKeyEnabled": True,
            }
        },
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": f"arn:aws:s3:::{TRAIL_BUCKET}",
                    "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}},
                },
                {
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"arn:aws:s3:::{TRAIL_BUCKET}/AWSLogs/{ACCOUNT}/*",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}},
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{TRAIL_BUCKET}", f"arn:aws:s3:::{TRAIL_BUCKET}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        },
    }
}


def _change(region, name, resource, kind, days, console, who):
    when = ago(days=days)
    identity = {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE{who.upper().replace('-', '')}:{who}",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/{who}/{'maria' if console else 'AWSCloudFormation'}",
        "accountId": ACCOUNT,
        "sessionContext": {"sessionIssuer": {"type": "Role", "userName": who}},
    }
    event = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "rds.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "198.51.100.24" if console else "cloudformation.amazonaws.com",
        "userAgent": "AWS Internal" if console else "cloudformation.amazonaws.com",
        "requestParameters": {"dBInstanceIdentifier" if kind == "AWS::RDS::DBInstance" else "dBClusterIdentifier": resource},
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if console:
        event["sessionCredentialFromConsole"] = "true"
    else:
        identity["invokedBy"] = "cloudformation.amazonaws.com"
    return {
        "EventId": uuid(region, name, resource, str(days)),
        "EventName": name,
        "ReadOnly": "false",
        "EventTime": when,
        "EventSource": "rds.amazonaws.com",
        "Username": "maria" if console else who,
        "Resources": [{"ResourceType": kind, "ResourceName": resource}],
        "CloudTrailEvent": json.dumps(event, separators=(",", ":")),
    }


CHANGES = {
    HOME: [
        _change(HOME, "ModifyDBCluster", "orders", "AWS::RDS::DBCluster", 40, False, "shop-deploy"),
        _change(HOME, "ModifyDBInstance", "catalog", "AWS::RDS::DBInstance", 40, False, "shop-deploy"),
        _change(HOME, "ModifyDBParameterGroup", "shop-catalog-pg16", "AWS::RDS::DBParameterGroup", 62, False, "shop-deploy"),
        # The BI team resized the reporting database by hand.
        _change(HOME, "ModifyDBInstance", "reporting", "AWS::RDS::DBInstance", 23, True, "AWSReservedSSO_DataAnalyst_5c2d8e1a"),
    ],
    DR: [
        _change(DR, "ModifyDBCluster", "orders-dr", "AWS::RDS::DBCluster", 40, False, "shop-deploy"),
    ],
}

# ---------------------------------------------------------------------------------------------
# IAM and the account's contacts.
# ---------------------------------------------------------------------------------------------

SAML_PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/shop-okta"


def _policy(statements):
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def _role(name, principal, created, policies):
    trust = _policy(
        [
            {
                "Effect": "Allow",
                "Principal": principal,
                "Action": "sts:AssumeRoleWithSAML" if "Federated" in principal else "sts:AssumeRole",
                **({"Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}} if "Federated" in principal else {}),
            }
        ]
    )
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + hexid("role", name, length=17).upper(),
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "CreateDate": ago(days=created),
        "AssumeRolePolicyDocument": trust,
        "InstanceProfileList": [],
        "RolePolicyList": [
            {"PolicyName": policy_name, "PolicyDocument": document} for policy_name, document in policies
        ],
        "AttachedManagedPolicies": [],
        "Tags": [],
        "RoleLastUsed": {"LastUsedDate": ago(days=1), "Region": HOME},
    }


ROLES = [
    _role("shop-dba", {"Federated": SAML_PROVIDER}, 700, [
        ("rds-operations", _policy([{"Effect": "Allow", "Action": ["rds:Describe*", "rds:ModifyDBInstance", "rds:ModifyDBCluster", "rds:RebootDBInstance", "rds:CreateDBSnapshot", "rds:CreateDBClusterSnapshot"], "Resource": [f"arn:aws:rds:*:{ACCOUNT}:*"]}])),
    ]),
    _role("shop-read-only", {"Federated": SAML_PROVIDER}, 700, [
        ("read-monitoring", _policy([{"Effect": "Allow", "Action": ["cloudwatch:Get*", "cloudwatch:List*", "rds:Describe*", "logs:Get*", "logs:Describe*"], "Resource": "*"}])),
    ]),
    _role("shop-deploy", {"AWS": f"arn:aws:iam::{ACCOUNT}:role/shop-pipeline"}, 700, [
        ("deploy-databases", _policy([{"Effect": "Allow", "Action": ["cloudformation:*", "rds:*", "ec2:Describe*", "ec2:CreateSecurityGroup", "kms:DescribeKey", "kms:CreateGrant", "iam:PassRole"], "Resource": [f"arn:aws:cloudformation:*:{ACCOUNT}:stack/shop-*", f"arn:aws:rds:*:{ACCOUNT}:*", f"arn:aws:iam::{ACCOUNT}:role/rds-monitoring-role", f"arn:aws:kms:*:{ACCOUNT}:key/*", f"arn:aws:ec2:*:{ACCOUNT}:*"]}])),
    ]),
    _role("shop-prod-app", {"Service": "ecs-tasks.amazonaws.com"}, 700, [
        ("connect-to-databases", _policy([{"Effect": "Allow", "Action": "rds-db:connect", "Resource": f"arn:aws:rds-db:us-east-1:{ACCOUNT}:dbuser:*/shop_app"}])),
    ]),
    _role("rds-monitoring-role", {"Service": "monitoring.rds.amazonaws.com"}, 700, []),
]

CREDENTIAL_REPORT_COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


CREDENTIAL_REPORT = "\n".join(
    [
        CREDENTIAL_REPORT_COLUMNS,
        # Root: MFA on, no access keys, not used in the last year.
        f"<root_account>,arn:aws:iam::{ACCOUNT}:root,{_iso(ago(days=900))},not_supported,"
        f"{_iso(ago(days=400))},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,"
        "N/A,N/A,N/A,false,N/A,false,N/A",
        # The break-glass user: console only, with MFA.
        f"break-glass,arn:aws:iam::{ACCOUNT}:user/break-glass,{_iso(ago(days=700))},true,"
        f"{_iso(ago(days=210))},{_iso(ago(days=60))},{_iso(ago(days=-30))},true,false,N/A,N/A,N/A,"
        "N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    ]
) + "\n"

PASSWORD_POLICY = {
    "MinimumPasswordLength": 16,
    "RequireSymbols": True,
    "RequireNumbers": True,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "AllowUsersToChangePassword": True,
    "ExpirePasswords": True,
    "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24,
    "HardExpiry": False,
}

ACCOUNT_SUMMARY = {
    "Users": 1, "UsersQuota": 5000, "Groups": 0, "GroupsQuota": 300, "Roles": len(ROLES),
    "RolesQuota": 1000, "Policies": 0, "PoliciesQuota": 1500, "MFADevices": 2,
    "MFADevicesInUse": 2, "AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0,
    "AccountSigningCertificatesPresent": 0, "Providers": 1, "InstanceProfiles": 0,
    "ServerCertificates": 0, "PolicyVersionsInUse": 0,
}

AUTHORIZATION_DETAILS = {
    "UserDetailList": [
        {
            "Path": "/",
            "UserName": "break-glass",
            "UserId": "AIDA" + hexid("user", "break-glass", length=17).upper(),
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/break-glass",
            "CreateDate": ago(days=700),
            "UserPolicyList": [],
            "GroupList": [],
            "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
            "Tags": [{"Key": "Purpose", "Value": "emergency access, sealed credentials"}],
        }
    ],
    "GroupDetailList": [],
    "RoleDetailList": ROLES,
    "Policies": [],
    "IsTruncated": False,
}

CONTACT_INFORMATION = {
    "AddressLine1": "100 Example Street",
    "City": "Springfield",
    "CompanyName": "Example Shop Ltd (synthetic demo)",
    "CountryCode": "US",
    "FullName": "Cloud Operations",
    "PhoneNumber": "+12065550100",
    "PostalCode": "98101",
    "StateOrRegion": "WA",
    "WebsiteUrl": "https://shop.example.com",
}

ALTERNATE_CONTACTS = {
    "SECURITY": {"Name": "Security Operations", "Title": "Security team", "EmailAddress": "security@shop.example.com", "PhoneNumber": "+12065550101", "AlternateContactType": "SECURITY"},
    "OPERATIONS": {"Name": "Cloud Operations", "Title": "Platform team", "EmailAddress": "cloud-ops@shop.example.com", "PhoneNumber": "+12065550102", "AlternateContactType": "OPERATIONS"},
    "BILLING": {"Name": "Finance", "Title": "Accounts payable", "EmailAddress": "finance@shop.example.com", "PhoneNumber": "+12065550103", "AlternateContactType": "BILLING"},
}

