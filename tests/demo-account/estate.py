"""The synthetic demo account: an estate a good partner would have built, with a few honest
findings. Everything here is made up (the account id is AWS's documentation example); the
values are in the shapes of the AWS API reference (botocore's models check them on the way
out), so that the recording the collector makes of it reads like one of a real account.

The customer runs an online shop. Production in us-east-1: the orders database (Aurora
PostgreSQL, writer and two readers across three zones, reader auto scaling, an RDS Proxy,
and an Aurora global database with a secondary cluster in us-west-2), the catalog database
(RDS for PostgreSQL, Multi-AZ, a read replica in a third zone, automated backups replicated
to us-west-2), and a reporting database (RDS for MySQL) the customer's BI team created from
the console: single-AZ, TLS not enforced, changed by hand since. Development runs in its own
VPC with its own key. Everything else — encryption with per-environment customer-managed
keys, private subnets, NACLs, flow logs, secrets rotation, AWS Backup, alarms, log exports,
CloudTrail, federation, IaC — is as it should be.

`NOW` is the collection time the recording is made at (the recorder runs under faketime), so
that regenerating the demo changes only what changed here.
"""

import datetime
import hashlib
import json

ACCOUNT = "444455556666"
HOME = "us-east-1"
DR = "us-west-2"
REGIONS = [HOME, DR]
NOW = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.timezone.utc)
PRODUCTION = {"Environment": "production", "Application": "shop", "CostCenter": "cc-2041"}
DEVELOPMENT = {"Environment": "development", "Application": "shop", "CostCenter": "cc-2041"}


def ago(days=0, hours=0, minutes=0):
    return NOW - datetime.timedelta(days=days, hours=hours, minutes=minutes)


