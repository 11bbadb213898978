#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every engine once on the workload of N applications and compares each
# output with ref.py's, byte for byte.
#
#   tests/bench/peers/verify.sh N [BUILD_DIR]
#
# BUILD_DIR (default: build at the top of the repository) holds
# tests/bench/dx-peers; without it, duixian is left out and the peers are
# still compared. The workload is generated if missing, in $PEERS_DATA
# (default: data next to this script); outputs go to $PEERS_OUT (default:
# out next to this script). npm install runs if node_modules is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
N=${1:?usage: tests/bench/peers/verify.sh N [BUILD_DIR]}
B=${2:-$root/build}
D=${PEERS_DATA:-$here/data}
O=${PEERS_OUT:-$here/out}

[ -d "$here/node_modules" ] || (cd "$here" && npm install --no-audit --no-fund >/dev/null)
[ -f "$D/apps-$N.jsonl" ] && [ -f "$D/apps-$N.csv" ] || python3 "$here/gen.py" "$N" --out "$D"
mkdir -p "$O"

python3 "$here/ref.py" "$D/apps-$N.jsonl" "$O/ref-$N.csv"
engines="zen zen-batch jre"
node "$here/zen.js" "$D/apps-$N.jsonl" "$O/zen-$N.csv"
node "$here/zen.js" "$D/apps-$N.jsonl" "$O/zen-batch-$N.csv" --batch 1000
node "$here/jre.js" "$D/apps-$N.jsonl" "$O/jre-$N.csv"
dx=$B/tests/bench/dx-peers
if [ -x "$dx" ]; then
  rules=$root/rules/bench-peers-20.yaml
  "$dx" "$rules" "$D/apps-$N.csv" "$O/duixian-$N.csv"
  "$dx" "$rules" "$D/apps-$N.csv" "$O/duixian-t2-$N.csv" --threads 2
  "$dx" "$rules" "$D/apps-$N.csv" "$O/duixian-stream-$N.csv" --block 65536
  engines="duixian duixian-t2 duixian-stream $engines"
else
  echo "no $dx: duixian left out (give BUILD_DIR)"
fi

status=0
for e in $engines; do
  if cmp -s "$O/ref-$N.csv" "$O/$e-$N.csv"; then
    echo "$e: identical to ref.py on all $N applications"
  else
    echo "$e: DIFFERS from ref.py (diff $O/ref-$N.csv $O/$e-$N.csv)"
    status=1
  fi
done
awk -F, 'NR > 1 { n++; e += $2; s += $3 } END { printf "ref.py: %d applications, %d eligible, %.2f yuan awarded\n", n, e, s / 100 }' "$O/ref-$N.csv"
exit $status
