//! The project file `spantag.ron`: finding it, reading it, every kind of bad file with the
//! exact line and column (counted by hand in the texts below: lines and columns from 1,
//! columns in characters), and the precedence of the label scheme.

use std::path::Path;

use spantag_core::annotation::{Label, LabelScheme};
use spantag_core::project::{
    self, FILE_NAME, Key, Project, ProjectError, ProjectLabel, RelationType, effective_scheme,
};

fn label(name: &str, color: &str) -> Label {
    Label {
        name: name.to_owned(),
        color: color.to_owned(),
    }
}

fn project_label(name: &str, color: &str, key: Option<u8>) -> ProjectLabel {
    ProjectLabel {
        name: name.to_owned(),
        color: color.to_owned(),
        key: key.map(|k| Key::new(k).unwrap()),
        description: None,
        attributes: Vec::new(),
    }
}

fn names(scheme: &LabelScheme) -> Vec<&str> {
    scheme.labels().iter().map(|l| l.name.as_str()).collect()
}

/// The error's (line, column, message).
fn invalid(text: &str) -> (usize, usize, String) {
    match project::parse(text, Path::new("spantag.ron")).unwrap_err() {
        ProjectError::Invalid {
            line,
            column,
            message,
            ..
        } => (line, column, message),
        other => panic!("{other}"),
    }
}

const GOOD: &str = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7", key: Some('1'), description: Some("Asserted as true")),
        (name: "actor", color: "#e15759", key: '2'),
        (name: "event", color: "#59a14f", key: "3"),
        (name: "quote", color: "#f28e2b"),
    ],
    relation_types: [
        (name: "says", from: ["actor"], to: ["claim", "quote"]),
        (name: "about", from: [], to: []),
    ],
)
"##;

#[test]
fn a_good_file_reads_with_keys_descriptions_and_relation_types() {
    let project = project::parse(GOOD, Path::new("spantag.ron")).unwrap();
    assert_eq!(project.version, 1);
    assert_eq!(
        project
            .labels
            .iter()
            .map(|l| (l.name.as_str(), l.key.map(Key::char)))
            .collect::<Vec<_>>(),
        [
            ("claim", Some('1')),
            ("actor", Some('2')),
            ("event", Some('3')),
            ("quote", None)
        ]
    );
    assert_eq!(project.description("claim"), Some("Asserted as true"));
    assert_eq!(project.description("actor"), None);
    let says = project.relation_type("says").unwrap();
    assert!(says.allows("actor", "quote"));
    assert!(!says.allows("claim", "quote"));
    assert!(
        project
            .relation_type("about")
            .unwrap()
            .allows("event", "event")
    );
}

#[test]
fn project_round_trips_through_its_text() {
    let mut project = project::parse(GOOD, Path::new("spantag.ron")).unwrap();
    project.labels[3].description = Some("A \"quoted\" line,\nand a second".to_owned());
    let text = project.to_ron();
    assert_eq!(project::parse(&text, Path::new("x")).unwrap(), project);
    // Written keys are chars.
    assert!(text.contains("key: Some('2')"), "{text}");
    let built = Project::new(vec![project_label("actor", "#000000", Some(9))]);
    assert_eq!(
        project::parse(&built.to_ron(), Path::new("x")).unwrap(),
        built
    );
}

#[test]
fn without_relation_types_the_defaults_apply_to_labels_that_exist() {
    let project = project::parse(
        "(version: 1, labels: [(name: \"actor\", color: \"#000000\"), (name: \"claim\", color: \"#ffffff\")])",
        Path::new("x"),
    )
    .unwrap();
    // `participates` needs event, which this project does not define.
    assert_eq!(
        project.relation_types,
        [RelationType {
            name: "says".to_owned(),
            from: vec!["actor".to_owned()],
            to: vec!["claim".to_owned()],
        }]
    );
    // No labels: the default labels, so both default relation types.
    let bare = project::parse("(version: 1)", Path::new("x")).unwrap();
    assert_eq!(bare.relation_types, project::default_relation_types());
    assert_eq!(
        bare.relation_types
            .iter()
            .map(|t| (t.name.as_str(), t.from[0].as_str(), t.to[0].as_str()))
            .collect::<Vec<_>>(),
        [
            ("says", "actor", "claim"),
            ("participates", "actor", "event")
        ]
    );
    // An explicit empty list means none.
    let none = project::parse("(version: 1, relation_types: [])", Path::new("x")).unwrap();
    assert!(none.relation_types.is_empty());
}

