//! What identifies a request in a recording: the region and service it was signed for, the
//! operation, and the parameters that select the data. Page sizes are not part of the key, so
//! a recording still serves a tool that asks for other page sizes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Parameters that size pages rather than select data.
const PAGE_SIZE_PARAMETERS: &[&str] = &[
    "MaxRecords",
    "MaxResults",
    "maxResults",
    "Limit",
    "MaxItems",
    "max-keys",
];

/// Services with one endpoint per partition (SigV4 signing names). Signed for the
/// partition's global region on AWS (`us-east-1`, `cn-north-1`, …) but for the client's own
/// region through `--endpoint-url`: keyed as `GLOBAL_REGION` either way, so that a recording
/// replays whatever endpoint and home region it was made with.
const GLOBAL_SERVICES: &[&str] = &["account", "iam", "organizations"];

/// The region a global service's requests are keyed under.
const GLOBAL_REGION: &str = "global";

/// What keying needs of an HTTP request.
///
/// `M` is a marker type: it lets a crate implement this trait for a request type it does not
/// own (the collector, for the SDK's `HttpRequest`, with a marker of its own), which the
/// orphan rule would otherwise forbid. Implementations for types of this crate use `()`.
pub trait WireRequest<M = ()> {
    fn method(&self) -> &str;
    /// The full URI, `https://host/path?query`.
    fn uri(&self) -> &str;
    /// A header by its lower-case name.
    fn header(&self, name: &str) -> Option<&str>;
    fn body_bytes(&self) -> &[u8];
    /// The operation as the client names it (`account:GetContactInformation` or
    /// `GetContactInformation`), when it does: REST requests do not name their operation on
    /// the wire, so without it a REST request is keyed by method and path.
    fn named_operation(&self) -> Option<&str> {
        None
    }
}

/// A request as plain parts: for tests, fuzzing and tools without an HTTP stack.
#[derive(Debug, Clone, Default)]
pub struct RequestParts<'a> {
    pub method: &'a str,
    pub uri: &'a str,
    /// Names compared case-insensitively; the first match wins.
    pub headers: Vec<(&'a str, &'a str)>,
    pub body: &'a [u8],
    pub operation: Option<&'a str>,
}

impl WireRequest for RequestParts<'_> {
    fn method(&self) -> &str {
        self.method
    }
    fn uri(&self) -> &str {
        self.uri
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
    fn body_bytes(&self) -> &[u8] {
        self.body
    }
    fn named_operation(&self) -> Option<&str> {
        self.operation
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestKey {
    /// The SigV4 region, or `global` for a service with one endpoint per partition (IAM,
    /// Account, Organizations).
    pub region: String,
    /// The SigV4 signing name, e.g. `rds`, `ec2`, `kms`, `sts`.
    pub service: String,
    pub operation: String,
    pub params: BTreeMap<String, String>,
}

impl RequestKey {
    pub fn from_request<M, R: WireRequest<M> + ?Sized>(request: &R) -> Result<RequestKey, String> {
        let (region, service) = request
            .header("authorization")
            .and_then(signing_scope)
            .ok_or("request is not SigV4-signed: no credential scope to key it by")?;
        let region = if GLOBAL_SERVICES.contains(&service.as_str()) {
            GLOBAL_REGION.to_owned()
        } else {
            region
        };
        let body = request.body_bytes();
        let (operation, mut params) = if let Some(target) = request.header("x-amz-target") {
            json_operation(target, body)?
        } else if is_cbor(|name| request.header(name)) {
            cbor_operation(request.uri(), body)?
        } else if is_form(|name| request.header(name)) {
            query_operation(body)?
        } else {
            rest_operation(request, body)?
        };
        params.retain(|name, _| !PAGE_SIZE_PARAMETERS.contains(&name.as_str()));
        let operation = match request.named_operation() {
            Some(action) => action
                .split_once(':')
                .map_or(action, |(_, operation)| operation)
                .to_owned(),
            None => operation,
        };
        Ok(RequestKey {
            region,
            service,
            operation,
            params,
        })
    }

    /// `<region>/<service>/<Operation>[-<parameters>-<hash>].json`: readable, and unique per key.
    ///
    /// Always three plain components under the recording: characters outside
    /// `[A-Za-z0-9._=-]` become `_`, and a component of dots only has them replaced, so no
    /// key names a file outside the recording (whatever a request's scope or operation says).
    pub fn relative_path(&self) -> PathBuf {
        let mut name = component(&self.operation);
        if !self.params.is_empty() {
            let slug: String = self
                .params
                .values()
                .flat_map(|v| v.chars().chain(['_']))
                .map(safe_char)
                .take(48)
                .collect();
            name.push('-');
            name.push_str(slug.trim_end_matches('_'));
            name.push('-');
            name.push_str(&self.hash()[..10]);
        }
        PathBuf::from(component(&self.region))
            .join(component(&self.service))
            .join(format!("{name}.json"))
    }

    fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [&self.region, &self.service, &self.operation] {
            hasher.update(part.as_bytes());
            hasher.update(b"\n");
        }
        for (name, value) in &self.params {
            hasher.update(name.as_bytes());
            hasher.update(b"=");
            hasher.update(value.as_bytes());
            hasher.update(b"\n");
        }
        hex::encode(hasher.finalize())
    }
}

impl std::fmt::Display for RequestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}:{}", self.region, self.service, self.operation)?;
        for (name, value) in &self.params {
            write!(f, " {name}={value}")?;
        }
        Ok(())
    }
}

