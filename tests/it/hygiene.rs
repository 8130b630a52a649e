//! Secret hygiene: no type that holds a secret, and no error about one, prints it.
//!
//! How the list below was built: every `struct`/`enum` in `crates/*/src` with a field (or variant)
//! whose type holds a credential — `Secret`, `HmacSecret`, `UrlToken`, `Zeroizing`, a signing key,
//! a sensitive `HeaderValue`, `dyn Auth`, or one of the types found that way (`Bearer`,
//! `HeaderAuth`, `HttpClient`, `MiexApiKey`, `BlazeKeys`, `BitnobSigner`, `BitnobAuth`,
//! `HmacSigner`, `KeyedMac`, ...) — found with a field-type grep over the sources (repeated until
//! no new holder appeared), plus the generic holders (`KeyRing<K>`, `Endpoint::secret`,
//! `ProviderEndpoint`), plus the types that carry *bodies* that may hold a secret (`Response`,
//! `ApiError::raw`, `DecodeError::excerpt`). `hookbridge-testkit` (the provider simulators, test
//! support that issues its own throwaway secrets) is not a dependency of the facade and is left to
//! its own tests.
//!
//! | crate | types formatted here |
//! |---|---|
//! | core | `Secret`, `Bearer`, `HeaderAuth`, `HttpClient`, `Endpoint` (with `secret`), `Response`, `ApiError`, `DecodeError`, `InvalidInput` |
//! | miex | `MiexApiKey` (branch, personal, public), `MiexClient` and its `webhooks()` handle, `MiexWebhook` (`secretKey`) |
//! | blaze | `BlazeKeys`, `BlazeClient` |
//! | bitnob | `BitnobAuth` (all three variants), `BitnobSigner`, `BitnobClient`, `CreatedWebhook`, `RotatedSecret` |
//! | abbeycross | `AbbeyCrossClient` and its `webhooks()` handle, `RegisterWebhookResponse`, `RegisteredWebhook` (`apiSecretKey`) |
//! | chip | `ChipClient` |
//! | verify | `HmacSecret` (text, hex, base64, `whsec_`), `KeyRing<HmacSecret>`, `HmacVerifier`, `HmacSigner`, `UrlToken`, `KeyRing<UrlToken>`, `UrlTokenVerifier`, `RsaVerifier`, `RsaSigner`, `KeyError`, `VerifyError` |
//! | adapters | `StandardWebhooksBridge`, `ProviderEndpoint` |
//!
//! Each value is formatted with `{:?}` and `{:#?}`, and `{}` where implemented (and serialized
//! where it implements `Serialize`); none may contain the raw secret, nor (for byte keys) its hex
//! or base64 forms.

use std::fmt::{Debug, Display};
use std::sync::Arc;

use hookbridge::abbeycross::{AbbeyCrossClient, RegisterWebhookResponse, RegisteredWebhook};
use hookbridge::adapters::{ProviderEndpoint, StandardWebhooksBridge};
use hookbridge::bitnob::{BitnobAuth, BitnobClient, BitnobSigner, CreatedWebhook, RotatedSecret, SigningScheme};
use hookbridge::blaze::{BlazeClient, BlazeKeys};
use hookbridge::chip::ChipClient;
use hookbridge::core::auth::{Auth, Bearer, HeaderAuth};
use hookbridge::core::{HttpClient, Request};
use hookbridge::miex::{MiexApiKey, MiexClient, MiexWebhook};
use hookbridge::verify::sign::{HmacSigner, RsaSigner};
use hookbridge::verify::{
    HmacScheme, HmacSecret, HmacVerifier, KeyRing, RsaPublicKey, RsaVerifier, UrlToken, UrlTokenVerifier,
};
use hookbridge::{ClientConfig, EndpointId, Error, ProviderId, RetryPolicy, Secret, Webhook};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fixture;

