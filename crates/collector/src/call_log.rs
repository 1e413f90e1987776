//! The call log, and the interceptor that keeps it and enforces the allow-list.
//!
//! One interceptor sits on every SDK client the collector builds, so each request (every page
//! of a paginated listing, retries counted) is logged with its outcome, and an operation
//! outside [`crate::allow_list`] is refused before anything is sent.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use rds_evidence_inventory::{ApiCall, CallOutcome, FailureKind};

use crate::allow_list::{iam_action, is_allowed};
use crate::failure::classify;
use crate::traffic::SdkOperation;

/// Every request of one collection run, shared by all its clients.
#[derive(Debug, Clone)]
pub struct CallLog {
    started: Instant,
    calls: Arc<Mutex<Vec<ApiCall>>>,
}

impl CallLog {
    pub fn new() -> Self {
        CallLog {
            started: Instant::now(),
            calls: Arc::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The calls so far, in the order they started.
    pub fn calls(&self) -> Vec<ApiCall> {
        let mut calls = self.lock().clone();
        calls.sort_by(|a, b| {
            (a.started_ms, &a.region, &a.action).cmp(&(b.started_ms, &b.region, &b.action))
        });
        calls
    }

    /// Calls made in another account whose results this collection is credited with.
    pub(crate) fn credit(&self, calls: impl IntoIterator<Item = ApiCall>) {
        self.lock().extend(calls);
    }

    pub(crate) fn interceptor(&self, region: &str) -> CallLogInterceptor {
        CallLogInterceptor {
            region: region.to_owned(),
            log: self.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ApiCall>> {
        // A panic elsewhere while holding the lock leaves the log itself consistent.
        self.calls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for CallLog {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug)]
pub(crate) struct CallLogInterceptor {
    region: String,
    log: CallLog,
}

/// Per-execution state kept in the config bag between hooks.
#[derive(Debug, Clone)]
struct Execution {
    action: String,
    started: Instant,
    attempts: u32,
}

impl Storable for Execution {
    type Storer = StoreReplace<Self>;
}

impl Intercept for CallLogInterceptor {
    fn name(&self) -> &'static str {
        "rds-evidence call log"
    }

    // Not `read_before_execution`: client interceptors run that before the operation's
    // metadata is in the config bag.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let action = cfg
            .load::<Metadata>()
            .map(|m| iam_action(m.service(), m.name()))
            .unwrap_or_else(|| "unknown:Unknown".to_owned());
        let allowed = is_allowed(&action);
        cfg.interceptor_state().store_put(Execution {
            action: action.clone(),
            started: Instant::now(),
            attempts: 0,
        });
        if allowed {
            Ok(())
        } else {
            Err(format!("refused to call {action}: it is not in the read-only allow-list").into())
        }
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(execution) = cfg.load::<Execution>() {
            context
                .request_mut()
                .add_extension(SdkOperation(execution.action.clone()));
        }
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(execution) = cfg.load::<Execution>() {
            let mut execution = execution.clone();
            execution.attempts += 1;
            cfg.interceptor_state().store_put(execution);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(execution) = cfg.load::<Execution>() else {
            return Ok(());
        };
        let response = context.response();
        let http_status = response.map(|r| r.status().as_u16());
        let outcome = match context.output_or_error() {
            Some(Ok(_)) => CallOutcome::Ok,
            Some(Err(error)) if error.is_connector_error() || error.is_timeout_error() => {
                CallOutcome::Failed(FailureKind::Unreachable)
            }
            _ => match response {
                Some(response) => {
                    CallOutcome::Failed(classify(error_code(response).as_deref(), http_status))
                }
                None => CallOutcome::Failed(FailureKind::Other),
            },
        };
        let call = ApiCall {
            action: execution.action.clone(),
            region: self.region.clone(),
            started_ms: millis(execution.started.duration_since(self.log.started)),
            duration_ms: millis(execution.started.elapsed()),
            attempts: execution.attempts,
            outcome,
            http_status,
            request_id: response.and_then(request_id),
            account: None,
        };
        self.log.lock().push(call);
        Ok(())
    }
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn request_id(response: &Response) -> Option<String> {
    ["x-amzn-requestid", "x-amz-request-id"]
        .iter()
        .find_map(|name| response.headers().get(*name))
        .map(str::to_owned)
}

/// The AWS error code of a failed response, whatever the protocol: the `x-amzn-ErrorType`
/// header, a JSON `__type`/`code`, or an XML `<Code>`.
fn error_code(response: &Response) -> Option<String> {
    if let Some(header) = response.headers().get("x-amzn-errortype") {
        return Some(short_error_type(header).to_owned());
    }
    let bytes = response.body().bytes()?;
    let cbor = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.starts_with("application/cbor"));
    if cbor {
        let json = crate::traffic::cbor_to_json(bytes).ok()?;
        return Some(short_error_type(json.get("__type")?.as_str()?).to_owned());
    }
    let body = std::str::from_utf8(bytes).ok()?;
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        let code = json.get("__type").or_else(|| json.get("code"))?.as_str()?;
        return Some(short_error_type(code).to_owned());
    }
    let start = body.find("<Code>")? + "<Code>".len();
    let end = body[start..].find("</Code>")? + start;
    Some(body[start..end].trim().to_owned())
}

/// `com.amazonaws.kms#AccessDeniedException` and `AccessDeniedException:http://…` both name
/// `AccessDeniedException`.
fn short_error_type(raw: &str) -> &str {
    let raw = raw.split(':').next().unwrap_or(raw);
    raw.rsplit('#').next().unwrap_or(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::body::SdkBody;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        let status = status.try_into().unwrap();
        let mut response = Response::new(status, SdkBody::from(body.to_owned()));
        for (name, value) in headers {
            response
                .headers_mut()
                .insert(name.to_string(), value.to_string());
        }
        response
    }

    #[test]
    fn error_code_from_query_protocol_xml() {
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                    <Message>no</Message></Error></ErrorResponse>";
        assert_eq!(
            error_code(&response(403, &[], body)).as_deref(),
            Some("AccessDenied")
        );
    }

    #[test]
    fn error_code_from_json_protocol_body_and_header() {
        let body = r#"{"__type":"com.amazonaws.kms#AccessDeniedException","message":"no"}"#;
        assert_eq!(
            error_code(&response(400, &[], body)).as_deref(),
            Some("AccessDeniedException")
        );
        let header = [("x-amzn-ErrorType", "ThrottlingException:http://internal")];
        assert_eq!(
            error_code(&response(400, &header, "")).as_deref(),
            Some("ThrottlingException")
        );
    }

    #[test]
    fn request_id_from_either_header() {
        let r = response(200, &[("x-amzn-RequestId", "abc")], "");
        assert_eq!(request_id(&r).as_deref(), Some("abc"));
    }
}
