#!/usr/bin/env python3
"""End-to-end benchmarks: the release binary against emulated fleets, and against their replays.

For each fleet size N this starts a fresh moto server on loopback, builds a fleet of N DB
instances in us-east-1 with tests/emulator/build_fleet.py, and times `rds-evidence collect`
from process start to bundle written: against the emulator, then again with --replay of a
recording of the same fleet, which leaves only the tool's own cost. It prints a table, the
requests per operation against the floor (see docs/PERFORMANCE.md), and writes the figures as
JSON.

Then the same fleet of UNRELATED_FLEET databases without and with --unrelated secrets and stacks
per region (an application's, nothing the databases use): the requests must not grow.

Then an organization far away: six accounts × three regions with --per-region databases each,
reached through roles, collected through the latency and throttling proxy
(tests/emulator/aws_proxy.py) without latency, at 40-150 ms a request, and with each account
also limited to 20 requests a second; each wall time against the critical path the floor
predicts (scripts/floor.py). Run it through `make bench`:

    scripts/bench.py --binary target/release/rds-evidence [--sizes 50,500,2000] [--runs 3]
        [--per-region 50]
"""

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from floor import compare, critical_path, requests

ROOT = Path(__file__).resolve().parent.parent
EMULATOR = ROOT / "tests" / "emulator"
REGION = "us-east-1"

# The unrelated scenario: a fleet, and how many application secrets and stacks join it.
UNRELATED_FLEET = 50
UNRELATED = 300
# The operations whose requests would grow with them.
UNRELATED_OPERATIONS = [
    "secretsmanager:ListSecrets",
    "cloudformation:DescribeStacks",
    "cloudformation:ListStackResources",
]

# The organization scenario: accounts, their regions, and how far away they are.
ACCOUNTS = [digit * 12 for digit in "123456"]
ACCOUNT_REGIONS = "us-east-1,eu-west-1,ap-southeast-2"
ROLE = "RdsEvidenceReadOnly"
LATENCY = "40-150"
ACCOUNT_RATE = 20
DISTANCES = {
    "no latency": ["--latency-ms", "0-0"],
    f"{LATENCY} ms": ["--latency-ms", LATENCY],
    f"{LATENCY} ms, {ACCOUNT_RATE}/s per account": [
        "--latency-ms", LATENCY, "--account-rate", str(ACCOUNT_RATE)],
}

class BenchError(Exception):
    pass


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