def hexid(*parts, length=17):
    """A stable, AWS-looking hexadecimal id for a named resource."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def uuid(*parts):
    h = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def tags(values, key="Key", value="Value"):
    return [{key: k, value: v} for k, v in values.items()]


def arn(service, region, resource):
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


# ---------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------


class Network:
    """One VPC: subnets by tier and zone, route tables, NACLs, security groups, flow logs."""

    def __init__(self, region, name, cidr, zones, tiers, environment):
        self.region = region
        self.name = name
        self.id = f"vpc-{hexid(region, name)}"
        self.cidr = cidr
        self.environment = environment
        self.vpc = {
            "VpcId": self.id,
            "CidrBlock": cidr,
            "State": "available",
            "OwnerId": ACCOUNT,
            "InstanceTenancy": "default",
            "IsDefault": False,
            "DhcpOptionsId": f"dopt-{hexid(region, 'dhcp')}",
            "Tags": tags({"Name": name, **environment}),
        }
        prefix = cidr.split(".0.0/")[0]
        self.subnets = []
        self.tier_subnets = {}
        for t, tier in enumerate(tiers):
            for z, zone in enumerate(zones):
                subnet_name = f"{name}-{tier}-{zone[-1]}"
                subnet = {
                    "SubnetId": f"subnet-{hexid(region, subnet_name)}",
                    "SubnetArn": arn("ec2", region, f"subnet/subnet-{hexid(region, subnet_name)}"),
                    "VpcId": self.id,
                    "CidrBlock": f"{prefix}.{t * 10 + z}.0/24",
                    "AvailabilityZone": zone,
                    "AvailabilityZoneId": f"{region[:2]}{region.split('-')[1][0]}{region[-1]}-az{z + 1}",
                    "AvailableIpAddressCount": 240 - 7 * z,
                    "DefaultForAz": False,
                    "MapPublicIpOnLaunch": False,
                    "State": "available",
                    "OwnerId": ACCOUNT,
                    "Tags": tags({"Name": subnet_name, "Tier": tier, **environment}),
                }
                self.subnets.append(subnet)
                self.tier_subnets.setdefault(tier, []).append(subnet)
        self.igw = f"igw-{hexid(region, name, 'igw')}" if "public" in tiers else None
        self.nats = (
            [f"nat-{hexid(region, name, 'nat', zone)}" for zone in zones] if self.igw else []
        )
        self.s3_endpoint = f"vpce-{hexid(region, name, 's3')}"
        self.route_tables = self._route_tables(zones, tiers)
        self.security_groups = []
        self.nacls = []
        self.flow_log = {
            "FlowLogId": f"fl-{hexid(region, name, 'flow')}",
            "CreationTime": ago(days=420),
            "DeliverLogsPermissionArn": f"arn:aws:iam::{ACCOUNT}:role/vpc-flow-logs-delivery",
            "DeliverLogsStatus": "SUCCESS",
            "FlowLogStatus": "ACTIVE",
            "LogGroupName": f"/vpc/{name}/flow-logs",
            "ResourceId": self.id,
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
            "LogDestination": arn("logs", region, f"log-group:/vpc/{name}/flow-logs"),
            "MaxAggregationInterval": 600,
            "Tags": tags({"Name": f"{name}-flow-logs"}),
        }

    def _route(self, destination, **target):
        route = {"State": "active", "Origin": "CreateRoute"}
        if destination.startswith("pl-"):
            route["DestinationPrefixListId"] = destination
        else:
            route["DestinationCidrBlock"] = destination
        route.update(target)
        return route

    def _table(self, label, main, subnets, routes):
        table_id = f"rtb-{hexid(self.region, self.name, label)}"
        associations = [
            {
                "RouteTableAssociationId": f"rtbassoc-{hexid(self.region, table_id, 'main')}",
                "RouteTableId": table_id,
                "Main": True,
                "AssociationState": {"State": "associated"},
            }
        ] if main else []
        associations += [
            {
                "RouteTableAssociationId": f"rtbassoc-{hexid(self.region, table_id, s['SubnetId'])}",
                "RouteTableId": table_id,
                "SubnetId": s["SubnetId"],
                "Main": False,
                "AssociationState": {"State": "associated"},
            }
            for s in subnets
        ]
        local = {
            "DestinationCidrBlock": self.cidr,
            "GatewayId": "local",
            "State": "active",
            "Origin": "CreateRouteTable",
        }
        return {
            "RouteTableId": table_id,
            "VpcId": self.id,
            "OwnerId": ACCOUNT,
            "Routes": [local, *routes],
            "Associations": associations,
            "PropagatingVgws": [],
            "Tags": tags({"Name": f"{self.name}-{label}"}),
        }

    def _route_tables(self, zones, tiers):
        s3 = self._route("pl-63a5400a", GatewayId=self.s3_endpoint)
        tables = [self._table("main", True, [], [])]
        if self.igw:
            tables.append(
                self._table(
                    "public",
                    False,
                    self.tier_subnets["public"],
                    [self._route("0.0.0.0/0", GatewayId=self.igw), s3],
                )
            )
        for tier in tiers:
            if tier == "public":
                continue
            for z, subnet in enumerate(self.tier_subnets[tier]):
                # Application subnets reach out through their zone's NAT gateway; data subnets
                # have no route out at all, only the S3 gateway endpoint.
                routes = [s3]
                if tier == "app" and self.nats:
                    routes.insert(0, self._route("0.0.0.0/0", NatGatewayId=self.nats[z]))
                tables.append(self._table(f"{tier}-{zones[z][-1]}", False, [subnet], routes))
        return tables

    def security_group(self, name, description, ingress):
        group = {
            "GroupId": f"sg-{hexid(self.region, self.name, name)}",
            "GroupName": name,
            "Description": description,
            "OwnerId": ACCOUNT,
            "VpcId": self.id,
            "IpPermissions": ingress,
            "IpPermissionsEgress": [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [],
                }
            ],
            "SecurityGroupArn": arn("ec2", self.region, f"security-group/sg-{hexid(self.region, self.name, name)}"),
            "Tags": tags({"Name": name, **self.environment}),
        }
        self.security_groups.append(group)
        return group["GroupId"]

    def data_nacl(self, ports, app_cidrs):
        """The data subnets' NACL: the database ports from the application subnets only."""
        entries = []
        rule = 100
        for port in ports:
            for cidr in app_cidrs:
                entries.append(self._nacl_entry(rule, False, "allow", cidr, port, port))
                rule += 10
        entries += [
            self._nacl_entry(900, False, "allow", self.cidr, 1024, 65535),
            self._nacl_entry(32767, False, "deny", "0.0.0.0/0"),
            self._nacl_entry(100, True, "allow", self.cidr),
            self._nacl_entry(32767, True, "deny", "0.0.0.0/0"),
        ]
        self._nacl("data", self.tier_subnets["data"], entries, default=False)

    def default_nacl(self, subnets):
        entries = [
            self._nacl_entry(100, False, "allow", "0.0.0.0/0"),
            self._nacl_entry(32767, False, "deny", "0.0.0.0/0"),
            self._nacl_entry(100, True, "allow", "0.0.0.0/0"),
            self._nacl_entry(32767, True, "deny", "0.0.0.0/0"),
        ]
        self._nacl("default", subnets, entries, default=True)

    def _nacl_entry(self, rule, egress, action, cidr, low=None, high=None):
        entry = {
            "RuleNumber": rule,
            "Protocol": "-1" if low is None else "6",
            "RuleAction": action,
            "Egress": egress,
            "CidrBlock": cidr,
        }
        if low is not None:
            entry["PortRange"] = {"From": low, "To": high}
        return entry

    def _nacl(self, label, subnets, entries, default):
        nacl_id = f"acl-{hexid(self.region, self.name, label)}"
        self.nacls.append(
            {
                "NetworkAclId": nacl_id,
                "VpcId": self.id,
                "IsDefault": default,
                "OwnerId": ACCOUNT,
                "Entries": entries,
                "Associations": [
                    {
                        "NetworkAclAssociationId": f"aclassoc-{hexid(self.region, nacl_id, s['SubnetId'])}",
                        "NetworkAclId": nacl_id,
                        "SubnetId": s["SubnetId"],
                    }
                    for s in subnets
                ],
                "Tags": tags({"Name": f"{self.name}-{label}"}),
            }
        )


