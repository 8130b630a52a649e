//! `hookbridge tour` runs every step and exits 0.

use crate::common::run;

#[tokio::test]
async fn the_tour_succeeds_and_reports_every_step() {
    let out = run(&["tour"]).await.expect(0);
    for step in 1..=7 {
        assert!(out.stdout.contains(&format!("[{step}/7] ")), "step {step} missing:\n{}", out.stdout);
    }
    assert!(out.stdout.contains("All 7 steps succeeded"), "{}", out.stdout);
    assert!(!out.stdout.contains("  FAILED  ") && !out.stdout.contains("  skipped  "), "{}", out.stdout);
    // Every provider registered through the trait and had a delivery verified.
    for provider in ["MIEX", "BLAZE", "Bitnob", "AbbeyCross", "CHIP Collect"] {
        let ok_rows = out.stdout.lines().filter(|l| l.trim_start().starts_with(provider) && l.contains(" ok ")).count();
        assert!(ok_rows >= 3, "{provider}: {ok_rows} ok rows\n{}", out.stdout);
    }
    assert!(out.stdout.contains("verified with key `current`"), "{}", out.stdout);
    // BLAZE's URL token is a secret: the endpoint table redacts it.
    assert!(out.stdout.contains("hb_token=<redacted>"), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}
