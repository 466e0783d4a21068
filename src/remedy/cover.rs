//! The fewest sites that reach every target: set cover, as one integer program solved
//! exactly by HiGHS (one binary variable per site, one row per target: at least one site
//! reaching it chosen; minimise the sites). Greedy (the site reaching the most targets still
//! uncovered, then the next), bettered by a local search ([`row_weighting`]), seeds the
//! solver; greedy's count is kept beside the result: it can need more sites than the
//! optimum, which is why it may not replace it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use highs::{HighsModelStatus, RowProblem, Sense};
use serde::Serialize;

use super::row_weighting;
use crate::analysis::covering;

/// A cover to find: for each target, the sites that reach it (ascending, none empty).
#[derive(Debug, Clone, Default)]
pub struct Cover {
    pub sites: usize,
    pub reach: Vec<Vec<usize>>,
}

/// The sites chosen and what the solver proved of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Solved {
    /// The sites, ascending.
    #[serde(skip)]
    pub chosen: Vec<usize>,
    /// How many sites (the objective).
    pub objective: f64,
    /// The solver's lower bound on it: no cover has fewer sites.
    pub bound: f64,
    /// The objective is proven the least (the bound reaches it).
    pub optimal: bool,
    /// How many sites greedy needs.
    pub greedy: usize,
    /// The solver's time, in seconds.
    pub seconds: f64,
}

/// Greedy set cover: the sites, in the order chosen — each the site reaching the most
/// targets still uncovered, on ties the lowest.
///
/// Lazily: a site's gain only falls as targets are covered, so the sites wait in a heap
/// under the gain they last had, and the one on top, its gain counted again, is taken when
/// the count stands (every other's is at most what it waits under) and put back under the
/// new count when not. Counting every site's gain at every choice took 30 s for the 47,302
/// compounds outside the 100k city's circle.
pub fn greedy(cover: &Cover) -> Vec<usize> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut targets_of: Vec<Vec<usize>> = vec![Vec::new(); cover.sites];
    for (t, sites) in cover.reach.iter().enumerate() {
        for &s in sites {
            targets_of[s].push(t);
        }
    }
    let mut covered = vec![false; cover.reach.len()];
    let mut heap: BinaryHeap<(usize, Reverse<usize>)> = targets_of
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(s, t)| (t.len(), Reverse(s)))
        .collect();
    let mut chosen = Vec::new();
    while let Some((waited, Reverse(site))) = heap.pop() {
        let gain = targets_of[site].iter().filter(|&&t| !covered[t]).count();
        if gain == 0 {
            continue;
        }
        if gain < waited {
            heap.push((gain, Reverse(site)));
            continue;
        }
        for &t in &targets_of[site] {
            covered[t] = true;
        }
        chosen.push(site);
    }
    chosen
}