#[test]
fn broken_ron_is_reported_with_line_and_column() {
    // The comma after line 4's entry is missing: the parser stops at line 5's `(`, column 9.
    let text = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7")
        (name: "actor", color: "#e15759"),
    ],
)
"##;
    let (line, column, _) = invalid(text);
    assert_eq!((line, column), (5, 9));
}

#[test]
fn an_unknown_colour_is_reported_where_it_is() {
    // Line 5: 8 spaces, `(` at 9, `name:` 10–14, `"actor"` 16–22, `color:` 25–30, `"red"` at 32.
    let text = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7"),
        (name: "actor", color: "red"),
    ],
)
"##;
    let (line, column, message) = invalid(text);
    assert_eq!((line, column), (5, 32), "{message}");
    assert!(
        message.contains("\"red\"") && message.contains("#rrggbb"),
        "{message}"
    );
    // Six characters but not hex: same place.
    let (line, column, _) = invalid(&text.replace("\"red\"", "\"#e1575g\""));
    assert_eq!((line, column), (5, 32));
}

#[test]
fn a_duplicate_name_is_reported_at_its_second_definition() {
    // Line 6: `"claim"` at column 16.
    let text = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7"),
        (name: "actor", color: "#e15759"),
        (name: "claim", color: "#59a14f"),
    ],
)
"##;
    let (line, column, message) = invalid(text);
    assert_eq!((line, column), (6, 16), "{message}");
    assert!(message.contains("defined twice"), "{message}");
}

#[test]
fn a_duplicate_key_is_reported_at_the_second_key() {
    // Line 5: `"#e15759"` is 32–40, `,` 41, `key` at 43. '1' and "1" are the same key.
    let text = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7", key: '1'),
        (name: "actor", color: "#e15759", key: "1"),
    ],
)
"##;
    let (line, column, message) = invalid(text);
    assert_eq!((line, column), (5, 43), "{message}");
    assert!(
        message.contains("key 1") && message.contains("claim"),
        "{message}"
    );
}

#[test]
fn a_relation_type_naming_an_unknown_label_is_reported_at_that_name() {
    // Line 9: `"quotes"` 16–23, `from:` 26–30, `["actor"]` 32–40, `to:` 43–45, `[` 47,
    // `"quote"` at 48.
    let text = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7"),
        (name: "actor", color: "#e15759"),
    ],
    relation_types: [
        (name: "says", from: ["actor"], to: ["claim"]),
        (name: "quotes", from: ["actor"], to: ["quote"]),
    ],
)
"##;
    let (line, column, message) = invalid(text);
    assert_eq!((line, column), (9, 48), "{message}");
    assert!(message.contains("\"quote\""), "{message}");
}

#[test]
fn an_unknown_version_is_reported_at_the_version() {
    let (line, column, _) = invalid("(\n    version: 2,\n)\n");
    assert_eq!((line, column), (2, 5));
}

