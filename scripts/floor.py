#!/usr/bin/env python3
"""The floor: the fewest requests that could observe what a snapshot holds, and the shortest
time they could take at a given latency (docs/PERFORMANCE.md explains the model).

scripts/bench.py imports it; the end-to-end tests run it on the snapshots they collect:

    scripts/floor.py [--latency-ms 40-150] [--concurrency 16] [--account-concurrency 4] SNAPSHOT...

prints, as JSON, the requests made against the floor and the predicted critical path.
"""

import argparse
import collections
import json
import math
import sys
from pathlib import Path

# The largest page each listing API allows.
RDS_PAGE = 100
EC2_PAGES = {
    "ec2:DescribeVpcs": 1000,
    "ec2:DescribeSubnets": 1000,
    "ec2:DescribeRouteTables": 100,
    "ec2:DescribeNetworkAcls": 100,
    "ec2:DescribeSecurityGroups": 1000,
    "ec2:DescribeFlowLogs": 1000,
}
# Per KMS key, with the largest page of the paginated ones.
KMS_PER_KEY = {
    "kms:DescribeKey": None,
    "kms:GetKeyPolicy": None,
    "kms:GetKeyRotationStatus": None,
    "kms:ListGrants": 100,
    "kms:ListResourceTags": 50,
}
# Per CloudTrail bucket, one request each.
S3_PER_BUCKET = [
    "s3:GetBucketEncryption",
    "s3:GetBucketPolicy",
    "s3:GetBucketVersioning",
    "s3:GetObjectLockConfiguration",
    "s3:GetPublicAccessBlock",
]
# Once per account, from the home region; GetAlternateContact once per contact type.
ACCOUNT_WIDE = {
    "sts:GetCallerIdentity": 1,
    "ec2:DescribeRegions": 1,
    "cloudtrail:DescribeTrails": 1,
    "iam:GetAccountSummary": 1,
    "iam:GetAccountPasswordPolicy": 1,
    "iam:GetAccountAuthorizationDetails": 1,
    "iam:GetCredentialReport": 1,
    "iam:ListSAMLProviders": 1,
    "iam:ListOpenIDConnectProviders": 1,
    "account:GetContactInformation": 1,
    "account:GetAlternateContact": 3,
}
# Once per region: listings of which the snapshot keeps only the databases' part, so that
# their full length is unknown and one page is the floor.
PER_REGION = [
    "rds:DescribeCertificates",
    "rds:DescribeGlobalClusters",
    "rds:DescribePendingMaintenanceActions",
    "rds:DescribeReservedDBInstances",
    "secretsmanager:ListSecrets",
    "backup:ListBackupPlans",
    "backup:ListBackupVaults",
    "backup:ListProtectedResources",
    "application-autoscaling:DescribeScalableTargets",
    "cloudwatch:DescribeAlarms",
    "cloudtrail:ListEventDataStores",
    "logs:DescribeLogGroups",
    "dms:DescribeReplicationTasks",
    "dms:DescribeEndpoints",
]
# CloudTrail's event history is asked once per RDS change event name (collector/changes.rs).
CHANGE_EVENTS = 15
# GetMetricData: 4 statistics of 7 metrics per instance, of 1 per Aurora cluster, 500 a request.
METRIC_QUERIES_PER_INSTANCE = 28
METRIC_QUERIES_PER_AURORA_CLUSTER = 4
METRIC_QUERIES_PER_REQUEST = 500


def pages(items, page_size):
    """Requests to list `items` at `page_size`: an empty listing still takes one."""
    return max(1, math.ceil(items / page_size))


def value(observed):
    """The value of an `Observed` (serialized as {"value": …}), or None when unknown."""
    return observed.get("value") if isinstance(observed, dict) else None


def count(observed):
    return len(value(observed) or [])


