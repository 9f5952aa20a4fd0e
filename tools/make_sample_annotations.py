#!/usr/bin/env python3
"""Writes the sample annotation files for sample_docs/op-ed.txt (alice and bob).

Offsets are computed here with Python string slicing, the definition spantag's files use, so
the files double as a cross-check of the Rust code (tests load them and compare).
Run from the repository root: python3 tools/make_sample_annotations.py
"""
import hashlib
import json

DOC = "sample_docs/op-ed.txt"
LABELS = [("claim", "#4e79a7"), ("actor", "#e15759"), ("event", "#59a14f")]


def find(text, needle, after=None):
    base = text.index(after) if after else 0
    start = text.index(needle, base)
    return start, start + len(needle)


def q(s):
    return json.dumps(s, ensure_ascii=False)


def write(annotator, marks):
    raw = open(DOC, "rb").read()
    text = raw.decode("utf-8")
    spans = []
    for i, (needle, label, after, note) in enumerate(marks, 1):
        start, end = find(text, needle, after)
        spans.append((start, end, label, i, text[start:end], note))
    spans.sort(key=lambda s: (s[0], s[1], s[2], s[3]))
    out = ["(", "    version: 1,", f"    source: {q('op-ed.txt')},",
           f"    source_hash: {q('sha256:' + hashlib.sha256(raw).hexdigest())},",
           f"    annotator: {q(annotator)},", "    labels: ["]
    out += [f"        (name: {q(n)}, color: {q(c)})," for n, c in LABELS]
    out += ["    ],", "    spans: ["]
    for start, end, label, sid, covered, note in spans:
        extra = f", note: Some({q(note)})" if note else ""
        out.append(f"        (id: {sid}, start: {start}, end: {end}, label: {q(label)}, text: {q(covered)}{extra}),")
    out += ["    ],", "    relations: [],", ")"]
    with open(f"{DOC}.{annotator}.ron", "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


ALICE = [
    ("Marta Okafor", "actor", None, None),
    ("Mayor Daniel Reyes", "actor", None, None),
    ("stood on the Harlow Street bridge last spring and declared", "event", None, None),
    ('the city would "never again let the river take our homes,"', "claim", None, None),
    ("the levee repairs he announced have not begun", "claim", None, "Check against procurement records"),
    ("The council", "actor", None, None),
    ("The council approved $40 million for flood defences in June", "event", None, None),
    ("not a single contract has been signed", "claim", None, None),
    ("Reyes blames the state environmental agency", "claim", None, None),
    ("Reyes", "actor", "not a single contract", None),
    ("the state environmental agency", "actor", None, None),
    ('has delayed the permits for "purely political reasons."', "claim", None, None),
    ("The agency disputes that account", "claim", None, None),
    ("The regional weather service", "actor", None, None),
    ("snowpack in the northern hills is thirty percent above average", "claim", None, None),
    ("engineers at Calder University", "actor", None, None),
    ("a repeat of last year's flood would cause at least $120 million in damage", "claim", None, "Estimate, not a measurement"),
    ("Bramford", "actor", None, None),
    ("Its council created an independent flood authority", "event", None, None),
    ("when the river rose in 2022", "event", None, None),
    ("Reyes should follow that example", "claim", None, None),
]

BOB = [
    ("Marta Okafor", "actor", None, None),
    ("Daniel Reyes", "actor", None, "Title left out on purpose"),
    ("declared that the city would \"never again let the river take our homes,\"", "claim", None, None),
    ("the levee repairs he announced have not begun", "claim", None, None),
    ("The council approved $40 million for flood defences in June", "event", None, None),
    ("not a single contract has been signed", "claim", None, None),
    ("Reyes", "actor", "not a single contract", None),
    ("state environmental agency", "actor", None, None),
    ("The agency disputes that account, saying it received the city's application only in October", "claim", None, None),
    ("regional weather service", "actor", None, None),
    ("snowpack in the northern hills is thirty percent above average", "claim", None, None),
    ("Calder University", "actor", None, None),
    ("a repeat of last year's flood would cause at least $120 million in damage", "claim", None, None),
    ("faced the same problem in 2019", "event", None, None),
    ("when the river rose in 2022", "event", None, None),
    ("The authority finished its embankments in eighteen months", "event", None, None),
    ("Promises made on a bridge are easy", "claim", None, None),
]

if __name__ == "__main__":
    write("alice", ALICE)
    write("bob", BOB)
