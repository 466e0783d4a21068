//! The fewest sites that reach every target: set cover, as one integer program solved
//! exactly by HiGHS (one binary variable per site, one row per target: at least one site
//! reaching it chosen; minimise the sites). Greedy (the site reaching the most targets still
//! uncovered, then the next) seeds the solver and is kept beside the result: it can need
//! more sites than the optimum, which is why it may not replace it.

use std::collections::BTreeMap;
use std::time::Instant;

use highs::{HighsModelStatus, RowProblem, Sense};
use serde::Serialize;

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

/// Greedy set cover: the sites, in the order chosen.
pub fn greedy(cover: &Cover) -> Vec<usize> {
    let mut targets_of: Vec<Vec<usize>> = vec![Vec::new(); cover.sites];
    for (t, sites) in cover.reach.iter().enumerate() {
        for &s in sites {
            targets_of[s].push(t);
        }
    }
    let mut covered = vec![false; cover.reach.len()];
    let mut left = cover.reach.len();
    let mut chosen = Vec::new();
    while left > 0 {
        // The most targets still uncovered; on ties the lowest site.
        let best = (0..cover.sites)
            .map(|s| (targets_of[s].iter().filter(|&&t| !covered[t]).count(), s))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let Some((gain, site)) = best.filter(|b| b.0 > 0) else {
            break;
        };
        for &t in &targets_of[site] {
            covered[t] = true;
        }
        left -= gain;
        chosen.push(site);
    }
    chosen
}

/// The fewest sites reaching every target, within `time_limit` seconds: proven optimal,
/// or the best found with the solver's bound. Targets with the same sites are one row.
pub fn solve(cover: &Cover, time_limit: f64) -> Solved {
    let started = Instant::now();
    let greedy = greedy(cover);
    if cover.reach.is_empty() {
        return Solved {
            chosen: Vec::new(),
            objective: 0.0,
            bound: 0.0,
            optimal: true,
            greedy: 0,
            seconds: 0.0,
        };
    }
    // Only the sites that reach a target are variables.
    let mut used: BTreeMap<usize, usize> = BTreeMap::new();
    for sites in &cover.reach {
        for &s in sites {
            let n = used.len();
            used.entry(s).or_insert(n);
        }
    }
    let mut rows: Vec<&Vec<usize>> = cover.reach.iter().collect();
    rows.sort();
    rows.dedup();
    let mut problem = RowProblem::default();
    let site_of: Vec<usize> = {
        let mut v = vec![0; used.len()];
        for (&s, &c) in &used {
            v[c] = s;
        }
        v
    };
    let cols: Vec<highs::Col> = site_of
        .iter()
        .map(|_| problem.add_integer_column(1.0, 0..=1))
        .collect();
    for sites in rows {
        problem.add_row(1.., sites.iter().map(|s| (cols[used[s]], 1.0)));
    }
    let mut model = problem.optimise(Sense::Minimise);
    model.make_quiet();
    model.set_option("time_limit", time_limit.max(0.0));
    // One thread: the same answer whatever the machine.
    model.set_option("threads", 1);
    model.set_option("random_seed", 0);
    let mut seed = vec![0.0; site_of.len()];
    for s in &greedy {
        if let Some(&c) = used.get(s) {
            seed[c] = 1.0;
        }
    }
    model.set_solution(Some(&seed), None, None, None);
    let solved = model.solve();
    let status = solved.status();
    let values = solved.get_solution();
    let mut chosen: Vec<usize> = values
        .columns()
        .iter()
        .enumerate()
        .filter(|(_, &v)| v > 0.5)
        .map(|(c, _)| site_of[c])
        .collect();
    let found = chosen.len() <= greedy.len() && covers(cover, &chosen);
    if !found {
        // No better solution than the seed within the limit.
        chosen = greedy.clone();
        chosen.sort_unstable();
    }
    let objective = chosen.len() as f64;
    let optimal = status == HighsModelStatus::Optimal && found;
    let gap = solved.mip_gap();
    let bound = if optimal {
        objective
    } else if gap.is_finite() {
        // HiGHS's gap is (objective − bound) / objective.
        (objective * (1.0 - gap)).max(0.0).ceil()
    } else {
        0.0
    };
    Solved {
        chosen,
        objective,
        bound,
        optimal,
        greedy: greedy.len(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Whether `chosen` reaches every target.
fn covers(cover: &Cover, chosen: &[usize]) -> bool {
    cover
        .reach
        .iter()
        .all(|sites| sites.iter().any(|s| chosen.binary_search(s).is_ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_optimum_needs_fewer_sites_than_greedy() {
        // Targets 0–13 in two rows of seven: site 0 reaches the first row (0–6), site 1 the
        // second (7–13). Site 2 reaches 0–3 and 7–10 (eight, so greedy takes it first),
        // site 3 then reaches 4, 5, 11, 12 (four, more than a row's three left), and site
        // 4 the last two, 6 and 13. Greedy: 2, 3, 4 = three sites; the optimum: 0 and 1.
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
        let cover = Cover { sites: 5, reach };
        assert_eq!(greedy(&cover), vec![2, 3, 4]);
        let solved = solve(&cover, 10.0);
        assert_eq!(solved.chosen, vec![0, 1]);
        assert_eq!((solved.objective, solved.bound), (2.0, 2.0));
        assert!(solved.optimal);
        assert_eq!(solved.greedy, 3);
    }

    #[test]
    fn nothing_to_cover_needs_no_site() {
        let solved = solve(&Cover::default(), 10.0);
        assert!(solved.chosen.is_empty() && solved.optimal);
    }
}