/// The fewest sites reaching every target, within `time_limit` seconds: proven optimal,
/// or the best found with the solver's bound. The instance is first reduced as exact
/// set-cover solvers reduce it ([`reduce`]: a target only one site reaches takes that
/// site, a target whose sites include all of another's is implied, a site whose targets
/// another site reaches too is not needed), and the parts that share no site are solved
/// one by one.
pub fn solve(cover: &Cover, time_limit: f64) -> Solved {
    let started = Instant::now();
    let deadline = covering::deadline_after(time_limit);
    let greedy = greedy(cover);
    let (mut chosen, rows) = reduce(&cover.reach);
    let mut bound = chosen.len() as f64;
    let mut optimal = true;
    for part in parts(rows) {
        let (sites, part_bound, part_optimal) = solve_part(&part, deadline);
        chosen.extend(sites);
        bound += part_bound;
        optimal &= part_optimal;
    }
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.len() > greedy.len() || !covers(cover, &chosen) {
        // Never worse than greedy (a part the solver found nothing for in time).
        chosen = greedy.clone();
        chosen.sort_unstable();
        optimal = optimal && chosen.len() as f64 <= bound;
    }
    let objective = chosen.len() as f64;
    Solved {
        chosen,
        objective,
        bound: if optimal {
            objective
        } else {
            bound.min(objective)
        },
        optimal,
        greedy: greedy.len(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// How many swaps the local search may make for each target of a part: on the generated
/// cities it improves little after about 300 (two seconds for 3,407 targets; ten times as
/// many steps find one site fewer).
const SEARCH_STEPS_PER_TARGET: u64 = 300;

/// One part of a reduced cover, by HiGHS, started from greedy's cover bettered by local
/// search ([`row_weighting`]), the search going on beside HiGHS: the sites (the smaller
/// of the two covers), the bound, and whether it is proven.
fn solve_part(rows: &[Vec<usize>], deadline: Instant) -> (Vec<usize>, f64, bool) {
    let used: BTreeMap<usize, usize> = {
        let mut all: Vec<usize> = rows.iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        all.into_iter().enumerate().map(|(c, s)| (s, c)).collect()
    };
    let site_of: Vec<usize> = used.keys().copied().collect();
    let local = Cover {
        sites: site_of.len(),
        reach: rows
            .iter()
            .map(|r| r.iter().map(|s| used[s]).collect())
            .collect(),
    };
    // Greedy's cover, bettered by local search within a sixth of the time left: the
    // start HiGHS is given (on a generated city's 3,407 compounds left after the
    // reductions, greedy's 460 sites become 372 in two seconds, where HiGHS alone reaches
    // 387 in a minute). The search then goes on from it beside HiGHS, on the other core,
    // until HiGHS is done: HiGHS works on its bound (at 38,730 compounds its root
    // relaxation alone takes half a minute), the search on the cover.
    let steps = SEARCH_STEPS_PER_TARGET * local.reach.len() as u64;
    let search_until = Instant::now() + deadline.saturating_duration_since(Instant::now()) / 6;
    let seed_sites = row_weighting::improve(
        &local.reach,
        local.sites,
        &greedy(&local),
        steps,
        search_until,
    );
    if local.reach.len() == 1 || seed_sites.len() <= 1 {
        // One site does it: nothing to prove.
        return (
            seed_sites.iter().map(|&c| site_of[c]).collect(),
            seed_sites.len() as f64,
            true,
        );
    }
    let mut problem = RowProblem::default();
    let cols: Vec<highs::Col> = site_of
        .iter()
        .map(|_| problem.add_integer_column(1.0, 0..=1))
        .collect();
    for r in &local.reach {
        problem.add_row(1.., r.iter().map(|&c| (cols[c], 1.0)));
    }
    let mut seed = vec![0.0; site_of.len()];
    for &c in &seed_sites {
        seed[c] = 1.0;
    }
    let time_limit = deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    let stop = AtomicBool::new(false);
    let (solved, searched) = std::thread::scope(|scope| {
        let search = scope.spawn(|| {
            // No bound on its steps: the core is idle otherwise.
            row_weighting::improve_until(
                &local.reach,
                local.sites,
                &seed_sites,
                u64::MAX,
                deadline,
                &stop,
            )
        });
        let solved = covering::run(
            move || covering::model(problem, Sense::Minimise, time_limit, &seed),
            deadline,
        );
        stop.store(true, Ordering::Relaxed);
        (solved, search.join().ok())
    });
    // The search's cover when it is smaller than the one HiGHS started from.
    let seed_sites = match searched {
        Some(s) if s.len() < seed_sites.len() && covers(&local, &s) => s,
        _ => seed_sites,
    };
    let Some(solved) = solved else {
        // HiGHS refused the problem: greedy's cover stands, bounded by the packing.
        let bound = packing_bound(&local.reach) as f64;
        let n = seed_sites.len() as f64;
        return (
            seed_sites.iter().map(|&c| site_of[c]).collect(),
            bound,
            bound >= n,
        );
    };
    let mut chosen: Vec<usize> = solved
        .columns
        .iter()
        .enumerate()
        .filter(|(_, &v)| v > 0.5)
        .map(|(c, _)| c)
        .collect();
    let found = chosen.len() <= seed_sites.len() && covers(&local, &chosen);
    if !found {
        chosen = seed_sites;
        chosen.sort_unstable();
    }
    let objective = chosen.len() as f64;
    // The bound of a count is whole. A solver stopped before its first bound still has
    // the packing's.
    let solver_bound = if solved.bound.is_finite() {
        (solved.bound - 1e-6).ceil().max(0.0)
    } else {
        0.0
    };
    let bound = solver_bound.max(packing_bound(&local.reach) as f64);
    let optimal = (found && solved.status == Some(HighsModelStatus::Optimal)) || bound >= objective;
    let bound = if optimal { objective } else { bound };
    (
        chosen.into_iter().map(|c| site_of[c]).collect(),
        bound,
        optimal,
    )
}

/// A bound no solver is needed for: targets no two of which share a site need a site each
/// (a packing, the dual of the cover with every target priced 1), taken greedily, the
/// targets with the fewest sites first.
fn packing_bound(rows: &[Vec<usize>]) -> usize {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (rows[i].len(), i));
    let mut taken = std::collections::HashSet::new();
    let mut count = 0;
    for i in order {
        if rows[i].iter().all(|s| !taken.contains(s)) {
            taken.extend(rows[i].iter().copied());
            count += 1;
        }
    }
    count
}

/// The reductions of exact set cover, until none applies: the sites a target leaves no
/// choice of (taken), and the rows left, without a row implied by another (its sites
/// include all of the other's) or a site dominated by another (every target it reaches,
/// the other reaches; of two alike, the higher numbered goes).
pub fn reduce(reach: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut rows: Vec<Vec<usize>> = reach
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.sort_unstable();
            r.dedup();
            r
        })
        .collect();
    let mut taken = Vec::new();
    loop {
        let size = (rows.len(), rows.iter().map(Vec::len).sum::<usize>());
        let single: std::collections::BTreeSet<usize> =
            rows.iter().filter(|r| r.len() == 1).map(|r| r[0]).collect();
        if !single.is_empty() {
            taken.extend(single.iter().copied());
            rows.retain(|r| !r.iter().any(|s| single.contains(s)));
        }
        rows = without_implied_rows(rows);
        rows = without_dominated_sites(rows);
        if (rows.len(), rows.iter().map(Vec::len).sum::<usize>()) == size {
            return (taken, rows);
        }
    }
}

