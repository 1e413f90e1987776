//! How the collector reaches AWS: credentials, role assumption, endpoint, retries, timeouts,
//! and one SDK client per service and region, each carrying the call log.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
// One type for every SDK crate: the smithy runtime's.
use aws_sdk_rds::config::retry::RetryPartition;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_types::retry::ReconnectMode;

use crate::call_log::CallLog;
use crate::error::CollectError;
use crate::failure::error_chain;
use crate::faults::{FaultPlan, FaultyHttpClient};
use crate::http::{sdk_https_client, BoundedHttpClient, Bounds, RequestLimit};
use crate::traffic::{Recorder, RecordingClient, ReplayClient, Replayer, Traffic};

/// How to reach the account.
#[derive(Debug, Clone)]
pub struct Access {
    /// A named AWS profile; otherwise the default provider chain (environment, profile files,
    /// SSO, container and instance metadata).
    pub profile: Option<String>,
    pub role: Option<AssumeRole>,
    /// An alternative endpoint for every service, e.g. a local emulator.
    pub endpoint_url: Option<String>,
    /// Independent calls issued at once within a region (describes of distinct keys, groups…).
    pub concurrency: usize,
    /// Requests in flight at once, across every region and service, and across every account
    /// whose `Access` was cloned from this one.
    pub request_limit: RequestLimit,
    /// Requests of one service in one region of the account in flight at once: AWS limits
    /// request rates per service (often per operation), account and region.
    pub service_concurrency: usize,
    /// Attempts per request, the first included, with exponential backoff and jitter between
    /// them. Each service of each region of the account has a retry quota of its own.
    pub max_attempts: u32,
    /// Time allowed for one attempt of one request, from when it is sent: time queued behind
    /// the limits above does not count.
    pub call_timeout: Duration,
    /// Live, recorded to files, or replayed from them.
    pub traffic: Traffic,
    /// Faults to inject under the SDK, for resilience tests (`--inject-faults`).
    pub faults: Option<FaultPlan>,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            profile: None,
            role: None,
            endpoint_url: None,
            concurrency: 16,
            request_limit: RequestLimit::new(16),
            service_concurrency: 8,
            max_attempts: 6,
            call_timeout: Duration::from_secs(30),
            traffic: Traffic::Live,
            faults: None,
        }
    }
}

/// A role in the customer's account, assumed with the caller's own credentials. The provider
/// refreshes the session before it expires, so runs longer than the session still finish.
#[derive(Debug, Clone)]
pub struct AssumeRole {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: String,
}

/// The shared SDK configuration, the transport of the account's data clients, and the
/// recorder or replayer behind them if any.
#[derive(Debug)]
pub(crate) struct Connection {
    pub config: SdkConfig,
    pub transport: Transport,
    pub recorder: Option<Arc<Recorder>>,
    pub replayer: Option<Arc<Replayer>>,
}

/// What the data clients of one account share: the bounded HTTP client, and per service and
/// region a retry partition of the account's own. The SDK's default partition is one per
/// service and region for the whole process: one throttled account would drain the retry
/// quota of every other account of the run.
#[derive(Debug)]
pub(crate) struct Transport {
    http: SharedHttpClient,
    partitions: Mutex<HashMap<(&'static str, String), RetryPartition>>,
}

impl Transport {
    pub(crate) fn new(inner: SharedHttpClient, bounds: Bounds) -> Self {
        Transport {
            http: SharedHttpClient::new(BoundedHttpClient::new(inner, bounds)),
            partitions: Mutex::default(),
        }
    }

