"""The wheel, installed alone in a fresh virtual environment (tests/python.rs builds it and
runs these from a directory outside the checkout, with LD_LIBRARY_PATH and PROJ_DATA
empty): the module's own figures, worked out by hand from the fixtures, and as packaging
checks (`test_packaging_…`), its `planlint` command and module give what the cargo-built
binary gives. PLANLINT_ROOT is the checkout, PLANLINT_CARGO_BIN the cargo-built binary."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import planlint

ROOT = Path(os.environ["PLANLINT_ROOT"])
CARGO_BIN = os.environ["PLANLINT_CARGO_BIN"]
# The wheel's command: the venv's scripts folder, beside its python.
WHEEL_BIN = str(Path(sys.executable).parent / "planlint")

# Every plan folder of the fixtures, and the sample.
PLANS = sorted(str(p.parent) for p in (ROOT / "fixtures").glob("*/plan.toml")) + [
    str(ROOT / "data" / "sample")
]


def run(binary, *args):
    out = subprocess.run([binary, *args], capture_output=True, timeout=300)
    return out.returncode, out.stdout, out.stderr.decode("utf-8", "replace")


def test_the_environment_is_a_new_users():
    assert not os.environ.get("LD_LIBRARY_PATH")
    assert not os.environ.get("PROJ_DATA") and not os.environ.get("PROJ_LIB")
    assert not Path.cwd().resolve().is_relative_to(ROOT.resolve())
    assert Path(planlint.__file__).resolve().is_relative_to(Path(sys.prefix).resolve())


@pytest.mark.parametrize("plan", PLANS)
def test_packaging_the_wheels_command_writes_the_cargo_binarys_report(plan):
    wheel = run(WHEEL_BIN, "check", plan, "--format", "json", "--lang", "zh")
    cargo = run(CARGO_BIN, "check", plan, "--format", "json", "--lang", "zh")
    assert wheel[0] == cargo[0] and wheel[0] in (0, 1), wheel[2]
    assert wheel[1] == cargo[1]


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_packaging_the_modules_report_is_the_binarys(plan, lang):
    code, expected, err = run(CARGO_BIN, "check", plan, "--format", "json", "--lang", lang)
    assert code in (0, 1), err
    report = planlint.check(plan, lang=lang)
    assert report.to_bytes("json") == expected
    findings = json.loads(expected)["findings"]
    df = report.findings
    assert len(df) == len(findings)
    assert list(df["rule"]) == [f["rule"] for f in findings]
    assert list(df["subject_id"]) == [f["subject"]["id"] for f in findings]
    assert list(df["status"]) == [f["status"] for f in findings]
    # Built in Rust column by column, the table holds the JSON report's values exactly.
    pd.testing.assert_frame_equal(df, report.findings_from_json())
    for column, key in [("measured", "measured"), ("required", "required"), ("details", "details")]:
        assert [None if pd.isna(v) else v for v in df[column]] == [f.get(key) for f in findings], column
    # The gap's two halves, and the waiver's reason, in cells of their own.
    cells = lambda column: [None if pd.isna(v) else v for v in df[column]]
    assert cells("need") == [(f.get("gap") or {}).get("need") for f in findings]
    assert cells("deficit") == [(f.get("gap") or {}).get("deficit") for f in findings]
    assert cells("waived") == [(f.get("waived") or {}).get("reason") for f in findings]


def verdict(df, rule, subject):
    row = df[(df["rule"] == rule) & (df["subject_id"] == subject)]
    assert len(row) == 1, (rule, subject)
    r = row.iloc[0]
    return r["status"], r["measured"], r["required"]


def test_the_dataframe_has_the_hand_worked_numbers_of_fixtures_basic():
    df = planlint.check(str(ROOT / "fixtures" / "basic"), lang="en").findings
    # A: 300 m² × 100 / 1,250 households = 24 < 30 (new); B: 100 × 100 / 500 = 20 = 20
    # (existing); C has 0 households; D has no status.
    assert verdict(df, "floor-area-per-households", "A") == ("fail", 24.0, 30.0)
    assert verdict(df, "floor-area-per-households", "B") == ("pass", 20.0, 20.0)
    assert verdict(df, "floor-area-per-households", "C")[0] == "not_applicable"
    assert verdict(df, "floor-area-per-households", "D")[0] == "insufficient_data"
    # The flat finding row every tabular format shares: the CSV's columns, A's gap (6 m² per
    # 100 households short of 30) and the field D lacks, in cells of their own.
    report = planlint.check(str(ROOT / "fixtures" / "basic"), lang="en")
    assert list(df.columns) == report.to_bytes("csv").decode().splitlines()[0].split(",")
    row = lambda s: df[(df["rule"] == "floor-area-per-households") & (df["subject_id"] == s)].iloc[0]
    assert (row("A")["need"], row("A")["deficit"]) == ("at_least", 6.0)
    assert row("D")["missing_field"] == "status"
    a = df[(df["rule"] == "floor-area-per-households") & (df["subject_id"] == "A")].iloc[0]
    assert a["details"]["missing_floor_area"] == 75.0
    # Straight lines: C's centroid is 2,000 m from S2, D's 1,000 m from S1 (limit 800).
    assert verdict(df, "service-circle", "C") == ("fail", 2000.0, 800.0)
    assert verdict(df, "service-circle", "D") == ("fail", 1000.0, 800.0)
    # Construction timing of A: the station on 2022-03-01, T50 on 2023-06-30.
    assert verdict(df, "construction-timing", "A") == ("pass", "2022-03-01", "2023-06-30")


def test_a_geodataframe_round_trips_through_geopackage(tmp_path):
    import geopandas
    import pyogrio

    report = planlint.check(str(ROOT / "fixtures" / "basic"), lang="en")
    gdf = report.to_geodataframe()
    assert gdf.crs.to_epsg() == 4326
    # Findings about a compound have its polygon, about a facility its point; the
    # plan-wide ones none.
    a = gdf[(gdf["rule"] == "floor-area-per-households") & (gdf["subject_id"] == "A")]
    assert a.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    # In the working CRS, compound A is the 100 m square it is drawn as: 10,000 m².
    local = report.to_geodataframe(crs=None)
    assert local.crs.to_epsg() == 4547
    area = local[(local["rule"] == "floor-area-per-households") & (local["subject_id"] == "A")]
    assert area.geometry.iloc[0].area == pytest.approx(10_000.0, rel=1e-9)
    path = tmp_path / "findings.gpkg"
    flat = gdf.drop(columns=["details", "waived", "baseline"])
    flat.to_file(path, layer="findings", engine="pyogrio")
    back = pyogrio.read_dataframe(path, layer="findings")
    assert len(back) == len(gdf)
    assert list(back["subject_id"]) == list(gdf["subject_id"])
    assert back.geometry.is_empty.sum() + back.geometry.isna().sum() == (
        gdf.geometry.is_empty.sum() + gdf.geometry.isna().sum()
    )
    # GDAL reads it back (gdal-bin: bash .ci/setup --tests).
    assert shutil.which("ogrinfo"), "ogrinfo is missing: bash .ci/setup --tests installs gdal-bin"
    info = subprocess.run(["ogrinfo", "-so", str(path), "findings"], capture_output=True, text=True, timeout=120)
    assert info.returncode == 0 and f"Feature Count: {len(gdf)}" in info.stdout, info.stderr


def test_every_format_is_written(tmp_path):
    report = planlint.check(str(ROOT / "fixtures" / "basic"), lang="en")
    report.to_html(tmp_path / "r.html")
    assert "<html" in (tmp_path / "r.html").read_text("utf-8")
    report.write(tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_text("utf-8").startswith("rule,")
    report.write(tmp_path / "r.gpkg")
    assert (tmp_path / "r.gpkg").read_bytes()[:16] == b"SQLite format 3\x00"
    assert json.loads(report.to_json())["summary"] == report.summary
    with pytest.raises(ValueError):
        report.write(tmp_path / "r.unknown")


def test_context_waivers_and_baseline(tmp_path):
    # A submission inside its city: its findings say what it does to the city's.
    sub = planlint.check(str(ROOT / "data" / "submission"), context=str(ROOT / "data" / "sample"), lang="en")
    expected = run(CARGO_BIN, "check", str(ROOT / "data" / "submission"), "--context", str(ROOT / "data" / "sample"), "--format", "json", "--lang", "en")[1]
    assert sub.to_bytes("json") == expected
    assert sub.json["context"]
    # A waiver in plan.toml covers A's failing floor area.
    plan = tmp_path / "basic"
    shutil.copytree(ROOT / "fixtures" / "basic", plan)
    with open(plan / "plan.toml", "a", encoding="utf-8") as f:
        f.write('\n[[waivers]]\nrule = "floor-area-per-households"\nsubject = "A"\nreason = "已批复"\n')
    waived = planlint.check(str(plan), lang="en").findings
    a = waived[(waived["rule"] == "floor-area-per-households") & (waived["subject_id"] == "A")].iloc[0]
    assert a["waived"] == "已批复"
    # The same plan against its own report as the baseline: nothing new, nothing worse.
    first = planlint.check(str(ROOT / "fixtures" / "basic"))
    first.to_json(tmp_path / "base.json")
    again = planlint.check(str(ROOT / "fixtures" / "basic"), baseline=str(tmp_path / "base.json"))
    states = set(again.findings["baseline"])
    assert states == {"unchanged"}


@pytest.mark.parametrize("locale", ["zh_CN.UTF-8", "C.UTF-8"])
def test_the_language_follows_the_locale_as_the_commands_does(tmp_path, locale):
    # Without `lang`, the module speaks as the command does without `--lang`: the JSON
    # report is the command's byte for byte, and a submission outside its city is refused
    # with the command's words.
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env["LANG"] = locale
    expected = "zh" if locale.startswith("zh") else "en"
    plan = str(ROOT / "fixtures" / "basic")
    out = tmp_path / "report.json"
    script = "import sys, planlint\nr = planlint.check(sys.argv[1])\nr.write(sys.argv[2])\nprint(r.lang)"
    py = subprocess.run([sys.executable, "-c", script, plan, str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert py.returncode == 0, py.stderr
    assert py.stdout.strip() == expected
    command = subprocess.run([CARGO_BIN, "check", plan, "--format", "json"], env=env, capture_output=True, timeout=300)
    assert out.read_bytes() == command.stdout
    assert json.loads(command.stdout)["findings"][0]["message"] != ""
    sub, city = (str(ROOT / "fixtures" / "context" / d) for d in ("sub-outside", "city"))
    script = (
        "import sys, planlint\n"
        "try:\n    planlint.check(sys.argv[1], context=sys.argv[2])\n"
        "except planlint.ContextError as e:\n    print(e)"
    )
    py = subprocess.run([sys.executable, "-c", script, sub, city], env=env, capture_output=True, text=True, timeout=300)
    command = subprocess.run([CARGO_BIN, "check", sub, "--context", city], env=env, capture_output=True, text=True, timeout=300)
    assert command.returncode == 2
    assert command.stderr.strip() == f"planlint: {py.stdout.strip()}"
    assert ("位于城市的所有规划单元之外" in py.stdout) == (expected == "zh"), py.stdout


def test_settings_override_the_profile():
    # fixtures/basic: the city's nursing share is 25% against 30%; at 20% it passes.
    df = planlint.check(str(ROOT / "fixtures" / "basic"), settings={"nursing-bed-share.min": 0.2}).findings
    row = df[df["rule"] == "nursing-bed-share"].iloc[0]
    assert (row["status"], row["required"]) == ("pass", 0.2)


def test_a_bad_plan_raises_plan_error_naming_the_file():
    broken = ROOT / "fixtures" / "batch" / "broken"
    with pytest.raises(planlint.PlanError) as e:
        planlint.check(str(broken))
    assert "compounds.geojson" in str(e.value)
    assert e.value.file.endswith("compounds.geojson")
    assert isinstance(e.value, planlint.PlanlintError)
    with pytest.raises(planlint.ProfileError):
        planlint.check(str(ROOT / "fixtures" / "basic"), profile="no-such-city")
    with pytest.raises(planlint.PlanlintError):
        planlint.check(str(ROOT / "fixtures" / "nowhere"))


def test_the_gil_is_released_while_it_checks(tmp_path):
    city = tmp_path / "city"
    code, _, err = run(CARGO_BIN, "synth", "--compounds", "20000", "--out", str(city))
    assert code == 0, err
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    stages = []
    t = threading.Thread(target=count)
    t.start()
    time.sleep(0.05)
    before = ticks
    start = time.perf_counter()
    planlint.check(str(city), progress=stages.append)
    elapsed = time.perf_counter() - start
    during = ticks - before
    done.set()
    t.join()
    # With the GIL held the counting thread would not run at all during the check; let go,
    # it ticks about once a millisecond (a tenth of that is asked, and three at least, on
    # a machine however fast).
    assert during >= max(3, elapsed * 100), (elapsed, during)
    assert stages[0] == "reading" and "rules" in stages, stages


def test_profiles_and_rules_as_data():
    ids = {p["id"] for p in planlint.profiles()}
    assert {"anyang-2017", "changzhi-2018", "xuchang-2022", "shangqiu-2018", "wuhan-2017"} == ids
    anyang = next(p for p in planlint.profiles() if p["id"] == "anyang-2017")
    assert anyang["rules"]["beds-per-thousand-elderly"]["min"] == {"value": 35.0, "year": 2020}
    rules = {r["id"]: r for r in planlint.rules()}
    assert "## Why" in rules["service-circle"]["doc"]
    assert rules["facility-coverage"]["subject"] == "units"
    assert rules["street-center"]["summary"].startswith("每个街道")
    assert rules["street-center"]["summary_en"].startswith("For each unit of level `street`")


def test_fix_takes_a_time_limit_too_long_to_count_and_leaves_no_solver_running(tmp_path):
    # fixtures/fix-street, limit 1000 m (tests/fix.rs): two stations, proven. 1e300 s is
    # past what a clock holds, and is no limit; the solver's thread has ended when fix
    # returns a proven answer, so the wait the package makes at exit returns at once.
    fixed = planlint.fix(
        str(ROOT / "fixtures" / "fix-street"),
        tmp_path / "fixed",
        lang="en",
        select=["service-circle"],
        settings={"service-circle.max_distance": 1000},
        time_limit=1e300,
    )
    sites = fixed.report.json["remedy"]["sites"]
    assert (sites["objective"], sites["optimal"]) == (2.0, True)
    assert planlint._planlint.wait_for_solvers(5.0)


def test_fix_sizes_the_remedies_by_hand_and_its_folder_checks_as_its_report(tmp_path):
    # fixtures/fix-floor (Anyang, 30 m² per 100 households): K1 (800 households, no
    # facility) needs 240 m², a new station; K2 (1,200 households, S2 of 320 m²) needs 360,
    # S2 gains 40 m² (tests/fix.rs works the same out for the command).
    fixed = planlint.fix(
        str(ROOT / "fixtures" / "fix-floor"),
        tmp_path / "fixed",
        lang="en",
        select=["floor-area-per-households", "service-circle"],
    )
    rows = fixed.remedies
    assert list(rows["action"]) == ["add", "enlarge"]
    assert list(rows["floor_area"]) == [240.0, 40.0]
    assert rows["fixes"][0] == [
        "floor-area-per-households:K1",
        "service-circle:K1",
        "service-circle:K3",
    ]
    assert fixed.summary["floor_area_added"] == 280.0
    # Nothing of the two rules is left: exit 0.
    assert fixed.exit_code == 0
    assert fixed.summary["left"] == []
    # fixtures/fix-beds (tests/fix.rs): 50 beds short, government beds at the 50% limit:
    # the private home P1 gains them, 15 nursing-type for a 30% share.
    beds = planlint.fix(
        str(ROOT / "fixtures" / "fix-beds"),
        tmp_path / "beds",
        select=["beds-per-thousand-elderly", "nursing-bed-share", "government-bed-share"],
        settings={"nursing-bed-share.min": 0.3},
    ).remedies
    assert list(zip(beds["facility_id"], beds["beds"], beds["nursing_beds"])) == [("P1", 50, 15)]
    # The folder is a plan: checking it gives the report's findings (of the rules fixed).
    again = planlint.check(str(tmp_path / "fixed"), lang="en")
    fixed_rules = {"floor-area-per-households", "service-circle"}
    assert [f for f in again.json["findings"] if f["rule"] in fixed_rules] == fixed.report.json["findings"]
    copy = fixed.write(tmp_path / "copy")
    assert (copy / "remedies.geojson").is_file() and (copy / "facilities.geojson").is_file()
