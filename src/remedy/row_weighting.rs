//! A better start for the set cover's solver: row-weighting local search (RWLS, Gao, Weise
//! and Li, "An efficient local search heuristic with row weighting for the unicost set
//! covering problem", EJOR 2015). From a cover of k sites it looks for one of k − 1: it
//! drops the site whose loss is least, then swaps one site out and one in at a time, each
//! in covering a random target left uncovered, and raises the weight of every target still
//! uncovered, so that targets hard to reach draw sites to them. A site just added may not
//! leave at once (tabu), and a site that left may not come back before a site beside it
//! has changed (configuration checking). Each cover found is kept, and the search goes on
//! from it for one fewer.
//!
//! The solver's proof is what decides (a start is only a start): on the generated grid
//! cities, whose equivalent covers are many, the search finds in a second or two covers
//! HiGHS alone does not reach in a minute (372 sites against 387 on a 10k city's part of
//! 3,407 compounds), and HiGHS's time goes to the proof. The search is deterministic (a
//! fixed seed, a number of steps), so a plan fixed twice gets the same sites unless the
//! time runs out first.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// A small deterministic generator (SplitMix64).
pub(super) struct SplitMix(pub(super) u64);

impl SplitMix {
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n.max(1) as u64) as usize
    }
}

/// The search's state: which sites are in, how often each target is reached, the weights
/// and the scores they give.
struct Search<'a> {
    /// For each target, the sites reaching it.
    rows: &'a [Vec<usize>],
    /// For each site, the targets it reaches.
    cols: Vec<Vec<usize>>,
    chosen: Vec<bool>,
    /// How many chosen sites reach each target.
    reached: Vec<u32>,
    weight: Vec<u64>,
    /// A chosen site: minus the weight only it reaches (what leaving loses); another: the
    /// weight it would newly reach.
    score: Vec<i64>,
    /// The step a site last came in or left.
    stamp: Vec<u64>,
    /// Whether a site may come in: no site beside it has changed since it left.
    free: Vec<bool>,
    /// The targets no chosen site reaches, and where each is in that list.
    uncovered: Vec<usize>,
    at: Vec<usize>,
    /// The chosen sites.
    sol: Vec<usize>,
}

impl<'a> Search<'a> {
    fn new(rows: &'a [Vec<usize>], sites: usize) -> Self {
        let mut cols = vec![Vec::new(); sites];
        for (r, row) in rows.iter().enumerate() {
            for &s in row {
                cols[s].push(r);
            }
        }
        let score = cols.iter().map(|c| c.len() as i64).collect();
        Search {
            rows,
            cols,
            chosen: vec![false; sites],
            reached: vec![0; rows.len()],
            weight: vec![1; rows.len()],
            score,
            stamp: vec![0; sites],
            free: vec![true; sites],
            uncovered: (0..rows.len()).collect(),
            at: (0..rows.len()).collect(),
            sol: Vec::new(),
        }
    }

    /// Every site sharing a target with `s` may come in again.
    fn free_beside(&mut self, s: usize) {
        for &r in &self.cols[s] {
            for &other in &self.rows[r] {
                self.free[other] = true;
            }
        }
    }

    fn add(&mut self, s: usize, step: u64) {
        for i in 0..self.cols[s].len() {
            let r = self.cols[s][i];
            let w = self.weight[r] as i64;
            match self.reached[r] {
                0 => {
                    for &other in &self.rows[r] {
                        if other != s {
                            self.score[other] -= w;
                        }
                    }
                    let pos = self.at[r];
                    let last = *self.uncovered.last().expect("an uncovered target");
                    self.uncovered.swap_remove(pos);
                    if last != r {
                        self.at[last] = pos;
                    }
                }
                1 => {
                    let only = self.rows[r].iter().copied().find(|&o| self.chosen[o]);
                    if let Some(only) = only {
                        self.score[only] += w;
                    }
                }
                _ => {}
            }
            self.reached[r] += 1;
        }
        self.score[s] = -self.score[s];
        self.chosen[s] = true;
        self.sol.push(s);
        self.stamp[s] = step;
        self.free_beside(s);
    }

