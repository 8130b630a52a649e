//! Redaction of secret-looking JSON string values in quoted response bodies, and of body values
//! in serde's error messages.
//!
//! Decode errors quote the start of the body they could not decode. A create or rotate response
//! that fails to decode (a wrong type elsewhere, a truncated body) may still carry a one-time
//! signing secret, so every quoted body goes through [`redact_secrets`] first: the string value
//! of every key that [`is_secret_key`] names a secret is replaced by `[REDACTED]`. Key names are
//! compared after JSON unescaping (`"s\u0065cret"` is `secret`). Truncated JSON is handled: an
//! unterminated secret value is redacted to the end.
//!
//! serde's own messages quote the offending value (`invalid type: string "…", expected u32`);
//! [`redact_serde_message`] replaces such values before a message goes into an error.

/// What replaces a secret value.
pub const REDACTED: &str = "[REDACTED]";

/// Whether a JSON key (or query parameter) names a secret: compared case-insensitively and
/// ignoring separators (`api_key`, `apiKey`, `X-Api-Key` alike), a name containing `secret`,
/// `token`, `password`, `passwd`, `credential`, `signature`, `privatekey` or `key` — except a
/// public key (`public_key`, `publicKey`), which is not a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k: String = key.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    const ALWAYS: [&str; 7] = ["secret", "token", "password", "passwd", "credential", "signature", "privatekey"];
    if ALWAYS.iter().any(|n| k.contains(n)) {
        return true;
    }
    k.contains("key") && !k.contains("publickey")
}

/// A JSON string's content (between the quotes, escapes and all) as text: unescaped when it is
/// valid JSON, else as written.
fn unescape_key(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('\\') {
        return std::borrow::Cow::Borrowed(raw);
    }
    match serde_json::from_str::<String>(&format!("\"{raw}\"")) {
        Ok(s) => std::borrow::Cow::Owned(s),
        Err(_) => std::borrow::Cow::Borrowed(raw),
    }
}

/// serde's error message with every value it quotes replaced by `[REDACTED]`: double-quoted
/// strings (`invalid type: string "…"`) and backtick-quoted values (`unknown variant `…``,
/// `invalid value: integer `…``). Field names (`missing field `x``, `unknown field `x``) and the
/// position are kept.
///
/// ```
/// use hookbridge_core::redact::redact_serde_message;
///
/// assert_eq!(
///     redact_serde_message(r#"invalid type: string "sk_live_123", expected u32 at line 1 column 20"#),
///     r#"invalid type: string "[REDACTED]", expected u32 at line 1 column 20"#
/// );
/// assert_eq!(redact_serde_message("missing field `url` at line 1 column 2"), "missing field `url` at line 1 column 2");
/// ```
pub fn redact_serde_message(message: &str) -> String {
    // serde's messages are `<what> <quoted value>[, expected <schema>][ at line L column C]`; only
    // the part before the tail can hold a body value (the tail comes from the type).
    let tail_at = message.rfind(", expected").or_else(|| message.rfind(" at line")).unwrap_or(message.len());
    let (head, tail) = message.split_at(tail_at);
    let Some(open) = head.find(['"', '`']) else { return message.to_owned() };
    let quote = &head[open..=open];
    let before = &head[..open];
    if quote == "`" && before.trim_end().ends_with("field") {
        return message.to_owned();
    }
    format!("{before}{quote}{REDACTED}{quote}{tail}")
}

