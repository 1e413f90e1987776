//! The HTTP client under every data client: the SDK's HTTPS client (or a recording or replay)
//! behind the run's request limit, so that however many accounts, regions and resources are
//! collected at once, no more than `--concurrency` requests are in flight.
//!
//! A request waits, in this order, for the documented rate of its operation in its account
//! and region ([`PACED`]), for a slot among its service's requests in that account and region
//! (`--service-concurrency`), and for a slot in the run (`--concurrency`). Only then does its
//! time start: `--call-timeout` bounds the exchange itself (sending, and reading the whole
//! response), never the time spent queued, which the SDK's own attempt timeout would count.
//! Credential providers use the client beneath, so a credential refresh never queues behind
//! data requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::traffic::SdkOperation;

/// Request rates AWS documents per account and region, which the collector keeps to rather
/// than meet as throttling: the least time between two requests of the operation.
pub(crate) const PACED: &[(&str, Duration)] = &[
    // CloudTrail API Reference, LookupEvents: "limited to two per second, per account, per
    // Region".
    ("cloudtrail:LookupEvents", Duration::from_millis(500)),
];

/// Requests in flight at once. Clones share the limit: give every account of a run a clone of
/// one limit, and the run as a whole stays within it.
#[derive(Debug, Clone)]
pub struct RequestLimit(Arc<Semaphore>);

impl RequestLimit {
    pub fn new(requests: usize) -> Self {
        RequestLimit(Arc::new(Semaphore::new(requests.max(1))))
    }
}

/// How one account's requests are bounded.
#[derive(Debug, Clone)]
pub(crate) struct Bounds {
    pub run: RequestLimit,
    /// Requests of one service in one region in flight at once.
    pub per_service: usize,
    /// Time allowed for one exchange, once it is sent.
    pub call_timeout: Duration,
    /// Keep to [`PACED`]; a replay talks to no service and need not.
    pub pace: bool,
}

/// One account's bounded client: its service slots and pacing are its own (AWS limits each
/// account separately), the run's limit is shared.
#[derive(Debug, Clone)]
pub(crate) struct BoundedHttpClient {
    inner: SharedHttpClient,
    state: Arc<AccountState>,
}

#[derive(Debug)]
struct AccountState {
    bounds: Bounds,
    /// By (region, SigV4 signing name).
    services: Mutex<HashMap<(String, String), Arc<Semaphore>>>,
    /// By (region, action): when the next request may go.
    next_slot: Mutex<HashMap<(String, &'static str), Instant>>,
}

impl BoundedHttpClient {
    pub(crate) fn new(inner: SharedHttpClient, bounds: Bounds) -> Self {
        BoundedHttpClient {
            inner,
            state: Arc::new(AccountState::new(bounds)),
        }
    }
}

impl AccountState {
    fn new(bounds: Bounds) -> Self {
        AccountState {
            bounds,
            services: Mutex::default(),
            next_slot: Mutex::default(),
        }
    }

    /// Waits for the operation's next slot in its region, if AWS documents a rate for it.
    async fn pace(&self, region: &str, action: &str) {
        let Some((action, interval)) = PACED
            .iter()
            .find(|(paced, _)| self.bounds.pace && *paced == action)
        else {
            return;
        };
        let slot = {
            let mut next = lock(&self.next_slot);
            let now = Instant::now();
            let next = next.entry((region.to_owned(), *action)).or_insert(now);
            let slot = (*next).max(now);
            *next = slot + *interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    fn service(&self, region: &str, service: &str) -> Arc<Semaphore> {
        lock(&self.services)
            .entry((region.to_owned(), service.to_owned()))
            .or_insert_with(|| Arc::new(Semaphore::new(self.bounds.per_service.max(1))))
            .clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            state: self.state.clone(),
        })
    }
}

#[derive(Debug)]
struct BoundedConnector {
    inner: SharedHttpConnector,
    state: Arc<AccountState>,
}

impl HttpConnector for BoundedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let state = self.state.clone();
        let scope = request
            .headers()
            .get("authorization")
            .and_then(rds_evidence_wire::signing_scope);
        let action = request
            .extension::<SdkOperation>()
            .map(|SdkOperation(action)| action.clone());
        HttpConnectorFuture::new(async move {
            let _service = match &scope {
                Some((region, service)) => {
                    if let Some(action) = &action {
                        state.pace(region, action).await;
                    }
                    // The semaphores are never closed, so acquiring cannot fail.
                    state.service(region, service).acquire_owned().await.ok()
                }
                None => None,
            };
            let _permit = state.bounds.run.0.clone().acquire_owned().await.ok();
            let timeout = state.bounds.call_timeout;
            match tokio::time::timeout(timeout, exchange(&inner, request)).await {
                Ok(result) => result,
                Err(_) => Err(ConnectorError::timeout(
                    format!(
                        "no response within {}s (--call-timeout)",
                        timeout.as_secs_f64()
                    )
                    .into(),
                )),
            }
        })
    }
}

