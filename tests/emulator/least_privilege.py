"""Creates IAM users limited to an IAM policy, then switches the emulator's IAM enforcement on.

    python least_privilege.py --endpoint-url URL --policy POLICY.json [--without ACTION ...]

Creates user `auditor` with exactly POLICY, and, for each --without ACTION, a user with POLICY
less that action. Prints {user: {"access_key_id": ..., "secret_access_key": ...}} as JSON.
From then on moto answers only requests whose signer's policies allow the action, as AWS does
for a customer's read-only role.
"""

import argparse
import json
import sys
import urllib.request

from botocore.exceptions import BotoCoreError, ClientError

from emulator_clients import Clients, isolate_from_caller_aws_config


def user_with_policy(iam, name, policy):
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name, PolicyName="rds-evidence", PolicyDocument=json.dumps(policy)
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}


def without(policy, action):
    statement = dict(policy["Statement"][0])
    if action not in statement["Action"]:
        raise SystemExit(f"{action} is not in the policy")
    statement["Action"] = [a for a in statement["Action"] if a != action]
    return {**policy, "Statement": [statement]}


def enforce_iam(endpoint_url):
    # The body is the number of requests still served without checks: none.
    request = urllib.request.Request(
        f"{endpoint_url}/moto-api/reset-auth",
        data=b"0",
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=30) as response:
        response.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint-url", required=True)
    parser.add_argument("--policy", required=True)
    parser.add_argument("--without", action="append", default=[])
    args = parser.parse_args()
    isolate_from_caller_aws_config()

    with open(args.policy, encoding="utf-8") as file:
        policy = json.load(file)
    iam = Clients(args.endpoint_url)("iam")
    try:
        users = {"auditor": user_with_policy(iam, "auditor", policy)}
        for action in args.without:
            name = "auditor-without-" + action.replace(":", "-")
            users[name] = user_with_policy(iam, name, without(policy, action))
    except (BotoCoreError, ClientError) as error:
        print(f"least_privilege.py: {error}", file=sys.stderr)
        return 1
    enforce_iam(args.endpoint_url)
    json.dump(users, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
