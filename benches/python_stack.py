#!/usr/bin/env python3
"""The analyst's-notebook baseline for planlint: the same checks on a plan folder, done with
the usual vectorised Python geo stack (json + Shapely 2, pyproj, NumPy, SciPy).

    python_stack.py PLAN_DIR OUT.json [--profiles DIR] [--snap segment|node] [--no-2sfca]

It reads compounds / facilities / units (/ roads) GeoJSON in lon/lat and phases.csv, moves
everything into the plan's metric CRS (plan.toml's working_crs, else the CGCS2000 3-degree
Gauss-Kruger zone of the plan's centre), joins compounds and facilities to units, and
computes, per compound: floor area per 100 households, construction timing, the walking
distance of the 15-minute service circle (multi-source Dijkstra on the road network, or the
straight line without roads) and the 2SFCA access score; per unit: land per resident, beds
per 1,000 elderly, the circle's coverage; for the city: bed shares, facility coverage,
facility counts and what every county must contain. The thresholds come from the plan's
profile (data/profiles/<id>.toml beside this script's folder). Results go to OUT.json; a
timing line per stage goes to standard error.

It is a benchmark baseline, not a second implementation: it follows shared/spec/rules.md
where that is cheap and says where it simplifies (see the comments marked "Simplified"); it
validates nothing (planlint rejects bad features one by one, this script does not) and
writes measured values and statuses, not planlint's messages. On `planlint synth` cities
(with and without --roads) every compound's status for floor area, timing and the circle,
its walking distance (within 1e-6 m), nearest facility and 2SFCA score, and every unit's
value agree with `planlint check --format json`.

Snapping follows rules.md (nearest point of the nearest segment, ties to the lowest edge id,
snap legs counted); --snap node snaps to the nearest junction instead. The 2SFCA scores
(which planlint computes beside the circle) are bounded Dijkstra searches, a tile of sources
at a time on the part of the graph within reach; --no-2sfca leaves them out.
"""

import time

START = time.perf_counter()

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tomllib  # noqa: E402
from contextlib import contextmanager

import numpy as np  # noqa: E402
import pyproj  # noqa: E402
import shapely  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from scipy.sparse.csgraph import dijkstra  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

COMMUNITY_KINDS = ["community_station", "day_care", "street_center"]
INSTITUTION_KINDS = ["institution", "nursing_home", "welfare_center"]
# LevelSel of the profiles -> unit levels it matches (county also matches district).
LEVEL_MATCH = {
    "city": {"city"},
    "county": {"county", "district"},
    "county_only": {"county"},
    "district": {"district"},
    "street": {"street"},
    "town": {"town"},
    "community": {"community"},
    "village": {"village"},
}

T0 = time.perf_counter()
TIMINGS = {}
print(f"stage {'imports':<22} {T0 - START:8.3f} s", file=sys.stderr, flush=True)


