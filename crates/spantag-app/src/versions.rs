//! Review mode's versions strip, under the document: for the current disagreement, one row
//! per annotator showing that annotator's spans on the sentence (their label's colour behind
//! the text and the label as a small tag after it), the curated layer's row last, and which
//! version was chosen — who said what at a glance, the way INCEpTION's curation page shows
//! each annotator's sentence. It reads the session and pushes [`Command`]s.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, CornerRadius, FontId, RichText, Sense, Stroke, vec2};

use crate::command::Command;
use crate::open::OpenDocument;
use crate::review::{ReviewState, annotator_color};
use crate::theme;
use spantag_core::annotation::{LabelScheme, Layer, SpanIndex};
use spantag_core::document::Document;
use spantag_core::review::Disagreement;
use spantag_core::session::LayerId;

/// How far the sentence around a disagreement may reach on each side, in characters.
const CONTEXT: usize = 160;

/// The sentence (or line) around `start..end`: from after the last sentence end before it to
/// the first sentence end after it, at most [`CONTEXT`] characters each way.
pub fn sentence_around(doc: &Document, start: usize, end: usize) -> (usize, usize) {
    let len = doc.char_len();
    let (start, end) = (start.min(len), end.min(len));
    let lo = start.saturating_sub(CONTEXT);
    let before: Vec<char> = doc.slice(lo..start).chars().collect();
    let mut from = lo;
    for i in (0..before.len()).rev() {
        let c = before[i];
        let next = before.get(i + 1).copied();
        if c == '\n' || (matches!(c, '.' | '!' | '?') && next.is_some_and(char::is_whitespace)) {
            from = lo + i + 1;
            break;
        }
    }
    let hi = (end + CONTEXT).min(len);
    let after: Vec<char> = doc.slice(end..hi).chars().collect();
    let mut to = hi;
    for (i, &c) in after.iter().enumerate() {
        if c == '\n' {
            to = end + i;
            break;
        }
        if matches!(c, '.' | '!' | '?') && after.get(i + 1).is_none_or(|n| n.is_whitespace()) {
            to = end + i + 1;
            break;
        }
    }
    // Leading white space is not part of the sentence.
    let skip = doc
        .slice(from..start)
        .chars()
        .take_while(|c| c.is_whitespace())
        .count();
    (from + skip, to.max(end))
}

/// One layer's spans over `from..to` as a text: the label's fill behind each span's text, a
/// line under it, and the label as a small tag where it ends.
fn row_job(
    doc: &Document,
    (from, to): (usize, usize),
    (layer, index): (&Layer, &SpanIndex),
    scheme: &LabelScheme,
    dark: bool,
    text_color: Color32,
) -> LayoutJob {
    // Through the layer's index: a frame costs the spans on the sentence, not the layer.
    let spans: Vec<&spantag_core::annotation::Span> = index
        .overlapping(from..to)
        .into_iter()
        .filter_map(|p| layer.spans().get(p))
        .collect();
    let mut cuts: Vec<usize> = vec![from, to];
    for s in &spans {
        cuts.push(s.start.clamp(from, to));
        cuts.push(s.end.clamp(from, to));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let color_of = |label: &str| scheme.get(label).map_or(Color32::GRAY, theme::label_color);
    let font = FontId::proportional(14.0);
    let tag_font = FontId::proportional(10.5);
    let mut job = LayoutJob::default();
    // An ellipsis where the sentence was cut short (not at a line or sentence end).
    let cut = |at: usize| doc.slice(at..at + 1).chars().all(|c| !c.is_whitespace());
    if from > 0 && cut(from - 1) {
        job.append("…", 0.0, TextFormat::simple(font.clone(), text_color));
    }
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        // Where spans start, an opening bracket in their label's colour (outermost first):
        // boundaries read at a glance.
        let mut starting: Vec<&&spantag_core::annotation::Span> =
            spans.iter().filter(|s| s.start == a).collect();
        starting.sort_by_key(|s| std::cmp::Reverse(s.end - s.start));
        for s in starting {
            job.append(
                "[",
                0.0,
                TextFormat::simple(font.clone(), color_of(&s.label)),
            );
        }
        // The innermost span covering the piece gives its fill, the outermost its line: a
        // span nested in another shows both, so versions that differ only in the outer span's
        // boundary look different.
        let covering = || spans.iter().filter(|s| s.start <= a && s.end >= b);
        let inner = covering().min_by_key(|s| s.end - s.start);
        let outer = covering().max_by_key(|s| s.end - s.start);
        let mut format = TextFormat::simple(font.clone(), text_color);
        if let (Some(i), Some(o)) = (inner, outer) {
            format.background = theme::span_fill(color_of(&i.label), dark);
            format.underline = Stroke::new(2.0, color_of(&o.label));
        }
        job.append(doc.slice(a..b), 0.0, format);
        // Tags of the spans ending here (shortest first).
        let mut ending: Vec<&&spantag_core::annotation::Span> =
            spans.iter().filter(|s| s.end == b).collect();
        ending.sort_by_key(|s| s.end - s.start);
        for s in ending {
            let color = color_of(&s.label);
            job.append("]", 0.0, TextFormat::simple(font.clone(), color));
            // The label, then its attributes (so versions that differ only there differ).
            let mut tag = s.label.clone();
            for (name, value) in &s.attrs {
                if value == spantag_core::project::FLAG_SET {
                    tag.push_str(" +");
                    tag.push_str(name);
                } else {
                    tag.push(' ');
                    tag.push_str(value);
                }
            }
            if s.is_discontinuous() {
                tag.push_str(&format!(" ({} pieces)", s.fragments.len()));
            }
            job.append(&tag, 1.0, TextFormat::simple(tag_font.clone(), color));
        }
    }
    let ended = doc
        .slice(to.saturating_sub(1)..to)
        .chars()
        .all(|c| matches!(c, '.' | '!' | '?' | '\n'));
    if to < doc.char_len() && !ended && cut(to) {
        job.append("…", 0.0, TextFormat::simple(font, text_color));
    }
    job
}

