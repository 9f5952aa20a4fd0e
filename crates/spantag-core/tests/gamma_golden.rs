//! γ against pygamma-agreement's figures for the same continua, from the golden files
//! `tests/golden/gamma/*.json` (written by `tools/gamma_golden.py`; no Python needed here).
//!
//! - The observed disorder equals the disorder of pygamma's best alignment, recomputed
//!   exactly by the script, to 1e-9 (and pygamma's own float32 figure to 2e-6).
//! - The expected disorder agrees within sampling error: pygamma's mean over its samples
//!   and ours over 20,000 samples differ by less than four standard errors of the
//!   difference (each side's standard error from its own spread). The generators differ
//!   (numpy's against spantag's SplitMix64), so only the distributions can agree; with the
//!   seeds fixed the test is deterministic.
//! - γ with the default 30 samples is within four standard errors of pygamma's γ from its
//!   mean (the error of γ = 1 − o/e from that of e: o/e² times it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests may panic: that is how they fail.

use std::path::PathBuf;

use serde_json::Value;
use spantag_core::annotation::Span;
use spantag_core::review::agreement::gamma::{self, Continuum, GammaOptions};

fn golden() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/gamma");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (p.file_stem().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 5, "golden files missing in {}", dir.display());
    out
}

fn continuum(v: &Value) -> Continuum {
    let layers: Vec<Vec<Span>> = v["annotators"]
        .as_object()
        .unwrap()
        .values()
        .map(|spans| {
            spans
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    Span::new(
                        0,
                        s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize,
                        s[2].as_str().unwrap(),
                        "",
                    )
                })
                .collect()
        })
        .collect();
    let refs: Vec<&[Span]> = layers.iter().map(Vec::as_slice).collect();
    Continuum::of_layers(&refs)
}

fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

#[test]
fn observed_disorder_is_pygammas_best_alignment() {
    for (name, v) in golden() {
        let c = continuum(&v);
        let (observed, best) = gamma::observed_disorder(&c.annotators).unwrap();
        let exact = v["observed_disorder_exact"].as_f64().unwrap();
        let theirs = v["observed_disorder_pygamma"].as_f64().unwrap();
        assert!(best.exact, "{name}");
        assert!(
            (observed - exact).abs() <= 1e-9,
            "{name}: observed {observed} vs pygamma's best alignment {exact}"
        );
        assert!(
            (observed - theirs).abs() <= 2e-6,
            "{name}: {observed} vs {theirs}"
        );
        // As many unitary alignments as pygamma's (ties aside, the partition is the same).
        let count = v["best_alignment"].as_array().unwrap().len();
        assert_eq!(best.unitary.len(), count, "{name}");
    }
}

#[test]
fn expected_disorder_and_gamma_agree_within_sampling_error() {
    for (name, v) in golden() {
        let c = continuum(&v);
        let observed = v["observed_disorder_exact"].as_f64().unwrap();
        let their_mean = v["sample_disorder_mean"].as_f64().unwrap();
        let their_sd = v["sample_disorder_sd"].as_f64().unwrap();
        let their_n = v["samples"].as_f64().unwrap();
        let ours = gamma::sample_disorders(&c, 20_000, 11);
        let (our_mean, our_sd) = mean_sd(&ours);
        let se = ((their_sd * their_sd) / their_n + (our_sd * our_sd) / ours.len() as f64).sqrt();
        assert!(
            (our_mean - their_mean).abs() <= 4.0 * se,
            "{name}: expected disorder {our_mean} vs pygamma {their_mean} (4 se = {})",
            4.0 * se
        );
        // The spreads of the two samplers agree too (within 10%).
        assert!(
            (our_sd / their_sd - 1.0).abs() < 0.1,
            "{name}: sd {our_sd} vs {their_sd}"
        );
        // γ with the defaults (30 samples).
        let counts = gamma::document_gamma(&c, &GammaOptions::default(), &name);
        let figures = counts.figures();
        assert!((figures.observed_disorder.unwrap() - observed).abs() <= 1e-9);
        let their_gamma = v["gamma_from_mean"].as_f64().unwrap();
        let se_e = their_sd * (1.0 / 30.0 + 1.0 / their_n).sqrt();
        let se_gamma = observed / (their_mean * their_mean) * se_e;
        let g = figures.gamma.unwrap();
        assert!(
            (g - their_gamma).abs() <= 4.0 * se_gamma,
            "{name}: γ {g} vs pygamma {their_gamma} (4 se = {})",
            4.0 * se_gamma
        );
    }
}
