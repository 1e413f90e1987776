use rds_evidence_inventory::Unavailable;
use thiserror::Error;

/// Why a collection could not run at all. Anything narrower (one API, one resource) is not an
/// error but an [`Unavailable`] recorded in the snapshot.
#[derive(Debug, Error)]
pub enum CollectError {
    #[error("no AWS region: pass --regions, or set AWS_REGION or a region in the AWS profile")]
    NoRegion,
    #[error(
        "no AWS credentials found ({0}): set AWS_PROFILE or AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY, run `aws sso login`, or pass --profile"
    )]
    NoCredentials(String),
    #[error("could not obtain AWS credentials: {0}")]
    Credentials(String),
    #[error("cannot reach AWS at {endpoint}: {message}")]
    Unreachable { endpoint: String, message: String },
    #[error("cannot identify the account: {0}")]
    Identity(Unavailable),
    #[error("cannot list the account's enabled regions: {0}")]
    Regions(Unavailable),
    #[error(
        "region {unknown} is unknown or not enabled for this account; enabled regions: {enabled}"
    )]
    UnknownRegions { unknown: String, enabled: String },
    #[error("{0}")]
    Recording(String),
    #[error("{0}")]
    WorkloadArn(String),
    #[error(
        "the recording has no response for {count} request(s), first: {first}; re-record, or pass \
         --replay-missing=record-as-unavailable to record them as unknown"
    )]
    ReplayMissing { count: usize, first: String },
}
