//! The SDK's requests as [`WireRequest`]s: keying itself (region and service of the SigV4
//! scope, operation, selecting parameters, the file name) lives in `rds-evidence-wire`, free of
//! the SDK so that it can be fuzzed.

use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
pub use rds_evidence_wire::RequestKey;
use rds_evidence_wire::WireRequest;

/// The operation a request performs, as the allow-list names it (`account:GetContactInformation`),
/// attached to the request by the call-log interceptor: REST requests do not name their
/// operation on the wire.
#[derive(Debug, Clone)]
pub(crate) struct SdkOperation(pub(crate) String);

/// Marks the SDK's implementation of [`WireRequest`]: the orphan rule allows implementing
/// the wire crate's trait for the SDK's type only with a type of this crate in it. With the
/// one implementation, `RequestKey::from_request(&http_request)` infers it.
#[derive(Debug)]
pub enum Sdk {}

impl WireRequest<Sdk> for HttpRequest {
    fn method(&self) -> &str {
        HttpRequest::method(self)
    }

    fn uri(&self) -> &str {
        HttpRequest::uri(self)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers().get(name)
    }

    fn body_bytes(&self) -> &[u8] {
        self.body().bytes().unwrap_or_default()
    }

    fn named_operation(&self) -> Option<&str> {
        self.extension::<SdkOperation>()
            .map(|SdkOperation(action)| action.as_str())
    }
}

pub(super) fn is_form(request: &HttpRequest) -> bool {
    rds_evidence_wire::is_form(|name| request.headers().get(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::body::SdkBody;
    use std::path::PathBuf;

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
    fn sdk_requests_key_by_their_headers_and_body() {
        let key = RequestKey::from_request(&request(
            &[
                ("authorization", AUTH),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            "Action=DescribeDBInstances&Version=2014-10-31&MaxRecords=100&Marker=m2",
        ))
        .unwrap();
        assert_eq!(
            key.to_string(),
            "us-east-1 rds:DescribeDBInstances Marker=m2"
        );
        assert!(key
            .relative_path()
            .starts_with(PathBuf::from("us-east-1/rds")));
    }

    #[test]
    fn the_call_log_names_rest_operations() {
        let auth = AUTH.replace("/rds/", "/s3/");
        let mut request = request(&[("authorization", &auth)], "");
        request
            .set_uri("https://logs-bucket.s3.us-east-1.amazonaws.com/?versioning")
            .unwrap();
        let unnamed = RequestKey::from_request(&request).unwrap();
        assert_eq!(unnamed.operation, "GET /");
        request.add_extension(SdkOperation("s3:GetBucketVersioning".to_owned()));
        let key = RequestKey::from_request(&request).unwrap();
        assert_eq!(key.operation, "GetBucketVersioning");
        assert_eq!(key.params["path"], "/logs-bucket");
        assert_eq!(
            key.relative_path().parent(),
            Some(PathBuf::from("us-east-1/s3").as_path())
        );
    }

    #[test]
    fn unsigned_requests_cannot_be_keyed() {
        assert!(RequestKey::from_request(&request(&[], "Action=X")).is_err());
    }

    #[test]
    fn form_requests_are_recognised() {
        let form = [(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )];
        assert!(is_form(&request(&form, "")));
        assert!(!is_form(&request(&[], "")));
    }
}