#[test]
fn a_file_is_found_from_a_subfolder_and_the_nearest_wins() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("news/2026/march");
    std::fs::create_dir_all(&deep).unwrap();
    assert_eq!(project::find(&deep), None);
    std::fs::write(dir.path().join(FILE_NAME), GOOD).unwrap();
    assert_eq!(project::find(&deep), Some(dir.path().join(FILE_NAME)));
    let doc = deep.join("op-ed.txt");
    std::fs::write(&doc, "text").unwrap();
    assert_eq!(project::find(&doc), Some(dir.path().join(FILE_NAME)));
    let nearer = dir.path().join("news").join(FILE_NAME);
    std::fs::write(&nearer, "(version: 1)").unwrap();
    assert_eq!(project::find(&deep), Some(nearer));
    let project = project::load(&project::find(&deep).unwrap()).unwrap();
    assert!(project.labels.is_empty());
}

#[test]
fn without_a_file_the_defaults_apply() {
    let dir = tempfile::tempdir().unwrap();
    let (scheme, error) = project::resolve(dir.path(), &[]);
    assert_eq!(error, None);
    assert_eq!(scheme, LabelScheme::default());
    assert_eq!(names(&scheme), ["claim", "actor", "event"]);
    assert_eq!(effective_scheme(None, &[]), LabelScheme::default());
}

#[test]
fn precedence_project_then_file_labels_then_defaults() {
    let file_labels = [label("quote", "#111111"), label("claim", "#222222")];
    // 2. No project: the annotation file's labels, in its order and colours.
    assert_eq!(
        effective_scheme(None, &file_labels),
        LabelScheme::from_labels(file_labels.to_vec())
    );
    // 1. A project: its labels and colours win; the file's other labels follow.
    let project = Project::new(vec![
        project_label("claim", "#4e79a7", None),
        project_label("actor", "#e15759", None),
    ]);
    let scheme = effective_scheme(Some(&project), &file_labels);
    assert_eq!(names(&scheme), ["claim", "actor", "quote"]);
    assert_eq!(scheme.get("claim").unwrap().color, "#4e79a7");
    assert_eq!(scheme.get("quote").unwrap().color, "#111111");
    // A project without labels does not decide the labels: the file's do.
    let bare = Project::new(Vec::new());
    assert_eq!(
        effective_scheme(Some(&bare), &file_labels),
        LabelScheme::from_labels(file_labels.to_vec())
    );
    // 3. Neither: claim (1), actor (2), event (3).
    let defaults = effective_scheme(Some(&bare), &[]);
    assert_eq!(names(&defaults), ["claim", "actor", "event"]);
    assert_eq!(defaults.by_hotkey(2).unwrap().name, "actor");
}

#[test]
fn keys_decide_positions_and_so_hotkeys() {
    let project = Project::new(vec![
        project_label("a", "#000001", None),
        project_label("b", "#000002", Some(1)),
        project_label("c", "#000003", Some(3)),
        project_label("d", "#000004", None),
    ]);
    // b takes 1, c takes 3; a and d fill 2 and 4 in file order.
    let scheme = effective_scheme(Some(&project), &[]);
    assert_eq!(names(&scheme), ["b", "a", "c", "d"]);
    assert_eq!(scheme.by_hotkey(1).unwrap().name, "b");
    assert_eq!(scheme.by_hotkey(3).unwrap().name, "c");
    // Fewer labels than a key's number: the positions close up, so key 5 becomes hotkey 2.
    let sparse = Project::new(vec![
        project_label("x", "#000001", Some(5)),
        project_label("y", "#000002", None),
    ]);
    assert_eq!(names(&effective_scheme(Some(&sparse), &[])), ["y", "x"]);
}

