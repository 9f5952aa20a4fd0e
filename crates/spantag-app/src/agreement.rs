//! The agreement panel: how far the annotators of a folder agree, computed on a background
//! thread with the same code as `spantag agree` (its default options, γ included): the
//! pairwise matrix for a chosen measure, per-label scores, per-document scores worst first (a
//! click opens that document's review at its first disagreement), the corpus totals (with
//! Krippendorff's αU and Mathet et al.'s γ, each explained in a tooltip), and a chart.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::command::Command;
use spantag_core::review::agreement::figure;
use spantag_core::review::agreement::gamma::GammaOptions;
use spantag_core::review::{self, AgreementOptions, AgreementReport};

/// What αU is, for its tooltip.
pub const ALPHA_U_TIP: &str = "Krippendorff's unitized alpha (αU): the spans themselves \
    compared on the text, for all annotators together. Each label's spans and the gaps \
    between them are compared where they overlap (how far their starts and ends differ, or a \
    span where another annotator has none), against the same spans and gaps laid out at \
    random. 1: the same spans; 0: no better than chance; below 0: worse. All labels: the \
    labels' disagreements added up.";

/// What γ is, for its tooltip.
pub const GAMMA_TIP: &str = "Mathet et al.'s gamma (γ): the spans are aligned across \
    annotators (at most one span of each annotator together; a missing span costs 1, and \
    so does a different label; positions cost by how far the ends are apart), and the best \
    alignment's disorder is compared with that of random annotations with the same numbers \
    of spans, lengths, gaps and labels (30 per document, seed 0, as pygamma-agreement). 1: \
    perfect; 0: chance. Documents are pooled by their disorders.";

/// Which figure the matrix and the chart show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    /// Exact-match span F1.
    #[default]
    F1Exact,
    /// Overlap-match span F1.
    F1Overlap,
    /// Token-level Cohen's kappa.
    Cohen,
}

impl Measure {
    const ALL: [Self; 3] = [Self::F1Exact, Self::F1Overlap, Self::Cohen];

    fn name(self) -> &'static str {
        match self {
            Self::F1Exact => "Span F1 (exact)",
            Self::F1Overlap => "Span F1 (overlap)",
            Self::Cohen => "Cohen's kappa (tokens)",
        }
    }

    fn of(self, pair: &review::agreement::PairReport) -> Option<f64> {
        match self {
            Self::F1Exact => pair.f1_exact,
            Self::F1Overlap => pair.f1_overlap,
            Self::Cohen => pair.cohen_kappa,
        }
    }
}

/// The panel's state.
#[derive(Default)]
pub struct AgreementPanel {
    /// Whether the window is shown.
    pub open: bool,
    folder: Option<PathBuf>,
    pending: Option<mpsc::Receiver<Result<AgreementReport, String>>>,
    /// The last report computed.
    pub report: Option<AgreementReport>,
    error: Option<String>,
    measure: Measure,
}

