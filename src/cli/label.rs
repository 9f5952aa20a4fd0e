//! `spantag label`: list, rename and remove labels across a folder.

use spantag_core::labels::{self, LabelsError};

use super::LabelCommand;
use super::conventions::{Busy, PROBLEMS, USAGE};

pub(super) fn label(command: LabelCommand) -> i32 {
    let path = match &command {
        LabelCommand::List { path }
        | LabelCommand::Rename { path, .. }
        | LabelCommand::Remove { path, .. } => path.clone(),
    };
    let verb = match &command {
        LabelCommand::List { .. } => "list",
        LabelCommand::Rename { .. } => "rename",
        LabelCommand::Remove { .. } => "remove",
    };
    let problems = super::folder::finish_interrupted(&format!("label {verb}"), [path.as_path()]);
    if !problems.is_empty() {
        for problem in problems {
            eprintln!("spantag label {verb}: {problem}");
        }
        return PROBLEMS;
    }
    let _busy = Busy::start(format!(
        "spantag label {}",
        match &command {
            LabelCommand::List { .. } => "list: reading",
            LabelCommand::Rename { .. } => "rename: working",
            LabelCommand::Remove { .. } => "remove: working",
        }
    ));
    for skipped in spantag_core::corpus::skipped_links(std::slice::from_ref(&path)) {
        eprintln!("note: {skipped}");
    }
    let (verb, result) = match command {
        LabelCommand::List { path } => ("list", label_list(&path)),
        LabelCommand::Rename { old, new, path } => (
            "rename",
            labels::rename(&path, &old, &new).map(print_rename),
        ),
        LabelCommand::Remove { name, path, force } => (
            "remove",
            labels::remove(&path, &name, force).map(print_removal),
        ),
    };
    super::folder::print_notes(&format!("label {verb}"));
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("spantag label {verb}: {err}");
            // A label found nowhere, a refused name or removal, an unreadable file: the
            // command could not run as asked, and changed nothing.
            USAGE
        }
    }
}

pub(super) fn label_list(path: &std::path::Path) -> Result<i32, LabelsError> {
    let usage = labels::usage(path)?;
    let projects = usage
        .projects
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>();
    if usage.labels.is_empty() {
        let files = if usage.files.is_empty() {
            format!(
                "there are no annotation files (<document>.<annotator>.ron) under {}",
                path.display()
            )
        } else {
            format!(
                "the {} annotation file(s) under {} have none",
                usage.files.len(),
                path.display()
            )
        };
        eprintln!(
            "spantag label list: found no labels: {files}{}",
            if projects.is_empty() {
                " and no project file (spantag.ron)".to_owned()
            } else {
                format!(" and none in {}", projects.join(", "))
            }
        );
        return Ok(PROBLEMS);
    }
    let rows: Vec<[String; 3]> = usage
        .labels
        .iter()
        .map(|l| [l.name.clone(), l.spans.to_string(), l.files.to_string()])
        .collect();
    let header = ["label", "spans", "files"].map(str::to_owned);
    let width = |i: usize| {
        rows.iter()
            .chain([&header])
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    for row in std::iter::once(&header).chain(&rows) {
        println!("{:<w0$}  {:>w1$}  {:>w2$}", row[0], row[1], row[2]);
    }
    eprintln!(
        "{} label(s) in {} annotation file(s){}",
        rows.len(),
        usage.files.len(),
        if projects.is_empty() {
            String::new()
        } else {
            format!(" and {}", projects.join(", "))
        }
    );
    Ok(0)
}

pub(super) fn print_projects(projects: &[labels::ProjectChange], verb: &str) {
    for change in projects {
        let mut line = format!("{}: label {verb}", change.path.display());
        if !change.relation_types.is_empty() {
            line.push_str(&format!(
                ", relation type(s) updated: {}",
                change.relation_types.join(", ")
            ));
        }
        if !change.relation_types_removed.is_empty() {
            line.push_str(&format!(
                ", relation type(s) deleted (they could link no other label): {}",
                change.relation_types_removed.join(", ")
            ));
        }
        println!("{line}");
    }
}

pub(super) fn print_rename(report: labels::RenameReport) -> i32 {
    for file in &report.files {
        println!(
            "{}: {} span(s) renamed{}",
            file.path.display(),
            file.spans,
            if file.scheme {
                ", label list entry renamed"
            } else {
                ""
            }
        );
    }
    print_projects(&report.projects, "renamed");
    eprintln!(
        "renamed {:?} to {:?}: {} span(s) in {} of {} annotation file(s), {} project file(s); previous versions kept as .bak",
        report.old,
        report.new,
        report.spans(),
        report.files.len(),
        report.searched,
        report.projects.len()
    );
    0
}

pub(super) fn print_removal(report: labels::RemoveReport) -> i32 {
    for file in &report.files {
        println!(
            "{}: {} span(s) and {} relation(s) deleted{}",
            file.path.display(),
            file.spans,
            file.relations,
            if file.scheme {
                ", label list entry removed"
            } else {
                ""
            }
        );
    }
    print_projects(&report.projects, "removed");
    eprintln!(
        "removed {:?}: {} span(s) and {} relation(s) deleted in {} of {} annotation file(s), {} project file(s); previous versions kept as .bak",
        report.name,
        report.spans(),
        report.relations(),
        report.files.len(),
        report.searched,
        report.projects.len()
    );
    0
}
