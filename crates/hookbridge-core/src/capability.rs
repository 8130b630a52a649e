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

    /// These capabilities with `op` supported as well; `const`, so that a provider crate declares
    /// its capabilities as a constant.
    ///
    /// ```
    /// use hookbridge_core::{Capabilities, Operation};
    ///
    /// const REGISTER_ONLY: Capabilities =
    ///     Capabilities::NONE.with(Operation::Create).with_event_selection().with_secret_on_create();
    /// assert!(REGISTER_ONLY.supports(Operation::Create) && !REGISTER_ONLY.supports(Operation::List));
    /// assert!(REGISTER_ONLY.event_selection && !REGISTER_ONLY.all_events);
    /// ```
    #[must_use]
    pub const fn with(mut self, op: Operation) -> Self {
        match op {
            Operation::Create => self.create = true,
            Operation::Get => self.get = true,
            Operation::List => self.list = true,
            Operation::Update => self.update = true,
            Operation::Delete => self.delete = true,
            Operation::RotateSecret => self.rotate_secret = true,
        }
        self
    }

    /// [`with`](Self::with) for each of `ops`.
    #[must_use]
    pub const fn with_all(mut self, ops: &[Operation]) -> Self {
        let mut i = 0;
        while i < ops.len() {
            self = self.with(ops[i]);
            i += 1;
        }
        self
    }

    /// With [`event_selection`](Self::event_selection).
    #[must_use]
    pub const fn with_event_selection(mut self) -> Self {
        self.event_selection = true;
        self
    }

    /// With [`all_events`](Self::all_events).
    #[must_use]
    pub const fn with_all_events(mut self) -> Self {
        self.all_events = true;
        self
    }

    /// With [`multiple_urls`](Self::multiple_urls).
    #[must_use]
    pub const fn with_multiple_urls(mut self) -> Self {
        self.multiple_urls = true;
        self
    }

    /// With [`secret_on_create`](Self::secret_on_create).
    #[must_use]
    pub const fn with_secret_on_create(mut self) -> Self {
        self.secret_on_create = true;
        self
    }

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

    #[test]
    fn const_builders_set_exactly_what_they_name() {
        const ALL: Capabilities = Capabilities::NONE
            .with_all(&Operation::ALL)
            .with_event_selection()
            .with_all_events()
            .with_multiple_urls()
            .with_secret_on_create();
        let every = Capabilities {
            create: true,
            get: true,
            list: true,
            update: true,
            delete: true,
            rotate_secret: true,
            event_selection: true,
            all_events: true,
            multiple_urls: true,
            secret_on_create: true,
        };
        assert_eq!(ALL, every);
        for op in Operation::ALL {
            let one = Capabilities::NONE.with(op);
            assert!(Operation::ALL.iter().all(|other| one.supports(*other) == (*other == op)), "{op:?}");
            assert_eq!(Capabilities::NONE.with_all(&[op]), one);
        }
        assert_eq!(Capabilities::NONE.with_all(&[]), Capabilities::NONE);
        assert_eq!(Capabilities::NONE.with_multiple_urls(), Capabilities { multiple_urls: true, ..Capabilities::NONE });
    }
}
