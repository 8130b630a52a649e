//! [`MiexApiKey`]: the partner API key, parsed and classified before any request is sent.

use std::fmt;

use hookbridge_core::{InvalidInput, Secret};

/// Length of the part of a key after its prefix, as documented (`<32chars>`).
pub const KEY_BODY_LEN: usize = 32;

/// The expected key formats, quoted in every parse error (never the key itself).
const EXPECTED: &str = "expected sk_branch_<32 chars>, sk_personal_<32 chars> or pk_<32 chars> \
     (32 printable ASCII characters without whitespace after the prefix)";

/// Which kind of MIEX partner key a [`MiexApiKey`] is, read from its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// `sk_branch_<32 chars>`: a superadmin key covering every exchange of a branch.
    Branch,
    /// `sk_personal_<32 chars>`: a key of one panel user.
    Personal,
    /// `pk_<32 chars>`: a public, read-only key (only `/partner/public/...` endpoints). It cannot
    /// register webhooks.
    Public,
}

impl KeyKind {
    /// Every kind, in prefix-matching order.
    pub const ALL: [KeyKind; 3] = [KeyKind::Branch, KeyKind::Personal, KeyKind::Public];

    /// The key prefix (`sk_branch_`, `sk_personal_`, `pk_`).
    pub const fn prefix(self) -> &'static str {
        match self {
            KeyKind::Branch => "sk_branch_",
            KeyKind::Personal => "sk_personal_",
            KeyKind::Public => "pk_",
        }
    }

    /// Whether a key of this kind may call write endpoints such as webhook registration
    /// (`false` only for the read-only public `pk_` key).
    pub const fn can_write(self) -> bool {
        !matches!(self, KeyKind::Public)
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyKind::Branch => "branch",
            KeyKind::Personal => "personal",
            KeyKind::Public => "public",
        })
    }
}

/// A MIEX partner API key whose format has been checked.
///
/// The documented formats are `sk_branch_<32chars>`, `sk_personal_<32chars>` and
/// `pk_<32chars>`. MIEX does not document the alphabet of the 32 characters, so hookbridge accepts
/// exactly 32 printable, non-whitespace ASCII characters (`!` through `~`) after the prefix and
/// nothing else. Parse errors name the expected formats and, at most, the length of the part after
/// the prefix — never the key.
///
/// ```
/// use hookbridge_core::Secret;
/// use hookbridge_miex::{KeyKind, MiexApiKey};
///
/// let key = MiexApiKey::parse(Secret::new("sk_branch_0123456789abcdef0123456789abcdef"))?;
/// assert_eq!(key.kind(), KeyKind::Branch);
/// assert!(!format!("{key:?}").contains("0123456789"));
///
/// let err = MiexApiKey::parse(Secret::new("sk_live_nope")).unwrap_err();
/// assert_eq!(err.field, "api_key");
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
#[derive(Clone)]
pub struct MiexApiKey {
    kind: KeyKind,
    secret: Secret,
}

impl MiexApiKey {
    /// Checks the key's format and classifies it; refused keys give [`InvalidInput`] on field `api_key`.
    pub fn parse(secret: Secret) -> Result<Self, InvalidInput> {
        let kind = classify(secret.expose())?;
        Ok(Self { kind, secret })
    }

    /// The kind of key.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The key itself (for the `Authorization` header).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
}

impl TryFrom<Secret> for MiexApiKey {
    type Error = InvalidInput;

    fn try_from(secret: Secret) -> Result<Self, Self::Error> {
        Self::parse(secret)
    }
}

impl fmt::Debug for MiexApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MiexApiKey").field("kind", &self.kind).field("key", &"[REDACTED]").finish()
    }
}

fn classify(raw: &str) -> Result<KeyKind, InvalidInput> {
    let Some((kind, body)) = KeyKind::ALL.into_iter().find_map(|k| raw.strip_prefix(k.prefix()).map(|b| (k, b))) else {
        return Err(InvalidInput::new("api_key", format!("unrecognised key prefix; {EXPECTED}")));
    };
    if body.len() != KEY_BODY_LEN {
        return Err(InvalidInput::new(
            "api_key",
            format!("the part after `{}` is {} bytes long, not {KEY_BODY_LEN}; {EXPECTED}", kind.prefix(), body.len()),
        ));
    }
    if body.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
        return Err(InvalidInput::new(
            "api_key",
            format!(
                "the part after `{}` contains whitespace, control or non-ASCII characters; {EXPECTED}",
                kind.prefix()
            ),
        ));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "0123456789abcdefABCDEF_-!~0123ab";

    #[test]
    fn classifies_each_documented_prefix() {
        assert_eq!(BODY.len(), KEY_BODY_LEN);
        for kind in KeyKind::ALL {
            let key = MiexApiKey::parse(Secret::new(format!("{}{BODY}", kind.prefix())));
            assert_eq!(key.map(|k| k.kind()), Ok(kind));
        }
    }

    #[test]
    fn refuses_bad_keys_without_echoing_them() {
        let bad = [
            String::new(),
            "sk_live_0123456789abcdef0123456789abcdef".to_owned(),
            format!("sk_branch_{}", &BODY[..31]),
            format!("sk_personal_{BODY}x"),
            format!("pk_{}", BODY.replace('0', " ")),
            format!("pk_{}\u{e9}", &BODY[..30]),
            format!("SK_BRANCH_{BODY}"),
            format!(" sk_branch_{BODY}"),
        ];
        for key in bad {
            let err = MiexApiKey::parse(Secret::new(key.clone())).map(|k| k.kind());
            let err = match err {
                Err(e) => e,
                Ok(kind) => panic!("{key:?} accepted as {kind}"),
            };
            assert_eq!(err.field, "api_key");
            assert!(err.reason.contains("sk_branch_<32 chars>"), "{}", err.reason);
            if key.len() > 4 {
                assert!(!err.to_string().contains(&key), "{err}");
            }
        }
    }
}
