//! Arbitrary headers (and body, and clock) against every HMAC preset and the RSA schemes:
//! verification must not panic and must never succeed — the keys are the fuzzer's own, so an
//! `Ok` would be a forged delivery accepted.

#![no_main]

use hookbridge_fuzz::{hmac_verifiers, parse_request, rsa_verifiers};
use hookbridge_verify::Verifier;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let req = parse_request(data);
    let uri = http::Uri::from_static("/hooks");
    for (name, verifier) in hmac_verifiers() {
        let result = verifier.verify_at(req.body, &req.headers, req.now);
        assert!(result.is_err(), "{name} accepted a forged delivery: {result:?}");
        let error = result.unwrap_err();
        let _ = error.to_string();
        // The trait object path gives the same answer.
        let via_trait = Verifier::verify_request_at(verifier, &uri, req.body, &req.headers, req.now);
        assert_eq!(via_trait, Err(error), "{name}: trait and inherent verify disagree");
    }
    for (name, verifier) in rsa_verifiers() {
        let result = verifier.verify_at(req.body, &req.headers, req.now);
        assert!(result.is_err(), "{name} accepted a forged delivery: {result:?}");
        let _ = result.unwrap_err().to_string();
    }
});
