//! The guide's shortcut table is the app's key table (what F1 shows), so the documentation
//! of the keys cannot drift from the keys.

use std::path::Path;

fn read(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The app's key table (what F1 shows) as the guide's Markdown table.
fn shortcut_table() -> String {
    let mut table = String::from("| Keys | Action |\n|---|---|\n");
    for (keys, what) in spantag_app::app::SHORTCUTS.iter() {
        table.push_str(&format!("| `{keys}` | {what} |\n"));
    }
    table
}

#[test]
fn the_guide_lists_every_shortcut_of_the_app() {
    let guide = read("docs/guide.md");
    let table = shortcut_table();
    assert!(
        guide.contains(&table),
        "docs/guide.md's shortcut table is not the app's key table; it should read:\n{table}"
    );
}
