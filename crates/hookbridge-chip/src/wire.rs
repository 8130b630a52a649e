//! Private serde helpers shared by the wire types: null-tolerant fields and decimals.

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
