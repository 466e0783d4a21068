//! Progress on a terminal (indicatif): a bar over the plans of a batch, and a spinner
//! naming the stage of a plan that takes more than a second. Nothing of it when standard
//! error is not a terminal or `CI` is set, so logs and pipes stay clean.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use planlint::text::Lang;
use planlint::{Progress, Stage};

/// Whether progress is drawn at all.
pub fn enabled() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// A bar over `n` plans, with counts and rate.
pub fn plans(n: usize, lang: Lang) -> ProgressBar {
    if !enabled() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(n as u64);
    let template = match lang {
        Lang::Zh => "{spinner} {pos}/{len} 个规划 [{bar:30}] {per_sec} 已用 {elapsed} {msg}",
        Lang::En => "{spinner} {pos}/{len} plans [{bar:30}] {per_sec} {elapsed} {msg}",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A spinner naming the current stage of one plan's check, drawn only once the check has
/// taken a second. Dropping it clears it.
pub struct Stages {
    bar: ProgressBar,
    done: Option<mpsc::Sender<()>>,
    waiter: Option<std::thread::JoinHandle<()>>,
}

impl Stages {
    pub fn start(lang: Lang) -> Stages {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(Stage::Reading.label().get(lang).to_string());
        if !enabled() {
            return Stages {
                bar,
                done: None,
                waiter: None,
            };
        }
        let (tx, rx) = mpsc::channel::<()>();
        let shown = bar.clone();
        let waiter = std::thread::spawn(move || {
            if rx.recv_timeout(Duration::from_secs(1)) == Err(mpsc::RecvTimeoutError::Timeout) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Stages {
            bar,
            done: Some(tx),
            waiter: Some(waiter),
        }
    }

    /// The library's progress callback, naming each stage in `lang`.
    pub fn callback(&self, lang: Lang) -> Progress {
        let bar = self.bar.clone();
        Progress(std::sync::Arc::new(move |stage: Stage| {
            bar.set_message(stage.label().get(lang).to_string());
        }))
    }
}

impl Drop for Stages {
    fn drop(&mut self) {
        if let Some(tx) = self.done.take() {
            let _ = tx.send(());
        }
        if let Some(w) = self.waiter.take() {
            let _ = w.join();
        }
        self.bar.finish_and_clear();
    }
}
