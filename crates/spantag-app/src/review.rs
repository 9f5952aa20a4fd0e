//! Review mode's side panel: the annotators' layers (shown or hidden, one lane each), the
//! disagreement navigator with who said what, accepting or rejecting versions, and "Accept
//! all agreed". It reads the session and pushes [`Command`]s.

use std::collections::BTreeSet;

use egui::{CornerRadius, RichText, Sense, vec2};

use crate::command::Command;
use crate::doc_view::{preview, preview_ends};
use crate::open::OpenDocument;
use crate::theme;
use spantag_core::annotation::Layer;
use spantag_core::review::navigate::Navigator;
use spantag_core::review::{CurateOptions, DisagreementKind};
use spantag_core::session::{LayerId, Session};

/// What review mode keeps between frames.
#[derive(Default)]
pub struct ReviewState {
    /// Layers the user hid.
    pub hidden: BTreeSet<LayerId>,
    /// The disagreements of the shown annotators.
    pub navigator: Navigator,
    /// The revisions of the layers the navigator was computed from, and which were shown.
    key: Option<(Vec<u64>, Vec<LayerId>)>,
    /// Options of "Accept all agreed".
    pub options: CurateOptions,
    /// Open disagreements, for the curated layer's revision (rejections are in it too).
    open_count: Option<(u64, usize)>,
    /// Annotators whose file could not be read, with why: not compared.
    pub unreadable: Vec<(LayerId, String)>,
    /// The versions strip's rows, for the disagreement and layer revisions they show.
    pub(crate) versions: crate::versions::Cache,
}

impl ReviewState {
    /// The annotators' layers that are shown, in order.
    pub fn shown_annotators(&self, session: &Session) -> Vec<LayerId> {
        session
            .read_only_ids()
            .into_iter()
            .filter(|id| !self.hidden.contains(id))
            .collect()
    }

    /// How many disagreements are open (cached per change of the curated layer).
    pub fn open_count(&mut self, session: &Session) -> usize {
        let curated = session.editable();
        let key = curated.revision();
        match self.open_count {
            Some((k, n)) if k == key => n,
            _ => {
                let n = self.navigator.open_count(curated.layer());
                self.open_count = Some((key, n));
                n
            }
        }
    }

    /// Recomputes the disagreements when a shown annotator layer changed or was shown or
    /// hidden (not every frame).
    pub fn refresh(&mut self, session: &Session) {
        let shown = self.shown_annotators(session);
        let revisions: Vec<u64> = shown
            .iter()
            .filter_map(|id| session.layer(id).map(|l| l.revision()))
            .collect();
        let key = (revisions, shown.clone());
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let layers: Vec<Layer> = shown
            .iter()
            .filter_map(|id| session.layer(id).map(|l| l.layer().clone()))
            .collect();
        if self.key.is_none() {
            self.navigator = Navigator::new(&layers);
        } else {
            self.navigator.recompute(&layers);
        }
        self.key = Some(key);
        self.open_count = None;
    }
}

/// A colour per annotator (for the lane legend): the label palette's order, from the end so
/// that it differs from the first labels' colours.
pub fn annotator_color(index: usize) -> egui::Color32 {
    const COLORS: [[u8; 3]; 6] = [
        [0x9c, 0x75, 0x5f],
        [0xb0, 0x7a, 0xa1],
        [0x76, 0xb7, 0xb2],
        [0xed, 0xc9, 0x48],
        [0xff, 0x9d, 0xa7],
        [0xba, 0xb0, 0xac],
    ];
    let [r, g, b] = COLORS[index % COLORS.len()];
    egui::Color32::from_rgb(r, g, b)
}

