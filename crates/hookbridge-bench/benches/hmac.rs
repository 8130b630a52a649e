//! HMAC verification end to end, per preset and body size, in one criterion group each:
//!
//! * `hookbridge` — `HmacVerifier::verify(body, &headers)`: header lookup and checks, timestamp
//!   parsing and window check (system clock), signature decoding (hex / base64) into stack
//!   buffers, the MAC over the signed pieces, constant-time comparison, the `Verified` result.
//! * `bare` — the raw `hmac` + `sha2` computation over the same signed bytes, keyed once at
//!   setup as the library does: clone the pre-keyed `Hmac<Sha256>` state, `update` with each
//!   signed piece, `finalize`. No header lookup, no decoding, no comparison.
//! * `svix` (Standard Webhooks only) — `svix::webhooks::Webhook::verify(body, &headers)` on the
//!   same input: the reference Standard Webhooks verifier (the same code as the
//!   `standardwebhooks` crate).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use hookbridge_bench::ThreadCpuTime;
use hookbridge_bench::json_body;
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, unix_now};
use http::HeaderMap;
use sha2::Sha256;

/// A Standard Webhooks secret (`whsec_` + base64 of 24 bytes).
const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TEXT_SECRET: &str = "bench-secret-0123456789abcdef";

const SIZES: [(usize, &str); 2] = [(1024, "1KiB"), (64 * 1024, "64KiB")];

struct Case {
    name: &'static str,
    scheme: HmacScheme,
    secret: HmacSecret,
    key: Vec<u8>,
    id: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let text = || HmacSecret::from_str_bytes(TEXT_SECRET).expect("secret");
    let sw = HmacSecret::from_standard_webhooks(SW_SECRET).expect("whsec secret");
    let sw_key = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &SW_SECRET[6..]).expect("b64");
    vec![
        Case {
            name: "miex",
            scheme: hookbridge_miex::delivery_scheme(),
            secret: text(),
            key: TEXT_SECRET.into(),
            id: None,
        },
        Case {
            name: "bitnob",
            scheme: hookbridge_bitnob::delivery_scheme(),
            secret: text(),
            key: TEXT_SECRET.into(),
            id: None,
        },
        Case {
            name: "standard_webhooks",
            scheme: HmacScheme::standard_webhooks(),
            secret: sw,
            key: sw_key,
            id: Some(SW_ID),
        },
    ]
}

/// The bytes each preset signs, as the pieces the bare computation feeds the MAC.
fn signed_pieces<'a>(case: &Case, ts: &'a str, body: &'a [u8]) -> Vec<&'a [u8]> {
    match case.name {
        "miex" => vec![body],
        "bitnob" => vec![ts.as_bytes(), b".", body],
        _ => vec![SW_ID.as_bytes(), b".", ts.as_bytes(), b".", body],
    }
}

fn bench_hmac(c: &mut Criterion<ThreadCpuTime>) {
    // Signed "now": the benches run for seconds, well inside the 5-minute window.
    let now = unix_now();
    let ts = now.to_string();
    for case in cases() {
        let verifier = HmacVerifier::with_secret(case.scheme.clone(), case.secret.clone());
        let signer = HmacSigner::new(case.scheme.clone(), case.secret.clone());
        let bare_key = Hmac::<Sha256>::new_from_slice(&case.key).expect("hmac key");
        let svix =
            (case.name == "standard_webhooks").then(|| svix::webhooks::Webhook::new(SW_SECRET).expect("svix secret"));
        for (size, label) in SIZES {
            let body = json_body(size);
            let headers: HeaderMap = signer.sign(&body, now, case.id).expect("sign");
            // Every contender must accept the input before it is timed.
            verifier.verify(&body, &headers).expect("hookbridge verifies");
            if let Some(svix) = &svix {
                svix.verify(&body, &headers).expect("svix verifies");
            }
            let pieces = signed_pieces(&case, &ts, &body);
            let expected = signer.signature_value(&body, now, case.id).expect("signature");
            let mut check = bare_key.clone();
            for piece in &pieces {
                check.update(piece);
            }
            let tag = check.finalize().into_bytes();
            assert!(expected.contains(&hex_or_b64(&case, &tag)), "bare MAC matches the signed header");

            let mut group = c.benchmark_group(format!("hmac_verify/{}/{label}", case.name));
            group.throughput(Throughput::Bytes(size as u64));
            group.bench_function("hookbridge", |b| b.iter(|| verifier.verify(black_box(&body), black_box(&headers))));
            group.bench_function("bare_hmac_sha256", |b| {
                b.iter(|| {
                    let mut mac = black_box(&bare_key).clone();
                    for piece in black_box(&pieces) {
                        mac.update(piece);
                    }
                    mac.finalize().into_bytes()
                });
            });
            if let Some(svix) = &svix {
                group.bench_function("svix", |b| b.iter(|| svix.verify(black_box(&body), black_box(&headers))));
            }
            group.finish();
        }
    }
}

fn hex_or_b64(case: &Case, tag: &[u8]) -> String {
    if case.name == "standard_webhooks" {
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, tag)
    } else {
        tag.iter().map(|b| format!("{b:02x}")).collect()
    }
}

criterion_group! {
    name = benches;
    config = hookbridge_bench::criterion_config();
    targets = bench_hmac
}
criterion_main!(benches);
