//! Help that teaches: examples for each subcommand's `--help`, the topics of
//! `spantag help formats|files`, the man page and shell completions (generated from the
//! clap definitions, so they never drift from the commands).

use clap::CommandFactory as _;
use std::path::Path;

use super::Cli;
use super::conventions::{SUCCESS, USAGE};

/// The exit-code table, spelled once for `concat!`.
macro_rules! exits {
    () => {
        "\nExit status: 0 done, 1 found problems or nothing to do, 2 could not run as asked \
         (see `spantag --help`)."
    };
}

/// The exit-code table, as `spantag --help` ends.
macro_rules! exit_table {
    () => {
        "Exit status (every command):
  0    done: the command did what was asked
  1    it ran and found problems or nothing to do (check found problems; export,
       suggest, curate, label list found nothing)
  2    it could not run as asked: bad arguments, a missing or unreadable input, an
       unknown annotator or label, output that cannot be written
  141  the reader closed standard output (`spantag export … | head`): stops quietly"
    };
}

/// After `spantag --help`.
pub const MAIN: &str = concat!(
    "Examples:
  spantag op-ed.txt                         open a document in the app
  spantag corpus/                           open a folder in the app
  spantag check corpus/                     are the annotation files sound?
  spantag export -f jsonl corpus/ | head    spans as JSON lines
  spantag agree corpus/                     how far annotators agree
  spantag help formats                      what each export format keeps and drops
  spantag help files                        the annotation file, field by field

",
    exit_table!()
);

pub const CHECK: &str = concat!(
    "Examples:
  spantag check corpus/                     every annotation file under corpus/
  spantag check op-ed.txt                   the files beside one document
  spantag check --update corpus/            record texts that changed (keeps .bak)
",
    exits!()
);

pub const REVIEW: &str = concat!(
    "Examples:
  spantag review corpus/ -a carol           curate a folder: agreement panel + curated layer
  spantag review op-ed.txt                  one document's layers side by side
",
    exits!()
);

pub const EXPORT: &str = concat!(
    "Examples:
  spantag export -f jsonl corpus/ > spans.jsonl
  spantag export -f csv --annotator alice corpus/ -o alice.csv
  spantag export -f conll --curated corpus/ -o gold.conll
  spantag export -f hf corpus/ -o hf-dataset/
  spantag export -f label-studio --offsets utf16 op-ed.txt -o tasks.json
`spantag help formats` says what each format keeps and drops.
",
    exits!()
);

pub const AGREE: &str = concat!(
    "Examples:
  spantag agree corpus/
  spantag agree --annotators alice,bob -f csv corpus/ > agreement.csv
  spantag agree --fail-under 0.8 corpus/ >/dev/null || echo 'agreement too low'
  spantag agree --gamma-samples 300 --gamma-seed 7 corpus/   a steadier γ, reproducible
  spantag agree --no-gamma corpus/                             leave γ out (faster)
",
    exits!()
);

pub const CURATE: &str = concat!(
    "Examples:
  spantag curate --accept-agreed corpus/                  spans everyone made identically
  spantag curate --accept-agreed --min-agree 2 corpus/    majority vote, 2 of 3
  spantag curate --accept-agreed --uncontested corpus/    also spans nobody contradicts
",
    exits!()
);

pub const LABEL: &str = concat!(
    "Examples:
  spantag label list corpus/
  spantag label rename Claim claim corpus/
  spantag label remove draft corpus/ --force
",
    exits!()
);

pub const SUGGEST: &str = concat!(
    "Examples:
  spantag suggest -a alice corpus/ | head
  spantag suggest -a alice --from model --only-from corpus/ > model.jsonl
",
    exits!()
);

pub const SYNTH: &str = concat!(
    "Examples:
  spantag synth --out /tmp/corpus --docs 20 --spans 40
  spantag synth --out /tmp/agree --docs 10 --annotators alice,bob,carol
  spantag agree /tmp/agree                  then measure them
",
    exits!()
);

pub const IMPORT: &str = concat!(
    "Examples:
  spantag import -f jsonl --into corpus/ -a model predictions.jsonl
  spantag import -f brat --into corpus/ brat-folder/
  spantag import -f label-studio --offsets utf16 --into corpus/ export.json
",
    exits!()
);

pub const COMPLETIONS: &str = concat!(
    "Examples:
  spantag completions bash > ~/.local/share/bash-completion/completions/spantag
  spantag completions zsh > ~/.zfunc/_spantag        (with fpath+=~/.zfunc in .zshrc)
  spantag completions fish > ~/.config/fish/completions/spantag.fish
",
    exits!()
);

pub const MAN: &str = concat!(
    "Examples:
  spantag man | man -l -
  spantag man --dir ~/.local/share/man/man1     one page per command
",
    exits!()
);

/// `spantag help formats`.
pub const FORMATS: &str = "\
What each export format keeps and drops (spantag export -f FORMAT; import reads them back).

