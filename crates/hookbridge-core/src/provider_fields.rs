//! Typed access to `provider_fields`: the provider-specific fields, by wire name, that
//! [`Endpoint`](crate::Endpoint), [`EndpointSpec`](crate::EndpointSpec),
//! [`EndpointUpdate`](crate::EndpointUpdate) and [`ListFilter`](crate::ListFilter) carry.
//!
//! Every provider crate converts these maps to and from its own objects with the same few steps,
//! written once here:
//!
//! * reading — a [`FieldReader`] over a copy of the map: [`FieldReader::only`] refuses keys the
//!   request cannot carry, [`FieldReader::reserved`] refuses keys a unified field carries,
//!   [`FieldReader::take`] / [`FieldReader::take_or_null`] take out a typed value
//!   ([`FieldValue`]: strings, booleans, counts, string lists, objects, timestamps), and
//!   [`FieldReader::into_rest`] is what is left: the fields the provider crate does not model,
//!   written back to the provider's object as they came;
//! * writing — [`PutField::put`] inserts a value only when there is one.
//!
//! Every refusal is an [`InvalidInput`] for the field `provider_fields` ([`FIELD`]), naming the
//! key, the JSON type expected and the JSON type found; never the value itself.
//!
//! ```
//! use hookbridge_core::provider_fields::{FieldReader, PutField};
//! use hookbridge_core::ProviderId;
//! use serde_json::{Map, Value, json};
//!
//! const ACME: ProviderId = ProviderId::new("acme");
//!
//! // Provider object → unified: modelled fields are put only when present.
//! let mut fields = Map::new();
//! fields.put("note", Some("VIP")).put("failCount", Some(3_u64)).put("branch", None::<String>);
//! assert_eq!(Value::Object(fields.clone()), json!({"note": "VIP", "failCount": 3}));
//!
//! // Unified → provider object: typed values out, the rest kept.
//! fields.insert("region".into(), json!("eu"));
//! let mut reader = FieldReader::new(ACME, &fields);
//! reader.reserved(&["id", "url"])?;
//! let note: Option<String> = reader.take("note")?;
//! let fail_count: Option<u64> = reader.take("failCount")?;
//! assert_eq!((note.as_deref(), fail_count), (Some("VIP"), Some(3)));
//! assert_eq!(Value::Object(reader.into_rest()), json!({"region": "eu"}));
//!
//! // A request that takes only some keys, of some types.
//! let spec_fields: Map<String, Value> = serde_json::from_value(json!({"shopId": 7}))?;
//! let mut reader = FieldReader::new(ACME, &spec_fields);
//! reader.only(&["shopId", "url"])?;
//! let err = reader.take::<String>("shopId").unwrap_err();
//! assert_eq!(err.field, "provider_fields");
//! assert_eq!(err.reason, "`shopId` must be a string, got a number");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::Timestamp;
use crate::error::InvalidInput;
use crate::provider::ProviderId;

/// The field every refusal of this module names: `provider_fields`.
pub const FIELD: &str = "provider_fields";

/// Longest key an error message repeats whole (longer keys are cut, with `…`).
const MAX_KEY_IN_MESSAGE: usize = 64;

/// A JSON value a provider field can hold, with the words an error uses for it.
///
/// Implemented for [`String`] (a string), [`bool`], [`u64`] (a non-negative integer), `Vec<String>` (a list of
/// strings), `BTreeMap<String, String>` (an object of strings), `Map<String, Value>` (an object) and
/// [`Timestamp`] (an RFC 3339 string).
pub trait FieldValue: Sized {
    /// What the JSON must be, for error messages: "a string", "a list of strings", ….
    const EXPECTED: &'static str;

    /// The typed value of `value`.
    ///
    /// # Errors
    /// What was found instead, in words ("a number", "a list containing a boolean"); never the value itself.
    fn from_value(value: &Value) -> Result<Self, String>;
}

/// The JSON type of `value`, in words: "null", "a boolean", "a number", "a string", "a list", "an object".
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl FieldValue for String {
    const EXPECTED: &'static str = "a string";

    fn from_value(value: &Value) -> Result<Self, String> {
        value.as_str().map(str::to_owned).ok_or_else(|| json_type(value).to_owned())
    }
}

