//! The agreement report as a terminal table, CSV and JSON.

use super::AgreementReport;
use super::alpha_u::AlphaUReport;
use super::confusion::NO_SPAN;
use super::gamma::GammaFigures;

/// A figure with three decimals, or "n/a" when undefined.
pub fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
}

/// Lays out rows in aligned columns: the first `left` columns left-aligned, the others
/// right-aligned; two spaces between columns, each line indented by `indent`.
fn columns(header: &[String], rows: &[Vec<String>], left: usize, indent: &str) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let mut out = String::new();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let mut line = indent.to_owned();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let pad = widths[i].saturating_sub(cell.chars().count());
            if i < left {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn strings<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_owned()).collect()
}

impl AgreementReport {
    /// The JSON document (pretty-printed).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// A report for a person at a terminal: aligned columns, labels as rows.
    pub fn to_table(&self) -> String {
        let mut out = format!(
            "Agreement of {} on {} document(s), {} token(s)\n",
            self.annotators.join(", "),
            self.documents,
            self.tokens
        );
        if !self.skipped.is_empty() {
            out.push_str(&format!(
                "Skipped {} document(s) not annotated by every compared annotator:\n",
                self.skipped.len()
            ));
            for s in &self.skipped {
                out.push_str(&format!(
                    "  {} (missing: {})\n",
                    s.document,
                    s.missing.join(", ")
                ));
            }
        }
        out.push_str("\nAll annotators, token level\n");
        out.push_str(&columns(
            &strings(["measure", "value"]),
            &[
                vec!["Fleiss' kappa".to_owned(), figure(self.fleiss_kappa)],
                vec![
                    "Krippendorff's alpha".to_owned(),
                    figure(self.krippendorff_alpha),
                ],
                vec![
                    "disagreements".to_owned(),
                    disagreements(self.disagreements, self.settled),
                ],
            ],
            1,
            "  ",
        ));
        out.push_str("\nAll annotators, spans on the text\n");
        let mut rows = vec![vec![
            "Krippendorff's unitized alpha (αU)".to_owned(),
            figure(self.alpha_u.overall),
        ]];
        if let Some(gamma) = &self.gamma {
            rows.push(vec![
                "Mathet et al.'s gamma (γ)".to_owned(),
                figure(gamma.figures.gamma),
            ]);
            rows.push(vec![
                "  observed disorder".to_owned(),
                figure(gamma.figures.observed_disorder),
            ]);
            rows.push(vec![
                format!(
                    "  expected disorder ({} samples, seed {})",
                    gamma.samples, gamma.seed
                ),
                figure(gamma.figures.expected_disorder),
            ]);
        }
        out.push_str(&columns(&strings(["measure", "value"]), &rows, 1, "  "));
        if let Some(gamma) = &self.gamma
            && !gamma.figures.exact
        {
            out.push_str(
                "  (γ: a tangle of spans cut the search for a best alignment short; the observed \
                 disorder is an upper bound)\n",
            );
        }
        if !self.alpha_u.per_label.is_empty() {
            let rows: Vec<Vec<String>> = self
                .alpha_u
                .per_label
                .iter()
                .map(|(label, alpha)| vec![label.clone(), figure(*alpha)])
                .collect();
            out.push('\n');
            out.push_str(&columns(&strings(["label", "αU"]), &rows, 1, "  "));
        }
        for pair in &self.pairs {
            out.push_str(&format!("\n{} vs {}\n", pair.a, pair.b));
            let header = vec![
                "label".to_owned(),
                format!("spans {}", pair.a),
                format!("spans {}", pair.b),
                "F1 exact".to_owned(),
                "F1 overlap".to_owned(),
            ];
            let mut rows: Vec<Vec<String>> = pair
                .per_label
                .iter()
                .map(|(label, l)| {
                    vec![
                        label.clone(),
                        l.support_a.to_string(),
                        l.support_b.to_string(),
                        figure(l.f1_exact),
                        figure(l.f1_overlap),
                    ]
                })
                .collect();
            rows.push(vec![
                "all labels".to_owned(),
                pair.support_a.to_string(),
                pair.support_b.to_string(),
                figure(pair.f1_exact),
                figure(pair.f1_overlap),
            ]);
            out.push_str(&columns(&header, &rows, 1, "  "));
            out.push_str(&format!(
                "  Cohen's kappa (tokens): {}\n",
                figure(pair.cohen_kappa)
            ));
            if !pair.attributes.is_empty() {
                let rows: Vec<Vec<String>> = pair
                    .attributes
                    .iter()
                    .map(|(name, r)| {
                        vec![
                            name.clone(),
                            r.compared.to_string(),
                            r.agreed.to_string(),
                            figure(r.agreement),
                        ]
                    })
                    .collect();
                out.push_str("  attributes (spans both made, where either set it)\n");
                out.push_str(&columns(
                    &strings(["attribute", "compared", "agreed", "agreement"]),
                    &rows,
                    1,
                    "  ",
                ));
            }
            // Confusion: labels as rows (A) and columns (B), "no span" last.
            let mut keys: Vec<&String> = pair.confusion.keys().filter(|k| *k != NO_SPAN).collect();
            let no_span = NO_SPAN.to_owned();
            keys.push(&no_span);
            if pair.confusion.len() > 1 {
                out.push_str(&format!(
                    "  confusion (rows {}, columns {}; overlapping spans paired)\n",
                    pair.a, pair.b
                ));
                let mut header = vec![String::new()];
                header.extend(keys.iter().map(|k| (*k).clone()));
                let rows: Vec<Vec<String>> = keys
                    .iter()
                    .map(|row| {
                        let mut cells = vec![(*row).clone()];
                        cells.extend(keys.iter().map(|col| {
                            pair.confusion
                                .get(*row)
                                .and_then(|r| r.get(*col))
                                .copied()
                                .unwrap_or(0)
                                .to_string()
                        }));
                        cells
                    })
                    .collect();
                out.push_str(&columns(&header, &rows, 1, "  "));
            }
        }
        if self.per_document.len() > 1 {
            out.push_str("\nPer document\n");
            let mut header = strings(["document", "Fleiss", "alpha", "αU"]);
            if self.gamma.is_some() {
                header.push("γ".to_owned());
            }
            header.push("disagreements".to_owned());
            if let Some(first) = self.per_document.first() {
                for p in &first.pairs {
                    header.push(format!("F1 {}–{}", p.a, p.b));
                }
            }
            let rows: Vec<Vec<String>> = self
                .per_document
                .iter()
                .map(|d| {
                    let mut row = vec![
                        d.document.clone(),
                        figure(d.fleiss_kappa),
                        figure(d.krippendorff_alpha),
                        figure(d.alpha_u.overall),
                    ];
                    if self.gamma.is_some() {
                        row.push(figure(d.gamma.and_then(|g| g.gamma)));
                    }
                    row.push(disagreements(d.disagreements, d.settled));
                    row.extend(d.pairs.iter().map(|p| figure(p.f1_overlap)));
                    row
                })
                .collect();
            out.push_str(&columns(&header, &rows, 1, "  "));
            out.push_str("  (F1 columns: overlap matching, all labels)\n");
        }
        out
    }

