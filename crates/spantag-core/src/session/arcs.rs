//! A layer's indexes for the view: its spans' overlap index and label counts, the relations
//! touching each span, and event arguments as arcs from their trigger.

use crate::annotation::SpanIndex;

use super::LayerState;

impl LayerState {
    /// Rebuilds the indexes after the layer changed.
    pub(super) fn reindex(&mut self) {
        self.index = SpanIndex::build(self.layer.spans());
        self.counts = self.layer.counts();
        self.relations_by_span.clear();
        for (i, r) in self.layer.relations.iter().enumerate() {
            self.relations_by_span.entry(r.from).or_default().push(i);
            if r.to != r.from {
                self.relations_by_span.entry(r.to).or_default().push(i);
            }
        }
        self.event_arcs.clear();
        self.events_by_span.clear();
        let triggers: std::collections::HashMap<u64, u64> = self
            .layer
            .events
            .iter()
            .map(|e| (e.id, e.trigger))
            .collect();
        for event in &self.layer.events {
            for arg in &event.args {
                let to = triggers.get(&arg.to).copied().unwrap_or(arg.to);
                let i = self.event_arcs.len();
                self.event_arcs.push(crate::annotation::Relation {
                    id: event.id,
                    from: event.trigger,
                    to,
                    label: arg.role.clone(),
                });
                self.events_by_span
                    .entry(event.trigger)
                    .or_default()
                    .push(i);
                if to != event.trigger {
                    self.events_by_span.entry(to).or_default().push(i);
                }
            }
        }
    }

    /// Event arguments as arcs from their trigger (see [`Self::event_index`]).
    pub fn event_arcs(&self) -> &[crate::annotation::Relation] {
        &self.event_arcs
    }

    /// Positions in [`Self::event_arcs`] of the arcs touching each span.
    pub fn event_index(&self) -> &std::collections::HashMap<u64, Vec<usize>> {
        &self.events_by_span
    }

    /// The relations touching a span (as source or target).
    pub fn relations_of(&self, span: u64) -> impl Iterator<Item = &crate::annotation::Relation> {
        self.relations_by_span
            .get(&span)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.layer.relations.get(i))
    }

    /// The index behind [`Self::relations_of`] (the document view draws from it).
    pub fn relation_index(&self) -> &std::collections::HashMap<u64, Vec<usize>> {
        &self.relations_by_span
    }
}