/// The review panel.
pub fn review_ui(
    ui: &mut egui::Ui,
    open: &OpenDocument,
    state: &mut ReviewState,
    commands: &mut Vec<Command>,
) {
    let session = &open.session;
    let curated = session.editable().layer();
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Review").strong().size(15.0));
        if ui
            .small_button("Done")
            .on_hover_text("Back to annotating (Ctrl+R)")
            .clicked()
        {
            commands.push(Command::ToggleReview);
        }
    });
    ui.weak("You are editing the curated layer; annotators' layers are read-only.");
    ui.add_space(4.0);
    ui.label(RichText::new("Layers").strong());
    let read_only = session.read_only_ids();
    let shown = state.shown_annotators(session);
    for (i, id) in read_only.iter().enumerate() {
        let visible = !state.hidden.contains(id);
        let lane = shown.iter().position(|s| s == id);
        let spans = session.layer(id).map_or(0, |l| l.layer().spans().len());
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
            ui.painter()
                .rect_filled(rect, CornerRadius::same(2), annotator_color(i));
            let mut on = visible;
            let text = match lane {
                Some(l) => format!("{id}  ·  lane {}  ·  {spans} spans", l + 1),
                None => format!("{id}  ·  hidden  ·  {spans} spans"),
            };
            if ui
                .checkbox(&mut on, text)
                .on_hover_text("Show or hide this annotator's layer")
                .changed()
            {
                commands.push(Command::ToggleLayer(id.clone()));
            }
        });
    }
    for (id, err) in &state.unreadable {
        ui.colored_label(
            theme::error_color(ui.visuals().dark_mode),
            format!("{id}  ·  could not be read, not compared"),
        )
        .on_hover_text(err);
        ui.add(egui::Label::new(RichText::new(err).small().weak()).wrap());
    }
    ui.weak(format!(
        "curated (yours)  ·  filled, lane {}  ·  {} spans",
        shown.len() + 1,
        curated.spans().len()
    ));
    ui.separator();

    // The navigator.
    let open_count = state.open_count(session);
    let nav = &state.navigator;
    let total = nav.all().len();
    ui.horizontal(|ui| {
        ui.label(RichText::new("Disagreements").strong());
        ui.weak(format!("{open_count} open of {total}"));
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(total > 0, egui::Button::new("◀ Previous"))
            .on_hover_text("Shift+N")
            .clicked()
        {
            commands.push(Command::StepDisagreement(false));
        }
        if ui
            .add_enabled(total > 0, egui::Button::new("Next ▶"))
            .on_hover_text("N")
            .clicked()
        {
            commands.push(Command::StepDisagreement(true));
        }
    });
    if let Some(d) = nav.current() {
        let index = nav.current_index().unwrap_or(0) + 1;
        let settled = nav.is_settled(d, curated);
        let what = match d.kind {
            DisagreementKind::Missing => "made by some, not by others",
            DisagreementKind::Label => "same text, different labels",
            DisagreementKind::Boundary => "same label, different boundaries",
            DisagreementKind::Attributes => "same span, different attributes or pieces",
        };
        ui.add_space(4.0);
        ui.label(format!("{index} of {total}: {what}"));
        let text = session
            .document()
            .slice(d.start..d.end.min(session.document().char_len()));
        ui.weak(format!("“{}”", preview_ends(text, 80)));
        // Which version was chosen: the recorded decision, else the annotator whose spans
        // there the curated layer holds.
        let decision = curated.decision_over(d.start, d.end);
        let chosen: Option<&str> = decision
            .map(|x| x.annotator.as_str())
            .filter(|a| !a.is_empty())
            .or_else(|| {
                d.says
                    .iter()
                    .find(|s| {
                        !s.spans.is_empty()
                            && s.spans
                                .iter()
                                .all(|x| curated.find_duplicate(x.start..x.end, &x.label).is_some())
                    })
                    .map(|s| s.annotator.as_str())
            });
        if settled {
            let how = match (decision, chosen) {
                (Some(x), _) => x.describe(),
                (None, Some(who)) => format!("{who}'s version"),
                (None, None) => "every version rejected".to_owned(),
            };
            ui.colored_label(
                theme::warning_color(ui.visuals().dark_mode).gamma_multiply(0.9),
                format!("Settled: {how}"),
            )
            .on_hover_text("Accept another version (or Reject all) to change it; Ctrl+Z undoes");
        }
        // One row per annotator: the Accept button first, so that it stays visible however
        // narrow the panel is; the spans' text is cut to the width left.
        for (k, says) in d.says.iter().enumerate() {
            ui.horizontal(|ui| {
                let key = if k < 9 {
                    format!(" (Alt+{})", k + 1)
                } else {
                    String::new()
                };
                if ui
                    .button("Accept")
                    .on_hover_text(format!(
                        "Make {}'s version the curated one{key}",
                        says.annotator
                    ))
                    .clicked()
                {
                    commands.push(Command::AcceptVersion(LayerId::from_name(&says.annotator)));
                }
                ui.strong(&says.annotator);
                if says.spans.is_empty() {
                    ui.weak("no span");
                }
                if settled && chosen == Some(says.annotator.as_str()) {
                    ui.label(
                        RichText::new("✔ chosen").color(theme::ok_color(ui.visuals().dark_mode)),
                    )
                    .on_hover_text("The curated layer follows this version");
                }
            });
            // Each span: its label and offsets, then its text with both ends kept, so that
            // versions differing only in a boundary look different.
            for s in &says.spans {
                let color = open
                    .scheme()
                    .get(&s.label)
                    .map_or(egui::Color32::GRAY, theme::label_color);
                let whole = session
                    .document()
                    .slice(s.start..s.end.min(session.document().char_len()));
                ui.horizontal(|ui| {
                    ui.add_space(18.0);
                    let (rect, _) = ui.allocate_exact_size(vec2(8.0, 8.0), Sense::hover());
                    ui.painter().rect_filled(rect, CornerRadius::same(2), color);
                    ui.add(egui::Label::new(&s.label).truncate());
                    ui.weak(format!("{}–{}", s.start, s.end));
                });
                // Its attributes and pieces, so that versions differing only there differ.
                if !s.attrs.is_empty() || !s.fragments.is_empty() {
                    let mut what: Vec<String> = s
                        .attrs
                        .iter()
                        .map(|(k, v)| {
                            if v == spantag_core::project::FLAG_SET {
                                k.clone()
                            } else {
                                format!("{k}: {v}")
                            }
                        })
                        .collect();
                    if !s.fragments.is_empty() {
                        what.push(format!("{} pieces", s.fragments.len()));
                    }
                    ui.horizontal(|ui| {
                        ui.add_space(18.0);
                        ui.weak(what.join(", "));
                    });
                }
                ui.horizontal(|ui| {
                    ui.add_space(18.0);
                    ui.add(egui::Label::new(format!("“{}”", preview_ends(whole, 48))).wrap())
                        .on_hover_text(preview(whole, 500));
                });
            }
        }
        if ui
            .button("Reject all versions")
            .on_hover_text("Keep none of these spans in the curated layer (X)")
            .clicked()
        {
            commands.push(Command::RejectDisagreement);
        }
    } else if total > 0 {
        ui.weak("Press N to go to the first disagreement.");
    } else if state.unreadable.is_empty() {
        ui.weak("The shown annotators agree everywhere.");
    } else {
        ui.weak("The shown annotators agree everywhere; a layer that could not be read is not among them.");
    }
    ui.separator();
    ui.label(RichText::new("Accept all agreed").strong());
    let n = shown.len().max(1);
    let mut majority = state.options.min_agree.is_some();
    ui.checkbox(&mut majority, "Majority vote")
        .on_hover_text("Accept spans that at least K annotators made identically, unless someone put another label on the same range");
    if majority {
        let mut k = state
            .options
            .min_agree
            .unwrap_or(n.div_ceil(2).max(2))
            .clamp(1, n);
        ui.horizontal(|ui| {
            ui.label("at least");
            ui.add(egui::DragValue::new(&mut k).range(1..=n));
            ui.label(format!("of {n}"));
        });
        state.options.min_agree = Some(k);
    } else {
        state.options.min_agree = None;
    }
    ui.checkbox(&mut state.options.uncontested, "Also uncontested spans")
        .on_hover_text("Spans only some annotators made where nobody made an overlapping span");
    // Wraps in a narrow panel rather than pushing the panel's content out of view.
    ui.horizontal_wrapped(|ui| {
        let complete = state.unreadable.is_empty();
        if ui
            .add_enabled(complete, egui::Button::new("Accept all agreed"))
            .on_hover_text(
                "Copy every agreed span into the curated layer (one step; Ctrl+Z undoes it)",
            )
            .on_disabled_hover_text(
                "A layer could not be read: what the others agree on may not be agreed. Fix its file (see above) and open the review again",
            )
            .clicked()
        {
            commands.push(Command::AcceptAllAgreed);
        }
        if ui
            .button("Agreement…")
            .on_hover_text("Agreement scores for this folder")
            .clicked()
        {
            commands.push(Command::ShowAgreement);
        }
    });
}
