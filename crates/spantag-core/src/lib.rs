//! spantag-core: everything spantag knows about documents, spans, labels, files and teams,
//! with no GUI.
//!
//! [`document`] holds the text and its offset maps; [`annotation`] spans, relations, labels and
//! layers; [`edit`] the one way a layer changes; [`session`] one document with its layers;
//! [`store`] the annotation file beside the source; [`corpus`] folders of documents;
//! [`formats`] export and import; [`review`] agreement and curation; [`suggest`] suggestions.
//! The desktop app (`spantag-app`) and the command line (`spantag`) call the same functions.

// Every public item is documented; clippy runs with -D warnings, so a new one must be too.
#![warn(missing_docs)]

pub mod annotation;
pub mod atomic;
pub mod corpus;
pub mod document;
pub mod edit;
pub mod edit_summary;
pub mod folder;
pub mod formats;
pub mod labels;
pub mod project;
pub mod readfile;
pub mod reanchor;
pub mod recovery;
pub mod review;
pub mod search;
pub mod session;
pub mod settings;
pub mod store;
pub mod suggest;
pub mod synth;
pub mod team;
pub mod tokens;
pub mod transaction;
pub mod unknown;
pub mod walk;
