//! Output: aligned text tables, JSON, and the [`DeliveryView`] every verifying command prints.
//!
//! Tables are formatted by hand ([`Table`]): the CLI needs left-aligned columns and nothing else,
//! which is a few lines of code — smaller than any table crate's dependency tree. Their headers
//! and status columns are styled with `anstyle`; the CLI writes its output through
//! `anstream::AutoStream`, which drops the styles when stdout is not a terminal or `NO_COLOR`
//! is set.

use std::io::{self, Write};

use anstyle::{AnsiColor, Color, Style};
use bytes::Bytes;
use hookbridge_core::{Delivery, Endpoint, EndpointStatus, EventSelection, ProviderId};
use serde::Serialize;
use serde_json::Value;

/// A verified delivery, normalised: the unified [`hookbridge_core::Delivery`] plus the preset it
/// was verified with. Printed as one JSON line by `listen` and as the result of `verify`: the
/// preset, then the delivery's own fields.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct DeliveryView {
    /// The preset that verified it (`miex`, `stripe`, ...).
    pub preset: String,
    /// The delivery. Its provider is a hookbridge provider id or, for the external standards'
    /// presets, the standard's name (`standard-webhooks`, `github`).
    #[serde(flatten)]
    pub delivery: Delivery,
    /// Whether the provider's receiver parsed the body (`false`: only the signature or URL token
    /// was checked, so only the verified facts are set).
    #[serde(skip)]
    pub parsed: bool,
}

impl DeliveryView {
    /// A view of a body whose signature alone was checked: only the preset, provider and body
    /// are set (the payload is parsed if it is JSON).
    pub fn unparsed(preset: &str, provider: ProviderId, raw: Bytes) -> Self {
        Self { preset: preset.to_owned(), delivery: Delivery::new(provider, raw), parsed: false }
    }

    /// The view of a delivery the provider's receiver parsed.
    pub fn from_delivery(preset: &str, delivery: Delivery) -> Self {
        Self { preset: preset.to_owned(), delivery, parsed: true }
    }

    /// A short description: `order.created, delivery 7, subject order 1284, key secret-1`.
    pub fn summary(&self) -> String {
        let d = &self.delivery;
        let mut parts = vec![match (&d.event_type, d.event_type_signed) {
            (Some(event), true) => event.to_string(),
            (Some(event), false) => format!("{event} (unsigned header)"),
            (None, _) => "(no event type)".into(),
        }];
        if let Some(id) = &d.delivery_id {
            parts.push(format!("delivery {id}"));
        }
        if let Some(id) = &d.event_id {
            parts.push(format!("event {id}"));
        }
        if let Some(s) = &d.subject {
            parts.push(format!("{} {}", s.kind, s.id));
        }
        if let Some(k) = &d.key_id {
            parts.push(format!("key {k}"));
        }
        parts.join(", ")
    }

    /// `field  value` lines for `verify --output text`.
    pub fn text_lines(&self) -> Vec<(&'static str, String)> {
        let d = &self.delivery;
        let dash = || "-".to_owned();
        vec![
            ("verified", "yes".to_owned()),
            ("preset", self.preset.clone()),
            ("provider", d.provider.to_string()),
            (
                "event type",
                match (&d.event_type, d.event_type_signed) {
                    (Some(event), true) => event.to_string(),
                    (Some(event), false) => format!("{event} (from an unsigned header)"),
                    (None, _) => dash(),
                },
            ),
            ("delivery id", d.delivery_id.clone().map(|id| format!("{id} (unsigned)")).unwrap_or_else(dash)),
            ("event id", d.event_id.clone().unwrap_or_else(dash)),
            ("occurred at", d.occurred_at.map(|t| t.to_string()).unwrap_or_else(dash)),
            ("subject", d.subject.as_ref().map(|s| format!("{} {}", s.kind, s.id)).unwrap_or_else(dash)),
            ("matched key", d.key_id.clone().unwrap_or_else(dash)),
            ("replay key", d.replay_key.clone().unwrap_or_else(dash)),
            ("body", format!("{} bytes{}", d.raw.len(), if d.payload.is_null() { ", not JSON" } else { "" })),
        ]
    }
}

/// The style of table headers.
pub const HEADER_STYLE: Style = Style::new().bold().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));

/// The style of the rule under table headers.
pub const RULE_STYLE: Style = Style::new().dimmed();