class LoopbackServer:
    """One of the servers of tests/emulator on a free loopback port; it stops when its stdin
    closes."""

    def __init__(self, python, script, *args, env=None):
        self.process = subprocess.Popen(
            [python, str(EMULATOR / script), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.close()
            raise BenchError(f"{script} did not start: run `make venv`")
        self.endpoint = f"http://127.0.0.1:{port}"

    def close(self):
        self.process.stdin.close()
        self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()


class Emulator(LoopbackServer):
    """A fresh moto server."""

    def __init__(self, python):
        super().__init__(python, "moto_server.py",
                         env=dict(os.environ, MOTO_RDS_SNAPSHOT_LIMIT="100000"))


class Proxy(LoopbackServer):
    """The latency and throttling proxy in front of `upstream`."""

    def __init__(self, python, upstream, *args):
        super().__init__(python, "aws_proxy.py", "--upstream", upstream, *args)

    def stats(self):
        with urllib.request.urlopen(f"{self.endpoint}/__proxy__/stats") as response:
            return json.load(response)


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


def bench_unrelated(args, work):
    """Requests of one fleet, then of the same fleet beside UNRELATED secrets and stacks."""
    counts = {}
    for unrelated in (0, UNRELATED):
        with Emulator(args.python) as emulator:
            built = subprocess.run(
                [args.python, str(EMULATOR / "build_fleet.py"), "--endpoint-url",
                 emulator.endpoint, "--instances", str(UNRELATED_FLEET), "--regions", REGION,
                 "--unrelated", str(unrelated)],
                capture_output=True, text=True,
            )
            if built.returncode != 0:
                raise BenchError(f"build_fleet.py failed:\n{built.stderr}")
            out = work / f"unrelated-{unrelated}"
            measure([str(args.binary), "collect", "--endpoint-url", emulator.endpoint,
                     "--regions", REGION, "--max-attempts", "1", "--no-evaluate",
                     "--out", str(out)], sealed_environment(work), work / f"{out.name}.log")
        made, _ = requests(json.loads((out / "snapshot.json").read_text()))
        counts[unrelated] = {
            "total": sum(made.values()),
            **{action: made[action] for action in UNRELATED_OPERATIONS},
        }
    return {"fleet": UNRELATED_FLEET, "unrelated": UNRELATED, "requests": counts}


def bench_accounts(args, work):
    """The organization far away: one collection of every account per distance."""
    with Emulator(args.python) as emulator:
        built = subprocess.run(
            [args.python, str(EMULATOR / "build_accounts.py"), "--endpoint-url", emulator.endpoint,
             "--accounts", ",".join(ACCOUNTS), "--regions", ACCOUNT_REGIONS,
             "--instances-per-region", str(args.per_region)],
            capture_output=True, text=True,
        )
        if built.returncode != 0:
            raise BenchError(f"build_accounts.py failed:\n{built.stderr}")
        env = sealed_environment(work)
        runs = []
        for label, distance in DISTANCES.items():
            with Proxy(args.python, emulator.endpoint, *distance) as proxy:
                out = work / label.replace(" ", "-").replace("/", "-")
                run = measure([str(args.binary), "collect", "--regions", ACCOUNT_REGIONS,
                               "--role-name", ROLE, "--account-ids", ",".join(ACCOUNTS),
                               "--endpoint-url", proxy.endpoint, "--out", str(out)],
                              env, work / f"{out.name}.log")
                stats = proxy.stats()
            snapshots = [json.loads((out / a / "snapshot.json").read_text()) for a in ACCOUNTS]
            latency = [float(x) for x in distance[1].split("-")]
            rate = ACCOUNT_RATE if "--account-rate" in distance else None
            path = critical_path(snapshots, sum(latency) / 2 / 1000, 16, 4, True,
                                 rate and (rate, 2 * rate))
            runs.append({
                "distance": label,
                **run,
                "requests": sum(c["attempts"] for s in snapshots for c in s["calls"]),
                "throttled": sum(stats["throttled"].values()),
                **path,
            })
    return {"accounts": len(ACCOUNTS), "regions": ACCOUNT_REGIONS.split(","),
            "databases": len(ACCOUNTS) * 3 * args.per_region, "runs": runs}


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def print_table(rows, header):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    for row in [header, *rows]:
        print("  ".join(str(x).rjust(w) if i else str(x).ljust(w)
                        for i, (x, w) in enumerate(zip(row, widths))))


def report_unrelated(unrelated):
    print(f"\nRequests of {unrelated['fleet']} databases, beside 0 and {unrelated['unrelated']} "
          "unrelated secrets and stacks:")
    before, after = (unrelated["requests"][n] for n in sorted(unrelated["requests"]))
    print_table([[name, before[name], after[name]] for name in ["total", *UNRELATED_OPERATIONS]],
                ["requests", "0 unrelated", f"{unrelated['unrelated']} unrelated"])


def report_accounts(accounts):
    print(f"\n{accounts['accounts']} accounts × {len(accounts['regions'])} regions, "
          f"{accounts['databases']} databases, through roles, through the proxy:")
    print_table([[r["distance"], f"{r['wall_s']:.2f}", f"{r['critical_path_s']:.2f}",
                  f"{r['wall_s'] / r['critical_path_s']:.1f}" if r["critical_path_s"] else "-",
                  r["requests"], r["throttled"], f"{r['user_s']:.2f}", f"{r['peak_rss_mib']:.1f}"]
                 for r in accounts["runs"]],
                ["distance", "wall s", "critical path s", "wall / path", "requests", "throttled",
                 "user s", "peak RSS MiB"])


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
    parser.add_argument("--per-region", type=int, default=50,
                        help="databases per region of each account of the organization scenario "
                        "(default 50; 0 skips it)")
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
    unrelated = accounts = None
    try:
        for instances in args.sizes:
            print(f"N={instances}: building the fleet and collecting it …", file=sys.stderr)
            work = work_root / str(instances)
            work.mkdir()
            results.append(bench_size(args, instances, work))
        print("Unrelated secrets and stacks: two fleets …", file=sys.stderr)
        (work_root / "unrelated").mkdir()
        unrelated = bench_unrelated(args, work_root / "unrelated")
        if args.per_region:
            print("The organization: building six accounts and collecting them …",
                  file=sys.stderr)
            work = work_root / "accounts"
            work.mkdir()
            accounts = bench_accounts(args, work)
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"bench: bundles and recordings kept in {work_root}", file=sys.stderr)
        else:
            shutil.rmtree(work_root, ignore_errors=True)

    report(results)
    report_unrelated(unrelated)
    if accounts:
        report_accounts(accounts)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "runs": args.runs,
            "max_attempts": args.max_attempts,
        },
        "results": results,
        "unrelated": unrelated,
        "accounts": accounts,
    }, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
