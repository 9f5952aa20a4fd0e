//! The `spantag` command line: one function per subcommand over `spantag-core`.
//!
//! The binary (`main.rs`) parses the arguments and either runs a subcommand here or opens the
//! desktop app from `spantag-app`.

pub mod cli;
