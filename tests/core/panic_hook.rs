//! The panic hook writes the latest unsaved state to the recovery file and a crash report.
//! A panic hook is global to the process, so the test runs in a process of its own: it starts
//! this test binary again with only itself selected.

use spantag_core::recovery;

/// The test's name as the test binary knows it, and the variable that marks the process
/// running it alone.
const NAME: &str = "panic_hook::a_panic_writes_the_recovery_file_and_a_crash_report";
const ALONE: &str = "SPANTAG_TEST_PANIC_HOOK_ALONE";

#[test]
fn a_panic_writes_the_recovery_file_and_a_crash_report() {
    if std::env::var_os(ALONE).is_none() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([NAME, "--exact", "--test-threads=1", "--nocapture"])
            .env(ALONE, "1")
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && said.contains("1 passed"),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let annotation = dir.path().join("op-ed.txt.alice.ron");
    let crash_dir = dir.path().join("config");
    recovery::install_panic_hook(Some(crash_dir.clone()));
    let text = "(\n    version: 1,\n    source: \"op-ed.txt\",\n    source_hash: \"sha256:0\",\n    annotator: \"alice\",\n    labels: [],\n    spans: [\n        (id: 1, start: 0, end: 5, label: \"claim\", text: \"Hello\"),\n    ],\n    relations: [],\n)\n";
    recovery::remember(&annotation, Some(text.to_owned()));
    // A second layer with unsaved changes (the curated layer in review) is written too.
    let curated = dir.path().join("op-ed.txt.curated.ron");
    let curated_text = text.replace("alice", "curated");
    recovery::remember(&curated, Some(curated_text.clone()));
    // A layer saved since is not.
    let saved = dir.path().join("op-ed.txt.bob.ron");
    recovery::remember(&saved, Some(text.to_owned()));
    recovery::remember(&saved, None);
    let result = std::panic::catch_unwind(|| panic!("simulated crash"));
    assert!(result.is_err());
    let written = std::fs::read_to_string(recovery::recovery_path(&annotation)).unwrap();
    assert_eq!(written, text);
    assert_eq!(
        std::fs::read_to_string(recovery::recovery_path(&curated)).unwrap(),
        curated_text
    );
    assert!(!recovery::recovery_path(&saved).exists());
    let reports: Vec<_> = std::fs::read_dir(&crash_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(reports.len(), 1);
    let report = std::fs::read_to_string(&reports[0]).unwrap();
    assert!(report.contains("simulated crash"), "{report}");
    assert!(
        report.contains("unsaved annotations were written"),
        "{report}"
    );
    assert_eq!(
        recovery::pending(&annotation).map(|f| f.spans.len()),
        Some(1)
    );
}
