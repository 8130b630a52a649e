//! Store URLs as text: their scheme, and a form safe to print (no password, no query).

/// The lowercased scheme of `url` when it has the form `<scheme>://…` with an RFC 3986
/// scheme; `None` otherwise (so that nothing else of the URL ends up in an error).
pub(crate) fn scheme_of(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once("://")?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok && scheme.len() <= 32).then(|| scheme.to_ascii_lowercase())
}

/// `url` safe to print: the password of the user info is replaced by `***`, and the query
/// (which may hold `password=`) and fragment by `?…`. Used by the stores' `Debug`.
#[cfg(any(feature = "redis", feature = "postgres", test))]
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<not a URL>".to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let mut out = String::with_capacity(url.len());
    out.push_str(scheme);
    out.push_str("://");
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            match userinfo.split_once(':') {
                Some((user, _password)) => {
                    out.push_str(user);
                    out.push_str(":***");
                }
                // `redis://secret@host`: Redis reads a lone user info as the password.
                None => out.push_str("***"),
            }
            out.push('@');
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    out.push_str(&tail[..path_end]);
    if path_end < tail.len() {
        out.push_str("?…");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
        assert_eq!(redact_url("redis://:hunter2@h:6379"), "redis://:***@h:6379");
        assert_eq!(redact_url("redis://hunter2@h"), "redis://***@h");
        assert_eq!(redact_url("postgres://app:p%40ss@db/x?sslmode=require"), "postgres://app:***@db/x?…");
        assert_eq!(redact_url("postgres://db/x?password=hunter2"), "postgres://db/x?…");
        assert_eq!(redact_url("postgres://a:b@c@db"), "postgres://a:***@db");
        assert_eq!(redact_url("hunter2"), "<not a URL>");
    }

    #[test]
    fn schemes_are_checked() {
        assert_eq!(scheme_of("Redis://h").as_deref(), Some("redis"));
        assert_eq!(scheme_of("postgresql://h").as_deref(), Some("postgresql"));
        assert_eq!(scheme_of("user:pass@host://x"), None);
        assert_eq!(scheme_of("memory"), None);
    }
}
