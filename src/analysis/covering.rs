//! Covering problems solved exactly by HiGHS, the open MIP solver: the model set up once
//! for every use ([`model`]: quiet, one thread, a fixed seed, a time limit, the root's
//! relaxation by the interior-point method, a starting solution), and maximal covering —
//! the `k` sites that serve the most households (`--suggest K`). Set cover, the fewest
//! sites serving every compound, is `planlint fix`'s ([`crate::remedy::cover`]).

use highs::{HighsModelStatus, Model, RowProblem, Sense};

/// A problem made a model as planlint solves them: quiet, on one thread with a fixed seed
/// (the same answer whatever the machine), its root relaxation solved by the
/// interior-point method, stopped after `time_limit` seconds, started
/// from `seed` (a value per column, where HiGHS takes it). None when HiGHS refuses the
/// problem: the caller keeps its own answer.
pub fn model(problem: RowProblem, sense: Sense, time_limit: f64, seed: &[f64]) -> Option<Model> {
    let mut model = problem.try_optimise(sense).ok()?;
    model.make_quiet();
    model
        .try_set_option("time_limit", time_limit.max(0.0))
        .ok()?;
    model.try_set_option("threads", 1).ok()?;
    model.try_set_option("random_seed", 0).ok()?;
    // The root's linear relaxation by the interior-point method (IPX, with crossover),
    // the nodes' by simplex as always: a city's set cover of 38,730 compounds gets its
    // root bound in half a minute where simplex takes more than the minute, and on the
    // smaller ones the cuts from IPX's vertex prove the optimum about twice as fast.
    model.try_set_option("mip_lp_solver", "ipx").ok()?;
    // A start HiGHS will not take is only a start lost.
    let _ = model.try_set_solution(Some(seed), None, None, None);
    Some(model)
}

/// The largest weight the solver is handed: whole numbers are exact in a double up to
/// 2⁵³, and HiGHS reads a cost of 10²⁰ as infinite. Beyond it, greedy's answer stands.
const LARGEST_WEIGHT: u64 = 1 << 40;

/// The `k` sites that serve the most weight: `reach[s]` the targets site `s` serves
/// (ascending), `weight[t]` each target's (households). The chosen sites (ascending), the
/// weight they serve, and whether that is proven the most (the solver stops within one
/// household of its bound: weights are whole). None when the solver cannot be used (a
/// weight beyond [`LARGEST_WEIGHT`], a problem HiGHS refuses).
pub fn max_cover(
    reach: &[Vec<usize>],
    weight: &[u64],
    k: usize,
    time_limit: f64,
    seed: &[usize],
) -> Option<(Vec<usize>, u64, bool)> {
    if weight.iter().any(|&w| w > LARGEST_WEIGHT) {
        return None;
    }
    let mut problem = RowProblem::default();
    let sites: Vec<highs::Col> = reach
        .iter()
        .map(|_| problem.add_integer_column(0.0, 0..=1))
        .collect();
    // A target counts when a chosen site serves it: y_t ≤ Σ x_s over the sites serving it.
    let mut serving: Vec<Vec<usize>> = vec![Vec::new(); weight.len()];
    for (s, targets) in reach.iter().enumerate() {
        for &t in targets {
            serving[t].push(s);
        }
    }
    let served: Vec<highs::Col> = weight
        .iter()
        .map(|&w| problem.add_column(w as f64, 0.0..=1.0))
        .collect();
    for (t, by) in serving.iter().enumerate() {
        let row: Vec<(highs::Col, f64)> = std::iter::once((served[t], 1.0))
            .chain(by.iter().map(|&s| (sites[s], -1.0)))
            .collect();
        problem.add_row(..=0.0, row);
    }
    problem.add_row(..=k as f64, sites.iter().map(|&c| (c, 1.0)));
    let mut start = vec![0.0; reach.len() + weight.len()];
    for &s in seed {
        start[s] = 1.0;
        for &t in &reach[s] {
            start[reach.len() + t] = 1.0;
        }
    }
    let mut m = model(problem, Sense::Maximise, time_limit, &start)?;
    // Whole weights: a bound within one of the best found proves it.
    m.try_set_option("mip_rel_gap", 0.0).ok()?;
    m.try_set_option("mip_abs_gap", 0.999).ok()?;
    let solved = m.try_solve().ok()?;
    let values = solved.get_solution();
    let chosen: Vec<usize> = (0..reach.len())
        .filter(|&s| values.columns()[s] > 0.5)
        .collect();
    let mut covered = vec![false; weight.len()];
    for &s in &chosen {
        for &t in &reach[s] {
            covered[t] = true;
        }
    }
    let total = covered
        .iter()
        .zip(weight)
        .filter(|(c, _)| **c)
        .map(|(_, w)| w)
        .sum();
    let optimal = solved.status() == HighsModelStatus::Optimal && chosen.len() <= k;
    Some((chosen, total, optimal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_sites_serve_more_than_greedys_two() {
        // Site 0 serves targets 0–3, site 1 serves 0, 1, 4 and site 2 serves 2, 3, 5, each
        // of one household. Greedy takes site 0 (4), then site 1 or 2 (one more): 5. Sites
        // 1 and 2 together serve all six.
        let reach = vec![vec![0, 1, 2, 3], vec![0, 1, 4], vec![2, 3, 5]];
        let found = max_cover(&reach, &[1; 6], 2, 10.0, &[0, 1]);
        assert_eq!(found, Some((vec![1, 2], 6, true)));
        // Weights beyond what a double holds whole leave greedy's answer standing.
        assert_eq!(max_cover(&reach, &[u64::MAX; 6], 2, 10.0, &[0, 1]), None);
    }
}
