#!/usr/bin/env python3
"""A spaCy model for `spantag suggest --model`.

Reads one JSON line per document on stdin, {"id": ..., "text": ...}, and writes one JSON
line per entity on stdout, {"id": ..., "start": ..., "end": ..., "label": ...}, with
offsets in code points (Python str indices), half-open: the protocol in
docs/suggestions.md.

    spantag suggest --annotator alice --model "python3 tools/spacy_model.py" corpus/

SPACY_MODEL chooses the pipeline (default en_core_web_sm).
"""
import json
import os
import sys

try:
    import spacy
except ImportError:
    sys.stderr.write(
        "spacy_model.py: spaCy is not installed. Install it and an English pipeline with\n"
        "    python3 -m pip install spacy\n"
        "    python3 -m spacy download en_core_web_sm\n"
        "then run the command again.\n"
    )
    sys.exit(3)

name = os.environ.get("SPACY_MODEL", "en_core_web_sm")
try:
    nlp = spacy.load(name)
except OSError:
    sys.stderr.write(
        f"spacy_model.py: the spaCy pipeline {name!r} is not installed; install it with\n"
        f"    python3 -m spacy download {name}\n"
    )
    sys.exit(3)

for line in sys.stdin:
    if not line.strip():
        continue
    doc = json.loads(line)
    for ent in nlp(doc["text"]).ents:
        span = {"id": doc["id"], "start": ent.start_char, "end": ent.end_char, "label": ent.label_}
        sys.stdout.write(json.dumps(span, ensure_ascii=False) + "\n")
