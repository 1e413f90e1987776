use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use rds_evidence_inventory::Unavailable;

use crate::failure::unavailable;

/// Every item of every page, or why a page could not be read. A listing that failed part-way
/// is reported as unavailable, not as the shorter list it would seem to be.
pub(crate) async fn drain<T, E>(
    items: PaginationStream<Result<T, SdkError<E, Response>>>,
    action: &str,
) -> Result<Vec<T>, Unavailable>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    items
        .collect::<Result<Vec<T>, _>>()
        .await
        .map_err(|e| unavailable(action, &e))
}