const MIEX_KEY: &str = "sk_personal_Hy7Tq2Lm9Xc4Vb8Nz1Pw6Rs3Kd5Fg0Aj";
const MIEX_BRANCH_KEY: &str = "sk_branch_Br4nchK3y0123456789abcdefghijklm";
const MIEX_PUBLIC_KEY: &str = "pk_PublicKey-0123456789abcdefghijkl";
const BLAZE_PARTNER: &str = "blaze-partner-Qm4Wn8Ec2Rv6";
const BLAZE_DEVELOPER: &str = "blaze-developer-Tx9Yu3Io7Pa1";
const BITNOB_KEY: &str = "bitnob-bearer-Zs5Xd1Cf8Vg4";
const BITNOB_CLIENT_SECRET: &str = "bitnob-client-secret-Lk2Jh6Gf0Ds9";
const ABBEY_TOKEN: &str = "abbey-token-Nb3Mv7Cx1Za5";
const CHIP_KEY: &str = "chip-key-Wq8Er2Ty6Ui0";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Base64 (standard alphabet, or URL-safe with `url`), without padding.
fn base64(bytes: &[u8], url: bool) -> String {
    let alphabet: &[u8] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Every way `secret` could show up when printed: verbatim, and its bytes as hex and base64.
fn forms(secret: &[u8]) -> Vec<String> {
    let mut out = vec![hex(secret), hex(secret).to_uppercase(), base64(secret, false), base64(secret, true)];
    if let Ok(text) = std::str::from_utf8(secret) {
        out.push(text.to_owned());
    }
    out
}

fn text_forms(secrets: &[&str]) -> Vec<String> {
    secrets.iter().flat_map(|s| forms(s.as_bytes())).collect()
}

fn assert_clean(what: &str, rendered: &[String], forbidden: &[String]) {
    assert!(rendered.iter().all(|r| !r.is_empty()), "{what}: nothing rendered");
    for r in rendered {
        for f in forbidden {
            assert!(!r.contains(f.as_str()), "{what} prints a secret (`{f}`): {r}");
        }
    }
}

/// `{:?}` and `{:#?}`.
fn debug<T: Debug + ?Sized>(v: &T) -> Vec<String> {
    vec![format!("{v:?}"), format!("{v:#?}")]
}

/// `{:?}`, `{:#?}`, `{}` and `{:#}`.
fn both<T: Debug + Display + ?Sized>(v: &T) -> Vec<String> {
    let mut out = debug(v);
    out.push(format!("{v}"));
    out.push(format!("{v:#}"));
    out
}

/// An error with its whole `source()` chain, displayed and debugged.
fn chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = both(e);
    let mut source = e.source();
    while let Some(s) = source {
        out.extend(both(s));
        source = s.source();
    }
    out
}

fn config(uri: &str) -> ClientConfig {
    ClientConfig::new(uri).unwrap().retry(RetryPolicy::none()).http_client(crate::faults::shared_http())
}

// ----- credentials and the types built from them ------------------------------------------------

