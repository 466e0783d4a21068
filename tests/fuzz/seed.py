#!/usr/bin/env python3
"""Seeds the fuzz corpora from fixtures/ (issue 12). Run from anywhere; it writes
tests/fuzz/seeds/<target>/, which `cargo fuzz run` reads beside the kept corpus, and
which `cargo fuzz cmin` then folds into tests/fuzz/corpus/<target>/.

The shapefile target takes its four files framed as harness.rs `sections` reads them:
each part a 4-byte little-endian length and its bytes, the last part unframed."""
import hashlib
import os
import struct
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
REPO = FUZZ.parent.parent
FIX = REPO / "fixtures"
OUT = FUZZ / "seeds"
LAYERS = ["compounds", "facilities", "units", "roads"]


def put(target, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def frame(*parts):
    out = b""
    for p in parts[:-1]:
        out += struct.pack("<I", len(p)) + p
    return out + parts[-1]


for path in sorted(FIX.rglob("*")):
    if not path.is_file():
        continue
    data = path.read_bytes()
    name = path.name
    if name.endswith((".geojson", ".json")) and len(data) < 200_000:
        layer = next((i for i, l in enumerate(LAYERS) if name.startswith(l)), 0)
        put("geojson", bytes([layer]) + data)
    elif name == "phases.csv" or name.endswith(".csv"):
        put("phases_csv", data)
    elif name == "plan.toml":
        put("plan_toml", data)
    elif name.endswith(".osm.pbf"):
        put("osm_pbf", data)
    elif name.lower().endswith(".dbf"):
        put("dbf", data)
    elif name.endswith(".gpkg"):
        import sqlite3
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for table, column in db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"):
            for (blob,) in db.execute(f'SELECT "{column}" FROM "{table}"'):
                if blob:
                    put("wkb", bytes(blob))
    elif name.lower().endswith(".shp"):
        side = lambda ext: (path.with_suffix(ext).read_bytes() if path.with_suffix(ext).exists() else b"")
        put("shapefile", frame(data, side(".dbf"), side(".prj"), side(".cpg")))

for path in sorted((REPO / "data" / "profiles").glob("*.toml")):
    put("profile_toml", path.read_bytes())

# The whole-check target builds its plan from arbitrary bytes: random seeds of a few sizes.
import random
rng = random.Random(12)
for n in (64, 256, 1024, 4096):
    for _ in range(4):
        put("check", bytes(rng.randrange(256) for _ in range(n)))

for t in sorted(os.listdir(OUT)):
    print(t, len(os.listdir(OUT / t)))
