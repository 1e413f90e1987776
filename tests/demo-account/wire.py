"""The AWS wire protocols, as the synthetic account's server speaks them.

Requests are read the way AWS reads them: the SigV4 credential scope names region and
service; `X-Amz-Target` (awsJson), the rpc-v2-cbor path, the `Action` form field (awsQuery,
ec2Query) or method and path (REST) name the operation. Responses are written from plain
Python values against botocore's service models, the machine-readable form of the AWS API
reference: every member is checked against its shape (a misspelt field fails loudly instead of
vanishing on the client), and element names, list member names, result wrappers, namespaces
and timestamp formats come from the model, per protocol.
"""

import base64
import datetime
import json
import urllib.parse
from xml.sax.saxutils import escape

import botocore.session
import cbor2

_SESSION = botocore.session.get_session()
_MODELS = {}


def model(service):
    """The botocore service model of a SigV4 signing name (`monitoring` is CloudWatch)."""
    name = {"monitoring": "cloudwatch"}.get(service, service)
    if name not in _MODELS:
        _MODELS[name] = _SESSION.get_service_model(name)
    return _MODELS[name]


class Request:
    """One request: region and service of its SigV4 scope, operation and parameters."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.headers = {k.lower(): v for k, v in headers.items()}
        url = urllib.parse.urlsplit(path)
        self.path = urllib.parse.unquote(url.path)
        self.query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        credential = self.headers.get("authorization", "").split("Credential=")[1].split(",")[0]
        _, _, self.region, self.service, _ = credential.split("/")
        self.body = body
        target = self.headers.get("x-amz-target")
        if target:
            self.protocol = "json"
            self.operation = target.rsplit(".", 1)[-1]
            self.params = json.loads(body) if body else {}
        elif self.headers.get("smithy-protocol") == "rpc-v2-cbor":
            self.protocol = "cbor"
            self.operation = self.path.rsplit("/operation/", 1)[1]
            self.params = cbor2.loads(body) if body else {}
        elif self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            self.protocol = "ec2" if self.service == "ec2" else "query"
            self.params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
            self.operation = self.params.pop("Action")
            self.params.pop("Version", None)
        else:
            self.protocol = "rest"
            self.operation = None
            self.params = dict(self.query)
            if body and "json" in self.headers.get("content-type", ""):
                self.params.update(json.loads(body))

    def listed(self, prefix):
        """A query-protocol list parameter (`Filter.1.Value.1`, `Names.member.1`), in order."""
        values = []
        for n in range(1, 1000):
            value = self.params.get(f"{prefix}.{n}", self.params.get(f"{prefix}.member.{n}"))
            if value is None:
                return values
            values.append(value)
        return values

    def filter(self, name):
        """The values of an EC2 `Filter.N.Name=name`."""
        for n in range(1, 50):
            if self.params.get(f"Filter.{n}.Name") == name:
                return self.listed(f"Filter.{n}.Value")
        return []


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


class AwsError(Exception):
    """An error AWS would answer with: HTTP status, error code, message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _timestamp(value, protocol):
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if protocol in ("query", "ec2", "rest-xml"):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return value.timestamp()


def _check(shape, value, where):
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            raise TypeError(f"{where}: {shape.name} is a structure, not {value!r}")
        unknown = set(value) - set(shape.members)
        if unknown:
            raise KeyError(f"{where}: {shape.name} has no member {sorted(unknown)}")


def to_json(shape, value, protocol="json", where=""):
    """A value as the JSON protocols send it (CBOR alike, with tagged timestamps)."""
    where = where or shape.name
    if value is None:
        return None
    if shape.type_name == "structure":
        _check(shape, value, where)
        # The JSON protocols name a member by its `locationName` where the model gives one
        # (GuardDuty's `detectorIds`), else by the member's own name.
        return {
            shape.members[name].serialization.get("name", name): to_json(
                shape.members[name], item, protocol, f"{where}.{name}"
            )
            for name, item in value.items()
            if item is not None
        }
    if shape.type_name == "list":
        return [to_json(shape.member, item, protocol, f"{where}[]") for item in value]
    if shape.type_name == "map":
        return {k: to_json(shape.value, v, protocol, f"{where}.{k}") for k, v in value.items()}
    if shape.type_name == "timestamp":
        epoch = _timestamp(value, protocol)
        return cbor2.CBORTag(1, epoch) if protocol == "cbor" else epoch
    if shape.type_name == "blob":
        return base64.b64encode(value).decode() if protocol != "cbor" else value
    if shape.type_name in ("integer", "long"):
        return int(value)
    if shape.type_name in ("double", "float"):
        return float(value)
    if shape.type_name == "boolean":
        return bool(value)
    return str(value)