/// `body` (lossily decoded as UTF-8) with the string value of every secret-named key replaced by [`REDACTED`].
pub fn redact_secrets(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    // Walk string literals; a literal followed by `:` is a key.
    while let Some(start) = rest.find('"') {
        out.push_str(&rest[..=start]);
        let inner = &rest[start + 1..];
        let end = closing_quote(inner);
        let key = &inner[..end];
        out.push_str(key);
        if end >= inner.len() {
            return out;
        }
        out.push('"');
        rest = &inner[end + 1..];
        let after_ws = rest.trim_start();
        let Some(after_colon) = after_ws.strip_prefix(':') else { continue };
        if !is_secret_key(&unescape_key(key)) {
            // Copy up to and including the colon; the value is handled by the loop.
            out.push_str(&rest[..rest.len() - after_colon.len()]);
            rest = after_colon;
            continue;
        }
        let value = after_colon.trim_start();
        out.push_str(&rest[..rest.len() - value.len()]);
        rest = value;
        let Some(secret) = rest.strip_prefix('"') else { continue };
        out.push('"');
        out.push_str(REDACTED);
        let close = closing_quote(secret);
        if close >= secret.len() {
            return out;
        }
        out.push('"');
        rest = &secret[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Byte index of the unescaped closing quote of a JSON string body (its length when unterminated).
fn closing_quote(s: &str) -> usize {
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'"' => return i,
            _ => {}
        }
    }
    s.len()
}

/// Undocumented response fields kept by a wire model, by wire name.
///
/// Provider models keep fields the provider adds later so nothing is lost; such a field could be
/// a new secret (`webhookSecret`, say). `ExtraFields` serializes and derefs like the JSON map it
/// wraps, but its `Debug` prints the value of every secret-named key ([`is_secret_key`]) as
/// `[REDACTED]`.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ExtraFields(pub serde_json::Map<String, serde_json::Value>);

impl ExtraFields {
    /// The fields as a JSON map.
    pub fn into_inner(self) -> serde_json::Map<String, serde_json::Value> {
        self.0
    }
}

impl std::ops::Deref for ExtraFields {
    type Target = serde_json::Map<String, serde_json::Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for ExtraFields {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for ExtraFields {
    fn from(map: serde_json::Map<String, serde_json::Value>) -> Self {
        Self(map)
    }
}

impl From<ExtraFields> for serde_json::Map<String, serde_json::Value> {
    fn from(extra: ExtraFields) -> Self {
        extra.0
    }
}

impl std::fmt::Debug for ExtraFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in &self.0 {
            if is_secret_key(k) {
                map.entry(k, &format_args!("{REDACTED}"));
            } else {
                map.entry(k, v);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_secret_values_only() {
        let body =
            br#"{"id":"w1","secretKey": "abc\"def","note":"keep","apiSecretKey":"s2","signing_secret":"s3","n":1}"#;
        let out = redact_secrets(body);
        assert_eq!(
            out,
            r#"{"id":"w1","secretKey": "[REDACTED]","note":"keep","apiSecretKey":"[REDACTED]","signing_secret":"[REDACTED]","n":1}"#
        );
    }

    #[test]
    fn extra_fields_debug_hides_secret_named_values() {
        let mut extra = ExtraFields::default();
        extra.insert("webhookSecret".into(), "s3cr3t-value".into());
        extra.insert("region".into(), "eu".into());
        let dbg = format!("{extra:?}");
        assert!(!dbg.contains("s3cr3t-value"), "{dbg}");
        assert!(dbg.contains("eu") && dbg.contains(REDACTED));
        let json = serde_json::to_value(&extra).unwrap_or_default();
        assert_eq!(json["webhookSecret"], "s3cr3t-value", "serialization is unchanged");
    }

    #[test]
    fn catches_key_credential_signature_and_escaped_names() {
        let body = br#"{"key":"k1","x-api-key":"k2","credential":"c1","signature":"s1","s\u0065cret":"e1","public_key":"PEM","name":"ok"}"#;
        let out = redact_secrets(body);
        for hidden in ["k1", "k2", "c1", "s1", "e1"] {
            assert!(!out.contains(&format!("\"{hidden}\"")), "{hidden}: {out}");
        }
        assert!(out.contains(r#""public_key":"PEM""#) && out.contains(r#""name":"ok""#), "{out}");
        assert!(is_secret_key("apiKey") && is_secret_key("X-Auth-Signature") && is_secret_key("clientCredentials"));
        assert!(!is_secret_key("publicKey") && !is_secret_key("url") && !is_secret_key("id"));
    }

    #[test]
    fn serde_messages_lose_their_values_but_keep_field_names() {
        for (raw, want) in [
            (
                r#"invalid type: string "whsec_abc", expected a boolean at line 1 column 30"#,
                r#"invalid type: string "[REDACTED]", expected a boolean at line 1 column 30"#,
            ),
            (
                "invalid type: integer `4242424242424242`, expected a string at line 1 column 9",
                "invalid type: integer `[REDACTED]`, expected a string at line 1 column 9",
            ),
            (
                "unknown variant `sk_live_x`, expected `a` or `b` at line 1 column 5",
                "unknown variant `[REDACTED]`, expected `a` or `b` at line 1 column 5",
            ),
            (
                r#"invalid value: string "a "quoted" secret", expected x"#,
                r#"invalid value: string "[REDACTED]", expected x"#,
            ),
            ("unknown field `secretish`, expected one of `id`", "unknown field `secretish`, expected one of `id`"),
            ("EOF while parsing a string at line 1 column 12", "EOF while parsing a string at line 1 column 12"),
        ] {
            assert_eq!(redact_serde_message(raw), want);
        }
    }

    #[test]
    fn handles_truncation_non_strings_and_values_that_look_like_keys() {
        assert_eq!(redact_secrets(br#"{"secret":"abcd"#), r#"{"secret":"[REDACTED]"#);
        assert_eq!(redact_secrets(br#"{"secret": 12, "a":"secret"}"#), r#"{"secret": 12, "a":"secret"}"#);
        assert_eq!(redact_secrets(br#"{"token""#), r#"{"token""#);
        assert_eq!(redact_secrets(br#"{"to"#), r#"{"to"#);
        assert_eq!(redact_secrets(b"\xff\"secret\":\"x\""), "\u{fffd}\"secret\":\"[REDACTED]\"");
        assert_eq!(redact_secrets(b""), "");
    }
}
