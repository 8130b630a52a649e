#!/usr/bin/env python3
"""Prints the ratio table of docs/PERFORMANCE.md from criterion's results.

Run after `cargo bench -p hookbridge-bench` (and the `--features aws-lc` RSA run):

    python3 crates/hookbridge-bench/ratios.py [target/criterion]

Every ratio divides two medians of the SAME criterion group, i.e. of the same run. Missing
results are shown as `-`.
"""

import json
import sys
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def median_ns(group: str, function: str):
    """Median time per iteration in ns, or None. Criterion flattens '/' in group names to '_'."""
    path = ROOT / group.replace("/", "_") / function / "new" / "estimates.json"
    try:
        return json.loads(path.read_text())["median"]["point_estimate"]
    except (OSError, KeyError, ValueError):
        return None


def fmt_time(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}×"


def row(what, target, value, times):
    print(f"| {what} | {target} | {value} | {times} |")


print("| comparison | target | ratio | medians |")
print("|---|---|---|---|")
for preset in ["miex", "bitnob", "standard_webhooks"]:
    for size in ["1KiB", "64KiB"]:
        g = f"hmac_verify/{preset}/{size}"
        hb, bare, svix = median_ns(g, "hookbridge"), median_ns(g, "bare_hmac_sha256"), median_ns(g, "svix")
        row(f"HMAC {preset} {size}: hookbridge throughput / bare HMAC-SHA256", "≥ 0.90×", ratio(bare, hb),
            f"{fmt_time(hb)} vs {fmt_time(bare)}")
        if svix is not None:
            row(f"HMAC {preset} {size}: hookbridge throughput / svix", "≥ 1.0×", ratio(svix, hb),
                f"{fmt_time(hb)} vs {fmt_time(svix)}")
for backend, label, target in [("rsa_crate", "default backend", "≥ 0.95×"), ("aws_lc", "aws-lc backend", "≥ 2.5×")]:
    for bits in ["2048", "4096"]:
        g = f"rsa_verify/{backend}/{bits}"
        hb, bare_rsa, bare_lc = median_ns(g, "hookbridge"), median_ns(g, "bare_rsa_crate"), median_ns(g, "bare_aws_lc")
        row(f"RSA-{bits} {label}: hookbridge speed / bare `rsa` crate", target, ratio(bare_rsa, hb),
            f"{fmt_time(hb)} vs {fmt_time(bare_rsa)}")
        row(f"RSA-{bits} {label}: hookbridge speed / bare aws-lc", "(anchor)", ratio(bare_lc, hb),
            f"{fmt_time(hb)} vs {fmt_time(bare_lc)}")
g = "client_get"
u, t, r = median_ns(g, "unified_get"), median_ns(g, "typed_get"), median_ns(g, "reqwest_get")
row("client get: unified time / hand-written reqwest time", "≤ 1.10×", ratio(u, r), f"{fmt_time(u)} vs {fmt_time(r)}")
row("client get: typed BLAZE time / hand-written reqwest time", "(info)", ratio(t, r), f"{fmt_time(t)} vs {fmt_time(r)}")
g = "paginate_100k"
u, r = median_ns(g, "unified_list_http"), median_ns(g, "reqwest_loop_http")
row("100 000 endpoints over HTTP: unified list time / reqwest loop time", "(info)", ratio(u, r),
    f"{fmt_time(u)} vs {fmt_time(r)}")
p, l = median_ns(g, "paginate_in_process"), median_ns(g, "loop_in_process")
row("100 000 items in process: core paginate time / plain loop time", "(info)", ratio(p, l),
    f"{fmt_time(p)} vs {fmt_time(l)}")
g = "chip_purchase_parse"
d, p, v = median_ns(g, "chip_delivery"), median_ns(g, "purchase_typed"), median_ns(g, "serde_json_value")
row("CHIP Purchase: `ChipDelivery::from_slice` time / `serde_json::Value` time", "(info)", ratio(d, v),
    f"{fmt_time(d)} vs {fmt_time(v)}")
row("CHIP Purchase: typed `Purchase` time / `serde_json::Value` time", "(info)", ratio(p, v),
    f"{fmt_time(p)} vs {fmt_time(v)}")
