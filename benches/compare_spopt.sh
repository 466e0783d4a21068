#!/usr/bin/env bash
# planlint fix against PySAL spopt's LSCP on the same generated city with its streets
# (benches/thinned_city.sh: one community station in ten kept): the fewest new stations
# that bring every urban compound inside the service circle. spopt gets its distance
# matrix computed beforehand with SciPy on the same network (benches/spopt_lscp.py, the
# fair setting for it) and solves with PuLP's CBC; planlint's run is whole, from reading
# the plan to the fixed plan written and checked again. Prints both counts and times.
#
#   benches/compare_spopt.sh [N...]        # cities of N compounds, default 2000
#
# Environment: KEEP (default 10), TIME_LIMIT (both solvers', seconds, default 600),
# PLANLINT (the binary, default target/release/planlint, built when missing), WORK (default
# target/fix-bench). The venv target/spopt-venv is made on first use (pip install spopt
# numpy scipy shapely pyproj from PyPI).
set -euo pipefail

SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(2000)
KEEP=${KEEP:-10}
TIME_LIMIT=${TIME_LIMIT:-600}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PLANLINT:-$ROOT/target/release/planlint}
WORK=${WORK:-$ROOT/target/fix-bench}
VENV=$ROOT/target/spopt-venv
if [[ ! -x $BIN ]]; then
    (cd "$ROOT" && cargo build --release >&2)
fi
if [[ ! -x $VENV/bin/python ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q spopt numpy scipy shapely pyproj >&2
fi
mkdir -p "$WORK"

printf '%-9s %8s | %-28s | %-36s\n' compounds outside "planlint fix: sites, bound, s" "spopt LSCP: sites, status, solve s"
for n in "${SIZES[@]}"; do
    city=$WORK/city-$n
    "$ROOT/benches/thinned_city.sh" "$BIN" "$n" "$city" "$KEEP"
    # The compounds outside the circle, as the check finds them.
    # (The check exits 1: compounds fail.)
    "$BIN" check "$city" --select service-circle --format json --lang en -o "$WORK/check-$n.json" || [[ $? == 1 ]]
    python3 -c '
import json, sys
r = json.load(open(sys.argv[2]))
fails = [f for f in r["findings"] if f["rule"] == "service-circle" and f["status"] == "fail"]
required = [f["required"] for f in r["findings"] if f["rule"] == "service-circle" and isinstance(f["required"], (int, float))]
json.dump({"outside": [f["subject"]["id"] for f in fails], "max_distance": required[0],
           "working_crs": r["working_crs"]}, open(sys.argv[1], "w"))
' "$WORK/outside-$n.json" "$WORK/check-$n.json"
    out=$WORK/spopt-fixed-$n
    rm -rf "$out"
    start=$(date +%s.%N)
    "$BIN" fix "$city" -o "$out" --select service-circle --time-limit "$TIME_LIMIT" --lang en >/dev/null
    end=$(date +%s.%N)
    spopt=$("$VENV/bin/python" "$ROOT/benches/spopt_lscp.py" "$city" "$WORK/outside-$n.json" --time-limit "$TIME_LIMIT")
    python3 - "$out/report.json" "$n" "$start" "$end" "$spopt" "$WORK/outside-$n.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["remedy"]["sites"]
sp = json.loads(sys.argv[5])
outside = len(json.load(open(sys.argv[6]))["outside"])
seconds = float(sys.argv[4]) - float(sys.argv[3])
ours = f'{s["objective"]:.0f}, {s["bound"]:.0f}{" (optimal)" if s["optimal"] else ""}, {seconds:.1f}'
theirs = f'{sp["sites"]}, {sp["status"]}, {sp["solve_seconds"]:.1f} (matrix {sp["matrix_seconds"]:.1f})'
print(f'{sys.argv[2]:<9} {outside:>8} | {ours:<28} | {theirs:<36}')
PY
done