def app_ingress(port, app_group):
    return [
        {
            "IpProtocol": "tcp",
            "FromPort": port,
            "ToPort": port,
            "UserIdGroupPairs": [{"GroupId": app_group, "UserId": ACCOUNT, "Description": "application tier"}],
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
        }
    ]


PROD = Network(HOME, "shop-prod", "10.10.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"], ["public", "app", "data"], PRODUCTION)
DEV = Network(HOME, "shop-dev", "10.20.0.0/16", ["us-east-1a", "us-east-1b"], ["app", "data"], DEVELOPMENT)
DRNET = Network(DR, "shop-dr", "10.30.0.0/16", ["us-west-2a", "us-west-2b", "us-west-2c"], ["app", "data"], PRODUCTION)

PROD_APP_SG = PROD.security_group("shop-prod-app", "Shop application tasks", [
    {
        "IpProtocol": "tcp",
        "FromPort": 8080,
        "ToPort": 8080,
        "IpRanges": [{"CidrIp": "10.10.0.0/22", "Description": "load balancer subnets"}],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": [],
    }
])
PROD_ORDERS_SG = PROD.security_group("shop-prod-orders-db", "Orders Aurora cluster and proxy", app_ingress(5432, PROD_APP_SG))
PROD_CATALOG_SG = PROD.security_group("shop-prod-catalog-db", "Catalog PostgreSQL", app_ingress(5432, PROD_APP_SG))
# The BI team's tools reach the reporting database from the corporate network over the VPN,
# through a customer-managed prefix list of its ranges.
BI_PREFIX_LIST = f"pl-{hexid(HOME, 'bi-tools', length=17)}"
PREFIX_LISTS = {
    BI_PREFIX_LIST: [
        {"Cidr": "10.100.8.0/22", "Description": "corporate VPN, Berlin office"},
        {"Cidr": "10.100.12.0/22", "Description": "corporate VPN, Lisbon office"},
    ],
}
PROD_REPORTING_SG = PROD.security_group("shop-prod-reporting-db", "Reporting MySQL", app_ingress(3306, PROD_APP_SG) + [
    {
        "IpProtocol": "tcp",
        "FromPort": 3306,
        "ToPort": 3306,
        "IpRanges": [],
        "Ipv6Ranges": [],
        "PrefixListIds": [{"PrefixListId": BI_PREFIX_LIST, "Description": "BI tools"}],
        "UserIdGroupPairs": [],
    }
])
PROD.security_group("default", "default VPC security group", [])
DEV_APP_SG = DEV.security_group("shop-dev-app", "Shop application tasks (development)", [])
DEV_DB_SG = DEV.security_group("shop-dev-db", "Development databases", app_ingress(5432, DEV_APP_SG))
DEV.security_group("default", "default VPC security group", [])
DR_APP_SG = DRNET.security_group("shop-dr-app", "Shop application tasks (DR)", [])
DR_DB_SG = DRNET.security_group("shop-dr-db", "DR databases", app_ingress(5432, DR_APP_SG))
DRNET.security_group("default", "default VPC security group", [])

for network, ports in ((PROD, [5432, 3306]), (DEV, [5432]), (DRNET, [5432])):
    network.data_nacl(ports, [s["CidrBlock"] for s in network.tier_subnets["app"]])
    network.default_nacl([s for s in network.subnets if s not in network.tier_subnets["data"]])

NETWORKS = {HOME: [PROD, DEV], DR: [DRNET]}


def subnet_group(network, name, description):
    return {
        "DBSubnetGroupName": name,
        "DBSubnetGroupDescription": description,
        "VpcId": network.id,
        "SubnetGroupStatus": "Complete",
        "Subnets": [
            {
                "SubnetIdentifier": s["SubnetId"],
                "SubnetAvailabilityZone": {"Name": s["AvailabilityZone"]},
                "SubnetOutpost": {},
                "SubnetStatus": "Active",
            }
            for s in network.tier_subnets["data"]
        ],
        "DBSubnetGroupArn": arn("rds", network.region, f"subgrp:{name}"),
        "SupportedNetworkTypes": ["IPV4"],
    }


SUBNET_GROUPS = {
    HOME: [
        subnet_group(PROD, "shop-prod-data", "Shop production data subnets"),
        subnet_group(DEV, "shop-dev-data", "Shop development data subnets"),
    ],
    DR: [subnet_group(DRNET, "shop-dr-data", "Shop DR data subnets")],
}


def group_named(region, name):
    return next(g for g in SUBNET_GROUPS[region] if g["DBSubnetGroupName"] == name)