fn safe_char(c: char) -> char {
    if c.is_ascii_alphanumeric() || "._=-".contains(c) {
        c
    } else {
        '_'
    }
}

/// `text` as one plain path component: never empty, `.`, `..` or containing a separator.
fn component(text: &str) -> String {
    let safe: String = text.chars().map(safe_char).collect();
    if safe.chars().all(|c| c == '.') {
        "_".repeat(safe.len().max(1))
    } else {
        safe
    }
}

/// Region and service from `Credential=AKID/20260101/us-east-1/rds/aws4_request`.
pub fn signing_scope(authorization: &str) -> Option<(String, String)> {
    let credential = authorization.split("Credential=").nth(1)?;
    let scope: Vec<&str> = credential.split([',', ' ']).next()?.split('/').collect();
    match scope[..] {
        [_, _, region, service, "aws4_request"] => Some((region.to_owned(), service.to_owned())),
        _ => None,
    }
}

/// Whether a request is form-encoded (awsQuery, ec2Query), given a header lookup.
pub fn is_form<'h>(header: impl Fn(&'static str) -> Option<&'h str>) -> bool {
    header("content-type").is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
}

/// Whether a request or response speaks rpc-v2-cbor, given a header lookup.
pub fn is_cbor<'h>(header: impl Fn(&'static str) -> Option<&'h str>) -> bool {
    header("smithy-protocol") == Some("rpc-v2-cbor")
        || header("content-type").is_some_and(|t| t.starts_with("application/cbor"))
}

/// awsQuery and ec2Query: `Action=DescribeDBInstances&Version=…&Marker=…`.
fn query_operation(body: &[u8]) -> Result<(String, BTreeMap<String, String>), String> {
    let mut operation = None;
    let mut params = BTreeMap::new();
    for (name, value) in form_urlencoded::parse(body) {
        match name.as_ref() {
            "Action" => operation = Some(value.into_owned()),
            "Version" => {}
            _ => {
                params.insert(name.into_owned(), value.into_owned());
            }
        }
    }
    Ok((operation.ok_or("query request without Action")?, params))
}

/// awsJson: `X-Amz-Target: TrentService.DescribeKey` and a JSON body; nested values keep their
/// JSON text.
fn json_operation(target: &str, body: &[u8]) -> Result<(String, BTreeMap<String, String>), String> {
    let operation = target.rsplit('.').next().unwrap_or(target).to_owned();
    if body.is_empty() {
        return Ok((operation, BTreeMap::new()));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("{target}: body is not JSON: {e}"))?;
    Ok((operation, top_level_fields(value)))
}

/// The top-level members of a request body as parameters; nested values keep their JSON text.
fn top_level_fields(value: serde_json::Value) -> BTreeMap<String, String> {
    let serde_json::Value::Object(fields) = value else {
        return BTreeMap::new();
    };
    fields
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (name, text)
        })
        .collect()
}