#[test]
fn credentials_and_clients_never_print_their_keys() {
    let all = text_forms(&[
        MIEX_KEY,
        MIEX_BRANCH_KEY,
        MIEX_PUBLIC_KEY,
        BLAZE_PARTNER,
        BLAZE_DEVELOPER,
        BITNOB_KEY,
        BITNOB_CLIENT_SECRET,
        ABBEY_TOKEN,
        CHIP_KEY,
    ]);
    let base = "https://api.example.com/";

    // core
    let secret = Secret::new(MIEX_KEY);
    assert_clean("Secret", &both(&secret), &all);
    let bearer = Bearer::new(&Secret::new(CHIP_KEY)).unwrap();
    assert_clean("Bearer", &debug(&bearer), &all);
    let header_auth = HeaderAuth::new()
        .with("partner_key", "x-api-key", &Secret::new(BLAZE_PARTNER))
        .unwrap()
        .with("developer_key", "authorization", &Secret::new(BLAZE_DEVELOPER))
        .unwrap();
    assert_clean("HeaderAuth", &debug(&header_auth), &all);
    let http = HttpClient::new(hookbridge::chip::PROVIDER, config(base), Arc::new(bearer.clone())).unwrap();
    assert_clean("HttpClient", &debug(&http), &all);

    // MIEX: each kind of key (branch, personal, public), the client and its resource handle.
    for key in [MIEX_BRANCH_KEY, MIEX_KEY, MIEX_PUBLIC_KEY] {
        let parsed = MiexApiKey::parse(Secret::new(key)).unwrap();
        assert_clean("MiexApiKey", &debug(&parsed), &all);
        assert_clean("MiexApiKey::secret", &both(parsed.secret()), &all);
        let client = MiexClient::new(base, Secret::new(key)).unwrap();
        assert_clean("MiexClient", &debug(&client), &all);
        assert_clean("MiexClient::webhooks", &debug(&client.webhooks()), &all);
    }

    // BLAZE
    let keys = BlazeKeys::new(Secret::new(BLAZE_PARTNER), Secret::new(BLAZE_DEVELOPER));
    assert_clean("BlazeKeys", &debug(&keys), &all);
    assert_clean("BlazeClient", &debug(&BlazeClient::with_config(config(base), keys).unwrap()), &all);

    // Bitnob: each way to authenticate, and the clients built from them.
    let signer = |scheme| BitnobSigner::new("client_hygiene", Secret::new(BITNOB_CLIENT_SECRET), scheme).unwrap();
    let custom: Arc<dyn Auth> = Arc::new(Bearer::new(&Secret::new(BITNOB_KEY)).unwrap());
    for auth in [
        BitnobAuth::Bearer(Secret::new(BITNOB_KEY)),
        BitnobAuth::Signed(signer(SigningScheme::ColonSeparatedHex)),
        BitnobAuth::Signed(signer(SigningScheme::ConcatenatedBase64)),
        BitnobAuth::Custom(custom),
    ] {
        assert_clean("BitnobAuth", &debug(&auth), &all);
        assert_clean("BitnobClient", &debug(&BitnobClient::with_config(config(base), auth).unwrap()), &all);
    }
    assert_clean("BitnobSigner", &debug(&signer(SigningScheme::ColonSeparatedHex)), &all);

    // AbbeyCross, CHIP
    let abbeycross = AbbeyCrossClient::new(base, Secret::new(ABBEY_TOKEN)).unwrap();
    assert_clean("AbbeyCrossClient", &debug(&abbeycross), &all);
    assert_clean("AbbeyCrossClient::webhooks", &debug(&abbeycross.webhooks()), &all);
    assert_clean("ChipClient", &debug(&ChipClient::new(Secret::new(CHIP_KEY)).unwrap()), &all);
}

