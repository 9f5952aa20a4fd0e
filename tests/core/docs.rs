//! The documentation stays true to the repository: every link between the docs resolves (file
//! and heading), the README links every page of `docs/`, ARCHITECTURE.md names every crate
//! and every room (module) that exists, the README keeps its two set-up commands and leaves
//! benchmark figures to `benches/README.md`, the documented annotation file matches the sample
//! document, and no source file holds more than 600 lines of non-test code. (That the guide's
//! shortcut table is the app's key table is checked with the GUI tests, in `gui/shortcuts.rs`.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex::Regex;

/// The topic pages beside the guide, file format, formats and safety pages: the README must
/// link each of them.
const TOPIC_PAGES: [&str; 6] = [
    "docs/teams.md",
    "docs/folders.md",
    "docs/files-from-elsewhere.md",
    "docs/install.md",
    "docs/command-line.md",
    "docs/suggestions.md",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The Markdown files the checks cover, relative to the repository.
fn pages() -> Vec<String> {
    let mut pages = vec![
        "README.md".to_string(),
        "ARCHITECTURE.md".to_string(),
        "benches/README.md".to_string(),
    ];
    pages.extend(docs_pages());
    pages
}

fn docs_pages() -> Vec<String> {
    let mut pages: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    pages.sort();
    pages
}

/// The text outside fenced code blocks (links and headings inside them do not count).
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    prose(text)
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

/// Resolves `a/../b` without touching the disk (the target may not exist).
fn normalise(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

/// Every relative link of a page: (target relative to the repository, anchor).
fn links(page: &str) -> Vec<(String, Option<String>)> {
    let link = Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let dir = Path::new(page).parent().unwrap_or(Path::new(""));
    link.captures_iter(&prose(&read(page)))
        .map(|c| c[1].to_string())
        .filter(|t| !t.starts_with("http://") && !t.starts_with("https://"))
        .map(|t| {
            let (file, anchor) = match t.split_once('#') {
                Some((f, a)) => (f.to_string(), Some(a.to_string())),
                None => (t, None),
            };
            let target = if file.is_empty() {
                page.to_string()
            } else {
                normalise(&dir.join(file))
            };
            (target, anchor)
        })
        .collect()
}

#[test]
fn every_link_between_the_docs_resolves() {
    let mut broken = Vec::new();
    for page in pages() {
        for (target, anchor) in links(&page) {
            let path = root().join(&target);
            if !path.exists() {
                broken.push(format!("{page}: {target} does not exist"));
                continue;
            }
            if let Some(anchor) = anchor
                && !anchors(&read(&target)).contains(&anchor)
            {
                broken.push(format!("{page}: {target} has no heading #{anchor}"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_links_every_page_of_the_docs() {
    let linked: BTreeSet<String> = links("README.md").into_iter().map(|(t, _)| t).collect();
    let mut wanted: BTreeSet<String> = docs_pages().into_iter().collect();
    wanted.extend(TOPIC_PAGES.iter().map(|p| p.to_string()));
    wanted.insert("ARCHITECTURE.md".to_string());
    wanted.insert("benches/README.md".to_string());
    let missing: Vec<_> = wanted.difference(&linked).collect();
    assert!(missing.is_empty(), "the README does not link {missing:?}");
}

/// The words inside `code` spans and code blocks of a page: where rooms are named.
fn code_words(text: &str) -> BTreeSet<String> {
    let code = Regex::new(r"`([^`\n]+)`").unwrap();
    let mut words = BTreeSet::new();
    let mut add = |s: &str| {
        for w in s.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')) {
            if !w.is_empty() {
                words.insert(w.to_string());
            }
        }
    };
    for c in code.captures_iter(text) {
        add(&c[1]);
    }
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if fenced {
            add(line);
        }
    }
    words
}

/// Every module file's stem (not `lib`, `mod`, `main`) and folder name under `src`.
fn rooms(src: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            found.push(name);
            found.extend(rooms(&path));
        } else if let Some(stem) = name.strip_suffix(".rs")
            && !matches!(stem, "lib" | "mod" | "main")
        {
            found.push(stem.to_string());
        }
    }
    found
}

#[test]
fn the_architecture_names_every_crate_and_room() {
    let architecture = read("ARCHITECTURE.md");
    let readme = read("README.md");
    let named = code_words(&architecture);
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let krate = dir.file_name().unwrap().to_string_lossy().into_owned();
        if !architecture.contains(&format!("crates/{krate}")) {
            missing.push(format!("ARCHITECTURE.md: the crate crates/{krate}"));
        }
        if !readme.contains(&krate) {
            missing.push(format!("README.md: the crate {krate}"));
        }
        for room in rooms(&dir.join("src")) {
            if !named.contains(&room) {
                missing.push(format!("ARCHITECTURE.md: {krate}'s room `{room}`"));
            }
        }
    }
    // The binary's rooms are named by path.
    for dir in ["src", "src/cli"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs") && !architecture.contains(&format!("`{dir}/{name}`")) {
                missing.push(format!("ARCHITECTURE.md: `{dir}/{name}`"));
            }
        }
    }
    assert!(missing.is_empty(), "not named:\n{}", missing.join("\n"));
}

/// How long a room may grow: lines of code outside its `#[cfg(test)] mod tests` block.
const MAX_ROOM_LINES: usize = 600;

/// The lines of a source file that are not its unit tests: a top-level `#[cfg(test)]`
/// followed by `mod tests {` is left out up to its closing `}` in the first column (rustfmt
/// puts it there); a `tests.rs` file is all tests.
fn non_test_lines(path: &Path) -> usize {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return 0;
    }
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut count = 0;
    let mut i = 0;
    while i < lines.len() {
        if lines[i] == "#[cfg(test)]" && lines.get(i + 1).is_some_and(|l| *l == "mod tests {") {
            i += 2;
            while i < lines.len() && lines[i] != "}" {
                i += 1;
            }
            i += 1;
            continue;
        }
        count += 1;
        i += 1;
    }
    count
}

