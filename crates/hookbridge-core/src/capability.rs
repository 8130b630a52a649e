//! What a provider documents, as seen through the unified trait: the unified [`Operation`]s and a
//! provider's [`Capabilities`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// A unified operation, named in capability checks and [`crate::Unsupported`] errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operation {
    /// Create an endpoint.
    Create,
    /// Fetch one endpoint.
    Get,
    /// List endpoints.
    List,
    /// Replace or patch an endpoint.
    Update,
    /// Delete an endpoint.
    Delete,
    /// Rotate an endpoint's signing secret.
    RotateSecret,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 6] = [
        Operation::Create,
        Operation::Get,
        Operation::List,
        Operation::Update,
        Operation::Delete,
        Operation::RotateSecret,
    ];

    /// The operation's name (`create`, `rotate_secret`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Get => "get",
            Operation::List => "list",
            Operation::Update => "update",
            Operation::Delete => "delete",
            Operation::RotateSecret => "rotate_secret",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a provider's webhook API documents, as seen through the unified trait.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Capabilities {
    /// Unified create.
    pub create: bool,
    /// Unified get.
    pub get: bool,
    /// Unified list.
    pub list: bool,
    /// Unified update.
    pub update: bool,
    /// Unified delete.
    pub delete: bool,
    /// Unified rotate secret.
    pub rotate_secret: bool,
    /// The endpoint's events can be chosen (an event list in create/update).
    pub event_selection: bool,
    /// "Every event" can be requested.
    pub all_events: bool,
    /// More than one delivery URL per endpoint.
    pub multiple_urls: bool,
    /// A signing secret is returned at creation.
    pub secret_on_create: bool,
}

impl Capabilities {
    /// No operation supported.
    pub const NONE: Capabilities = Capabilities {
        create: false,
        get: false,
        list: false,
        update: false,
        delete: false,
        rotate_secret: false,
        event_selection: false,
        all_events: false,
        multiple_urls: false,
        secret_on_create: false,
    };

    /// Whether `op` is supported.
    pub const fn supports(&self, op: Operation) -> bool {
        match op {
            Operation::Create => self.create,
            Operation::Get => self.get,
            Operation::List => self.list,
            Operation::Update => self.update,
            Operation::Delete => self.delete,
            Operation::RotateSecret => self.rotate_secret,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_supports() {
        let c = Capabilities { create: true, ..Capabilities::NONE };
        assert!(c.supports(Operation::Create));
        assert!(!c.supports(Operation::RotateSecret));
    }
}
