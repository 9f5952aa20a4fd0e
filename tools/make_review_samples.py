#!/usr/bin/env python3
"""Writes sample_docs/review/: three short news texts annotated by alice, bob and chen, with
the disagreements teams really have (a title kept or left out, a claim read as an event, a
span one annotator missed), for `spantag agree` and `spantag curate`.

Offsets come from Python string slicing, the definition spantag's files use (code points,
half-open): the files double as a cross-check of the Rust code. The output is in the exact
canonical form spantag writes (tests/core/samples.rs checks it).
Run from the repository root: python3 tools/make_review_samples.py
"""
import hashlib
import json

DIR = "sample_docs/review"
LABELS = [("claim", "#4e79a7"), ("actor", "#e15759"), ("event", "#59a14f")]


def q(s):
    return json.dumps(s, ensure_ascii=False)


def find(text, needle, after=None):
    base = text.index(after) if after else 0
    start = text.index(needle, base)
    return start, start + len(needle)


def write(doc, annotator, marks):
    path = f"{DIR}/{doc}"
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")
    spans = []
    for i, mark in enumerate(marks, 1):
        needle, label = mark[0], mark[1]
        after = mark[2] if len(mark) > 2 else None
        start, end = find(text, needle, after)
        assert text[start:end] == needle
        spans.append((start, end, label, i, text[start:end]))
    spans.sort(key=lambda s: (s[0], s[1], s[2], s[3]))
    out = ["(", "    version: 1,", f"    source: {q(doc)},",
            f"    source_hash: {q('sha256:' + hashlib.sha256(raw).hexdigest())},",
            f"    annotator: {q(annotator)},", "    labels: ["]
    out += [f"        (name: {q(n)}, color: {q(c)})," for n, c in LABELS]
    out += ["    ],", "    spans: ["]
    for start, end, label, sid, covered in spans:
        out.append(f"        (id: {sid}, start: {start}, end: {end}, label: {q(label)}, text: {q(covered)}),")
    out += ["    ],", "    relations: [],", ")"]
    with open(f"{path}.{annotator}.ron", "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")


COUNCIL = {
    "alice": [
        ("Riverton's city council", "actor"),
        ("Riverton's city council voted 7–2 on Tuesday to approve a $12 million flood-defence budget", "event"),
        ("Councillor Amélie Durand", "actor"),
        ("the plan would protect 4,000 homes by next spring", "claim"),
        ("Councillor Tomás Herrera", "actor"),
        ("the budget relies on a state grant that has not been confirmed", "claim"),
        ("The mayor's office", "actor"),
        ("the grant application was filed in March", "claim"),
        ("Construction is expected to begin in August", "claim"),
        ("Priya Nair", "actor"),
    ],
    "bob": [
        ("Riverton's city council", "actor"),
        ("Riverton's city council voted 7–2 on Tuesday to approve a $12 million flood-defence budget", "event"),
        ("Amélie Durand", "actor"),  # title left out
        ("the plan would protect 4,000 homes by next spring", "claim"),
        ("Councillor Tomás Herrera", "actor"),
        ("the budget relies on a state grant that has not been confirmed", "claim"),
        ("mayor's office", "actor"),  # boundary
        ("the grant application was filed in March", "event"),  # claim read as an event
        ("Construction is expected to begin in August", "claim"),
        ("the city engineer, Priya Nair", "actor"),  # boundary
    ],
    "chen": [
        ("Riverton's city council", "actor"),
        ("voted 7–2 on Tuesday to approve a $12 million flood-defence budget", "event"),
        ("Councillor Amélie Durand", "actor"),
        ("the plan would protect 4,000 homes by next spring", "claim"),
        ("Councillor Tomás Herrera", "actor"),
        ("the budget relies on a state grant that has not been confirmed", "claim"),
        ("The mayor's office", "actor"),
        ("the grant application was filed in March", "claim"),
        ("Priya Nair", "actor"),  # the construction claim missed
    ],
}

PORT = {
    "alice": [
        ("Dock workers at the port of Harlow", "actor"),
        ("returned to work on Friday", "event"),
        ("their union", "actor"),
        ("reached a deal with the shipping companies", "event"),
        ("Union spokesperson Kofi Mensah", "actor"),
        ("the agreement guarantees safety inspections every six months", "claim"),
        ("The Harlow Shipping Association", "actor"),
        ("delivery delays could last into next week", "claim"),
    ],
    "bob": [
        ("Dock workers", "actor", "Harlow port"),  # boundary
        ("returned to work on Friday", "event"),
        ("their union", "actor"),
        ("reached a deal with the shipping companies", "event"),
        ("Kofi Mensah", "actor"),
        ("the agreement guarantees safety inspections every six months", "claim"),
        ("The Harlow Shipping Association", "actor"),
        ("\"a fair compromise\"", "claim"),  # only bob
        ("delivery delays could last into next week", "claim"),
    ],
    "chen": [
        ("Dock workers at the port of Harlow", "actor"),
        ("returned to work on Friday", "event"),
        ("their union", "actor"),
        ("reached a deal with the shipping companies", "claim"),  # label
        ("Union spokesperson Kofi Mensah", "actor"),
        ("the agreement guarantees safety inspections every six months", "claim"),
        ("The Harlow Shipping Association", "actor"),
        ("delivery delays could last into next week", "claim"),
        ("The strike had left more than 200 containers stranded on the quay", "event"),  # only chen
    ],
}

SCHOOL = {
    "alice": [
        ("the Education Institute", "actor"),
        ("one in three rural secondary schools has no qualified physics teacher", "claim"),
        ("Dr. Hana Sato", "actor"),
        ("the shortage had doubled since 2018", "claim"),
        ("The education ministry", "actor"),
        ("its own survey shows a smaller gap", "claim"),
        ("Teachers' unions", "actor"),
    ],
    "bob": [
        ("the Education Institute", "actor"),
        ("one in three rural secondary schools has no qualified physics teacher", "claim"),
        ("Hana Sato", "actor"),  # boundary
        ("the shortage had doubled since 2018", "claim"),
        ("The education ministry", "actor"),
        ("The education ministry rejected the figures", "event"),  # only bob
        ("its own survey shows a smaller gap", "claim"),
        ("Teachers' unions", "actor"),
        ("present the report to parliament next month", "event"),  # only bob
    ],
    "chen": [
        ("the Education Institute", "actor"),
        ("one in three rural secondary schools has no qualified physics teacher", "claim"),
        ("Dr. Hana Sato", "actor"),
        ("the shortage had doubled since 2018", "claim"),
        ("The education ministry", "actor"),
        ("its own survey shows a smaller gap", "claim"),
        ("Teachers' unions", "actor"),
    ],
}

if __name__ == "__main__":
    for doc, layers in [("council-budget.txt", COUNCIL), ("port-strike.txt", PORT),
                        ("school-report.txt", SCHOOL)]:
        for annotator, marks in layers.items():
            write(doc, annotator, marks)
