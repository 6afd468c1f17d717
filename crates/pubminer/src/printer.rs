//! The one owner of stderr.
//!
//! Every line the binary writes to stderr goes through a [`Printer`], so what `--quiet` and
//! `--verbose` mean is decided here and nowhere else, and a line printed while the progress
//! bar is drawn goes above the bar instead of through it. Standard output is not its
//! business: results go there with `print!`, whatever the flags.
//!
//! Three kinds of line: [`Printer::status`] (what the run is doing and its summary; not with
//! `--quiet`), [`Printer::warn`] (something about the data the user must see: skipped
//! records, dropped annotations, an incomplete gold standard; printed even with `--quiet`),
//! and [`Printer::error`] (why the run stopped).

use std::fmt::Display;
use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Writes the binary's stderr.
#[derive(Debug)]
pub struct Printer {
    quiet: bool,
    verbose: bool,
    /// The progress bar being drawn, if any: lines are printed above it.
    bar: Mutex<Option<ProgressBar>>,
}

impl Printer {
    /// A printer for `--quiet` and `--verbose`.
    #[must_use]
    pub fn new(quiet: bool, verbose: bool) -> Self {
        Self {
            quiet,
            verbose,
            bar: Mutex::new(None),
        }
    }

    /// `--quiet`: no status lines and no progress bar.
    #[must_use]
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// `--verbose`: every skipped record, not the first 20.
    #[must_use]
    pub fn verbose(&self) -> bool {
        self.verbose
    }

    /// A status line (progress notes, summaries), unless `--quiet`.
    pub fn status(&self, line: impl Display) {
        if !self.quiet {
            self.write(&format!("{line}\n"));
        }
    }

    /// Status text that brings its own line ends, unless `--quiet`.
    pub fn status_text(&self, text: impl Display) {
        if !self.quiet {
            self.write(&text.to_string());
        }
    }

    /// A line about the data that is printed even with `--quiet`.
    pub fn warn(&self, line: impl Display) {
        self.write(&format!("{line}\n"));
    }

    /// The error that ends the run, with its causes.
    pub fn error(&self, err: &anyhow::Error) {
        self.warn(format_args!("error: {err:#}"));
    }

    /// A progress bar over `total` bytes, drawn only when stderr is a terminal and not with
    /// `--quiet`. Lines printed while it lives go above it; it is cleared when dropped.
    #[must_use]
    pub fn progress(&self, total: Option<u64>) -> Progress<'_> {
        let bar = if self.quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}",
                )
                .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        };
        *self.lock() = Some(bar.clone());
        Progress { printer: self, bar }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.bar
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self, text: &str) {
        match &*self.lock() {
            Some(bar) => bar.suspend(|| eprint!("{text}")),
            None => eprint!("{text}"),
        }
    }
}

/// The progress bar of one run over the inputs (see [`Printer::progress`]).
pub struct Progress<'p> {
    printer: &'p Printer,
    bar: ProgressBar,
}

impl Progress<'_> {
    /// The text beside the bar (the file being read).
    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    /// Bytes read so far.
    pub fn set_position(&self, bytes: u64) {
        self.bar.set_position(bytes);
    }
}

impl Drop for Progress<'_> {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        *self.printer.lock() = None;
    }
}
