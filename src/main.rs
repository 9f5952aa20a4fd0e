//! spantag's entry point: parse the command line, then run a subcommand or open the app.

use clap::{CommandFactory as _, Parser as _};
use spantag::cli::{self, Cli};
use spantag_app::{self as ui, AppOptions};

fn main() -> std::process::ExitCode {
    let started = std::time::Instant::now();
    let mut args = Cli::parse();
    cli::set_quiet(args.quiet);
    // `spantag stauts`: a mistyped command, not a document to open.
    if args.command.is_none()
        && let Some(document) = &args.document
        && let Some(err) = cli::unknown_subcommand(&Cli::command(), document)
    {
        err.exit();
    }
    if let Some(command) = &mut args.command {
        let refused = if let Some(document) = &args.document {
            Some(format!(
                "spantag: give a document to open ({}) or a command ({}), not both",
                document.display(),
                command.name()
            ))
        } else if args.suggest_from.is_some() {
            Some(format!(
                "spantag {}: --suggest-from is an option of the app, not of this command",
                command.name()
            ))
        } else {
            command.take_annotator(args.annotator.take()).err()
        };
        if let Some(refused) = refused {
            eprintln!("{refused}");
            return std::process::ExitCode::from(2);
        }
    }
    let mut review = None;
    if let Some(cli::CliCommand::Review { path, annotator }) = &args.command {
        match cli::review_target(path) {
            Ok(document) => review = Some((document, path.is_dir().then(|| path.clone()))),
            Err(err) => {
                eprintln!("spantag review: {err}");
                return std::process::ExitCode::from(2);
            }
        }
        args.annotator = annotator.clone();
    } else if let Some(command) = args.command {
        return std::process::ExitCode::from(u8::try_from(cli::run(command)).unwrap_or(2));
    }
    for name in args.annotator.iter().chain(&args.suggest_from) {
        if let Err(err) = spantag_core::store::validate_user_annotator(name) {
            eprintln!("spantag: {err}");
            return std::process::ExitCode::from(2);
        }
    }
    let folder = review.as_ref().and_then(|(_, folder)| folder.clone());
    let options = AppOptions {
        review: review.is_some(),
        agreement: review.as_ref().is_some_and(|(_, folder)| folder.is_some()),
        document: review.map(|(document, _)| document).or(args.document),
        annotator: args.annotator,
        config_dir: None,
        suggest_from: args.suggest_from,
        folder,
        exit_after_first_frame: std::env::var_os("SPANTAG_EXIT_AFTER_FIRST_FRAME").map(|_| started),
    };
    match ui::run(options) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("spantag: could not open a window: {err}");
            std::process::ExitCode::from(2)
        }
    }
}