Offsets are Unicode code points, half-open (start included, end excluded); --offsets utf16
counts UTF-16 code units instead, as browser tools (doccano, Label Studio) do.
Orphaned spans (their text is gone from the document) are in no export: `spantag check`.

  jsonl         one line per document and annotator: text, spans (id, start, end, label,
                text, note), relations, meta (source, annotator). Keeps everything but
                label colours. spaCy: doc.char_span(start, end, label=...).
  doccano       one line per document and annotator: text, label [[start, end, label]],
                source, annotator. Drops span ids, notes and relations.
  conll         TOKEN<TAB>IOB2-TAG, a blank line between sentences, -DOCSTART- per document
                and annotator. Tokens, not offsets: overlapping and nested spans cannot
                be told apart, the innermost wins (the summary counts the tags dropped).
                Drops notes, relations, ids.
  hf            a folder: data.jsonl (id, tokens, ner_tags per sentence) and labels.json.
                Same token rules and losses as conll. datasets.load_dataset(\"json\", ...).
  brat          a folder of .txt + .ann per document, annotation.conf, visual.conf (colours).
                Keeps spans (split at line breaks), relations, notes (one line: line
                breaks become spaces); spaces in label names become _.
  label-studio  one JSON list of tasks; one annotation per annotator; spans, notes
                (textarea) and relations. Keeps everything but colours.
  csv           one span per row: document, annotator, start, end, label, text, note.
                Drops relations. Cells a spreadsheet would run as a formula get a leading '.

Examples:
  spantag export -f jsonl corpus/ > spans.jsonl
  spantag export -f conll --curated corpus/ -o gold.conll
";

/// `spantag help files`.
pub const FILES: &str = "\
The annotation file: <document>.<annotator>.ron beside the document, one per annotator
(op-ed.txt -> op-ed.txt.alice.ron); the curated layer is <document>.curated.ron; spantag.ron
in a folder is the project file (its labels). Plain text (RON), sorted, one span per line,
saved atomically; the previous version is kept as <file>.bak.

  (
      version: 1,
      source: \"op-ed.txt\",                 the document, beside this file
      source_hash: \"sha256:cb17…\",         the text it was made on: a changed text is
                                           noticed and spans are moved with it
      annotator: \"alice\",                  must match the file name
      labels: [(name: \"claim\", color: \"#4e79a7\"), ...],
      spans: [
          (id: 1, start: 60, end: 72, label: \"actor\", text: \"Marta Okafor\"),
          (id: 5, start: 296, end: 341, label: \"claim\", text: \"...\", note: Some(\"...\")),
      ],
      relations: [],
  )

start and end are Unicode code points, half-open: the span is the text from start up to
but not including end; text is a copy, used to put a span back when the document changes.
Annotator names: letters, digits, '_', '-', '.', '@', '+'.

Check files with `spantag check FOLDER`; they are meant to be committed to git.
";

/// `spantag help [COMMAND…|TOPIC]`.
pub fn help(topic: &[String]) -> i32 {
    let mut cmd = Cli::command();
    match topic.first().map(String::as_str) {
        None => {
            println!("{}", cmd.render_long_help());
            SUCCESS
        }
        Some("formats") if topic.len() == 1 => {
            print!("{FORMATS}");
            SUCCESS
        }
        Some("files") if topic.len() == 1 => {
            print!("{FILES}");
            SUCCESS
        }
        Some(_) => {
            cmd.build();
            let mut sub = &mut cmd;
            for name in topic {
                match sub.find_subcommand_mut(name) {
                    Some(next) => sub = next,
                    None => {
                        eprintln!(
                            "spantag help: no command or topic {name:?}; topics: formats, files; \
                             commands: see `spantag --help`"
                        );
                        return USAGE;
                    }
                }
            }
            println!("{}", sub.render_long_help());
            SUCCESS
        }
    }
}

/// `spantag completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "spantag", &mut buffer);
    print!("{}", String::from_utf8_lossy(&buffer));
    SUCCESS
}

/// `spantag man [--dir DIR]`: the page on stdout, or one page per command into DIR.
pub fn man(dir: Option<&Path>) -> i32 {
    let cmd = Cli::command();
    if let Some(dir) = dir {
        if let Err(err) = std::fs::create_dir_all(dir) {
            eprintln!("spantag man: {}: {err}", dir.display());
            return USAGE;
        }
        return match clap_mangen::generate_to(cmd, dir) {
            Ok(()) => {
                eprintln!("spantag man: pages written to {}", dir.display());
                SUCCESS
            }
            Err(err) => {
                eprintln!("spantag man: {}: {err}", dir.display());
                USAGE
            }
        };
    }
    let mut buffer = Vec::new();
    if let Err(err) = clap_mangen::Man::new(cmd).render(&mut buffer) {
        eprintln!("spantag man: {err}");
        return USAGE;
    }
    print!("{}", String::from_utf8_lossy(&buffer));
    SUCCESS
}
