//! The receiver contract of a receiving preset (see [`receiver_contract`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use bytes::Bytes;
use hookbridge_core::Delivery;
use hookbridge_verify::preset::{KeyKind, KeyMaterial, Preset, PresetError, ReceiverSettings};
use hookbridge_verify::receive::{AppError, Application, BoxFuture, DedupeStore, Incoming, Receive, ReceiveError};
use hookbridge_verify::{DeliveryError, VerifyError};

use crate::conformance::ContractFailure;
use crate::deliveries::{BuildOptions, Draft, ReceiverKey, SignedDelivery, Template, ThrowawayKey};

/// The receiver URL the contract posts to.
const RECEIVER_URL: &str = "http://127.0.0.1/hooks/conformance";

/// An event no template builds: what a changed unsigned event header says.
const OTHER_EVENT: &str = "conformance.changed_event";

/// The receiver's key for a throwaway sender key.
fn key_material(id: &str, key: &ReceiverKey) -> KeyMaterial {
    match key {
        ReceiverKey::PublicKeyPem(pem) => KeyMaterial::public_key(id, pem.as_str()),
        other => KeyMaterial::secret(id, other.expose()),
    }
}

fn incoming(delivery: &SignedDelivery, body: Bytes, headers: HeaderMap) -> Result<Incoming, String> {
    let uri: Uri = delivery.url(RECEIVER_URL).parse().map_err(|e| format!("receiver URL: {e}"))?;
    Ok(Incoming::new(Method::POST, uri, headers, body))
}

fn genuine(delivery: &SignedDelivery) -> Result<Incoming, String> {
    incoming(delivery, delivery.body.clone(), delivery.headers.clone())
}

/// An application that records what it handled and can be made to fail.
#[derive(Default)]
struct Recorder {
    handled: std::sync::Mutex<Vec<Delivery>>,
    calls: AtomicUsize,
    fail: AtomicBool,
}

impl Recorder {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn take(&self) -> Option<Delivery> {
        self.handled.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop()
    }
}

impl Application<Delivery> for Recorder {
    fn handle(&self, delivery: Delivery) -> BoxFuture<'_, Result<(), AppError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fail = self.fail.load(Ordering::SeqCst);
        if !fail {
            self.handled.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(delivery);
        }
        Box::pin(async move { if fail { Err(AppError::new("application down")) } else { Ok(()) } })
    }
}