#[test]
fn a_bad_file_falls_back_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let bad = "(\n    version: 1,\n    labels: [(name: \"claim\", color: \"blue\")],\n)\n";
    std::fs::write(&path, bad).unwrap();
    let file_labels = [label("quote", "#111111")];
    let (scheme, error) = project::resolve(dir.path(), &file_labels);
    let Some(ProjectError::Invalid { line, column, .. }) = error else {
        panic!("{error:?}");
    };
    // Line 3: `labels:` 5–11, `[` 13, `(` 14, `name:` 15–19, `"claim"` 21–27, `color:`
    // 30–35, `"blue"` at 37.
    assert_eq!((line, column), (3, 37));
    assert_eq!(scheme, LabelScheme::from_labels(file_labels.to_vec()));
    assert_eq!(project::resolve(dir.path(), &[]).0, LabelScheme::default());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn the_documented_example_reads() {
    // The example of docs/file-format.md (it was the README's before the docs were split).
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/file-format.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    let section = &text[text.find("## The project file").unwrap()..];
    let start = section.find("```ron\n").unwrap() + "```ron\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let project = project::parse(example, &doc).unwrap();
    let scheme = effective_scheme(Some(&project), &[]);
    assert_eq!(names(&scheme), ["claim", "actor", "event", "quote"]);
    assert!(
        project
            .relation_type("says")
            .unwrap()
            .allows("actor", "quote")
    );
}

/// Attributes are declared per label: a flag, or one of a list of values with a default; each
/// may have a letter key. Their problems are named with the line.
#[test]
fn attributes_are_declared_per_label_and_checked() {
    let text = r##"(
    version: 1,
    labels: [
        (name: "claim", color: "#4e79a7", attributes: [
            (name: "negated", key: Some('g')),
        ]),
        (name: "actor", color: "#e15759", attributes: [
            (name: "kind", values: ["person", "organisation", "state"], default: Some("person"), key: Some('k')),
        ]),
    ],
)"##;
    // 'g' is the app's key for adding a piece: refused, on line 5.
    let (line, _, message) = invalid(text);
    assert_eq!(line, 5);
    assert!(
        message.contains("\"negated\": its key 'g' is one of the app's own"),
        "{message}"
    );
    let text = text.replace("key: Some('g')", "key: Some('v')");
    let project = project::parse(&text, Path::new("spantag.ron")).unwrap();
    let negated = &project.attributes_of("claim")[0];
    assert!(negated.is_flag());
    assert_eq!(negated.next_value(None).as_deref(), Some("true"));
    assert_eq!(negated.next_value(Some("true")), None);
    let kind = &project.attributes_of("actor")[0];
    assert_eq!(kind.next_value(None).as_deref(), Some("person"));
    assert_eq!(
        kind.next_value(Some("person")).as_deref(),
        Some("organisation")
    );
    assert_eq!(kind.next_value(Some("state")), None);
    assert!(project.attributes_of("event").is_empty());
    // Written and read back the same.
    assert_eq!(
        project::parse(&project.to_ron(), Path::new("x")).unwrap(),
        project
    );
    for (bad, says) in [
        (r#"default: Some("person")"#, r#"default: Some("human")"#),
        (r#""state"]"#, r#""person"]"#),
        ("key: Some('k')", "key: Some('K')"),
    ] {
        let (_, _, message) = invalid(&text.replace(bad, says));
        assert!(message.contains("\"kind\""), "{message}");
    }
}

/// Event types name a label of the project and list roles, each once.
#[test]
fn event_types_are_declared_with_their_roles_and_checked() {
    let text = r##"(
    version: 1,
    labels: [(name: "event", color: "#59a14f"), (name: "actor", color: "#e15759")],
    events: [(label: "event", roles: ["Participant", "Place"])],
)"##;
    let project = project::parse(text, Path::new("spantag.ron")).unwrap();
    assert_eq!(project.events[0].roles, ["Participant", "Place"]);
    assert_eq!(
        project::parse(&project.to_ron(), Path::new("x")).unwrap(),
        project
    );
    let (line, _, message) =
        invalid(&text.replace("(label: \"event\", roles", "(label: \"meeting\", roles"));
    assert_eq!(line, 4);
    assert!(
        message.contains("\"meeting\" names a label the project does not define"),
        "{message}"
    );
    let (_, _, message) = invalid(&text.replace("\"Place\"]", "\"Participant\"]"));
    assert!(
        message.contains("the role \"Participant\" is listed twice"),
        "{message}"
    );
}
