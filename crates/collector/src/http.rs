//! The HTTP client under every SDK client: the SDK's own HTTPS client behind one semaphore, so
//! that however many accounts, regions and resources are collected at once, no more than the
//! limit's requests are in flight.

use std::sync::Arc;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::Semaphore;

/// Requests in flight at once. Clones share the limit: give every account of a run a clone of
/// one limit, and the run as a whole stays within it.
#[derive(Debug, Clone)]
pub struct RequestLimit(Arc<Semaphore>);

impl RequestLimit {
    pub fn new(requests: usize) -> Self {
        RequestLimit(Arc::new(Semaphore::new(requests.max(1))))
    }
}

#[derive(Debug, Clone)]
pub(crate) struct BoundedHttpClient {
    inner: SharedHttpClient,
    permits: Arc<Semaphore>,
}

impl BoundedHttpClient {
    pub(crate) fn new(inner: SharedHttpClient, limit: &RequestLimit) -> Self {
        BoundedHttpClient {
            inner,
            permits: limit.0.clone(),
        }
    }
}

/// The SDK's default HTTPS client: hyper 1, rustls with aws-lc.
pub(crate) fn sdk_https_client() -> SharedHttpClient {
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build_https()
}

impl HttpClient for BoundedHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BoundedConnector {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        })
    }
}

#[derive(Debug)]
struct BoundedConnector {
    inner: SharedHttpConnector,
    permits: Arc<Semaphore>,
}

impl HttpConnector for BoundedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let permits = self.permits.clone();
        HttpConnectorFuture::new(async move {
            // The semaphore is never closed, so acquiring cannot fail.
            let _permit = permits.acquire_owned().await.ok();
            inner.call(request).await
        })
    }
}
