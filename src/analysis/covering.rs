//! Covering problems solved exactly by HiGHS, the open MIP solver: the model set up once
//! for every use ([`model`]: quiet, one thread, a fixed seed, a time limit, the root's
//! relaxation by the interior-point method, a starting solution; [`run`]: on a thread of
//! its own, waited for until its deadline and no longer), and maximal covering —
//! the `k` sites that serve the most households (`--suggest K`). Set cover, the fewest
//! sites serving every compound, is `planlint fix`'s ([`crate::remedy::cover`]).

use std::ffi::{c_char, c_int, c_void};
use std::time::{Duration, Instant};

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

/// The moment `seconds` from now; a limit too far to count (`1e300` seconds, infinity) is
/// a century away, and one below zero (or NaN) is now.
pub fn deadline_after(seconds: f64) -> Instant {
    let now = Instant::now();
    if seconds.is_nan() || seconds <= 0.0 {
        return now;
    }
    Duration::try_from_secs_f64(seconds)
        .ok()
        .and_then(|d| now.checked_add(d))
        .or_else(|| now.checked_add(Duration::from_secs(100 * 365 * 24 * 3600)))
        .unwrap_or(now)
}

/// What a run of HiGHS gave by its deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// How the run ended; None when HiGHS was still at work at the deadline (it is told
    /// to stop and ends by itself, its answer unused).
    pub status: Option<HighsModelStatus>,
    /// The columns' values of its best solution; empty when it has none to give.
    pub columns: Vec<f64>,
    /// Its dual bound, the last it reported: no solution is better (none smaller when
    /// minimising, none larger when maximising); NaN before its first.
    pub bound: f64,
}

