#!/usr/bin/env python3
"""PySAL spopt's LSCP (location set covering) on the instance `planlint fix --select
service-circle` solves: the same candidate sites (every compound's reference point), the
same compounds to bring inside the circle (the urban compounds the check finds outside
it, less those no site reaches), the same walking distances (snapped onto the network as
rules.md says, multi-source Dijkstra with SciPy, benches/python_stack.py's Network) —
the distance matrix computed beforehand, then the model built and solved by spopt with
PuLP's CBC. Prints one JSON line: the sites chosen, the solve's seconds (spopt's
`solve` alone), the matrix's and the model's.

    spopt_lscp.py PLAN_DIR OUTSIDE_IDS.json [--time-limit S]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import pulp
import shapely
from scipy.sparse.csgraph import dijkstra
from spopt.locate import LSCP

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_stack import Network, read_layer, reference_points  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402

# Segments this much farther than the nearest are as near (planlint's TIE, rules.md).
TIE = 0.01


def entries(net, points):
    """Where each point meets the network: the nearest point of every segment within TIE
    of its nearest. Arrays (point, edge, offset along the edge, leg)."""
    (_, _), d = net.tree.query_nearest(points, return_distance=True, all_matches=False)
    pi, ei = net.tree.query(points, predicate="dwithin", distance=d + TIE)
    leg = shapely.distance(points[pi], net.segments[ei])
    keep = leg <= d[pi] + TIE
    pi, ei, leg = pi[keep], ei[keep], leg[keep]
    off = np.minimum(shapely.line_locate_point(net.segments[ei], points[pi]), net.length[ei])
    return pi, ei, off, leg


def graph(net, src, edge, off, leg, k):
    """The network's CSR graph with one node per source (n + source), joined to both ends
    of each of its entries' edges; parallel edges keep the shortest."""
    v = net.n + src
    i = np.concatenate([net.a, v, v])
    j = np.concatenate([net.b, net.a[edge], net.b[edge]])
    w = np.concatenate([net.length, leg + off, leg + net.length[edge] - off])
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    size = net.n + k
    key = lo * size + hi
    order = np.lexsort((w, key))
    first = order[np.unique(key[order], return_index=True)[1]]
    return csr_matrix((np.maximum(w[first], 1e-9), (lo[first], hi[first])), shape=(size, size))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan_dir")
    ap.add_argument("outside", help="JSON: the ids of the compounds outside the circle, and max_distance, working_crs")
    ap.add_argument("--time-limit", type=float, default=600.0)
    ap.add_argument("--chunk", type=int, default=256)
    args = ap.parse_args()
    given = json.load(open(args.outside))
    d0 = float(given["max_distance"])

    t0 = time.perf_counter()
    import pyproj

    props, geoms, crs = read_layer(os.path.join(args.plan_dir, "compounds.geojson"))
    _, roads, _ = read_layer(os.path.join(args.plan_dir, "roads.geojson"))
    tr = pyproj.Transformer.from_crs(crs or "EPSG:4326", given["working_crs"], always_xy=True)

    def metric(g):
        return shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))

    geoms, roads = metric(geoms), metric(roads)
    ref = reference_points(geoms)
    ids = [str(p.get("id")) for p in props]
    index = {k: i for i, k in enumerate(ids)}
    clients = np.array([index[k] for k in given["outside"]], dtype=np.int64)
    net = Network(roads)
    sp, se, so, sl = entries(net, ref)
    sites = np.unique(sp)
    site_of = np.full(len(ref), -1)
    site_of[sites] = np.arange(len(sites))
    G = graph(net, site_of[sp], se, so, sl, len(sites))
    cp, ce, co, cl = entries(net, ref[clients])
    a, b, L = net.a[ce], net.b[ce], net.length[ce]
    cost = np.full((len(clients), len(sites)), np.inf)
    for start in range(0, len(sites), args.chunk):
        rows = np.arange(start, min(start + args.chunk, len(sites)))
        dn = dijkstra(G, directed=False, indices=net.n + rows, limit=d0 + 1e-6)
        by_entry = (np.minimum(dn[:, a] + co, dn[:, b] + (L - co)) + cl).T
        block = np.full((len(clients), len(rows)), np.inf)
        np.minimum.at(block, cp, by_entry)
        cost[:, rows] = block
    # A site and a compound meeting one edge walk it directly.
    for e in np.intersect1d(se, ce):
        s_at, c_at = np.nonzero(se == e)[0], np.nonzero(ce == e)[0]
        d = sl[s_at][None, :] + np.abs(so[s_at][None, :] - co[c_at][:, None]) + cl[c_at][:, None]
        np.minimum.at(cost, (np.repeat(cp[c_at], len(s_at)), np.tile(site_of[sp[s_at]], len(c_at))), d.ravel())
    reached = (cost <= d0 + 1e-9).any(axis=1)
    cost = cost[reached]
    matrix_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    lscp = LSCP.from_cost_matrix(np.where(np.isfinite(cost), cost, 1e12), service_radius=d0 + 1e-9)
    model_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    lscp = lscp.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=args.time_limit, threads=1))
    solve_s = time.perf_counter() - t2
    chosen = int(sum(1 for v in lscp.fac_vars if v.value() and v.value() > 0.5))
    print(
        json.dumps(
            {
                "clients": int(reached.sum()),
                "unreached": int((~reached).sum()),
                "sites": chosen,
                # CBC stopped by its time limit with a cover says "Optimal" in LpStatus; the
                # solution's status says whether it is proven.
                "status": pulp.LpSolution[lscp.problem.sol_status],
                "matrix_seconds": round(matrix_s, 2),
                "model_seconds": round(model_s, 2),
                "solve_seconds": round(solve_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
