use serde::{Deserialize, Serialize};

/// A piece of state that was either read from AWS or could not be.
///
/// Evaluation must treat [`Observed::Unknown`] as missing evidence, never as a pass: a key
/// policy that could not be read is not a key policy without findings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Observed<T> {
    Value(T),
    Unknown(Unavailable),
}

impl<T> Observed<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Observed::Value(value) => Some(value),
            Observed::Unknown(_) => None,
        }
    }

    pub fn unavailable(&self) -> Option<&Unavailable> {
        match self {
            Observed::Value(_) => None,
            Observed::Unknown(why) => Some(why),
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Observed::Value(_))
    }
}

impl<T> From<Result<T, Unavailable>> for Observed<T> {
    fn from(result: Result<T, Unavailable>) -> Self {
        match result {
            Ok(value) => Observed::Value(value),
            Err(why) => Observed::Unknown(why),
        }
    }
}

/// Why something could not be observed: the call that failed and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    /// IAM action form, e.g. `kms:GetKeyPolicy`.
    pub action: String,
    pub kind: FailureKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The credentials lack the permission (AccessDenied, UnauthorizedOperation, …).
    AccessDenied,
    /// Still throttled after every retry.
    Throttled,
    /// The API, or this endpoint, does not implement the operation.
    NotSupported,
    /// The named resource disappeared between listing and describing it.
    NotFound,
    /// The request never got an answer: connection refused, timeout, DNS.
    Unreachable,
    Other,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::AccessDenied => "access denied",
            FailureKind::Throttled => "throttled",
            FailureKind::NotSupported => "not supported",
            FailureKind::NotFound => "not found",
            FailureKind::Unreachable => "unreachable",
            FailureKind::Other => "error",
        }
    }
}

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.action,
            self.kind.as_str(),
            self.message
        )
    }
}