#[test]
fn refused_credentials_are_not_echoed() {
    // Keys no provider can send (whitespace, newline, non-ASCII): every constructor refuses them.
    let unsendable = [
        "sk_personal_Hy7Tq2Lm9Xc4Vb8Nz1Pw6Rs3Kd5Fg0A j",
        "token-with-a-newline-Uy7\n",
        "token with spaces Re4Wq",
        "tökën-nön-ascii-Pl0Ok9",
    ];
    // Keys of the wrong MIEX shape (sendable, so only MIEX refuses them).
    let misshapen =
        ["sk_branch_only-twenty-chars-xx", "pk_tooShortPublicKey42", "sk_live_Hy7Tq2Lm9Xc4Vb8Nz1Pw6Rs3Kd5Fg0Aj"];
    let forbidden = text_forms(&[unsendable.map(str::trim).as_slice(), misshapen.as_slice()].concat());
    let base = "https://api.example.com/";
    let mut errors: Vec<Error> = Vec::new();
    for key in unsendable {
        let refused: [Option<Error>; 8] = [
            MiexClient::new(base, Secret::new(key)).err(),
            ChipClient::new(Secret::new(key)).err(),
            AbbeyCrossClient::new(base, Secret::new(key)).err(),
            BlazeClient::with_config(config(base), BlazeKeys::new(key, "ok-developer-key")).err(),
            BlazeClient::with_config(config(base), BlazeKeys::new("ok-partner-key", key)).err(),
            BitnobClient::with_config(config(base), BitnobAuth::legacy_bearer(Secret::new(key))).err(),
            BitnobSigner::new(key, Secret::new("s"), SigningScheme::ColonSeparatedHex).err().map(Error::from),
            Bearer::new(&Secret::new(key)).err().map(Error::from),
        ];
        for (i, e) in refused.into_iter().enumerate() {
            errors.push(e.unwrap_or_else(|| panic!("{key:?} accepted by constructor #{i}")));
        }
    }
    for key in misshapen {
        errors.push(MiexClient::new(base, Secret::new(key)).unwrap_err());
        errors.push(MiexApiKey::parse(Secret::new(key)).unwrap_err().into());
    }
    errors.push(BitnobSigner::new("client", Secret::new("   "), SigningScheme::ColonSeparatedHex).unwrap_err().into());
    for e in &errors {
        assert!(e.is_invalid_input(), "{e:?}");
        assert_clean("InvalidInput", &chain(e), &forbidden);
    }
}

// ----- secrets that come back in responses -------------------------------------------------------

#[test]
fn webhook_secrets_in_decoded_responses_never_print() {
    let miex: MiexWebhook = serde_json::from_value(fixture("miex/register_response.json")).unwrap();
    let created: CreatedWebhook = serde_json::from_value(fixture("bitnob/webhook_created.json")).unwrap();
    let rotated: RotatedSecret = serde_json::from_value(fixture("bitnob/rotate_secret.json")).unwrap();
    let abbey: RegisterWebhookResponse = serde_json::from_value(fixture("abbeycross/register_response.json")).unwrap();
    let secrets = [
        miex.secret_key.as_ref().unwrap().expose().to_owned(),
        created.signing_secret.as_ref().unwrap().expose().to_owned(),
        rotated.secret.expose().to_owned(),
        abbey.api_secret_key.as_ref().unwrap().expose().to_owned(),
    ];
    let forbidden: Vec<String> = secrets.iter().flat_map(|s| forms(s.as_bytes())).collect();

    assert_clean("MiexWebhook", &debug(&miex), &forbidden);
    assert_clean("MiexWebhook (json)", &[serde_json::to_string(&miex).unwrap()], &forbidden);
    assert_clean("CreatedWebhook", &debug(&created), &forbidden);
    assert_clean("RotatedSecret", &debug(&rotated), &forbidden);
    assert_clean("RegisterWebhookResponse", &debug(&abbey), &forbidden);
    assert_clean("RegisterWebhookResponse (json)", &[serde_json::to_string(&abbey).unwrap()], &forbidden);
    let request = hookbridge::abbeycross::RegisterWebhook::new(
        "https://example.com/fx".parse::<url::Url>().unwrap(),
        ["payment.completed"],
    );
    let registered = RegisteredWebhook::new(&request, abbey.clone());
    assert_clean("RegisteredWebhook", &debug(&registered), &forbidden);
    assert_clean("RegisteredWebhook (json)", &[serde_json::to_string(&registered).unwrap()], &forbidden);

    // The unified model and the adapters' provider-shaped endpoint.
    for endpoint in [
        hookbridge::Endpoint::from(miex.clone()),
        hookbridge::Endpoint::from(created.clone()),
        hookbridge::Endpoint::from(registered.clone()),
    ] {
        assert!(endpoint.secret.is_some());
        assert_clean("Endpoint", &debug(&endpoint), &forbidden);
        assert_clean("Endpoint (json)", &[serde_json::to_string(&endpoint).unwrap()], &forbidden);
    }
    let provider_endpoints = [
        ProviderEndpoint::from_typed(hookbridge::miex::PROVIDER, &miex)
            .and_then(|p| p.with_secret(miex.secret_key.clone().unwrap()))
            .unwrap(),
        ProviderEndpoint::from_typed(hookbridge::abbeycross::PROVIDER, &registered)
            .and_then(|p| p.with_secret(registered.api_secret_key.clone().unwrap()))
            .unwrap(),
        ProviderEndpoint::from_unified(&hookbridge::Endpoint::from(created.clone())).unwrap(),
    ];
    for endpoint in &provider_endpoints {
        assert!(endpoint.secret().is_some());
        assert_clean("ProviderEndpoint", &debug(endpoint), &forbidden);
        assert_clean("ProviderEndpoint (json)", &[endpoint.to_json().to_string()], &forbidden);
    }
}

