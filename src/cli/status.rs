//! `spantag status DIR`: the state of a team's folder.

use std::path::Path;

use spantag_core::team;

use super::StatusFormat;

pub(super) fn status(dir: &Path, format: StatusFormat) -> i32 {
    let status = match team::status::status(dir) {
        Ok(status) => status,
        Err(err) => {
            eprintln!("spantag status: {err}");
            return 2;
        }
    };
    match format {
        StatusFormat::Table => print!("{}", status.table()),
        StatusFormat::Json => match serde_json::to_string_pretty(&status) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("spantag status: {err}");
                return 2;
            }
        },
    }
    if status.read_everything() {
        0
    } else {
        eprintln!(
            "spantag status: {} annotation file(s) could not be read (listed above)",
            status.totals.unreadable
        );
        2
    }
}
