//! `spantag label`: list, rename and remove labels across a folder.

use spantag_core::labels::{self, LabelsError};

use super::LabelCommand;

pub(super) fn label(command: LabelCommand) -> i32 {
    let (LabelCommand::List { path }
    | LabelCommand::Rename { path, .. }
    | LabelCommand::Remove { path, .. }) = &command;
    for skipped in spantag_core::corpus::skipped_links(std::slice::from_ref(path)) {
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
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("spantag label {verb}: {err}");
            match err {
                LabelsError::NotFound { .. } => 2,
                _ => 1,
            }
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
        return Ok(2);
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
