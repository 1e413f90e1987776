use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use rds_evidence_inventory::input;

use super::{Exchange, RequestKey};

/// Answers requests from a recording, by key.
#[derive(Debug)]
pub(crate) struct Replayer {
    dir: PathBuf,
    missing: Mutex<BTreeSet<String>>,
}

impl Replayer {
    pub(crate) fn new(dir: &Path) -> Replayer {
        Replayer {
            dir: dir.to_owned(),
            missing: Mutex::default(),
        }
    }

    /// Requests the recording had no answer for, as `key (expected file)`.
    pub(crate) fn missing(&self) -> Vec<String> {
        self.missing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    fn respond(&self, request: &HttpRequest) -> Result<HttpResponse, ConnectorError> {
        let key =
            RequestKey::from_request(request).map_err(|e| ConnectorError::other(e.into(), None))?;
        let path = self.dir.join(key.relative_path());
        let text = match input::read_to_string(&path, input::limits::RESPONSE) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.missing
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(format!(
                        "{} (expected {})",
                        abbreviated(&key),
                        path.display()
                    ));
                return Ok(not_recorded(request, &key));
            }
            Err(e) => {
                let message = format!("cannot read {}: {e}", path.display());
                return Err(ConnectorError::other(message.into(), None));
            }
        };
        let exchange: Exchange = serde_json::from_str(&text).map_err(|e| {
            let message = format!("{}: not a recorded exchange: {e}", path.display());
            ConnectorError::other(message.into(), None)
        })?;
        let status = exchange
            .response
            .status
            .try_into()
            .map_err(|e| ConnectorError::other(Box::new(e), None))?;
        let body = exchange.response.body_bytes().map_err(|e| {
            let message = format!("{}: {e}", path.display());
            ConnectorError::other(message.into(), None)
        })?;
        let mut response = HttpResponse::new(status, SdkBody::from(body));
        for (name, value) in exchange.response.headers {
            response.headers_mut().insert(name, value);
        }
        Ok(response)
    }
}

/// An `InvalidAction` error, which the SDK reports as an unsupported operation and does not
/// retry.
fn not_recorded(request: &HttpRequest, key: &RequestKey) -> HttpResponse {
    let message = format!("rds-evidence replay: no recorded response for {key}");
    super::error_response(request, &key.service, 400, "InvalidAction", &message)
}

#[derive(Debug, Clone)]
pub(crate) struct ReplayClient {
    pub(crate) replayer: Arc<Replayer>,
}

impl HttpClient for ReplayClient {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(ReplayConnector {
            replayer: self.replayer.clone(),
        })
    }
}

#[derive(Debug)]
struct ReplayConnector {
    replayer: Arc<Replayer>,
}

impl HttpConnector for ReplayConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(self.replayer.respond(&request))
    }
}

/// A request's key as an error message shows it: a `GetMetricData` key lists hundreds of
/// queries, and the expected file name already identifies the request.
fn abbreviated(key: &RequestKey) -> String {
    const SHOWN: usize = 240;
    let text = key.to_string();
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