/// rpc-v2-cbor: `/service/<Service>/operation/<Operation>` and a CBOR body, keyed like JSON.
fn cbor_operation(uri: &str, body: &[u8]) -> Result<(String, BTreeMap<String, String>), String> {
    let operation = uri
        .rsplit_once("/operation/")
        .map(|(_, op)| op.split('?').next().unwrap_or(op).to_owned())
        .ok_or_else(|| format!("{uri}: not an rpc-v2-cbor operation path"))?;
    if body.is_empty() {
        return Ok((operation, BTreeMap::new()));
    }
    Ok((operation, top_level_fields(crate::cbor::to_json(body)?)))
}

/// REST protocols: the method and path name the operation; the query string and a JSON body
/// select.
fn rest_operation<M, R: WireRequest<M> + ?Sized>(
    request: &R,
    body: &[u8],
) -> Result<(String, BTreeMap<String, String>), String> {
    let uri = request.uri();
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let path = path
        .split_once("://")
        .map_or(path, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let operation = format!("{} {path}", request.method());
    let mut params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // The path carries identifiers (a plan id, a bucket) that select data. S3 names the bucket
    // in the host (virtual-hosted style) or the path (path style, as emulators use): keyed the
    // same either way, so that an emulator recording replays without the emulator.
    let host = uri
        .split_once("://")
        .map_or("", |(_, rest)| rest.split(['/', ':']).next().unwrap_or(""));
    let virtual_bucket = host
        .split_once(".s3.")
        .or_else(|| host.split_once(".s3-"))
        .map(|(bucket, _)| bucket)
        .filter(|bucket| !bucket.is_empty());
    let path = match virtual_bucket {
        Some(bucket) => format!("/{bucket}{path}"),
        None => path.to_owned(),
    };
    params.insert("path".to_owned(), path.trim_end_matches('/').to_owned());
    let is_json = request
        .header("content-type")
        .is_some_and(|t| t.contains("json"));
    if is_json && !body.is_empty() {
        let (_, body_params) = json_operation(&operation, body)?;
        params.extend(body_params);
    }
    Ok((operation, params))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTH: &str =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/rds/aws4_request, \
                        SignedHeaders=host;x-amz-date, Signature=abc";

    fn request<'a>(headers: &[(&'a str, &'a str)], body: &'a str) -> RequestParts<'a> {
        RequestParts {
            method: "POST",
            uri: "https://rds.us-east-1.amazonaws.com/",
            headers: headers.to_vec(),
            body: body.as_bytes(),
            operation: None,
        }
    }

    #[test]
    fn query_requests_key_on_action_and_selecting_parameters() {
        let key = RequestKey::from_request(&request(
            &[
                ("authorization", AUTH),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "Action=DescribeDBParameters&Version=2014-10-31&DBParameterGroupName=pg%2016&MaxRecords=100&Marker=m2",
        ))
        .unwrap();
        assert_eq!(
            (key.region.as_str(), key.service.as_str()),
            ("us-east-1", "rds")
        );
        assert_eq!(key.operation, "DescribeDBParameters");
        assert_eq!(
            key.params,
            BTreeMap::from([
                ("DBParameterGroupName".to_owned(), "pg 16".to_owned()),
                ("Marker".to_owned(), "m2".to_owned())
            ])
        );
        let path = key.relative_path();
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(path.starts_with("us-east-1/rds"));
        assert!(name.starts_with("DescribeDBParameters-pg_16_m2-"), "{name}");
    }

    #[test]
    fn page_size_does_not_change_the_key() {
        let auth = [
            ("authorization", AUTH),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        let a =
            RequestKey::from_request(&request(&auth, "Action=DescribeDBInstances&MaxRecords=100"))
                .unwrap();
        let b =
            RequestKey::from_request(&request(&auth, "Action=DescribeDBInstances&MaxRecords=20"))
                .unwrap();
        assert_eq!(a, b);
        assert_eq!(
            a.relative_path(),
            PathBuf::from("us-east-1/rds/DescribeDBInstances.json")
        );
    }

    #[test]
    fn json_requests_key_on_target_and_body() {
        let auth = AUTH.replace("/rds/", "/kms/");
        let key = RequestKey::from_request(&request(
            &[
                ("authorization", &auth),
                ("x-amz-target", "TrentService.GetKeyPolicy"),
            ],
            r#"{"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k","PolicyName":"default"}"#,
        ))
        .unwrap();
        assert_eq!(key.operation, "GetKeyPolicy");
        assert_eq!(key.params["PolicyName"], "default");
    }

    #[test]
    fn different_parameters_give_different_files() {
        let auth = [
            ("authorization", AUTH),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        let a = RequestKey::from_request(&request(
            &auth,
            "Action=DescribeDBSnapshotAttributes&DBSnapshotIdentifier=a",
        ))
        .unwrap();
        let b = RequestKey::from_request(&request(
            &auth,
            "Action=DescribeDBSnapshotAttributes&DBSnapshotIdentifier=b",
        ))
        .unwrap();
        assert_ne!(a.relative_path(), b.relative_path());
    }

    #[test]
    fn s3_buckets_key_the_same_in_virtual_host_and_path_style() {
        let auth = AUTH.replace("/rds/", "/s3/");
        let key_of = |uri: &str| {
            let mut request = request(&[("authorization", &auth)], "");
            request.method = "GET";
            request.uri = uri;
            request.operation = Some("s3:GetBucketVersioning");
            RequestKey::from_request(&request).unwrap()
        };
        let virtual_host = key_of("https://logs-bucket.s3.us-east-1.amazonaws.com/?versioning");
        let path_style = key_of("http://127.0.0.1:5000/logs-bucket?versioning");
        assert_eq!(virtual_host.params, path_style.params);
        assert_eq!(virtual_host.params["path"], "/logs-bucket");
        assert_eq!(virtual_host.operation, "GetBucketVersioning");
    }

    #[test]
    fn rest_requests_without_a_named_operation_key_on_method_and_path() {
        let auth = AUTH.replace("/rds/", "/backup/");
        let mut request = request(&[("authorization", &auth)], "");
        request.method = "GET";
        request.uri = "https://backup.us-east-1.amazonaws.com/backup/plans/?maxResults=10";
        let key = RequestKey::from_request(&request).unwrap();
        assert_eq!(key.operation, "GET /backup/plans/");
        assert_eq!(
            key.params,
            BTreeMap::from([("path".to_owned(), "/backup/plans".to_owned())])
        );
    }

    #[test]
    fn global_services_key_the_same_whatever_region_signed_them() {
        let key_of = |region: &str| {
            let auth = AUTH.replace("/us-east-1/rds/", &format!("/{region}/iam/"));
            let form = ("content-type", "application/x-www-form-urlencoded");
            RequestKey::from_request(&request(
                &[("authorization", &auth), form],
                "Action=GetAccountSummary&Version=2010-05-08",
            ))
            .unwrap()
        };
        // AWS signs IAM for us-east-1; through --endpoint-url, the client's home region.
        assert_eq!(key_of("us-east-1"), key_of("eu-central-1"));
        assert_eq!(
            key_of("eu-central-1").relative_path(),
            PathBuf::from("global/iam/GetAccountSummary.json")
        );
    }

    #[test]
    fn unsigned_requests_cannot_be_keyed() {
        assert!(RequestKey::from_request(&request(&[], "Action=X")).is_err());
    }

    #[test]
    fn no_key_names_a_file_outside_the_recording() {
        let auth = "AWS4-HMAC-SHA256 Credential=A/20260101/../../aws4_request";
        let mut request = request(&[("authorization", auth), ("x-amz-target", "S.Op/x")], "");
        let key = RequestKey::from_request(&request).unwrap();
        assert_eq!(
            (key.region.as_str(), key.operation.as_str()),
            ("..", "Op/x")
        );
        assert_eq!(key.relative_path(), PathBuf::from("__/__/Op_x.json"));
        request.operation = Some("s3:../../etc");
        request.headers[0].1 = "AWS4-HMAC-SHA256 Credential=A/20260101//./aws4_request";
        let key = RequestKey::from_request(&request).unwrap();
        assert_eq!(key.relative_path(), PathBuf::from("_/_/.._.._etc.json"));
        request.operation = Some("");
        let key = RequestKey::from_request(&request).unwrap();
        assert_eq!(key.relative_path(), PathBuf::from("_/_/_.json"));
    }
}
