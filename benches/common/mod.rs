//! What the benches share.

/// The city sizes to measure: 1k, 10k and 100k compounds; `PLANLINT_BENCH_MAX=1000000`
/// adds 1M (and a smaller maximum drops the larger ones).
pub fn sizes() -> Vec<usize> {
    let max: usize = std::env::var("PLANLINT_BENCH_MAX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    [1_000, 10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max)
        .collect()
}