/// Runs the receiver contract of `preset` with deliveries built by the testkit's `template`
/// for `event`, its receivers sharing `store` (a fresh delivery per check, so a store shared by
/// several runs or processes works), and returns the names of the checks that passed:
///
/// * **no key → refused**: a receiver without any key is refused when it is built;
/// * **sign → receive → unified**: a freshly signed delivery (throwaway key) is accepted by the
///   receiver the preset builds from the matching receiver key and handed to the application as
///   a unified [`Delivery`] of the preset's provider, with the raw body kept byte for byte, the
///   key id that matched, and the replay key the pipeline completed;
/// * **replay → deduped**: the same delivery again — as sent, with a fresh unsigned header, with
///   the scheme's unsigned delivery-id header replaced or removed, with only its signature
///   headers, and posted to the URL with another query parameter — is a completed duplicate
///   (answered 200, naming the replay key, not handed to the application again);
/// * **forged → refused**: the body altered after signing is refused with 401 by verification,
///   before the store or the application (a URL-token preset, which authenticates the URL and
///   not the body: the URL without its token);
/// * **wrong key → refused**: a delivery signed with another key is refused with 401;
/// * **rejected → key not consumed**: after the same delivery was refused (signed with another
///   key, forged), the genuine one is still handled;
/// * **not POST → 405**: a genuine delivery sent with `GET` is refused before anything else
///   (and consumes nothing);
/// * **a changed event header → refused or unsigned** (templates sending an unsigned event
///   header): with another event in that header, the delivery is refused with 400 naming the
///   header and quoting neither event (and consuming nothing), or handed over with that event
///   marked unsigned;
/// * **oversized → 413**: a body over the limit is refused before anything else;
/// * **application failure → retried**: when the application fails, the reservation is released
///   and the provider's retry is handled;
/// * **in flight → 409, released → handled**: while a delivery is being handled its copy is
///   answered 409; once the ticket is released, the copy is accepted;
/// * **rotation**: a key ring holding another key and the right one accepts a delivery and names
///   the right key; the same delivery signed with the ring's other key is then a duplicate;
/// * **no signature → refused**: the delivery without its signature headers (or, for a URL
///   token, without the token) is refused with 401, naming the missing header (parameter);
/// * **each signature header is required** (signature schemes): without any one of the
///   signature, signed timestamp or signed id headers, refused with 401 naming it;
/// * **stale → refused** and **future → refused** (schemes that sign a timestamp): a delivery
///   signed an hour ago, or an hour ahead, is refused with 401;
/// * **timestamp moved → refused** (schemes with a timestamp header): the signed timestamp
///   changed in its header no longer verifies;
/// * **no key material in Debug or errors**: the `Debug` of the receivers, of what they accept
///   (the request included: a URL token is a key), of the deliveries and tickets they hand
///   out, and every refusal (`Display`, `Debug`, reason) show neither the right nor the wrong
///   secret.
///
/// # Errors
/// The first [`ContractFailure`].
pub async fn receiver_contract(
    preset: &Preset<Delivery>,
    template: Template,
    event: &str,
    store: Arc<dyn DedupeStore>,
) -> Result<Vec<&'static str>, ContractFailure> {
    let fail =
        |check: &'static str, detail: String| ContractFailure { provider: preset.name().to_owned(), check, detail };
    let mut passed = Vec::new();
    let settings = ReceiverSettings::new().tolerance(Some(Duration::from_secs(300))).store(store);

    let key = ThrowawayKey::generate(template).map_err(|e| fail("key", e.to_string()))?;
    let other = ThrowawayKey::generate(template).map_err(|e| fail("key", e.to_string()))?;

    // no key → refused
    match preset.receiver(&[], &settings) {
        Err(PresetError::NoKey { .. }) => passed.push("no key → refused"),
        Err(e) => return Err(fail("no key → refused", format!("another error: {e}"))),
        Ok(_) => return Err(fail("no key → refused", "a receiver without keys was built".into())),
    }

    let receiver = preset
        .receiver(&[key_material("right", &key.receiver)], &settings)
        .map_err(|e| fail("receiver from keys", e.to_string()))?;
    let draft = || template.build(event, &BuildOptions::new()).map_err(|e| fail("build", e.to_string()));
    let sign = |draft: &Draft| draft.sign(&key.key).map_err(|e| fail("sign", e.to_string()));
    let app = Recorder::default();
    // Everything a receiver showed, checked for key material at the end.
    let mut shown = vec![format!("{receiver:?}"), format!("{receiver:#?}")];

    // sign → receive → unified
    let first = draft()?;
    let signed = sign(&first)?;
    let request = genuine(&signed).map_err(|e| fail("request", e))?;
    let replay_key = receiver.receive(request, &app).await.map_err(|e| fail("sign → receive", e.reason()))?;
    let delivery = app.take().ok_or_else(|| fail("sign → receive", "the application got nothing".into()))?;
    shown.push(format!("{delivery:?}"));
    if delivery.provider.as_str() != preset.provider() {
        return Err(fail("unified provider", format!("{} instead of {}", delivery.provider, preset.provider())));
    }
    if delivery.raw != signed.body {
        return Err(fail("raw body", "the unified delivery does not keep the raw body".into()));
    }
    if delivery.key_id.as_deref() != Some("right") {
        return Err(fail("key id", format!("{:?} instead of \"right\"", delivery.key_id)));
    }
    if delivery.replay_key.as_deref() != Some(replay_key.as_str()) {
        return Err(fail("replay key", format!("{:?} vs the completed {replay_key}", delivery.replay_key)));
    }
    if !replay_key.as_str().starts_with(&format!("{}:", preset.provider())) {
        return Err(fail("replay key", format!("{replay_key} does not name the provider")));
    }
    if delivery.event_type_signed && delivery.event_type.as_ref().map(|e| e.as_str()) != Some(event) {
        return Err(fail("event type", format!("{:?} instead of {event}", delivery.event_type)));
    }
    passed.push("sign → receive → unified");

    // replay → deduped: as sent, and under everything a replayer may change without a key
    for (request, how) in replays(preset, &first, &signed).map_err(|e| fail("request", e))? {
        match receiver.receive(request, &app).await {
            Err(e) if e.is_duplicate() && e.status() == StatusCode::OK && e.replay_key() == Some(&replay_key) => {}
            Err(e) => return Err(fail("replay → deduped", format!("{how}: refused otherwise: {}", e.reason()))),
            Ok(_) => return Err(fail("replay → deduped", format!("{how}: handed over again"))),
        }
    }
    if app.calls() != 1 {
        return Err(fail("replay → deduped", format!("the application was called {} times", app.calls())));
    }
    passed.push("replay → deduped");

    // forged → refused: the body altered after signing; a URL token authenticates the URL, not
    // the body (the provider signs nothing), so there the forgery is the URL without its token.
    let forgery = draft()?;
    let request = forged(preset, &forgery, &sign(&forgery)?).map_err(|e| fail("request", e))?;
    shown.push(
        expect_refused(receiver.as_ref(), request, Refused::Unauthenticated, &app)
            .await
            .map_err(|d| fail("forged → refused", d))?,
    );
    passed.push("forged → refused");

    // wrong key → refused
    let wrong = draft()?.sign(&other.key).map_err(|e| fail("sign", e.to_string()))?;
    let request = genuine(&wrong).map_err(|e| fail("request", e))?;
    shown.push(
        expect_refused(receiver.as_ref(), request, Refused::Unauthenticated, &app)
            .await
            .map_err(|d| fail("wrong key → refused", d))?,
    );
    passed.push("wrong key → refused");

    // rejected → key not consumed: the same delivery refused twice, then handled
    let refused = draft()?;
    let genuine_copy = sign(&refused)?;
    let attempts = [
        genuine(&refused.sign(&other.key).map_err(|e| fail("sign", e.to_string()))?),
        forged(preset, &refused, &genuine_copy),
    ];
    for attempt in attempts {
        let request = attempt.map_err(|e| fail("request", e))?;
        expect_refused(receiver.as_ref(), request, Refused::Unauthenticated, &app)
            .await
            .map_err(|d| fail("rejected → key not consumed", d))?;
    }
    // not POST → 405, before anything else (and consuming nothing either)
    let mut get = genuine(&genuine_copy).map_err(|e| fail("request", e))?;
    get.method = Method::GET;
    expect_refused(receiver.as_ref(), get, Refused::Status(StatusCode::METHOD_NOT_ALLOWED), &app)
        .await
        .map_err(|d| fail("not POST → 405", d))?;
    let calls = app.calls();
    receiver
        .receive(genuine(&genuine_copy).map_err(|e| fail("request", e))?, &app)
        .await
        .map_err(|e| fail("rejected → key not consumed", format!("the genuine delivery: {}", e.reason())))?;
    if app.calls() != calls + 1 {
        return Err(fail("rejected → key not consumed", "the genuine delivery was not handed over".into()));
    }
    passed.push("rejected → key not consumed");
    passed.push("not POST → 405");

    // the unsigned event header is never trusted over the signed body
    if let Some(name) = template.event_header() {
        let changed = sign(&draft()?)?;
        let mut headers = changed.headers.clone();
        headers.insert(name.clone(), HeaderValue::from_static(OTHER_EVENT));
        let request = incoming(&changed, changed.body.clone(), headers).map_err(|e| fail("request", e))?;
        let check = "a changed event header → refused or unsigned";
        match receiver.receive(request, &app).await {
            Err(e @ ReceiveError::Delivery(DeliveryError::HeaderMismatch { .. })) => {
                let text = format!("{e} {e:?} {}", e.reason());
                if !matches!(&e, ReceiveError::Delivery(DeliveryError::HeaderMismatch { name: n }) if n == name)
                    || e.status() != StatusCode::BAD_REQUEST
                    || !text.contains(name.as_str())
                    || text.contains(OTHER_EVENT)
                    || text.contains(event)
                {
                    return Err(fail(check, format!("a mismatch refused otherwise: {e:?}")));
                }
                shown.push(text);
                // Refused before the store: the delivery as sent is still handled.
                let request = genuine(&changed).map_err(|e| fail("request", e))?;
                receiver.receive(request, &app).await.map_err(|e| fail(check, format!("then: {}", e.reason())))?;
            }
            Err(e) => return Err(fail(check, format!("refused otherwise: {}", e.reason()))),
            Ok(_) => {
                let handled = app.take().ok_or_else(|| fail(check, "the application got nothing".into()))?;
                if handled.event_type_signed || handled.event_type.as_ref().map(|e| e.as_str()) != Some(OTHER_EVENT) {
                    return Err(fail(
                        check,
                        format!("accepted as {:?}, signed: {}", handled.event_type, handled.event_type_signed),
                    ));
                }
            }
        }
        passed.push(check);
    }

    // oversized → 413
    let big = sign(&draft()?)?;
    let body = Bytes::from(vec![b' '; receiver.max_body_bytes() + 1]);
    let request = incoming(&big, body, big.headers.clone()).map_err(|e| fail("request", e))?;
    expect_refused(receiver.as_ref(), request, Refused::Status(StatusCode::PAYLOAD_TOO_LARGE), &app)
        .await
        .map_err(|d| fail("oversized → 413", d))?;
    passed.push("oversized → 413");

    // application failure → released, and the provider's retry is handled
    let flaky = sign(&draft()?)?;
    app.fail.store(true, Ordering::SeqCst);
    let calls = app.calls();
    let result = receiver.receive(genuine(&flaky).map_err(|e| fail("request", e))?, &app).await;
    app.fail.store(false, Ordering::SeqCst);
    match result {
        Err(e @ ReceiveError::Application(_)) if e.provider_should_retry() => {}
        Err(e) => return Err(fail("application failure", format!("another error: {}", e.reason()))),
        Ok(_) => return Err(fail("application failure", "counted as handled".into())),
    }
    receiver
        .receive(genuine(&flaky).map_err(|e| fail("request", e))?, &app)
        .await
        .map_err(|e| fail("application failure → retried", format!("the retry was refused: {}", e.reason())))?;
    if app.calls() != calls + 2 {
        return Err(fail("application failure → retried", format!("{} application calls", app.calls() - calls)));
    }
    passed.push("application failure → retried");

    // in flight → 409; released → handled
    let busy = sign(&draft()?)?;
    let busy = || genuine(&busy).map_err(|e| fail("request", e));
    let accepted = receiver.accept(busy()?).await.map_err(|e| fail("in flight → 409", e.reason()))?;
    shown.push(format!("{accepted:?}"));
    let (held, ticket) = accepted.into_parts();
    shown.push(format!("{held:?} {ticket:?}"));
    match receiver.accept(busy()?).await {
        Err(e @ ReceiveError::InFlight { .. }) if e.status() == StatusCode::CONFLICT => {}
        Err(e) => return Err(fail("in flight → 409", format!("refused otherwise: {}", e.reason()))),
        Ok(_) => return Err(fail("in flight → 409", "accepted twice while in flight".into())),
    }
    ticket.release().await.map_err(|e| fail("release", e.to_string()))?;
    let accepted = receiver.accept(busy()?).await.map_err(|e| fail("released → handled", e.reason()))?;
    accepted.into_parts().1.complete().await.map_err(|e| fail("complete", e.to_string()))?;
    passed.push("in flight → 409, released → handled");

    // rotation: a ring of another key and the right one
    let ring = [key_material("previous", &other.receiver), key_material("current", &key.receiver)];
    let rotated = preset.receiver(&ring, &settings).map_err(|e| fail("rotation", e.to_string()))?;
    shown.push(format!("{rotated:?}"));
    let turn = draft()?;
    let request = genuine(&sign(&turn)?).map_err(|e| fail("request", e))?;
    let (delivery, ticket) = rotated.accept(request).await.map_err(|e| fail("rotation", e.reason()))?.into_parts();
    let completed = ticket.complete().await.map_err(|e| fail("complete", e.to_string()))?;
    if delivery.key_id.as_deref() != Some("current") {
        return Err(fail("rotation", format!("matched {:?} instead of \"current\"", delivery.key_id)));
    }
    // The same delivery signed with the ring's other key: the key does not enter its identity.
    let request = genuine(&turn.sign(&other.key).map_err(|e| fail("sign", e.to_string()))?);
    match rotated.accept(request.map_err(|e| fail("request", e))?).await {
        Err(e) if e.is_duplicate() && e.replay_key() == Some(&completed) => {}
        Err(e) => return Err(fail("rotation", format!("re-signed with the other key: {}", e.reason()))),
        Ok(_) => return Err(fail("rotation", "re-signed with the other key, handled again".into())),
    }
    passed.push("key ring during a rotation");

    // no signature → refused: without the signature headers (a URL token: without the token)
    let bare = draft()?.unsigned();
    let missing = match (preset.hmac_scheme(), preset.rsa_scheme(), preset.url_token_param()) {
        (Some(scheme), ..) => Missing::Header(scheme.signature_header().clone()),
        (None, Some(scheme), _) => Missing::Header(scheme.header().clone()),
        (None, None, Some(param)) => Missing::Parameter(param),
        (None, None, None) => return Err(fail("no signature → refused", "a preset without a scheme".into())),
    };
    let request = genuine(&bare).map_err(|e| fail("request", e))?;
    shown.push(
        expect_refused(receiver.as_ref(), request, Refused::Missing(missing), &app)
            .await
            .map_err(|d| fail("no signature → refused", d))?,
    );
    passed.push("no signature → refused");

    // each signature header is required: without any one of them, refused naming it
    let required = signature_headers(preset);
    if !required.is_empty() {
        let whole = sign(&draft()?)?;
        for name in required {
            let mut headers = whole.headers.clone();
            headers.remove(&name);
            let request = incoming(&whole, whole.body.clone(), headers).map_err(|e| fail("request", e))?;
            expect_refused(receiver.as_ref(), request, Refused::Missing(Missing::Header(name.clone())), &app)
                .await
                .map_err(|d| fail("each signature header is required", format!("without {name}: {d}")))?;
        }
        passed.push("each signature header is required");
    }

    // stale / future → refused, for schemes that sign a timestamp: an hour away, beyond the 5 minutes.
    if let Some(scheme) = preset.hmac_scheme().filter(|s| s.tolerance().is_some()) {
        let hour = jiff::SignedDuration::from_hours(1);
        for (at, check, expected) in [
            (jiff::Timestamp::now() - hour, "stale → refused", Refused::Stale),
            (jiff::Timestamp::now() + hour, "future → refused", Refused::Future),
        ] {
            let delivery = template
                .build(event, &BuildOptions::new().at(at))
                .and_then(|d| d.sign(&key.key))
                .map_err(|e| fail("build", e.to_string()))?;
            let request = genuine(&delivery).map_err(|e| fail("request", e))?;
            expect_refused(receiver.as_ref(), request, expected, &app).await.map_err(|d| fail(check, d))?;
            passed.push(check);
        }
        // timestamp moved → refused, where the timestamp has a header of its own
        if let Some(name) = scheme.timestamp_header() {
            let delivery = sign(&draft()?)?;
            let mut headers = delivery.headers.clone();
            headers.insert(name.clone(), HeaderValue::from(delivery_timestamp(&delivery, name) + 60));
            let request = incoming(&delivery, delivery.body.clone(), headers).map_err(|e| fail("request", e))?;
            expect_refused(receiver.as_ref(), request, Refused::Unauthenticated, &app)
                .await
                .map_err(|d| fail("timestamp moved → refused", d))?;
            passed.push("timestamp moved → refused");
        }
    }

    // no key material in Debug or errors
    let secrets: Vec<&str> = [&key, &other]
        .into_iter()
        .filter(|k| !matches!(k.receiver, ReceiverKey::PublicKeyPem(_)))
        .flat_map(|k| [k.receiver.expose(), k.sender_text()])
        .collect();
    for (n, text) in shown.iter().enumerate() {
        if secrets.iter().any(|secret| text.contains(secret)) {
            return Err(fail("no key material in Debug or errors", format!("a secret is in shown text #{n}")));
        }
    }
    passed.push("no key material in Debug or errors");
    Ok(passed)
}

