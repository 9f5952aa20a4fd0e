//! The command line's integration tests, one binary: the real `spantag` binary (built with the
//! `gui` feature, hence `required-features` in Cargo.toml) and `spantag::cli::run`, on files the
//! tests write. One module per thing covered.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

#[path = "../common/mod.rs"]
mod common;

/// `spantag agree` and `spantag curate` end to end.
mod agree;
/// One exit-code table, "did you mean", `--version`, a closed pipe, completions, man, help.
mod conventions;
/// Exports and `check` on the mistakes a user makes.
mod export;
/// Folder operations are all or nothing, even killed at random moments.
mod folder_txn;
/// Folder commands on folders holding links and special files.
mod folder_walk;
/// Two git clones editing one annotation file, merged with and without the merge driver.
mod git_team;
/// `spantag import` on datasets written the way other tools write them.
mod import;
/// `spantag label list|rename|remove` across a folder.
mod labels;
/// Never losing an annotation: atomic saves under SIGKILL, re-anchoring, refused input.
mod safety;
/// `spantag suggest` on documents whose right answer is known.
mod suggest;
/// Fields spantag does not know survive every rewrite.
mod unknown_fields;
/// Folders, odd file names, repeated words, edited sources, several annotators.
mod user_folders;
