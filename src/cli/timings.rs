//! `--timings`: how long each stage of one plan's check took, from the process's start to
//! the report written, the memory resident when each stage ended, and the peak memory,
//! printed on standard error.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use planlint::text::{pad, Lang};
use planlint::{Progress, Stage};

/// A stage's start, and the memory resident then (KiB).
type Mark = (Stage, Instant, Option<u64>);

/// The start of each stage, as the library tells them.
pub struct Timings {
    start: Instant,
    marks: Arc<Mutex<Vec<Mark>>>,
}

impl Timings {
    /// Starts counting; `start` is the process's start (as near as `main` knows it).
    pub fn new(start: Instant) -> Timings {
        Timings {
            start,
            marks: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// A progress callback that notes each stage's start, then tells `then` (the spinner).
    pub fn callback(&self, then: Option<Progress>) -> Progress {
        let marks = self.marks.clone();
        Progress(Arc::new(move |stage: Stage| {
            let resident = rss_kib("VmRSS:");
            if let Ok(mut m) = marks.lock() {
                m.push((stage, Instant::now(), resident));
            }
            if let Some(p) = &then {
                (p.0)(stage);
            }
        }))
    }

    /// The stages with their durations and the memory resident at their end (KiB), the
    /// last one ending now; the time before the first stage (arguments, profile) is
    /// `start`.
    pub fn stages(&self) -> Vec<(Option<Stage>, Duration, Option<u64>)> {
        let end = Instant::now();
        let marks = self.marks.lock().map(|m| m.clone()).unwrap_or_default();
        let mut out = Vec::new();
        let mut prev = (None, self.start);
        for (stage, at, resident) in marks {
            out.push((prev.0, at.saturating_duration_since(prev.1), resident));
            prev = (Some(stage), at);
        }
        out.push((
            prev.0,
            end.saturating_duration_since(prev.1),
            rss_kib("VmRSS:"),
        ));
        out
    }

    /// The table on standard error.
    pub fn print(&self, lang: Lang) {
        let stages = self.stages();
        let total: Duration = stages.iter().map(|(_, d, _)| *d).sum();
        let mut o = String::new();
        let head = match lang {
            Lang::Zh => "各阶段耗时",
            Lang::En => "timings",
        };
        let resident = match lang {
            Lang::Zh => "阶段结束时内存",
            Lang::En => "resident at end",
        };
        o.push_str(&format!("{} {resident}\n", pad(head, 61, true)));
        for (stage, d, kib) in &stages {
            let name = stage.map_or_else(
                || match lang {
                    Lang::Zh => "启动（参数、配置）".to_string(),
                    Lang::En => "start (arguments, profile)".to_string(),
                },
                |s| s.label().get(lang).to_string(),
            );
            let share = 100.0 * d.as_secs_f64() / total.as_secs_f64().max(1e-9);
            let mib = kib.map_or_else(String::new, |k| format!("{:>9.1} MiB", k as f64 / 1024.0));
            o.push_str(&format!(
                "  {} {:>9.1} ms {share:>5.1}%  {mib}\n",
                pad(&name, 36, true),
                d.as_secs_f64() * 1e3
            ));
        }
        let (t, peak) = match lang {
            Lang::Zh => ("合计", "内存峰值"),
            Lang::En => ("total", "peak memory"),
        };
        o.push_str(&format!(
            "  {} {:>9.1} ms\n",
            pad(t, 36, true),
            total.as_secs_f64() * 1e3
        ));
        if let Some(kib) = rss_kib("VmHWM:") {
            o.push_str(&format!(
                "  {} {:>9.1} MiB\n",
                pad(peak, 36, true),
                kib as f64 / 1024.0
            ));
        }
        eprint!("{o}");
    }
}

/// A line of /proc/self/status in KiB, on Linux: `VmRSS:` the memory resident now,
/// `VmHWM:` its peak.
pub fn rss_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