    fn partition(&self, service: &'static str, region: &str) -> RetryPartition {
        self.partitions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((service, region.to_owned()))
            .or_insert_with(|| RetryPartition::custom(format!("{service}-{region}")).build())
            .clone()
    }
}

/// Loads the SDK configuration and proves that credentials resolve. A replay needs neither
/// credentials nor a network: requests are signed with placeholder keys and answered from
/// files.
pub(crate) async fn connect(
    access: &Access,
    region: Option<&str>,
) -> Result<Connection, CollectError> {
    let (inner, recorder, replayer) = match &access.traffic {
        Traffic::Live => (sdk_https_client(), None, None),
        Traffic::Record { dir, anonymize } => {
            let recorder = Arc::new(Recorder::new(dir, *anonymize));
            let client = RecordingClient {
                inner: sdk_https_client(),
                recorder: recorder.clone(),
            };
            (SharedHttpClient::new(client), Some(recorder), None)
        }
        Traffic::Replay { dir, .. } => {
            let replayer = Arc::new(Replayer::new(dir));
            let client = ReplayClient {
                replayer: replayer.clone(),
            };
            (SharedHttpClient::new(client), None, Some(replayer))
        }
    };
    let inner = match &access.faults {
        Some(plan) => SharedHttpClient::new(FaultyHttpClient::new(inner, plan.clone())),
        None => inner,
    };
    let transport = Transport::new(
        inner.clone(),
        Bounds {
            run: access.request_limit.clone(),
            per_service: access.service_concurrency,
            call_timeout: access.call_timeout,
            pace: replayer.is_none(),
        },
    );
    // A recording answers the same way every time: retrying a recorded error only waits, and
    // there is no connection to reopen. Injected faults are transient: those are retried.
    // Standard, not adaptive: the adaptive rate limiter learns a rate from a steady stream of
    // requests, and a collection sends each service of each region a handful, so one
    // throttle left it waiting tens of seconds between them.
    let retry_config = match (&replayer, &access.faults) {
        (Some(_), None) => {
            RetryConfig::disabled().with_reconnect_mode(ReconnectMode::ReuseAllConnections)
        }
        _ => RetryConfig::standard().with_max_attempts(access.max_attempts.max(1)),
    };
    // The configuration's own client is the unbounded one: credential providers built from it
    // (role assumption, SSO) never queue behind data requests. Data clients are given the
    // bounded one by `Clients::new`.
    let mut loader = loader(inner, retry_config, access.call_timeout);
    if replayer.is_some() {
        loader =
            loader.credentials_provider(Credentials::new("REPLAY", "REPLAY", None, None, "replay"));
    } else if let Some(profile) = &access.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_owned()));
    }
    if let Some(url) = &access.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let mut config = loader.load().await;
    if config.region().is_none() {
        return Err(CollectError::NoRegion);
    }
    if let (Some(role), None) = (&access.role, &replayer) {
        let mut provider = AssumeRoleProvider::builder(&role.role_arn)
            .session_name(&role.session_name)
            .configure(&config);
        if let Some(external_id) = &role.external_id {
            provider = provider.external_id(external_id);
        }
        let provider = provider.build().await;
        config = config
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
    }
    check_credentials(&config).await?;
    Ok(Connection {
        config,
        transport,
        recorder,
        replayer,
    })
}

/// The SDK configuration's defaults: `http_client` for whatever the configuration builds
/// itself (credential providers), each attempt bounded by `call_timeout`.
fn loader(
    http_client: SharedHttpClient,
    retry_config: RetryConfig,
    call_timeout: Duration,
) -> aws_config::ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .retry_config(retry_config)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(call_timeout)
                .build(),
        )
}

/// Resolving credentials once up front turns "no credentials" and "cannot assume the role"
/// into one clear error instead of a failure on every call.
async fn check_credentials(config: &SdkConfig) -> Result<(), CollectError> {
    let provider = config
        .credentials_provider()
        .ok_or_else(|| CollectError::NoCredentials("no credentials provider".to_owned()))?;
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(e @ CredentialsError::CredentialsNotLoaded(_)) => {
            Err(CollectError::NoCredentials(error_chain(&e)))
        }
        Err(e) => Err(CollectError::Credentials(error_chain(&e))),
    }
}

