#!/usr/bin/env bash
# planlint against the analyst's Python stack (benches/python_stack.py: json + Shapely 2,
# pyproj, NumPy, SciPy) on a generated city: median wall time and peak RSS of each, end to
# end (process start to exit, reading the GeoJSON to writing the JSON result), and the ratio.
#
#   benches/compare_python.sh [N] [--roads]        # N compounds, default 10000
#
# Environment: RUNS (timed runs per tool, default 5), WARMUP (untimed runs first, default 1),
# PLAN_DIR (check this plan folder instead of generating one), PLANLINT (the binary, default
# target/release/planlint, built with cargo when missing), PYTHON (the interpreter that
# makes the venv, default python3), KEEP=1 (keep the generated city and the outputs).
# The venv lives in target/pystack-venv and is made on first use (pip install numpy scipy
# shapely pyproj from PyPI; python3-venv comes from apt-get when the venv module is missing).
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
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
PYTHON=${PYTHON:-python3}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=${PLANLINT:-$ROOT/target/release/planlint}
VENV=$ROOT/target/pystack-venv

# --- the planlint binary --------------------------------------------------------------
if [[ ! -x $BIN ]]; then
    echo "building planlint (cargo build --release)…" >&2
    cargo build --release >&2
fi

# --- the Python stack ---------------------------------------------------------------
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import numpy, scipy, shapely, pyproj' 2>/dev/null; then
    echo "making $VENV…" >&2
    rm -rf "$VENV"
    if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
        rm -rf "$VENV"
        echo "python venv module missing: apt-get install python3-venv" >&2
        apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
        "$PYTHON" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --upgrade pip >&2
    "$VENV/bin/python" -m pip install -q 'numpy>=1.24' 'scipy>=1.11' 'shapely>=2.0' 'pyproj>=3.6' >&2
fi
PY=$VENV/bin/python
echo "$("$BIN" --version) ($BIN, built $(date -r "$BIN" '+%F %T'))"
"$PY" -c 'import numpy, scipy, shapely, pyproj, sys
print("python", sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__,
      "shapely", shapely.__version__, "(GEOS", shapely.geos_version_string + ")",
      "pyproj", pyproj.__version__, "(PROJ", pyproj.proj_version_str + ")")'

# --- the city ---------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/planlint-pystack.XXXXXX")
if [[ ${KEEP:-0} != 1 ]]; then
    trap 'rm -rf "$WORK"' EXIT
fi
if [[ -n ${PLAN_DIR:-} ]]; then
    CITY=$PLAN_DIR
    # The plan's own roads decide what is measured, and the table says so.
    ROADS=()
    [[ -f $CITY/roads.geojson ]] && ROADS=(--roads)
    N=$("$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$CITY/compounds.geojson")
else
    CITY=$WORK/city
    "$BIN" synth --compounds "$N" "${ROADS[@]}" --out "$CITY" >&2
fi
layers=$(cd "$CITY" && ls)
count() { [[ -f $CITY/$1.geojson ]] && "$PY" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$CITY/$1.geojson" || echo 0; }
echo "plan: $CITY ($(echo $layers)): $(count compounds) compounds, $(count facilities) facilities, $(count units) units, $(count roads) roads; $(nproc) cores"

# --- measuring ----------------------------------------------------------------------
# measure OUT_PREFIX CMD…: runs CMD once, appends "wall_s peak_kib user_s sys_s" to OUT_PREFIX.times and
# keeps its stderr in OUT_PREFIX.err. planlint exits 1 when the plan has failing findings,
# which is what a generated city has: only exit codes above 1 are errors.
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e %M %U %S' true 2>/dev/null; then
    measure() {
        local out=$1; shift
        local rc=0
        /usr/bin/time -f '%e %M %U %S' -o "$out.one" "$@" >/dev/null 2>"$out.err" || rc=$?
        if (( rc > 1 )); then echo "failed ($rc): $*" >&2; cat "$out.err" >&2; exit 1; fi
        tail -n 1 "$out.one" >>"$out.times"
    }
else
    cat >"$WORK/timeit.py" <<'EOF'
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
# ru_maxrss of the children (KiB on Linux): the largest of them, here the only one.
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{wall:.3f} {ru.ru_maxrss} {ru.ru_utime:.3f} {ru.ru_stime:.3f}\n")
sys.exit(rc)
EOF
    measure() {
        local out=$1; shift
        local rc=0
        "$PYTHON" "$WORK/timeit.py" "$out.one" "$@" 2>"$out.err" || rc=$?
        if (( rc > 1 )); then echo "failed ($rc): $*" >&2; cat "$out.err" >&2; exit 1; fi
        tail -n 1 "$out.one" >>"$out.times"
    }
fi

PL_CMD=("$BIN" check "$CITY" --format json -o "$WORK/planlint.json")
PY_CMD=("$PY" "$ROOT/benches/python_stack.py" "$CITY" "$WORK/python.json")
for tool in planlint python; do
    : >"$WORK/$tool.times"
    if [[ $tool == planlint ]]; then cmd=("${PL_CMD[@]}"); else cmd=("${PY_CMD[@]}"); fi
    for ((i = 0; i < WARMUP; i++)); do measure "$WORK/warm-$tool" "${cmd[@]}"; done
    for ((i = 1; i <= RUNS; i++)); do
        measure "$WORK/$tool" "${cmd[@]}"
        echo "  $tool run $i: $(tail -n 1 "$WORK/$tool.times" | awk '{printf "%.2f s wall, %.2f s CPU, %.0f MiB", $1, $3 + $4, $2 / 1024}')" >&2
    done
done

echo
echo "Python stages (last run):"
sed 's/^/  /' "$WORK/python.err"
echo

# --- the table -----------------------------------------------------------------------
"$PYTHON" - "$WORK/planlint.times" "$WORK/python.times" "$N" "${ROADS[*]:-}" <<'EOF'
import statistics, sys
def load(p):
    rows = [l.split() for l in open(p) if l.strip()]
    return ([float(r[0]) for r in rows], [int(r[1]) / 1024 for r in rows],
            [float(r[2]) + float(r[3]) for r in rows])
pw, pm, pc = load(sys.argv[1])
yw, ym, yc = load(sys.argv[2])
med = statistics.median
what = f"{sys.argv[3]} compounds" + (", with roads (network distances)" if sys.argv[4] else ", no roads (straight lines)")
print(f"{what}; {len(pw)} runs each: median wall time, its range, median CPU time (user + sys),")
print("median of the runs' peak RSS")
print(f"{'':<16} {'wall s':>8} {'min-max s':>11} {'CPU s':>7} {'peak RSS MiB':>13}")
for name, w, m, c in (("planlint", pw, pm, pc), ("python", yw, ym, yc)):
    print(f"{name:<16} {med(w):8.2f} {min(w):5.2f}-{max(w):<5.2f} {med(c):7.2f} {med(m):13.0f}")
print(f"{'python/planlint':<16} {med(yw) / med(pw):7.1f}x {'':>11} {med(yc) / med(pc):6.1f}x {med(ym) / med(pm):12.1f}x")
EOF
if [[ ${KEEP:-0} == 1 ]]; then echo "kept: $WORK"; fi
