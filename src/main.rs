//! spantag's entry point: parse the command line, then run a subcommand or open the app.

use clap::Parser as _;
use spantag::cli::{self, Cli};
use spantag::ui::{self, AppOptions};

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    let args = Cli::parse();
    let mut review = None;
    if let Some(cli::CliCommand::Review { path }) = &args.command {
        match cli::review_target(path) {
            Ok(document) => review = Some((document, path.is_dir())),
            Err(err) => {
                eprintln!("spantag review: {err}");
                return std::process::ExitCode::from(2);
            }
        }
    } else if let Some(command) = args.command {
        return std::process::ExitCode::from(
            u8::try_from(cli::run(command, args.annotator)).unwrap_or(1),
        );
    }
    for name in args.annotator.iter().chain(&args.suggest_from) {
        if let Err(err) = spantag::store::validate_user_annotator(name) {
            eprintln!("spantag: {err}");
            return std::process::ExitCode::from(2);
        }
    }
    let options = AppOptions {
        review: review.is_some(),
        agreement: review.as_ref().is_some_and(|(_, folder)| *folder),
        document: review.map(|(document, _)| document).or(args.document),
        annotator: args.annotator,
        config_dir: None,
        suggest_from: args.suggest_from,
        exit_after_first_frame: std::env::var_os("SPANTAG_EXIT_AFTER_FIRST_FRAME").map(|_| started),
    };
    match ui::run(options) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("spantag: could not open a window: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
