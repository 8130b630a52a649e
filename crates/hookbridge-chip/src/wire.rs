//! Private serde helpers shared by the wire types: null-tolerant fields and drift-tolerant enums.

use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

/// Deserializes `T`, reading JSON `null` as `T::default()` (CHIP sends `null` for many unset fields).
pub(crate) fn null_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(de).map(Option::unwrap_or_default)
}

/// Reads a decimal that CHIP documents as a string (`"1.0000"`, `"0.00"`) but that some payloads
/// carry as a JSON number; keeps it as the exact string received (numbers in their JSON spelling).
pub(crate) fn opt_decimal<'de, D>(de: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    match Option::<Value>::deserialize(de)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!("expected a decimal string or number, got {other}"))),
    }
}

/// Writes a decimal kept by [`opt_decimal`] back as a string.
pub(crate) fn ser_opt_decimal<S: Serializer>(value: &Option<String>, ser: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(s) => ser.serialize_str(s),
        None => ser.serialize_none(),
    }
}

/// Declares a server enum that tolerates drift: the documented values, plus `Unknown(String)`
/// holding any other value exactly as received, (de)serialized through `Display`/`FromStr`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde_with::SerializeDisplay, serde_with::DeserializeFromStr,
        )]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not document, exactly as received.
            Unknown(String),
        }

        impl $name {
            /// How many documented values there are.
            pub const COUNT: usize = [$($wire),+].len();

            /// Every documented value, in the provider's documentation order.
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
    };
}

pub(crate) use wire_enum;
