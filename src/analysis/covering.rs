//! Covering problems solved exactly by HiGHS, the open MIP solver: the model set up once
//! for every use ([`model`]: quiet, one thread, a fixed seed, a time limit, a starting
//! solution), and maximal covering — the `k` sites that serve the most households
//! (`--suggest K`). Set cover, the fewest sites serving every compound, is `planlint
//! fix`'s ([`crate::remedy::cover`]).

use highs::{HighsModelStatus, Model, RowProblem, Sense};

/// A problem made a model as planlint solves them: quiet, on one thread with a fixed seed
/// (the same answer whatever the machine), stopped after `time_limit` seconds, started
/// from `seed` (a value per column).
pub fn model(problem: RowProblem, sense: Sense, time_limit: f64, seed: &[f64]) -> Model {
    let mut model = problem.optimise(sense);
    model.make_quiet();
    model.set_option("time_limit", time_limit.max(0.0));
    model.set_option("threads", 1);
    model.set_option("random_seed", 0);
    model.set_solution(Some(seed), None, None, None);
    model
}

/// The `k` sites that serve the most weight: `reach[s]` the targets site `s` serves
/// (ascending), `weight[t]` each target's (households). The chosen sites (ascending), the
/// weight they serve, and whether that is proven the most (the solver stops within one
/// household of its bound: weights are whole).
pub fn max_cover(
    reach: &[Vec<usize>],
    weight: &[u64],
    k: usize,
    time_limit: f64,
    seed: &[usize],
) -> (Vec<usize>, u64, bool) {
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
    let mut m = model(problem, Sense::Maximise, time_limit, &start);
    // Whole weights: a bound within one of the best found proves it.
    m.set_option("mip_rel_gap", 0.0);
    m.set_option("mip_abs_gap", 0.999);
    let solved = m.solve();
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
    (chosen, total, optimal)
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
        let (chosen, total, optimal) = max_cover(&reach, &[1; 6], 2, 10.0, &[0, 1]);
        assert_eq!((chosen, total, optimal), (vec![1, 2], 6, true));
    }
}