# ---------------------------------------------------------------------------------------------
# Keys and secrets
# ---------------------------------------------------------------------------------------------


class Key:
    def __init__(self, region, alias, description, environment, users):
        self.region = region
        self.id = uuid(region, alias)
        self.arn = arn("kms", region, f"key/{self.id}")
        self.alias = alias
        self.description = description
        self.environment = environment
        self.users = users
        self.created = ago(days=640)

    def metadata(self):
        return {
            "AWSAccountId": ACCOUNT,
            "KeyId": self.id,
            "Arn": self.arn,
            "CreationDate": self.created,
            "Enabled": True,
            "Description": self.description,
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": "Enabled",
            "Origin": "AWS_KMS",
            "KeyManager": "CUSTOMER",
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }

    def policy(self):
        users = [f"arn:aws:iam::{ACCOUNT}:role/{role}" for role in self.users]
        statements = [
            {
                "Sid": "Enable IAM policies",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "Key administrators",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/platform-key-admin"},
                "Action": [
                    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                    "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                    "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion",
                ],
                "Resource": "*",
            },
            {
                "Sid": "Use through RDS and Secrets Manager",
                "Effect": "Allow",
                "Principal": {"AWS": users},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": ACCOUNT,
                        "kms:ViaService": [f"rds.{self.region}.amazonaws.com", f"secretsmanager.{self.region}.amazonaws.com"],
                    }
                },
            },
        ]
        return json.dumps({"Version": "2012-10-17", "Id": f"{self.alias}-policy", "Statement": statements}, indent=2)


KEYS = {
    HOME: [
        Key(HOME, "shop-prod-rds", "Shop production databases, their snapshots, Performance Insights and secrets", PRODUCTION, ["shop-prod-app", "shop-deploy"]),
        Key(HOME, "shop-dev-rds", "Shop development databases and secrets", DEVELOPMENT, ["shop-dev-app", "shop-deploy"]),
    ],
    DR: [Key(DR, "shop-dr-rds", "Shop DR databases in us-west-2", PRODUCTION, ["shop-prod-app", "shop-deploy"])],
}
PROD_KEY, DEV_KEY = KEYS[HOME]
DR_KEY = KEYS[DR][0]


def managed_secret(region, kind, resource_id, key):
    return {
        "SecretArn": arn("secretsmanager", region, f"secret:rds!{kind}-{uuid(region, resource_id)}-{hexid(resource_id, length=6)}"),
        "SecretStatus": "active",
        "KmsKeyId": key.arn,
    }


# ---------------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------------

ENGINES = {
    "aurora-postgresql": ("16.4", "aurora-postgresql16", 5432, ["postgresql"]),
    "postgres": ("16.4", "postgres16", 5432, ["postgresql", "upgrade"]),
    "mysql": ("8.0.39", "mysql8.0", 3306, ["error", "slowquery"]),
}


