//! Observability: every request is one `hookbridge.request` span carrying the provider, the
//! operation, the number of attempts, the final status, the latency and the provider's request id;
//! and nothing the transport records — span fields, event fields, messages — contains a credential,
//! a signing secret, or an `Authorization` / `X-Auth-Signature` header value.
//!
//! A small [`Layer`] captures every span and event of the test's thread (the client and its
//! connection tasks run on the current-thread runtime), with every field formatted as recorded.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use hookbridge::bitnob::{BitnobClient, BitnobSigner, SigningScheme};
use hookbridge::{ProviderId, Secret};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use wiremock::ResponseTemplate;

use super::{Client, Op, ProviderCase, cases, strict_server};
use crate::fixture;

const REQUEST_SPAN: &str = "hookbridge.request";
const BITNOB_CLIENT_ID: &str = "client_obs_42";
const BITNOB_CLIENT_SECRET: &str = "bitnob-client-secret-Vb7Nm2Qx9";

type Fields = BTreeMap<String, String>;

#[derive(Clone, Debug, Default)]
struct SpanRecord {
    name: String,
    fields: Fields,
    /// Events emitted while this span (or a child of it) was current.
    events: Vec<Fields>,
}

#[derive(Default)]
struct State {
    live: HashMap<u64, SpanRecord>,
    closed: Vec<SpanRecord>,
    /// Spans already handed out by `take_requests` (kept for the secret scan).
    taken: Vec<SpanRecord>,
    /// Events outside any request span.
    other_events: Vec<Fields>,
}

/// What one test records: every span (with later `record` calls) and every event of its thread,
/// fields formatted as `Debug` (strings verbatim).
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<State>>);

thread_local! {
    static ACTIVE: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// The global layer: hands each span and event to the capture active on the current thread, if any.
///
/// Installed once as the global default (a scoped `set_default` can miss callsites whose interest
/// another test thread cached first); tests running on other threads record nothing.
struct Router;

fn active() -> Option<Capture> {
    ACTIVE.with(|a| a.borrow().clone())
}

struct Visitor<'a>(&'a mut Fields);

impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Router {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let Some(capture) = active() else { return };
        let mut record = SpanRecord { name: attrs.metadata().name().to_owned(), ..SpanRecord::default() };
        attrs.record(&mut Visitor(&mut record.fields));
        capture.0.lock().unwrap().live.insert(id.into_u64(), record);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let Some(capture) = active() else { return };
        if let Some(record) = capture.0.lock().unwrap().live.get_mut(&id.into_u64()) {
            values.record(&mut Visitor(&mut record.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(capture) = active() else { return };
        let mut fields = Fields::new();
        event.record(&mut Visitor(&mut fields));
        fields.insert("@target".into(), event.metadata().target().to_owned());
        let owner = ctx
            .event_scope(event)
            .and_then(|mut scope| scope.find(|span| span.name() == REQUEST_SPAN))
            .map(|span| span.id().into_u64());
        let mut state = capture.0.lock().unwrap();
        match owner.and_then(|id| state.live.get_mut(&id)) {
            Some(span) => span.events.push(fields),
            None => state.other_events.push(fields),
        }
    }

    fn on_close(&self, id: Id, _: Context<'_, S>) {
        let Some(capture) = active() else { return };
        let mut state = capture.0.lock().unwrap();
        if let Some(record) = state.live.remove(&id.into_u64()) {
            state.closed.push(record);
        }
    }
}

/// Makes a fresh capture active on this thread until the guard drops.
fn capture() -> (Capture, impl Drop) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Router)).unwrap());
    let capture = Capture::default();
    ACTIVE.with(|a| *a.borrow_mut() = Some(capture.clone()));
    struct Deactivate;
    impl Drop for Deactivate {
        fn drop(&mut self) {
            ACTIVE.with(|a| a.borrow_mut().take());
        }
    }
    (capture, Deactivate)
}

impl Capture {
    /// Takes the request spans recorded since the last call (closed ones, then any still open).
    fn take_requests(&self) -> Vec<SpanRecord> {
        let mut state = self.0.lock().unwrap();
        let closed = std::mem::take(&mut state.closed);
        state.taken.extend(closed.iter().cloned());
        let mut spans = closed;
        spans.extend(state.live.values().cloned());
        spans.retain(|s| s.name == REQUEST_SPAN);
        spans
    }

