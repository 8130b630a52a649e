//! Private declaration macros shared by the wire types: open server enums and validated ids.

/// Declares a server enum that tolerates drift: the documented values, plus `Unknown(String)`
/// holding any other value exactly as received, (de)serialized through `Display`/`FromStr`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde_with::SerializeDisplay, serde_with::DeserializeFromStr,
        )]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("Wire value `", $wire, "`.")]
                $variant,
            )+
            /// A value this crate does not know, exactly as received (round-trips unchanged).
            Unknown(String),
        }

        impl $name {
            /// How many documented values there are.
            pub const COUNT: usize = [$($wire),+].len();

            /// Every documented value, in declaration order.
            pub const ALL: [$name; $name::COUNT] = [$($name::$variant),+];

            /// The exact wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Whether this is a documented value (not `Unknown`).
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s.parse() {
                    Ok(v) => v,
                    Err(never) => match never {},
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.parse() {
                    Ok(v) => v,
                    Err(never) => match never {},
                }
            }
        }
    };
}

/// Declares a validated id newtype (see [`crate::ids`]).
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $field:literal) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps an id: non-empty, at most
            /// [`MAX_ID_LEN`](hookbridge_core::model::MAX_ID_LEN) bytes, not `.` or `..`, no `/`,
            /// whitespace or control characters.
            pub fn new(id: impl Into<String>) -> Result<Self, hookbridge_core::InvalidInput> {
                let id = id.into();
                crate::ids::validate($field, &id)?;
                Ok(Self(id))
            }

            /// The id exactly as Stripe sent it, without validation (as serde decodes it). A
            /// request path built from it is validated again before anything is sent.
            pub fn from_provider(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = hookbridge_core::InvalidInput;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = hookbridge_core::InvalidInput;

            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = hookbridge_core::InvalidInput;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }
    };
}

pub(crate) use id_type;
pub(crate) use wire_enum;