def instance(region, identifier, engine, klass, zone, subnet_group_name, security_group, key,
             environment, *, multi_az=False, secondary_zone=None, cluster=None, replica_source=None,
             replicas=(), parameter_group=None, option_group=None, storage=100, max_storage=1000,
             retention=14, deletion_protection=True, iam_auth=True, created=800,
             backup_replication=None):
    version, family, port, logs = ENGINES[engine]
    group = group_named(region, subnet_group_name)
    resource_id = "db-" + hexid(region, identifier, length=26).upper()
    item = {
        "DBInstanceIdentifier": identifier,
        "DBInstanceClass": klass,
        "Engine": engine,
        "DBInstanceStatus": "available",
        "MasterUsername": "shop_admin",
        "Endpoint": {
            "Address": f"{identifier}.c{hexid(region, length=10)}.{region}.rds.amazonaws.com",
            "Port": port,
            "HostedZoneId": "Z2R2ITUGPM61AM",
        },
        "AllocatedStorage": 1 if cluster else storage,
        "InstanceCreateTime": ago(days=created),
        "PreferredBackupWindow": "03:10-03:40",
        "BackupRetentionPeriod": retention,
        "VpcSecurityGroups": [{"VpcSecurityGroupId": security_group, "Status": "active"}],
        "DBParameterGroups": [
            {
                "DBParameterGroupName": parameter_group or f"default.{family}",
                "ParameterApplyStatus": "in-sync",
            }
        ],
        "AvailabilityZone": zone,
        "DBSubnetGroup": {k: v for k, v in group.items() if k != "DBSubnetGroupArn"},
        "PreferredMaintenanceWindow": "sun:05:00-sun:05:30",
        "PendingModifiedValues": {},
        "MultiAZ": multi_az,
        "EngineVersion": version,
        "AutoMinorVersionUpgrade": True,
        "ReadReplicaDBInstanceIdentifiers": list(replicas),
        "LicenseModel": "general-public-license" if engine == "mysql" else "postgresql-license",
        "OptionGroupMemberships": [
            {"OptionGroupName": option_group or f"default:{engine}-{version.rsplit('.', 1)[0].replace('.', '-')}", "Status": "in-sync"}
        ],
        "PubliclyAccessible": False,
        "StorageType": "aurora" if cluster else "gp3",
        "DbInstancePort": 0,
        "StorageEncrypted": True,
        "KmsKeyId": key.arn,
        "DbiResourceId": resource_id,
        "CACertificateIdentifier": "rds-ca-rsa2048-g1",
        "CopyTagsToSnapshot": True,
        "MonitoringInterval": 60,
        "EnhancedMonitoringResourceArn": arn("logs", region, f"log-group:RDSOSMetrics:log-stream:{resource_id}"),
        "MonitoringRoleArn": f"arn:aws:iam::{ACCOUNT}:role/rds-monitoring-role",
        "DBInstanceArn": arn("rds", region, f"db:{identifier}"),
        "IAMDatabaseAuthenticationEnabled": iam_auth,
        "PerformanceInsightsEnabled": True,
        "PerformanceInsightsKMSKeyId": key.arn,
        "PerformanceInsightsRetentionPeriod": 7,
        "DeletionProtection": deletion_protection,
        "TagList": tags(environment),
        "CustomerOwnedIpEnabled": False,
        "NetworkType": "IPV4",
        "BackupTarget": "region",
        "CertificateDetails": {"CAIdentifier": "rds-ca-rsa2048-g1", "ValidTill": "2061-05-25T23:34:57Z"},
        "DedicatedLogVolume": False,
        "EngineLifecycleSupport": "open-source-rds-extended-support-disabled",
    }
    if cluster:
        item["DBClusterIdentifier"] = cluster
        item["PromotionTier"] = 1
    else:
        item["DBName"] = identifier.split("-")[0]
        item["LatestRestorableTime"] = ago(minutes=4)
        item["EnabledCloudwatchLogsExports"] = logs
        item["MaxAllocatedStorage"] = max_storage
        item["Iops"] = 3000
        item["StorageThroughput"] = 125
        if not replica_source:
            item["MasterUserSecret"] = managed_secret(region, "db", resource_id, key)
    if multi_az and secondary_zone:
        item["SecondaryAvailabilityZone"] = secondary_zone
    if replica_source:
        item["ReadReplicaSourceDBInstanceIdentifier"] = replica_source
        item["ReplicaMode"] = "open-read-only"
    if backup_replication:
        item["DBInstanceAutomatedBackupsReplications"] = [
            {"DBInstanceAutomatedBackupsArn": arn("rds", backup_replication, f"auto-backup:ab-{hexid(identifier, length=26).upper()}")}
        ]
    return item


def cluster(region, identifier, members, subnet_group_name, security_group, key, environment, *,
            parameter_group, global_cluster=None, replication_source=None, retention=14,
            created=800):
    version, _, port, logs = ENGINES["aurora-postgresql"]
    resource_id = "cluster-" + hexid(region, identifier, length=26).upper()
    zones = sorted({zone for _, zone, _ in members})
    item = {
        "AllocatedStorage": 1,
        "AvailabilityZones": [f"{region}{z}" for z in "abc"],
        "BackupRetentionPeriod": retention,
        "DatabaseName": "orders",
        "DBClusterIdentifier": identifier,
        "DBClusterParameterGroup": parameter_group,
        "DBSubnetGroup": subnet_group_name,
        "Status": "available",
        "EarliestRestorableTime": ago(days=retention),
        "Endpoint": f"{identifier}.cluster-c{hexid(region, length=10)}.{region}.rds.amazonaws.com",
        "ReaderEndpoint": f"{identifier}.cluster-ro-c{hexid(region, length=10)}.{region}.rds.amazonaws.com",
        "MultiAZ": len(zones) > 1,
        "Engine": "aurora-postgresql",
        "EngineVersion": version,
        "LatestRestorableTime": ago(minutes=3),
        "Port": port,
        "MasterUsername": "shop_admin",
        "PreferredBackupWindow": "03:40-04:10",
        "PreferredMaintenanceWindow": "sun:06:00-sun:06:30",
        "ReadReplicaIdentifiers": [],
        "DBClusterMembers": [
            {
                "DBInstanceIdentifier": name,
                "IsClusterWriter": writer,
                "DBClusterParameterGroupStatus": "in-sync",
                "PromotionTier": 0 if writer else 1,
            }
            for name, _, writer in members
        ],
        "VpcSecurityGroups": [{"VpcSecurityGroupId": security_group, "Status": "active"}],
        "HostedZoneId": "Z2R2ITUGPM61AM",
        "StorageEncrypted": True,
        "KmsKeyId": key.arn,
        "DbClusterResourceId": resource_id,
        "DBClusterArn": arn("rds", region, f"cluster:{identifier}"),
        "AssociatedRoles": [],
        "IAMDatabaseAuthenticationEnabled": True,
        "ClusterCreateTime": ago(days=created),
        "EnabledCloudwatchLogsExports": logs,
        "EngineMode": "provisioned",
        "DeletionProtection": True,
        "HttpEndpointEnabled": False,
        "CopyTagsToSnapshot": True,
        "CrossAccountClone": False,
        "TagList": tags(environment),
        "AutoMinorVersionUpgrade": True,
        "NetworkType": "IPV4",
        "StorageType": "aurora",
        "PubliclyAccessible": False,
        "MonitoringInterval": 60,
        "MonitoringRoleArn": f"arn:aws:iam::{ACCOUNT}:role/rds-monitoring-role",
        "PerformanceInsightsEnabled": True,
        "PerformanceInsightsKMSKeyId": key.arn,
        "PerformanceInsightsRetentionPeriod": 7,
    }
    if global_cluster:
        item["GlobalClusterIdentifier"] = global_cluster
    if replication_source:
        item["ReplicationSourceIdentifier"] = replication_source
    else:
        item["MasterUserSecret"] = managed_secret(region, "cluster", resource_id, key)
    return item


