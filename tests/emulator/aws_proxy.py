"""A latency and throttling proxy between rds-evidence and the moto emulator, on 127.0.0.1.

On loopback a request takes a millisecond and nothing throttles; a real account is 40-150 ms
away and limits requests per API, per account and per region. This proxy puts that back:

- every request waits a latency drawn from --latency-ms (default 40-150);
- the per-API rates AWS documents, per account and region, answered with AWS's own throttling
  error when exceeded (DOCUMENTED_LIMITS);
- a per-account request rate (--account-rate, --account-burst), as an account busy with other
  work would impose; --throttle-account throttles every request of one account;
- S3 answers a bucket addressed in the wrong region with 301 PermanentRedirect and
  x-amz-bucket-region, as S3 does (moto serves every bucket from every region);
- STS refuses to assume a role whose ARN is in another partition than the region's (aws,
  aws-us-gov, aws-cn), as AWS does (moto assumes any);
- --credential-lifetime rewrites the expiry of AssumeRole credentials and refuses requests
  signed with expired ones (ExpiredToken), so that a short test is a long run;
- an operation moto does not implement (its HTTP 500 page) is answered 501 NotImplemented,
  which is not retried: AWS implements them, and a run must not spend its time retrying the
  emulator's gaps.

Requests are told apart by account through the credentials they are signed with: the proxy
reads the account of every AssumeRole it forwards; anything else is moto's default account.

    python aws_proxy.py --upstream http://127.0.0.1:PORT [options]

Prints its port on the first line of stdout once it listens; stops when stdin closes (tests
start it with a pipe, so it stops when the test process exits). GET /__proxy__/stats answers
what it did, as JSON. Only loopback addresses are accepted as upstream.
"""

import argparse
import datetime
import http.client
import http.server
import json
import random
import re
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass

DEFAULT_ACCOUNT = "123456789012"  # moto's account for credentials it did not issue
# Region prefixes of the partitions other than `aws`.
PARTITIONS = (("us-gov-", "aws-us-gov"), ("cn-", "aws-cn"), ("us-isob-", "aws-iso-b"),
              ("us-iso-", "aws-iso"))
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


@dataclass(frozen=True)
class Limit:
    """A token bucket AWS documents for some operations, per account and region."""

    service: str
    prefixes: tuple
    capacity: float
    refill: float
    per_operation: bool
    source: str


DOCUMENTED_LIMITS = [
    Limit("cloudtrail", ("LookupEvents",), 2, 2, False,
          "CloudTrail API Reference, LookupEvents: two requests per second, per account, per "
          "Region"),
    Limit("ec2", ("Describe", "Get", "List"), 100, 20, True,
          "Amazon EC2 API, request throttling: non-mutating actions, a bucket of 100 tokens "
          "per API refilled at 20 a second"),
]


class Bucket:
    def __init__(self, capacity, refill):
        self.capacity, self.refill = capacity, refill
        self.tokens, self.updated = capacity, time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.refill)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes
    access_key: str
    region: str
    service: str
    operation: str
    protocol: str


def parse(method, path, headers, body):
    """Signing scope, operation and protocol of a request."""
    scope = re.search(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request",
                      headers.get("authorization", ""))
    access_key, region, service = scope.groups() if scope else ("", "", "")
    target = headers.get("x-amz-target")
    content_type = headers.get("content-type", "")
    if headers.get("smithy-protocol") == "rpc-v2-cbor":
        protocol, operation = "cbor", path.rsplit("/", 1)[-1]
    elif target:
        protocol, operation = "json", target.rsplit(".", 1)[-1]
    elif content_type.startswith("application/x-www-form-urlencoded"):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        protocol = "ec2" if service == "ec2" else "query"
        operation = form.get("Action", [""])[0]
    elif service == "s3":
        protocol, operation = "s3", f"{method} {urllib.parse.urlsplit(path).path}"
    else:
        protocol, operation = "rest-json", f"{method} {urllib.parse.urlsplit(path).path}"
    return Request(method, path, headers, body, access_key, region, service, operation, protocol)


def cbor_text(text):
    """A CBOR text string (RFC 8949, major type 3)."""
    data = text.encode()
    if len(data) < 24:
        return bytes([0x60 + len(data)]) + data
    if len(data) < 256:
        return bytes([0x78, len(data)]) + data
    return bytes([0x79]) + len(data).to_bytes(2, "big") + data


