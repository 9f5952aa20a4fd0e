//! The status bar: document, encoding, annotator, counts per label, saved state, and the
//! latest message.

use std::time::{Duration, Instant};

use egui::{Color32, CornerRadius, RichText, Sense, vec2};

use super::SpantagApp;
use crate::theme;

/// How a message is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum StatusKind {
    Info,
    Warning,
    Error,
}

/// A message in the status bar.
struct Status {
    text: String,
    kind: StatusKind,
    since: Instant,
}

/// The latest message; information fades after a few seconds, warnings and errors stay.
#[derive(Default)]
pub(super) struct StatusLine {
    current: Option<Status>,
}

impl StatusLine {
    pub(super) fn set(&mut self, text: impl Into<String>, kind: StatusKind) {
        self.current = Some(Status {
            text: text.into(),
            kind,
            since: Instant::now(),
        });
    }

    /// Puts `note` before the current message (or makes it the message).
    pub(super) fn prefix(&mut self, note: &str) {
        match &mut self.current {
            Some(status) => status.text = format!("{note}. {}", status.text),
            None => self.set(note, StatusKind::Info),
        }
    }

    pub(super) fn text(&self) -> Option<&str> {
        self.current.as_ref().map(|s| s.text.as_str())
    }

    /// Whether the message will fade (a repaint is needed then).
    pub(super) fn fades(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Info)
    }

    fn expire(&mut self) {
        if self.current.as_ref().is_some_and(|s| {
            s.kind == StatusKind::Info && s.since.elapsed() > Duration::from_secs(8)
        }) {
            self.current = None;
        }
    }
}

impl SpantagApp {
    pub(super) fn status_bar(&mut self, ui: &mut egui::Ui) {
        let dark = self.settings.dark_mode;
        ui.horizontal(|ui| {
            if let Some(open) = &self.open {
                let doc = open.session.document();
                ui.label(RichText::new(doc.display_name()).strong())
                    .on_hover_text(
                        doc.path()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                    );
                ui.weak(doc.encoding().name());
                ui.separator();
                ui.label(open.layer_id().name()).on_hover_text(format!(
                    "Annotating as {} — saved to {}",
                    open.layer_id(),
                    open.session.editable().path().display()
                ));
                ui.separator();
                for (name, count) in open.counts() {
                    let color = open
                        .scheme()
                        .get(name)
                        .map_or(Color32::GRAY, theme::label_color);
                    let (rect, _) = ui.allocate_exact_size(vec2(9.0, 9.0), Sense::hover());
                    ui.painter().rect_filled(rect, CornerRadius::same(2), color);
                    ui.label(format!("{name} {count}"));
                }
                ui.separator();
                if open.session.is_dirty() {
                    ui.colored_label(theme::warning_color(dark), "• Unsaved changes")
                        .on_hover_text("Ctrl+S saves");
                } else {
                    ui.weak("✔ Saved");
                }
                if self.suggestions_shown() {
                    let live = self.suggestions.live_count(open, 1000);
                    if live > 0 {
                        ui.separator();
                        let shown = if live >= 1000 {
                            "1000+".to_owned()
                        } else {
                            live.to_string()
                        };
                        ui.label(format!(
                            "{shown} suggestion{}",
                            if live == 1 { "" } else { "s" }
                        ))
                        .on_hover_text(
                            "Ghost spans (dashed): Enter or a click accepts the one with the \
                             chip, Backspace rejects it. View → Suggestions turns them off",
                        );
                    }
                    if let Some(err) = &self.suggestions.source_error {
                        ui.separator();
                        ui.colored_label(theme::warning_color(dark), err);
                    }
                }
            } else {
                ui.weak(format!("Annotator: {}", self.annotator));
            }
            if let Some(loading) = &self.loading {
                ui.separator();
                ui.add(egui::Spinner::new());
                ui.label(loading.describe());
            }
            if let Some(status) = &self.status.current {
                ui.separator();
                let color = match status.kind {
                    StatusKind::Info => ui.visuals().text_color(),
                    StatusKind::Warning => theme::warning_color(dark),
                    StatusKind::Error => theme::error_color(dark),
                };
                ui.add(egui::Label::new(RichText::new(&status.text).color(color)).truncate())
                    .on_hover_text(&status.text);
            }
        });
        self.status.expire();
    }

    /// The window's title: the document, unsaved changes, the folder or review.
    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.open {
            Some(open) => format!(
                "{}{} — {} — spantag",
                if open.session.is_dirty() { "● " } else { "" },
                open.session.document().display_name(),
                match (&self.corpus, &self.review) {
                    (Some(corpus), _) => corpus.name(),
                    (None, Some(_)) => "review".to_owned(),
                    (None, None) => open.layer_id().to_string(),
                }
            ),
            None => "spantag".to_owned(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}
