//! The release binary in a real X11 window under Xvfb, driven with xdotool:
//! - a word is double-clicked, `2` (actor) and Ctrl+S are pressed, and the `.ron` is checked;
//! - spans are made, the process is killed with SIGKILL, and reopening restores every span
//!   made more than two seconds before the kill.
//!
//! Needs `Xvfb` and `xdotool` (`apt-get install xvfb xdotool`), so both tests are `#[ignore]`d:
//! `cargo test --release` lists them as ignored, and `cargo test --release -- --include-ignored`
//! (the README's command, which `.ci/run` runs) runs them, failing when a tool is missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable as _;
use spantag_core::document::Document;
use spantag_core::store::{AnnotationFile, annotation_path};

/// The two tests each start an X server; one at a time keeps them from racing for a display.
static DISPLAYS: Mutex<()> = Mutex::new(());

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("run xdotool");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn free_display(from: u32) -> (u32, PathBuf) {
    (from..1000)
        .map(|n| (n, PathBuf::from(format!("/tmp/.X11-unix/X{n}"))))
        .find(|(n, socket)| {
            let lock = PathBuf::from(format!("/tmp/.X{n}-lock"));
            if stale_lock(&lock) {
                // An X server killed earlier (these tests end theirs with SIGKILL) leaves its
                // lock and socket behind; its display number is free again.
                let _ = std::fs::remove_file(&lock);
                let _ = std::fs::remove_file(socket);
            }
            !socket.exists() && !lock.exists()
        })
        .expect("a free X display number")
}

/// Whether an X lock file names a process that no longer runs.
fn stale_lock(lock: &Path) -> bool {
    std::fs::read_to_string(lock)
        .ok()
        .and_then(|text| text.trim().parse::<u32>().ok())
        .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
}

/// The X display lock; panics when Xvfb or xdotool is missing (the tests are ignored unless
/// asked for, and then they must run).
fn real_window() -> std::sync::MutexGuard<'static, ()> {
    for tool in ["Xvfb", "xdotool"] {
        assert!(
            have(tool),
            "{tool} is missing: apt-get install -y xvfb xdotool, or leave out --include-ignored"
        );
    }
    DISPLAYS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A virtual display with the spantag window on it. Field order matters: the app is
/// stopped before its X server.
struct Session {
    app: Killed,
    _xvfb: Killed,
    display: String,
    window: String,
    width: i32,
}

