//! Fault injection, for testing resilience: an HTTP client that wraps the real one (live,
//! recording or replay) and answers some requests with throttling, server errors, connection
//! resets or slowness, as AWS does under load, or denies some operations outright.
//!
//! Which requests fail is a pure function of the seed, the request and its attempt number, so a
//! run is reproducible whatever the order the concurrent collector sends requests in. Transient
//! faults hit one request at most [`MAX_CONSECUTIVE_FAULTS`] times in a row, below the default
//! attempts: with retries working, the snapshot must equal a clean run's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use crate::allow_list::action_for_signing_name;
use crate::traffic::{error_response, RequestKey};

/// Injected faults in a row for one request, at most: fewer than the default attempts.
pub const MAX_CONSECUTIVE_FAULTS: u32 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP 400 `Throttling` (`ThrottlingException` in JSON protocols).
    Throttle,
    /// HTTP 503 `ServiceUnavailable`.
    ServerError,
    /// The connection drops before a response.
    Reset,
    /// The response comes after [`FaultPlan::slow`], past a short `--call-timeout`.
    Slow,
}

/// `rate=0.3,seed=7,kinds=throttle+5xx+reset+slow,slow-ms=1500,deny=kms:GetKeyPolicy+…,
/// exhaust=cloudtrail:LookupEvents:10+…`
#[derive(Debug, Clone, PartialEq)]
pub struct FaultPlan {
    /// Share of requests that fail transiently, 0 to 1.
    pub rate: f64,
    pub seed: u64,
    pub kinds: Vec<FaultKind>,
    pub slow: Duration,
    /// Operations (`service:Operation`) always answered with AccessDenied.
    pub deny: Vec<String>,
    /// Operations whose quota runs out: after this many answered requests, every further one
    /// is throttled, however often it is retried.
    pub exhaust: Vec<(String, u32)>,
}

impl FaultPlan {
    pub fn parse(spec: &str) -> Result<FaultPlan, String> {
        let mut plan = FaultPlan {
            rate: 0.0,
            seed: 0,
            kinds: vec![
                FaultKind::Throttle,
                FaultKind::ServerError,
                FaultKind::Reset,
            ],
            slow: Duration::from_millis(1500),
            deny: Vec::new(),
            exhaust: Vec::new(),
        };
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("'{part}' is not name=value"))?;
            let invalid = || format!("'{part}': invalid {name}");
            match name {
                "rate" => {
                    plan.rate = value.parse().map_err(|_| invalid())?;
                    if !(0.0..=1.0).contains(&plan.rate) {
                        return Err(format!("'{part}': rate is between 0 and 1"));
                    }
                }
                "seed" => plan.seed = value.parse().map_err(|_| invalid())?,
                "slow-ms" => {
                    plan.slow = Duration::from_millis(value.parse().map_err(|_| invalid())?);
                }
                "kinds" => {
                    plan.kinds = value
                        .split('+')
                        .map(|kind| match kind {
                            "throttle" => Ok(FaultKind::Throttle),
                            "5xx" => Ok(FaultKind::ServerError),
                            "reset" => Ok(FaultKind::Reset),
                            "slow" => Ok(FaultKind::Slow),
                            _ => Err(format!(
                                "'{kind}' is not a fault kind (throttle, 5xx, reset, slow)"
                            )),
                        })
                        .collect::<Result<_, _>>()?;
                }
                "deny" => plan.deny = value.split('+').map(str::to_owned).collect(),
                "exhaust" => {
                    plan.exhaust = value
                        .split('+')
                        .map(|quota| {
                            quota
                                .rsplit_once(':')
                                .and_then(|(action, n)| Some((action.to_owned(), n.parse().ok()?)))
                                .ok_or_else(|| {
                                    format!("'{quota}' is not service:Operation:REQUESTS")
                                })
                        })
                        .collect::<Result<_, _>>()?;
                }
                _ => {
                    return Err(format!(
                        "'{name}' is not a fault setting (rate, seed, kinds, slow-ms, deny, \
                         exhaust)"
                    ))
                }
            }
        }
        if plan.kinds.is_empty() {
            return Err("kinds is empty".to_owned());
        }
        Ok(plan)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct FaultyHttpClient {
    inner: SharedHttpClient,
    plan: Arc<FaultPlan>,
    attempts: Arc<Mutex<HashMap<String, u32>>>,
    /// Requests answered so far, by exhaustible action.
    answered: Arc<Mutex<HashMap<String, u32>>>,
}