/// How many threads running HiGHS have not ended yet: one may still be finishing its
/// stage after its deadline, its answer no longer awaited.
static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Whether HiGHS is still at work on a thread of its own ([`run`]'s, after its deadline).
pub fn solver_running() -> bool {
    RUNNING.load(std::sync::atomic::Ordering::SeqCst) > 0
}

/// Waits, at most `seconds`, for every thread running HiGHS to end: what a long-lived host
/// (the Python module) does before its process exits, whose static destructors would
/// otherwise run under such a thread. Whether none is left.
pub fn wait_for_solvers(seconds: f64) -> bool {
    let until = deadline_after(seconds);
    while solver_running() {
        if Instant::now() >= until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// What the thread running HiGHS shares with the one waiting for it.
struct Shared {
    deadline: Instant,
    /// The dual bound HiGHS last reported (its bits).
    bound: std::sync::atomic::AtomicU64,
    /// The run's end: Some(None) when HiGHS failed.
    ended: std::sync::Mutex<Option<Option<Run>>>,
    done: std::sync::Condvar,
}

impl Shared {
    fn new(deadline: Instant) -> Shared {
        Shared {
            deadline,
            bound: std::sync::atomic::AtomicU64::new(f64::NAN.to_bits()),
            ended: std::sync::Mutex::new(None),
            done: std::sync::Condvar::new(),
        }
    }

    /// The dual bound HiGHS last reported; NaN before its first.
    fn bound(&self) -> f64 {
        f64::from_bits(self.bound.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// Solves the model `build` makes, on a thread of its own, and waits for it until
/// `deadline`. HiGHS checks its `time_limit` between stages, and one stage can run well
/// past it: on the 100k city's set cover (38,730 rows) a round of cuts at the root took
/// 14 s, ending 10 s past the limit. So HiGHS is also asked, through its callback, at
/// every iteration of its simplex, interior-point and branch-and-bound loops, and told to
/// stop there once the deadline has passed; and where it is inside a stage that asks
/// nothing, the waiting ends at the deadline anyway, with the bound HiGHS last reported,
/// and HiGHS stops by itself at its next check, on its own thread. None when HiGHS
/// refuses the problem.
pub fn run(
    build: impl FnOnce() -> Option<Model> + Send + 'static,
    deadline: Instant,
) -> Option<Run> {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    let shared = Arc::new(Shared::new(deadline));
    let theirs = Arc::clone(&shared);
    RUNNING.fetch_add(1, Ordering::SeqCst);
    let spawned = std::thread::Builder::new()
        .name("highs".into())
        .spawn(move || {
            let ended = build().and_then(|model| solve(model, &theirs));
            *theirs.ended.lock().unwrap_or_else(|e| e.into_inner()) = Some(ended);
            theirs.done.notify_all();
            RUNNING.fetch_sub(1, Ordering::SeqCst);
        });
    if spawned.is_err() {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        return None;
    }
    let mut ended = shared.ended.lock().unwrap_or_else(|e| e.into_inner());
    while ended.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        ended = shared
            .done
            .wait_timeout(ended, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    match ended.take() {
        Some(ended) => ended,
        None => Some(Run {
            status: None,
            columns: Vec::new(),
            bound: shared.bound(),
        }),
    }
}

/// HiGHS's run of `model`, on the calling thread, asked to stop at `shared`'s deadline.
fn solve(mut model: Model, shared: &Shared) -> Option<Run> {
    use highs_sys::{
        kHighsCallbackIpmInterrupt, kHighsCallbackMipInterrupt, kHighsCallbackMipLogging,
        kHighsCallbackSimplexInterrupt, HighsCallbackDataIn, HighsCallbackDataOut, HighsInt,
        Highs_getDoubleInfoValue, Highs_setCallback, Highs_startCallback,
    };
    unsafe extern "C" fn callback(
        kind: c_int,
        _message: *const c_char,
        out: *const HighsCallbackDataOut,
        data_in: *mut HighsCallbackDataIn,
        shared: *mut c_void,
    ) {
        // SAFETY: HiGHS hands back the pointer it was given below, to the Shared the
        // running thread holds for the whole run, and data it owns, or null.
        unsafe {
            let shared = &*(shared as *const Shared);
            let mip = kind == kHighsCallbackMipInterrupt as c_int
                || kind == kHighsCallbackMipLogging as c_int;
            if mip && !out.is_null() && (*out).mip_dual_bound.is_finite() {
                shared.bound.store(
                    (*out).mip_dual_bound.to_bits(),
                    std::sync::atomic::Ordering::Relaxed,
                );
            }
            if kind != kHighsCallbackMipLogging as c_int
                && !data_in.is_null()
                && Instant::now() >= shared.deadline
            {
                (*data_in).user_interrupt = 1;
            }
        }
    }
    let ptr = model.as_mut_ptr();
    // SAFETY: `ptr` is the live HiGHS instance `model` owns; the Shared behind the data
    // pointer outlives `try_solve`, the only call that runs callbacks.
    let ready = unsafe {
        Highs_setCallback(ptr, Some(callback), shared as *const Shared as *mut c_void) == 0
            && [
                kHighsCallbackSimplexInterrupt,
                kHighsCallbackIpmInterrupt,
                kHighsCallbackMipInterrupt,
                kHighsCallbackMipLogging,
            ]
            .iter()
            .all(|&kind: &HighsInt| Highs_startCallback(ptr, kind) == 0)
    };
    if !ready {
        // Without the callback, HiGHS's own limit still holds, a little late.
        let left = shared.deadline.saturating_duration_since(Instant::now());
        model
            .try_set_option("time_limit", left.as_secs_f64())
            .ok()?;
    }
    let mut solved = model.try_solve().ok()?;
    let mut bound = f64::NAN;
    // SAFETY: a live instance, a NUL-terminated name, a place for the value.
    let read = unsafe {
        Highs_getDoubleInfoValue(solved.as_mut_ptr(), c"mip_dual_bound".as_ptr(), &mut bound)
    };
    Some(Run {
        status: Some(solved.status()),
        columns: solved.get_solution().columns().to_vec(),
        bound: if read == 0 && !bound.is_nan() {
            bound
        } else {
            shared.bound()
        },
    })
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
    let deadline = deadline_after(time_limit);
    let solved = run(
        move || {
            let mut m = model(problem, Sense::Maximise, time_limit, &start)?;
            // Whole weights: a bound within one of the best found proves it.
            m.try_set_option("mip_rel_gap", 0.0).ok()?;
            m.try_set_option("mip_abs_gap", 0.999).ok()?;
            Some(m)
        },
        deadline,
    )?;
    if solved.columns.len() < reach.len() {
        // Still at work at the deadline: the caller's own answer stands.
        return None;
    }
    let chosen: Vec<usize> = (0..reach.len())
        .filter(|&s| solved.columns[s] > 0.5)
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
    let optimal = solved.status == Some(HighsModelStatus::Optimal) && chosen.len() <= k;
    Some((chosen, total, optimal))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A set cover HiGHS does not finish in a minute: 300 targets, each reached by six of
    /// 600 sites drawn at random (random covers have wide gaps between the relaxation and
    /// the optimum, and no structure for cuts), each site alone a cover-start.
    fn hard_cover() -> (RowProblem, Vec<f64>) {
        let mut draw = crate::network::unit_floats(7);
        let mut problem = RowProblem::default();
        let cols: Vec<highs::Col> = (0..600)
            .map(|_| problem.add_integer_column(1.0, 0..=1))
            .collect();
        for _ in 0..300 {
            let mut row: Vec<usize> = (0..6).map(|_| (draw() * 600.0) as usize).collect();
            row.sort_unstable();
            row.dedup();
            problem.add_row(1.., row.into_iter().map(|c| (cols[c], 1.0)));
        }
        (problem, vec![1.0; 600])
    }

    #[test]
    fn highs_is_told_to_stop_at_the_deadline_though_its_own_limit_is_far() {
        // HiGHS's own limit is an hour away; the deadline, half a second. Asked at every
        // iteration, it stops within a second of the deadline, interrupted, with the
        // start it was given or better and a bound below it.
        let (problem, start) = hard_cover();
        let m = model(problem, Sense::Minimise, 3600.0, &start).unwrap();
        let began = Instant::now();
        let shared = Shared::new(began + Duration::from_millis(500));
        let solved = solve(m, &shared).unwrap();
        let took = began.elapsed();
        assert!(took < Duration::from_millis(1500), "{took:?}");
        assert_eq!(solved.status, Some(HighsModelStatus::ReachedInterrupt));
        let chosen = solved.columns.iter().filter(|&&v| v > 0.5).count();
        assert!(chosen > 0 && chosen < 600, "{chosen}");
        assert!(
            solved.bound > 0.0 && solved.bound < chosen as f64,
            "{}",
            solved.bound
        );
    }

    #[test]
    fn the_wait_ends_at_the_deadline_with_the_bound_reported_by_then() {
        // The same cover on HiGHS's own thread: the wait ends at the deadline, whether or
        // not HiGHS has stopped yet, with a bound from its root (the relaxation of 300
        // rows is solved in milliseconds), above zero and below the start's 600.
        let (problem, start) = hard_cover();
        let began = Instant::now();
        let solved = run(
            move || model(problem, Sense::Minimise, 3600.0, &start),
            began + Duration::from_millis(500),
        )
        .unwrap();
        let took = began.elapsed();
        assert!(
            took >= Duration::from_millis(500) && took < Duration::from_millis(1000),
            "{took:?}"
        );
        assert!(matches!(
            solved.status,
            None | Some(HighsModelStatus::ReachedInterrupt)
        ));
        assert!(
            solved.bound > 0.0 && solved.bound < 600.0,
            "{}",
            solved.bound
        );
    }

    #[test]
    fn a_solver_left_at_its_deadline_ends_and_is_waited_for() {
        // The hard cover's wait ends at 0.3 s; HiGHS, told to stop at its next
        // iteration, ends soon after, and the wait for it sees it end (other tests' solvers
        // in this process end within seconds too).
        let (problem, start) = hard_cover();
        run(
            move || model(problem, Sense::Minimise, 3600.0, &start),
            Instant::now() + Duration::from_millis(300),
        )
        .unwrap();
        assert!(wait_for_solvers(30.0));
    }

    #[test]
    fn a_limit_too_far_to_count_is_a_century_away() {
        let now = Instant::now();
        for far in [1e300, f64::MAX, f64::INFINITY] {
            assert!(deadline_after(far) > now + Duration::from_secs(50 * 365 * 24 * 3600));
        }
        for none in [-5.0, 0.0, f64::NAN] {
            assert!(deadline_after(none) <= Instant::now());
        }
        assert!(deadline_after(2.0) > now + Duration::from_millis(1900));
    }

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