    fn remove(&mut self, s: usize, step: u64) {
        self.score[s] = -self.score[s];
        self.chosen[s] = false;
        if let Some(i) = self.sol.iter().position(|&c| c == s) {
            self.sol.swap_remove(i);
        }
        for i in 0..self.cols[s].len() {
            let r = self.cols[s][i];
            let w = self.weight[r] as i64;
            self.reached[r] -= 1;
            match self.reached[r] {
                0 => {
                    for &other in &self.rows[r] {
                        if other != s {
                            self.score[other] += w;
                        }
                    }
                    self.at[r] = self.uncovered.len();
                    self.uncovered.push(r);
                }
                1 => {
                    let only = self.rows[r].iter().copied().find(|&o| self.chosen[o]);
                    if let Some(only) = only {
                        self.score[only] -= w;
                    }
                }
                _ => {}
            }
        }
        self.stamp[s] = step;
        self.free_beside(s);
        self.free[s] = false;
    }

    /// Sites by score, equals by age (the one that changed longest ago greater), then by
    /// number (the lower greater): the order both choices take their maximum in.
    fn by_score(&self, a: usize, b: usize) -> std::cmp::Ordering {
        self.score[a]
            .cmp(&self.score[b])
            .then(self.stamp[b].cmp(&self.stamp[a]))
            .then(b.cmp(&a))
    }

    /// The chosen site whose leaving loses least (the oldest of equals), other than `keep`.
    fn cheapest(&self, keep: Option<usize>) -> Option<usize> {
        self.sol
            .iter()
            .copied()
            .filter(|&s| Some(s) != keep)
            .max_by(|&a, &b| self.by_score(a, b))
    }

    /// The site reaching target `r` that gains most, among those free to come in when
    /// there are any (the oldest of equals).
    fn best_for(&self, r: usize) -> usize {
        let any_free = self.rows[r].iter().any(|&s| self.free[s]);
        self.rows[r]
            .iter()
            .copied()
            .filter(|&s| !any_free || self.free[s])
            .max_by(|&a, &b| self.by_score(a, b))
            .expect("every target has a site")
    }
}

/// A cover of `rows` (each target's sites, numbered below `sites`) no larger than `start`
/// (itself a cover; else it is given back as it is), after at most `steps` swaps or until
/// `deadline`: the sites, ascending.
pub fn improve(
    rows: &[Vec<usize>],
    sites: usize,
    start: &[usize],
    steps: u64,
    deadline: Instant,
) -> Vec<usize> {
    improve_until(rows, sites, start, steps, deadline, &AtomicBool::new(false))
}