ORDERS_MEMBERS = [("orders-1", "us-east-1a", True), ("orders-2", "us-east-1b", False), ("orders-3", "us-east-1c", False)]
DR_MEMBERS = [("orders-dr-1", "us-west-2a", False), ("orders-dr-2", "us-west-2b", False)]

CLUSTERS = {
    HOME: [
        cluster(HOME, "orders", ORDERS_MEMBERS, "shop-prod-data", PROD_ORDERS_SG, PROD_KEY, PRODUCTION,
                parameter_group="shop-orders-aurora-pg16", global_cluster="orders-global"),
    ],
    DR: [
        cluster(DR, "orders-dr", DR_MEMBERS, "shop-dr-data", DR_DB_SG, DR_KEY, PRODUCTION,
                parameter_group="shop-orders-dr-aurora-pg16", global_cluster="orders-global",
                replication_source=arn("rds", HOME, "cluster:orders"), created=300),
    ],
}

INSTANCES = {
    HOME: [
        *(
            instance(HOME, name, "aurora-postgresql", "db.r6g.xlarge", zone, "shop-prod-data",
                     PROD_ORDERS_SG, PROD_KEY, PRODUCTION, cluster="orders",
                     parameter_group="shop-orders-aurora-pg16-instances")
            for name, zone, _ in ORDERS_MEMBERS
        ),
        instance(HOME, "catalog", "postgres", "db.m6g.large", "us-east-1a", "shop-prod-data",
                 PROD_CATALOG_SG, PROD_KEY, PRODUCTION, multi_az=True, secondary_zone="us-east-1b",
                 replicas=["catalog-replica"], parameter_group="shop-catalog-pg16", storage=200,
                 backup_replication=DR),
        instance(HOME, "catalog-replica", "postgres", "db.m6g.large", "us-east-1c", "shop-prod-data",
                 PROD_CATALOG_SG, PROD_KEY, PRODUCTION, replica_source="catalog",
                 parameter_group="shop-catalog-pg16", storage=200, retention=0, created=500),
        # Created by the customer's BI team from the console: single-AZ, the engine's default
        # parameter group (TLS not required), changed by hand since.
        instance(HOME, "reporting", "mysql", "db.r6g.large", "us-east-1a", "shop-prod-data",
                 PROD_REPORTING_SG, PROD_KEY, PRODUCTION, storage=300, retention=7, created=210),
        instance(HOME, "orders-dev", "postgres", "db.t4g.medium", "us-east-1a", "shop-dev-data",
                 DEV_DB_SG, DEV_KEY, DEVELOPMENT, parameter_group="shop-dev-pg16", storage=50,
                 max_storage=200, retention=7, created=400),
    ],
    DR: [
        instance(DR, name, "aurora-postgresql", "db.r6g.xlarge", zone, "shop-dr-data", DR_DB_SG,
                 DR_KEY, PRODUCTION, cluster="orders-dr",
                 parameter_group="shop-orders-aurora-pg16-instances", created=300)
        for name, zone, _ in DR_MEMBERS
    ],
}

GLOBAL_CLUSTERS = [
    {
        "GlobalClusterIdentifier": "orders-global",
        "GlobalClusterResourceId": "cluster-" + hexid("orders-global", length=26),
        "GlobalClusterArn": f"arn:aws:rds::{ACCOUNT}:global-cluster:orders-global",
        "Status": "available",
        "Engine": "aurora-postgresql",
        "EngineVersion": "16.4",
        "StorageEncrypted": True,
        "DeletionProtection": True,
        "GlobalClusterMembers": [
            {
                "DBClusterArn": arn("rds", HOME, "cluster:orders"),
                "Readers": [arn("rds", DR, "cluster:orders-dr")],
                "IsWriter": True,
                "GlobalWriteForwardingStatus": "disabled",
            },
            {
                "DBClusterArn": arn("rds", DR, "cluster:orders-dr"),
                "Readers": [],
                "IsWriter": False,
                "GlobalWriteForwardingStatus": "disabled",
            },
        ],
    }
]