/// The SDK clients of one region.
pub(crate) struct Clients {
    pub rds: aws_sdk_rds::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub kms: aws_sdk_kms::Client,
    pub sts: aws_sdk_sts::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub s3: aws_sdk_s3::Client,
    pub iam: aws_sdk_iam::Client,
    pub account: aws_sdk_account::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub backup: aws_sdk_backup::Client,
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub dms: aws_sdk_databasemigration::Client,
    pub guardduty: aws_sdk_guardduty::Client,
}

/// The configuration of a data client of `$sdk` for `$region`: the call log, the account's
/// bounded transport and retry partition, and no attempt timeout of the SDK's own (the
/// transport times the exchange once it is sent).
macro_rules! data_config {
    ($sdk:ident, $config:expr, $region:expr, $log:expr, $transport:expr) => {
        $sdk::config::Builder::from($config)
            .region(Region::new($region.to_owned()))
            .interceptor($log.interceptor($region))
            .http_client($transport.http.clone())
            .retry_partition($transport.partition(stringify!($sdk), $region))
            .timeout_config(
                TimeoutConfig::builder()
                    .disable_operation_attempt_timeout()
                    .build(),
            )
    };
}

/// A data client of `$sdk` for `$region`.
macro_rules! client {
    ($sdk:ident, $config:expr, $region:expr, $log:expr, $transport:expr) => {
        $sdk::Client::from_conf(data_config!($sdk, $config, $region, $log, $transport).build())
    };
}

/// An S3 client for `region`: trail buckets live wherever their owner made them.
pub(crate) fn s3_client(
    config: &SdkConfig,
    region: &str,
    log: &CallLog,
    transport: &Transport,
) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        data_config!(aws_sdk_s3, config, region, log, transport)
            // Virtual-hosted S3 puts the bucket in the host name (`bucket.localhost`), which an
            // emulator's host name does not resolve; the SDK only falls back to path style by
            // itself for IP-address endpoints.
            .force_path_style(config.endpoint_url().is_some())
            .build(),
    )
}

/// An STS client for `region`: who the caller is.
pub(crate) fn sts_client(
    config: &SdkConfig,
    region: &str,
    log: &CallLog,
    transport: &Transport,
) -> aws_sdk_sts::Client {
    client!(aws_sdk_sts, config, region, log, transport)
}

