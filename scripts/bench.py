#!/usr/bin/env python3
"""End-to-end benchmarks: the release binary against emulated fleets, and against their replays.

For each fleet size N this starts a fresh moto server on loopback, builds a fleet of N DB
instances in us-east-1 with tests/emulator/build_fleet.py, and times `rds-evidence collect`
from process start to bundle written: against the emulator, then again with --replay of a
recording of the same fleet, which leaves only the tool's own cost. It prints a table, the
requests per operation against the floor (see docs/PERFORMANCE.md), and writes the figures as
JSON. Run it through `make bench`:

    scripts/bench.py --binary target/release/rds-evidence [--sizes 50,500,2000] [--runs 3]
"""

import argparse
import collections
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMULATOR = ROOT / "tests" / "emulator"
REGION = "us-east-1"

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
    "cloudformation:DescribeStacks",
    "cloudwatch:DescribeAlarms",
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


class BenchError(Exception):
    pass


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
# Processes
# --------------------------------------------------------------------------


class Emulator:
    """A fresh moto server on a free loopback port; it stops when its stdin closes."""

    def __init__(self, python):
        env = dict(os.environ, MOTO_RDS_SNAPSHOT_LIMIT="100000")
        self.process = subprocess.Popen(
            [python, str(EMULATOR / "moto_server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.close()
            raise BenchError("moto did not start: run `make venv`")
        self.endpoint = f"http://127.0.0.1:{port}"

    def close(self):
        self.process.stdin.close()
        self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


def sealed_environment(home):
    """Static emulator credentials and nothing else: no profile, no instance metadata."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "RUST_LOG"}
    env.update(
        HOME=str(home),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def measure(command, env, log):
    """Runs `command`; returns wall time from spawn to exit, the child's CPU times and peak
    RSS (from wait4, so they are the child's own), and its exit status."""
    with open(log, "w") as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    # 4: written with unknowns, which is what the emulator's gaps give.
    if process.returncode not in (0, 4):
        raise BenchError(f"{' '.join(command)} exited {process.returncode}:\n{Path(log).read_text()}")
    return {
        "wall_s": round(wall, 3),
        "user_s": round(usage.ru_utime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "exit": process.returncode,
    }


def median_run(runs):
    """The run with the median wall time, and the highest peak RSS of all."""
    chosen = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
    return {
        **chosen,
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "wall_s_all": [r["wall_s"] for r in runs],
    }


def bench_size(args, instances, work):
    with Emulator(args.python) as emulator:
        start = time.perf_counter()
        built = subprocess.run(
            [args.python, str(EMULATOR / "build_fleet.py"), "--endpoint-url", emulator.endpoint,
             "--instances", str(instances), "--regions", REGION],
            capture_output=True, text=True,
        )
        if built.returncode != 0:
            raise BenchError(f"build_fleet.py failed:\n{built.stderr}")
        fleet = json.loads(built.stdout)["total"]
        build_s = time.perf_counter() - start

        env = sealed_environment(work)
        binary = str(args.binary)
        live_command = [binary, "collect", "--endpoint-url", emulator.endpoint, "--regions", REGION]
        if args.max_attempts:
            live_command += ["--max-attempts", str(args.max_attempts)]
        live = []
        for run in range(args.runs):
            out = work / f"live-{run}"
            live.append(measure([*live_command, "--out", str(out)], env, work / f"live-{run}.log"))
        recording = work / "recording"
        measure([*live_command, "--record", str(recording), "--out", str(work / "recorded")],
                env, work / "record.log")

    replay = []
    for run in range(args.runs):
        out = work / f"replay-{run}"
        replay.append(measure([binary, "collect", "--replay", str(recording), "--out", str(out)],
                              env, work / f"replay-{run}.log"))

    snapshot = json.loads((work / "live-0" / "snapshot.json").read_text())
    replayed = json.loads((work / "replay-0" / "snapshot.json").read_text())
    if len(replayed["calls"]) != len(snapshot["calls"]):
        raise BenchError(f"N={instances}: the replay made other requests than the live run")
    operations = compare(snapshot)
    total = sum(op["actual"] for op in operations.values())
    floor_total = sum(op["floor"] for op in operations.values())
    return {
        "instances": instances,
        "fleet": fleet,
        "fleet_build_s": round(build_s, 1),
        "live": median_run(live),
        "replay": median_run(replay),
        "requests": total,
        "requests_per_instance": round(total / instances, 3),
        "floor": floor_total,
        "actual_over_floor": round(total / floor_total, 3),
        "operations": operations,
    }


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def print_table(rows, header):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    for row in [header, *rows]:
        print("  ".join(str(x).rjust(w) if i else str(x).ljust(w)
                        for i, (x, w) in enumerate(zip(row, widths))))


def report(results):
    print()
    rows = []
    for r in results:
        for name in ("live", "replay"):
            run = r[name]
            rows.append([
                r["instances"], name, f"{run['wall_s']:.2f}", f"{run['user_s']:.2f}",
                f"{run['sys_s']:.2f}", f"{run['peak_rss_mib']:.1f}", r["requests"],
                f"{r['requests_per_instance']:.2f}", r["floor"], f"{r['actual_over_floor']:.2f}",
            ])
    print_table(rows, ["N", "run", "wall s", "user s", "sys s", "peak RSS MiB", "requests",
                       "req/instance", "floor", "actual/floor"])

    print("\nRequests per operation, actual/floor (* not in the floor's model: 1 per region)")
    actions = sorted({a for r in results for a in r["operations"]})
    rows = []
    for action in actions:
        row = [action]
        for r in results:
            op = r["operations"].get(action, {"actual": 0, "floor": 0, "modelled": True})
            row.append(f"{op['actual']}/{op['floor']}{'' if op['modelled'] else '*'}")
        rows.append(row)
    print_table(rows, ["operation", *(f"N={r['instances']}" for r in results)])


def parse_args():
    def sizes(text):
        try:
            values = [int(x) for x in text.split(",") if x.strip()]
        except ValueError:
            values = []
        if not values or min(values) < 1:
            raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
        return values

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=Path, required=True, help="the release rds-evidence")
    parser.add_argument("--sizes", type=sizes, default=[50, 500, 2000],
                        help="DB instances per fleet, comma-separated (default 50,500,2000)")
    parser.add_argument("--runs", type=int, default=3,
                        help="timed runs of each pipeline; the median is reported (default 3)")
    parser.add_argument("--max-attempts", type=int,
                        help="passed to collect: 1 stops retrying what the emulator does not "
                        "implement (HTTP 500), which otherwise dominates its wall time")
    parser.add_argument("--python", default=sys.executable,
                        help="a Python with moto and boto3 (default: this one)")
    parser.add_argument("--out", type=Path, default=ROOT / "target" / "bench" / "results.json")
    parser.add_argument("--keep", action="store_true",
                        help="keep bundles and recordings (their directory is printed)")
    return parser.parse_args()


def main():
    args = parse_args()
    if not args.binary.is_file():
        print(f"bench: no binary at {args.binary}: cargo build --release -p rds-evidence",
              file=sys.stderr)
        return 1
    work_root = Path(tempfile.mkdtemp(prefix="rds-evidence-bench-"))
    results = []
    try:
        for instances in args.sizes:
            print(f"N={instances}: building the fleet and collecting it …", file=sys.stderr)
            work = work_root / str(instances)
            work.mkdir()
            results.append(bench_size(args, instances, work))
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"bench: bundles and recordings kept in {work_root}", file=sys.stderr)
        else:
            shutil.rmtree(work_root, ignore_errors=True)

    report(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "runs": args.runs,
            "max_attempts": args.max_attempts,
        },
        "results": results,
    }, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
