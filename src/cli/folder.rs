//! Folder operations interrupted earlier (a kill, a crash) are finished before a command
//! works on the folder, and said so on stderr.

use spantag_core::folder;
use std::path::Path;

/// Finishes an operation interrupted in each input's folder (see
/// [`spantag_core::folder::recover`]), printing what was done; returns the problems (an
/// operation that could not be finished, or one still under way) as messages.
pub(super) fn finish_interrupted<'a>(
    command: &str,
    paths: impl IntoIterator<Item = &'a Path>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for path in paths {
        if !path.exists() {
            continue;
        }
        if let Err(err) = folder::recover(path) {
            problems.push(err.to_string());
        }
        print_notes(command);
        if let Some(left) = folder::unfinished(&folder::folder_for(path)) {
            problems.push(left.describe());
        }
    }
    problems
}

/// Prints what spantag did on behalf of an earlier run (see [`folder::take_notes`]).
pub(super) fn print_notes(command: &str) {
    for note in folder::take_notes() {
        eprintln!("spantag {command}: {note}");
    }
}