impl FieldValue for bool {
    const EXPECTED: &'static str = "a boolean";

    fn from_value(value: &Value) -> Result<Self, String> {
        value.as_bool().ok_or_else(|| json_type(value).to_owned())
    }
}

impl FieldValue for u64 {
    const EXPECTED: &'static str = "a non-negative integer";

    fn from_value(value: &Value) -> Result<Self, String> {
        let found = if value.is_number() { "a negative or fractional number" } else { json_type(value) };
        value.as_u64().ok_or_else(|| found.to_owned())
    }
}

impl FieldValue for Vec<String> {
    const EXPECTED: &'static str = "a list of strings";

    fn from_value(value: &Value) -> Result<Self, String> {
        let items = value.as_array().ok_or_else(|| json_type(value).to_owned())?;
        items
            .iter()
            .map(|item| String::from_value(item).map_err(|found| format!("a list containing {found}")))
            .collect()
    }
}

impl FieldValue for BTreeMap<String, String> {
    const EXPECTED: &'static str = "an object of strings";

    fn from_value(value: &Value) -> Result<Self, String> {
        let object = Map::from_value(value)?;
        let string = |v: Value| String::from_value(&v).map_err(|found| format!("an object containing {found}"));
        object.into_iter().map(|(k, v)| Ok((k, string(v)?))).collect()
    }
}

impl FieldValue for Map<String, Value> {
    const EXPECTED: &'static str = "an object";

    fn from_value(value: &Value) -> Result<Self, String> {
        value.as_object().cloned().ok_or_else(|| json_type(value).to_owned())
    }
}

impl FieldValue for Timestamp {
    const EXPECTED: &'static str = "an RFC 3339 timestamp";

    fn from_value(value: &Value) -> Result<Self, String> {
        let text = String::from_value(value)?;
        text.parse().map_err(|_| "a string that is not one".to_owned())
    }
}

/// A key as error messages show it: whole up to 64 characters, cut with `…` beyond.
fn shown(key: &str) -> String {
    match key.char_indices().nth(MAX_KEY_IN_MESSAGE) {
        None => key.to_owned(),
        Some((end, _)) => format!("{}…", &key[..end]),
    }
}

/// Reads typed values out of a copy of a `provider_fields` map, refusing what does not fit.
///
/// A value read with [`FieldReader::take`] (or [`take_or_null`](FieldReader::take_or_null),
/// [`take_non_empty`](FieldReader::take_non_empty), [`remove`](FieldReader::remove)) leaves the
/// copy; [`FieldReader::into_rest`] hands back the fields nobody took — for a provider object, its
/// unmodelled fields (its `extra` bag). The provider given names the provider in the refusal of
/// [`FieldReader::only`].
///
/// `Debug` lists the keys left, never their values.
///
/// ```
/// use hookbridge_core::provider_fields::FieldReader;
/// use hookbridge_core::ProviderId;
/// use serde_json::{Map, Value, json};
///
/// let fields: Map<String, Value> =
///     serde_json::from_value(json!({"all_events": true, "public_key": null, "events": ["a", 1]}))?;
/// let mut reader = FieldReader::new(ProviderId::new("acme"), &fields);
/// assert_eq!(reader.take::<bool>("all_events")?, Some(true));
/// assert_eq!(reader.take_or_null::<String>("public_key")?, None);
/// let err = reader.take_or_null::<Vec<String>>("events").unwrap_err();
/// assert_eq!(err.reason, "`events` must be a list of strings or null, got a list containing a number");
/// assert!(reader.into_rest().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FieldReader {
    provider: ProviderId,
    fields: Map<String, Value>,
}

impl FieldReader {
    /// A reader over a copy of `fields`, for `provider`'s conversions.
    pub fn new(provider: ProviderId, fields: &Map<String, Value>) -> Self {
        Self { provider, fields: fields.clone() }
    }

