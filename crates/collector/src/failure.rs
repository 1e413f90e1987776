//! Turning SDK errors into the snapshot's [`Unavailable`] records.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use rds_evidence_inventory::{FailureKind, Unavailable};

/// Classifies an AWS error code (and, lacking one, the HTTP status).
pub fn classify(code: Option<&str>, http_status: Option<u16>) -> FailureKind {
    match code {
        Some(
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "UnauthorizedAccess"
            | "AuthorizationError"
            | "OptInRequired",
        ) => FailureKind::AccessDenied,
        Some(
            "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestLimitExceeded"
            | "TooManyRequestsException"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "SlowDown",
        ) => FailureKind::Throttled,
        Some(
            "InvalidAction"
            | "UnsupportedOperation"
            | "UnsupportedOperationException"
            | "NotImplemented"
            | "InvalidParameterCombination",
        ) => FailureKind::NotSupported,
        Some(code) if code.ends_with("NotFound") || code.ends_with("NotFoundFault") => {
            FailureKind::NotFound
        }
        Some("NotFoundException") => FailureKind::NotFound,
        _ => match http_status {
            Some(403) => FailureKind::AccessDenied,
            Some(429) => FailureKind::Throttled,
            // Emulators answer operations they do not implement with 404, 500 or 501.
            Some(404 | 500 | 501) => FailureKind::NotSupported,
            _ => FailureKind::Other,
        },
    }
}

/// What the snapshot records when `action` failed with `error`.
pub fn unavailable<E>(action: &str, error: &SdkError<E, Response>) -> Unavailable
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let (kind, message) = match error {
        SdkError::ServiceError(service) => {
            let err = service.err();
            let status = service.raw().status().as_u16();
            // An emulator's 404 page carries neither code nor message: say what came back.
            let message = err
                .message()
                .or(err.code())
                .map(str::to_owned)
                .unwrap_or_else(|| match status {
                    ok @ 200..=299 => format!("HTTP {ok} response the SDK could not read"),
                    other => format!("HTTP {other} with no error details"),
                });
            let message = match err.code() {
                Some(code) if !message.starts_with(code) => format!("{code}: {message}"),
                _ => message,
            };
            (classify(err.code(), Some(status)), message)
        }
        SdkError::TimeoutError(_) => (FailureKind::Unreachable, "timed out".to_owned()),
        SdkError::DispatchFailure(_) => (FailureKind::Unreachable, error_chain(error)),
        SdkError::ResponseError(response) => (
            classify(None, Some(response.raw().status().as_u16())),
            error_chain(error),
        ),
        _ => (FailureKind::Other, error_chain(error)),
    };
    Unavailable {
        action: action.to_owned(),
        kind,
        message,
    }
}

/// An error and its sources on one line: SDK errors hide the useful part in the chain.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    // Some providers format their errors over several lines; an error is one line here.
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_codes_of_every_protocol() {
        for code in [
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
        ] {
            assert_eq!(classify(Some(code), Some(400)), FailureKind::AccessDenied);
        }
    }

    #[test]
    fn throttling_codes() {
        for code in ["Throttling", "ThrottlingException", "RequestLimitExceeded"] {
            assert_eq!(classify(Some(code), Some(400)), FailureKind::Throttled);
        }
        assert_eq!(classify(None, Some(429)), FailureKind::Throttled);
    }

    #[test]
    fn not_found_faults() {
        assert_eq!(
            classify(Some("DBSnapshotNotFound"), Some(404)),
            FailureKind::NotFound
        );
        assert_eq!(
            classify(Some("DBParameterGroupNotFoundFault"), Some(404)),
            FailureKind::NotFound
        );
    }

    #[test]
    fn unimplemented_operations_are_not_supported() {
        assert_eq!(classify(None, Some(501)), FailureKind::NotSupported);
        assert_eq!(
            classify(Some("InvalidAction"), Some(400)),
            FailureKind::NotSupported
        );
    }

    #[test]
    fn anything_else_is_other_never_success() {
        assert_eq!(classify(Some("Mystery"), Some(400)), FailureKind::Other);
        assert_eq!(classify(None, None), FailureKind::Other);
    }
}