impl FaultyHttpClient {
    pub(crate) fn new(inner: SharedHttpClient, plan: FaultPlan) -> Self {
        FaultyHttpClient {
            inner,
            plan: Arc::new(plan),
            attempts: Arc::default(),
            answered: Arc::default(),
        }
    }
}

impl HttpClient for FaultyHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(FaultyConnector {
            inner: self.inner.http_connector(settings, components),
            plan: self.plan.clone(),
            attempts: self.attempts.clone(),
            answered: self.answered.clone(),
        })
    }
}

#[derive(Debug)]
struct FaultyConnector {
    inner: SharedHttpConnector,
    plan: Arc<FaultPlan>,
    attempts: Arc<Mutex<HashMap<String, u32>>>,
    answered: Arc<Mutex<HashMap<String, u32>>>,
}

impl FaultyConnector {
    /// Whether `action`'s quota has run out; counts this request as answered when not.
    fn exhausted(&self, action: &str) -> bool {
        let Some((_, quota)) = self.plan.exhaust.iter().find(|(a, _)| a == action) else {
            return false;
        };
        let mut answered = self.answered.lock().unwrap_or_else(|p| p.into_inner());
        let answered = answered.entry(action.to_owned()).or_insert(0);
        if *answered >= *quota {
            return true;
        }
        *answered += 1;
        false
    }

    /// The fault for this attempt of `key`, if any.
    fn choose(&self, key: &str) -> Option<FaultKind> {
        let attempt = {
            let mut attempts = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
            let attempt = attempts.entry(key.to_owned()).or_insert(0);
            *attempt += 1;
            *attempt
        };
        let draw = mix(self.plan.seed, key, attempt);
        let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
        (attempt <= MAX_CONSECUTIVE_FAULTS && unit < self.plan.rate)
            .then(|| self.plan.kinds[(draw % self.plan.kinds.len() as u64) as usize])
    }
}

impl HttpConnector for FaultyConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let Ok(key) = RequestKey::from_request(&request) else {
            return self.inner.call(request);
        };
        let action = action_for_signing_name(&key.service, &key.operation);
        if self.plan.deny.contains(&action) {
            let code = error_code(&request, "AccessDenied");
            let message = format!("injected: {action} denied");
            let response = error_response(&request, &key.service, 403, &code, &message);
            return HttpConnectorFuture::ready(Ok(response));
        }
        if self.exhausted(&action) {
            let code = error_code(&request, "Throttling");
            let message = format!("injected: {action} quota exhausted");
            let response = error_response(&request, &key.service, 400, &code, &message);
            return HttpConnectorFuture::ready(Ok(response));
        }
        match self.choose(&key.to_string()) {
            None => self.inner.call(request),
            Some(FaultKind::Throttle) => {
                let code = error_code(&request, "Throttling");
                let response = error_response(&request, &key.service, 400, &code, "Rate exceeded");
                HttpConnectorFuture::ready(Ok(response))
            }
            Some(FaultKind::ServerError) => {
                let response = error_response(
                    &request,
                    &key.service,
                    503,
                    "ServiceUnavailable",
                    "injected: service unavailable",
                );
                HttpConnectorFuture::ready(Ok(response))
            }
            Some(FaultKind::Reset) => HttpConnectorFuture::ready(Err(ConnectorError::io(
                "injected: connection reset by peer".into(),
            ))),
            Some(FaultKind::Slow) => {
                let inner = self.inner.clone();
                let delay = self.plan.slow;
                HttpConnectorFuture::new(async move {
                    tokio::time::sleep(delay).await;
                    inner.call(request).await
                })
            }
        }
    }
}