PROXIES = {
    HOME: [
        {
            "DBProxyName": "orders-proxy",
            "DBProxyArn": arn("rds", HOME, f"db-proxy:prx-{hexid('orders-proxy')}"),
            "Status": "available",
            "EngineFamily": "POSTGRESQL",
            "VpcId": PROD.id,
            "VpcSecurityGroupIds": [PROD_ORDERS_SG],
            "VpcSubnetIds": [s["SubnetId"] for s in PROD.tier_subnets["data"]],
            "Auth": [
                {
                    "AuthScheme": "SECRETS",
                    "SecretArn": CLUSTERS[HOME][0]["MasterUserSecret"]["SecretArn"],
                    "IAMAuth": "REQUIRED",
                    "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
                }
            ],
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/orders-proxy-secrets",
            "Endpoint": f"orders-proxy.proxy-c{hexid(HOME, length=10)}.{HOME}.rds.amazonaws.com",
            "RequireTLS": True,
            "IdleClientTimeout": 1800,
            "DebugLogging": False,
            "CreatedDate": ago(days=500),
            "UpdatedDate": ago(days=90),
        }
    ],
    DR: [],
}


def parameter(name, value, source="user", apply_type="dynamic"):
    item = {
        "ParameterName": name,
        "Description": name.replace("_", " "),
        "Source": source,
        "ApplyType": apply_type,
        "DataType": "string",
        "IsModifiable": True,
        "ApplyMethod": "immediate" if apply_type == "dynamic" else "pending-reboot",
    }
    if value is not None:
        item["ParameterValue"] = value
    return item


POSTGRES_PARAMETERS = [
    parameter("rds.force_ssl", "1"),
    parameter("log_connections", "1"),
    parameter("log_disconnections", "1"),
    parameter("log_min_duration_statement", "500"),
    parameter("password_encryption", "scram-sha-256", apply_type="static"),
    parameter("shared_preload_libraries", "pg_stat_statements", apply_type="static"),
]

PARAMETER_GROUPS = {
    HOME: {
        "shop-catalog-pg16": POSTGRES_PARAMETERS,
        "shop-dev-pg16": POSTGRES_PARAMETERS,
        "shop-orders-aurora-pg16-instances": [
            parameter("log_min_duration_statement", "500"),
            parameter("shared_preload_libraries", "pg_stat_statements", apply_type="static"),
        ],
        # The engine's default group: MySQL 8.0 does not require secure transport by default.
        "default.mysql8.0": [
            parameter("require_secure_transport", None, source="engine-default"),
            parameter("max_connections", "{DBInstanceClassMemory/12582880}", source="system"),
        ],
    },
    DR: {
        "shop-orders-aurora-pg16-instances": [
            parameter("log_min_duration_statement", "500"),
            parameter("shared_preload_libraries", "pg_stat_statements", apply_type="static"),
        ],
    },
}

CLUSTER_PARAMETER_GROUPS = {
    HOME: {"shop-orders-aurora-pg16": POSTGRES_PARAMETERS},
    DR: {"shop-orders-dr-aurora-pg16": POSTGRES_PARAMETERS},
}


def option_group(name, engine, version):
    return {
        "OptionGroupName": name,
        "OptionGroupDescription": f"Default option group for {engine} {version}",
        "EngineName": engine,
        "MajorEngineVersion": version,
        "Options": [],
        "AllowsVpcAndNonVpcInstanceMemberships": True,
        "OptionGroupArn": arn("rds", HOME, f"og:{name}"),
    }


OPTION_GROUPS = {
    "default:postgres-16": option_group("default:postgres-16", "postgres", "16"),
    "default:aurora-postgresql-16": option_group("default:aurora-postgresql-16", "aurora-postgresql", "16"),
    "default:mysql-8-0": option_group("default:mysql-8-0", "mysql", "8.0"),
}


def snapshot(region, identifier, source, engine, key, created):
    version, _, port, _ = ENGINES[engine]
    return {
        "DBSnapshotIdentifier": identifier,
        "DBInstanceIdentifier": source,
        "SnapshotCreateTime": ago(days=created),
        "Engine": engine,
        "AllocatedStorage": 200,
        "Status": "available",
        "Port": port,
        "AvailabilityZone": f"{region}a",
        "VpcId": PROD.id,
        "InstanceCreateTime": ago(days=800),
        "MasterUsername": "shop_admin",
        "EngineVersion": version,
        "LicenseModel": "postgresql-license",
        "SnapshotType": "manual",
        "OptionGroupName": "default:postgres-16",
        "PercentProgress": 100,
        "StorageType": "gp3",
        "Encrypted": True,
        "KmsKeyId": key.arn,
        "DBSnapshotArn": arn("rds", region, f"snapshot:{identifier}"),
        "IAMDatabaseAuthenticationEnabled": True,
        "DbiResourceId": "db-" + hexid(region, source, length=26).upper(),
        "TagList": tags(PRODUCTION),
        "SnapshotTarget": "region",
    }