def error(request, status, code, message, extra_headers=()):
    """An AWS error in the request's protocol, as the SDK parses it."""
    escaped = message.replace("&", "&amp;").replace("<", "&lt;")
    xml = f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{escaped}</Message></Error>"
    request_id = f"proxy-{random.getrandbits(48):012x}"
    if request.protocol == "ec2":
        body = f"<Response><Errors>{xml}</Errors><RequestID>{request_id}</RequestID></Response>"
        content_type = "text/xml"
    elif request.protocol == "query":
        body = f"<ErrorResponse>{xml}<RequestId>{request_id}</RequestId></ErrorResponse>"
        content_type = "text/xml"
    elif request.protocol == "s3":
        body = xml.replace("<Type>Sender</Type>", "")
        content_type = "application/xml"
    elif request.protocol == "cbor":
        fields = {"__type": code, "message": message}
        body = bytes([0xA0 + len(fields)]) + b"".join(
            cbor_text(k) + cbor_text(v) for k, v in fields.items())
        content_type = "application/cbor"
        extra_headers = {"smithy-protocol": "rpc-v2-cbor", **dict(extra_headers)}
    else:
        body = json.dumps({"__type": code, "message": message})
        content_type = ("application/x-amz-json-1.1" if request.protocol == "json"
                        else "application/json")
    headers = {"content-type": content_type, "x-amzn-requestid": request_id,
               "x-amzn-errortype": code, **dict(extra_headers)}
    return status, headers, body if isinstance(body, bytes) else body.encode()


def throttling(request, message="Rate exceeded"):
    if request.protocol == "ec2":
        return error(request, 503, "RequestLimitExceeded", "Request limit exceeded.")
    if request.protocol == "s3":
        return error(request, 503, "SlowDown", "Please reduce your request rate.")
    if request.protocol == "query":
        return error(request, 400, "Throttling", message)
    return error(request, 400, "ThrottlingException", message)


