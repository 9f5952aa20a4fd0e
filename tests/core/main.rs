//! The core's integration tests, one binary: `spantag-core` through its public API, with no
//! GUI and without the `spantag` binary (so they build with `--no-default-features`). One
//! module per thing covered.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

#[path = "../common/mod.rs"]
mod common;

/// A property test's settings: `cases` cases, and the failures proptest saved kept beside the
/// test's file (`formats.rs` → `formats.proptest-regressions`), where proptest would otherwise
/// look in a `proptest-regressions/` folder once it sees this `main.rs`.
fn proptest_config(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, FileFailurePersistence};
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}

/// The documentation stays true to the repository (links, rooms, room sizes, samples).
mod docs;
/// Exports and imports: golden files for every format, round trips, offsets under Unicode.
mod formats;
/// Every export format against output written by hand from its specification.
mod formats_by_hand;
/// An import checks every record's name before writing anything.
mod import_names;
/// Odd but honest files: a byte-order mark, an empty brat label, a linked annotation file.
mod odd_files;
/// The panic hook writes the recovery files and a crash report.
mod panic_hook;
/// The project file: finding, reading, errors with line and column, label precedence.
mod project;
/// The shipped sample documents and annotation files stay valid.
mod samples;
/// Properties of the annotation file: round trips, the fast reader against `ron`.
mod store_props;