/// `code` as the request's protocol spells it: JSON protocols add `Exception`.
fn error_code(request: &HttpRequest, code: &str) -> String {
    if request.headers().get("x-amz-target").is_some() {
        format!("{code}Exception")
    } else {
        code.to_owned()
    }
}

/// FNV-1a over the seed, the request and the attempt, finished with a SplitMix64 step: stable
/// across platforms and Rust versions, unlike `DefaultHasher`.
fn mix(seed: u64, key: &str, attempt: u32) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for byte in key.bytes().chain(attempt.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_are_named() {
        let plan = FaultPlan::parse(
            "rate=0.3,seed=7,kinds=throttle+slow,slow-ms=200,deny=kms:GetKeyPolicy",
        )
        .unwrap();
        assert_eq!(plan.rate, 0.3);
        assert_eq!(plan.seed, 7);
        assert_eq!(plan.kinds, [FaultKind::Throttle, FaultKind::Slow]);
        assert_eq!(plan.slow, Duration::from_millis(200));
        assert_eq!(plan.deny, ["kms:GetKeyPolicy"]);
        let plan = FaultPlan::parse("exhaust=cloudtrail:LookupEvents:10").unwrap();
        assert_eq!(plan.exhaust, [("cloudtrail:LookupEvents".to_owned(), 10)]);
        for (spec, says) in [
            (
                "exhaust=cloudtrail:LookupEvents",
                "not service:Operation:REQUESTS",
            ),
            ("rate=2", "between 0 and 1"),
            ("kinds=flood", "'flood' is not a fault kind"),
            ("speed=3", "'speed' is not a fault setting"),
            ("rate", "not name=value"),
        ] {
            let err = FaultPlan::parse(spec).unwrap_err();
            assert!(err.contains(says), "{spec}: {err}");
        }
    }

    #[test]
    fn faults_follow_the_rate_and_never_exceed_the_streak_limit() {
        let connector = faulty("rate=0.3,seed=1");
        let first_attempts = (0..10_000)
            .filter(|n| connector.choose(&format!("request-{n}")).is_some())
            .count();
        assert!((2_700..3_300).contains(&first_attempts), "{first_attempts}");
        let always = faulty("rate=1");
        let streak: Vec<bool> = (0..5).map(|_| always.choose("one").is_some()).collect();
        assert_eq!(streak, [true, true, true, false, false]);
    }

    #[test]
    fn the_same_seed_fails_the_same_requests() {
        let run = |seed| {
            let connector = faulty(&format!("rate=0.5,seed={seed}"));
            (0..100)
                .map(|n| connector.choose(&format!("r{n}")))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
    }

    #[test]
    fn an_exhausted_quota_stays_exhausted() {
        let connector = faulty("exhaust=cloudtrail:LookupEvents:2");
        let exhausted: Vec<bool> = (0..4)
            .map(|_| connector.exhausted("cloudtrail:LookupEvents"))
            .collect();
        assert_eq!(exhausted, [false, false, true, true]);
        assert!(!connector.exhausted("cloudtrail:DescribeTrails"));
    }

    fn faulty(spec: &str) -> FaultyConnector {
        FaultyConnector {
            inner: SharedHttpConnector::new(Never),
            plan: Arc::new(FaultPlan::parse(spec).unwrap()),
            attempts: Arc::default(),
            answered: Arc::default(),
        }
    }

    #[derive(Debug)]
    struct Never;

    impl HttpConnector for Never {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            unreachable!("choose() is tested without sending")
        }
    }
}
