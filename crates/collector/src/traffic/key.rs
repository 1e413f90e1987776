//! What identifies a request in a recording: the region and service it was signed for, the
//! operation, and the parameters that select the data. Page sizes are not part of the key, so
//! a recording still serves a tool that asks for other page sizes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
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

/// The operation a request performs, as the allow-list names it (`account:GetContactInformation`),
/// attached to the request by the call-log interceptor: REST requests do not name their
/// operation on the wire.
#[derive(Debug, Clone)]
pub(crate) struct SdkOperation(pub(crate) String);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestKey {
    pub region: String,
    /// The SigV4 signing name, e.g. `rds`, `ec2`, `kms`, `sts`.
    pub service: String,
    pub operation: String,
    pub params: BTreeMap<String, String>,
}

impl RequestKey {
    pub fn from_request(request: &HttpRequest) -> Result<RequestKey, String> {
        let (region, service) = signing_scope(request)
            .ok_or("request is not SigV4-signed: no credential scope to key it by")?;
        let body = request.body().bytes().unwrap_or_default();
        let (operation, mut params) = if let Some(target) = request.headers().get("x-amz-target") {
            json_operation(target, body)?
        } else if super::is_cbor(request.headers()) {
            cbor_operation(request.uri(), body)?
        } else if is_form(request) {
            query_operation(body)?
        } else {
            rest_operation(request, body)?
        };
        params.retain(|name, _| !PAGE_SIZE_PARAMETERS.contains(&name.as_str()));
        let operation = match request.extension::<SdkOperation>() {
            Some(SdkOperation(action)) => action
                .split_once(':')
                .map_or(action.as_str(), |(_, operation)| operation)
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
    pub fn relative_path(&self) -> PathBuf {
        let mut name = self.operation.clone();
        if !self.params.is_empty() {
            let slug: String = self
                .params
                .values()
                .flat_map(|v| v.chars().chain(['_']))
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._=-".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .take(48)
                .collect();
            name.push('-');
            name.push_str(slug.trim_end_matches('_'));
            name.push('-');
            name.push_str(&self.hash()[..10]);
        }
        PathBuf::from(&self.region)
            .join(&self.service)
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

/// Region and service from `Credential=AKID/20260101/us-east-1/rds/aws4_request`.
fn signing_scope(request: &HttpRequest) -> Option<(String, String)> {
    let authorization = request.headers().get("authorization")?;
    let credential = authorization.split("Credential=").nth(1)?;
    let scope: Vec<&str> = credential.split([',', ' ']).next()?.split('/').collect();
    match scope[..] {
        [_, _, region, service, "aws4_request"] => Some((region.to_owned(), service.to_owned())),
        _ => None,
    }
}

pub(super) fn is_form(request: &HttpRequest) -> bool {
    request
        .headers()
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"))
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
    Ok((operation, top_level_fields(super::cbor::to_json(body)?)))
}

/// REST protocols: the method and path name the operation; the query string and a JSON body
/// select.
fn rest_operation(
    request: &HttpRequest,
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
        .headers()
        .get("content-type")
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
    use aws_smithy_types::body::SdkBody;

    const AUTH: &str =
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/rds/aws4_request, \
                        SignedHeaders=host;x-amz-date, Signature=abc";

    fn request(headers: &[(&str, &str)], body: &str) -> HttpRequest {
        let mut request = HttpRequest::new(SdkBody::from(body.to_owned()));
        request
            .set_uri("https://rds.us-east-1.amazonaws.com/")
            .unwrap();
        for (name, value) in headers {
            request
                .headers_mut()
                .insert(name.to_string(), value.to_string());
        }
        request
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
            request.set_uri(uri).unwrap();
            RequestKey::from_request(&request).unwrap()
        };
        let virtual_host = key_of("https://logs-bucket.s3.us-east-1.amazonaws.com/?versioning");
        let path_style = key_of("http://127.0.0.1:5000/logs-bucket?versioning");
        assert_eq!(virtual_host.params, path_style.params);
        assert_eq!(virtual_host.params["path"], "/logs-bucket");
    }

    #[test]
    fn unsigned_requests_cannot_be_keyed() {
        assert!(RequestKey::from_request(&request(&[], "Action=X")).is_err());
    }
}