/// Whether sorted `a` ⊆ sorted `b`.
fn subset(a: &[usize], b: &[usize]) -> bool {
    let mut j = 0;
    for x in a {
        while j < b.len() && b[j] < *x {
            j += 1;
        }
        if j == b.len() || b[j] != *x {
            return false;
        }
    }
    true
}

/// The rows, less those that include all the sites of another (met whenever it is).
fn without_implied_rows(mut rows: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    rows.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
    rows.dedup();
    let mut with: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        for &s in r {
            with.entry(s).or_default().push(i);
        }
    }
    let mut dropped = vec![false; rows.len()];
    for a in 0..rows.len() {
        if dropped[a] || rows[a].is_empty() {
            continue;
        }
        for &b in &with[&rows[a][0]] {
            if b != a && !dropped[b] && rows[b].len() >= rows[a].len() && subset(&rows[a], &rows[b])
            {
                dropped[b] = true;
            }
        }
    }
    rows.into_iter()
        .zip(dropped)
        .filter(|(_, d)| !d)
        .map(|(r, _)| r)
        .collect()
}

/// The rows, less the sites another site dominates.
fn without_dominated_sites(rows: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut cols: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        for &s in r {
            cols.entry(s).or_default().push(i);
        }
    }
    let mut dropped: std::collections::BTreeSet<usize> = Default::default();
    for (&s, rows_s) in &cols {
        let Some(&first) = rows_s.first() else {
            continue;
        };
        let dominated = rows[first].iter().any(|&t| {
            t != s
                && !dropped.contains(&t)
                && subset(rows_s, &cols[&t])
                && (cols[&t].len() > rows_s.len() || t < s)
        });
        if dominated {
            dropped.insert(s);
        }
    }
    rows.into_iter()
        .map(|r| r.into_iter().filter(|s| !dropped.contains(s)).collect())
        .collect()
}

/// The rows in parts that share no site.
fn parts(rows: Vec<Vec<usize>>) -> Vec<Vec<Vec<usize>>> {
    let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
    fn root(parent: &mut BTreeMap<usize, usize>, s: usize) -> usize {
        let mut r = s;
        while let Some(&p) = parent.get(&r).filter(|&&p| p != r) {
            r = p;
        }
        parent.insert(r, r);
        // Path compression: everything on the way points at the root.
        let mut x = s;
        while x != r {
            let next = parent[&x];
            parent.insert(x, r);
            x = next;
        }
        r
    }
    for r in &rows {
        let a = root(&mut parent, r[0]);
        for &s in &r[1..] {
            let b = root(&mut parent, s);
            if a != b {
                parent.insert(b, a);
            }
        }
    }
    let mut by_root: BTreeMap<usize, Vec<Vec<usize>>> = BTreeMap::new();
    for r in rows {
        let k = root(&mut parent, r[0]);
        by_root.entry(k).or_default().push(r);
    }
    by_root.into_values().collect()
}

/// Whether `chosen` reaches every target.
fn covers(cover: &Cover, chosen: &[usize]) -> bool {
    cover
        .reach
        .iter()
        .all(|sites| sites.iter().any(|s| chosen.binary_search(s).is_ok()))
}

