//! What every subcommand shares so the command line behaves like git, ripgrep or cargo: one
//! exit-code table, quiet ends on a closed pipe, progress only for a person watching, and
//! "did you mean" for a mistyped subcommand.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The command did what was asked and there was something to do.
pub const SUCCESS: i32 = 0;
/// The command ran and found problems, or nothing to do (like `grep` finding no match).
pub const PROBLEMS: i32 = 1;
/// The command could not run as asked: bad arguments, missing or unreadable input, an
/// unknown annotator or label, output that cannot be written.
pub const USAGE: i32 = 2;
/// Standard output was closed by the reader (`spantag export … | head`): the status a shell
/// reports for a process ended by SIGPIPE (128 + 13), as for `cat` or `git log`.
pub const BROKEN_PIPE: i32 = 141;

/// `--quiet`: no progress on stderr.
static QUIET: AtomicBool = AtomicBool::new(false);
/// A progress line is on stderr and must be erased before the next message.
static BAR_SHOWN: AtomicBool = AtomicBool::new(false);

/// Turns progress off (`--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

fn progress_wanted() -> bool {
    !QUIET.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// Erases a progress line, so a message printed next starts at the left margin.
pub fn clear_progress() {
    if BAR_SHOWN.swap(false, Ordering::Relaxed) {
        let _ = std::io::stderr().write_all(b"\r\x1b[K");
    }
}

/// Writes to stdout (what `println!`/`print!` do in the subcommands). A reader that closed
/// the pipe ends the process quietly with [`BROKEN_PIPE`]; another write error says what
/// failed and exits with [`USAGE`].
pub fn write_stdout(args: std::fmt::Arguments<'_>, newline: bool) {
    clear_progress();
    let mut out = std::io::stdout().lock();
    let written = out.write_fmt(args).and_then(|()| {
        if newline {
            out.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(err) = written {
        exit_on_write_error(&err);
    }
}

/// Writes to stderr (what `eprintln!` does in the subcommands), after erasing a progress
/// line. A closed stderr is ignored.
pub fn write_stderr(args: std::fmt::Arguments<'_>) {
    clear_progress();
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Ends the process after a failed write to stdout.
pub fn exit_on_write_error(err: &std::io::Error) -> ! {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(BROKEN_PIPE);
    }
    write_stderr(format_args!(
        "spantag: cannot write to standard output: {err}"
    ));
    std::process::exit(USAGE);
}

/// Whether an error was caused by writing to a closed pipe.
pub fn is_broken_pipe(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(err) = next {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return true;
        }
        next = err.source();
    }
    false
}

/// A progress bar on stderr, drawn only when stderr is a terminal and not `--quiet`.
pub struct Progress {
    enabled: bool,
    last: Instant,
    what: &'static str,
}

impl Progress {
    /// A bar counting `what` (e.g. "documents").
    pub fn new(what: &'static str) -> Self {
        Self {
            enabled: progress_wanted(),
            last: Instant::now() - Duration::from_secs(1),
            what,
        }
    }

    /// Shows `done` of `total`, at most ten times a second; the last one ends the line.
    pub fn update(&mut self, done: usize, total: usize) {
        if !self.enabled || (done < total && self.last.elapsed() < Duration::from_millis(100)) {
            return;
        }
        self.last = Instant::now();
        let width = 30;
        let filled = (done * width)
            .checked_div(total)
            .unwrap_or(width)
            .min(width);
        clear_progress();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {done}/{total} {}",
            "#".repeat(filled),
            " ".repeat(width - filled),
            self.what
        );
        if done == total {
            let _ = writeln!(err);
        } else {
            BAR_SHOWN.store(true, Ordering::Relaxed);
        }
    }
}

/// "Still working" on stderr for work that reports no steps (label rename, import): after a
/// second, the elapsed time, redrawn until the guard is dropped. Off when stderr is not a
/// terminal or with `--quiet`.
pub struct Busy {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Busy {
    /// Starts the indicator for `what` (e.g. "spantag import: writing").
    pub fn start(what: String) -> Self {
        if !progress_wanted() {
            return Self {
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let started = Instant::now();
        let thread = std::thread::spawn(move || {
            let mut wait = Duration::from_secs(1);
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(wait) {
                wait = Duration::from_millis(250);
                let _ = write!(
                    std::io::stderr().lock(),
                    "\r{what}… {}s",
                    started.elapsed().as_secs()
                );
                BAR_SHOWN.store(true, Ordering::Relaxed);
            }
            clear_progress();
        });
        Self {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The subcommand names a mistyped word may have meant.
fn closest<'a>(word: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    names
        .map(|name| (strsim::jaro(word, name), name))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// `spantag WORD` where WORD is a bare word (no `/`, no `.`) that is no file or folder here:
/// a subcommand that does not exist (`spantag stauts`), not a document to open. Returns
/// clap's "unrecognized subcommand" error, with the closest subcommand when one is close.
/// A document or folder that exists opens, whatever its name.
pub fn unknown_subcommand(cmd: &clap::Command, word: &Path) -> Option<clap::Error> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = word.to_str()?;
    if word.exists() || text.is_empty() || text.contains(['/', '\\', '.']) {
        return None;
    }
    let names = cmd
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_visible_aliases()));
    let mut err = clap::Error::new(ErrorKind::InvalidSubcommand).with_cmd(cmd);
    err.insert(
        ContextKind::InvalidSubcommand,
        ContextValue::String(text.to_owned()),
    );
    if let Some(name) = closest(text, names) {
        err.insert(
            ContextKind::SuggestedSubcommand,
            ContextValue::String(name.to_owned()),
        );
    }
    err.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![
            format!(
                "to open a document or folder named '{text}', create it first or give its path: './{text}'"
            )
            .into(),
            "`spantag --help` lists the commands".into(),
        ]),
    );
    let mut cmd = cmd.clone();
    err.insert(
        ContextKind::Usage,
        ContextValue::StyledStr(cmd.render_usage()),
    );
    Some(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_matched_to_the_nearest_name() {
        let names = ["check", "export", "status", "agree"];
        assert_eq!(closest("stauts", names.into_iter()), Some("status"));
        assert_eq!(closest("exprot", names.into_iter()), Some("export"));
        assert_eq!(closest("zzzzzz", names.into_iter()), None);
    }

    #[test]
    fn a_broken_pipe_is_found_behind_other_errors() {
        #[derive(Debug)]
        struct Wrapped(std::io::Error);
        impl std::fmt::Display for Wrapped {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "wrapped")
            }
        }
        impl std::error::Error for Wrapped {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let pipe = Wrapped(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&pipe));
        let other = Wrapped(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert!(!is_broken_pipe(&other));
    }
}
