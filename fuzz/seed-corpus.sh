#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the repository's fixtures (fuzz/corpus is git-ignored).
# Usage: fuzz/seed-corpus.sh   (from anywhere; needs python3 for the verify_headers seeds)
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../crates/hookbridge-testkit/data

seed() { # seed <target> <files...>
  local target=$1; shift
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "corpus/$target/$(basename "$(dirname "$f")")-$(basename "$f")"
  done
}

# Provider response decoders: every JSON fixture of the provider (responses, pages, errors,
# drift samples). Requests are included too: they are near-misses worth mutating.
seed miex_response "$fixtures"/miex/*.json
seed blaze_response "$fixtures"/blaze/*.json
seed bitnob_response "$fixtures"/bitnob/*.json
seed abbeycross_response "$fixtures"/abbeycross/*.json
seed chip_response "$fixtures"/chip/*
seed chip_delivery "$fixtures"/chip/purchase_*.json "$fixtures"/chip/payment_*.json \
  "$fixtures"/chip/payout_*.json "$fixtures"/verify/chip-*.body

# Key parsing: PEM and DER keys (public and private).
seed rsa_key "$fixtures"/keys/*

# verify_body: the signed sample bodies, plus the body the target signs itself.
seed verify_body "$fixtures"/verify/*.body
printf '%s' '{"event":"order.created","data":{"id":42,"amount":"10.00"}}' > corpus/verify_body/signed-body

# url_token: query strings and callback URLs.
mkdir -p corpus/url_token
printf '%s' 'shop=42&hb_token=fuzzTOKEN_0123456789abcdefghijklmnop' > corpus/url_token/query-valid
printf '%s' 'hb_token=a&hb_token=b' > corpus/url_token/query-repeated
printf '%s' 'https://app.example/hooks/blaze?shop=42#frag' > corpus/url_token/callback-base
printf '%s' '/hooks/blaze?hb_token=fuzzOLD-token.0123456789~abcdefghij' > corpus/url_token/uri-old-token
printf '%s' 'fuzzTOKEN_0123456789abcdefghijklmnop' > corpus/url_token/token

# verify_headers: each signed sample as "name: value" lines, "@now: <verify_at>", an empty
# line, then the raw body (the format parse_request in fuzz/src/lib.rs reads).
mkdir -p corpus/verify_headers
python3 - "$fixtures/verify" corpus/verify_headers <<'PY'
import json, pathlib, sys
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for meta in sorted(src.glob("*.json")):
    sample = json.loads(meta.read_text())
    if "headers" not in sample:
        continue
    head = [f"@now: {sample.get('verify_at', 1735689600)}"]
    head += [f"{name}: {value}" for name, value in sample["headers"].items()]
    body = (src / sample["body_file"]).read_bytes()
    (dst / meta.stem).write_bytes("\n".join(head).encode() + b"\n\n" + body)
PY

# Inputs that once failed a target (see README "Findings"), kept as regression seeds.
for d in regressions/*/; do
  t=$(basename "$d"); mkdir -p "corpus/$t"; cp "$d"* "corpus/$t/"
done

for d in corpus/*/; do printf '%-22s %s files\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"; done