impl Clients {
    pub(crate) fn new(
        config: &SdkConfig,
        region: &str,
        log: &CallLog,
        transport: &Transport,
    ) -> Self {
        Clients {
            rds: client!(aws_sdk_rds, config, region, log, transport),
            ec2: client!(aws_sdk_ec2, config, region, log, transport),
            kms: client!(aws_sdk_kms, config, region, log, transport),
            sts: sts_client(config, region, log, transport),
            cloudtrail: client!(aws_sdk_cloudtrail, config, region, log, transport),
            s3: s3_client(config, region, log, transport),
            iam: client!(aws_sdk_iam, config, region, log, transport),
            account: client!(aws_sdk_account, config, region, log, transport),
            secrets: client!(aws_sdk_secretsmanager, config, region, log, transport),
            backup: client!(aws_sdk_backup, config, region, log, transport),
            autoscaling: client!(
                aws_sdk_applicationautoscaling,
                config,
                region,
                log,
                transport
            ),
            cloudformation: client!(aws_sdk_cloudformation, config, region, log, transport),
            cloudwatch: client!(aws_sdk_cloudwatch, config, region, log, transport),
            logs: client!(aws_sdk_cloudwatchlogs, config, region, log, transport),
            dms: client!(aws_sdk_databasemigration, config, region, log, transport),
            guardduty: client!(aws_sdk_guardduty, config, region, log, transport),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_smithy_runtime_api::client::http::{
        http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_types::body::SdkBody;

    const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult>\
        <Arn>arn:aws:iam::111122223333:user/audit</Arn><UserId>AIDA</UserId>\
        <Account>111122223333</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
    const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
        <Message>Rate exceeded</Message></Error></ErrorResponse>";
    const UNAVAILABLE: &str = "<ErrorResponse><Error><Type>Receiver</Type>\
        <Code>ServiceUnavailable</Code><Message>try again</Message></Error></ErrorResponse>";

    /// An STS endpoint answering its n-th request with `answer(n)` (from 0), after `delay`.
    #[derive(Clone)]
    struct Sts {
        delay: Duration,
        requests: Arc<AtomicUsize>,
        answer: Arc<dyn Fn(usize) -> (u16, &'static str) + Send + Sync>,
    }

    impl std::fmt::Debug for Sts {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Sts")
        }
    }

    impl Sts {
        fn new(
            delay: Duration,
            answer: impl Fn(usize) -> (u16, &'static str) + Send + Sync + 'static,
        ) -> Sts {
            Sts {
                delay,
                requests: Arc::default(),
                answer: Arc::new(answer),
            }
        }

        fn client(&self) -> SharedHttpClient {
            let sts = self.clone();
            http_client_fn(move |_, _| SharedHttpConnector::new(sts.clone()))
        }
    }

    impl HttpConnector for Sts {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let (status, body) = (self.answer)(self.requests.fetch_add(1, Ordering::SeqCst));
            let delay = self.delay;
            HttpConnectorFuture::new(async move {
                tokio::time::sleep(delay).await;
                let mut response =
                    HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body));
                response.headers_mut().insert("content-type", "text/xml");
                Ok(response)
            })
        }
    }

    async fn config(retry: RetryConfig, call_timeout: Duration) -> SdkConfig {
        // Never used for data requests: a panic would show if one went through it.
        let unused = http_client_fn(|_, _| panic!("data requests use the transport"));
        loader(unused, retry, call_timeout)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
            .load()
            .await
    }

    fn bounds(run: &RequestLimit, call_timeout: Duration) -> Bounds {
        Bounds {
            run: run.clone(),
            per_service: 64,
            call_timeout,
            pace: true,
        }
    }

    #[tokio::test]
    async fn requests_queued_behind_the_limit_do_not_time_out() {
        let call_timeout = Duration::from_millis(500);
        let config = config(RetryConfig::disabled(), call_timeout).await;
        let sts = Sts::new(Duration::from_millis(150), |_| (200, IDENTITY));
        let transport = Transport::new(sts.client(), bounds(&RequestLimit::new(1), call_timeout));
        let clients = Clients::new(&config, "us-east-1", &CallLog::new(), &transport);
        // One at a time, the last of eight waits about a second: twice its call timeout.
        let calls = (0..8).map(|_| clients.sts.get_caller_identity().send());
        for result in futures::future::join_all(calls).await {
            assert_eq!(result.unwrap().account(), Some("111122223333"));
        }
    }

    #[tokio::test]
    async fn one_accounts_throttling_leaves_the_others_retries_alone() {
        let retry = RetryConfig::standard()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(5));
        let config = config(retry, Duration::from_secs(5)).await;
        let run = RequestLimit::new(64);
        let log = CallLog::new();
        let throttled = Sts::new(Duration::ZERO, |_| (400, THROTTLED));
        let throttled = Transport::new(throttled.client(), bounds(&run, Duration::from_secs(5)));
        let throttled = Clients::new(&config, "us-east-1", &log, &throttled);
        // Every other request fails once, then succeeds when retried.
        let flaky = Sts::new(Duration::ZERO, |n| match n % 2 {
            0 => (503, UNAVAILABLE),
            _ => (200, IDENTITY),
        });
        let flaky = Transport::new(flaky.client(), bounds(&run, Duration::from_secs(5)));
        let flaky = Clients::new(&config, "us-east-1", &log, &flaky);

        // 60 requests, two retries each at 5 tokens: more than the 500 of a retry quota.
        let storm = (0..60).map(|_| throttled.sts.get_caller_identity().send());
        assert!(futures::future::join_all(storm)
            .await
            .iter()
            .all(Result::is_err));
        for _ in 0..10 {
            let result = flaky.sts.get_caller_identity().send().await;
            assert!(result.is_ok(), "{result:?}");
        }
    }
}