def _xml(shape, name, value, protocol, where):
    """One element for a member named `name` (its wire name), or several when flattened."""
    if value is None:
        return ""
    if shape.type_name == "structure":
        _check(shape, value, where)
        inner = "".join(
            _xml(
                shape.members[member],
                shape.members[member].serialization.get("name", member),
                item,
                protocol,
                f"{where}.{member}",
            )
            for member, item in value.items()
        )
        return f"<{name}>{inner}</{name}>"
    if shape.type_name == "list":
        item_name = shape.member.serialization.get("name", "item" if protocol == "ec2" else "member")
        items = "".join(
            _xml(shape.member, item_name, item, protocol, f"{where}[]") for item in value
        )
        if shape.serialization.get("flattened"):
            return items
        return f"<{name}>{items}</{name}>"
    if shape.type_name == "map":
        entries = "".join(
            f"<entry>{_xml(shape.key, 'key', k, protocol, where)}"
            f"{_xml(shape.value, 'value', v, protocol, where)}</entry>"
            for k, v in value.items()
        )
        return f"<{name}>{entries}</{name}>"
    if shape.type_name == "timestamp":
        text = _timestamp(value, protocol)
    elif shape.type_name == "boolean":
        text = "true" if value else "false"
    elif shape.type_name == "blob":
        text = base64.b64encode(value).decode()
    else:
        text = str(value)
    return f"<{name}>{escape(text)}</{name}>"


def respond(request, result, request_id):
    """The response to `request` carrying `result`, the operation's output as a dict."""
    service_model = model(request.service)
    operation = service_model.operation_model(request.operation)
    shape = operation.output_shape
    if request.protocol in ("query", "ec2"):
        namespace = service_model.metadata["xmlNamespace"]
        inner = "".join(
            _xml(
                shape.members[member],
                shape.members[member].serialization.get("name", member),
                item,
                request.protocol,
                f"{request.operation}.{member}",
            )
            for member, item in (result or {}).items()
        )
        if shape is not None:
            _check(shape, result or {}, request.operation)
        if request.protocol == "ec2":
            body = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<{request.operation}Response '
                f'xmlns="{namespace}"><requestId>{request_id}</requestId>{inner}'
                f"</{request.operation}Response>"
            )
            content_type = "text/xml;charset=UTF-8"
        else:
            wrapper = shape.serialization.get("resultWrapper") if shape else None
            if wrapper:
                inner = f"<{wrapper}>{inner}</{wrapper}>"
            body = (
                f'<{request.operation}Response xmlns="{namespace}">{inner}<ResponseMetadata>'
                f"<RequestId>{request_id}</RequestId></ResponseMetadata>"
                f"</{request.operation}Response>"
            )
            content_type = "text/xml"
        return Response(200, {"content-type": content_type, "x-amzn-requestid": request_id}, body.encode())
    if request.protocol == "cbor":
        body = cbor2.dumps(to_json(shape, result or {}, "cbor"))
        return Response(
            200,
            {
                "content-type": "application/cbor",
                "smithy-protocol": "rpc-v2-cbor",
                "x-amzn-requestid": request_id,
            },
            body,
        )
    content_type = "application/x-amz-json-1.1" if request.protocol == "json" else "application/json"
    body = json.dumps(to_json(shape, result or {}, "json") if shape else {}).encode()
    return Response(200, {"content-type": content_type, "x-amzn-requestid": request_id}, body)


def error(request, failure, request_id):
    """An AWS error response in the request's protocol."""
    if request.protocol == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{failure.code}'
            f"</Code><Message>{escape(failure.message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
        return Response(failure.status, {"content-type": "text/xml;charset=UTF-8"}, body.encode())
    if request.protocol == "query":
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{failure.code}</Code><Message>"
            f"{escape(failure.message)}</Message></Error><RequestId>{request_id}</RequestId>"
            f"</ErrorResponse>"
        )
        return Response(
            failure.status, {"content-type": "text/xml", "x-amzn-requestid": request_id}, body.encode()
        )
    if request.protocol == "cbor":
        body = cbor2.dumps({"__type": failure.code, "message": failure.message})
        return Response(
            failure.status,
            {
                "content-type": "application/cbor",
                "smithy-protocol": "rpc-v2-cbor",
                "x-amzn-requestid": request_id,
            },
            body,
        )
    if request.service == "s3":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{failure.code}</Code><Message>'
            f"{escape(failure.message)}</Message><RequestId>{request_id}</RequestId></Error>"
        )
        return Response(
            failure.status, {"content-type": "application/xml", "x-amz-request-id": request_id}, body.encode()
        )
    headers = {
        "content-type": "application/x-amz-json-1.1" if request.protocol == "json" else "application/json",
        "x-amzn-requestid": request_id,
    }
    if request.protocol == "rest":
        headers["x-amzn-errortype"] = failure.code
    body = json.dumps({"__type": failure.code, "message": failure.message}).encode()
    return Response(failure.status, headers, body)


def s3_xml(root, value, request_id):
    """An S3 REST-XML document: `root` in the S3 namespace holding `value`'s elements."""
    inner = "".join(_plain_xml(name, item) for name, item in value.items())
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} '
        f'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{inner}</{root}>'
    )
    return Response(200, {"content-type": "application/xml", "x-amz-request-id": request_id}, body.encode())


def _plain_xml(name, value):
    if isinstance(value, dict):
        return f"<{name}>" + "".join(_plain_xml(k, v) for k, v in value.items()) + f"</{name}>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{escape(str(value))}</{name}>"
