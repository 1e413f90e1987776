//! How the collector reaches AWS: credentials, role assumption, endpoint, retries, timeouts,
//! and one SDK client per service and region, each carrying the call log.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_types::retry::ReconnectMode;

use crate::call_log::CallLog;
use crate::error::CollectError;
use crate::failure::error_chain;
use crate::faults::{FaultPlan, FaultyHttpClient};
use crate::http::{sdk_https_client, BoundedHttpClient, RequestLimit};
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
    /// Attempts per request, the first included, with adaptive backoff between them.
    pub max_attempts: u32,
    /// Time allowed for one attempt of one request.
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

/// The shared SDK configuration, and the recorder or replayer behind it if any.
pub(crate) struct Connection {
    pub config: SdkConfig,
    pub recorder: Option<Arc<Recorder>>,
    pub replayer: Option<Arc<Replayer>>,
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
    let http_client = BoundedHttpClient::new(inner, &access.request_limit);
    // A recording answers the same way every time: retrying a recorded error only waits, and
    // there is no connection to reopen. Injected faults are transient: those are retried.
    let retry_config = match (&replayer, &access.faults) {
        (Some(_), None) => {
            RetryConfig::disabled().with_reconnect_mode(ReconnectMode::ReuseAllConnections)
        }
        _ => RetryConfig::adaptive().with_max_attempts(access.max_attempts.max(1)),
    };
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client)
        .retry_config(retry_config)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(access.call_timeout)
                .build(),
        );
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
        recorder,
        replayer,
    })
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

/// A client of `$sdk` for `$region`, carrying the call log.
macro_rules! client {
    ($sdk:ident, $config:expr, $region:expr, $log:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($config)
                .region(Region::new($region.to_owned()))
                .interceptor($log.interceptor($region))
                .build(),
        )
    };
}

/// An S3 client for `region`: trail buckets live wherever their owner made them.
pub(crate) fn s3_client(config: &SdkConfig, region: &str, log: &CallLog) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .region(Region::new(region.to_owned()))
            .interceptor(log.interceptor(region))
            // Virtual-hosted S3 puts the bucket in the host name (`bucket.localhost`), which an
            // emulator's host name does not resolve; the SDK only falls back to path style by
            // itself for IP-address endpoints.
            .force_path_style(config.endpoint_url().is_some())
            .build(),
    )
}

impl Clients {
    pub(crate) fn new(config: &SdkConfig, region: &str, log: &CallLog) -> Self {
        Clients {
            rds: client!(aws_sdk_rds, config, region, log),
            ec2: client!(aws_sdk_ec2, config, region, log),
            kms: client!(aws_sdk_kms, config, region, log),
            sts: client!(aws_sdk_sts, config, region, log),
            cloudtrail: client!(aws_sdk_cloudtrail, config, region, log),
            s3: s3_client(config, region, log),
            iam: client!(aws_sdk_iam, config, region, log),
            account: client!(aws_sdk_account, config, region, log),
            secrets: client!(aws_sdk_secretsmanager, config, region, log),
            backup: client!(aws_sdk_backup, config, region, log),
            autoscaling: client!(aws_sdk_applicationautoscaling, config, region, log),
            cloudformation: client!(aws_sdk_cloudformation, config, region, log),
            cloudwatch: client!(aws_sdk_cloudwatch, config, region, log),
            logs: client!(aws_sdk_cloudwatchlogs, config, region, log),
            dms: client!(aws_sdk_databasemigration, config, region, log),
            guardduty: client!(aws_sdk_guardduty, config, region, log),
        }
    }
}
