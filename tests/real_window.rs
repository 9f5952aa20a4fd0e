//! The release binary in a real X11 window under Xvfb, driven with xdotool: a word is
//! double-clicked, `2` (actor) and Ctrl+S are pressed, and the written `.ron` is checked.
//!
//! Needs `Xvfb` and `xdotool` (`apt-get install xvfb xdotool`). Without them the test says
//! so and passes, unless `SPANTAG_REQUIRE_REAL_WINDOW=1` (as in `.ci/run`), where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use spantag::document::Document;
use spantag::store::{AnnotationFile, annotation_path};

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

fn free_display() -> (u32, PathBuf) {
    (90..140)
        .map(|n| (n, PathBuf::from(format!("/tmp/.X11-unix/X{n}"))))
        .find(|(n, socket)| !socket.exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .expect("a free X display number")
}

#[test]
fn double_click_a_word_press_2_and_save_in_a_real_window() {
    let required = std::env::var("SPANTAG_REQUIRE_REAL_WINDOW").is_ok_and(|v| v == "1");
    if !have("Xvfb") || !have("xdotool") {
        assert!(
            !required,
            "Xvfb and xdotool are required (apt-get install -y xvfb xdotool)"
        );
        eprintln!("SKIPPED real-window test: install xvfb and xdotool to run it");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let doc = dir.path().join("harbour-report.txt");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/sample_docs/harbour-report.txt"
        ),
        &doc,
    )
    .expect("copy sample");
    let text = Document::open(&doc)
        .expect("sample opens")
        .text()
        .to_owned();

    let (n, socket) = free_display();
    let display = format!(":{n}");
    let _xvfb = Killed(
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
    wait_for("Xvfb", Duration::from_secs(10), || socket.exists());

    let _app = Killed(
        Command::new(env!("CARGO_BIN_EXE_spantag"))
            .arg("--annotator")
            .arg("smoke")
            .arg(&doc)
            .env("DISPLAY", &display)
            .env("SPANTAG_CONFIG_DIR", dir.path().join("config"))
            .env_remove("WAYLAND_DISPLAY")
            .spawn()
            .expect("start spantag"),
    );
    let mut window = String::new();
    wait_for("the spantag window", Duration::from_secs(60), || {
        window = xdotool(
            &display,
            &["search", "--onlyvisible", "--name", "harbour-report.txt"],
        )
        .lines()
        .next()
        .unwrap_or("")
        .to_owned();
        !window.is_empty()
    });
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

    let ron = annotation_path(&doc, "smoke");
    // Aim at the headline (the first line of text) in the middle of the document column;
    // try a few points so that landing between two words does not fail the test.
    let mut file = None;
    'points: for dy in [44, 52, 60, 70] {
        for dx in [-120, -60, 0, 60, 120] {
            let x = (width / 2 + dx).to_string();
            let y = dy.to_string();
            xdotool(&display, &["mousemove", "--window", &window, &x, &y]);
            std::thread::sleep(Duration::from_millis(150));
            xdotool(&display, &["click", "--repeat", "2", "--delay", "60", "1"]);
            std::thread::sleep(Duration::from_millis(300));
            xdotool(&display, &["windowfocus", "--sync", &window]);
            xdotool(&display, &["key", "--clearmodifiers", "2"]);
            std::thread::sleep(Duration::from_millis(300));
            xdotool(&display, &["key", "--clearmodifiers", "ctrl+s"]);
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