class Proxy:
    def __init__(self, args):
        self.args = args
        self.upstream = urllib.parse.urlsplit(args.upstream)
        self.random = random.Random(args.seed)
        self.lock = threading.Lock()
        self.accounts = {}  # access key id -> account id
        self.expiry = {}  # access key id -> unix time
        self.buckets = {}  # limit key -> Bucket
        self.bucket_regions = {}  # (account, bucket) -> region
        self.stats = {"requests": 0, "by_account": {}, "throttled": {}, "expired": 0,
                      "assumed_roles": 0, "redirected": 0, "not_implemented": 0,
                      "other_partition": 0}

    def count(self, field, key=None):
        with self.lock:
            if key is None:
                self.stats[field] += 1
            else:
                self.stats[field][key] = self.stats[field].get(key, 0) + 1

    def latency(self):
        low, high = self.args.latency_ms
        with self.lock:
            return self.random.uniform(low, high) / 1000

    def take(self, key, capacity, refill):
        with self.lock:
            bucket = self.buckets.setdefault(key, Bucket(capacity, refill))
            return bucket.take()

    def handle(self, request):
        time.sleep(self.latency())
        with self.lock:
            account = self.accounts.get(request.access_key, DEFAULT_ACCOUNT)
            expiry = self.expiry.get(request.access_key)
        self.count("requests")
        self.count("by_account", account)
        if expiry is not None and time.time() >= expiry:
            self.count("expired")
            return error(request, 400 if request.protocol != "s3" else 403,
                         "ExpiredToken", "The security token included in the request is expired")
        refusal = self.throttle(request, account)
        if refusal:
            return refusal
        redirect = self.redirect(request, account)
        if redirect:
            return redirect
        refused = self.other_partition(request)
        if refused:
            return refused
        status, headers, body = self.forward(request)
        if status == 500 and body.lstrip().lower().startswith(b"<!doctype html"):
            self.count("not_implemented")
            return error(request, 501, "NotImplemented",
                         f"the emulator does not implement {request.service}:{request.operation}")
        if request.service == "sts" and request.operation == "AssumeRole" and status == 200:
            body = self.assumed(body)
        return status, headers, body

    def throttle(self, request, account):
        if account in self.args.throttle_account:
            self.count("throttled", f"account {account}")
            return throttling(request)
        for limit in DOCUMENTED_LIMITS:
            if request.service == limit.service and request.operation.startswith(limit.prefixes):
                scope = request.operation if limit.per_operation else limit.prefixes
                key = ("api", account, request.region, limit.service, scope)
                if not self.take(key, limit.capacity, limit.refill):
                    self.count("throttled", f"{limit.service}:{request.operation}")
                    return throttling(request)
        if self.args.account_rate and request.service != "sts":
            if not self.take(("account", account), self.args.account_burst,
                             self.args.account_rate):
                self.count("throttled", "account rate")
                return throttling(request)
        return None

    def other_partition(self, request):
        if (request.service, request.operation) != ("sts", "AssumeRole"):
            return None
        role = urllib.parse.parse_qs(request.body.decode()).get("RoleArn", [""])[0]
        partition = next((p for prefix, p in PARTITIONS if request.region.startswith(prefix)),
                         "aws")
        named = (role.split(":") + ["", ""])[1]
        if named == partition:
            return None
        self.count("other_partition")
        return error(request, 400, "ValidationError",
                     f'Partition "{named}" is not valid for resource "{role}"')

    def redirect(self, request, account):
        """S3 serves a bucket only in its own region's endpoint."""
        if request.protocol != "s3":
            return None
        bucket = urllib.parse.urlsplit(request.path).path.lstrip("/").split("/", 1)[0]
        if not bucket:
            return None
        key = (account, bucket)
        if key not in self.bucket_regions:
            status, _, body = self.forward(Request(
                "GET", f"/{bucket}?location", request.headers, b"", request.access_key,
                request.region, "s3", "GetBucketLocation", "s3"))
            if status != 200:
                return None
            found = re.search(rb"<LocationConstraint[^>]*>([^<]*)</LocationConstraint>", body)
            with self.lock:
                self.bucket_regions[key] = (found.group(1).decode() if found else "") or "us-east-1"
        region = self.bucket_regions[key]
        if region == request.region:
            return None
        self.count("redirected")
        return error(request, 301, "PermanentRedirect",
                     "The bucket you are attempting to access must be addressed using the "
                     "specified endpoint. Please send all future requests to this endpoint.",
                     {"x-amz-bucket-region": region})

    def assumed(self, body):
        """Learns the account of the new credentials; shortens their lifetime if asked."""
        text = body.decode()
        key = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
        arn = re.search(r"<Arn>arn:[^:]+:sts::(\d{12}):assumed-role/", text)
        if not (key and arn):
            return body
        self.count("assumed_roles")
        with self.lock:
            self.accounts[key.group(1)] = arn.group(1)
        if self.args.credential_lifetime:
            expires = time.time() + self.args.credential_lifetime
            with self.lock:
                self.expiry[key.group(1)] = expires
            stamp = datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
            text = re.sub(r"<Expiration>[^<]+</Expiration>",
                          f"<Expiration>{stamp.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>", text)
        return text.encode()

    def forward(self, request):
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port,
                                                timeout=120)
        try:
            headers = {k: v for k, v in request.headers.items() if k not in HOP_BY_HOP}
            headers["content-length"] = str(len(request.body))
            connection.request(request.method, request.path, body=request.body, headers=headers)
            response = connection.getresponse()
            body = response.read()
            kept = {k.lower(): v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
            return response.status, kept, body
        finally:
            connection.close()


def handler(proxy):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def relay(self):
            length = int(self.headers.get("content-length", 0))
            body = self.rfile.read(length) if length else b""
            if self.path == "/__proxy__/stats":
                with proxy.lock:
                    status, headers, body = 200, {"content-type": "application/json"}, \
                        json.dumps(proxy.stats, sort_keys=True).encode()
            else:
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, headers, body = proxy.handle(parse(self.command, self.path, headers, body))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = relay

        def log_message(self, *args):
            pass

    return Handler


def parse_args():
    def milliseconds(text):
        low, _, high = text.partition("-")
        try:
            values = (float(low), float(high or low))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected MIN-MAX milliseconds, got {text!r}")
        if values[0] < 0 or values[1] < values[0]:
            raise argparse.ArgumentTypeError(f"expected 0 <= MIN <= MAX, got {text!r}")
        return values

    def loopback(url):
        host = urllib.parse.urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise argparse.ArgumentTypeError(f"{url}: only a loopback upstream is allowed")
        return url

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", type=loopback, required=True, help="the emulator's URL")
    parser.add_argument("--latency-ms", type=milliseconds, default=(40.0, 150.0),
                        help="per-request latency, uniform between MIN and MAX (default 40-150)")
    parser.add_argument("--account-rate", type=float, default=0,
                        help="requests a second each account may make (0: no limit)")
    parser.add_argument("--account-burst", type=float, default=0,
                        help="requests an account may make at once (default: twice the rate)")
    parser.add_argument("--throttle-account", action="append", default=[],
                        help="throttle every request of this account id (repeatable)")
    parser.add_argument("--credential-lifetime", type=float, default=0,
                        help="seconds AssumeRole credentials live (0: as the emulator says)")
    parser.add_argument("--seed", type=int, default=19, help="seed of the latency draws")
    args = parser.parse_args()
    args.account_burst = args.account_burst or 2 * args.account_rate
    return args


def main():
    proxy = Proxy(parse_args())
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler(proxy))
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