    /// Every string recorded so far: span names, field names and values, event fields.
    fn all_text(&self) -> Vec<String> {
        let state = self.0.lock().unwrap();
        let spans = state.taken.iter().chain(&state.closed).chain(state.live.values());
        let mut out = Vec::new();
        for span in spans {
            out.push(span.name.clone());
            for fields in std::iter::once(&span.fields).chain(&span.events) {
                out.extend(fields.iter().flat_map(|(k, v)| [k.clone(), v.clone()]));
            }
        }
        for fields in &state.other_events {
            out.extend(fields.iter().flat_map(|(k, v)| [k.clone(), v.clone()]));
        }
        out
    }
}

/// The transport's operation name for each provider's read and create.
fn operation(provider: ProviderId, op: Op) -> &'static str {
    match (provider, op) {
        (hookbridge::miex::PROVIDER | hookbridge::abbeycross::PROVIDER, _) => "register",
        (hookbridge::bitnob::PROVIDER, Op::Read) => "get_webhook",
        (hookbridge::bitnob::PROVIDER, Op::Create) => "create_webhook",
        (_, Op::Read) => "get",
        (_, Op::Create) => "create",
    }
}

fn signed_bitnob() -> ProviderCase {
    let mut case = cases().into_iter().find(|c| c.provider == hookbridge::bitnob::PROVIDER).unwrap();
    case.credentials = &[BITNOB_CLIENT_SECRET];
    case.build = |config| {
        let signer =
            BitnobSigner::new(BITNOB_CLIENT_ID, Secret::new(BITNOB_CLIENT_SECRET), SigningScheme::ColonSeparatedHex)?;
        Ok(Client::Bitnob(BitnobClient::with_config(config, signer)?))
    };
    case
}

/// What one scenario expects of its request span.
struct Expect {
    attempts: u64,
    status: Option<u16>,
    request_id: Option<&'static str>,
}

fn check_span(ctx: &str, case: &ProviderCase, op: Op, spans: &[SpanRecord], expect: &Expect) {
    assert_eq!(spans.len(), 1, "{ctx}: one span per request: {spans:#?}");
    let span = &spans[0];
    let f = &span.fields;
    assert_eq!(f.get("provider").map(String::as_str), Some(case.provider.as_str()), "{ctx}: {f:?}");
    assert_eq!(f.get("operation").map(String::as_str), Some(operation(case.provider, op)), "{ctx}: {f:?}");
    assert_eq!(f.get("method").map(String::as_str), Some(case.route(op).method), "{ctx}: {f:?}");
    assert_eq!(f.get("attempts"), Some(&expect.attempts.to_string()), "{ctx}: {f:?}");
    assert_eq!(f.get("status"), expect.status.map(|s| s.to_string()).as_ref(), "{ctx}: {f:?}");
    assert_eq!(f.get("request_id").map(String::as_str), expect.request_id, "{ctx}: {f:?}");
    let latency: u64 = f.get("latency_ms").unwrap_or_else(|| panic!("{ctx}: no latency: {f:?}")).parse().unwrap();
    assert!(latency < 10_000, "{ctx}: {latency}");
    // One `response` event per attempt that got an answer, with its own status and latency.
    let responses: Vec<_> = span.events.iter().filter(|e| e.get("message").is_some_and(|m| m == "response")).collect();
    if let Some(status) = expect.status {
        let last = responses.last().unwrap_or_else(|| panic!("{ctx}: no response event: {:?}", span.events));
        assert_eq!(last.get("status"), Some(&status.to_string()), "{ctx}");
        assert!(last.contains_key("latency_ms") && last.contains_key("attempt"), "{ctx}: {last:?}");
    }
    // One `retrying` event between attempts.
    let retries = span.events.iter().filter(|e| e.get("message").is_some_and(|m| m == "retrying")).count();
    assert_eq!(retries as u64, expect.attempts - 1, "{ctx}: {:?}", span.events);
}

