//! spantag: a desktop workbench for annotating text spans.
//!
//! The core ([`document`], [`annotation`], [`edit`], [`store`], [`settings`]) knows nothing
//! of the GUI; [`ui`] draws it with egui and changes it only through [`edit::Edit`] values.
//! The command line ([`cli`]) calls the same core functions as the GUI.

pub mod annotation;
pub mod cli;
pub mod corpus;
pub mod document;
pub mod edit;
pub mod fastron;
pub mod formats;
pub mod reanchor;
pub mod recovery;
pub mod review;
pub mod settings;
pub mod store;
pub mod synth;
pub mod tokens;
#[cfg(feature = "gui")]
pub mod ui;