/// The annotator whose version the curated layer follows at `d`: the recorded decision's,
/// else the one whose spans there it all holds.
pub fn chosen(d: &Disagreement, curated: &Layer) -> Option<String> {
    let decision = curated.decision_over(d.start, d.end);
    decision
        .map(|x| x.annotator.clone())
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
                .map(|s| s.annotator.clone())
        })
}

/// The strip's rows (one job per annotator, then the curated layer's), kept while the
/// disagreement shown, the layers' revisions and the theme stay the same: a frame then
/// costs no span lookups.
#[derive(Default)]
pub struct Cache {
    key: Option<(usize, usize, Vec<u64>, bool)>,
    /// Which annotators (indexes into the disagreement's list) each row stands for: those
    /// whose spans on the sentence are the same share one row. The curated row is last and
    /// stands for no annotator.
    groups: Vec<Vec<usize>>,
    rows: Vec<Option<LayoutJob>>,
    /// The rows laid out for a text width (its bits): a frame then draws them as they are.
    galleys: Option<(u32, Vec<Option<std::sync::Arc<egui::Galley>>>)>,
}

/// The strip: nothing when no disagreement is current.
pub fn versions_ui(
    ui: &mut egui::Ui,
    open: &OpenDocument,
    state: &mut ReviewState,
    commands: &mut Vec<Command>,
) {
    let Some(d) = state.navigator.current() else {
        return;
    };
    let session = &open.session;
    let doc = session.document();
    let curated = session.editable().layer();
    let scheme = open.scheme();
    let dark = ui.visuals().dark_mode;
    let text_color = ui.visuals().text_color();
    let ids: Vec<LayerId> = d
        .says
        .iter()
        .map(|s| LayerId::from_name(&s.annotator))
        .collect();
    let revisions: Vec<u64> = ids
        .iter()
        .map(|id| session.layer(id).map_or(u64::MAX, |l| l.revision()))
        .chain([session.editable().revision()])
        .collect();
    let key = Some((d.start, d.end, revisions, dark));
    if state.versions.key != key {
        let context = sentence_around(doc, d.start, d.end);
        // Annotators whose spans on the sentence are the same share a row: with five
        // annotators the odd one out stands apart, and the strip stays short.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        // A span's place, label, attributes and pieces (not its id or note).
        type Signature<'a> = (
            usize,
            usize,
            &'a str,
            &'a std::collections::BTreeMap<String, String>,
            &'a [(usize, usize)],
        );
        let mut signatures: Vec<Option<Vec<Signature<'_>>>> = Vec::new();
        for (k, id) in ids.iter().enumerate() {
            let signature = session.layer(id).map(|l| {
                l.index()
                    .overlapping(context.0..context.1)
                    .into_iter()
                    .filter_map(|p| l.layer().spans().get(p))
                    .map(|x| {
                        (
                            x.start,
                            x.end,
                            x.label.as_str(),
                            &x.attrs,
                            x.fragments.as_slice(),
                        )
                    })
                    .collect::<Vec<_>>()
            });
            match signatures
                .iter()
                .position(|s| s.is_some() && *s == signature)
            {
                Some(g) => groups[g].push(k),
                None => {
                    groups.push(vec![k]);
                    signatures.push(signature);
                }
            }
        }
        let mut rows: Vec<Option<LayoutJob>> = groups
            .iter()
            .map(|members| {
                session.layer(&ids[members[0]]).map(|l| {
                    row_job(
                        doc,
                        context,
                        (l.layer(), l.index()),
                        scheme,
                        dark,
                        text_color,
                    )
                })
            })
            .collect();
        let editable = session.editable();
        rows.push(Some(row_job(
            doc,
            context,
            (curated, editable.index()),
            scheme,
            dark,
            text_color,
        )));
        state.versions = Cache {
            key,
            groups,
            rows,
            galleys: None,
        };
    }
    // The text column: what the name, tick and Accept button leave.
    let width = (ui.available_width() - 170.0).max(160.0);
    if state.versions.galleys.as_ref().map(|g| g.0) != Some(width.to_bits()) {
        let galleys = state
            .versions
            .rows
            .iter()
            .map(|job| {
                job.clone().map(|mut job| {
                    job.wrap.max_width = width;
                    ui.fonts_mut(|f| f.layout_job(job))
                })
            })
            .collect();
        state.versions.galleys = Some((width.to_bits(), galleys));
    }
    let rows: &[Option<std::sync::Arc<egui::Galley>>] = state
        .versions
        .galleys
        .as_ref()
        .map_or(&[], |g| g.1.as_slice());
    let chosen = d.settled_by(curated).then(|| chosen(d, curated)).flatten();
    let read_only = session.read_only_ids();
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(RichText::new("Versions").strong());
        ui.weak("each annotator's spans on the sentence; Alt+1…9 accepts one");
    });
    // Plain rows (no grid, no scroll area): the strip is drawn every frame of a review, so
    // it costs what six labels and buttons cost, laid out once per change.
    let name_width = 150.0;
    let groups = state.versions.groups.clone();
    for (g, members) in groups.iter().enumerate() {
        let Some(first) = members.first().and_then(|&k| d.says.get(k)) else {
            continue;
        };
        let id = LayerId::from_name(&first.annotator);
        ui.horizontal_top(|ui| {
            ui.allocate_ui_with_layout(
                vec2(name_width, 18.0),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_min_width(name_width);
                    ui.spacing_mut().item_spacing.x = 4.0;
                    for &k in members {
                        let Some(says) = d.says.get(k) else { continue };
                        let index = read_only
                            .iter()
                            .position(|x| x.name() == says.annotator)
                            .unwrap_or(k);
                        let color = annotator_color(index);
                        let (rect, _) = ui.allocate_exact_size(vec2(9.0, 9.0), Sense::hover());
                        ui.painter().rect_filled(rect, CornerRadius::same(2), color);
                        ui.label(RichText::new(&says.annotator).strong().color(color));
                    }
                    if chosen
                        .as_deref()
                        .is_some_and(|c| members.iter().any(|&k| d.says[k].annotator == c))
                    {
                        ui.label(RichText::new("✔").color(theme::ok_color(dark)))
                            .on_hover_text("The curated layer follows this version");
                    }
                    let accept = ui.small_button("Accept");
                    if accept.hovered() {
                        let keys: Vec<String> = members
                            .iter()
                            .filter(|&&k| k < 9)
                            .map(|k| format!("Alt+{}", k + 1))
                            .collect();
                        accept.clone().on_hover_text(format!(
                            "Make this version the curated one ({})",
                            keys.join(", ")
                        ));
                    }
                    if accept.clicked() {
                        commands.push(Command::AcceptVersion(id.clone()));
                    }
                },
            );
            match rows.get(g).cloned().flatten() {
                Some(galley) => {
                    ui.add(egui::Label::new(galley));
                }
                None => {
                    ui.weak("(hidden)");
                }
            }
        });
    }
    ui.horizontal_top(|ui| {
        ui.allocate_ui_with_layout(
            vec2(name_width, 18.0),
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                ui.set_min_width(name_width);
                ui.label(RichText::new("curated").strong());
                ui.weak("yours");
            },
        );
        if let Some(galley) = rows.last().cloned().flatten() {
            ui.add(egui::Label::new(galley));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_around_a_disagreement() {
        let text = "First one. Riverton's council voted on Tuesday. Then more.\nNext line.";
        let doc = Document::from_text(text.to_owned());
        let at = |needle: &str| text.find(needle).unwrap();
        let (s, e) = sentence_around(&doc, at("council"), at("council") + 7);
        assert_eq!(doc.slice(s..e), "Riverton's council voted on Tuesday.");
        // A disagreement on the last line stops at its line's start.
        let (s, e) = sentence_around(&doc, at("Next"), at("Next") + 4);
        assert_eq!(doc.slice(s..e), "Next line.");
    }
}