impl Session {
    fn start(doc: &Path, config: &Path, annotator: &str, log: Option<&Path>) -> Self {
        // An X server that exits at once could not listen on its display (a server killed
        // just before may still hold it, through a child it left): the next number is tried.
        let mut from = 90;
        let (display, xvfb) = loop {
            let (n, socket) = free_display(from);
            let display = format!(":{n}");
            let mut xvfb = Killed(
                Command::new("Xvfb")
                    .args([
                        display.as_str(),
                        "-screen",
                        "0",
                        "1400x900x24",
                        "-nolisten",
                        "tcp",
                    ])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("start Xvfb"),
            );
            let mut exited = false;
            wait_for("Xvfb", Duration::from_secs(10), || {
                exited = xvfb.0.try_wait().ok().flatten().is_some();
                exited || socket.exists()
            });
            if !exited {
                break (display, xvfb);
            }
            eprintln!("Xvfb exited at once on {display}; trying the next display");
            assert!(
                n < 110,
                "Xvfb exits at once on every display from 90 to {n}"
            );
            from = n + 1;
        };
        let name = doc
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        // The app is started again if it exits before its window shows (a display that was
        // not ready yet on a loaded machine); what it printed is shown if it never does.
        let mut window = String::new();
        let mut app = None;
        let mut stderr_of_failures = String::new();
        for attempt in 0..3 {
            let mut command = Command::new(env!("CARGO_BIN_EXE_spantag"));
            command
                .arg("--annotator")
                .arg(annotator)
                .arg(doc)
                .env("DISPLAY", &display)
                .env("SPANTAG_CONFIG_DIR", config)
                .env_remove("WAYLAND_DISPLAY");
            let own_log = config.with_extension(format!("stderr-{attempt}"));
            let log_path = log.map_or(own_log.clone(), Path::to_path_buf);
            if log.is_some() {
                command.env("SPANTAG_LOG_EDITS", "1");
            }
            command.stderr(std::fs::File::create(&log_path).expect("log file"));
            let mut child = Killed(command.spawn().expect("start spantag"));
            let started = Instant::now();
            let mut exited = false;
            while started.elapsed() < Duration::from_secs(40) {
                window = xdotool(&display, &["search", "--onlyvisible", "--name", &name])
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_owned();
                if !window.is_empty() {
                    break;
                }
                if child.0.try_wait().ok().flatten().is_some() {
                    exited = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if !window.is_empty() {
                app = Some(child);
                break;
            }
            stderr_of_failures.push_str(&format!(
                "attempt {attempt} ({}): {}\n",
                if exited { "exited" } else { "no window" },
                std::fs::read_to_string(&log_path).unwrap_or_default()
            ));
            drop(child);
            std::thread::sleep(Duration::from_millis(500));
        }
        let Some(app) = app else {
            panic!("timed out waiting for the spantag window:\n{stderr_of_failures}");
        };
        std::thread::sleep(Duration::from_secs(2)); // first frames, font atlas
        let geometry = xdotool(&display, &["getwindowgeometry", "--shell", &window]);
        let value = |key: &str| -> i32 {
            geometry
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0)
        };
        let (width, height) = (value("WIDTH"), value("HEIGHT"));
        assert!(width > 600 && height > 400, "window geometry: {geometry}");
        Self {
            app,
            _xvfb: xvfb,
            display,
            window,
            width,
        }
    }

    /// Double-clicks at (x, y) in the window, then presses `key`.
    fn double_click_and_press(&self, x: i32, y: i32, key: &str) {
        let (x, y) = (x.to_string(), y.to_string());
        xdotool(
            &self.display,
            &["mousemove", "--window", &self.window, &x, &y],
        );
        std::thread::sleep(Duration::from_millis(150));
        xdotool(
            &self.display,
            &["click", "--repeat", "2", "--delay", "60", "1"],
        );
        std::thread::sleep(Duration::from_millis(300));
        xdotool(&self.display, &["windowfocus", "--sync", &self.window]);
        xdotool(&self.display, &["key", "--clearmodifiers", key]);
        std::thread::sleep(Duration::from_millis(300));
    }

    fn key(&self, key: &str) {
        xdotool(&self.display, &["key", "--clearmodifiers", key]);
    }
}

fn copy_sample(dir: &Path, name: &str) -> PathBuf {
    let doc = dir.join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_docs")
            .join(name),
        &doc,
    )
    .expect("copy sample");
    doc
}

