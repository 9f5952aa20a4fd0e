//! Tells `spantag --version` which commit it was built from and when.
//!
//! Sets `SPANTAG_COMMIT` (`git rev-parse --short HEAD`, or `not built from git`) and
//! `SPANTAG_BUILD_DATE` (UTC, `YYYY-MM-DD`; `SOURCE_DATE_EPOCH` when set, for reproducible
//! packages). Never fails the build: without git, or outside a clone, it says so.

use std::path::PathBuf;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let commit = git(&["rev-parse", "--short", "HEAD"]);
    if commit.is_some() {
        // HEAD moves on a commit or checkout; the branch's ref (loose or packed) on a commit.
        // A worktree's HEAD lives in its own git dir, the refs in the common one. Only files
        // that exist are named: a missing one would make cargo rerun this on every build.
        let mut watched: Vec<PathBuf> = Vec::new();
        if let Some(dir) = git(&["rev-parse", "--absolute-git-dir"]) {
            watched.push(PathBuf::from(&dir).join("HEAD"));
        }
        if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
            let common = PathBuf::from(common);
            watched.push(common.join("packed-refs"));
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                watched.push(common.join(branch));
            }
        }
        for path in watched.iter().filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        })
        .unwrap_or(0);
    let (y, m, d) = civil(seconds.div_euclid(86_400));
    println!(
        "cargo:rustc-env=SPANTAG_COMMIT={}",
        commit.as_deref().unwrap_or("not built from git")
    );
    println!("cargo:rustc-env=SPANTAG_BUILD_DATE={y:04}-{m:02}-{d:02}");
}
