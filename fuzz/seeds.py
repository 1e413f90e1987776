#!/usr/bin/env python3
"""Writes the generated part of the seed corpus from fixtures/: request shapes for
`replay_key`, CBOR bodies for `cbor`, recorded exchanges for `recording` and a trimmed
snapshot for `snapshot`. The hand-written seeds beside them are kept as they are.

Run from the repository root: python3 fuzz/seeds.py
"""

import hashlib
import json
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

# awsJson services and their X-Amz-Target prefixes (only the part after the last dot counts).
JSON_TARGETS = {
    "kms": "TrentService",
    "secretsmanager": "secretsmanager",
    "cloudtrail": "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
    "application-autoscaling": "AnyScaleFrontendService",
    "logs": "Logs_20140328",
    "dms": "AmazonDMSv20160101",
}
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=redacted")


def json_value(text):
    """A parameter as the JSON member it came from: nested values were kept as JSON text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, (list, dict, bool, int, float)) else text


def cbor(value):
    """CBOR of a JSON value in the recordings' form ({"$bytes": hex}, {"$tag": n, "value": v})."""
    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
            if n < 1 << (8 * struct.calcsize(fmt)):
                return bytes([major << 5 | info]) + struct.pack(fmt, n)
        raise ValueError(n)

    if value is None:
        return b"\xf6"
    if value is True:
        return b"\xf5"
    if value is False:
        return b"\xf4"
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        data = value.encode()
        return head(3, len(data)) + data
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(cbor(v) for v in value)
    if set(value) == {"$bytes"}:
        data = bytes.fromhex(value["$bytes"])
        return head(2, len(data)) + data
    if set(value) == {"$tag", "value"}:
        return head(6, value["$tag"]) + cbor(value["value"])
    return head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in sorted(value.items()))


def request_text(key):
    """The request a recorded key came from, in the replay_key corpus's text form."""
    region, service, operation = key["region"], key["service"], key["operation"]
    params = dict(key["params"])
    host = f"https://{service}.{region}.amazonaws.com"
    headers = [("authorization", AUTH.format(region=region, service=service))]
    if "path" in params:
        path = params.pop("path") or "/"
        headers.append(("x-sdk-operation", f"{service}:{operation}"))
        if service == "account":
            headers.append(("content-type", "application/x-amz-json-1.1"))
            body = json.dumps({k: json_value(v) for k, v in params.items()}).encode()
            return "POST", host + path, headers, body
        query = "&".join(f"{k}={v}" if v else k for k, v in params.items())
        return "GET", host + path + ("?" + query if query else ""), headers, b""
    if service == "monitoring":
        headers += [("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor")]
        uri = f"{host}/service/GraniteServiceVersion20100801/operation/{operation}"
        return "POST", uri, headers, cbor({k: json_value(v) for k, v in params.items()})
    if service in JSON_TARGETS:
        headers += [("x-amz-target", f"{JSON_TARGETS[service]}.{operation}"),
                    ("content-type", "application/x-amz-json-1.1")]
        body = json.dumps({k: json_value(v) for k, v in params.items()}) if params else ""
        return "POST", host + "/", headers, body.encode()
    headers.append(("content-type", "application/x-www-form-urlencoded; charset=utf-8"))
    from urllib.parse import urlencode
    form = [("Action", operation), ("Version", "2014-10-31")] + sorted(params.items())
    return "POST", host + "/", headers, urlencode(form + [("MaxRecords", "100")]).encode()


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def trimmed(value):
    """Every list cut to its first element: each structure once, in a small file."""
    if isinstance(value, list):
        return [trimmed(v) for v in value[:1]]
    if isinstance(value, dict):
        return {k: trimmed(v) for k, v in value.items()}
    return value


def main():
    exchanges = sorted((ROOT / "fixtures" / "emulator-demo").rglob("*.json")) + sorted(
        (ROOT / "fixtures" / "real-shapes").rglob("*.json"))
    seen_requests, seen_responses = set(), set()
    for path in exchanges:
        if path.name == "recording.json":
            continue
        exchange = json.loads(path.read_text())
        key = exchange["request"]
        # One request shape per service and operation; one response per protocol and service.
        shape = (key["service"], key["operation"])
        if shape not in seen_requests:
            seen_requests.add(shape)
            method, uri, headers, body = request_text(key)
            head = "\n".join([f"{method} {uri}"] + [f"{n}: {v}" for n, v in headers])
            write("replay_key", f"{key['service']}-{key['operation']}", head.encode() + b"\n\n" + body)
            if key["service"] == "monitoring":
                write("cbor", f"request-{key['operation']}", body)
        response = exchange["response"]
        kind = next((k for k in ("cbor", "json", "body") if k in response), "empty")
        text = path.read_bytes()
        if (key["service"], kind) not in seen_responses and len(text) < 8192:
            seen_responses.add((key["service"], kind))
            write("recording", f"{key['service']}-{path.stem[:40]}.json", text)
        if "cbor" in response:
            write("cbor", f"response-{hashlib.sha256(text).hexdigest()[:12]}", cbor(response["cbor"]))
    write("recording", "recording.json", (ROOT / "fixtures" / "emulator-demo" / "recording.json").read_bytes())

    snapshot = json.loads((ROOT / "fixtures" / "emulator-demo-snapshot.json").read_text())
    write("snapshot", "demo-trimmed.json", (json.dumps(trimmed(snapshot), indent=1) + "\n").encode())


if __name__ == "__main__":
    main()
