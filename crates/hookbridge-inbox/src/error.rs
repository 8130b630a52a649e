//! [`InboxError`]: everything an inbox operation can fail with.

/// Why an inbox operation failed. No variant carries a URL, a password, a body or a header
/// value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InboxError {
    /// The database could not be reached, timed out, or is shutting down: retry later (a
    /// receiver answers 503 so the provider retries).
    #[error("the inbox database is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database refused a statement of the inbox (a table of another shape, missing
    /// rights). Fail closed: nothing was recorded.
    #[error("the inbox database refused a statement (SQLSTATE {code})")]
    Refused {
        /// The SQLSTATE code.
        code: String,
    },
    /// A stored row cannot be read back (a table of another version, a corrupted value).
    #[error("an inbox row cannot be read: {detail}")]
    Corrupt {
        /// What is wrong (never a value).
        detail: String,
    },
    /// The configuration is invalid (a malformed URL, an unusable option).
    #[error("invalid inbox configuration: {detail}")]
    InvalidConfig {
        /// What is wrong (never the URL or a password).
        detail: String,
    },
    /// An argument is invalid (an unknown state name).
    #[error("invalid inbox input: {detail}")]
    InvalidInput {
        /// What is wrong.
        detail: String,
    },
    /// No delivery has this id.
    #[error("the inbox holds no delivery {id}")]
    NotFound {
        /// The id asked for.
        id: i64,
    },
    /// The delivery is being processed by a worker whose lease has not expired.
    #[error("inbox delivery {id} is being processed; retry it after its lease")]
    Busy {
        /// The delivery's id.
        id: i64,
    },
}

impl InboxError {
    /// [`InboxError::Unavailable`] from any error.
    pub fn unavailable(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unavailable(Box::new(err))
    }

    /// Whether retrying later may succeed (the database was unavailable).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}
