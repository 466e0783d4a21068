#!/usr/bin/env python3
"""Mutated copies of the GDAL fixtures (fixtures/gdal), each checked by a planlint built
with `--features gdal`: truncated, bytes changed, zeroed, a stretch repeated. Every run must
end in exit 0, 1 or 2, within a minute: a signal (a crash in planlint or in GDAL under it)
or a hang is printed with the kept input (under /tmp/gdal-mutations/).

GDAL's own readers are C++ outside this project's fuzzing (tests/fuzz covers planlint's);
this is how the seam between them is shaken.

    cargo build --release --features gdal
    python3 tests/fuzz/gdal_mutations.py [--binary target/release/planlint] [--runs 500] [--seed 1]
"""
import argparse
import os
import random
import shutil
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
GDAL = os.path.join(ROOT, 'fixtures', 'gdal')
# (folder, its files, the layer file, the option naming it, the plan it joins)
CASES = [
    ('folder', ['compounds.tab', 'compounds.dat', 'compounds.map', 'compounds.id'], 'compounds.tab', '--compounds', 'fixtures/basic'),
    ('folder', ['facilities.fgb'], 'facilities.fgb', '--facilities', 'fixtures/basic'),
    ('folder', ['units.gml', 'units.xsd'], 'units.gml', '--units', 'fixtures/basic'),
    ('.', ['facilities.kml'], 'facilities.kml', '--facilities', 'fixtures/basic'),
    ('.', ['roads.dxf'], 'roads.dxf', '--roads', 'fixtures/gdal/network'),
    ('plan.gdb', None, None, None, None),
]


def mutate(data: bytearray, rng: random.Random) -> bytes:
    kind = rng.choice(['truncate', 'change', 'zero', 'repeat'])
    if not data:
        return bytes(data)
    i = rng.randrange(len(data))
    if kind == 'truncate':
        data = data[:i]
    elif kind == 'change':
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == 'zero':
        n = len(data[i:i + 64])
        data[i:i + n] = bytes(n)
    else:
        j = rng.randrange(len(data))
        data[i:i] = data[j:j + rng.randint(1, 200)]
    return bytes(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--binary', default=os.path.join(ROOT, 'target', 'release', 'planlint'))
    ap.add_argument('--runs', type=int, default=500)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    codes, bad = {}, []
    for n in range(a.runs):
        folder, files, main_file, option, plan = rng.choice(CASES)
        tmp = tempfile.mkdtemp()
        if folder == 'plan.gdb':
            target = os.path.join(tmp, 'plan.gdb')
            shutil.copytree(os.path.join(GDAL, 'plan.gdb'), target)
            victim = os.path.join(target, rng.choice(sorted(os.listdir(target))))
            args = ['check', target, '--profile', 'anyang-2017', '--as-of', '2024-06-30']
        else:
            for f in files:
                shutil.copy(os.path.join(GDAL, folder, f), tmp)
            victim = os.path.join(tmp, rng.choice(files))
            args = ['check', plan, option, os.path.join(tmp, main_file)]
        with open(victim, 'rb') as f:
            data = bytearray(f.read())
        with open(victim, 'wb') as f:
            f.write(mutate(data, rng))
        try:
            p = subprocess.run([a.binary, *args, '--format', 'json', '-o', os.devnull],
                               cwd=ROOT, capture_output=True, timeout=60)
            rc, said = p.returncode, p.stderr[-300:]
        except subprocess.TimeoutExpired:
            rc, said = 'timeout', b''
        codes[rc] = codes.get(rc, 0) + 1
        if rc not in (0, 1, 2):
            keep = os.path.join(tempfile.gettempdir(), 'gdal-mutations', str(n))
            shutil.copytree(tmp, keep, dirs_exist_ok=True)
            bad.append((keep, os.path.basename(victim), rc, said))
        shutil.rmtree(tmp)
    print('exit codes:', dict(sorted(codes.items(), key=str)))
    for b in bad:
        print('FAILED', *b)
    raise SystemExit(1 if bad else 0)


if __name__ == '__main__':
    main()