/// The tests' instance where greedy needs three sites and the optimum two: targets 0–13
/// in two rows of seven, site 0 reaching the first row (0–6), site 1 the second (7–13).
/// Site 2 reaches 0–3 and 7–10 (eight, so greedy takes it first), site 3 then reaches 4,
/// 5, 11, 12 (four, more than a row's three left), and site 4 the last two, 6 and 13.
/// Greedy: 2, 3, 4; the optimum: 0 and 1.
#[cfg(test)]
pub(super) fn two_rows() -> Vec<Vec<usize>> {
    let mut reach = vec![Vec::new(); 14];
    for t in 0..7 {
        reach[t].push(0);
        reach[t + 7].push(1);
    }
    for t in [0, 1, 2, 3, 7, 8, 9, 10] {
        reach[t].push(2);
    }
    for t in [4, 5, 11, 12] {
        reach[t].push(3);
    }
    for t in [6, 13] {
        reach[t].push(4);
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_optimum_needs_fewer_sites_than_greedy() {
        let reach = two_rows();
        let cover = Cover { sites: 5, reach };
        assert_eq!(greedy(&cover), vec![2, 3, 4]);
        let solved = solve(&cover, 10.0);
        assert_eq!(solved.chosen, vec![0, 1]);
        assert_eq!((solved.objective, solved.bound), (2.0, 2.0));
        assert!(solved.optimal);
        assert_eq!(solved.greedy, 3);
    }

    #[test]
    fn greedy_takes_the_site_of_most_uncovered_targets_lowest_first() {
        // Against greedy by its definition (every site's gain counted at every choice) on
        // 300 random instances of 60 targets and 40 sites, ties frequent: the same sites
        // in the same order.
        let mut rng = row_weighting::SplitMix(3);
        let mut below = |n: usize| rng.below(n);
        for _ in 0..300 {
            let reach: Vec<Vec<usize>> = (0..60)
                .map(|_| {
                    let mut r: Vec<usize> = (0..1 + below(4)).map(|_| below(40)).collect();
                    r.sort_unstable();
                    r.dedup();
                    r
                })
                .collect();
            let cover = Cover { sites: 40, reach };
            let mut covered = vec![false; cover.reach.len()];
            let mut by_definition = Vec::new();
            loop {
                let gain = |s: usize| {
                    (0..cover.reach.len())
                        .filter(|&t| !covered[t] && cover.reach[t].contains(&s))
                        .count()
                };
                let (g, s) = (0..cover.sites)
                    .map(|s| (gain(s), s))
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
                    .unwrap();
                if g == 0 {
                    break;
                }
                for (t, r) in cover.reach.iter().enumerate() {
                    covered[t] |= r.contains(&s);
                }
                by_definition.push(s);
            }
            assert_eq!(greedy(&cover), by_definition);
        }
    }

    #[test]
    fn reductions_take_forced_sites_and_drop_implied_rows_and_dominated_sites() {
        // Target 0 only site 5 reaches: taken, and target 1 (sites 5, 6) with it. Target 2
        // {1, 2, 3} includes target 3's {1, 2}: implied. Site 2 reaches only what site 1
        // reaches (alike: the higher goes), so target 3 keeps {1}, which is then forced too.
        let (taken, rows) = reduce(&[vec![5], vec![5, 6], vec![1, 2, 3], vec![2, 1]]);
        assert_eq!(taken, vec![5, 1]);
        assert!(rows.is_empty(), "{rows:?}");
        // Two parts that share no site are solved apart.
        let p = parts(vec![vec![0, 1], vec![1, 2], vec![7, 8]]);
        assert_eq!(p, vec![vec![vec![0, 1], vec![1, 2]], vec![vec![7, 8]]]);
    }

    #[test]
    fn targets_sharing_no_site_bound_the_cover() {
        // Targets 0 {0, 1}, 1 {1, 2}, 2 {3}, 3 {4, 5}: 0, 2 and 3 share no site, so any
        // cover has at least three sites (target 1 shares site 1 with target 0).
        assert_eq!(
            packing_bound(&[vec![0, 1], vec![1, 2], vec![3], vec![4, 5]]),
            3
        );
    }

    #[test]
    fn nothing_to_cover_needs_no_site() {
        let solved = solve(&Cover::default(), 10.0);
        assert!(solved.chosen.is_empty() && solved.optimal);
    }
}
