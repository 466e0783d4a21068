#!/usr/bin/env bash
# planlint fix's site choice on generated cities whose stations are thinned: how many new
# stations the integer program chooses, the solver's bound, the gap, whether it is proven,
# greedy's count, and the whole run's wall time (reading to the fixed plan written and
# checked again).
#
#   benches/fix_sites.sh [N...]        # cities of N compounds with streets, default 10000
#
# Environment: KEEP (keep one station or day-care centre in KEEP, default 10), TIME_LIMIT
# (the solver's, seconds, default 60), PLANLINT (the binary, default target/release/planlint,
# built with cargo when missing), WORK (where the cities go, default target/fix-bench).
set -euo pipefail

SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(10000)
KEEP=${KEEP:-10}
TIME_LIMIT=${TIME_LIMIT:-60}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PLANLINT:-$ROOT/target/release/planlint}
WORK=${WORK:-$ROOT/target/fix-bench}
if [[ ! -x $BIN ]]; then
    (cd "$ROOT" && cargo build --release >&2)
fi
mkdir -p "$WORK"

printf '%-8s %9s %8s %8s %7s %8s %8s %9s\n' compounds outside sites bound gap optimal greedy seconds
for n in "${SIZES[@]}"; do
    city=$WORK/city-$n
    "$ROOT/benches/thinned_city.sh" "$BIN" "$n" "$city" "$KEEP"
    out=$WORK/fixed-$n
    rm -rf "$out"
    start=$(date +%s.%N)
    "$BIN" fix "$city" -o "$out" --select service-circle --time-limit "$TIME_LIMIT" --lang en >/dev/null
    end=$(date +%s.%N)
    before=$("$BIN" check "$city" --select service-circle --format json --lang en | python3 -c \
        'import json,sys; print(sum(f["status"]=="fail" for f in json.load(sys.stdin)["findings"]))' || true)
    python3 - "$out/report.json" "$n" "$before" "$start" "$end" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["remedy"]["sites"] or {"objective": 0, "bound": 0, "optimal": True, "greedy": 0}
gap = (s["objective"] - s["bound"]) / s["objective"] if s["objective"] else 0.0
print(f'{sys.argv[2]:<8} {sys.argv[3]:>9} {s["objective"]:>8.0f} {s["bound"]:>8.0f} {gap:>6.1%} '
      f'{str(s["optimal"]).lower():>8} {s["greedy"]:>8} {float(sys.argv[5]) - float(sys.argv[4]):>9.2f}')
EOF
done
