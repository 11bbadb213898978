#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Outputs and the commit (docs/cli.md): run and pay write their files into
# DIR/.duixian-stage-PID, commit, then rename the files into DIR. With real
# faults and real signals:
#   - a failure before the commit (ulimit -f: a file too large, or the
#     COMMIT itself failing) leaves the ledger's head as it was, no
#     temporary and no file;
#   - a rename failing after the commit (the target a non-empty directory)
#     names the round and the restore command, and that command re-creates
#     files byte-identical to a twin run's on a copy of the ledger;
#   - SIGTERM/SIGINT/SIGHUP at points of a large run (examples/gen-applications.py)
#     leave no temporary at all; SIGKILL leaves the staging directory, which
#     the next command removes; the ledger is as before or fully after and
#     duixian verify passes;
#   - a process killed between its commit and its renames: the next command
#     says the round is committed and how to restore its files.
# usage: test-cli-outputs.sh DUIXIAN SOURCE_ROOT PYTHON3        (TAP output)
set -u
DX=$1 SRC=$2 PY=$3
R=$SRC/rules/wuchang-2022.yaml
A=$SRC/examples/applications-2022.csv
. "$SRC/tests/cli/tap.sh"

head_of() {   # the ledger's head, as duixian ledger prints it
    "$DX" ledger "$1" | sed -n 's/^head //p'
}
next_round() {   # a round's id is its header's seq: one more than the entries
    "$DX" verify "$1" | sed -n 's/.*ok, \([0-9]*\) entries.*/\1/p' | awk '{ print $1 + 1 }'
}
rounds_of() {
    "$DX" ledger "$1" | grep -c '^  round '
}
no_temps() {  # no staging directory and no NAME.tmp-PID in $1
    [ -z "$(find "$1" -name '.duixian-stage-*' -o -name '*.tmp-*' | head -1)" ] ||
        { find "$1" -name '.duixian-stage-*' -o -name '*.tmp-*' >&2; return 1; }
}
is_empty() {
    [ ! -e "$1" ] || [ -z "$(ls -A "$1")" ] || { ls -A "$1" >&2; return 1; }
}

L=$tmp/ledger.db
ok "round 1 commits" exit_code 0 "$DX" run "$R" "$A" --approval-date 2022-06-30 --ledger "$L" --out "$tmp/r1"
ok "… and leaves no temporary in its directory" no_temps "$tmp/r1"
ok "… ledger-head.txt is the ledger's head" sh -c "[ \"\$(cat '$tmp/r1/ledger-head.txt')\" = '$(head_of "$L")' ]"
H1=$(head_of "$L")

# ---- failures before the commit: ulimit -f, a real EFBIG (SIGXFSZ ignored) ----
# Raising the limit step by step, each attempt fails somewhere before the
# commit (the journal, a staged file, the COMMIT) until one fits; every
# failure must leave the head, no temporary and no file.
k=8 seen_file=0 seen_commit=0 bad=0
while [ $k -le 2000 ]; do
    out=$tmp/ulimit-$k
    sh -c "trap '' XFSZ; ulimit -f $k; exec \"\$@\"" sh "$DX" run "$R" "$A" --approval-date 2022-09-30 \
        --ledger "$L" --out "$out" >"$tmp/u.out" 2>"$tmp/u.err"
    rc=$?
    [ $rc -eq 0 ] && break
    grep -q 'File too large' "$tmp/u.err" && [ $rc -eq 4 ] && seen_file=$((seen_file + 1))
    grep -q 'cannot commit' "$tmp/u.err" && [ $rc -eq 5 ] && seen_commit=$((seen_commit + 1))
    if [ "$(head_of "$L")" != "$H1" ] || ! is_empty "$out" 2>/dev/null; then
        echo "# ulimit -f $k: exit $rc, head or files changed:" "$(ls -A "$out")"; sed 's/^/# /' "$tmp/u.err"
        bad=$((bad + 1))
    fi
    k=$((k + 8))