/// A server answering every request with `template`, and a client of `provider` pointed at it.
async fn serve(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

fn clients(uri: &str) -> Vec<Box<dyn Webhook>> {
    let keys = BlazeKeys::new(Secret::new(BLAZE_PARTNER), Secret::new(BLAZE_DEVELOPER));
    let signer =
        BitnobSigner::new("client_hygiene", Secret::new(BITNOB_CLIENT_SECRET), SigningScheme::ColonSeparatedHex)
            .unwrap();
    vec![
        Box::new(MiexClient::with_config(config(uri), Secret::new(MIEX_KEY)).unwrap()),
        Box::new(BlazeClient::with_config(config(uri), keys).unwrap()),
        Box::new(BitnobClient::with_config(config(uri), BitnobAuth::legacy_bearer(Secret::new(BITNOB_KEY))).unwrap()),
        Box::new(BitnobClient::with_config(config(uri), signer).unwrap()),
        Box::new(AbbeyCrossClient::with_config(config(uri), Secret::new(ABBEY_TOKEN)).unwrap()),
        Box::new(ChipClient::with_config(config(uri), Secret::new(CHIP_KEY)).unwrap()),
    ]
}

fn spec(provider: ProviderId) -> hookbridge::EndpointSpec {
    let spec = hookbridge::EndpointSpec::new("https://example.com/hooks".parse::<url::Url>().unwrap());
    match provider {
        hookbridge::blaze::PROVIDER => spec,
        hookbridge::miex::PROVIDER => spec.event("order.created"),
        hookbridge::chip::PROVIDER => spec.name("Orders").event("purchase.paid"),
        _ => spec.event("payment.completed"),
    }
}

#[tokio::test]
async fn auth_failures_never_echo_the_credentials_sent() {
    let forbidden = text_forms(&[
        MIEX_KEY,
        BLAZE_PARTNER,
        BLAZE_DEVELOPER,
        BITNOB_KEY,
        BITNOB_CLIENT_SECRET,
        ABBEY_TOKEN,
        CHIP_KEY,
    ]);
    for (status, body) in
        [(401, "abbeycross/error_401.json"), (403, "blaze/error_403.json"), (401, "chip/error_401.json")]
    {
        let server = serve(ResponseTemplate::new(status).set_body_json(fixture(body))).await;
        for client in clients(&server.uri()) {
            let err = client.create(&spec(client.provider())).await.unwrap_err();
            assert!(err.is_auth(), "{err:?}");
            assert_clean("auth ApiError", &chain(&err), &forbidden);
        }
        // The header values that were actually sent (bearer tokens, HMAC signatures) are absent too.
        let sent: Vec<String> = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .flat_map(|r| {
                ["authorization", "x-api-key", "x-auth-signature"]
                    .into_iter()
                    .filter_map(|h| r.headers.get(h).map(|v| v.to_str().unwrap().to_owned()))
            })
            .collect();
        assert!(sent.len() >= 7, "{sent:?}");
        for client in clients(&server.uri()) {
            let err = client.create(&spec(client.provider())).await.unwrap_err();
            assert_clean("auth ApiError (header values)", &chain(&err), &sent);
        }
    }
}

#[tokio::test]
async fn undecodable_create_and_rotate_responses_redact_their_secret() {
    // A create or rotate response that fails to decode may still carry the one-time secret: the
    // decode error quotes the body, with secret-named values redacted (truncated bodies included).
    let cases: [(&str, &str); 4] = [
        ("miex/register_response.json", "secretKey"),
        ("bitnob/webhook_created.json", "signing_secret"),
        ("abbeycross/register_response.json", "apiSecretKey"),
        ("bitnob/rotate_secret.json", "signing_secret"),
    ];
    for (path, field) in cases {
        let full = serde_json::to_string(&fixture(path)).unwrap();
        let secret = fixture(path)[field].as_str().unwrap().to_owned();
        let at = full.find(&secret).unwrap();
        let bodies = [
            // Cut inside the secret, and just after it.
            full[..at + secret.len() / 2].to_owned(),
            full[..at + secret.len() + 1].to_owned(),
            // Complete JSON followed by garbage.
            format!("{full} trailing"),
            // Declared as text.
            full.clone(),
        ];
        for (i, body) in bodies.into_iter().enumerate() {
            let mime = if i == 3 { "text/plain" } else { "application/json" };
            let server = serve(ResponseTemplate::new(201).set_body_raw(body.clone(), mime)).await;
            let err = match path {
                "bitnob/rotate_secret.json" => {
                    let client = BitnobClient::with_config(
                        config(&server.uri()),
                        BitnobAuth::legacy_bearer(Secret::new(BITNOB_KEY)),
                    )
                    .unwrap();
                    Webhook::rotate_secret(&client, &EndpointId::new("wh_1").unwrap()).await.unwrap_err()
                }
                _ => {
                    let provider = match path {
                        "miex/register_response.json" => hookbridge::miex::PROVIDER,
                        "bitnob/webhook_created.json" => hookbridge::bitnob::PROVIDER,
                        _ => hookbridge::abbeycross::PROVIDER,
                    };
                    let client = clients(&server.uri()).into_iter().find(|c| c.provider() == provider).unwrap();
                    client.create(&spec(provider)).await.unwrap_err()
                }
            };
            let ctx = format!("{path} body #{i}");
            let Error::Decode(decode) = &err else { panic!("{ctx}: {err:?}") };
            if i < 3 {
                assert!(decode.excerpt.contains("[REDACTED]"), "{ctx}: {}", decode.excerpt);
            }
            // Not even the first 8 characters of the secret.
            assert_clean(&ctx, &chain(&err), &[secret.clone(), secret[..8].to_owned()]);
        }
    }
}

#[tokio::test]
async fn raw_bodies_kept_by_the_transport_print_redacted() {
    // `ApiError::raw` and `Response::body` keep the bytes as received (callers may need them);
    // printing either goes through the same redaction as decode-error excerpts.
    let secret = "whsec_conflict_Xy7Uv3Ts9Rq1";
    let body = serde_json::json!({"error": "conflict", "existing": {"id": "wh_1", "signing_secret": secret}});
    let server = serve(ResponseTemplate::new(409).set_body_json(body.clone())).await;
    let client =
        BitnobClient::with_config(config(&server.uri()), BitnobAuth::legacy_bearer(Secret::new(BITNOB_KEY))).unwrap();
    let err = client.webhooks().get("wh_1").await.unwrap_err();
    assert!(err.as_api().unwrap().raw.windows(secret.len()).any(|w| w == secret.as_bytes()), "raw is kept");
    assert_clean("ApiError", &chain(&err), &forms(secret.as_bytes()));

    let server = serve(ResponseTemplate::new(200).set_body_json(body)).await;
    let http = HttpClient::new(
        hookbridge::bitnob::PROVIDER,
        config(&server.uri()),
        Arc::new(Bearer::new(&Secret::new(BITNOB_KEY)).unwrap()),
    )
    .unwrap();
    let response = http.send(Request::get("get", ["webhooks", "wh_1"])).await.unwrap();
    assert_clean("Response", &debug(&response), &forms(secret.as_bytes()));
    assert_clean("Response", &debug(&response), &text_forms(&[BITNOB_KEY]));
}

// ----- receiver side: verification keys, signers, tokens, and their errors ----------------------

#[test]
fn verification_keys_signers_and_tokens_never_print() {
    let text = crate::fixture("verify/secrets.json")["miex"].as_str().unwrap().to_owned();
    let whsec_bytes: &[u8] = b"standard-webhooks-key-bytes-Rt5Yh";
    let whsec = format!("whsec_{}", base64(whsec_bytes, false));
    let whsec = whsec.as_str();
    let text = text.as_str();
    let raw_bytes: &[u8] = b"\x01\x02raw-key-bytes\xfe\xff-Jk8Lp3";

    let mut forbidden = forms(text.as_bytes());
    forbidden.extend(forms(whsec_bytes));
    forbidden.extend(forms(raw_bytes));
    forbidden.push(whsec.to_owned());

    let hmac_secrets = [
        HmacSecret::from_str_bytes(text).unwrap(),
        HmacSecret::from_standard_webhooks(whsec).unwrap(),
        HmacSecret::from_bytes(raw_bytes).unwrap(),
        HmacSecret::from_hex(&hex(raw_bytes)).unwrap(),
        HmacSecret::from_base64(&base64(raw_bytes, false)).unwrap(),
    ];
    for secret in &hmac_secrets {
        assert_clean("HmacSecret", &debug(secret), &forbidden);
        assert_clean(
            "HmacSigner",
            &debug(&HmacSigner::new(hookbridge::miex::delivery_scheme(), secret.clone())),
            &forbidden,
        );
        let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret.clone());
        assert_clean("HmacVerifier", &debug(&verifier), &forbidden);
    }
    let ring =
        hmac_secrets.iter().enumerate().fold(KeyRing::new(), |ring, (i, s)| ring.with(format!("k{i}"), s.clone()));
    assert_clean("KeyRing<HmacSecret>", &debug(&ring), &forbidden);
    let verifier = HmacVerifier::new(HmacScheme::stripe(), ring).unwrap();
    assert_clean("HmacVerifier (ring)", &debug(&verifier), &forbidden);
    let signer =
        HmacSigner::new(HmacScheme::stripe(), hmac_secrets[0].clone()).with_additional_secret(hmac_secrets[2].clone());
    assert_clean("HmacSigner (2 secrets)", &debug(&signer), &forbidden);
    let bridge = StandardWebhooksBridge::from_whsec(whsec).unwrap();
    assert_clean("StandardWebhooksBridge", &debug(&bridge), &forbidden);

    // URL tokens.
    let token = UrlToken::generate().unwrap();
    let stored = UrlToken::from_string("stored-token-Mn8Bv4Cx2Za6Sd1Fg5Hj").unwrap();
    let tokens = [token.expose_secret().to_owned(), stored.expose_secret().to_owned()];
    assert_clean("UrlToken", &debug(&token), &tokens);
    let ring = KeyRing::single("new", token.clone()).with("old", stored.clone());
    assert_clean("KeyRing<UrlToken>", &debug(&ring), &tokens);
    let verifier = UrlTokenVerifier::new("hb_token", ring).unwrap();
    assert_clean("UrlTokenVerifier", &debug(&verifier), &tokens);
    // A wrong token in the URI: the error names the parameter, never a token.
    let uri: hookbridge::core::reexports::http::Uri =
        "/hooks/blaze?hb_token=not-the-right-token-Qw3Er5Ty7".parse().unwrap();
    let err = verifier.verify_uri(&uri).unwrap_err();
    let mut with_offered = tokens.to_vec();
    with_offered.push("not-the-right-token-Qw3Er5Ty7".to_owned());
    assert_clean("VerifyError (token)", &chain(&err), &with_offered);

    // RSA: the private key never prints (only its public half, in the signer's Debug).
    let private_pem = std::fs::read_to_string(format!(
        "{}/crates/hookbridge-testkit/data/keys/rsa2048-private.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let private_lines: Vec<String> =
        private_pem.lines().filter(|l| !l.starts_with("-----") && l.len() > 16).map(str::to_owned).collect();
    assert!(private_lines.len() > 10);
    let rsa_signer = RsaSigner::from_pem(hookbridge::chip::delivery_scheme(), &private_pem).unwrap();
    assert_clean("RsaSigner", &debug(&rsa_signer), &private_lines);
    let public_pem = std::fs::read_to_string(format!(
        "{}/crates/hookbridge-testkit/data/keys/rsa2048-public-spki.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let rsa_verifier =
        RsaVerifier::with_key(hookbridge::chip::delivery_scheme(), RsaPublicKey::from_pem(&public_pem).unwrap());
    assert_clean("RsaVerifier", &debug(&rsa_verifier), &private_lines);
    // A damaged private key: the parse error carries no key material.
    let damaged = private_pem.replacen("MII", "MIX", 1);
    let err = RsaSigner::from_pem(hookbridge::chip::delivery_scheme(), &damaged).unwrap_err();
    assert_clean("KeyError (RSA private)", &chain(&err), &private_lines);
}

#[test]
fn verification_failures_never_print_the_secret_or_the_expected_signature() {
    let secret_text = "hygiene-hmac-secret-Po9Iu8Yt7";
    let secret = HmacSecret::from_str_bytes(secret_text).unwrap();
    let body = br#"{"event":"order.created","data":{"id":42}}"#;
    let ts = 1_700_000_000;
    for scheme in [
        hookbridge::miex::delivery_scheme(),
        hookbridge::bitnob::delivery_scheme(),
        HmacScheme::stripe(),
        HmacScheme::standard_webhooks(),
    ] {
        let signer = HmacSigner::new(scheme.clone(), secret.clone());
        let good = signer.sign(body, ts, Some("msg_1")).unwrap();
        // Every value the right signature could be printed as.
        let mut forbidden = forms(secret_text.as_bytes());
        forbidden.extend(good.values().map(|v| v.to_str().unwrap().to_owned()).filter(|v| v.len() > 20));
        forbidden.push(signer.signature_value(body, ts, Some("msg_1")).unwrap());
        let verifier = HmacVerifier::with_secret(scheme.clone(), secret.clone());
        // A tampered body, a wrong secret, a stale timestamp, a missing header.
        let wrong = HmacVerifier::with_secret(scheme.clone(), HmacSecret::from_str_bytes("another-secret").unwrap());
        let errors = [
            verifier.verify_at(b"{\"tampered\":true}", &good, ts).err(),
            wrong.verify_at(body, &good, ts).err(),
            verifier.verify_at(body, &good, ts + 86_400).err(),
            verifier.verify_at(body, &hookbridge::core::reexports::http::HeaderMap::new(), ts).err(),
        ];
        let errors: Vec<_> = errors.into_iter().flatten().collect();
        assert!(errors.len() >= 3, "{errors:?}");
        for err in &errors {
            assert_clean("VerifyError", &chain(err), &forbidden);
        }
    }
    // Refused key material: not echoed.
    for err in [
        HmacSecret::from_hex("zz-not-hex-secret-Gh5Jk6").unwrap_err(),
        HmacSecret::from_standard_webhooks("whsec_!!not-base64-Lm2Nb3").unwrap_err(),
        UrlToken::from_string("short-Vc4").unwrap_err(),
        UrlToken::from_string("has spaces in the token Xz9Wq8Er").unwrap_err(),
    ] {
        let offered =
            text_forms(&["zz-not-hex-secret-Gh5Jk6", "!!not-base64-Lm2Nb3", "short-Vc4", "has spaces in the token"]);
        assert_clean("KeyError", &chain(&err), &offered);
    }
}