    /// One figure per row: `document,annotator_a,annotator_b,label,measure,value`. Corpus
    /// figures have the document `(all)`; all-annotator figures have empty annotator cells;
    /// figures over all labels have the label `(all)`. Undefined values are `n/a`. The
    /// all-annotator measures are `tokens`, `fleiss_kappa`, `krippendorff_alpha`, `alpha_u`
    /// (also per label) and, when computed, `gamma`, `gamma_observed_disorder` and
    /// `gamma_expected_disorder`; a pair's attributes give `attribute_agreement` and
    /// `attribute_compared` rows with the attribute's name in the label cell.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "document",
            "annotator_a",
            "annotator_b",
            "label",
            "measure",
            "value",
        ])?;
        let scopes = std::iter::once((
            "(all)",
            &self.pairs,
            self.fleiss_kappa,
            self.krippendorff_alpha,
            self.tokens,
            &self.alpha_u,
            self.gamma.as_ref().map(|g| g.figures),
        ))
        .chain(self.per_document.iter().map(|d| {
            (
                d.document.as_str(),
                &d.pairs,
                d.fleiss_kappa,
                d.krippendorff_alpha,
                d.tokens,
                &d.alpha_u,
                d.gamma,
            )
        }));
        for (document, pairs, fleiss, alpha, tokens, alpha_u, gamma) in scopes {
            w.write_record([
                document,
                "",
                "",
                "(all)",
                "tokens",
                tokens.to_string().as_str(),
            ])?;
            w.write_record([
                document,
                "",
                "",
                "(all)",
                "fleiss_kappa",
                figure(fleiss).as_str(),
            ])?;
            w.write_record([
                document,
                "",
                "",
                "(all)",
                "krippendorff_alpha",
                figure(alpha).as_str(),
            ])?;
            write_spans(&mut w, document, alpha_u, gamma)?;
            for p in pairs {
                let mut put = |label: &str, measure: &str, value: String| {
                    w.write_record([
                        document,
                        p.a.as_str(),
                        p.b.as_str(),
                        label,
                        measure,
                        value.as_str(),
                    ])
                };
                put("(all)", "f1_exact", figure(p.f1_exact))?;
                put("(all)", "f1_overlap", figure(p.f1_overlap))?;
                put("(all)", "cohen_kappa", figure(p.cohen_kappa))?;
                put("(all)", "support_a", p.support_a.to_string())?;
                put("(all)", "support_b", p.support_b.to_string())?;
                for (label, l) in &p.per_label {
                    put(label, "f1_exact", figure(l.f1_exact))?;
                    put(label, "f1_overlap", figure(l.f1_overlap))?;
                    put(label, "support_a", l.support_a.to_string())?;
                    put(label, "support_b", l.support_b.to_string())?;
                }
                // Attributes: the attribute's name in the label column.
                for (name, r) in &p.attributes {
                    put(name, "attribute_agreement", figure(r.agreement))?;
                    put(name, "attribute_compared", r.compared.to_string())?;
                }
            }
        }
        let bytes = w
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The span measures of one scope (the corpus or a document) as CSV rows.
fn write_spans(
    w: &mut csv::Writer<Vec<u8>>,
    document: &str,
    alpha_u: &AlphaUReport,
    gamma: Option<GammaFigures>,
) -> Result<(), csv::Error> {
    let mut put = |label: &str, measure: &str, value: Option<f64>| {
        w.write_record([document, "", "", label, measure, figure(value).as_str()])
    };
    put("(all)", "alpha_u", alpha_u.overall)?;
    for (label, value) in &alpha_u.per_label {
        put(label, "alpha_u", *value)?;
    }
    if let Some(g) = gamma {
        put("(all)", "gamma", g.gamma)?;
        put("(all)", "gamma_observed_disorder", g.observed_disorder)?;
        put("(all)", "gamma_expected_disorder", g.expected_disorder)?;
    }
    Ok(())
}

/// "8", or "8 (5 settled)" when a curated layer settles some.
fn disagreements(found: usize, settled: usize) -> String {
    if settled == 0 {
        found.to_string()
    } else {
        format!("{found} ({settled} settled)")
    }
}
