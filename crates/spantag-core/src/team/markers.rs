//! Conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`) that a line-based git merge leaves in
//! an annotation file when both sides changed neighbouring lines and spantag's merge driver
//! was not set up. Such a file is not RON; reading it says so and how to resolve it.

use std::path::Path;

/// The 1-based line of the first conflict marker, when the text holds a git conflict: a line
/// starting with `<<<<<<<` and a later one starting with `>>>>>>>`.
pub fn first_marker_line(text: &str) -> Option<usize> {
    let mut open = None;
    for (i, line) in text.lines().enumerate() {
        if open.is_none() && line.starts_with("<<<<<<<") {
            open = Some(i + 1);
        } else if open.is_some() && line.starts_with(">>>>>>>") {
            return open;
        }
    }
    None
}

/// What to do about a file holding conflict markers.
pub fn advice(path: &Path) -> String {
    let name = path.display();
    format!(
        "a git merge left conflict markers (<<<<<<< ======= >>>>>>>) in it: both sides changed \
         neighbouring lines and git merged the file line by line, without spantag's merge \
         driver. The file was left untouched. To resolve: run `spantag git-setup` in the \
         repository once, then `git checkout --conflict=merge {name}` redoes this file's merge \
         span by span; or merge the three versions git keeps yourself: `git show :1:{name} > \
         base.ron`, `git show :2:{name} > ours.ron`, `git show :3:{name} > theirs.ron`, \
         `spantag merge-driver base.ron ours.ron theirs.ron {name}` (the result is written to \
         ours.ron: copy it over {name}), then `git add {name}`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_found_only_as_a_pair_at_line_starts() {
        let merged = "(\n    spans: [\n<<<<<<< HEAD\n        (id: 5),\n=======\n        (id: 5),\n>>>>>>> theirs\n    ],\n)\n";
        assert_eq!(first_marker_line(merged), Some(3));
        // Inside a span's text (never at a line start in spantag's files) or unpaired: no.
        assert_eq!(first_marker_line("(text: \"<<<<<<< x\")\n"), None);
        assert_eq!(first_marker_line("<<<<<<< only\n(\n)\n"), None);
        assert_eq!(first_marker_line(">>>>>>> first\n<<<<<<< then\n"), None);
        assert_eq!(first_marker_line("(\n)\n"), None);
    }
}
