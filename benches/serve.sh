#!/usr/bin/env bash
# planlint serve with a generated city kept: the city's load, the server's memory with it
# loaded, and data/submission checked inside it over HTTP — server side (the job's start
# to its end, from its record) and round trip (request sent to results read), p50 and
# p95 of ROUNDS sequential checks — then the throughput of 8 clients with 25 submissions
# each, every one on record.
#
#   benches/serve.sh [N...]        # cities of N compounds with streets, default 100000
#
# Environment: ROUNDS (sequential checks, default 100), WORKERS (--workers, default the
# cores), PLANLINT (the binary, default target/release/planlint, built with cargo when
# missing), WORK (where the cities go, default target/serve-bench).
set -euo pipefail

SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(100000)
ROUNDS=${ROUNDS:-100}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${PLANLINT:-$ROOT/target/release/planlint}
WORK=${WORK:-$ROOT/target/serve-bench}
if [[ ! -x $BIN ]]; then
    (cd "$ROOT" && cargo build --release >&2)
fi
mkdir -p "$WORK"
WORKER_ARGS=()
[[ -n ${WORKERS:-} ]] && WORKER_ARGS=(--workers "$WORKERS")

for n in "${SIZES[@]}"; do
    city=$WORK/city-$n
    [[ -d $city ]] || "$BIN" synth --compounds "$n" --roads --out "$city" >/dev/null
    data=$WORK/data-$n
    rm -rf "$data"
    log=$WORK/serve-$n.log
    start=$(date +%s.%N)
    "$BIN" serve --city "big=$city" --data "$data" --listen 127.0.0.1:0 "${WORKER_ARGS[@]}" \
        >"$WORK/serve-$n.out" 2>"$log" &
    pid=$!
    trap 'kill $pid 2>/dev/null || true' EXIT
    until grep -q listening "$WORK/serve-$n.out" 2>/dev/null; do
        kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.05
    done
    loaded=$(date +%s.%N)
    url=$(sed -n 's/.*listening on //p' "$WORK/serve-$n.out")
    python3 - "$url" "$ROOT/data/submission" "$ROUNDS" "$n" "$pid" "$start" "$loaded" <<'PY'
import base64, datetime, io, json, pathlib, statistics, sys, threading, time, urllib.request, zipfile

url, folder, rounds, n, pid, start, loaded = sys.argv[1:]
rounds = int(rounds)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(pathlib.Path(folder).iterdir()):
        if f.is_file():
            z.write(f, f.name)
body = json.dumps({"inputs": {
    "submission": {"value": base64.b64encode(buf.getvalue()).decode(), "mediaType": "application/zip"},
    "city": "big", "lang": "en"}}).encode()

def check():
    req = urllib.request.Request(url + "/processes/check/execution", data=body,
                                 headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        results = json.load(r)
        job = r.headers["Location"].rsplit("/", 1)[1]
    assert results["report"]["value"]["summary"]["errors"] >= 0
    return time.perf_counter() - t, job

def rss(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")

def when(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))

def p(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] * 1000

memory_loaded = rss("VmRSS")
check()  # the first check warms the caches
trips, jobs = [], []
for _ in range(rounds):
    t, job = check()
    trips.append(t)
    jobs.append(job)
server = []
for job in jobs:
    with urllib.request.urlopen(f"{url}/jobs/{job}", timeout=60) as r:
        s = json.load(r)
    server.append((when(s["finished"]) - when(s["started"])).total_seconds())

done = []
def client():
    for _ in range(25):
        done.append(check()[1])
t = time.perf_counter()
threads = [threading.Thread(target=client) for _ in range(8)]
for th in threads: th.start()
for th in threads: th.join()
elapsed = time.perf_counter() - t
with urllib.request.urlopen(f"{url}/jobs?limit=1", timeout=60) as r:
    total = json.load(r)["numberMatched"]
assert total == 1 + rounds + 200, total
print(f"city of {int(n):,} compounds: loaded in {float(loaded) - float(start):.1f} s, "
      f"server memory {memory_loaded:,.0f} MiB loaded, {rss('VmHWM'):,.0f} MiB peak")
print(f"  one submission, {rounds} in a row: server p50 {p(server, .5):.1f} ms, "
      f"p95 {p(server, .95):.1f} ms; round trip p50 {p(trips, .5):.1f} ms, p95 {p(trips, .95):.1f} ms")
print(f"  8 clients x 25: {200 / elapsed:.1f} checks/s, {elapsed:.1f} s; all {total} jobs on record")
PY
    kill $pid
    wait $pid 2>/dev/null || true
    trap - EXIT
done
