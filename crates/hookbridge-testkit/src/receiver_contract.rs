//! The receiver contract of a receiving preset (see [`receiver_contract`]).

use std::time::Duration;

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use bytes::Bytes;
use hookbridge_core::Delivery;
use hookbridge_verify::preset::{KeyKind, KeyMaterial, Preset, ReceiverSettings};
use hookbridge_verify::receive::{Incoming, Receive, ReceiveError};

use crate::conformance::ContractFailure;
use crate::deliveries::{BuildOptions, ReceiverKey, SignedDelivery, Template, ThrowawayKey};

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

/// Runs the receiver contract of `preset` with deliveries built by the testkit's `template`
/// for `event`, and returns the names of the checks that passed:
///
/// * **sign → receive → unified**: a freshly signed delivery (throwaway key) is accepted by the
///   receiver the preset builds from the matching receiver key, and becomes a unified
///   [`Delivery`] of the preset's provider, with the raw body kept byte for byte, the key id
///   that matched, and a replay key;
/// * **replay → deduped**: the same delivery again is a completed duplicate (answered 200, not
///   handed to the application again);
/// * **forged → refused**: the body altered after signing is refused with 401 (a URL-token
///   preset, which authenticates the URL and not the body: the URL without its token);
/// * **wrong key → refused**: a delivery signed with another key is refused with 401;
/// * **rotation**: a key ring holding another key and the right one accepts it and names the
///   right key;
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
) -> Result<Vec<&'static str>, ContractFailure> {
    let fail =
        |check: &'static str, detail: String| ContractFailure { provider: preset.name().to_owned(), check, detail };
    let mut passed = Vec::new();
    let settings = ReceiverSettings::new().tolerance(Some(Duration::from_secs(300)));

    let key = ThrowawayKey::generate(template).map_err(|e| fail("key", e.to_string()))?;
    let other = ThrowawayKey::generate(template).map_err(|e| fail("key", e.to_string()))?;
    let receiver = preset
        .receiver(&[key_material("right", &key.receiver)], &settings)
        .map_err(|e| fail("receiver from keys", e.to_string()))?;
    let draft = template.build(event, &BuildOptions::new()).map_err(|e| fail("build", e.to_string()))?;
    let signed = draft.sign(&key.key).map_err(|e| fail("sign", e.to_string()))?;
    let genuine = |headers: HeaderMap| incoming(&signed, signed.body.clone(), headers);

    // sign → receive → unified
    let request = genuine(signed.headers.clone()).map_err(|e| fail("request", e))?;
    let accepted = receiver.accept(request).await.map_err(|e| fail("sign → receive", e.to_string()))?;
    let (delivery, ticket) = accepted.into_parts();
    if delivery.provider.as_str() != preset.provider() {
        return Err(fail("unified provider", format!("{} instead of {}", delivery.provider, preset.provider())));
    }
    if delivery.raw != signed.body {
        return Err(fail("raw body", "the unified delivery does not keep the raw body".into()));
    }
    if delivery.key_id.as_deref() != Some("right") {
        return Err(fail("key id", format!("{:?} instead of \"right\"", delivery.key_id)));
    }
    if delivery.replay_key.as_deref() != Some(ticket.key().as_str()) {
        return Err(fail("replay key", format!("{:?} vs the reservation's {}", delivery.replay_key, ticket.key())));
    }
    if delivery.event_type_signed && delivery.event_type.as_ref().map(|e| e.as_str()) != Some(event) {
        return Err(fail("event type", format!("{:?} instead of {event}", delivery.event_type)));
    }
    ticket.complete().await.map_err(|e| fail("complete", e.to_string()))?;
    passed.push("sign → receive → unified");

    // replay → deduped
    let request = genuine(signed.headers.clone()).map_err(|e| fail("request", e))?;
    match receiver.accept(request).await {
        Err(e) if e.is_duplicate() && e.status() == StatusCode::OK => passed.push("replay → deduped"),
        Err(e) => return Err(fail("replay → deduped", format!("refused otherwise: {e}"))),
        Ok(_) => return Err(fail("replay → deduped", "the replay was handed over again".into())),
    }

    // forged → refused: the body altered after signing; a URL token authenticates the URL, not
    // the body (the provider signs nothing), so there the forgery is the URL without its token.
    let forged = if preset.key_kind() == KeyKind::UrlToken {
        let bare = draft.unsigned();
        incoming(&bare, bare.body.clone(), bare.headers.clone())
    } else {
        let mut forged = signed.body.to_vec();
        match forged.iter().position(|b| *b == b'{') {
            Some(pos) => {
                forged.splice(pos + 1..pos + 1, br#""forged":true,"#.iter().copied());
            }
            None => forged.push(b' '),
        }
        incoming(&signed, Bytes::from(forged), signed.headers.clone())
    };
    let request = forged.map_err(|e| fail("request", e))?;
    expect_refused(receiver.as_ref(), request, StatusCode::UNAUTHORIZED)
        .await
        .map_err(|d| fail("forged → refused", d))?;
    passed.push("forged → refused");

    // wrong key → refused
    let wrong = draft.sign(&other.key).map_err(|e| fail("sign", e.to_string()))?;
    let request = incoming(&wrong, wrong.body.clone(), wrong.headers.clone()).map_err(|e| fail("request", e))?;
    expect_refused(receiver.as_ref(), request, StatusCode::UNAUTHORIZED)
        .await
        .map_err(|d| fail("wrong key → refused", d))?;
    passed.push("wrong key → refused");

    // rotation: a ring of another key and the right one
    let ring = [key_material("previous", &other.receiver), key_material("current", &key.receiver)];
    // A fresh store: the delivery was handled above.
    let fresh = ReceiverSettings::new().tolerance(settings.tolerance);
    let rotated = preset.receiver(&ring, &fresh).map_err(|e| fail("rotation", e.to_string()))?;
    let request = genuine(signed.headers.clone()).map_err(|e| fail("request", e))?;
    let (delivery, ticket) = rotated.accept(request).await.map_err(|e| fail("rotation", e.to_string()))?.into_parts();
    if delivery.key_id.as_deref() != Some("current") {
        return Err(fail("rotation", format!("matched {:?} instead of \"current\"", delivery.key_id)));
    }
    ticket.release().await.map_err(|e| fail("release", e.to_string()))?;
    passed.push("key ring during a rotation");

    // no signature → refused: without the signature headers (a URL token: without the token)
    let bare = draft.unsigned();
    let request = incoming(&bare, bare.body.clone(), bare.headers.clone()).map_err(|e| fail("request", e))?;
    match receiver.accept(request).await {
        Err(ReceiveError::Verification(_)) => passed.push("no signature → refused"),
        Err(e) => return Err(fail("no signature → refused", format!("refused with another error: {e}"))),
        Ok(_) => return Err(fail("no signature → refused", "accepted without a signature".into())),
    }
    // stale → refused, for schemes that sign a timestamp: an hour old, beyond the 5 minutes.
    if preset.hmac_scheme().and_then(|s| s.tolerance()).is_some() {
        let hour_ago = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
        let old = template
            .build(event, &BuildOptions::new().at(hour_ago))
            .and_then(|d| d.sign(&key.key))
            .map_err(|e| fail("build", e.to_string()))?;
        let request = incoming(&old, old.body.clone(), old.headers.clone()).map_err(|e| fail("request", e))?;
        expect_refused(receiver.as_ref(), request, StatusCode::UNAUTHORIZED)
            .await
            .map_err(|d| fail("stale → refused", d))?;
        passed.push("stale → refused");
    }
    Ok(passed)
}

async fn expect_refused(receiver: &dyn Receive<Delivery>, request: Incoming, status: StatusCode) -> Result<(), String> {
    match receiver.accept(request).await {
        Err(e) if e.status() == status => Ok(()),
        Err(e) => Err(format!("HTTP {} instead of {status}: {e}", e.status())),
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