def floor(snapshot):
    """The fewest requests that observe what `snapshot` holds, per action.

    Listings cost their pages at the largest page size; each distinct shared object (parameter
    group, KMS key, manual snapshot, trail, bucket, stack, backup plan) one request per thing
    read about it; everything else one request per region or per account.
    """
    need = collections.Counter(ACCOUNT_WIDE)
    trails = value(snapshot["account_wide"]["trails"]) or []
    need["cloudtrail:GetTrailStatus"] += len(trails)
    need["cloudtrail:GetEventSelectors"] += len(trails)
    for action in S3_PER_BUCKET:
        need[action] += len(snapshot["account_wide"]["trail_buckets"])

    for region in snapshot["regions"]:
        excluded = collections.Counter(e["kind"] for e in region["excluded"])
        listings = {
            "rds:DescribeDBInstances": count(region["db_instances"]) + excluded["db_instance"],
            "rds:DescribeDBClusters": count(region["db_clusters"]) + excluded["db_cluster"],
            "rds:DescribeDBSnapshots": count(region["db_snapshots"]) + excluded["db_snapshot"],
            "rds:DescribeDBClusterSnapshots": count(region["db_cluster_snapshots"])
            + excluded["db_cluster_snapshot"],
            "rds:DescribeDBSubnetGroups": count(region["db_subnet_groups"]),
            "rds:DescribeEventSubscriptions": count(region["event_subscriptions"]),
            "rds:DescribeDBProxies": count(region["db_proxies"]),
        }
        for action, items in listings.items():
            need[action] += pages(items, RDS_PAGE)
        for group in region["parameter_groups"]:
            action = (
                "rds:DescribeDBParameters"
                if group["kind"] == "instance"
                else "rds:DescribeDBClusterParameters"
            )
            need[action] += pages(count(group["parameters"]), RDS_PAGE)
        databases = (value(region["db_instances"]) or []) + (value(region["db_clusters"]) or [])
        need["rds:DescribeDBEngineVersions"] += len({d["engine"] for d in databases})
        need["rds:DescribeOptionGroups"] += len(
            {g for i in value(region["db_instances"]) or [] for g in i["option_groups"]}
        )
        # Automated snapshots cannot be shared: only manual ones have attributes to read.
        for listing, action in (
            ("db_snapshots", "rds:DescribeDBSnapshotAttributes"),
            ("db_cluster_snapshots", "rds:DescribeDBClusterSnapshotAttributes"),
        ):
            need[action] += sum(
                1 for s in value(region[listing]) or [] if s["shared_with"] is not None
            )

        keys = region["kms_keys"]
        if keys:
            aliases = sum(count(key["aliases"]) for key in keys)
            need["kms:ListAliases"] += pages(aliases, 100)
        for key in keys:
            for action, page_size in KMS_PER_KEY.items():
                items = count(key["grants"]) if action == "kms:ListGrants" else 0
                need[action] += pages(items, page_size) if page_size else 1

        network = region["network"]
        if count(network["vpcs"]):
            for action, page_size in EC2_PAGES.items():
                listing = action.removeprefix("ec2:Describe")
                field = {
                    "Vpcs": "vpcs",
                    "Subnets": "subnets",
                    "RouteTables": "route_tables",
                    "NetworkAcls": "network_acls",
                    "SecurityGroups": "security_groups",
                    "FlowLogs": "flow_logs",
                }[listing]
                need[action] += pages(count(network[field]), page_size)

        for action in PER_REGION:
            need[action] += 1
        plans = value(region["backup"]["plans"]) or []
        need["backup:GetBackupPlan"] += len(plans)
        need["backup:ListBackupSelections"] += len(plans)
        targets = value(region["scalable_targets"]) or []
        if targets:
            need["application-autoscaling:DescribeScalingPolicies"] += 1
        need["cloudtrail:GetEventDataStore"] += count(region.get("event_data_stores"))
        # Stacks are read by name, those the databases' tags name: described, then listed.
        need["cloudformation:DescribeStacks"] += count(region["stacks"])
        need["cloudformation:ListStackResources"] += count(region["stacks"])
        need["cloudtrail:LookupEvents"] += CHANGE_EVENTS
        queries = METRIC_QUERIES_PER_INSTANCE * count(region["db_instances"]) + (
            METRIC_QUERIES_PER_AURORA_CLUSTER
            * sum(1 for c in value(region["db_clusters"]) or [] if c["engine"].startswith("aurora"))
        )
        if queries:
            need["cloudwatch:GetMetricData"] += math.ceil(queries / METRIC_QUERIES_PER_REQUEST)
    return need


def requests(snapshot):
    """Requests made per action, retries included, and the regions each action was called in."""
    made = collections.Counter()
    regions = collections.defaultdict(set)
    for call in snapshot["calls"]:
        made[call["action"]] += call["attempts"]
        regions[call["action"]].add(call["region"])
    return made, regions


def compare(snapshot):
    """Per action: requests made and the floor. An action the floor does not model is taken
    to need one request per region it was called in, and is marked."""
    made, regions = requests(snapshot)
    need = floor(snapshot)
    return {
        action: {
            "actual": made.get(action, 0),
            "floor": need[action] if action in need else len(regions[action]),
            "modelled": action in need,
        }
        for action in sorted(set(made) | set(need))
    }



# --------------------------------------------------------------------------
# Time: the longest chain of requests that must follow one another
# --------------------------------------------------------------------------

# Documented pacing the collector keeps to (collector/src/http.rs, PACED): seconds between two
# requests of the operation, per account and region.
PACED = {"cloudtrail:LookupEvents": 0.5}
# Requests before anything else: GetCallerIdentity, then DescribeRegions (and AssumeRole first,
# for an assumed role).
ACCOUNT_START = 2