impl AgreementPanel {
    /// Shows the panel for a folder, computing its figures in the background.
    pub fn show_for(&mut self, ctx: &egui::Context, folder: &Path) {
        self.open = true;
        // Its real name for the title (`spantag review .` is "Agreement — review", not ".").
        let folder = &std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        self.folder = Some(folder.clone());
        self.report = None;
        self.error = None;
        let (tx, rx) = mpsc::channel();
        let inputs = vec![folder.to_path_buf()];
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("agreement".into())
            .spawn(move || {
                let options = AgreementOptions {
                    gamma: Some(GammaOptions::default()),
                };
                let result = review::plan(&inputs, None)
                    .and_then(|set| review::compare_with(&set, &options, &mut |_, _| {}))
                    .map_err(|e| e.to_string());
                let _ = tx.send(result);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.pending = Some(rx),
            Err(err) => self.error = Some(format!("Could not start: {err}")),
        }
    }

    /// Blocks until the figures are computed (tests).
    pub fn wait(&mut self) {
        if let Some(rx) = self.pending.take() {
            match rx.recv() {
                Ok(Ok(report)) => self.report = Some(report),
                Ok(Err(err)) => self.error = Some(err),
                Err(_) => self.error = Some("the computation stopped".into()),
            }
        }
    }

    fn poll(&mut self) {
        let Some(rx) = &self.pending else { return };
        match rx.try_recv() {
            Ok(Ok(report)) => {
                self.report = Some(report);
                self.pending = None;
            }
            Ok(Err(err)) => {
                self.error = Some(err);
                self.pending = None;
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                self.error = Some("the computation stopped".into());
                self.pending = None;
            }
        }
    }

    /// The window; returns a command when a document is clicked.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<Command> {
        if !self.open {
            return None;
        }
        self.poll();
        let mut command = None;
        let mut open = self.open;
        let title = match &self.folder {
            Some(f) => format!(
                "Agreement — {}",
                f.file_name().map_or_else(
                    || f.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
            None => "Agreement".to_owned(),
        };
        let screen = ctx.content_rect();
        egui::Window::new(title)
            .open(&mut open)
            .default_pos([screen.right() - 660.0, screen.top() + 30.0])
            .default_size([640.0, 780.0])
            .vscroll(true)
            .show(ctx, |ui| {
                if let Some(err) = &self.error {
                    ui.colored_label(
                        crate::theme::error_color(ui.visuals().dark_mode),
                        err.as_str(),
                    );
                    return;
                }
                let Some(report) = &self.report else {
                    ui.horizontal(|ui| {
                        ui.add(egui::Spinner::new());
                        ui.label("Comparing the annotators' layers…");
                    });
                    ctx.request_repaint_after(std::time::Duration::from_millis(100));
                    return;
                };
                command = report_ui(ui, report, &mut self.measure, self.folder.as_deref());
            });
        // A document picked here opens at its first disagreement: the window steps aside so
        // that the disagreement is seen (the review panel's Agreement… brings it back).
        self.open = open && command.is_none();
        command
    }
}

fn report_ui(
    ui: &mut egui::Ui,
    report: &AgreementReport,
    measure: &mut Measure,
    folder: Option<&Path>,
) -> Option<Command> {
    let mut command = None;
    ui.label(format!(
        "{} document(s), {} tokens, annotators {}",
        report.documents,
        report.tokens,
        report.annotators.join(", ")
    ));
    if !report.skipped.is_empty() {
        ui.weak(format!(
            "{} document(s) skipped (not every annotator annotated them)",
            report.skipped.len()
        ));
    }
    egui::Grid::new("agreement-totals")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label("Fleiss' kappa (tokens)");
            ui.strong(figure(report.fleiss_kappa));
            ui.end_row();
            ui.label("Krippendorff's alpha (tokens, nominal)");
            ui.strong(figure(report.krippendorff_alpha));
            ui.end_row();
            ui.label("Krippendorff's unitized alpha (αU, spans)")
                .on_hover_text(ALPHA_U_TIP);
            ui.strong(figure(report.alpha_u.overall))
                .on_hover_text(ALPHA_U_TIP);
            ui.end_row();
            if let Some(gamma) = &report.gamma {
                let exact = if gamma.figures.exact {
                    String::new()
                } else {
                    "\n\nA tangle of spans cut the search for a best alignment short: the \
                     observed disorder is an upper bound."
                        .to_owned()
                };
                let tip = format!(
                    "{GAMMA_TIP}\n\nObserved disorder {}, expected {} ({} samples, seed {}).{exact}",
                    figure(gamma.figures.observed_disorder),
                    figure(gamma.figures.expected_disorder),
                    gamma.samples,
                    gamma.seed
                );
                ui.label("Mathet et al.'s gamma (γ, spans)")
                    .on_hover_text(&tip);
                ui.strong(figure(gamma.figures.gamma)).on_hover_text(&tip);
                ui.end_row();
            }
            ui.label("Disagreements");
            ui.strong(report.disagreements.to_string());
            ui.end_row();
        });
    ui.separator();
    egui::ComboBox::from_label("Measure")
        .selected_text(measure.name())
        .show_ui(ui, |ui| {
            for m in Measure::ALL {
                ui.selectable_value(measure, m, m.name());
            }
        });
    // The pairwise matrix.
    let names = &report.annotators;
    let pair = |a: &str, b: &str| {
        report
            .pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
    };
    ui.push_id("matrix", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .column(Column::auto().at_least(80.0))
            .columns(Column::auto().at_least(60.0), names.len())
            .header(20.0, |mut header| {
                header.col(|ui| {
                    ui.strong("");
                });
                for n in names {
                    header.col(|ui| {
                        ui.strong(n);
                    });
                }
            })
            .body(|mut body| {
                for a in names {
                    body.row(18.0, |mut row| {
                        row.col(|ui| {
                            ui.strong(a);
                        });
                        for b in names {
                            row.col(|ui| {
                                if a == b {
                                    ui.weak("—");
                                } else {
                                    ui.label(figure(pair(a, b).and_then(|p| measure.of(p))));
                                }
                            });
                        }
                    });
                }
            });
    });
    ui.separator();
    // Per label: F1 of each pair.
    ui.label(
        RichText::new("Per label (F1 exact / overlap per pair; αU of all annotators)").strong(),
    );
    let mut labels: Vec<&String> = report
        .pairs
        .iter()
        .flat_map(|p| p.per_label.keys())
        .collect();
    labels.extend(report.alpha_u.per_label.keys());
    labels.sort();
    labels.dedup();
    ui.push_id("labels", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .column(Column::auto().at_least(80.0))
            .columns(Column::auto().at_least(90.0), report.pairs.len())
            .column(Column::auto().at_least(60.0))
            .header(20.0, |mut header| {
                header.col(|ui| {
                    ui.strong("label");
                });
                for p in &report.pairs {
                    header.col(|ui| {
                        ui.strong(format!("{} · {}", p.a, p.b));
                    });
                }
                header.col(|ui| {
                    ui.strong("αU").on_hover_text(ALPHA_U_TIP);
                });
            })
            .body(|mut body| {
                for label in &labels {
                    body.row(18.0, |mut row| {
                        row.col(|ui| {
                            ui.label(label.as_str());
                        });
                        for p in &report.pairs {
                            row.col(|ui| {
                                let l = p.per_label.get(label.as_str());
                                ui.label(format!(
                                    "{} / {}",
                                    figure(l.and_then(|l| l.f1_exact)),
                                    figure(l.and_then(|l| l.f1_overlap))
                                ));
                            });
                        }
                        row.col(|ui| {
                            ui.label(figure(
                                report
                                    .alpha_u
                                    .per_label
                                    .get(label.as_str())
                                    .copied()
                                    .flatten(),
                            ));
                        });
                    });
                }
            });
    });
    ui.separator();
    // Per document, worst first (by the chosen measure averaged over pairs).
    ui.label(RichText::new("Per document, worst first").strong());
    let mut docs: Vec<(&review::agreement::DocumentReport, Option<f64>)> = report
        .per_document
        .iter()
        .map(|d| {
            let values: Vec<f64> = d.pairs.iter().filter_map(|p| measure.of(p)).collect();
            let mean =
                (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
            (d, mean)
        })
        .collect();
    docs.sort_by(|a, b| {
        a.1.unwrap_or(f64::INFINITY)
            .total_cmp(&b.1.unwrap_or(f64::INFINITY))
            .then_with(|| a.0.document.cmp(&b.0.document))
    });
    let chart: Vec<(String, f64)> = docs
        .iter()
        .filter_map(|(d, v)| v.map(|v| (d.document.clone(), v)))
        .collect();
    ui.push_id("documents", |ui| {
        TableBuilder::new(ui)
            .striped(true)
            .column(Column::remainder().at_least(160.0))
            .column(Column::auto().at_least(70.0))
            .column(Column::auto().at_least(50.0))
            .column(Column::auto().at_least(50.0))
            .column(Column::auto().at_least(90.0))
            .header(20.0, |mut header| {
                for (h, tip) in [
                    ("document", None),
                    ("mean", None),
                    ("αU", Some(ALPHA_U_TIP)),
                    ("γ", Some(GAMMA_TIP)),
                    ("disagreements", None),
                ] {
                    header.col(|ui| {
                        let shown = ui.strong(h);
                        if let Some(tip) = tip {
                            shown.on_hover_text(tip);
                        }
                    });
                }
            })
            .body(|mut body| {
                for (d, mean) in &docs {
                    body.row(18.0, |mut row| {
                        row.col(|ui| {
                            if ui
                                .link(&d.document)
                                .on_hover_text("Review this document at its first disagreement")
                                .clicked()
                                && let Some(folder) = folder
                            {
                                command = Some(Command::Review(folder.join(&d.document), true));
                            }
                        });
                        row.col(|ui| {
                            ui.label(figure(*mean));
                        });
                        row.col(|ui| {
                            ui.label(figure(d.alpha_u.overall));
                        });
                        row.col(|ui| {
                            ui.label(figure(d.gamma.and_then(|g| g.gamma)));
                        });
                        row.col(|ui| {
                            ui.label(d.disagreements.to_string());
                        });
                    });
                }
            });
    });
    ui.separator();
    ui.label(RichText::new(format!("{} per document", measure.name())).strong());
    let bars: Vec<egui_plot::Bar> = chart
        .iter()
        .enumerate()
        .map(|(i, (name, v))| egui_plot::Bar::new(i as f64, *v).name(name))
        .collect();
    let names: Vec<String> = chart.iter().map(|(n, _)| n.clone()).collect();
    egui_plot::Plot::new("agreement-chart")
        .height(160.0)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            names.get(i as usize).cloned().unwrap_or_default()
        })
        .include_y(0.0)
        .include_y(1.0)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .show(ui, |plot| {
            plot.bar_chart(
                egui_plot::BarChart::new(measure.name(), bars)
                    .width(0.6)
                    .color(egui::Color32::from_rgb(0x4e, 0x79, 0xa7)),
            );
        });
    command
}