    /// Refuses a key not in `allowed` (the provider fields a request can carry; none when empty).
    ///
    /// ```
    /// use hookbridge_core::provider_fields::FieldReader;
    /// use hookbridge_core::ProviderId;
    /// use serde_json::{Map, Value, json};
    ///
    /// let fields: Map<String, Value> = serde_json::from_value(json!({"companyId": "c-1"}))?;
    /// let reader = FieldReader::new(ProviderId::new("acme"), &fields);
    /// assert!(reader.only(&["companyId"]).is_ok());
    /// let err = reader.only(&["shopId", "url"]).unwrap_err();
    /// assert_eq!(err.reason, "acme takes no provider field `companyId` here (accepted: shopId, url)");
    /// let err = reader.only(&[]).unwrap_err();
    /// assert_eq!(err.reason, "acme takes no provider field `companyId` here (accepted: none)");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    /// An [`InvalidInput`] naming the first other key and the accepted ones.
    pub fn only(&self, allowed: &[&str]) -> Result<(), InvalidInput> {
        match self.fields.keys().find(|k| !allowed.contains(&k.as_str())) {
            None => Ok(()),
            Some(key) => {
                let accepted = if allowed.is_empty() { "none".to_owned() } else { allowed.join(", ") };
                Err(InvalidInput::new(
                    FIELD,
                    format!("{} takes no provider field `{}` here (accepted: {accepted})", self.provider, shown(key)),
                ))
            }
        }
    }

    /// Refuses any of `keys`: wire names that a unified field carries (`id`, a URL, a creation
    /// time, …), so that a copy in `provider_fields` cannot contradict it.
    ///
    /// ```
    /// use hookbridge_core::provider_fields::FieldReader;
    /// use hookbridge_core::ProviderId;
    /// use serde_json::{Map, Value, json};
    ///
    /// let fields: Map<String, Value> = serde_json::from_value(json!({"callback": "https://x.example"}))?;
    /// let err = FieldReader::new(ProviderId::new("acme"), &fields).reserved(&["id", "callback"]).unwrap_err();
    /// assert_eq!(err.reason, "`callback` is carried by a unified field, not by provider_fields");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    /// An [`InvalidInput`] naming the first such key present.
    pub fn reserved(&self, keys: &[&str]) -> Result<(), InvalidInput> {
        match keys.iter().find(|k| self.fields.contains_key(**k)) {
            None => Ok(()),
            Some(key) => Err(InvalidInput::new(
                FIELD,
                format!("`{}` is carried by a unified field, not by provider_fields", shown(key)),
            )),
        }
    }

    /// Takes `key` out as a `T`: `None` when absent; a JSON `null` is refused like any other
    /// wrong type (for values a caller sets, where `null` would mean nothing).
    ///
    /// # Errors
    /// An [`InvalidInput`] saying what `key` must be and what it is: "`note` must be a string, got a number".
    pub fn take<T: FieldValue>(&mut self, key: &str) -> Result<Option<T>, InvalidInput> {
        self.fields
            .remove(key)
            .map(|value| T::from_value(&value).map_err(|found| wrong_type(key, T::EXPECTED, &found)))
            .transpose()
    }

    /// Takes `key` out as a `T`, `None` when absent or JSON `null` (for values a provider reports
    /// as `null` when unset).
    ///
    /// # Errors
    /// An [`InvalidInput`] saying what `key` must be and what it is: "`object` must be a string or null, got a number".
    pub fn take_or_null<T: FieldValue>(&mut self, key: &str) -> Result<Option<T>, InvalidInput> {
        match self.fields.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_value(&value)
                .map(Some)
                .map_err(|found| wrong_type(key, &format!("{} or null", T::EXPECTED), &found)),
        }
    }

    /// Takes `key` out as a string that is not empty or blank; `None` when absent (`null` is refused).
    ///
    /// ```
    /// use hookbridge_core::provider_fields::FieldReader;
    /// use hookbridge_core::ProviderId;
    /// use serde_json::{Map, Value, json};
    ///
    /// let fields: Map<String, Value> = serde_json::from_value(json!({"shopId": " "}))?;
    /// let err = FieldReader::new(ProviderId::new("acme"), &fields).take_non_empty("shopId").unwrap_err();
    /// assert_eq!(err.reason, "`shopId` must be a non-empty string, got a blank string");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ///
    /// # Errors
    /// An [`InvalidInput`] for another type, an empty or a blank string.
    pub fn take_non_empty(&mut self, key: &str) -> Result<Option<String>, InvalidInput> {
        const EXPECTED: &str = "a non-empty string";
        match self.fields.remove(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s)),
            Some(Value::String(s)) => {
                Err(wrong_type(key, EXPECTED, if s.is_empty() { "an empty string" } else { "a blank string" }))
            }
            Some(other) => Err(wrong_type(key, EXPECTED, json_type(&other))),
        }
    }

    /// Takes `key` out as it is (for a value whose meaning the provider crate decides itself).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.fields.remove(key)
    }

    /// The fields not taken out.
    pub fn into_rest(self) -> Map<String, Value> {
        self.fields
    }
}

