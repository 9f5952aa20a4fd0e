//! spantag: a desktop workbench for annotating text spans.
//!
//! The core ([`document`], [`annotation`], [`edit`], [`session`], [`store`], [`project`],
//! [`labels`], [`settings`]) knows nothing of the GUI; [`ui`] draws a [`session::Session`]
//! with egui and changes it only through [`edit::Edit`] values applied by
//! [`session::Session::apply`].
//! The command line ([`cli`]) calls the same core functions as the GUI.

pub mod annotation;
pub mod atomic;
pub mod cli;
pub mod corpus;
pub mod document;
pub mod edit;
pub mod formats;
pub mod labels;
pub mod project;
pub mod reanchor;
pub mod recovery;
pub mod review;
pub mod search;
pub mod session;
pub mod settings;
pub mod store;
pub mod suggest;
pub mod synth;
pub mod tokens;
#[cfg(feature = "gui")]
pub mod ui;
