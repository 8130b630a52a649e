//! The `aws-lc` cargo feature: RSA PKCS#1 v1.5 verification through `aws-lc-rs` (the
//! library reqwest's rustls already builds), about 3× faster than the pure-Rust `rsa` crate.
//!
//! Keys are still parsed and validated by the `rsa` crate (so [`RsaPublicKey`](crate::RsaPublicKey)
//! keeps its API and its errors); [`RsaVerifier`](crate::RsaVerifier) then re-encodes each
//! key once, at construction, as PKCS#1 DER and parses it into an aws-lc
//! [`ParsedPublicKey`]. Per delivery the body is hashed once with aws-lc's digest and every
//! aws-lc key verifies against that digest.
//!
//! aws-lc only accepts moduli of 2048 to 8192 bits for these algorithms; a key it refuses
//! (for example a legacy 1024-bit key) keeps using the `rsa` crate, so enabling the feature
//! never changes which deliveries verify.

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA512};
use rsa::pkcs1::EncodeRsaPublicKey as _;
use rsa::traits::PublicKeyParts as _;

use crate::RsaHash;

/// An RSA public key parsed once by aws-lc for one digest.
#[derive(Clone)]
pub(crate) struct AwsLcKey(ParsedPublicKey);

impl AwsLcKey {
    /// The aws-lc form of `key`, or `None` when aws-lc refuses it (the caller then keeps
    /// the `rsa` crate for this key).
    pub(crate) fn new(hash: RsaHash, key: &rsa::PublicKey) -> Option<Self> {
        let algorithm = match hash {
            RsaHash::Sha256 => &RSA_PKCS1_2048_8192_SHA256,
            RsaHash::Sha512 => &RSA_PKCS1_2048_8192_SHA512,
        };
        // aws-lc parses a key of any size but refuses, at verification, one outside the
        // algorithm's range: decide here, once, so such keys keep the `rsa` crate.
        let bits = key.n().bit_width();
        if !(algorithm.min_modulus_len()..=algorithm.max_modulus_len()).contains(&bits) {
            return None;
        }
        let der = key.to_pkcs1_der().ok()?;
        ParsedPublicKey::new(algorithm, der.as_bytes()).ok().map(Self)
    }

    /// Whether `signature` is a valid PKCS#1 v1.5 signature of the body whose digest is `digest`.
    pub(crate) fn verifies(&self, digest: &Digest, signature: &[u8]) -> bool {
        self.0.verify_digest_sig(digest, signature).is_ok()
    }
}

/// The body's digest for `hash`, computed by aws-lc.
pub(crate) fn body_digest(hash: RsaHash, body: &[u8]) -> Digest {
    match hash {
        RsaHash::Sha256 => digest::digest(&digest::SHA256, body),
        RsaHash::Sha512 => digest::digest(&digest::SHA512, body),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use rsa::pkcs8::DecodePublicKey as _;

    use super::*;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{}/../hookbridge-testkit/data/keys/{name}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
    }

    #[test]
    fn fixture_keys_are_accepted_by_aws_lc() {
        for name in ["rsa2048-public-spki.pem", "rsa4096-public-spki.pem"] {
            let key = rsa::PublicKey::from_public_key_pem(&fixture(name)).unwrap();
            assert!(AwsLcKey::new(RsaHash::Sha256, &key).is_some(), "{name}");
            assert!(AwsLcKey::new(RsaHash::Sha512, &key).is_some(), "{name}");
        }
    }

    #[test]
    fn keys_outside_2048_to_8192_bits_are_left_to_the_rsa_crate() {
        // A throwaway 1024-bit key (also in tests/it/aws_lc.rs).
        let pem = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEy2gQE6J9XJ83uBmUSe6dW3bJ
MMA4nf6WYU/JqpTqU2mf4Ap3RFMc+sL9CN9GDNho/mp2IuBtdt0cwdludVftE3u1
9VeJcFezlI1ZsGg/RZY1R8gRUPv5MKwzxYLH5Qv0JBfLUS/lzbV2F5PnKGfxTfNI
QeZHKydviPv9MASeUQIDAQAB
-----END PUBLIC KEY-----";
        let key = rsa::PublicKey::from_public_key_pem(pem).unwrap();
        assert!(AwsLcKey::new(RsaHash::Sha256, &key).is_none());
    }
}