/// Every `.rs` file under a folder.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_room_is_longer_than_six_hundred_lines_of_code() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    for entry in std::fs::read_dir(root().join("crates")).unwrap() {
        rust_files(&entry.unwrap().path().join("src"), &mut files);
    }
    assert!(files.len() > 50, "found only {} source files", files.len());
    let long: Vec<String> = files
        .iter()
        .map(|f| (non_test_lines(f), f))
        .filter(|(n, _)| *n > MAX_ROOM_LINES)
        .map(|(n, f)| format!("{}: {n} lines", f.strip_prefix(root()).unwrap().display()))
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_ROOM_LINES} lines of non-test code (split the room, ARCHITECTURE.md names \
         the new files):\n{}",
        long.join("\n")
    );
}

#[test]
fn the_readme_keeps_its_set_up_commands_and_no_figures() {
    let readme = read("README.md");
    // `.ci/run` runs the second one as "the README's test command".
    for command in [
        "cargo run --release -- sample_docs/op-ed.txt --annotator alice",
        "cargo test --release -- --include-ignored",
    ] {
        assert!(readme.contains(command), "the README lost `{command}`");
    }
    // Benchmark figures live in benches/README.md only: no timings or ratios here.
    let figure = Regex::new(r"\d\s?(ms|µs|s)\b|\d×|\bmedian\b").unwrap();
    let found: Vec<&str> = readme.lines().filter(|l| figure.is_match(l)).collect();
    assert!(found.is_empty(), "figures in the README: {found:?}");
    assert!(read("benches/README.md").contains("| what | result | target |"));
}

#[test]
fn the_documented_annotation_file_matches_the_sample_document() {
    let doc = read("docs/file-format.md");
    let section = &doc[doc.find("## The annotation file").unwrap()..];
    let start = section.find("```ron\n").unwrap() + "```ron\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let file =
        spantag_core::store::AnnotationFile::from_ron(example, Path::new("docs/file-format.md"))
            .unwrap();
    // The source it names, decoded as Python would (`newline=""`), sliced by code point.
    let bytes = std::fs::read(root().join("sample_docs").join(&file.source)).unwrap();
    let text: Vec<char> = String::from_utf8(bytes.clone()).unwrap().chars().collect();
    let slice = |s: usize, e: usize| text[s..e].iter().collect::<String>();
    use sha2::Digest as _;
    let hash = format!("sha256:{:x}", sha2::Sha256::digest(&bytes));
    assert_eq!(file.source_hash, hash);
    assert!(!file.spans.is_empty());
    for span in &file.spans {
        assert_eq!(slice(span.start, span.end), span.text, "span {}", span.id);
    }
    for rejected in &file.rejected {
        assert_eq!(slice(rejected.start, rejected.end), rejected.text);
    }
}
