//! The organization's management and log-archive accounts. A member account sees the
//! organization trail (and its status, by ARN) but can read neither its event selectors, which
//! only the account that owns the trail can, nor its bucket, which lives in the log-archive
//! account; and only the management (or delegated administrator) account lists the
//! organization's CloudTrail Lake event data stores. Named in the accounts file, those
//! accounts are read once per run, and what they show is credited to every member account,
//! with the calls that showed it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use rds_evidence_inventory::governance::{EventDataStore, TrailBucket};
use rds_evidence_inventory::{ApiCall, FailureKind, Observed, Unavailable};
use tokio::sync::OnceCell;

use crate::call_log::CallLog;
use crate::session::{self, Clients, Connection};
use crate::{governance, Access};

/// The organization's accounts a run reads for its members; share one (an `Arc`) between
/// every account of the run.
#[derive(Debug, Default)]
pub struct Organization {
    management: Option<OrganizationAccount>,
    log_archive: Option<OrganizationAccount>,
}

/// One of the organization's accounts: how to reach it, and what was read there.
#[derive(Debug)]
struct OrganizationAccount {
    id: String,
    access: Access,
    connection: OnceCell<Result<Connection, Unavailable>>,
    selectors: Reads<Observed<Option<String>>>,
    buckets: Reads<TrailBucket>,
    stores: Reads<Observed<Vec<EventDataStore>>>,
}

/// Reads made once, by key, with the calls that made them.
type Reads<T> = Mutex<HashMap<String, Arc<OnceCell<(T, Vec<ApiCall>)>>>>;

impl Organization {
    /// `management` and `log_archive`: each account's id and how to reach it (its role).
    pub fn new(
        management: Option<(String, Access)>,
        log_archive: Option<(String, Access)>,
    ) -> Self {
        let account = |(id, access)| OrganizationAccount {
            id,
            access,
            connection: OnceCell::new(),
            selectors: Mutex::default(),
            buckets: Mutex::default(),
            stores: Mutex::default(),
        };
        Organization {
            management: management.map(account),
            log_archive: log_archive.map(account),
        }
    }

    /// The event selectors of the organization trail `trail_arn`, read in the management
    /// account, and that account's id; `None` when the accounts file names none.
    pub(crate) async fn trail_selectors(
        &self,
        trail_arn: &str,
        log: &CallLog,
    ) -> Option<(Observed<Option<String>>, String)> {
        let account = self.management.as_ref()?;
        // A trail's selectors are read in its home region, the ARN's.
        let region = trail_arn.split(':').nth(3).unwrap_or_default().to_owned();
        let selectors = account
            .read(
                &account.selectors,
                trail_arn,
                &region,
                log,
                |reach| async move {
                    governance::management_events(&reach.clients.cloudtrail, trail_arn)
                        .await
                        .into()
                },
            )
            .await
            .unwrap_or_else(Observed::Unknown);
        Some((selectors, account.id.clone()))
    }

    /// The organization trail's bucket `name`, read in the log-archive account from `region`
    /// (where the trail lives; S3 redirects to the bucket's own); `None` when the accounts file
    /// names no log-archive account.
    pub(crate) async fn bucket(
        &self,
        name: &str,
        region: &str,
        log: &CallLog,
    ) -> Option<TrailBucket> {
        let account = self.log_archive.as_ref()?;
        let read = account
            .read(&account.buckets, name, region, log, |reach| async move {
                let s3_in = |region: &str| reach.s3_in(region);
                governance::bucket(&reach.clients.s3, &s3_in, name.to_owned()).await
            })
            .await;
        let mut bucket = read.unwrap_or_else(|why| governance::unknown_bucket(name, why));
        bucket.read_in = Some(account.id.clone());
        Some(bucket)
    }

    /// The organization's event data stores of `region`, read in the management account;
    /// `None` when the accounts file names none.
    pub(crate) async fn event_data_stores(
        &self,
        region: &str,
        concurrency: usize,
        log: &CallLog,
    ) -> Option<Observed<Vec<EventDataStore>>> {
        let account = self.management.as_ref()?;
        let stores = account
            .read(&account.stores, region, region, log, |reach| async move {
                governance::event_data_stores(&reach.clients.cloudtrail, concurrency).await
            })
            .await
            .unwrap_or_else(Observed::Unknown);
        Some(match stores {
            Observed::Value(stores) => Observed::Value(
                stores
                    .into_iter()
                    .filter(|s| {
                        s.settings
                            .value()
                            .is_some_and(|s| s.organization == Some(true))
                    })
                    .map(|store| EventDataStore {
                        read_in: Some(account.id.clone()),
                        ..store
                    })
                    .collect(),
            ),
            unknown => unknown,
        })
    }

    /// Requests a replay had no answer for, and recording files that could not be written.
    pub(crate) fn problems(&self) -> (Vec<String>, Vec<String>) {
        let (mut unanswered, mut unwritten) = (Vec::new(), Vec::new());
        for account in [&self.management, &self.log_archive].into_iter().flatten() {
            if let Some(Ok(connection)) = account.connection.get() {
                if let Some(replayer) = &connection.replayer {
                    unanswered.extend(replayer.missing());
                }
                if let Some(recorder) = &connection.recorder {
                    unwritten.extend(recorder.failures());
                }
            }
        }
        (unanswered, unwritten)
    }
}

/// The clients of one read in an organization account, and S3 in any region.
struct Reach<'a> {
    clients: Clients,
    connection: &'a Connection,
    log: CallLog,
}

impl Reach<'_> {
    fn s3_in(&self, region: &str) -> aws_sdk_s3::Client {
        session::s3_client(
            &self.connection.config,
            region,
            &self.log,
            &self.connection.transport,
        )
    }
}

impl OrganizationAccount {
    /// `read` in `region`, once per `key` for the run; credits its calls to `log` every time.
    /// Fails when the account cannot be reached (its role not assumed).
    async fn read<'a, T, F, Fut>(
        &'a self,
        reads: &Reads<T>,
        key: &str,
        region: &str,
        log: &CallLog,
        read: F,
    ) -> Result<T, Unavailable>
    where
        T: Clone,
        F: FnOnce(Reach<'a>) -> Fut,
        Fut: Future<Output = T>,
    {
        let connection = self
            .connection
            .get_or_init(|| async {
                session::connect(&self.access, Some(region))
                    .await
                    .map_err(|e| Unavailable {
                        action: "sts:AssumeRole".to_owned(),
                        kind: FailureKind::AccessDenied,
                        message: format!("cannot reach account {}: {e}", self.id),
                    })
            })
            .await
            .as_ref()
            .map_err(Clone::clone)?;
        let cell = reads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(key.to_owned())
            .or_default()
            .clone();
        let (value, calls) = cell
            .get_or_init(|| async {
                let own = CallLog::new();
                let clients = Clients::new(&connection.config, region, &own, &connection.transport);
                let value = read(Reach {
                    clients,
                    connection,
                    log: own.clone(),
                })
                .await;
                let calls = own
                    .calls()
                    .into_iter()
                    .map(|call| ApiCall {
                        account: Some(self.id.clone()),
                        ..call
                    })
                    .collect();
                (value, calls)
            })
            .await;
        log.credit(calls.iter().cloned());
        Ok(value.clone())
    }
}
