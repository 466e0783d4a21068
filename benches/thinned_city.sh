#!/usr/bin/env bash
# A generated city whose community stations are thinned, for the site-choice benchmarks
# (fix_sites.sh, compare_spopt.sh): `planlint synth --compounds N --roads`, then one
# community station or day-care centre in KEEP kept, so that most compounds fall outside
# the service circle. Made once: an existing DIR is left as it is.
#
#   benches/thinned_city.sh BIN N DIR [KEEP]        # KEEP default 10
set -euo pipefail
BIN=$1 N=$2 DIR=$3 KEEP=${4:-10}
[[ -d $DIR ]] && exit 0
"$BIN" synth --compounds "$N" --roads --out "$DIR" >/dev/null
python3 - "$DIR/facilities.geojson" "$KEEP" <<'PY'
import json, sys
path, keep = sys.argv[1], int(sys.argv[2])
doc = json.load(open(path))
kept, seen = [], 0
for f in doc["features"]:
    if f["properties"].get("kind") in ("community_station", "day_care"):
        seen += 1
        if seen % keep:
            continue
    kept.append(f)
doc["features"] = kept
json.dump(doc, open(path, "w"))
PY