SNAPSHOTS = {
    HOME: [snapshot(HOME, "catalog-before-16-upgrade", "catalog", "postgres", PROD_KEY, 120)],
    DR: [],
}

CLUSTER_SNAPSHOTS = {
    HOME: [
        {
            "AvailabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
            "DBClusterSnapshotIdentifier": "orders-before-16-upgrade",
            "DBClusterIdentifier": "orders",
            "SnapshotCreateTime": ago(days=150),
            "Engine": "aurora-postgresql",
            "EngineMode": "provisioned",
            "AllocatedStorage": 0,
            "Status": "available",
            "Port": 0,
            "VpcId": PROD.id,
            "ClusterCreateTime": ago(days=800),
            "MasterUsername": "shop_admin",
            "EngineVersion": "15.7",
            "LicenseModel": "postgresql-license",
            "SnapshotType": "manual",
            "PercentProgress": 100,
            "StorageEncrypted": True,
            "KmsKeyId": PROD_KEY.arn,
            "DBClusterSnapshotArn": arn("rds", HOME, "cluster-snapshot:orders-before-16-upgrade"),
            "IAMDatabaseAuthenticationEnabled": True,
            "TagList": tags(PRODUCTION),
            "StorageType": "aurora",
        }
    ],
    DR: [],
}

EVENT_SUBSCRIPTIONS = {
    region: [
        {
            "CustomerAwsId": ACCOUNT,
            "CustSubscriptionId": f"shop-rds-{kind}-events",
            "SnsTopicArn": arn("sns", region, "shop-database-alerts"),
            "Status": "active",
            "SubscriptionCreationTime": ago(days=600).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
            "SourceType": kind,
            "EventCategoriesList": ["failover", "failure", "maintenance", "notification"],
            "Enabled": True,
            "EventSubscriptionArn": arn("rds", region, f"es:shop-rds-{kind}-events"),
        }
        for kind in ("db-instance", "db-cluster")
    ]
    for region in REGIONS
}

CERTIFICATES = [
    {
        "CertificateIdentifier": "rds-ca-rsa2048-g1",
        "CertificateType": "CA",
        "Thumbprint": "2b8e0b6e4f3a9c1d7e5f2a8b4c6d0e1f3a5b7c9d",
        "ValidFrom": "2021-05-25T23:34:57Z",
        "ValidTill": "2061-05-25T23:34:57Z",
        "CustomerOverride": False,
    },
    {
        "CertificateIdentifier": "rds-ca-rsa4096-g1",
        "CertificateType": "CA",
        "Thumbprint": "6a1f2e8b0c9d3f4a5b7c8d9e0f1a2b3c4d5e6f70",
        "ValidFrom": "2021-05-26T22:38:50Z",
        "ValidTill": "2121-05-26T23:38:50Z",
        "CustomerOverride": False,
    },
]

RESERVED = {
    HOME: [
        {
            "ReservedDBInstanceId": "shop-orders-r6g-xlarge",
            "ReservedDBInstancesOfferingId": uuid("offering", "r6g.xlarge"),
            "DBInstanceClass": "db.r6g.xlarge",
            "StartTime": ago(days=200),
            "Duration": 31536000,
            "FixedPrice": 0.0,
            "UsagePrice": 0.0,
            "CurrencyCode": "USD",
            "DBInstanceCount": 3,
            "ProductDescription": "aurora-postgresql",
            "OfferingType": "No Upfront",
            "MultiAZ": False,
            "State": "active",
            "RecurringCharges": [{"RecurringChargeAmount": 0.338, "RecurringChargeFrequency": "Hourly"}],
            "ReservedDBInstanceArn": arn("rds", HOME, "ri:shop-orders-r6g-xlarge"),
        },
        {
            "ReservedDBInstanceId": "shop-catalog-m6g-large",
            "ReservedDBInstancesOfferingId": uuid("offering", "m6g.large"),
            "DBInstanceClass": "db.m6g.large",
            "StartTime": ago(days=200),
            "Duration": 31536000,
            "FixedPrice": 0.0,
            "UsagePrice": 0.0,
            "CurrencyCode": "USD",
            "DBInstanceCount": 1,
            "ProductDescription": "postgresql",
            "OfferingType": "No Upfront",
            "MultiAZ": True,
            "State": "active",
            "RecurringCharges": [{"RecurringChargeAmount": 0.222, "RecurringChargeFrequency": "Hourly"}],
            "ReservedDBInstanceArn": arn("rds", HOME, "ri:shop-catalog-m6g-large"),
        },
    ],
    DR: [],
}