/// The genuine delivery replayed under what a replayer can change without a key.
fn replays(
    preset: &Preset<Delivery>,
    draft: &Draft,
    signed: &SignedDelivery,
) -> Result<Vec<(Incoming, &'static str)>, String> {
    let body = || signed.body.clone();
    let mut replays = vec![(genuine(signed)?, "as sent")];
    let mut fresh = signed.headers.clone();
    fresh.insert("x-request-id", HeaderValue::from_static("a-fresh-unsigned-header"));
    replays.push((incoming(signed, body(), fresh)?, "with a fresh unsigned header"));
    // A scheme's unsigned delivery-id header (MIEX's, GitHub's) never decides identity: a
    // captured delivery replayed under a fresh id, or none, is still a duplicate.
    let mut bare = signed.headers.clone();
    if let Some(scheme) = preset.hmac_scheme()
        && let (Some(id_header), false) = (scheme.id_header(), scheme.id_is_signed())
    {
        let mut renamed = signed.headers.clone();
        renamed.insert(id_header.clone(), HeaderValue::from_static("replayed-under-a-fresh-id"));
        replays.push((incoming(signed, body(), renamed)?, "under a fresh unsigned id"));
        let mut without = signed.headers.clone();
        without.remove(id_header);
        replays.push((incoming(signed, body(), without)?, "without the unsigned id"));
        bare.remove(id_header);
    }
    // Only the signature headers: none of the unsigned ones the provider adds (the event name,
    // the content type).
    for name in draft.headers.keys() {
        bare.remove(name);
    }
    replays.push((incoming(signed, body(), bare)?, "with only its signature headers"));
    let url = signed.url(RECEIVER_URL);
    let url = format!("{url}{}attempt=2", if url.contains('?') { '&' } else { '?' });
    let uri: Uri = url.parse().map_err(|e| format!("receiver URL: {e}"))?;
    replays.push((Incoming::post(uri, signed.headers.clone(), body()), "to the URL with another query parameter"));
    Ok(replays)
}

