#!/usr/bin/env python3
"""Reference figures for spantag's γ from pygamma-agreement, written to tests/golden/gamma/.

    python3 -m pip install pygamma-agreement
    python3 tools/gamma_golden.py

For each small continuum below (2–3 annotators, a few spans, two labels) this writes
tests/golden/gamma/<name>.json with:

- the continuum (per annotator, in pygamma's order: by name; spans as [start, end, label]);
- pygamma's best alignment and its disorder as pygamma reports it (computed in float32);
- that alignment's disorder recomputed exactly (fractions), the figure spantag's observed
  disorder must equal to 1e-9;
- the mean and standard deviation (n − 1) of the disorders of SAMPLES random continua from
  pygamma's default sampler (StatisticalContinuumSampler), numpy seeded with SEED, and the γ
  from that mean; spantag's expected disorder must agree within sampling error;
- pygamma's compute_gamma with its defaults (30 samples) from the same seed, for reference.

The dissimilarity is pygamma's CombinedCategoricalDissimilarity with alpha = beta = 1 and
delta_empty = 1 (its positional-sporadic and absolute categorical parts). pygamma solves the
best alignment as a mixed integer program (GLPK_MI when CBC is not installed), so this takes
a minute or two.

The Rust side is crates/spantag-core/tests/gamma_golden.rs.
"""

import json
import logging
import sys
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import numpy as np
from pyannote.core import Segment

from importlib.metadata import version

from pygamma_agreement import (
    CombinedCategoricalDissimilarity,
    Continuum,
    StatisticalContinuumSampler,
)

logging.disable(logging.WARNING)  # "CBC solver not installed. Using GLPK."

SEED = 20_260_101
SAMPLES = 4000
OUT = Path(__file__).resolve().parent.parent / "tests" / "golden" / "gamma"

# name -> {annotator: [(start, end, label), ...]}; code point offsets, half-open.
FIXTURES = {
    "two_annotators": {
        "alice": [(0, 10, "actor"), (20, 30, "claim"), (45, 60, "actor")],
        "bob": [(0, 12, "actor"), (21, 30, "actor"), (50, 60, "actor"), (70, 80, "claim")],
    },
    "three_annotators": {
        "alice": [(0, 10, "actor"), (20, 30, "claim"), (50, 58, "actor")],
        "bob": [(0, 10, "actor"), (22, 30, "claim"), (51, 58, "claim")],
        "chen": [(1, 9, "actor"), (40, 45, "claim"), (50, 58, "actor")],
    },
    "nested_spans": {
        "alice": [(0, 40, "claim"), (5, 15, "actor"), (30, 38, "actor")],
        "bob": [(0, 38, "claim"), (5, 15, "actor")],
        "chen": [(2, 40, "claim"), (6, 15, "actor"), (30, 38, "claim"), (60, 70, "actor")],
    },
    "one_silent_annotator": {
        "alice": [(3, 17, "claim"), (25, 31, "actor")],
        "bob": [(3, 15, "claim"), (25, 31, "actor"), (33, 40, "actor")],
        "chen": [],
    },
    "crowded": {
        "alice": [(0, 9, "actor"), (7, 16, "claim"), (14, 23, "actor"), (21, 30, "claim"), (28, 37, "actor")],
        "bob": [(3, 12, "claim"), (10, 19, "actor"), (17, 26, "claim"), (24, 33, "actor")],
        "chen": [(1, 10, "actor"), (8, 17, "actor"), (15, 24, "claim"), (22, 31, "claim"), (29, 38, "actor")],
    },
}


def continuum_of(spans):
    c = Continuum()
    for annotator in sorted(spans):
        c.add_annotator(annotator)
        for start, end, label in spans[annotator]:
            c.add(annotator, Segment(start, end), label)
    return c


def exact_disorder(alignment, continuum):
    """The alignment's disorder in exact arithmetic, with pygamma's conventions."""
    n = continuum.num_annotators
    c2n = n * (n - 1) // 2
    total = Fraction(0)
    for ua in alignment.unitary_alignments:
        units = [u for _, u in ua.n_tuple]
        units += [None] * (n - len(units))
        pair_sum = Fraction(0)
        for u, v in combinations(units, 2):
            if u is None or v is None:
                pair_sum += 1
                continue
            (s1, e1), (s2, e2) = (u.segment.start, u.segment.end), (v.segment.start, v.segment.end)
            pos = Fraction(abs(Fraction(s1) - Fraction(s2)) + abs(Fraction(e1) - Fraction(e2)),
                           Fraction(e1 - s1) + Fraction(e2 - s2))
            pair_sum += pos * pos + (0 if u.annotation == v.annotation else 1)
        total += pair_sum / c2n
    return total / Fraction(continuum.num_units, n)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    dissimilarity = CombinedCategoricalDissimilarity(alpha=1, beta=1, delta_empty=1)
    for name, spans in FIXTURES.items():
        continuum = continuum_of(spans)
        best = continuum.get_best_alignment(dissimilarity)
        exact = exact_disorder(best, continuum)
        np.random.seed(SEED)
        sampler = StatisticalContinuumSampler()
        sampler.init_sampling(continuum)
        disorders = [
            sampler.sample_from_continuum.get_best_alignment(dissimilarity).disorder
            for _ in range(SAMPLES)
        ]
        mean = float(np.mean(disorders))
        sd = float(np.std(disorders, ddof=1))
        np.random.seed(SEED)
        default = continuum.compute_gamma(dissimilarity)
        record = {
            "fixture": name,
            "generated_by": "tools/gamma_golden.py",
            "pygamma_agreement": version("pygamma-agreement"),
            "dissimilarity": {"alpha": 1, "beta": 1, "delta_empty": 1},
            "annotators": {a: [list(s) for s in spans[a]] for a in sorted(spans)},
            "best_alignment": [
                [[a, [u.segment.start, u.segment.end, u.annotation]] if u is not None else [a, None]
                 for a, u in ua.n_tuple]
                for ua in best.unitary_alignments
            ],
            "observed_disorder_pygamma": float(best.disorder),
            "observed_disorder_exact": float(exact),
            "observed_disorder_exact_fraction": f"{exact.numerator}/{exact.denominator}",
            "seed": SEED,
            "samples": SAMPLES,
            "sample_disorder_mean": mean,
            "sample_disorder_sd": sd,
            "gamma_from_mean": 1 - float(exact) / mean,
            "compute_gamma_default": {
                "samples": default.n_samples,
                "gamma": float(default.gamma),
                "expected_disorder": float(default.expected_disorder),
            },
        }
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(record, indent=2) + "\n")
        print(f"{path}: observed {float(exact):.9f} (pygamma {best.disorder:.7f}), "
              f"expected {mean:.4f} ± {sd / SAMPLES ** 0.5:.4f}, gamma {record['gamma_from_mean']:.4f}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
