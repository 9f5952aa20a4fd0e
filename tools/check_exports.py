#!/usr/bin/env python3
"""Loads spantag's exports with the tools that consume them (run locally; not part of CI).

    pip install spacy datasets seqeval
    cargo build --release
    python3 tools/check_exports.py [DOCUMENT_OR_FOLDER ...]   # default: sample_docs

Checks that
- every JSONL span comes back from spaCy's doc.char_span(start, end, label, alignment_mode="expand"),
  covering at least the span's text (and says how many the default strict alignment finds,
  and how many layers overlap, so fit doc.spans but not doc.ents);
- doccano / Label Studio UTF-16 offsets slice the same text as JavaScript would;
- the Hugging Face folder loads with datasets.load_dataset("json") and every tag id is in labels.json;
- the CoNLL file is valid strict IOB2 for seqeval.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "spantag"


def export(fmt, inputs, out, *extra):
    cmd = [str(BIN), "export", "--format", fmt, "--out", str(out), *extra, *inputs]
    subprocess.run(cmd, check=True)


def main():
    inputs = sys.argv[1:] or [str(ROOT / "sample_docs")]
    tmp = Path(tempfile.mkdtemp(prefix="spantag-check-"))

    import spacy

    export("jsonl", inputs, tmp / "x.jsonl")
    nlp = spacy.blank("xx")
    n = strict = 0
    overlapping = 0
    for line in (tmp / "x.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc = nlp(record["text"])
        found = []
        for span in record["spans"]:
            if doc.char_span(span["start"], span["end"], label=span["label"]) is not None:
                strict += 1
            s = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="expand")
            assert s is not None, span
            assert span["text"].strip() in s.text, (span, s.text)
            found.append(s)
            n += 1
        # Overlapping spans do not fit doc.ents; a span group keeps them all.
        try:
            doc.ents = found
        except ValueError:
            overlapping += 1
        doc.spans["sc"] = found
        assert len(doc.spans["sc"]) == len(record["spans"])
    print(
        f"spaCy: {n} spans found with char_span (expand); {strict} of them with the default "
        f"strict alignment; {overlapping} layer(s) overlap and fit only doc.spans, not doc.ents"
    )

    for fmt, path in [("doccano", "d.jsonl"), ("label-studio", "ls.json")]:
        export(fmt, inputs, tmp / path, "--offsets", "utf16")
    for line in (tmp / "d.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        units = record["text"].encode("utf-16-le")
        # doccano's two shapes: "label" triples, or "entities" (when there are relations).
        pairs = [(s, e) for s, e, _ in record.get("label", [])] + [
            (x["start_offset"], x["end_offset"]) for x in record.get("entities", [])
        ]
        for start, end in pairs:
            units[2 * start:2 * end].decode("utf-16-le")
    for task in json.loads((tmp / "ls.json").read_text(encoding="utf-8")):
        units = task["data"]["text"].encode("utf-16-le")
        for annotation in task["annotations"]:
            for result in annotation["result"]:
                if result.get("type") != "labels":
                    continue  # notes, attributes (choices) and relations carry no span text
                v = result["value"]
                assert units[2 * v["start"]:2 * v["end"]].decode("utf-16-le") == v["text"], v
    print("doccano / Label Studio: UTF-16 offsets slice the span texts")

    import datasets

    export("hf", inputs, tmp / "hf")
    labels = json.loads((tmp / "hf" / "labels.json").read_text(encoding="utf-8"))
    ds = datasets.load_dataset("json", data_files=str(tmp / "hf" / "data.jsonl"), split="train")
    for row in ds:
        assert len(row["tokens"]) == len(row["ner_tags"])
        assert all(0 <= t < len(labels) for t in row["ner_tags"])
    print(f"datasets: {len(ds)} sentences, {len(labels)} tag names")

    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    export("conll", inputs, tmp / "x.conll")
    sentences, current = [], []
    for line in (tmp / "x.conll").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
        elif not line.startswith("-DOCSTART-"):
            current.append(line.split("\t")[1])
    if current:
        sentences.append(current)
    print(classification_report(sentences, sentences, mode="strict", scheme=IOB2))
    print("all exports load")


if __name__ == "__main__":
    main()