/// `signed` with its body altered after signing, or for a URL token the URL without its token.
fn forged(preset: &Preset<Delivery>, draft: &Draft, signed: &SignedDelivery) -> Result<Incoming, String> {
    if preset.key_kind() == KeyKind::UrlToken {
        return incoming(&draft.unsigned(), signed.body.clone(), signed.headers.clone());
    }
    let mut body = signed.body.to_vec();
    match body.iter().position(|b| *b == b'{') {
        Some(pos) => {
            body.splice(pos + 1..pos + 1, br#""forged":true,"#.iter().copied());
        }
        None => body.push(b' '),
    }
    incoming(signed, Bytes::from(body), signed.headers.clone())
}

/// The headers a signature scheme needs: the signature, and the timestamp and id headers where
/// they are signed. None for a URL token.
fn signature_headers(preset: &Preset<Delivery>) -> Vec<HeaderName> {
    if let Some(scheme) = preset.hmac_scheme() {
        let mut names = vec![scheme.signature_header().clone()];
        names.extend(scheme.timestamp_header().cloned());
        if scheme.id_is_signed() {
            names.extend(scheme.id_header().cloned());
        }
        names.dedup();
        return names;
    }
    preset.rsa_scheme().map(|scheme| vec![scheme.header().clone()]).unwrap_or_default()
}

/// The signed timestamp in `name` of `delivery` (0 when absent: the check then fails loudly).
fn delivery_timestamp(delivery: &SignedDelivery, name: &HeaderName) -> i64 {
    delivery.headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// What a refusal must say is missing.
enum Missing {
    Header(HeaderName),
    Parameter(&'static str),
}

/// How a request must be refused.
enum Refused {
    /// With this status.
    Status(StatusCode),
    /// 401, by verification.
    Unauthenticated,
    /// 401, naming what is missing.
    Missing(Missing),
    /// 401, the signed timestamp too old.
    Stale,
    /// 401, the signed timestamp in the future.
    Future,
}

impl Refused {
    fn check(&self, error: &ReceiveError) -> Result<(), String> {
        let status = match self {
            Self::Status(status) => *status,
            _ => StatusCode::UNAUTHORIZED,
        };
        if error.status() != status {
            return Err(format!("HTTP {} instead of {status}: {}", error.status(), error.reason()));
        }
        let verification = match error {
            ReceiveError::Verification(e) => Some(e),
            _ => None,
        };
        let expected = match (self, verification) {
            (Self::Status(_), _) | (Self::Unauthenticated, Some(_)) => true,
            (Self::Missing(Missing::Header(name)), Some(VerifyError::MissingHeader { name: missing })) => {
                missing == name
            }
            (Self::Missing(Missing::Parameter(name)), Some(VerifyError::MissingQueryParameter { name: missing })) => {
                missing == name
            }
            (Self::Stale, Some(VerifyError::TimestampTooOld { .. }))
            | (Self::Future, Some(VerifyError::TimestampInFuture { .. })) => true,
            _ => false,
        };
        if expected { Ok(()) } else { Err(format!("refused with another error: {error:?}")) }
    }
}

/// Refused as `expected`, and never handed to the application; returns what the refusal shows
/// (`Display`, `Debug`, reason).
async fn expect_refused(
    receiver: &dyn Receive<Delivery>,
    request: Incoming,
    expected: Refused,
    app: &Recorder,
) -> Result<String, String> {
    let before = app.calls();
    let result = receiver.receive(request, app).await;
    if app.calls() != before {
        return Err("handed to the application".into());
    }
    match result {
        Err(e) => {
            expected.check(&e)?;
            Ok(format!("{e} {e:?} {}", e.reason()))
        }
        Ok(_) => Err("accepted".into()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn receiver_keys_become_key_material_of_their_kind() {
        assert!(!key_material("k", &ReceiverKey::PublicKeyPem("pem".into())).is_secret());
        assert!(key_material("k", &ReceiverKey::Secret("s".into())).is_secret());
        assert!(key_material("k", &ReceiverKey::UrlToken("t".into())).is_secret());
    }
}