#[tokio::test]
async fn each_request_is_one_span_with_its_outcome_and_nothing_secret_is_recorded() {
    let (capture, _active) = capture();

    let mut all_cases = cases();
    all_cases.push(signed_bitnob());
    let mut forbidden: Vec<String> = Vec::new();
    for case in &all_cases {
        forbidden.extend(case.credentials.iter().map(|s| (*s).to_owned()));
        for op in case.ops() {
            let retry_safe = case.retry_safe(op);
            let ok_status = case.route(op).status;
            let scenarios: Vec<(&str, Vec<ResponseTemplate>, Expect)> = vec![
                (
                    "success",
                    vec![case.ok(op).insert_header("x-request-id", "req-ok-1")],
                    Expect { attempts: 1, status: Some(ok_status), request_id: Some("req-ok-1") },
                ),
                (
                    "503 then success",
                    vec![ResponseTemplate::new(503), case.ok(op)],
                    if retry_safe {
                        Expect { attempts: 2, status: Some(ok_status), request_id: None }
                    } else {
                        Expect { attempts: 1, status: Some(503), request_id: None }
                    },
                ),
                (
                    "401",
                    vec![
                        ResponseTemplate::new(401)
                            .insert_header("x-request-id", "req-denied-7")
                            .set_body_json(fixture("abbeycross/error_401.json")),
                    ],
                    Expect { attempts: 1, status: Some(401), request_id: Some("req-denied-7") },
                ),
                (
                    "timeouts",
                    vec![case.ok(op).set_delay(Duration::from_secs(5))],
                    Expect { attempts: case.attempts_when_failing(op) as u64, status: None, request_id: None },
                ),
            ];
            for (what, answers, expect) in scenarios {
                if what == "timeouts" && op == Op::Read {
                    continue; // reads time out like creates; the fault suite covers them (this keeps the test fast)
                }
                let ctx = format!("{} {op:?} {what}", case.provider);
                let server = strict_server().await;
                let n = answers.len();
                for (i, answer) in answers.into_iter().enumerate() {
                    case.mount(&server, op, answer, (i + 1 < n).then_some(1)).await;
                }
                let timeout = if what == "timeouts" { Duration::from_millis(150) } else { Duration::from_secs(5) };
                let client = case.client(&server.uri(), |c| c.timeout(timeout));
                let _ = client.run(op).await;
                check_span(&ctx, case, op, &capture.take_requests(), &expect);
                // The header values actually sent are secrets too (bearer tokens, HMAC signatures).
                for req in server.received_requests().await.unwrap() {
                    for name in ["authorization", "x-auth-signature", "x-api-key"] {
                        forbidden.extend(req.headers.get(name).map(|v| v.to_str().unwrap().to_owned()));
                    }
                }
            }
        }
        // A refused connection: the request never left, so even a keyless create is retried.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let client = case.client(&format!("http://127.0.0.1:{port}"), |c| c);
        assert!(client.run(Op::Create).await.is_err());
        let expect = Expect { attempts: 3, status: None, request_id: None };
        check_span(&format!("{} refused", case.provider), case, Op::Create, &capture.take_requests(), &expect);
    }

    // The webhook signing secrets the create responses carried.
    for path in ["miex/register_response.json", "bitnob/webhook_created.json", "abbeycross/register_response.json"] {
        let body = fixture(path);
        let secret = ["secretKey", "signing_secret", "apiSecretKey"].iter().find_map(|k| body[*k].as_str()).unwrap();
        forbidden.push(secret.to_owned());
    }
    assert!(forbidden.iter().any(|f| f.starts_with("Bearer ")), "header values were collected");
    assert!(forbidden.iter().any(|f| f.len() == 64 && f.bytes().all(|b| b.is_ascii_hexdigit())), "signatures too");

    let text = capture.all_text();
    assert!(text.len() > 100, "the capture saw the requests: {}", text.len());
    for secret in &forbidden {
        for recorded in &text {
            assert!(!recorded.contains(secret.as_str()), "`{secret}` leaked into a recorded field: {recorded}");
        }
    }
}

/// The paginator logs why it stopped, never a next URL: a CHIP `next` link's query may carry a
/// token.
#[tokio::test]
async fn paging_logs_no_next_url() {
    use futures_util::StreamExt;
    use hookbridge::chip::ChipClient;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, Request};

    let (capture, _active) = capture();
    let server = strict_server().await;
    let base = server.uri();
    let results = fixture("chip/webhooks_page1.json")["results"].clone();
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(move |_: &Request| {
            ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "results": results,
                "next": format!("{base}/api/v1/webhooks/?page=2&token=tok_next_url_Q7"),
                "previous": null,
            }))
        })
        .mount(&server)
        .await;
    let config = hookbridge::ClientConfig::new(&format!("{}/api/v1/", server.uri())).unwrap();
    let client = ChipClient::with_config(config, Secret::new("chip-key-obs")).unwrap();
    let items: Vec<_> = client.webhooks().list().collect().await;
    assert!(items.last().unwrap().as_ref().unwrap_err().as_paging().is_some());
    let text = capture.all_text().join("\n");
    assert!(text.contains("pagination stopped"), "the stop is logged:\n{text}");
    assert!(!text.contains("tok_next_url_Q7") && !text.contains("page=2"), "{text}");
}
