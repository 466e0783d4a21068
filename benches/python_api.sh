#!/usr/bin/env bash
# What the Python API costs over the command: the same generated city checked by the
# `planlint` binary (`planlint check CITY --format json -o FILE`) and by the wheel's module
# from a fresh interpreter (`python -c "import planlint; planlint.check(CITY).write(FILE)"`),
# end to end (process start to the JSON report written), the two taking turns; median wall
# time and peak memory of each, and the ratio.
#
#   benches/python_api.sh [N] [--roads]        # N compounds, default 10000
#
# Environment: RUNS (timed runs each, default 7), WHEEL (the wheel to install, default the
# newest in target/wheels, built by `bash .ci/wheel` when there is none), PYTHON (default
# python3), KEEP=1 (keep the city). The venv lives in target/api-venv.
set -euo pipefail

N=10000
ROADS=()
for arg in "$@"; do
    case "$arg" in
        --roads) ROADS=(--roads) ;;
        ''|*[!0-9]*) echo "usage: $0 [N] [--roads]" >&2; exit 2 ;;
        *) N=$arg ;;
    esac
done
RUNS=${RUNS:-7}
PYTHON=${PYTHON:-python3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

WHEEL=${WHEEL:-$(ls -t target/wheels/*.whl 2>/dev/null | head -n 1 || true)}
if [[ -z $WHEEL ]]; then
    bash .ci/wheel >&2
    WHEEL=$(ls -t target/wheels/*.whl | head -n 1)
fi
VENV=$ROOT/target/api-venv
if [[ ! -x $VENV/bin/python ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WHEEL" >&2
"$VENV/bin/python" -m pip install -q --disable-pip-version-check pandas >&2
BIN=$VENV/bin/planlint
PY=$VENV/bin/python
echo "$("$BIN" --version) from $(basename "$WHEEL"); $("$PY" --version)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/planlint-api.XXXXXX")
if [[ ${KEEP:-0} != 1 ]]; then
    trap 'rm -rf "$WORK"' EXIT
fi
CITY=$WORK/city
"$BIN" synth --compounds "$N" "${ROADS[@]}" --out "$CITY" >&2

# run NAME CMD…: one timed run, "wall_s peak_kib" appended to NAME.times; exit 1 (failing
# findings, which a generated city has) is not an error.
run() {
    local name=$1; shift
    local rc=0
    /usr/bin/time -f '%e %M' -o "$WORK/$name.one" "$@" >/dev/null 2>"$WORK/$name.err" || rc=$?
    if (( rc > 1 )); then echo "failed ($rc): $*" >&2; cat "$WORK/$name.err" >&2; exit 1; fi
    tail -n 1 "$WORK/$name.one" >>"$WORK/$name.times"
}
CLI=("$BIN" check "$CITY" --format json --lang zh -o "$WORK/cli.json")
API=("$PY" -c 'import sys, planlint; planlint.check(sys.argv[1]).write(sys.argv[2], "json")' "$CITY" "$WORK/api.json")
run warm "${CLI[@]}"; run warm "${API[@]}"
for ((i = 1; i <= RUNS; i++)); do
    run cli "${CLI[@]}"
    run api "${API[@]}"
done
cmp -s "$WORK/cli.json" "$WORK/api.json" && same="the same report" || same="REPORTS DIFFER"
# In a running interpreter (a notebook's kernel): the call alone, RUNS times after one.
"$PY" - "$CITY" "$WORK/inproc.json" "$RUNS" >"$WORK/inproc.times" <<'EOF'
import sys, time, planlint
city, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
planlint.check(city).write(out, "json")
for _ in range(runs):
    t = time.perf_counter()
    planlint.check(city).write(out, "json")
    print(f"{time.perf_counter() - t:.4f} 0")
EOF

"$PY" - "$WORK/cli.times" "$WORK/api.times" "$N" "${ROADS[*]:-}" "$same" "$WORK/inproc.times" <<'EOF'
import statistics, sys
def load(p):
    rows = [l.split() for l in open(p) if l.strip()]
    return [float(r[0]) for r in rows], [int(r[1]) / 1024 for r in rows]
cw, cm = load(sys.argv[1])
aw, am = load(sys.argv[2])
med = statistics.median
roads = ", with roads" if sys.argv[4] else ", no roads"
print(f"{sys.argv[3]} compounds{roads}; {len(cw)} runs each, medians; {sys.argv[5]}")
print(f"| | wall | range | peak memory |")
print(f"|---|---|---|---|")
print(f"| planlint check | {med(cw):.3f} s | {min(cw):.3f}–{max(cw):.3f} s | {med(cm):.0f} MiB |")
print(f"| planlint.check(...).write(...) | {med(aw):.3f} s | {min(aw):.3f}–{max(aw):.3f} s | {med(am):.0f} MiB |")
iw, _ = load(sys.argv[6])
print(f"| planlint.check(...).write(...), a call in a running interpreter | {med(iw):.3f} s | {min(iw):.3f}–{max(iw):.3f} s | |")
print(f"the Python API: {100 * (med(aw) / med(cw) - 1):+.1f}% wall over the command from a new interpreter, "
      f"{100 * (med(iw) / med(cw) - 1):+.1f}% as a call in a running one")
EOF