/// [`improve`], stopping also when `stop` is set (by the solver running beside it, done).
pub fn improve_until(
    rows: &[Vec<usize>],
    sites: usize,
    start: &[usize],
    steps: u64,
    deadline: Instant,
    stop: &AtomicBool,
) -> Vec<usize> {
    let mut best: Vec<usize> = start.to_vec();
    best.sort_unstable();
    // A target no site reaches has no cover to look for; a site beyond `sites` is none.
    let numbered = |s: &usize| *s < sites;
    if rows.is_empty()
        || start.len() <= 1
        || rows.iter().any(|r| r.is_empty() || !r.iter().all(numbered))
        || !start.iter().all(numbered)
    {
        return best;
    }
    let mut search = Search::new(rows, sites);
    for &s in &best {
        if !search.chosen[s] {
            search.add(s, 0);
        }
    }
    if !search.uncovered.is_empty() {
        return best;
    }
    let mut rng = SplitMix(0x5EED);
    let mut tabu = None;
    for step in 1..=steps {
        while search.uncovered.is_empty() {
            if search.sol.len() < best.len() {
                best = search.sol.clone();
                best.sort_unstable();
            }
            match search.cheapest(None) {
                Some(s) if search.sol.len() > 1 => search.remove(s, step),
                _ => return best,
            }
        }
        if step % 1024 == 0 && (Instant::now() >= deadline || stop.load(Ordering::Relaxed)) {
            break;
        }
        if let Some(out) = search.cheapest(tabu) {
            search.remove(out, step);
        }
        let target = search.uncovered[rng.below(search.uncovered.len())];
        let into = search.best_for(target);
        search.add(into, step);
        tabu = Some(into);
        for i in 0..search.uncovered.len() {
            let r = search.uncovered[i];
            search.weight[r] += 1;
            for &s in &rows[r] {
                search.score[s] += 1;
            }
        }
    }
    if search.uncovered.is_empty() && search.sol.len() < best.len() {
        best = search.sol.clone();
        best.sort_unstable();
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_finds_the_cover_greedy_misses() {
        // Greedy's cover of the two rows is {2, 3, 4}; from it the search reaches the two
        // rows' sites, {0, 1}.
        let rows = super::super::cover::two_rows();
        let far = Instant::now() + std::time::Duration::from_secs(60);
        assert_eq!(improve(&rows, 5, &[2, 3, 4], 1000, far), vec![0, 1]);
    }

    /// Targets 0..30 on a street, site i reaching targets i−1, i and i+1.
    fn street() -> Vec<Vec<usize>> {
        (0..30)
            .map(|t: usize| (t.saturating_sub(1)..=(t + 1).min(29)).collect())
            .collect()
    }

    #[test]
    fn a_street_of_compounds_needs_a_site_in_three() {
        // Targets 0..30 on a street, site i reaching targets i−1, i and i+1: the fewest
        // sites are ten (1, 4, 7, …, 28), whatever the start (here every site).
        let rows = street();
        let start: Vec<usize> = (0..30).collect();
        let far = Instant::now() + std::time::Duration::from_secs(60);
        let found = improve(&rows, 30, &start, 10_000, far);
        assert_eq!(found.len(), 10);
        assert!(rows.iter().all(|r| r.iter().any(|s| found.contains(s))));
    }

    #[test]
    fn a_search_told_to_stop_stops_at_once_with_a_cover() {
        // The street of 30 with no bound on steps and half a minute to go, but told to
        // stop: back within a thousand steps (milliseconds), a cover no larger than the
        // start; not told, the same search runs until its deadline (here 0.2 s).
        let rows = street();
        let start: Vec<usize> = (0..30).collect();
        let begun = Instant::now();
        let later = begun + std::time::Duration::from_secs(30);
        let found = improve_until(&rows, 30, &start, u64::MAX, later, &AtomicBool::new(true));
        assert!(begun.elapsed() < std::time::Duration::from_secs(5));
        assert!(found.len() <= 30);
        assert!(rows.iter().all(|r| r.iter().any(|s| found.contains(s))));
        let soon = Instant::now() + std::time::Duration::from_millis(200);
        let found = improve_until(&rows, 30, &start, u64::MAX, soon, &AtomicBool::new(false));
        assert!(Instant::now() >= soon);
        assert_eq!(found.len(), 10);
    }

    #[test]
    fn what_is_no_cover_is_given_back_as_it_is() {
        let far = Instant::now() + std::time::Duration::from_secs(60);
        // A target no site reaches; a site beyond the count; a start that is no cover.
        assert_eq!(
            improve(&[vec![0], vec![]], 2, &[1, 0], 100, far),
            vec![0, 1]
        );
        assert_eq!(improve(&[vec![0, 5]], 2, &[0, 1], 100, far), vec![0, 1]);
        assert_eq!(
            improve(&[vec![0], vec![1], vec![2]], 3, &[1, 0], 100, far),
            vec![0, 1]
        );
    }

    #[test]
    fn what_the_search_gives_back_is_a_cover_no_larger_than_its_start() {
        // 200 random instances of 40 targets and 30 sites, each target reached by one to
        // five sites: from greedy's cover, a cover at most as large, never below the
        // solver's proven optimum; after no step at all, greedy's own cover.
        let mut rng = SplitMix(7);
        let far = Instant::now() + std::time::Duration::from_secs(60);
        for _ in 0..200 {
            let rows: Vec<Vec<usize>> = (0..40)
                .map(|_| {
                    let mut r: Vec<usize> = (0..1 + rng.below(5)).map(|_| rng.below(30)).collect();
                    r.sort_unstable();
                    r.dedup();
                    r
                })
                .collect();
            let cover = super::super::cover::Cover {
                sites: 30,
                reach: rows.clone(),
            };
            let mut start = super::super::cover::greedy(&cover);
            let found = improve(&rows, 30, &start, 2_000, far);
            assert!(found.len() <= start.len());
            assert!(rows.iter().all(|r| r.iter().any(|s| found.contains(s))));
            let optimum = super::super::cover::solve(&cover, 10.0);
            assert!(optimum.optimal && found.len() as f64 >= optimum.objective);
            start.sort_unstable();
            assert_eq!(improve(&rows, 30, &start, 0, far), start);
        }
    }
}