/// The style of a status cell: green for success (`active`, `ok`, `delivered`, `done`), yellow
/// for waiting or skipped (`inactive`, `pending`, `processing`, `retrying`, `skipped`), red for
/// failure (`failed`, `dead`, `deleted`), dimmed for `n/a`; anything else plain.
pub fn status_style(status: &str) -> Style {
    let colour = |c: AnsiColor| Style::new().fg_color(Some(Color::Ansi(c)));
    match status.to_ascii_lowercase().as_str() {
        "active" | "ok" | "delivered" | "success" | "done" | "queued" => colour(AnsiColor::Green),
        "inactive" | "disabled" | "pending" | "processing" | "retrying" | "skipped" => colour(AnsiColor::Yellow),
        "failed" | "dead" | "deleted" | "error" => colour(AnsiColor::Red),
        "n/a" => Style::new().dimmed(),
        _ => Style::new(),
    }
}

/// A table of left-aligned text columns.
///
/// [`write`](Self::write) styles it with ANSI escapes — bold headers, a dimmed rule, coloured
/// [status columns](Self::status_column) — and is meant for a stream that drops them where
/// colour is off: the CLI writes through an [`anstream::AutoStream`], which keeps them only on a
/// terminal and without `NO_COLOR` (or with `CLICOLOR_FORCE`). Columns are aligned on the text
/// alone, so the escapes never shift them. [`render`](Self::render) gives the plain lines.
#[derive(Clone, Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    status_columns: Vec<usize>,
}

impl Table {
    /// A table with these column titles.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(header: I) -> Self {
        Self { header: header.into_iter().map(Into::into).collect(), rows: Vec::new(), status_columns: Vec::new() }
    }

    /// Adds a row (missing cells are blank, extra cells are dropped).
    pub fn row<I: IntoIterator<Item = S>, S: Into<String>>(&mut self, cells: I) -> &mut Self {
        let mut row: Vec<String> = cells.into_iter().map(Into::into).collect();
        row.resize(self.header.len(), String::new());
        self.rows.push(row);
        self
    }

    /// Styles the cells of the column titled `title` with [`status_style`] (no such column:
    /// nothing changes).
    pub fn status_column(&mut self, title: &str) -> &mut Self {
        if let Some(i) = self.header.iter().position(|h| h == title) {
            self.status_columns.push(i);
        }
        self
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as plain lines, each prefixed with `indent`: header, a rule, the rows. The last
    /// column is not padded. Line breaks inside a cell are shown as `⏎`.
    pub fn render(&self, indent: &str) -> Vec<String> {
        self.lines(indent, false)
    }

    /// [`render`](Self::render) with ANSI styles: the same lines once the escapes are removed.
    pub fn render_styled(&self, indent: &str) -> Vec<String> {
        self.lines(indent, true)
    }

    fn lines(&self, indent: &str, styled: bool) -> Vec<String> {
        let clean = |s: &String| s.replace(['\n', '\r'], "⏎");
        let header: Vec<String> = self.header.iter().map(clean).collect();
        let rows: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(clean).collect()).collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                std::iter::once(&header[i])
                    .chain(rows.iter().map(|r| &r[i]))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        // Cells after the last one with text are left out and that one's trailing blanks
        // dropped, so no line ends in spaces (nor in an escape after them).
        let line = |cells: &[String], style: &dyn Fn(usize, &str) -> Style| {
            let Some(last) = cells.iter().rposition(|c| !c.trim_end().is_empty()) else {
                return indent.trim_end().to_owned();
            };
            let mut s = String::from(indent);
            for (i, cell) in cells.iter().enumerate().take(last + 1) {
                let text = if i == last { cell.trim_end() } else { cell.as_str() };
                let style = if styled { style(i, text) } else { Style::new() };
                if style.is_plain() {
                    s.push_str(text);
                } else {
                    s.push_str(&format!("{style}{text}{style:#}"));
                }
                if i < last {
                    s.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
                }
            }
            s
        };
        let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        let mut out = vec![line(&header, &|_, _| HEADER_STYLE), line(&rule, &|_, _| RULE_STYLE)];
        let cell_style =
            |i: usize, text: &str| if self.status_columns.contains(&i) { status_style(text) } else { Style::new() };
        out.extend(rows.iter().map(|r| line(r, &cell_style)));
        out
    }

    /// Writes [`render_styled`](Self::render_styled) to `out` (see the type's documentation on
    /// where the styles end up).
    pub fn write(&self, out: &mut dyn Write, indent: &str) -> io::Result<()> {
        for l in self.render_styled(indent) {
            writeln!(out, "{l}")?;
        }
        Ok(())
    }
}

/// Writes aligned `key  value` pairs.
pub fn write_pairs(out: &mut dyn Write, pairs: &[(&str, String)]) -> io::Result<()> {
    let width = pairs.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    for (k, v) in pairs {
        let mut lines = v.lines();
        writeln!(out, "{k:width$}  {}", lines.next().unwrap_or(""))?;
        for more in lines {
            writeln!(out, "{:width$}  {more}", "")?;
        }
    }
    Ok(())
}

/// Writes `value` as pretty JSON and a newline.
pub fn write_json<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