#[test]
#[ignore = "needs Xvfb and xdotool: run with --include-ignored"]
fn double_click_a_word_press_2_and_save_in_a_real_window() {
    let _display = real_window();
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = copy_sample(dir.path(), "harbour-report.txt");
    let text = Document::open(&doc)
        .expect("sample opens")
        .text()
        .to_owned();
    let session = Session::start(&doc, &dir.path().join("config"), "smoke", None);
    let ron = annotation_path(&doc, "smoke");
    // Aim at the headline (the first line of text) in the middle of the document column;
    // try a few points so that landing between two words does not fail the test.
    let mut file = None;
    'points: for dy in [44, 52, 60, 70] {
        for dx in [-120, -60, 0, 60, 120] {
            session.double_click_and_press(session.width / 2 + dx, dy, "2");
            session.key("ctrl+s");
            let saved = Instant::now();
            while saved.elapsed() < Duration::from_secs(3) && !ron.exists() {
                std::thread::sleep(Duration::from_millis(100));
            }
            if let Ok(parsed) = AnnotationFile::read(&ron)
                && !parsed.spans.is_empty()
            {
                file = Some(parsed);
                break 'points;
            }
        }
    }
    let file = file
        .expect("after double-clicking the headline and pressing 2 and Ctrl+S, a span was saved");
    assert_eq!(file.spans.len(), 1, "exactly one span: {:?}", file.spans);
    let span = &file.spans[0];
    assert_eq!(span.label, "actor");
    let chars: Vec<char> = text.chars().collect();
    let at: String = chars[span.start..span.end].iter().collect();
    assert_eq!(
        at, span.text,
        "the span's text is the document's text at its offsets"
    );
    let is_word = |c: char| c.is_alphanumeric() || c == '\'' || c == '-';
    assert!(
        span.text.chars().all(is_word),
        "one word, not {:?}",
        span.text
    );
    assert!(
        span.start == 0 || !is_word(chars[span.start - 1]),
        "starts at a word boundary"
    );
    assert!(
        span.end == chars.len() || !is_word(chars[span.end]),
        "ends at a word boundary"
    );
}

#[test]
#[ignore = "needs Xvfb and xdotool: run with --include-ignored"]
fn sigkill_mid_session_loses_nothing_older_than_two_seconds() {
    let _display = real_window();
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = copy_sample(dir.path(), "harbour-report.txt");
    let log = dir.path().join("edits.log");
    let config = dir.path().join("config");
    let mut session = Session::start(&doc, &config, "crash", Some(&log));
    // Tag words on several lines of the document, with each of the three labels.
    for (i, (dx, dy)) in [
        (-140, 44),
        (-40, 44),
        (60, 44),
        (-100, 110),
        (20, 110),
        (-60, 150),
    ]
    .into_iter()
    .enumerate()
    {
        session.double_click_and_press(session.width / 2 + dx, dy, ["1", "2", "3"][i % 3]);
    }
    std::thread::sleep(Duration::from_millis(2_500));
    let made_before = std::fs::read_to_string(&log).unwrap_or_default();
    // One more edit right before the kill may or may not survive; it is not counted.
    session.double_click_and_press(session.width / 2 + 100, 150, "2");
    // SIGKILL: no chance to save or clean up.
    session.app.0.kill().expect("SIGKILL");
    session.app.0.wait().expect("reaped");

    // What the app logged as done more than two seconds before the kill.
    let expected: Vec<String> = made_before
        .lines()
        .filter(|l| l.starts_with("spantag-edit: AddSpan("))
        .filter_map(|l| {
            l.split("text: \"")
                .nth(1)?
                .split('"')
                .next()
                .map(str::to_owned)
        })
        .collect();
    assert!(expected.len() >= 3, "the session made spans: {made_before}");
    let recovered = spantag_core::recovery::pending(&annotation_path(&doc, "crash"))
        .expect("a recovery file after the kill");
    let texts: Vec<&str> = recovered.spans.iter().map(|s| s.text.as_str()).collect();
    for text in &expected {
        assert!(
            texts.contains(&text.as_str()),
            "{text:?}, made more than 2 s before the kill, is in {texts:?}"
        );
    }

    // Reopening offers it back, and restoring brings every span.
    let options = spantag_app::AppOptions {
        document: Some(doc.clone()),
        annotator: Some("crash".to_owned()),
        config_dir: Some(config),
        ..Default::default()
    };
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| spantag_app::SpantagApp::new(cc, options));
    h.state_mut().wait_until_loaded();
    h.run();
    h.get_by_label_contains("Restore unsaved work?");
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Restore")
        .click();
    h.run();
    let restored: Vec<String> = h
        .state()
        .layer()
        .expect("open")
        .spans()
        .iter()
        .map(|s| s.text.clone())
        .collect();
    for text in &expected {
        assert!(
            restored.contains(text),
            "{text:?} restored, in {restored:?}"
        );
    }
}
