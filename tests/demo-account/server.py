"""Serves the synthetic demo account over the AWS wire protocols on 127.0.0.1, for
`record.sh` to record with the real collector.

Prints the port on the first line of stdout once listening, and serves until stdin closes.

    python server.py [--port N]

Every operation the collector may call has a handler in `HANDLERS`, keyed by SigV4 signing
name and operation: when the collector learns a new operation, add its handler here (its
values in `estate.py` or `services.py`) and run `make demo-fixture`. An operation without a
handler is answered `InvalidAction` and makes the recording fail, naming it.
"""

import argparse
import hashlib
import http.server
import json
import sys
import threading
from datetime import datetime, timedelta, timezone

import estate as e
import services as s
import wire
from wire import AwsError

# The parameters that size pages rather than select data (as the recorder's keying has it).
PAGE_SIZES = {"MaxRecords", "MaxResults", "maxResults", "Limit", "MaxItems", "max-keys", "limit"}


def request_id(request):
    selecting = sorted((k, str(v)) for k, v in request.params.items() if k not in PAGE_SIZES)
    digest = hashlib.sha256(repr((request.region, request.service, request.operation, request.path, selecting)).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"


# --------------------------------------------------------------------------------------------
# RDS
# --------------------------------------------------------------------------------------------


def parameters(groups, name):
    if name not in groups:
        raise AwsError(404, "DBParameterGroupNotFound", f"Parameter group {name} not found")
    return {"Parameters": groups[name]}


def engine_versions(request):
    engine, version = request.params["Engine"], request.params["EngineVersion"]
    family = next(f for eng, (v, f, _, _) in e.ENGINES.items() if eng == engine and v == version)
    return {
        "DBEngineVersions": [
            {
                "Engine": engine,
                "EngineVersion": version,
                "DBParameterGroupFamily": family,
                "DBEngineDescription": engine,
                "DBEngineVersionDescription": f"{engine} {version}",
                "ValidUpgradeTarget": [],
                "SupportsLogExportsToCloudwatchLogs": True,
                "SupportsReadReplica": True,
                "Status": "available",
            }
        ]
    }


def snapshot_attributes(kind, identifier):
    """Nobody else may restore the manual snapshots: `restore` lists no account."""
    return {
        f"{kind}AttributesResult": {
            f"{kind}Identifier": identifier,
            f"{kind}Attributes": [{"AttributeName": "restore", "AttributeValues": []}],
        }
    }


def rds_events(request):
    # Duration in minutes back from now (the account's clock), 14 days at most; categories
    # as asked.
    minutes = min(int(request.params.get("Duration", 60)), 14 * 24 * 60)
    since = e.NOW - timedelta(minutes=minutes)
    categories = {v for k, v in request.params.items() if k.startswith("EventCategories.")}
    return {
        "Events": [
            ev for ev in s.RDS_EVENTS[request.region]
            if ev["Date"] >= since and (not categories or categories & set(ev["EventCategories"]))
        ]
    }


RDS = {
    "DescribeDBInstances": lambda r: {"DBInstances": e.INSTANCES[r.region]},
    "DescribeDBClusters": lambda r: {"DBClusters": e.CLUSTERS[r.region]},
    "DescribeDBSubnetGroups": lambda r: {"DBSubnetGroups": e.SUBNET_GROUPS[r.region]},
    "DescribeDBSnapshots": lambda r: {"DBSnapshots": e.SNAPSHOTS[r.region]},
    "DescribeDBClusterSnapshots": lambda r: {"DBClusterSnapshots": e.CLUSTER_SNAPSHOTS[r.region]},
    "DescribeDBSnapshotAttributes": lambda r: snapshot_attributes(
        "DBSnapshot", r.params["DBSnapshotIdentifier"]
    ),
    "DescribeDBClusterSnapshotAttributes": lambda r: snapshot_attributes(
        "DBClusterSnapshot", r.params["DBClusterSnapshotIdentifier"]
    ),
    "DescribeEventSubscriptions": lambda r: {"EventSubscriptionsList": e.EVENT_SUBSCRIPTIONS[r.region]},
    "DescribeDBProxies": lambda r: {"DBProxies": e.PROXIES[r.region]},
    "DescribeOptionGroups": lambda r: {"OptionGroupsList": [e.OPTION_GROUPS[r.params["OptionGroupName"]]]},
    "DescribeGlobalClusters": lambda r: {"GlobalClusters": e.GLOBAL_CLUSTERS},
    "DescribePendingMaintenanceActions": lambda r: {"PendingMaintenanceActions": []},
    "DescribeDBEngineVersions": engine_versions,
    "DescribeDBMajorEngineVersions": lambda r: {"DBMajorEngineVersions": s.major_engine_versions(r.params["Engine"])},
    "DescribeEvents": rds_events,
    "DescribeCertificates": lambda r: {
        "DefaultCertificateForNewLaunches": "rds-ca-rsa2048-g1",
        "Certificates": [
            {**c, "CertificateArn": f"arn:aws:rds:{r.region}::cert:{c['CertificateIdentifier']}"}
            for c in e.CERTIFICATES
        ],
    },
    "DescribeReservedDBInstances": lambda r: {"ReservedDBInstances": e.RESERVED[r.region]},
    "DescribeDBParameters": lambda r: parameters(
        e.PARAMETER_GROUPS[r.region], r.params["DBParameterGroupName"]
    ),
    "DescribeDBClusterParameters": lambda r: parameters(
        e.CLUSTER_PARAMETER_GROUPS[r.region], r.params["DBClusterParameterGroupName"]
    ),
}

# --------------------------------------------------------------------------------------------
# EC2: every describe is filtered by VPC.
# --------------------------------------------------------------------------------------------


def networks(request, filter_name="vpc-id"):
    wanted = set(request.filter(filter_name))
    return [n for n in e.NETWORKS.get(request.region, []) if n.id in wanted]


EC2 = {
    "DescribeRegions": lambda r: {
        "Regions": [
            {
                "RegionName": name,
                "Endpoint": f"ec2.{name}.amazonaws.com",
                "OptInStatus": status,
            }
            for name, status in REGION_LIST
        ]
    },
    "DescribeVpcs": lambda r: {"Vpcs": [n.vpc for n in networks(r)]},
    "DescribeSubnets": lambda r: {"Subnets": [x for n in networks(r) for x in n.subnets]},
    "DescribeRouteTables": lambda r: {"RouteTables": [x for n in networks(r) for x in n.route_tables]},
    "DescribeNetworkAcls": lambda r: {"NetworkAcls": [x for n in networks(r) for x in n.nacls]},
    "DescribeSecurityGroups": lambda r: {"SecurityGroups": [x for n in networks(r) for x in n.security_groups]},
    "DescribeFlowLogs": lambda r: {"FlowLogs": [n.flow_log for n in networks(r, "resource-id")]},
    "GetManagedPrefixListEntries": lambda r: {"Entries": prefix_list_entries(r.params["PrefixListId"])},
}


def prefix_list_entries(prefix_list_id):
    if prefix_list_id not in e.PREFIX_LISTS:
        raise AwsError(400, "InvalidPrefixListID.NotFound", f"The prefix list ID '{prefix_list_id}' does not exist")
    return e.PREFIX_LISTS[prefix_list_id]

REGION_LIST = [
    (name, "opt-in-not-required")
    for name in [
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
        "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1",
        "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
        "us-west-2",
    ]
] + [(name, "not-opted-in") for name in ["af-south-1", "ap-east-1", "eu-south-1", "me-south-1"]]

# --------------------------------------------------------------------------------------------
# KMS, Secrets Manager, Logs, Application Auto Scaling, DMS, CloudFormation
# --------------------------------------------------------------------------------------------


def key(request):
    wanted = request.params["KeyId"]
    for k in e.KEYS[request.region]:
        if wanted in (k.arn, k.id):
            return k
    raise AwsError(400, "NotFoundException", f"Key '{wanted}' does not exist")


KMS = {
    "ListAliases": lambda r: {
        "Aliases": [
            {
                "AliasName": f"alias/{k.alias}",
                "AliasArn": e.arn("kms", r.region, f"alias/{k.alias}"),
                "TargetKeyId": k.id,
                "CreationDate": k.created,
                "LastUpdatedDate": k.created,
            }
            for k in e.KEYS[r.region]
        ],
        "Truncated": False,
    },
    "DescribeKey": lambda r: {"KeyMetadata": key(r).metadata()},
    "GetKeyPolicy": lambda r: {"Policy": key(r).policy(), "PolicyName": "default"},
    "GetKeyRotationStatus": lambda r: {
        "KeyRotationEnabled": True,
        "KeyId": key(r).arn,
        "RotationPeriodInDays": 365,
        "NextRotationDate": e.ago(days=-120),
    },
    "ListGrants": lambda r: {
        "Grants": [
            {
                "KeyId": key(r).arn,
                "GrantId": e.hexid(key(r).id, "rds-grant", length=64),
                "Name": "",
                "CreationDate": key(r).created,
                "GranteePrincipal": f"rds.{r.region}.amazonaws.com",
                "RetiringPrincipal": f"rds.{r.region}.amazonaws.com",
                "IssuingAccount": f"arn:aws:iam::{e.ACCOUNT}:root",
                "Operations": [
                    "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
                    "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey",
                ],
            }
        ],
        "Truncated": False,
    },
    "ListResourceTags": lambda r: {
        "Tags": e.tags(key(r).environment, "TagKey", "TagValue"),
        "Truncated": False,
    },
}


def stack_resources(request):
    for summary, resources in s.STACKS[request.region]:
        if summary["StackName"] == request.params["StackName"]:
            return {"StackResourceSummaries": resources}
    raise AwsError(400, "ValidationError", f"Stack with id {request.params['StackName']} does not exist")


def list_secrets(request):
    # Each filter keeps the secrets whose name, tag key or tag value starts with one of its
    # values (prefix matches, case-sensitive); several filters must all match.
    secrets = s.SECRETS[request.region]
    for f in request.params.get("Filters", []):
        prefixes = tuple(f["Values"])
        if f["Key"] == "name":
            secrets = [x for x in secrets if x["Name"].startswith(prefixes)]
        elif f["Key"] in ("tag-key", "tag-value"):
            field = "Key" if f["Key"] == "tag-key" else "Value"
            secrets = [x for x in secrets if any(t[field].startswith(prefixes) for t in x.get("Tags", []))]
        else:
            raise AwsError(400, "InvalidParameterException", f"filter {f['Key']} is not served by the synthetic account")
    return {"SecretList": secrets}


def describe_stacks(request):
    stacks = [summary for summary, _ in s.STACKS[request.region]]
    name = request.params.get("StackName")
    if name is None:
        return {"Stacks": stacks}
    named = [x for x in stacks if name in (x["StackName"], x["StackId"])]
    if not named:
        raise AwsError(400, "ValidationError", f"Stack with id {name} does not exist")
    return {"Stacks": named}


OTHERS = {
    ("secretsmanager", "ListSecrets"): list_secrets,
    ("logs", "DescribeLogGroups"): lambda r: {
        "logGroups": [g for g in s.LOG_GROUPS[r.region] if g["logGroupName"].startswith(r.params.get("logGroupNamePrefix", ""))]
    },
    ("application-autoscaling", "DescribeScalableTargets"): lambda r: {"ScalableTargets": s.SCALABLE_TARGETS[r.region]},
    ("application-autoscaling", "DescribeScalingPolicies"): lambda r: {"ScalingPolicies": s.SCALING_POLICIES[r.region]},
    ("dms", "DescribeEndpoints"): lambda r: {"Endpoints": s.DMS[r.region]["endpoints"]},
    ("dms", "DescribeReplicationTasks"): lambda r: {"ReplicationTasks": s.DMS[r.region]["tasks"]},
    ("cloudformation", "DescribeStacks"): describe_stacks,
    ("cloudformation", "ListStackResources"): stack_resources,
    ("sts", "GetCallerIdentity"): lambda r: {
        "UserId": "AROAEXAMPLEEVIDENCE:rds-evidence",
        "Account": e.ACCOUNT,
        "Arn": f"arn:aws:sts::{e.ACCOUNT}:assumed-role/RdsEvidenceReadOnly/rds-evidence",
    },
}

# --------------------------------------------------------------------------------------------
# CloudTrail and CloudWatch
# --------------------------------------------------------------------------------------------


def lookup_events(request):
    name = request.params["LookupAttributes"][0]["AttributeValue"]
    start, end = (request.params[t] for t in ("StartTime", "EndTime"))
    start = start if isinstance(start, (int, float)) else datetime.fromisoformat(str(start)).timestamp()
    end = end if isinstance(end, (int, float)) else datetime.fromisoformat(str(end)).timestamp()
    events = [
        ev for ev in s.CHANGES[request.region]
        if ev["EventName"] == name and start <= ev["EventTime"].timestamp() < end
    ]
    return {"Events": events}


def get_event_data_store(request):
    wanted = request.params["EventDataStore"]
    if wanted in (s.EVENT_DATA_STORE["EventDataStoreArn"], s.EVENT_DATA_STORE["Name"]):
        return s.EVENT_DATA_STORE
    raise AwsError(400, "EventDataStoreNotFoundException", f"Event data store {wanted} not found")


CLOUDTRAIL = {
    "DescribeTrails": lambda r: {"trailList": s.TRAILS},
    "GetTrailStatus": lambda r: s.TRAIL_STATUS,
    "GetEventSelectors": lambda r: s.EVENT_SELECTORS,
    "LookupEvents": lookup_events,
    "ListEventDataStores": lambda r: {
        "EventDataStores": [
            {"EventDataStoreArn": s.EVENT_DATA_STORE["EventDataStoreArn"], "Name": s.EVENT_DATA_STORE["Name"]}
        ]
        if r.region == s.HOME
        else []
    },
    "GetEventDataStore": get_event_data_store,
}


def metric_data(request):
    start = request.params["StartTime"]
    end = request.params["EndTime"]
    start = start.timestamp() if hasattr(start, "timestamp") else float(start)
    end = end.timestamp() if hasattr(end, "timestamp") else float(end)
    days = int((end - start) // 86400)
    results = []
    for query in request.params["MetricDataQueries"]:
        stat = query["MetricStat"]
        metric = stat["Metric"]
        database = metric["Dimensions"][0]["Value"]
        values = s.metric_values(database, metric["MetricName"], stat["Stat"], days)
        results.append(
            {
                "Id": query["Id"],
                "Label": metric["MetricName"],
                "Timestamps": [datetime.fromtimestamp(start + day * 86400, timezone.utc) for day in range(days)],
                "Values": values,
                "StatusCode": "Complete",
            }
        )
    return {"MetricDataResults": results, "Messages": []}


MONITORING = {
    "DescribeAlarms": lambda r: {"MetricAlarms": s.ALARMS[r.region], "CompositeAlarms": []},
    "GetMetricData": metric_data,
}

# --------------------------------------------------------------------------------------------
# IAM
# --------------------------------------------------------------------------------------------

IAM = {
    "GetAccountSummary": lambda r: {"SummaryMap": s.ACCOUNT_SUMMARY},
    "GetAccountPasswordPolicy": lambda r: {"PasswordPolicy": s.PASSWORD_POLICY},
    "GetAccountAuthorizationDetails": lambda r: s.AUTHORIZATION_DETAILS,
    "ListSAMLProviders": lambda r: {
        "SAMLProviderList": [{"Arn": s.SAML_PROVIDER, "ValidUntil": e.ago(days=-2000), "CreateDate": e.ago(days=700)}]
    },
    "ListOpenIDConnectProviders": lambda r: {"OpenIDConnectProviderList": []},
    "GetCredentialReport": lambda r: {
        "Content": s.CREDENTIAL_REPORT.encode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": e.ago(hours=3),
    },
}

# --------------------------------------------------------------------------------------------
# REST: AWS Backup, Account, S3
# --------------------------------------------------------------------------------------------


def backup(request):
    parts = [p for p in request.path.split("/") if p]
    setup = s.BACKUP[request.region]
    routes = {
        ("backup", "plans"): ("ListBackupPlans", lambda: {"BackupPlansList": setup["plans"]}),
        ("backup", "plans", "*"): ("GetBackupPlan", lambda: setup["plan"]),
        ("backup", "plans", "*", "selections"): ("ListBackupSelections", lambda: {"BackupSelectionsList": setup["selections"]}),
        ("backup", "plans", "*", "selections", "*"): ("GetBackupSelection", lambda: setup["selection"]),
        ("backup-vaults",): ("ListBackupVaults", lambda: {"BackupVaultList": setup["vaults"]}),
        ("resources",): ("ListProtectedResources", lambda: {"Results": setup["protected"]}),
        ("account-settings",): ("DescribeRegionSettings", lambda: s.BACKUP_REGION_SETTINGS),
    }
    shape = tuple("*" if i >= 2 and i % 2 == 0 else p for i, p in enumerate(parts))
    if shape not in routes:
        raise AwsError(400, "InvalidAction", f"{request.method} {request.path} is not served by the synthetic account")
    request.operation, result = routes[shape]
    return result()


def account(request):
    if request.path == "/getContactInformation":
        request.operation = "GetContactInformation"
        return {"ContactInformation": s.CONTACT_INFORMATION}
    if request.path == "/getAlternateContact":
        request.operation = "GetAlternateContact"
        return {"AlternateContact": s.ALTERNATE_CONTACTS[request.params["AlternateContactType"]]}
    raise AwsError(400, "InvalidAction", f"{request.path} is not served by the synthetic account")


def guardduty(request):
    parts = [p for p in request.path.split("/") if p]
    detectors = s.GUARDDUTY[request.region]
    if parts == ["detector"]:
        request.operation = "ListDetectors"
        return {"DetectorIds": list(detectors)}
    if len(parts) == 2 and parts[0] == "detector":
        request.operation = "GetDetector"
        if parts[1] not in detectors:
            raise AwsError(400, "BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.")
        return detectors[parts[1]]
    raise AwsError(400, "InvalidAction", f"{request.path} is not served by the synthetic account")


def s3(request, rid):
    bucket_name = request.path.strip("/").split("/")[0]
    if bucket_name not in s.BUCKETS:
        raise AwsError(404, "NoSuchBucket", "The specified bucket does not exist")
    bucket = s.BUCKETS[bucket_name]
    if "versioning" in request.query:
        return wire.s3_xml("VersioningConfiguration", bucket["versioning"], rid)
    if "object-lock" in request.query:
        return wire.s3_xml("ObjectLockConfiguration", bucket["object_lock"], rid)
    if "publicAccessBlock" in request.query:
        return wire.s3_xml("PublicAccessBlockConfiguration", bucket["public_access_block"], rid)
    if "encryption" in request.query:
        return wire.s3_xml("ServerSideEncryptionConfiguration", bucket["encryption"], rid)
    if "policy" in request.query:
        body = json.dumps(bucket["policy"]).encode()
        return wire.Response(200, {"content-type": "application/json", "x-amz-request-id": rid}, body)
    raise AwsError(400, "InvalidAction", f"{request.path}?{request.query} is not served by the synthetic account")


HANDLERS = {
    **{("rds", op): handler for op, handler in RDS.items()},
    **{("ec2", op): handler for op, handler in EC2.items()},
    **{("kms", op): handler for op, handler in KMS.items()},
    **{("cloudtrail", op): handler for op, handler in CLOUDTRAIL.items()},
    **{("monitoring", op): handler for op, handler in MONITORING.items()},
    **{("iam", op): handler for op, handler in IAM.items()},
    **OTHERS,
}

REST = {"backup": backup, "account": account, "guardduty": guardduty}


def answer(request):
    rid = request_id(request)
    try:
        if request.service == "s3":
            return s3(request, rid)
        if request.protocol == "rest":
            result = REST[request.service](request)
        else:
            handler = HANDLERS.get((request.service, request.operation))
            if handler is None:
                raise AwsError(
                    400,
                    "InvalidAction",
                    f"{request.service}:{request.operation} is not served by the synthetic account: "
                    "add it to tests/demo-account/server.py",
                )
            result = handler(request)
        return wire.respond(request, result, rid)
    except AwsError as failure:
        if failure.code == "InvalidAction":
            print(f"not served: {failure.message}", file=sys.stderr, flush=True)
        return wire.error(request, failure, rid)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        request = wire.Request(self.command, self.path, dict(self.headers), body)
        response = answer(request)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_HEAD = handle_one

    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    try:
        sys.stdin.read()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
