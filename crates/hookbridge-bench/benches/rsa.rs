//! RSA PKCS#1 v1.5 SHA-256 verification (the CHIP preset) with 2048- and 4096-bit keys, in one
//! criterion group per key size, `rsa_verify/<backend>/<bits>`:
//!
//! * `hookbridge` — `RsaVerifier::verify(body, &headers)` with the key parsed once: header
//!   lookup and checks, base64 decoding into a stack buffer, hashing, the RSA public-key
//!   operation. Which backend is measured depends on how the bench was built: by default
//!   (`<backend>` = `rsa_crate`) the pure-Rust `rsa` crate; with `--features aws-lc`
//!   (`aws_lc`) hookbridge-verify's aws-lc backend. Run both (see docs/PERFORMANCE.md); each
//!   run has both anchors below.
//! * `bare_rsa_crate` — `rsa::pkcs1v15::VerifyingKey::<Sha256>::verify(body, &signature)` with
//!   the key parsed once and the signature already base64-decoded (the `Signature` is built
//!   from the raw bytes inside the loop, as any caller must per delivery).
//! * `bare_aws_lc` — `aws_lc_rs::signature::ParsedPublicKey::verify_sig(body, raw_signature)`,
//!   key DER parsed once, signature already decoded.

use std::hint::black_box;

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use criterion::{Criterion, criterion_group, criterion_main};
use hookbridge_bench::ThreadCpuTime;
use hookbridge_bench::read_fixture;
use hookbridge_verify::{RsaPublicKey, RsaVerifier};
use http::{HeaderMap, HeaderValue};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;
use sha2::Sha256;

/// The hookbridge backend this binary was built with; part of the group name, so the two
/// runs (default and `--features aws-lc`) keep separate results, each with its own anchors.
const BACKEND: &str = if cfg!(feature = "aws-lc") { "aws_lc" } else { "rsa_crate" };

fn fixture_str(rel: &str) -> String {
    String::from_utf8(read_fixture(rel).expect("fixture")).expect("utf-8")
}

/// The CHIP Purchase delivery body (`crates/hookbridge-testkit/data/verify/chip-purchase-paid.body`), the public key
/// PEM and the base64 signature: for 2048 bits the openssl-made fixture signature; for 4096
/// bits (the fixtures only sign SHA-512 with that key) a SHA-256 signature made here by aws-lc
/// from the throwaway private key in `crates/hookbridge-testkit/data/keys/`.
fn input(bits: u32) -> (Vec<u8>, String, String) {
    let body = read_fixture("verify/chip-purchase-paid.body").expect("body");
    let public = fixture_str(&format!("keys/rsa{bits}-public-spki.pem"));
    let signature = if bits == 2048 {
        fixture_str("verify/chip-purchase-paid.sig").trim().to_owned()
    } else {
        sign_with_aws_lc(&fixture_str(&format!("keys/rsa{bits}-private.pem")), &body)
    };
    (body, public, signature)
}

/// PKCS#1 v1.5 SHA-256 signature of `body` with a PKCS#8 PEM private key, via aws-lc.
fn sign_with_aws_lc(private_pem: &str, body: &[u8]) -> String {
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    let der = pem_body(private_pem);
    let pair = RsaKeyPair::from_pkcs8(&der).expect("pkcs8 key");
    let mut sig = vec![0; pair.public_modulus_len()];
    pair.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), body, &mut sig).expect("sign");
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, sig)
}

fn pem_body(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64).expect("pem base64")
}

fn bench_rsa(c: &mut Criterion<ThreadCpuTime>) {
    for bits in [2048_u32, 4096] {
        let (body, public_pem, signature) = input(bits);
        let verifier = RsaVerifier::with_key(
            hookbridge_chip::delivery_scheme(),
            RsaPublicKey::from_pem(&public_pem).expect("key"),
        );
        let mut headers = HeaderMap::new();
        headers.insert("x-signature", HeaderValue::from_str(&signature).expect("header"));

        let raw = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &signature).expect("b64");
        let rsa_key = rsa::PublicKey::from_public_key_pem(&public_pem).expect("rsa key");
        let pkcs1 = rsa_key.to_pkcs1_der().expect("der");
        let bare_rsa = VerifyingKey::<Sha256>::new(rsa_key);
        let bare_lc = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pkcs1.as_bytes()).expect("aws-lc key");

        // Every contender must accept the input before it is timed.
        verifier.verify(&body, &headers).expect("hookbridge verifies");
        bare_rsa.verify(&body, &Signature::try_from(raw.as_slice()).expect("sig")).expect("rsa verifies");
        bare_lc.verify_sig(&body, &raw).expect("aws-lc verifies");

        let mut group = c.benchmark_group(format!("rsa_verify/{BACKEND}/{bits}"));
        group.bench_function("hookbridge", |b| b.iter(|| verifier.verify(black_box(&body), black_box(&headers))));
        group.bench_function("bare_rsa_crate", |b| {
            b.iter(|| {
                let sig = Signature::try_from(black_box(raw.as_slice())).expect("sig");
                bare_rsa.verify(black_box(&body), &sig)
            });
        });
        group.bench_function("bare_aws_lc", |b| b.iter(|| bare_lc.verify_sig(black_box(&body), black_box(&raw))));
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = hookbridge_bench::criterion_config();
    targets = bench_rsa
}
criterion_main!(benches);