impl fmt::Debug for FieldReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FieldReader")
            .field("provider", &self.provider)
            .field("keys", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn wrong_type(key: &str, expected: &str, found: &str) -> InvalidInput {
    InvalidInput::new(FIELD, format!("`{}` must be {expected}, got {found}", shown(key)))
}

/// Writes a provider field only when there is a value: the unified side of a provider object's
/// optional fields. Implemented for the `provider_fields` map (`Map<String, Value>`).
///
/// ```
/// use hookbridge_core::provider_fields::PutField;
/// use serde_json::{Map, Value, json};
///
/// let (message, code): (Option<String>, Option<u64>) = (Some("registered".into()), None);
/// let mut fields = Map::new();
/// fields.put("message", message).put("code", code);
/// assert_eq!(Value::Object(fields), json!({"message": "registered"}));
/// ```
pub trait PutField {
    /// Inserts `value` under `key` when it is `Some` (replacing what was there); does nothing
    /// when it is `None`.
    fn put(&mut self, key: &str, value: Option<impl Into<Value>>) -> &mut Self;
}

impl PutField for Map<String, Value> {
    fn put(&mut self, key: &str, value: Option<impl Into<Value>>) -> &mut Self {
        if let Some(value) = value {
            self.insert(key.to_owned(), value.into());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ACME: ProviderId = ProviderId::new("acme");

    fn reader(value: Value) -> FieldReader {
        match value {
            Value::Object(map) => FieldReader::new(ACME, &map),
            other => panic!("not an object: {other}"),
        }
    }

    fn reason<T: fmt::Debug>(result: Result<T, InvalidInput>) -> String {
        match result {
            Err(e) => {
                assert_eq!(e.field, FIELD);
                e.reason
            }
            Ok(v) => panic!("expected a refusal, got {v:?}"),
        }
    }

    #[test]
    fn take_refuses_null_and_take_or_null_skips_it() {
        let mut r = reader(json!({"a": null, "b": null, "c": "x"}));
        assert_eq!(reason(r.take::<String>("a")), "`a` must be a string, got null");
        assert_eq!(r.take_or_null::<String>("b"), Ok(None));
        assert_eq!(r.take::<String>("missing"), Ok(None));
        assert_eq!(r.take_or_null::<String>("c"), Ok(Some("x".to_owned())));
        assert!(r.into_rest().is_empty(), "every taken key leaves the copy, refused ones too");
    }

    #[test]
    fn each_type_names_what_it_expects_and_what_it_found() {
        let mut r = reader(json!({
            "b": "yes", "n": -1, "f": 1.5, "s": ["a", true], "m": {"k": 1}, "o": [], "t": "yesterday", "l": 3
        }));
        assert_eq!(reason(r.take::<bool>("b")), "`b` must be a boolean, got a string");
        assert_eq!(
            reason(r.take::<u64>("n")),
            "`n` must be a non-negative integer, got a negative or fractional number"
        );
        assert_eq!(
            reason(r.take::<u64>("f")),
            "`f` must be a non-negative integer, got a negative or fractional number"
        );
        assert_eq!(
            reason(r.take::<Vec<String>>("s")),
            "`s` must be a list of strings, got a list containing a boolean"
        );
        assert_eq!(
            reason(r.take::<BTreeMap<String, String>>("m")),
            "`m` must be an object of strings, got an object containing a number"
        );
        assert_eq!(reason(r.take::<Map<String, Value>>("o")), "`o` must be an object, got a list");
        assert_eq!(reason(r.take::<Timestamp>("t")), "`t` must be an RFC 3339 timestamp, got a string that is not one");
        assert_eq!(reason(r.take_or_null::<Vec<String>>("l")), "`l` must be a list of strings or null, got a number");
    }

    #[test]
    fn each_type_reads_its_value() {
        let mut r = reader(json!({
            "b": false, "n": 17, "s": ["a", "b"], "m": {"k": "v"}, "o": {"x": 1}, "t": "2025-06-02T08:15:30Z"
        }));
        assert_eq!(r.take::<bool>("b"), Ok(Some(false)));
        assert_eq!(r.take::<u64>("n"), Ok(Some(17)));
        assert_eq!(r.take::<Vec<String>>("s"), Ok(Some(vec!["a".to_owned(), "b".to_owned()])));
        assert_eq!(r.take::<BTreeMap<String, String>>("m"), Ok(Some(BTreeMap::from([("k".into(), "v".into())]))));
        assert_eq!(r.take::<Map<String, Value>>("o").map(|o| o.map(Value::Object)), Ok(Some(json!({"x": 1}))));
        let at = r.take::<Timestamp>("t").ok().flatten().map(|t| t.to_string());
        assert_eq!(at.as_deref(), Some("2025-06-02T08:15:30Z"));
    }

    #[test]
    fn values_are_never_repeated_and_long_keys_are_cut() {
        let long_value = "v".repeat(500);
        let long_key = "k".repeat(200);
        let mut r = reader(json!({"secretish": 12345678, &long_key: long_value}));
        let text = reason(r.take::<String>("secretish"));
        assert!(!text.contains("12345678"), "{text}");
        let text = reason(r.only(&[]));
        assert!(!text.contains(&long_key) && text.contains(&format!("`{}…`", "k".repeat(64))), "{text}");
        let text = reason(r.take::<bool>(&long_key));
        assert!(!text.contains(&long_value) && text.len() < 150, "{text}");
    }

    #[test]
    fn non_empty_strings_refuse_empty_blank_null_and_other_types() {
        let mut r = reader(json!({"e": "", "b": "  ", "z": null, "n": 5, "ok": "shop-1"}));
        assert_eq!(reason(r.take_non_empty("e")), "`e` must be a non-empty string, got an empty string");
        assert_eq!(reason(r.take_non_empty("b")), "`b` must be a non-empty string, got a blank string");
        assert_eq!(reason(r.take_non_empty("z")), "`z` must be a non-empty string, got null");
        assert_eq!(reason(r.take_non_empty("n")), "`n` must be a non-empty string, got a number");
        assert_eq!(r.take_non_empty("ok"), Ok(Some("shop-1".to_owned())));
        assert_eq!(r.take_non_empty("missing"), Ok(None));
    }

    #[test]
    fn only_and_reserved_look_at_keys_not_values() {
        let r = reader(json!({"shopId": null, "url": 1}));
        assert_eq!(r.only(&["shopId", "url", "x"]), Ok(()));
        assert_eq!(reason(r.only(&["shopId"])), "acme takes no provider field `url` here (accepted: shopId)");
        assert_eq!(r.reserved(&["id", "created"]), Ok(()));
        assert_eq!(reason(r.reserved(&["id", "url"])), "`url` is carried by a unified field, not by provider_fields");
        assert_eq!(reader(json!({})).only(&[]), Ok(()));
    }

    #[test]
    fn remove_and_rest_keep_what_was_not_read() {
        let mut r = reader(json!({"raw": [1, 2], "kept": {"a": 1}}));
        assert_eq!(r.remove("raw"), Some(json!([1, 2])));
        assert_eq!(r.remove("raw"), None);
        assert_eq!(format!("{r:?}"), r#"FieldReader { provider: ProviderId("acme"), keys: ["kept"] }"#);
        assert_eq!(Value::Object(r.into_rest()), json!({"kept": {"a": 1}}));
    }

    #[test]
    fn put_writes_only_present_values() {
        let mut fields = Map::new();
        fields.insert("a".into(), json!(1));
        fields.put("a", None::<u64>).put("b", Some(vec!["x"])).put("c", Some(true)).put("a", Some("two"));
        assert_eq!(Value::Object(fields), json!({"a": "two", "b": ["x"], "c": true}));
    }
}
