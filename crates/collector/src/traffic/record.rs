use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

use super::key::SdkOperation;
use super::scrub::{scrub_secrets, Anonymizer};
use super::{
    Exchange, RecordedResponse, RecordingManifest, RequestKey, KEPT_HEADERS, MANIFEST_FILE,
};
use crate::allow_list::{action_for_signing_name, is_allowed};

/// Writes each allow-listed exchange as it completes. Requests outside the allow-list — the
/// credential providers' `sts:AssumeRole` and SSO calls — are passed through unrecorded, so
/// no credentials are ever written.
#[derive(Debug)]
pub(crate) struct Recorder {
    dir: PathBuf,
    anonymizer: Option<Anonymizer>,
    failures: Mutex<Vec<String>>,
}

impl Recorder {
    pub(crate) fn new(dir: &Path, anonymize: bool) -> Recorder {
        Recorder {
            dir: dir.to_owned(),
            anonymizer: anonymize.then(Anonymizer::default),
            failures: Mutex::default(),
        }
    }

    pub(crate) fn write_manifest(&self, manifest: &RecordingManifest) -> Result<(), String> {
        let text = serde_json::to_string_pretty(manifest).map_err(|e| e.to_string())?;
        write_file(&self.dir.join(MANIFEST_FILE), text.as_bytes()).map_err(|e| {
            format!(
                "cannot write {}: {e}",
                self.dir.join(MANIFEST_FILE).display()
            )
        })
    }

    /// Files that could not be written: the recording is incomplete if there are any.
    pub(crate) fn failures(&self) -> Vec<String> {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn record(
        &self,
        mut key: RequestKey,
        status: u16,
        headers: BTreeMap<String, String>,
        body: &[u8],
    ) {
        // CBOR is recorded in its JSON form, so that scrubbing and anonymizing see text.
        let cbor = headers
            .get("content-type")
            .is_some_and(|t| t.starts_with("application/cbor"));
        let body = if cbor {
            match super::cbor::to_json(body) {
                Ok(json) => json.to_string().into_bytes(),
                Err(e) => {
                    self.fail(format!("{key}: {e}"));
                    return;
                }
            }
        } else {
            body.to_vec()
        };
        let mut text = scrub_secrets(&String::from_utf8_lossy(&body));
        if let Some(anonymizer) = &self.anonymizer {
            anonymizer.learn(&text);
            key.params.values().for_each(|v| anonymizer.learn(v));
            text = anonymizer.apply(&text);
            for value in key.params.values_mut() {
                *value = anonymizer.apply(value);
            }
        }
        for value in key.params.values_mut() {
            *value = scrub_secrets(value);
        }
        let is_json = headers
            .get("content-type")
            .is_some_and(|t| t.contains("json"));
        let parsed = if is_json || cbor {
            serde_json::from_str(&text).ok()
        } else {
            None
        };
        let (json, cbor) = if cbor { (None, parsed) } else { (parsed, None) };
        let response = RecordedResponse {
            status,
            headers,
            body: (json.is_none() && cbor.is_none()).then_some(text),
            json,
            cbor,
        };
        let path = self.dir.join(key.relative_path());
        let exchange = Exchange {
            note: None,
            request: key,
            response,
        };
        let written = serde_json::to_vec_pretty(&exchange)
            .map_err(std::io::Error::other)
            .and_then(|bytes| write_file(&path, &bytes));
        if let Err(e) = written {
            self.fail(format!("{}: {e}", path.display()));
        }
    }

    fn fail(&self, failure: String) {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(failure);
    }
}

/// Whole or not at all: a temporary sibling renamed into place.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.write_all(b"\n")?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[derive(Debug, Clone)]
pub(crate) struct RecordingClient {
    pub(crate) inner: SharedHttpClient,
    pub(crate) recorder: Arc<Recorder>,
}

impl HttpClient for RecordingClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(RecordingConnector {
            inner: self.inner.http_connector(settings, components),
            recorder: self.recorder.clone(),
        })
    }
}

#[derive(Debug)]
struct RecordingConnector {
    inner: SharedHttpConnector,
    recorder: Arc<Recorder>,
}

impl HttpConnector for RecordingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let key = RequestKey::from_request(&request).ok().filter(|k| {
            let action = match request.extension::<SdkOperation>() {
                Some(SdkOperation(action)) => action.clone(),
                None => action_for_signing_name(&k.service, &k.operation),
            };
            is_allowed(&action)
        });
        let inner = self.inner.clone();
        let recorder = self.recorder.clone();
        HttpConnectorFuture::new(async move {
            let mut response = inner.call(request).await?;
            let Some(key) = key else {
                return Ok(response);
            };
            let body = ByteStream::new(response.take_body())
                .collect()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?
                .into_bytes();
            let headers = kept_headers(&response);
            recorder.record(key, response.status().as_u16(), headers, &body);
            *response.body_mut() = SdkBody::from(body);
            Ok(response)
        })
    }
}

fn kept_headers(response: &HttpResponse) -> BTreeMap<String, String> {
    KEPT_HEADERS
        .iter()
        .filter_map(|name| Some((name.to_string(), response.headers().get(*name)?.to_owned())))
        .collect()
}
