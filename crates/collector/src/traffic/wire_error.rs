//! AWS error responses made up locally (replay's "not recorded", injected faults), in the
//! request's own protocol so that the SDK parses and classifies them like real ones.

use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_types::body::SdkBody;

/// An error `code` with `message` and HTTP `status`, as `service` (the SigV4 signing name)
/// would send it for `request`.
pub(crate) fn error_response(
    request: &HttpRequest,
    service: &str,
    status: u16,
    code: &str,
    message: &str,
) -> HttpResponse {
    let error = serde_json::json!({"__type": code, "message": message});
    let xml_error = || {
        let message = message.replace('&', "&amp;").replace('<', "&lt;");
        format!("<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>")
    };
    let (content_type, body) = if super::is_cbor(request.headers()) {
        let body = super::cbor::from_json(&error).expect("a JSON object encodes as CBOR");
        ("application/cbor", body)
    } else if request.headers().get("x-amz-target").is_some() {
        ("application/x-amz-json-1.1", error.to_string().into_bytes())
    } else if super::key::is_form(request) {
        // EC2 wraps errors differently from the other query protocols.
        let body = if service == "ec2" {
            format!(
                "<Response><Errors>{}</Errors><RequestID>local</RequestID></Response>",
                xml_error()
            )
        } else {
            format!(
                "<ErrorResponse>{}<RequestId>local</RequestId></ErrorResponse>",
                xml_error()
            )
        };
        ("text/xml", body.into_bytes())
    } else if service == "s3" {
        ("application/xml", xml_error().into_bytes())
    } else {
        // REST-JSON services (Account, Backup): the error type travels in a header too.
        ("application/json", error.to_string().into_bytes())
    };
    let status = status.try_into().expect("a valid HTTP status");
    let mut response = HttpResponse::new(status, SdkBody::from(body));
    response.headers_mut().insert("content-type", content_type);
    response
        .headers_mut()
        .insert("x-amzn-errortype", code.to_owned());
    if content_type == "application/cbor" {
        response
            .headers_mut()
            .insert("smithy-protocol", "rpc-v2-cbor");
    }
    response
}
