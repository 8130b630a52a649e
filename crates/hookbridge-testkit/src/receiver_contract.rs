//! The receiver contract of a receiving preset (see [`receiver_contract`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use bytes::Bytes;
use hookbridge_core::Delivery;
use hookbridge_verify::preset::{KeyKind, KeyMaterial, Preset, ReceiverSettings};
use hookbridge_verify::receive::{AppError, Application, BoxFuture, DedupeStore, Incoming, Receive, ReceiveError};

use crate::conformance::ContractFailure;
use crate::deliveries::{BuildOptions, Draft, ReceiverKey, SignedDelivery, Template, ThrowawayKey};

/// The receiver URL the contract posts to.
const RECEIVER_URL: &str = "http://127.0.0.1/hooks/conformance";

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
/// * **sign → receive → unified**: a freshly signed delivery (throwaway key) is accepted by the
///   receiver the preset builds from the matching receiver key and handed to the application as
///   a unified [`Delivery`] of the preset's provider, with the raw body kept byte for byte, the
///   key id that matched, and the replay key the pipeline completed;
/// * **replay → deduped**: the same delivery again, and again with fresh unsigned headers (the
///   scheme's unsigned delivery-id header among them), is a completed duplicate (answered 200,
///   not handed to the application again);
/// * **forged → refused**: the body altered after signing is refused with 401 before the store
///   or the application (a URL-token preset, which authenticates the URL and not the body: the
///   URL without its token);
/// * **wrong key → refused**: a delivery signed with another key is refused with 401;
/// * **oversized → 413**: a body over the limit is refused before anything else;
/// * **application failure → retried**: when the application fails, the reservation is released
///   and the provider's retry is handled;
/// * **rotation**: a key ring holding another key and the right one accepts a delivery and names
///   the right key;
/// * **no signature → refused**: the delivery without its signature headers (or, for a URL
///   token, without the token) is refused;
/// * **stale → refused** (schemes that sign a timestamp): a delivery signed an hour ago is
///   refused with 401.
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
    let receiver = preset
        .receiver(&[key_material("right", &key.receiver)], &settings)
        .map_err(|e| fail("receiver from keys", e.to_string()))?;
    let draft = || template.build(event, &BuildOptions::new()).map_err(|e| fail("build", e.to_string()));
    let sign = |draft: &Draft| draft.sign(&key.key).map_err(|e| fail("sign", e.to_string()));
    let app = Recorder::default();

    // sign → receive → unified
    let first = draft()?;
    let signed = sign(&first)?;
    let request = genuine(&signed).map_err(|e| fail("request", e))?;
    let replay_key = receiver.receive(request, &app).await.map_err(|e| fail("sign → receive", e.reason()))?;
    let delivery = app.take().ok_or_else(|| fail("sign → receive", "the application got nothing".into()))?;
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

    // replay → deduped: as sent, and with a fresh unsigned header
    let mut refreshed = signed.headers.clone();
    refreshed.insert("x-request-id", HeaderValue::from_static("a-fresh-unsigned-header"));
    // A scheme's unsigned delivery-id header (MIEX's, GitHub's) never decides identity: a
    // captured delivery replayed under a fresh id is still a duplicate.
    if let Some(scheme) = preset.hmac_scheme()
        && let (Some(id_header), false) = (scheme.id_header(), scheme.id_is_signed())
    {
        refreshed.insert(id_header.clone(), HeaderValue::from_static("replayed-under-a-fresh-id"));
    }
    for headers in [signed.headers.clone(), refreshed] {
        let request = incoming(&signed, signed.body.clone(), headers).map_err(|e| fail("request", e))?;
        match receiver.receive(request, &app).await {
            Err(e) if e.is_duplicate() && e.status() == StatusCode::OK => {}
            Err(e) => return Err(fail("replay → deduped", format!("refused otherwise: {}", e.reason()))),
            Ok(_) => return Err(fail("replay → deduped", "the replay was handed over again".into())),
        }
    }
    if app.calls() != 1 {
        return Err(fail("replay → deduped", format!("the application was called {} times", app.calls())));
    }
    passed.push("replay → deduped");

    // forged → refused: the body altered after signing; a URL token authenticates the URL, not
    // the body (the provider signs nothing), so there the forgery is the URL without its token.
    let forgery = sign(&draft()?)?;
    let forged = if preset.key_kind() == KeyKind::UrlToken {
        incoming(&draft()?.unsigned(), forgery.body.clone(), forgery.headers.clone())
    } else {
        let mut body = forgery.body.to_vec();
        match body.iter().position(|b| *b == b'{') {
            Some(pos) => {
                body.splice(pos + 1..pos + 1, br#""forged":true,"#.iter().copied());
            }
            None => body.push(b' '),
        }
        incoming(&forgery, Bytes::from(body), forgery.headers.clone())
    };
    expect_refused(receiver.as_ref(), forged.map_err(|e| fail("request", e))?, StatusCode::UNAUTHORIZED, &app)
        .await
        .map_err(|d| fail("forged → refused", d))?;
    passed.push("forged → refused");

    // wrong key → refused
    let wrong = draft()?.sign(&other.key).map_err(|e| fail("sign", e.to_string()))?;
    let request = genuine(&wrong).map_err(|e| fail("request", e))?;
    expect_refused(receiver.as_ref(), request, StatusCode::UNAUTHORIZED, &app)
        .await
        .map_err(|d| fail("wrong key → refused", d))?;
    passed.push("wrong key → refused");

    // oversized → 413
    let big = sign(&draft()?)?;
    let body = Bytes::from(vec![b' '; receiver.max_body_bytes() + 1]);
    let request = incoming(&big, body, big.headers.clone()).map_err(|e| fail("request", e))?;
    expect_refused(receiver.as_ref(), request, StatusCode::PAYLOAD_TOO_LARGE, &app)
        .await
        .map_err(|d| fail("oversized → 413", d))?;
    passed.push("oversized → 413");

    // application failure → released, and the provider's retry is handled
    let flaky = sign(&draft()?)?;
    app.fail.store(true, Ordering::SeqCst);
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
    if app.calls() != 3 {
        return Err(fail("application failure → retried", format!("{} application calls, not 3", app.calls())));
    }
    passed.push("application failure → retried");

    // rotation: a ring of another key and the right one
    let ring = [key_material("previous", &other.receiver), key_material("current", &key.receiver)];
    let rotated = preset.receiver(&ring, &settings).map_err(|e| fail("rotation", e.to_string()))?;
    let request = genuine(&sign(&draft()?)?).map_err(|e| fail("request", e))?;
    let (delivery, ticket) = rotated.accept(request).await.map_err(|e| fail("rotation", e.reason()))?.into_parts();
    ticket.complete().await.map_err(|e| fail("complete", e.to_string()))?;
    if delivery.key_id.as_deref() != Some("current") {
        return Err(fail("rotation", format!("matched {:?} instead of \"current\"", delivery.key_id)));
    }
    passed.push("key ring during a rotation");

    // no signature → refused: without the signature headers (a URL token: without the token)
    let bare = draft()?.unsigned();
    match receiver.accept(genuine(&bare).map_err(|e| fail("request", e))?).await {
        Err(ReceiveError::Verification(_)) => passed.push("no signature → refused"),
        Err(e) => return Err(fail("no signature → refused", format!("refused with another error: {}", e.reason()))),
        Ok(_) => return Err(fail("no signature → refused", "accepted without a signature".into())),
    }

    // stale → refused, for schemes that sign a timestamp: an hour old, beyond the 5 minutes.
    if preset.hmac_scheme().and_then(|s| s.tolerance()).is_some() {
        let hour_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
        let old = template
            .build(event, &BuildOptions::new().at(hour_ago))
            .and_then(|d| d.sign(&key.key))
            .map_err(|e| fail("build", e.to_string()))?;
        expect_refused(
            receiver.as_ref(),
            genuine(&old).map_err(|e| fail("request", e))?,
            StatusCode::UNAUTHORIZED,
            &app,
        )
        .await
        .map_err(|d| fail("stale → refused", d))?;
        passed.push("stale → refused");
    }
    Ok(passed)
}

/// Refused with `status`, and never handed to the application.
async fn expect_refused(
    receiver: &dyn Receive<Delivery>,
    request: Incoming,
    status: StatusCode,
    app: &Recorder,
) -> Result<(), String> {
    let before = app.calls();
    let result = receiver.receive(request, app).await;
    if app.calls() != before {
        return Err("handed to the application".into());
    }
    match result {
        Err(e) if e.status() == status => Ok(()),
        Err(e) => Err(format!("HTTP {} instead of {status}: {}", e.status(), e.reason())),
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