done
ok "ulimit -f: every failed attempt left the head and an empty output directory" [ $bad -eq 0 ]
ok "… some failed writing a staged file (exit 4, File too large)" [ $seen_file -gt 0 ]
ok "… some failed at the COMMIT itself, after every file was written (exit 5)" [ $seen_commit -gt 0 ]
ok "… and the one that fitted committed round 2, with its files" sh -c \
    "[ $rc -eq 0 ] && [ \$('$DX' ledger '$L' | grep -c '^  round ') = 2 ] && [ -s '$out/decisions.csv' ] &&
     [ \"\$(cat '$out/ledger-head.txt')\" = \"\$('$DX' ledger '$L' | sed -n 's/^head //p')\" ]"
ok "the ledger verifies" exit_code 0 "$DX" verify "$L"
chmod 0555 "$tmp/r1"
if [ ! -w "$tmp/r1" ]; then   # root writes anyway
    H=$(head_of "$L")
    ok "an output directory that cannot be written: exit 4 before anything is decided" \
        exit_code 4 "$DX" run "$R" "$A" --approval-date 2022-10-30 --ledger "$L" --out "$tmp/r1"
    ok "… the head unchanged" sh -c "[ \"\$('$DX' ledger '$L' | sed -n 's/^head //p')\" = '$H' ]"
fi
chmod 0755 "$tmp/r1"

# ---- a rename failing after the commit ----
cp "$L" "$tmp/twin.db"
id=$(next_round "$L")
O=$tmp/blocked
mkdir -p "$O/summary.json" && touch "$O/summary.json/keep"   # rename(2) of a file onto it fails
ok "a rename failing after the commit: exit 4" exit_code 4 "$DX" run "$R" "$A" --approval-date 2022-12-30 \
    --ledger "$L" --out "$O"
cp "$tmp/ec.err" "$tmp/blocked.err"
ok "… the message names the round and the restore command" has "$tmp/blocked.err" \
    "round $id of $L is committed" "restore them with: duixian report $R --ledger $L --round $id --out-dir $O"
ok "… the round is in the ledger" sh -c "[ \$('$DX' ledger '$L' | grep -c '^  round ') = 3 ]"
ok "… no temporary is left" no_temps "$O"
ok "… ledger-head.txt, put in place last, is not there" [ ! -e "$O/ledger-head.txt" ]
H=$(head_of "$L")
ok "the next run into that directory refuses (exit 4)" exit_code 4 "$DX" run "$R" "$A" --approval-date 2023-01-30 \
    --ledger "$L" --out "$O"
ok "… saying again what is committed and the restore command" has "$tmp/ec.err" "$O: round $id of $L is committed" \
    "restore them with: duixian report $R --ledger $L --round $id --out-dir $O"
ok "… committing nothing" sh -c "[ \"\$('$DX' ledger '$L' | sed -n 's/^head //p')\" = '$H' ]"
ok "… and leaving no note: it says so once" sh -c "[ -z \"\$(ls -A '$O' | grep '^\.')\" ]"
ok "a twin run on a copy of the ledger as it was" exit_code 0 "$DX" run "$R" "$A" --approval-date 2022-12-30 \
    --ledger "$tmp/twin.db" --out "$tmp/twin"
rm -r "$O/summary.json"
restore=$(sed -n 's/.*restore them with: duixian //p' "$tmp/blocked.err")
ok "the restore command the message gives runs" sh -c "'$DX' $restore"
for f in decisions.csv schedule.csv summary.json; do
    ok "… $f restored byte for byte as the twin run wrote it" cmp "$O/$f" "$tmp/twin/$f"
done
ok "the ledger verifies" exit_code 0 "$DX" verify "$L"

# ---- signals during a large run ----
"$PY" "$SRC/examples/gen-applications.py" 60000 "$tmp/big.csv" >/dev/null
BL=$tmp/big.db
ok "a large round 1" exit_code 0 "$DX" run "$R" "$tmp/big.csv" --approval-date 2022-06-30 --ledger "$BL" --out "$tmp/b1"
BH=$(head_of "$BL")

# Starts "$DX run" in the background with the default action for SIGINT
# (a non-interactive sh starts background jobs with SIGINT ignored, and
# duixian leaves an ignored signal ignored); sets $pid.
bg_run() {
    "$PY" -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
        "$DX" run "$@" >/dev/null 2>"$tmp/bg.err" &
    pid=$!
}
# Waits until $1/.duixian-stage-$pid/$2 exists, or the run ended.
wait_for() {   # no other bound: the run ends
    while [ ! -e "$1/.duixian-stage-$pid/$2" ]; do
        kill -0 $pid 2>/dev/null || { echo "# the run ended before $2 appeared" >&2; break; }
    done
}
# The signal is sent to a stopped run (SIGSTOP once the file appears, then
# the signal, then SIGCONT), so that where it lands is known: stopped with
# the file still there and before the run's note (.commit, written just
# before the COMMIT), the run must die of it with nothing committed. Past
# the note (the shell was slow to stop it), signals are held until the
# files are in place: the round is either not committed, or committed with
# all its files. Either way no temporary may be left.
check_outcome() {   # $1 signal, $2 where, $3 rc, $4 1 when it stopped before its note with $2 still there
    now=$(head_of "$BL")
    if [ "$now" = "$BH" ]; then
        ok "SIG$1 at $2: the run dies of it, committing nothing" [ "$3" -gt 128 ]
        ok "… no temporary is left, before any other command" no_temps "$tmp/s"
        ok "… no file either" is_empty "$tmp/s"
    else
        # only when it got past its note before it stopped (a loaded machine)
        ok "SIG$1 at $2, stopped only after its note: committed, so it finished first" [ "$4" = 0 ]
        ok "… no temporary is left, before any other command" no_temps "$tmp/s"
        ok "… with all its files, ledger-head.txt the new head" sh -c "[ -s '$tmp/s/decisions.csv' ] &&
            [ -s '$tmp/s/summary.json' ] && [ \"\$(cat '$tmp/s/ledger-head.txt')\" = '$now' ]"
        BH=$now
    fi
}
for sig in TERM INT HUP; do
    for at in "" "decisions.csv.tmp-" "schedule.csv"; do
        rm -rf "$tmp/s"
        bg_run "$R" "$tmp/big.csv" --approval-date 2022-09-30 --ledger "$BL" --out "$tmp/s"
        # a file being written ends in the pid
        f=$at$([ "$at" = decisions.csv.tmp- ] && echo $pid)
        wait_for "$tmp/s" "$f"
        kill -STOP $pid 2>/dev/null
        before=0
        [ -e "$tmp/s/.duixian-stage-$pid/$f" ] && [ ! -e "$tmp/s/.duixian-stage-$pid/.commit" ] && before=1
        [ $before = 1 ] || echo "# SIG$sig: the run was past $f or its note when it stopped"
        kill -$sig $pid 2>/dev/null
        kill -CONT $pid 2>/dev/null
        wait $pid
        check_outcome $sig "${at:-the staging directory's creation}" $? $before
    done
done
ok "the ledger verifies after the signals" exit_code 0 "$DX" verify "$BL"

# SIGKILL cannot be caught: the staging directory stays, the next command
# removes it. On a loaded machine the shell may miss the moment: a run that
# finished first is simply its round; try again (the last tries aim at the
# staging directory alone, a wider window).
try=1
while :; do
    nr=$(rounds_of "$BL")
    rm -rf "$tmp/s"
    bg_run "$R" "$tmp/big.csv" --approval-date 2022-09-30 --ledger "$BL" --out "$tmp/s"
    if [ $try -le 3 ]; then wait_for "$tmp/s" "decisions.csv.tmp-$pid"; else wait_for "$tmp/s" ""; fi
    kill -KILL $pid; wait $pid
    [ -d "$tmp/s/.duixian-stage-$pid" ] || [ $try -ge 5 ] && break
    echo "# SIGKILL try $try: the run finished first"
    BH=$(head_of "$BL") try=$((try + 1))
done
ok "SIGKILL while decisions.csv is written (or earlier): its staging directory stays" [ -d "$tmp/s/.duixian-stage-$pid" ]
ok "… the ledger's head is as before" sh -c "[ \"\$('$DX' ledger '$BL' | sed -n 's/^head //p')\" = '$BH' ]"
ok "the next run into that directory succeeds" exit_code 0 "$DX" run "$R" "$tmp/big.csv" --approval-date 2022-09-30 \
    --ledger "$BL" --out "$tmp/s"
ok "… saying it removed the dead process's temporaries" has "$tmp/ec.err" \
    "removed the temporary files of process $pid, which is not running"
ok "… and leaves none" no_temps "$tmp/s"
ok "… the ledger holds one round more, not two" sh -c "[ \$('$DX' ledger '$BL' | grep -c '^  round ') = $((nr + 1)) ]"
ok "the ledger verifies" exit_code 0 "$DX" verify "$BL"
BH=$(head_of "$BL")

# a stray NAME.tmp-PID of a dead process (report --out-dir writes in place)
sh -c 'exit 0' & dead=$!; wait $dead
echo half > "$tmp/s/decisions.csv.tmp-$dead"
ok "report --out-dir removes a dead process's NAME.tmp-PID" exit_code 0 "$DX" report "$R" --ledger "$BL" --round 1 \
    --out-dir "$tmp/s"
ok "… none is left" no_temps "$tmp/s"

# ---- killed between the commit and the renames ----
# The window is a few renames long: catch a run as its note (written just
# before the COMMIT) appears, SIGSTOP it, then SIGKILL it. It died before,
# during or after the COMMIT; either way the next command must agree with
# the ledger.
nr=$(rounds_of "$BL") id=$(next_round "$BL")
rm -rf "$tmp/c"
bg_run "$R" "$tmp/big.csv" --approval-date 2022-12-30 --ledger "$BL" --out "$tmp/c"
wait_for "$tmp/c" .commit
kill -STOP $pid; kill -KILL $pid; wait $pid
"$DX" run "$R" "$A" --approval-date 2023-01-30 --ledger "$BL" --out "$tmp/c" >"$tmp/c.out" 2>"$tmp/c.err"
rc=$?
if [ "$(rounds_of "$BL")" = $((nr + 1)) ] && [ ! -e "$tmp/c/ledger-head.txt" ]; then
    ok "killed after its COMMIT: the next run refuses (exit 4) and commits nothing" \
        sh -c "[ $rc = 4 ] && [ \$('$DX' ledger '$BL' | grep -c '^  round ') = $((nr + 1)) ]"
    ok "… naming round $id and the restore command" has "$tmp/c.err" "round $id of $BL is committed" \
        "duixian report $R --ledger $BL --round $id --out-dir $tmp/c"
else
    ok "killed before its COMMIT (or after its files): the next run goes on" [ "$rc" = 0 ]
    ok "… (the other outcome is checked below, with a note laid out by hand)" true
fi
ok "… no temporary is left" no_temps "$tmp/c"
ok "the ledger verifies" exit_code 0 "$DX" verify "$BL"

# The same, deterministic: a staging directory of a dead process whose note
# names the head the ledger has now (so its COMMIT happened), or a head no
# entry has (so it did not).
note() {   # $1 directory, $2 head: a note as dx_cli_stage_note_commit() writes it
    sh -c 'exit 0' & dead=$!; wait $dead
    mkdir -p "$1/.duixian-stage-$dead"
    echo partial > "$1/.duixian-stage-$dead/decisions.csv"
    printf '[commit]\nledger=%s\nhead=%s\nwhat=round 9 of %s\nrestore=restore them with: duixian report %s --ledger %s --round 9 --out-dir %s\n' \
        "$BL" "$2" "$BL" "$R" "$BL" "$1" > "$1/.duixian-stage-$dead/.commit"
    echo $dead
}
nr=$(rounds_of "$BL")
dead=$(note "$tmp/d" "$(head_of "$BL")")
ok "a dead process's note whose head the ledger has: run refuses, exit 4" exit_code 4 "$DX" run "$R" "$A" \
    --approval-date 2023-02-28 --ledger "$BL" --out "$tmp/d"
ok "… naming what is committed and the restore command" has "$tmp/ec.err" "process $dead stopped" \
    "round 9 of $BL is committed" "restore them with: duixian report $R --ledger $BL --round 9 --out-dir $tmp/d"
ok "… committing nothing" sh -c "[ \$('$DX' ledger '$BL' | grep -c '^  round ') = $nr ]"
ok "… and removing the temporaries" no_temps "$tmp/d"
ok "… so that the run after it goes on" exit_code 0 "$DX" run "$R" "$A" --approval-date 2023-02-28 --ledger "$BL" \
    --out "$tmp/d"
dead=$(note "$tmp/e" 0000000000000000000000000000000000000000000000000000000000000000)
ok "a dead process's note whose head no entry has (it died before its COMMIT): run goes on" exit_code 0 "$DX" run \
    "$R" "$A" --approval-date 2023-03-30 --ledger "$BL" --out "$tmp/e"
ok "… only saying it removed the temporaries" sh -c "! grep -q committed '$tmp/ec.err' && grep -q 'process $dead' '$tmp/ec.err'"
ok "… none is left" no_temps "$tmp/e"
ok "the ledger verifies" exit_code 0 "$DX" verify "$BL"

# ---- pay: the same order ----
P=$tmp/pay.db
cp "$SRC/tests/data/ledger/wuchang-2022-v3.db" "$P"
ok "pay through 2000-01-01 pays nothing (and migrates the ledger of 0.1)" exit_code 0 "$DX" pay "$R" --ledger "$P" \
    --through 2000-01-01 --out "$tmp/p0"
PH=$(head_of "$P")
k=8 seen=0 bad=0
while [ $k -le 400 ]; do
    out=$tmp/pay-$k
    sh -c "trap '' XFSZ; ulimit -f $k; exec \"\$@\"" sh "$DX" pay "$R" --ledger "$P" --through 2022-12-31 \
        --out "$out" >/dev/null 2>"$tmp/u.err"
    rc=$?
    [ $rc -eq 0 ] && break
    grep -q 'File too large' "$tmp/u.err" && [ $rc -eq 4 ] && seen=$((seen + 1))
    if [ "$(head_of "$P")" != "$PH" ] || ! is_empty "$out" 2>/dev/null; then
        echo "# pay, ulimit -f $k: exit $rc, head or files changed"; bad=$((bad + 1))
    fi
    k=$((k + 4))
done
ok "pay under ulimit -f: every failed attempt left the head and an empty directory" [ $bad -eq 0 ]
ok "… some failed writing payments.csv (exit 4)" [ $seen -gt 0 ]
ok "… the one that fitted paid, with its files and no temporary" sh -c "[ $rc = 0 ] && [ -s '$out/payments.csv' ] &&
    [ -s '$out/payments.json' ] && [ -z \"\$(ls -A '$out' | grep -v '^payments' | grep -v '^treasury-')\" ]"
cp "$SRC/tests/data/ledger/wuchang-2022-v3.db" "$P"
mkdir -p "$tmp/pb/payments.json" && touch "$tmp/pb/payments.json/keep"
ok "pay: a rename failing after the commit: exit 4" exit_code 4 "$DX" pay "$R" --ledger "$P" --through 2022-12-31 \
    --out "$tmp/pb"
ok "… the message says the payment run is committed" has "$tmp/ec.err" \
    "the payment run through 2022-12-31 (ledger entry" "is committed, but its files are not all in place" \
    "no command re-creates a payment run's files yet; do not pay through 2022-12-31 again"
ok "… the next pay into that directory says it again and refuses (exit 4)" exit_code 4 "$DX" pay "$R" --ledger "$P" \
    --through 2022-12-31 --out "$tmp/pb"
ok "… naming the payment run" has "$tmp/ec.err" "$tmp/pb: the payment run through 2022-12-31 (ledger entry"
ok "… it is: the same date again pays nothing" sh -c "'$DX' pay '$R' --ledger '$P' --through 2022-12-31 --out '$tmp/pc' &&
    [ \$(wc -l < '$tmp/pc/payments.csv') = 1 ]"
ok "… no temporary is left" no_temps "$tmp/pb"
ok "the ledger verifies" exit_code 0 "$DX" verify "$P"

echo "1..$n"
[ "$failed" -eq 0 ]