/// Writes `value` as one compact JSON line and flushes, so a reader sees it at once
/// (`--output jsonl`).
pub fn write_json_line<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let text = serde_json::to_string(value).map_err(io::Error::other)?;
    writeln!(out, "{text}")?;
    out.flush()
}

/// Writes every item of `items` as its own JSON line (`--output jsonl` of a list).
pub fn write_json_lines<T: Serialize>(out: &mut dyn Write, items: impl IntoIterator<Item = T>) -> io::Result<()> {
    for item in items {
        write_json_line(out, &item)?;
    }
    Ok(())
}

/// The display of an endpoint's events: `all`, `a, b`, or `-`.
pub fn events_text(events: &EventSelection) -> String {
    match events {
        EventSelection::All => "all".to_owned(),
        EventSelection::Only(list) if list.is_empty() => "-".to_owned(),
        EventSelection::Only(list) => list.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", "),
    }
}

/// The display of an endpoint status.
pub fn status_text(status: &EndpointStatus) -> String {
    match status {
        EndpointStatus::Active => "active".into(),
        EndpointStatus::Inactive => "inactive".into(),
        EndpointStatus::Deleted => "deleted".into(),
        EndpointStatus::Other(s) => s.clone(),
        _ => "-".into(),
    }
}

/// `url` with the value of a URL-token query parameter (`hb_token`, the BLAZE receiver's
/// secret, or any parameter whose name names a secret: `token`, `key`, `signature`, ...)
/// replaced by `<redacted>`, for every view of an endpoint (tables, single views, JSON) and logs.
pub fn redact_url_token(url: &str) -> String {
    let param = hookbridge_verify::DEFAULT_TOKEN_PARAM;
    let secret_param = |k: &str| {
        let name = percent_decode(k);
        name == param || hookbridge_core::redact::is_secret_key(&name)
    };
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if secret_param(k) => format!("{k}=<redacted>"),
            _ => pair.to_owned(),
        })
        .collect();
    let mut out = format!("{base}?{}", query.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// A query parameter name with `%XX` escapes and `+` decoded (lossily), to compare names.
fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            (b'%', Some(hi), Some(lo)) => Some(hi * 16 + lo),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON of endpoints with URL tokens redacted in `urls` and in URL-valued provider fields
/// (BLAZE's `url`, `webHookUrls`): what the JSON views print.
pub fn redact_endpoint_json(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(redact_endpoint_json),
        Value::Object(map) => {
            if let Some(Value::Array(urls)) = map.get_mut("urls") {
                redact_url_values(urls);
            }
            if let Some(Value::Object(fields)) = map.get_mut("provider_fields") {
                for v in fields.values_mut() {
                    match v {
                        Value::String(s) if s.contains("://") => *s = redact_url_token(s),
                        Value::Array(list) => redact_url_values(list),
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
}

fn redact_url_values(list: &mut [Value]) {
    for v in list {
        if let Value::String(s) = v {
            *s = redact_url_token(s);
        }
    }
}

/// A table of endpoints: provider, id, status, URLs (URL tokens redacted), events, name.
pub fn endpoints_table(endpoints: &[Endpoint]) -> Table {
    let mut table = Table::new(["provider", "id", "status", "urls", "events", "name"]);
    table.status_column("status");
    for e in endpoints {
        table.row([
            crate::display_name(e.provider).to_owned(),
            e.id.to_string(),
            status_text(&e.status),
            e.urls.iter().map(|u| redact_url_token(u)).collect::<Vec<_>>().join(" "),
            events_text(&e.events),
            e.name.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    table
}

/// `key  value` pairs describing one endpoint, provider fields included.
pub fn endpoint_pairs(e: &Endpoint) -> Vec<(&'static str, String)> {
    let dash = || "-".to_owned();
    let mut pairs = vec![
        ("provider", crate::display_name(e.provider).to_owned()),
        ("id", e.id.to_string()),
        ("status", status_text(&e.status)),
        (
            "urls",
            if e.urls.is_empty() {
                dash()
            } else {
                e.urls.iter().map(|u| redact_url_token(u)).collect::<Vec<_>>().join("\n")
            },
        ),
        ("events", events_text(&e.events)),
        ("name", e.name.clone().unwrap_or_else(dash)),
        ("created at", e.created_at.map(|t| t.to_string()).unwrap_or_else(dash)),
        ("updated at", e.updated_at.map(|t| t.to_string()).unwrap_or_else(dash)),
        (
            "has secret",
            match e.has_secret {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => dash(),
            },
        ),
    ];
    if !e.provider_fields.is_empty() {
        let fields = e
            .provider_fields
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) if s.contains('\n') => format!("{k}:\n{}", s.trim_end()),
                Value::String(s) if s.contains("://") => format!("{k}: {}", redact_url_token(s)),
                Value::Array(list) => {
                    let mut list = list.clone();
                    redact_url_values(&mut list);
                    format!("{k}: {}", Value::Array(list))
                }
                Value::String(s) => format!("{k}: {s}"),
                other => format!("{k}: {other}"),
            })
            .collect::<Vec<_>>()
            .join("\n");
        pairs.push(("provider fields", fields));
    }
    pairs
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns() {
        let mut t = Table::new(["provider", "result", "detail"]);
        t.row(["MIEX", "ok", "one"]).row(["CHIP Collect", "FAILED", "two\nlines"]);
        assert_eq!(
            t.render("  "),
            [
                "  provider      result  detail",
                "  ────────────  ──────  ─────────",
                "  MIEX          ok      one",
                "  CHIP Collect  FAILED  two⏎lines",
            ]
        );
    }

    #[test]
    fn styled_tables_colour_headers_and_statuses_and_align_on_the_text() {
        let mut t = Table::new(["provider", "status", "name"]);
        t.status_column("status");
        t.row(["CHIP Collect", "active", "orders"]).row(["BLAZE", "failed", ""]).row(["x", "", ""]);
        let styled = t.render_styled("  ");
        assert!(styled[0].contains(&format!("{HEADER_STYLE}provider{HEADER_STYLE:#}")), "{:?}", styled[0]);
        assert!(styled[2].contains(&format!(
            "{}active{}",
            status_style("active"),
            status_style("active").render_reset()
        )));
        assert!(styled[3].contains("\u{1b}[31mfailed"), "red: {:?}", styled[3]);
        // Without the escapes, exactly the plain table: the styles never shift a column.
        let stripped: Vec<String> = styled.iter().map(|l| anstream::adapter::strip_str(l).to_string()).collect();
        assert_eq!(stripped, t.render("  "));
        assert_eq!(
            stripped,
            [
                "  provider      status  name",
                "  ────────────  ──────  ──────",
                "  CHIP Collect  active  orders",
                "  BLAZE         failed",
                "  x",
            ]
        );
        assert!(styled.iter().all(|l| !l.ends_with(' ')), "{styled:?}");
    }

    #[test]
    fn the_stream_decides_whether_styles_reach_the_output() {
        let mut t = Table::new(["a", "b"]);
        t.row(["1", "2"]);
        let mut always = anstream::AutoStream::new(Vec::new(), anstream::ColorChoice::Always);
        t.write(&mut always, "").unwrap();
        let always = String::from_utf8(always.into_inner()).unwrap();
        assert!(always.contains('\u{1b}'), "{always:?}");
        let mut never = anstream::AutoStream::new(Vec::new(), anstream::ColorChoice::Never);
        t.write(&mut never, "").unwrap();
        assert_eq!(String::from_utf8(never.into_inner()).unwrap(), "a  b\n─  ─\n1  2\n");
    }

    #[test]
    fn url_tokens_are_redacted() {
        assert_eq!(redact_url_token("http://h/p?a=1&hb_token=abc#f"), "http://h/p?a=1&hb_token=<redacted>#f");
        assert_eq!(
            redact_url_token("http://h/p?hb%5Ftoken=abc&api_key=k&x=1"),
            "http://h/p?hb%5Ftoken=<redacted>&api_key=<redacted>&x=1"
        );
        let mut v = serde_json::json!([{"urls": ["http://h/p?hb_token=abc"], "provider_fields": {"url": "http://h/q?token=t", "webHookUrls": ["http://h/r?hb_token=z"], "shopId": "s"}}]);
        redact_endpoint_json(&mut v);
        let text = v.to_string();
        assert!(!text.contains("abc") && !text.contains("=t\"") && !text.contains("=z"), "{text}");
        assert!(text.contains("\"shopId\":\"s\""), "{text}");
        assert_eq!(redact_url_token("http://h/p"), "http://h/p");
        assert_eq!(redact_url_token("http://h/p?page=2&shop=x"), "http://h/p?page=2&shop=x");
    }

    #[test]
    fn pairs_indent_continuation_lines() {
        let mut out = Vec::new();
        write_pairs(&mut out, &[("a", "x".into()), ("long key", "1\n2".into())]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a         x\nlong key  1\n          2\n");
    }

    #[test]
    fn a_delivery_view_serializes_like_the_unified_delivery() {
        let mut d = Delivery::new(hookbridge_miex::PROVIDER, Bytes::from_static(br#"{"event":"x"}"#));
        d.delivery_id = Some("7".into());
        let v = DeliveryView::from_delivery("miex", d.clone());
        let view = serde_json::to_value(&v).unwrap();
        let unified = serde_json::to_value(&d).unwrap();
        for (k, value) in unified.as_object().unwrap() {
            assert_eq!(&view[k], value, "{k}");
        }
        assert_eq!(view["preset"], "miex");
    }
}
