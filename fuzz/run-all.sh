#!/usr/bin/env bash
# Builds every target and runs each for SECS seconds (default 25), one after the other.
# Logs go to fuzz/target/fuzz-logs/<target>.log; a summary line per target is printed.
# Usage: fuzz/run-all.sh            SECS=120 fuzz/run-all.sh
set -uo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
secs=${SECS:-25}
[ -d corpus ] || ./seed-corpus.sh >/dev/null
cargo fuzz build || exit 1
mkdir -p target/fuzz-logs
status=0
for t in $(cargo fuzz list); do
  log=target/fuzz-logs/$t.log
  if cargo fuzz run "$t" -- -max_total_time="$secs" >"$log" 2>&1; then
    echo "$t: ok ($(grep -m1 '^Done' "$log"))"
  else
    status=1
    echo "$t: FAILED — see $log and fuzz/artifacts/$t/"
  fi
done
exit $status
