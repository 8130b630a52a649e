//! [`Form`]: an `application/x-www-form-urlencoded` body in Stripe's bracket notation.
//!
//! Stripe's v1 API takes request parameters form-encoded, with nested values spelled in
//! brackets (the notation of its API reference and curl examples):
//!
//! | parameter | pairs |
//! |---|---|
//! | a scalar | `url=https://…` |
//! | an array | `enabled_events[]=charge.failed&enabled_events[]=charge.succeeded` |
//! | a hash | `metadata[order_id]=6735` |
//! | an emptied value | `description=` / `metadata[key]=` / `metadata=` |
//!
//! # Why a small encoder of our own
//!
//! * `serde_urlencoded` encodes flat structs only: it refuses sequences and maps, which is
//!   exactly what `enabled_events[]` and `metadata[…]` are.
//! * `serde_qs` handles nesting, but writes arrays with indices (`enabled_events[0]=…`), drops
//!   the explicit empty values Stripe uses to unset (`metadata[key]=`), and would be one more
//!   dependency for a body with three shapes.
//!
//! So the pairs are built explicitly, in a fixed order, by the parameter types
//! ([`crate::params`]) and serialized here with `url`'s `form_urlencoded` byte serializer (the
//! WHATWG `application/x-www-form-urlencoded` rules: space as `+`, everything outside
//! `*-._` and ASCII alphanumerics percent-encoded). Brackets in **keys** are then written
//! literally, as Stripe's own libraries and documentation do (`metadata[order]`, not
//! `metadata%5Border%5D`); both spellings decode to the same pairs. A `[` or `]` inside a
//! metadata key would be ambiguous, and Stripe forbids it: [`crate::params`] refuses such keys.
//!
//! ```
//! use hookbridge_stripe::Form;
//!
//! let mut form = Form::new();
//! form.push("url", "https://example.com/hooks?a=1&b=2")
//!     .push_list("enabled_events", ["charge.failed", "charge.succeeded"])
//!     .push_map("metadata", [("order id", "6735")]);
//! assert_eq!(
//!     form.encode(),
//!     "url=https%3A%2F%2Fexample.com%2Fhooks%3Fa%3D1%26b%3D2\
//!      &enabled_events[]=charge.failed&enabled_events[]=charge.succeeded\
//!      &metadata[order+id]=6735"
//! );
//! ```

use url::form_urlencoded;

/// The `Content-Type` of a [`Form`] body.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// An ordered list of form pairs (keys already in bracket notation), encoded on demand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `key=value`.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.pairs.push((key.into(), value.into()));
        self
    }

    /// Appends `key[]=value` for each value, in order (nothing for no values).
    pub fn push_list<I, S>(&mut self, key: &str, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let key = format!("{key}[]");
        for value in values {
            self.pairs.push((key.clone(), value.as_ref().to_owned()));
        }
        self
    }

    /// Appends `key[name]=value` for each entry, in order (nothing for no entries).
    pub fn push_map<I, K, V>(&mut self, key: &str, entries: I) -> &mut Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        for (name, value) in entries {
            self.pairs.push((format!("{key}[{}]", name.as_ref()), value.as_ref().to_owned()));
        }
        self
    }

    /// The pairs, in the order they are sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The encoded body (`key=value&…`), brackets in keys kept literal.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (key, value)) in self.pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            // `[` and `]` only ever come out of the byte serializer as `%5B` / `%5D` (a literal
            // `%` in the input is written `%25`), so turning those back is exact.
            for chunk in form_urlencoded::byte_serialize(key.as_bytes()) {
                out.push_str(&chunk.replace("%5B", "[").replace("%5D", "]"));
            }
            out.push('=');
            out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
        }
        out
    }

    /// The encoded body as bytes (what is sent).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode().into_bytes()
    }
}