/// Sends the request and reads the whole response, so that a response that stalls half-way
/// is bounded by the same timeout.
async fn exchange(
    inner: &SharedHttpConnector,
    request: HttpRequest,
) -> Result<HttpResponse, ConnectorError> {
    let mut response = inner.call(request).await?;
    let body = ByteStream::new(response.take_body())
        .collect()
        .await
        .map_err(|e| ConnectorError::io(e.into()))?
        .into_bytes();
    *response.body_mut() = SdkBody::from(body);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Answers every request with 200 after `delay`, noting when each arrived.
    #[derive(Debug, Clone)]
    struct SlowServer {
        delay: Duration,
        arrivals: Arc<Mutex<Vec<Instant>>>,
        in_flight: Arc<AtomicUsize>,
        most_in_flight: Arc<AtomicUsize>,
    }

    impl SlowServer {
        fn new(delay: Duration) -> Self {
            SlowServer {
                delay,
                arrivals: Arc::default(),
                in_flight: Arc::default(),
                most_in_flight: Arc::default(),
            }
        }
    }

    impl HttpConnector for SlowServer {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let server = self.clone();
            HttpConnectorFuture::new(async move {
                lock(&server.arrivals).push(Instant::now());
                let now = server.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                server.most_in_flight.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(server.delay).await;
                server.in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(HttpResponse::new(
                    200.try_into().unwrap(),
                    SdkBody::from("ok"),
                ))
            })
        }
    }

    fn connector(server: &SlowServer, bounds: Bounds) -> BoundedConnector {
        BoundedConnector {
            inner: SharedHttpConnector::new(server.clone()),
            state: Arc::new(AccountState::new(bounds)),
        }
    }

    fn request(region: &str, service: &str, action: Option<&str>) -> HttpRequest {
        let mut request = HttpRequest::new(SdkBody::empty());
        request.headers_mut().insert(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/{region}/{service}/aws4_request, \
                 SignedHeaders=host, Signature=0"
            ),
        );
        if let Some(action) = action {
            request.add_extension(SdkOperation(action.to_owned()));
        }
        request
    }

    fn bounds(run: usize, per_service: usize, call_timeout_ms: u64) -> Bounds {
        Bounds {
            run: RequestLimit::new(run),
            per_service,
            call_timeout: Duration::from_millis(call_timeout_ms),
            pace: true,
        }
    }

    #[tokio::test]
    async fn time_queued_does_not_count_against_the_call_timeout() {
        let server = SlowServer::new(Duration::from_millis(60));
        let connector = connector(&server, bounds(1, 8, 100));
        // Eight requests one at a time take 480 ms: the last waits far longer than 100 ms.
        let results = futures::future::join_all(
            (0..8).map(|_| connector.call(request("us-east-1", "rds", None))),
        )
        .await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        assert_eq!(server.most_in_flight.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_slow_exchange_times_out() {
        let server = SlowServer::new(Duration::from_millis(300));
        let connector = connector(&server, bounds(4, 4, 50));
        let error = connector
            .call(request("us-east-1", "rds", None))
            .await
            .unwrap_err();
        assert!(error.is_timeout(), "{error:?}");
    }

    #[tokio::test]
    async fn each_service_of_each_region_has_its_own_slots() {
        let server = SlowServer::new(Duration::from_millis(40));
        let connector = connector(&server, bounds(16, 2, 1000));
        let rds = (0..6).map(|_| connector.call(request("us-east-1", "rds", None)));
        futures::future::join_all(rds).await;
        assert_eq!(server.most_in_flight.load(Ordering::SeqCst), 2);

        server.most_in_flight.store(0, Ordering::SeqCst);
        let mixed = ["rds", "ec2", "kms"].into_iter().flat_map(|service| {
            ["us-east-1", "eu-west-1"]
                .into_iter()
                .map(move |region| request(region, service, None))
        });
        futures::future::join_all(mixed.map(|r| connector.call(r))).await;
        assert_eq!(server.most_in_flight.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn lookup_events_keeps_to_two_a_second_per_region() {
        let server = SlowServer::new(Duration::ZERO);
        let connector = connector(&server, bounds(16, 8, 1000));
        let start = Instant::now();
        let calls = ["us-east-1", "us-east-1", "us-east-1", "eu-west-1"].map(|region| {
            connector.call(request(
                region,
                "cloudtrail",
                Some("cloudtrail:LookupEvents"),
            ))
        });
        futures::future::join_all(calls).await;
        let mut arrivals: Vec<Duration> =
            lock(&server.arrivals).iter().map(|t| *t - start).collect();
        arrivals.sort();
        // eu-west-1 and the first of us-east-1 at once; the others 500 ms apart.
        assert!(arrivals[1] < Duration::from_millis(200), "{arrivals:?}");
        assert!(arrivals[2] >= Duration::from_millis(490), "{arrivals:?}");
        assert!(arrivals[3] >= Duration::from_millis(990), "{arrivals:?}");

        // Other operations of the service are not paced.
        let start = Instant::now();
        let others = (0..3).map(|_| {
            connector.call(request(
                "us-east-1",
                "cloudtrail",
                Some("cloudtrail:DescribeTrails"),
            ))
        });
        futures::future::join_all(others).await;
        assert!(start.elapsed() < Duration::from_millis(200));
    }

    #[tokio::test]
    async fn a_replay_is_not_paced() {
        let server = SlowServer::new(Duration::ZERO);
        let mut unpaced = bounds(16, 8, 1000);
        unpaced.pace = false;
        let connector = connector(&server, unpaced);
        let start = Instant::now();
        let calls = (0..3).map(|_| {
            connector.call(request(
                "us-east-1",
                "cloudtrail",
                Some("cloudtrail:LookupEvents"),
            ))
        });
        futures::future::join_all(calls).await;
        assert!(start.elapsed() < Duration::from_millis(200));
    }
}