@contextmanager
def stage(name):
    t = time.perf_counter()
    yield
    s = time.perf_counter() - t
    TIMINGS[name] = TIMINGS.get(name, 0.0) + s
    print(f"stage {name:<22} {s:8.3f} s", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Reading


def read_layer(path):
    """Properties (list of dicts), geometries (a Shapely array) and the old-style `crs`
    member (None: lon/lat, RFC 7946) of a GeoJSON file."""
    with open(path, "rb") as fh:
        text = fh.read()
    fc = json.loads(text)
    feats = fc["features"]
    props = [f.get("properties") or {} for f in feats]
    # GEOS reads the whole FeatureCollection in one call: a GeometryCollection whose parts
    # are the features' geometries, in order.
    try:
        geoms = shapely.get_parts(shapely.from_geojson(text))
    except shapely.errors.GEOSException:
        geoms = None
    if geoms is None or len(geoms) != len(feats):
        # Simplified: a feature GEOS cannot read gets no geometry (None); planlint rejects it
        # with the reason, this baseline validates nothing.
        geoms = shapely.from_geojson(
            [json.dumps(f["geometry"]) if f.get("geometry") else None for f in feats], on_invalid="ignore"
        )
    crs = ((fc.get("crs") or {}).get("properties") or {}).get("name")
    if crs and crs.startswith("urn:ogc:def:crs:"):  # urn:ogc:def:crs:EPSG::4547
        auth, _, code = crs[len("urn:ogc:def:crs:"):].partition("::")
        crs = "EPSG:4326" if auth == "OGC" else f"{auth}:{code}"
    return props, geoms, crs


def column(props, name, dtype=float):
    """A numeric column, NaN where missing."""
    return np.array([np.nan if (v := p.get(name)) is None else v for p in props], dtype=dtype)


def str_column(props, name):
    return np.array([p.get(name) or "" for p in props], dtype=object)


def date_column(values):
    """ISO dates (or None/'') as int days since the epoch; NaT as a very large number."""
    NONE = np.iinfo(np.int64).max
    out = np.full(len(values), NONE, dtype=np.int64)
    for i, v in enumerate(values):
        if v:
            out[i] = np.datetime64(v, "D").astype(np.int64)
    return out


def day(s):
    return int(np.datetime64(str(s), "D").astype(np.int64))


def iso(d):
    if d is None or d >= np.iinfo(np.int64).max // 2:
        return None
    return str(np.datetime64(int(d), "D"))


def threshold(spec, as_of_year, default=None):
    """A profile ThresholdSpec (number, {value, year}, or a list of them) as of a year:
    (value, pending) where pending means the first dated value is not due yet."""
    if spec is None:
        return default, False
    if isinstance(spec, (int, float)):
        return float(spec), False
    if isinstance(spec, dict):
        spec = [spec]
    dated = sorted(spec, key=lambda s: s.get("year", 0))
    due = [s for s in dated if s.get("year", 0) <= as_of_year]
    if due:
        return float(due[-1]["value"]), False
    return float(dated[0]["value"]), True


def find_profile(plan_dir, name, profiles_dir):
    for cand in [
        name,
        os.path.join(plan_dir, name),
        os.path.join(profiles_dir, name + ".toml"),
        os.path.join(profiles_dir, name),
    ]:
        if os.path.isfile(cand):
            with open(cand, "rb") as fh:
                return tomllib.load(fh)
    sys.exit(f"python_stack: profile {name!r} not found (looked in {profiles_dir})")


# ---------------------------------------------------------------------------------------
# Geometry helpers


def reference_points(geoms):
    """rules.md: the point itself, a polygon's centroid, or its point on surface when the
    centroid falls outside."""
    ref = shapely.centroid(geoms)
    is_point = shapely.get_type_id(geoms) == 0
    ref[is_point] = geoms[is_point]
    poly = ~is_point
    shapely.prepare(geoms[poly])
    outside = np.zeros(len(geoms), bool)
    outside[poly] = ~shapely.intersects(geoms[poly], ref[poly])
    if outside.any():
        ref[outside] = shapely.point_on_surface(geoms[outside])
    return ref


def first_container(tree, points, n):
    """For each point, the smallest index of a tree polygon containing it (-1: none)."""
    pi, ti = tree.query(points, predicate="within")
    out = np.full(n, -1, dtype=np.int64)
    if len(pi):
        order = np.lexsort((ti, pi))
        pi, ti = pi[order], ti[order]
        first = np.unique(pi, return_index=True)[1]
        out[pi[first]] = ti[first]
    return out


def containers_one_per_level(tree, points, unit_level):
    """(point, unit) pairs of units containing each point, keeping the first unit of each
    level for a point on a shared boundary."""
    pi, ti = tree.query(points, predicate="within")
    if not len(pi):
        return pi, ti
    order = np.lexsort((ti, pi))
    pi, ti = pi[order], ti[order]
    key = pi * 16 + unit_level[ti]
    keep = np.unique(key, return_index=True)[1]
    return pi[keep], ti[keep]


# ---------------------------------------------------------------------------------------
# Network


class Network:
    """Junction nodes (shared vertices), edges (consecutive vertices), a CSR graph, and
    the segments' STRtree for snapping."""

    def __init__(self, roads, tolerance=0.0):
        coords, line = shapely.get_coordinates(roads, return_index=True)
        key = coords if tolerance <= 0 else np.round(coords / tolerance)  # Simplified: grid snap
        # Junctions: identical vertices are one node.
        self.nodes_xy, inv = np.unique(key, axis=0, return_inverse=True)
        inv = inv.ravel()
        if tolerance > 0:
            self.nodes_xy = self.nodes_xy * tolerance
        within = np.nonzero(line[1:] == line[:-1])[0]
        a, b = inv[within], inv[within + 1]
        keep = a != b
        self.a, self.b = a[keep], b[keep]
        pa, pb = coords[within[keep]], coords[within[keep] + 1]
        self.length = np.hypot(*(pb - pa).T)
        self.n = len(self.nodes_xy)
        self.segments = shapely.linestrings(np.stack([pa, pb], axis=1))
        self.tree = shapely.STRtree(self.segments)
        self.node_tree = None

    def snap(self, points):
        """Nearest point on the nearest segment (ties: smallest edge id): (edge, offset, leg)."""
        (pi, ei), d = self.tree.query_nearest(points, all_matches=True, return_distance=True)
        order = np.lexsort((ei, pi))
        pi, ei, d = pi[order], ei[order], d[order]
        first = np.unique(pi, return_index=True)[1]
        edge = np.full(len(points), -1, dtype=np.int64)
        leg = np.full(len(points), np.inf)
        edge[pi[first]] = ei[first]
        leg[pi[first]] = d[first]
        ok = edge >= 0
        offset = np.zeros(len(points))
        offset[ok] = np.minimum(
            shapely.line_locate_point(self.segments[edge[ok]], points[ok]), self.length[edge[ok]]
        )
        return edge, offset, leg

    def snap_to_node(self, points):
        """The alternative: nearest junction node, expressed as a snap onto one of its edges."""
        if self.node_tree is None:
            self.node_tree = cKDTree(self.nodes_xy)
        leg, node = self.node_tree.query(shapely.get_coordinates(points))
        # An edge at that node: offset 0 at its a end, or its length at its b end.
        first_a = np.full(self.n, -1)
        first_a[self.a[::-1]] = np.arange(len(self.a))[::-1]
        first_b = np.full(self.n, -1)
        first_b[self.b[::-1]] = np.arange(len(self.b))[::-1]
        edge = np.where(first_a[node] >= 0, first_a[node], first_b[node])
        offset = np.where(first_a[node] >= 0, 0.0, self.length[np.maximum(edge, 0)])
        return edge, offset, leg

    def graph(self, src_edge, src_off, src_leg):
        """The CSR graph with one extra node per source, joined to both ends of its edge by
        leg + offset and leg + length - offset (so a multi-source search starts at the
        sources' own positions)."""
        k = len(src_edge)
        v = self.n + np.arange(k)
        i = np.concatenate([self.a, v, v])
        j = np.concatenate([self.b, self.a[src_edge], self.b[src_edge]])
        w = np.concatenate(
            [self.length, src_leg + src_off, src_leg + self.length[src_edge] - src_off]
        )
        # Parallel edges: keep the shortest (CSR would add them up); no zero weights, which
        # sparse graphs would read as "no edge".
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        key = lo * (self.n + k) + hi
        order = np.lexsort((w, key))
        first = order[np.unique(key[order], return_index=True)[1]]
        w = np.maximum(w[first], 1e-9)
        size = self.n + k
        return csr_matrix((w, (lo[first], hi[first])), shape=(size, size)), v


def same_edge_pairs(f_edge, c_edge):
    """All (facility, compound) pairs snapped onto the same edge."""
    order = np.argsort(f_edge, kind="stable")
    se = f_edge[order]
    lo = np.searchsorted(se, c_edge, "left")
    hi = np.searchsorted(se, c_edge, "right")
    cnt = hi - lo
    comp = np.repeat(np.arange(len(c_edge)), cnt)
    start = np.repeat(lo, cnt)
    rank = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    return order[start + rank], comp


# ---------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("plan_dir")
    ap.add_argument("out")
    ap.add_argument(
        "--profiles",
        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "profiles"),
    )
    ap.add_argument("--snap", choices=["segment", "node"], default="segment",
                    help="snap to the nearest point of the nearest segment (rules.md), or to the nearest node")
    ap.add_argument("--no-2sfca", action="store_true", help="skip the 2SFCA access scores")
    ap.add_argument("--chunk", type=int, default=256, help="sources per bounded Dijkstra call (2SFCA)")
    args = ap.parse_args()
    d = args.plan_dir

    # ---------------------------------------------------------------- read
    with stage("read"):
        settings = {}
        if os.path.isfile(os.path.join(d, "plan.toml")):
            with open(os.path.join(d, "plan.toml"), "rb") as fh:
                settings = tomllib.load(fh)
        profile = find_profile(d, settings.get("profile", "anyang-2017"), args.profiles)
        rules = profile.get("rules", {})
        as_of_s = str(settings.get("as_of", dt.date.today().isoformat()))
        as_of = day(as_of_s)
        year = int(as_of_s[:4])
        household_size = float(profile.get("household_size", 2.62))

        layer_settings = settings.get("layers", {})

        def layer(name):
            """A layer's file: plan.toml's [layers.<name>] path, else <name>.geojson/.json."""
            given = layer_settings.get(name, {}).get("path")
            for p in [os.path.join(d, given)] if given else [os.path.join(d, name + e) for e in (".geojson", ".json")]:
                if os.path.isfile(p):
                    return read_layer(p)
            return None

        compounds, facilities, units, roads = (layer(n) for n in ("compounds", "facilities", "units", "roads"))
        c_props, c_geom = compounds[:2]
        f_props, f_geom = facilities[:2]
        layer_crs = {name: layer_settings.get(name, {}).get("crs") or (lay[2] if lay else None) or "EPSG:4326"
                     for name, lay in (("compounds", compounds), ("facilities", facilities),
                                       ("units", units), ("roads", roads))}
        u_props, u_geom = units[:2] if units else ([], np.array([], dtype=object))
        phases = []
        if os.path.isfile(os.path.join(d, "phases.csv")):
            with open(os.path.join(d, "phases.csv"), newline="", encoding="utf-8") as fh:
                phases = list(csv.DictReader(fh))

        # Attribute columns.
        c_id = str_column(c_props, "id")
        c_hh = column(c_props, "households")
        c_pop = column(c_props, "population")
        c_pop = np.where(np.isnan(c_pop), c_hh * household_size, c_pop)
        c_status = str_column(c_props, "status")
        c_area_type = np.array([p.get("area_type") or "urban" for p in c_props], dtype=object)
        c_resfa = column(c_props, "residential_floor_area")
        c_totfa = column(c_props, "total_floor_area")
        f_id = str_column(f_props, "id")
        f_kind = str_column(f_props, "kind")
        f_floor = column(f_props, "floor_area")
        f_land = column(f_props, "land_area")
        f_beds = column(f_props, "beds")
        f_nursing = column(f_props, "nursing_beds")
        f_medical = np.array([p.get("medical_care") is True for p in f_props])
        f_medical_known = np.array([p.get("medical_care") is not None for p in f_props])
        f_operator = str_column(f_props, "operator")
        f_compound_id = str_column(f_props, "compound_id")
        f_start = date_column([p.get("construction_start") for p in f_props])
        f_done = date_column([p.get("completion_date") for p in f_props])
        u_id = str_column(u_props, "id")
        u_name = str_column(u_props, "name")
        u_level_s = str_column(u_props, "level")
        u_pop = column(u_props, "population")
        u_elderly = column(u_props, "elderly_population")
        nc, nf, nu = len(c_geom), len(f_geom), len(u_geom)

    # ---------------------------------------------------------------- project
    with stage("project"):
        crs = settings.get("working_crs")
        if not crs:
            b = shapely.bounds(c_geom)
            lon = float(np.median((b[:, 0] + b[:, 2]) / 2))
            lat = float(np.median((b[:, 1] + b[:, 3]) / 2))
            if layer_crs["compounds"] != "EPSG:4326":
                lon, lat = pyproj.Transformer.from_crs(layer_crs["compounds"], "EPSG:4326", always_xy=True).transform(lon, lat)
            cm = round(lon / 3) * 3
            if 75 <= cm <= 135 and 3 <= lat <= 54:
                crs = f"EPSG:{4534 + (cm - 75) // 3}"
            else:  # UTM outside China
                crs = f"EPSG:{(32600 if lat >= 0 else 32700) + int((lon + 180) // 6) + 1}"
        # Simplified: a layer is lon/lat (RFC 7946) unless plan.toml or the file's `crs`
        # member names a CRS; the GCJ-02 / BD-09 offsets of Chinese web maps are not handled.
        def to_metric(name, geoms):
            src = layer_crs[name]
            if src == crs:
                return geoms
            tr = pyproj.Transformer.from_crs(src, crs, always_xy=True)

            def f(xy):
                x, y = tr.transform(xy[:, 0], xy[:, 1])
                return np.column_stack([x, y])

            return shapely.transform(geoms, f)

        c_geom = to_metric("compounds", c_geom)
        f_geom = to_metric("facilities", f_geom)
        if nu:
            u_geom = to_metric("units", u_geom)
        if roads:
            r_geom = to_metric("roads", roads[1])

    # ---------------------------------------------------------------- reference points
    with stage("reference points"):
        c_ref = reference_points(c_geom)
        f_ref = reference_points(f_geom)
        # land_area, else a parcel's planar area; a point facility has none.
        f_is_poly = shapely.get_type_id(f_geom) != 0
        f_land = np.where(np.isnan(f_land) & f_is_poly, shapely.area(f_geom), f_land)
        c_xy = shapely.get_coordinates(c_ref)
        f_xy = shapely.get_coordinates(f_ref)

    # ---------------------------------------------------------------- joins
    with stage("joins"):
        # Facility -> compound: compound_id, else the first compound containing it.
        c_tree = shapely.STRtree(c_geom)
        f_comp = first_container(c_tree, f_ref, nf)
        by_id = {k: i for i, k in enumerate(c_id)}
        named = np.nonzero(f_compound_id != "")[0]
        for i in named:
            j = by_id.get(f_compound_id[i])
            if j is not None:
                f_comp[i] = j
        # Compounds and facilities -> units (one unit per level).
        levels = sorted(set(u_level_s))
        u_level = np.array([levels.index(x) for x in u_level_s], dtype=np.int64)
        if nu:
            u_tree = shapely.STRtree(u_geom)
            cu_c, cu_u = containers_one_per_level(u_tree, c_ref, u_level)
            fu_f, fu_u = containers_one_per_level(u_tree, f_ref, u_level)
        else:
            cu_c = cu_u = fu_f = fu_u = np.array([], dtype=np.int64)
        # Phases -> compounds.
        ph_c = np.array([by_id.get(r["compound_id"], -1) for r in phases], dtype=np.int64)
        ph_fa = np.array([float(r["floor_area"] or "nan") for r in phases])
        ph_done = date_column([r.get("completion_date") for r in phases])

    kind_mask = lambda kinds: np.isin(f_kind, list(kinds))  # noqa: E731
    compounds_out = {"id": c_id.tolist()}
    units_out = {}
    city_out = {}

    # ---------------------------------------------------------------- floor area per 100 households
    if "floor-area-per-households" in rules:
        with stage("floor-area"):
            r = rules["floor-area-per-households"]
            req_new, pend_new = threshold(r.get("new"), year)
            req_old, pend_old = threshold(r.get("existing"), year)
            m = kind_mask(r.get("kinds", COMMUNITY_KINDS)) & (f_comp >= 0)
            area = np.bincount(f_comp[m], weights=np.nan_to_num(f_floor[m]), minlength=nc)
            missing_fa = np.bincount(f_comp[m], weights=np.isnan(f_floor[m]), minlength=nc) > 0
            required = np.where(c_status == "new", req_new, np.where(c_status == "existing", req_old, np.nan))
            with np.errstate(divide="ignore", invalid="ignore"):
                measured = area * 100.0 / c_hh
            status = np.where(measured + 1e-9 >= required, "pass", "fail").astype(object)
            status[(c_status == "new") & pend_new | (c_status == "existing") & pend_old] = "pending"
            status[c_hh == 0] = "not_applicable"
            status[np.isnan(c_hh) | np.isnan(required) | missing_fa] = "insufficient_data"
            short = np.maximum(required * c_hh / 100.0 - area, 0.0)
            compounds_out["floor_area_per_households"] = dict(
                status=status, measured=measured, required=required, floor_area=area, missing_floor_area=short
            )

    # ---------------------------------------------------------------- construction timing
    if "construction-timing" in rules and len(phases):
        with stage("construction-timing"):
            r = rules["construction-timing"]
            share = float(r.get("share", 0.5))
            NONE = np.iinfo(np.int64).max
            ok = ph_c >= 0
            pc, pfa, pdone = ph_c[ok], ph_fa[ok], ph_done[ok]
            n_ph = np.bincount(pc, minlength=nc)
            total = np.where(np.isnan(c_resfa), np.bincount(pc, weights=pfa, minlength=nc), c_resfa)
            if r.get("total") == "plot":  # Xuchang: the plot's whole construction when given
                total = np.where(np.isnan(c_totfa), total, c_totfa)
            # Simplified: a phase without a completion date never completes (no date range).
            dated = pdone != NONE
            pc, pfa, pdone = pc[dated], pfa[dated], pdone[dated]
            order = np.lexsort((pdone, pc))
            pc, pfa, pdone = pc[order], pfa[order], pdone[order]
            grp_start = np.unique(pc, return_index=True)[1]
            t1 = np.full(nc, NONE)
            t1[pc[grp_start]] = pdone[grp_start]
            cum = np.cumsum(pfa)
            base = np.repeat(cum[grp_start] - pfa[grp_start], np.diff(np.append(grp_start, len(pc))))
            reached = (cum - base) + 1e-9 >= share * total[pc]
            t50 = np.full(nc, NONE)
            rc = pc[reached]
            if len(rc):
                first = np.unique(rc, return_index=True)[1]
                t50[rc[first]] = pdone[reached][first]
            # Milestone: the earliest date among the compound's facilities of the kinds.
            mdate = f_done if r.get("milestone", "completion") == "completion" else np.where(f_start != NONE, f_start, f_done)
            m = kind_mask(r.get("kinds", COMMUNITY_KINDS + INSTITUTION_KINDS + ["rural_home"])) & (f_comp >= 0)
            M = np.full(nc, NONE)
            np.minimum.at(M, f_comp[m], mdate[m])
            has_m = M != NONE

            def deadline_date(kind):
                return t1 if kind == "first_phase" else t50

            def meets(kind):
                dd = deadline_date(kind)
                return (M <= dd) if kind == "first_phase" else (M < dd)

            primary = r.get("deadline", "first_phase")
            fallback = r.get("fallback")
            final = fallback or primary
            status = np.full(nc, "fail", dtype=object)
            passed = has_m & meets(primary)
            via_fallback = has_m & ~passed & (meets(fallback) if fallback else False)
            status[passed | via_fallback] = "pass"
            final_due = deadline_date(final)
            status[~has_m & (final_due > as_of)] = "pending"
            status[(t1 == NONE) | (deadline_date(final) == NONE)] = "insufficient_data"
            status[n_ph == 0] = "insufficient_data"
            status[c_status != "new"] = "not_applicable"
            status[c_status == ""] = "insufficient_data"
            compounds_out["construction_timing"] = dict(
                status=status, milestone=M, t1=t1, t50=t50, fallback=via_fallback
            )

    # ---------------------------------------------------------------- service circle
    circle = net = None
    if "service-circle" in rules:
        r = rules["service-circle"]
        d0, _ = threshold(r.get("max_distance"), year)
        speed = threshold(r.get("walking_speed"), year)[0]
        qual = np.nonzero(kind_mask(r.get("kinds", COMMUNITY_KINDS)))[0]
        urban = np.isin(c_area_type, r.get("area_types", ["urban"]))
        subj = np.nonzero(urban)[0]
        dist = np.full(nc, np.nan)
        nearest = np.full(nc, -1, dtype=np.int64)
        net = None
        if roads and len(qual) and len(subj):
            with stage("network build"):
                net = Network(r_geom, float(settings.get("layers", {}).get("roads", {}).get("snap_tolerance", 0.0)))
            with stage("snap"):
                snap = net.snap if args.snap == "segment" else net.snap_to_node
                ce, co, cl = snap(c_ref[subj])
                fe, fo, fl = snap(f_ref[qual])
                fok = fe >= 0
                q_src, fe, fo, fl = qual[fok], fe[fok], fo[fok], fl[fok]
                G, vnodes = net.graph(fe, fo, fl)
                # Facilities and compounds on one edge walk it directly.
                sp_f, sp_c = same_edge_pairs(fe, ce)
                sp_d = fl[sp_f] + np.abs(fo[sp_f] - co[sp_c]) + cl[sp_c]
            with stage("circle dijkstra"):
                dn, _, src = dijkstra(G, directed=False, indices=vnodes, min_only=True, return_predecessors=True)
                ok = ce >= 0
                a, b, L = net.a[ce], net.b[ce], net.length[ce]
                da = dn[a] + co
                db = dn[b] + (L - co)
                best = np.where(da <= db, da, db)
                bsrc = np.where(da <= db, src[a], src[b])
                # Same-edge facilities: the direct walk when shorter.
                if len(sp_c):
                    o = np.lexsort((sp_d, sp_c))
                    firsts = o[np.unique(sp_c[o], return_index=True)[1]]
                    cc, dd, ff = sp_c[firsts], sp_d[firsts], sp_f[firsts]
                    better = dd - cl[cc] < best[cc]
                    best[cc[better]] = dd[better] - cl[cc[better]]
                    bsrc[cc[better]] = vnodes[ff[better]]
                reach = ok & np.isfinite(best) & (bsrc >= 0)
                dist[subj[reach]] = best[reach] + cl[reach]
                nearest[subj[reach]] = q_src[bsrc[reach] - net.n]
            method = "network"
        elif roads:  # nothing to walk to, or nobody walking
            method = "network"
        else:
            with stage("circle straight-line"):
                if len(qual):
                    tree = cKDTree(f_xy[qual])
                    dd, ii = tree.query(c_xy[subj])
                    dist[subj] = dd
                    nearest[subj] = qual[ii]
            method = "straight_line"
        with stage("circle verdicts"):
            inside = urban & (dist <= d0 + 1e-9)
            status = np.where(inside, "pass", "fail").astype(object)
            status[~urban] = "not_applicable"
            circle = dict(status=status, distance=dist, over_by=np.maximum(dist - d0, 0.0),
                          minutes=dist / speed if speed else dist * np.nan,
                          nearest_facility=np.where(nearest >= 0, f_id[np.maximum(nearest, 0)], None),
                          method=method, max_distance=d0)
            compounds_out["service_circle"] = circle

        # ------------------------------------------------------------ 2SFCA
        if not args.no_2sfca:
            with stage("2sfca"):
                supply_ok = ~np.isnan(f_floor)
                # Sources: the snapped qualifying facilities with a floor area (positions in
                # q_src / vnodes).
                sel = np.nonzero(supply_ok[q_src])[0] if net is not None else []
                if net is not None and len(sel):
                    # Walking is never shorter than the straight line: the candidate pairs
                    # are the straight-line pairs within d0.
                    sxy = f_xy[q_src[sel]]
                    cand = cKDTree(sxy).sparse_distance_matrix(cKDTree(c_xy[subj]), d0, output_type="coo_matrix")
                    cr, ck = cand.row, cand.col
                    # Bounded searches, a tile of sources at a time on the part of the graph
                    # within d0 of the tile (no walk of at most d0 leaves it).
                    lo_xy = sxy.min(axis=0)
                    span = np.maximum(sxy.max(axis=0) - lo_xy, 1.0)
                    tile = float(np.sqrt(span[0] * span[1] * args.chunk / max(len(sel), 1)))
                    txy = np.floor((sxy - lo_xy) / tile).astype(np.int64)
                    tkey = txy[:, 0] * (txy[:, 1].max() + 1) + txy[:, 1]
                    pair_tile = tkey[cr]
                    porder = np.argsort(pair_tile, kind="stable")
                    cr, ck, pair_tile = cr[porder], ck[porder], pair_tile[porder]
                    a_all, b_all, L_all = net.a[ce], net.b[ce], net.length[ce]
                    node_x, node_y = net.nodes_xy[:, 0], net.nodes_xy[:, 1]
                    loc = np.full(G.shape[0], -1, dtype=np.int64)
                    pj, pk = [], []
                    for t in np.unique(tkey):
                        rows = np.nonzero(tkey == t)[0]
                        (x0, y0), (x1, y1) = sxy[rows].min(axis=0) - d0, sxy[rows].max(axis=0) + d0
                        inbox = np.nonzero((node_x >= x0) & (node_x <= x1) & (node_y >= y0) & (node_y <= y1))[0]
                        keep = np.concatenate([inbox, vnodes[sel[rows]]])
                        sub = G[keep][:, keep]
                        loc[keep] = np.arange(len(keep))
                        D = dijkstra(sub, directed=False, indices=np.arange(len(inbox), len(keep)), limit=d0)
                        row_of = np.full(len(sel), -1, dtype=np.int64)
                        row_of[rows] = np.arange(len(rows))
                        lo_p, hi_p = np.searchsorted(pair_tile, [t, t + 1])
                        r, k = cr[lo_p:hi_p], ck[lo_p:hi_p]
                        i = row_of[r]
                        la, lb = loc[a_all[k]], loc[b_all[k]]
                        da = np.where(la >= 0, D[i, np.maximum(la, 0)], np.inf) + co[k]
                        db = np.where(lb >= 0, D[i, np.maximum(lb, 0)], np.inf) + (L_all[k] - co[k])
                        dist_p = np.minimum(da, db)
                        same = fe[sel[r]] == ce[k]  # the direct walk along a shared edge
                        dist_p[same] = np.minimum(dist_p[same], fl[sel[r[same]]] + np.abs(fo[sel[r[same]]] - co[k[same]]))
                        dist_p += cl[k]
                        ok = dist_p <= d0
                        pj.append(q_src[sel[r[ok]]])
                        pk.append(subj[k[ok]])
                        loc[keep] = -1
                    pj = np.concatenate(pj) if pj else np.array([], int)
                    pk = np.concatenate(pk) if pk else np.array([], int)
                elif roads:
                    pj = pk = np.array([], dtype=np.int64)
                else:
                    src_f = qual[supply_ok[qual]]
                    ft, ct = cKDTree(f_xy[src_f]), cKDTree(c_xy[subj])
                    sdm = ft.sparse_distance_matrix(ct, d0, output_type="coo_matrix")
                    pj, pk = src_f[sdm.row], subj[sdm.col]
                pop = np.nan_to_num(c_pop)
                demand = np.bincount(pj, weights=pop[pk], minlength=nf).astype(float)
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(demand > 0, np.nan_to_num(f_floor) / demand, 0.0)
                score = np.bincount(pk, weights=ratio[pj], minlength=nc).astype(float)
                score[~urban] = np.nan
                circle["access_2sfca"] = score
                circle["pairs_2sfca"] = int(len(pj))

    # ---------------------------------------------------------------- area rules
    with stage("area rules"):
        unit_of_level = lambda sel: np.array([u_level_s[i] in LEVEL_MATCH[sel] for i in range(nu)], bool)  # noqa: E731

        def per_unit(weights, fmask=None):
            m = np.ones(len(fu_f), bool) if fmask is None else fmask[fu_f]
            return np.bincount(fu_u[m], weights=None if weights is None else weights[fu_f[m]], minlength=nu)

        def area_metric(rule, num, den, scale=1.0):
            r = rules[rule]
            spec = r.get("min", r.get("max"))
            bound = "min" if "min" in r else "max"
            req, pending = threshold(spec, year)
            subjects = np.zeros(nu, bool)
            for lv in r.get("levels", []) + r.get("info_levels", []):
                subjects |= unit_of_level(lv)
            with np.errstate(divide="ignore", invalid="ignore"):
                measured = num * scale / den
            ok = measured + 1e-12 >= req if bound == "min" else measured <= req + 1e-12
            status = np.where(ok, "pass", "fail").astype(object)
            status[np.isnan(measured) | ~np.isfinite(measured)] = "insufficient_data"
            if pending:
                status[:] = "pending"
            status[~subjects] = None
            units_out[rule] = dict(status=status, measured=measured, required=np.full(nu, req))

        all_f = np.ones(nf, bool)
        beds0 = np.nan_to_num(f_beds)

        def measured_kinds(rule, default=None):
            """The facilities an area metric measures: the profile's `kinds`, else all."""
            kinds = rules[rule].get("kinds", default)
            return all_f if kinds is None else kind_mask(kinds)

        if "land-per-capita" in rules:
            k = measured_kinds("land-per-capita")
            area_metric("land-per-capita", per_unit(np.nan_to_num(f_land), k), u_pop)
        if "beds-per-thousand-elderly" in rules:
            k = measured_kinds("beds-per-thousand-elderly")
            any_beds = per_unit((~np.isnan(f_beds)).astype(float), k) > 0
            area_metric("beds-per-thousand-elderly", np.where(any_beds, per_unit(beds0, k), np.nan), u_elderly, 1000.0)
        if "total-beds" in rules:
            area_metric("total-beds", per_unit(beds0, measured_kinds("total-beds")), np.ones(nu))
        if "nursing-bed-share" in rules:
            k = measured_kinds("nursing-bed-share")
            area_metric("nursing-bed-share", per_unit(np.nan_to_num(f_nursing), k), per_unit(beds0, k))
        if "government-bed-share" in rules:
            k = measured_kinds("government-bed-share")
            gov = (f_operator == "government").astype(float)
            area_metric("government-bed-share", per_unit(beds0 * gov, k), per_unit(beds0, k))
        if "private-institution-share" in rules:
            r = rules["private-institution-share"]
            ops = r.get("operators", ["private"])
            inst = measured_kinds("private-institution-share", INSTITUTION_KINDS)
            area_metric("private-institution-share",
                        per_unit((inst & np.isin(f_operator, ops)).astype(float)), per_unit(inst.astype(float)))

        # Coverage: the share of units of each level that contain a facility of the kinds.
        if "facility-coverage" in rules:
            cov = []
            for t in rules["facility-coverage"].get("targets", []):
                lv = unit_of_level(t["level"])
                has = per_unit(None, kind_mask(t["kinds"])) > 0
                req, pending = threshold(t.get("share"), year)
                n_units = int(lv.sum())
                share = float(has[lv].mean()) if n_units else None
                cov.append(dict(level=t["level"], units=n_units, covered=int(has[lv].sum()), share=share,
                                required=req,
                                status=None if share is None else ("pending" if pending else ("pass" if share + 1e-12 >= req else "fail")),
                                without=u_id[lv & ~has].tolist()))
            city_out["facility-coverage"] = cov

        # Requirements counted per unit: facility-count targets and county-institutions.
        def requirement_mask(t):
            m = kind_mask(t["kinds"]) if "kinds" in t else all_f.copy()
            if t.get("medical_care"):
                m &= f_medical & f_medical_known
            if "min_beds" in t:
                m &= np.nan_to_num(f_beds) >= t["min_beds"]
            if "operators" in t:
                m &= np.isin(f_operator, t["operators"])
            if "stage" in t:
                cutoff = day(f"{t.get('year', year)}-12-31")
                NONE = np.iinfo(np.int64).max
                started = np.where(f_start != NONE, f_start, f_done)
                m &= (started if t["stage"] == "started" else f_done) <= cutoff
            return m

        for rule, key in (("facility-count", "targets"), ("county-institutions", "requirements")):
            if rule not in rules:
                continue
            out = []
            for t in rules[rule].get(key, []):
                lv = unit_of_level(t["level"])
                if t["level"] == "city" and not lv.any():
                    counts, ids = np.array([requirement_mask(t).sum()]), ["plan"]
                else:
                    counts, ids = per_unit(None, requirement_mask(t))[lv], u_id[lv].tolist()
                need = int(t.get("min_count", 1))
                pending = t.get("year", 0) > year
                out.append(dict(label=t.get("label_en") or t.get("label") or t.get("key"), level=t["level"],
                                units=ids, counts=counts.astype(int).tolist(), required=need,
                                failing=[i for i, c in zip(ids, counts) if c < need and not pending]))
            city_out[rule] = out

        # The circle's coverage per unit: urban compounds and their population inside.
        if circle is not None:
            urb = np.isin(c_area_type, rules["service-circle"].get("area_types", ["urban"]))
            m = urb[cu_c]
            ins = (circle["status"] == "pass")
            pop = np.nan_to_num(c_pop)
            n_c = np.bincount(cu_u[m], minlength=nu)
            n_in = np.bincount(cu_u[m], weights=ins[cu_c[m]], minlength=nu)
            p_all = np.bincount(cu_u[m], weights=pop[cu_c[m]], minlength=nu)
            p_in = np.bincount(cu_u[m], weights=(pop * ins)[cu_c[m]], minlength=nu)
            with np.errstate(divide="ignore", invalid="ignore"):
                units_out["service-circle"] = dict(compounds=n_c, inside=n_in, population=p_all, population_inside=p_in,
                                                   share_compounds=n_in / n_c, share_population=p_in / p_all)
            city_out["service-circle"] = dict(
                method=circle["method"], max_distance=circle["max_distance"],
                compounds=int(urb.sum()), inside=int(ins.sum()),
                share_compounds=float(ins.sum() / max(urb.sum(), 1)),
                share_population=float((pop * ins).sum() / max((pop * urb).sum(), 1e-9)),
                no_path=int((urb & np.isnan(circle["distance"])).sum()),
            )

    # ---------------------------------------------------------------- write
    with stage("write json"):
        def clean(v):
            if isinstance(v, np.ndarray):
                if v.dtype.kind == "f":
                    return [None if not np.isfinite(x) else round(x, 6) for x in v.tolist()]
                if v.dtype.kind == "i" and v.dtype == np.int64 and (v == np.iinfo(np.int64).max).any():
                    return [iso(x) for x in v.tolist()]
                return v.tolist()
            return v

        def rows(table, n, ids):
            cols = {}
            for rule, fields in table.items():
                if rule == "id":
                    continue
                cols[rule] = {k: clean(v) for k, v in fields.items() if isinstance(v, np.ndarray)}
            out = []
            for i in range(n):
                row = {"id": ids[i]}
                for rule, fields in cols.items():
                    row[rule] = {k: v[i] for k, v in fields.items()}
                out.append(row)
            return out

        report = {
            "plan": dict(dir=os.path.abspath(d), profile=profile.get("id"), as_of=as_of_s, working_crs=crs,
                         compounds=nc, facilities=nf, units=nu, phases=len(phases),
                         roads=int(len(roads[1])) if roads else 0,
                         network=dict(nodes=int(net.n), edges=int(len(net.a)),
                                      length_m=round(float(net.length.sum()), 3)) if net is not None else None),
            "compounds": rows(compounds_out, nc, c_id.tolist()),
            "units": [dict(r, name=u_name[i], level=u_level_s[i]) for i, r in enumerate(rows(units_out, nu, u_id.tolist()))],
            "city": city_out,
        }
        for r in report["units"]:
            for k in list(r):
                if isinstance(r[k], dict) and r[k].get("status", 0) is None:
                    del r[k]
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(report, fh, ensure_ascii=False)

    end = time.perf_counter()
    print(f"total {'(imports included)':<22} {end - START:8.3f} s   (work after imports {end - T0:.3f} s)",
          file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
