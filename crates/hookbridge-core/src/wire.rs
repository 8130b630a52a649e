//! The shared declarations of provider wire types: server enums that tolerate drift
//! ([`wire_enum!`](crate::wire_enum)) and validated id newtypes ([`id_type!`](crate::id_type)).
//! Every provider crate declares its enums and ids with these, so they behave alike: the exact
//! wire spelling round-trips, an unknown value is kept (never an error), ids are checked before
//! they reach a URL path.
//!
//! ```
//! hookbridge_core::wire_enum! {
//!     /// An endpoint status.
//!     pub enum Status {
//!         /// Deliveries are sent.
//!         Enabled = "enabled",
//!         /// Deliveries are not sent.
//!         Disabled = "disabled",
//!     }
//! }
//! hookbridge_core::id_type! {
//!     /// An endpoint id.
//!     pub struct EndpointRef("endpoint id");
//! }
//!
//! assert_eq!(Status::ALL, [Status::Enabled, Status::Disabled]);
//! let drifted: Status = serde_json::from_str("\"paused\"")?;
//! assert_eq!(drifted, Status::Unknown("paused".into()));
//! assert!(!drifted.is_documented());
//! assert_eq!(serde_json::to_string(&drifted)?, "\"paused\""); // round-trips unchanged
//! assert!(EndpointRef::new("we_123").is_ok());
//! assert!(EndpointRef::new("..").is_err()); // cannot be one path segment
//! # Ok::<(), serde_json::Error>(())
//! ```

/// Declares a server enum that tolerates drift: the documented values as variants, plus
/// `Unknown(String)` holding any other value exactly as received. Generates `COUNT`, `ALL` (the
/// documented values in order), `as_str`, `is_documented`, `Display`, `FromStr` (infallible),
/// `From<&str>` and serde as the wire string. See the [module documentation](crate::wire).
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("\n\nWire value `", $wire, "`.")]
                $variant,
            )+
            /// A value this version does not document, exactly as received.
            Unknown(::std::string::String),
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
            pub fn is_documented(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok($name::from(s))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(s: ::std::string::String) -> Self {
                $name::from(s.as_str())
            }
        }

        impl $crate::reexports::serde::Serialize for $name {
            fn serialize<S: $crate::reexports::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::reexports::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::reexports::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str> as $crate::reexports::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                Ok($name::from(&*text))
            }
        }
    };
}

/// Declares a validated id newtype: `new` refuses what cannot be one URL path segment (empty,
/// `.`/`..`, whitespace, control characters, over 256 bytes — [`crate::model::validate_path_id`],
/// naming the field in the error; `struct Name("field", path::to::validate)` uses a stricter
/// `fn(&'static str, &str) -> Result<(), InvalidInput>` instead); `from_provider` wraps an id as the provider sent it (a path
/// built from it is validated again). Serde is transparent. See the [module documentation](crate::wire).
#[macro_export]
macro_rules! id_type {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($field:literal);
    ) => {
        $crate::id_type! {
            $(#[$meta])*
            $vis struct $name($field, $crate::model::validate_path_id);
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident($field:literal, $validate:path);
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis struct $name(::std::string::String);

        impl $name {
            /// Validates and wraps an id.
            ///
            /// # Errors
            /// An [`InvalidInput`]($crate::InvalidInput) naming the field when the id cannot be
            /// one URL path segment.
            pub fn new(id: impl Into<::std::string::String>) -> ::std::result::Result<Self, $crate::InvalidInput> {
                let id = id.into();
                $validate($field, &id)?;
                Ok(Self(id))
            }

            /// The id exactly as the provider sent it, without validation (as serde decodes it).
            pub fn from_provider(id: impl Into<::std::string::String>) -> Self {
                Self(id.into())
            }

            /// The id as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::InvalidInput;

            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl ::std::convert::TryFrom<&str> for $name {
            type Error = $crate::InvalidInput;

            fn try_from(s: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::InvalidInput;

            fn try_from(s: ::std::string::String) -> ::std::result::Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl $crate::reexports::serde::Serialize for $name {
            fn serialize<S: $crate::reexports::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::reexports::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::reexports::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as $crate::reexports::serde::Deserialize>::deserialize(deserializer)
                    .map(Self)
            }
        }
    };
}

#[cfg(test)]
// The generated items are public by design; in this test module they are only exercised in part.
#[allow(unreachable_pub, dead_code)]
mod tests {
    crate::wire_enum! {
        /// A test enum.
        pub(crate) enum Colour {
            /// Red.
            Red = "red",
            /// Green.
            Green = "green",
        }
    }

    crate::id_type! {
        /// A test id.
        pub(crate) struct TestId("test id");
    }

    #[test]
    fn enums_round_trip_and_keep_unknown_values() {
        assert_eq!(Colour::COUNT, 2);
        assert_eq!("green".parse::<Colour>(), Ok(Colour::Green));
        assert_eq!(Colour::from("blue"), Colour::Unknown("blue".into()));
        assert!(Colour::Red.is_documented() && !Colour::from("blue").is_documented());
        for value in ["\"red\"", "\"blue\""] {
            let parsed: Colour = serde_json::from_str(value).unwrap_or(Colour::Red);
            assert_eq!(serde_json::to_string(&parsed).ok().as_deref(), Some(value));
        }
        assert!(serde_json::from_str::<Colour>("3").is_err());
    }

    #[test]
    fn ids_are_validated_but_decoded_as_sent() {
        assert_eq!(TestId::new("abc").map(|i| i.to_string()).ok().as_deref(), Some("abc"));
        for bad in ["", "..", "a b", "a\nb"] {
            let err = TestId::new(bad).err();
            assert_eq!(err.map(|e| e.field), Some("test id"), "{bad:?}");
        }
        let decoded: Option<TestId> = serde_json::from_str("\"..\"").ok();
        assert_eq!(decoded.map(|i| i.as_str().to_owned()).as_deref(), Some(".."), "decoded as sent");
    }
}