def region_chain(region, made):
    """Requests of one region that must follow one another, per the collector's order
    (collector/src/region.rs): the RDS listings, then what they reference; beside them the
    snapshots and their sharing, and the change history one event name after another."""
    excluded = collections.Counter(e["kind"] for e in region["excluded"])
    listings = max(
        pages(count(region["db_instances"]) + excluded["db_instance"], RDS_PAGE),
        pages(count(region["db_clusters"]) + excluded["db_cluster"], RDS_PAGE),
        pages(count(region["db_subnet_groups"]), RDS_PAGE),
        pages(count(region["db_proxies"]), RDS_PAGE),
    )
    dependent = [1]
    dependent += [pages(count(g["parameters"]), RDS_PAGE) for g in region["parameter_groups"]]
    network = region["network"]
    if count(network["vpcs"]):
        dependent.append(max(pages(count(network[field]), size) for field, size in (
            ("vpcs", 1000), ("subnets", 1000), ("route_tables", 100), ("network_acls", 100),
            ("security_groups", 1000), ("flow_logs", 1000))))
    keys = region["kms_keys"]
    if keys:
        # ListAliases, then per key DescribeKey before its tags, or its grants' pages.
        aliases = sum(count(key["aliases"]) for key in keys)
        dependent.append(pages(aliases, 100) + max(
            max(2, pages(count(key["grants"]), 100)) for key in keys))
    if value(region["backup"]["plans"]):
        dependent.append(3)  # plans, then each plan's selections, then each selection
    if value(region["scalable_targets"]):
        dependent.append(2)
    if made.get("cloudwatch:GetMetricData", 0) > 1:
        dependent.append(2)  # the first batch alone, then the others at once
    snapshots = max(
        pages(count(region["db_snapshots"]) + excluded["db_snapshot"], RDS_PAGE),
        pages(count(region["db_cluster_snapshots"]) + excluded["db_cluster_snapshot"], RDS_PAGE),
    ) + 1
    # The stacks, named by the tags of what the stage above read: described, then listed.
    stacks = 2 if count(region["stacks"]) else 0
    return max(listings + max(dependent) + stacks, snapshots,
               made.get("cloudtrail:LookupEvents", 0))


def account_chain(snapshot):
    """(requests in sequence, seconds of documented pacing) of one account's collection."""
    made = collections.defaultdict(collections.Counter)
    for call in snapshot["calls"]:
        made[call["region"]][call["action"]] += 1
    trails = value(snapshot["account_wide"]["trails"]) or []
    # DescribeTrails, each trail's status, each bucket's probe (and again in its own region),
    # then the bucket's settings.
    account_wide = 1 + (1 if trails else 0) + (3 if snapshot["account_wide"]["trail_buckets"] else 0)
    regions = [region_chain(r, made[r["region"]]) for r in snapshot["regions"]]
    paced = max((PACED[a] * (n - 1) for r in made.values() for a, n in r.items() if a in PACED),
                default=0)
    return ACCOUNT_START + max([account_wide, *regions]), paced


def critical_path(snapshots, latency_s, concurrency, account_concurrency, assumed_role,
                  account_rate=None):
    """The least wall time the collections could take: the longest account's chain of
    requests (or its documented pacing) at the mean latency, no less than the accounts' chains
    spread over --account-concurrency, nor than every request spread over --concurrency; and
    with a limit of `account_rate` = (requests a second, burst) per account, no less than each
    account's requests beyond the burst at that rate, spread over --account-concurrency."""
    chains = []
    for snapshot in snapshots:
        requests, paced = account_chain(snapshot)
        requests += 1 if assumed_role else 0
        chains.append(max(requests * latency_s, paced + latency_s))
    made = [len(s["calls"]) + (1 if assumed_role else 0) for s in snapshots]
    accounts_at_once = min(account_concurrency, len(chains))
    bounds = {
        "longest_account_s": max(chains),
        "accounts_over_account_concurrency_s": sum(chains) / accounts_at_once,
        "requests_over_concurrency_s": sum(made) * latency_s / concurrency,
    }
    if account_rate:
        rate, burst = account_rate
        bounds["accounts_at_their_rate_s"] = sum(
            max(0, n - burst) / rate for n in made) / accounts_at_once
    return {"critical_path_s": round(max(bounds.values()), 2),
            **{k: round(v, 2) for k, v in bounds.items()}}


def main():
    def milliseconds(text):
        low, _, high = text.partition("-")
        return (float(low) + float(high or low)) / 2 / 1000

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshots", nargs="+", type=Path)
    parser.add_argument("--latency-ms", type=milliseconds, default=0.095,
                        help="MIN-MAX per request; the mean is used (default 40-150)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--account-concurrency", type=int, default=4)
    parser.add_argument("--assumed-role", action="store_true",
                        help="each account was reached by AssumeRole (one request more)")
    parser.add_argument("--account-rate", type=float,
                        help="requests a second each account was limited to (burst: twice)")
    args = parser.parse_args()
    snapshots = [json.loads(path.read_text()) for path in args.snapshots]
    made = sum(op["actual"] for s in snapshots for op in compare(s).values())
    need = sum(op["floor"] for s in snapshots for op in compare(s).values())
    print(json.dumps({
        "accounts": len(snapshots),
        "requests": made,
        "floor": need,
        **critical_path(snapshots, args.latency_ms, args.concurrency, args.account_concurrency,
                        args.assumed_role,
                        args.account_rate and (args.account_rate, 2 * args.account_rate)),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
