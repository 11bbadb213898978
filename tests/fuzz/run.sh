#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs the libFuzzer harnesses of a -Dfuzzing=true build, one after another.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]
#
# HARNESS is ruleset, expr, csv or app-yaml (default: all four). Each runs
# for SECONDS (0 = no time limit; set FUZZ_RUNS to stop after that many
# executions instead) from a corpus in $FUZZ_WORK/<harness> (default
# BUILD_DIR/fuzz-work), seeded from rules/, examples/ and tests/ by
# make-corpus.py, plus regressions/<harness>. A crash, leak, timeout (> 10 s for one input) or
# out-of-memory (> 2 GiB) stops the run with a nonzero exit and leaves the
# input as $FUZZ_WORK/crash-*, oom-*, timeout-* or leak-*. Extra libFuzzer
# flags can be passed in FUZZ_FLAGS. Exit status: 0 if every harness ended
# cleanly.
set -eu
build=$1; secs=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${FUZZ_WORK:-$build/fuzz-work}
[ $# -gt 0 ] || set -- ruleset expr csv app-yaml
mkdir -p "$work"
[ -d "$work/seed" ] || python3 "$here/make-corpus.py" "$root" "$work/seed" >/dev/null
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
for h in "$@"; do
    mkdir -p "$work/$h"
    set -- -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/"
    [ ! -f "$here/$h.dict" ] || set -- "$@" -dict="$here/$h.dict"
    [ "$secs" = 0 ] || set -- "$@" -max_total_time="$secs"
    [ -z "${FUZZ_RUNS:-}" ] || set -- "$@" -runs="$FUZZ_RUNS"
    # shellcheck disable=SC2086
    set -- "$@" ${FUZZ_FLAGS:-}
    # The first directory collects the corpus; the seeds and the inputs that
    # once crashed (regressions/<harness>) are run first, every time.
    set -- "$@" "$work/$h" "$work/seed/$h"
    [ ! -d "$here/regressions/$h" ] || set -- "$@" "$here/regressions/$h"
    echo "== fuzz-$h ${secs}s${FUZZ_RUNS:+ runs=$FUZZ_RUNS}"
    if "$build/tests/fuzz/fuzz-$h" "$@" >"$work/$h.log" 2>&1; then
        grep -E '^stat::number_of_executed_units|^Done' "$work/$h.log" || true
    else
        status=1
        echo "fuzz-$h FAILED; last lines of $work/$h.log:"
        grep -E 'ERROR|SUMMARY|runtime error|Test unit written|assertion|No such' "$work/$h.log" | head -20
    fi
done
exit $status
