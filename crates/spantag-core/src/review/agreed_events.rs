//! Events the annotators agree on, for the curated layer: the same type from a trigger with
//! the same (start, end, label), with the same arguments (role, and the argument span's
//! start, end and label). Events with an event as an argument are left to review.

use std::collections::BTreeMap;

use super::curate::Accepted;
use crate::annotation::{Event, EventArg, Layer};

/// An event by its trigger's key, its type and its arguments' keys (sorted).
pub type EventKey = (Accepted, String, Vec<(String, Accepted)>);

/// Events at least `need` of `layers` made (by their keys), sorted.
pub fn agreed_events(layers: &[Layer], need: usize) -> Vec<EventKey> {
    let mut makers: BTreeMap<EventKey, Vec<usize>> = BTreeMap::new();
    for (k, layer) in layers.iter().enumerate() {
        for event in &layer.events {
            let key_of = |id: u64| layer.get(id).map(|s| (s.start, s.end, s.label.clone()));
            let Some(trigger) = key_of(event.trigger) else {
                continue;
            };
            let args: Option<Vec<(String, Accepted)>> = event
                .args
                .iter()
                .map(|a| Some((a.role.clone(), key_of(a.to)?)))
                .collect();
            let Some(mut args) = args else {
                continue;
            };
            args.sort();
            let who = makers
                .entry((trigger, event.label.clone(), args))
                .or_default();
            if !who.contains(&k) {
                who.push(k);
            }
        }
    }
    makers
        .into_iter()
        .filter(|(_, who)| who.len() >= need.max(1))
        .map(|(key, _)| key)
        .collect()
}

/// The events of `agreed` whose trigger and arguments `id_of` finds in the curated layer,
/// and that `existing` lacks; their ids are 0 (the caller gives them ids).
pub fn events_to_add(
    agreed: &[EventKey],
    existing: &[Event],
    id_of: impl Fn(&Accepted) -> Option<u64>,
) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for (trigger, label, args) in agreed {
        let Some(trigger) = id_of(trigger) else {
            continue;
        };
        let args: Option<Vec<EventArg>> = args
            .iter()
            .map(|(role, key)| {
                Some(EventArg {
                    role: role.clone(),
                    to: id_of(key)?,
                })
            })
            .collect();
        let Some(args) = args else { continue };
        let same = |e: &Event| {
            e.trigger == trigger && &e.label == label && {
                let (mut a, mut b) = (e.args.clone(), args.clone());
                a.sort();
                b.sort();
                a == b
            }
        };
        if !existing.iter().any(same) && !out.iter().any(same) {
            out.push(Event {
                id: 0,
                label: label.clone(),
                trigger,
                args,
                attrs: Default::default(),
                note: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::test_support::layer;

    /// Spans: 1 = actor 0..3, 2 = event 4..7, 3 = actor 8..11 (ids by list order).
    fn with_event(who: &str, args: &[(&str, u64)]) -> Layer {
        let mut l = layer(who, &[(0, 3, "actor"), (4, 7, "event"), (8, 11, "actor")]);
        l.events = vec![Event {
            id: 50,
            label: "meet".into(),
            trigger: 2,
            args: args
                .iter()
                .map(|&(role, to)| EventArg {
                    role: role.into(),
                    to,
                })
                .collect(),
            attrs: Default::default(),
            note: None,
        }];
        l
    }

    #[test]
    fn an_event_enough_annotators_made_is_added_once_on_the_curated_spans() {
        // alice and bob: Agent 0..3, Partner 8..11 (bob in the other order); chen: Agent only.
        let layers = [
            with_event("alice", &[("Agent", 1), ("Partner", 3)]),
            with_event("bob", &[("Partner", 3), ("Agent", 1)]),
            with_event("chen", &[("Agent", 1)]),
        ];
        assert!(agreed_events(&layers, 3).is_empty());
        let agreed = agreed_events(&layers, 2);
        assert_eq!(agreed.len(), 1);
        let (trigger, label, args) = &agreed[0];
        assert_eq!(
            (trigger, label.as_str()),
            (&(4, 7, "event".to_owned()), "meet")
        );
        assert_eq!(args.len(), 2);
        // The curated layer holds the spans under other ids: 11, 12, 13.
        let id_of = |k: &Accepted| match k.0 {
            0 => Some(11),
            4 => Some(12),
            8 => Some(13),
            _ => None,
        };
        let added = events_to_add(&agreed, &[], id_of);
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].trigger, 12);
        let mut to: Vec<u64> = added[0].args.iter().map(|a| a.to).collect();
        to.sort_unstable();
        assert_eq!(to, [11, 13]);
        // Already there (arguments in another order): not added again.
        let mut there = added[0].clone();
        there.args.reverse();
        assert!(events_to_add(&agreed, &[there], id_of).is_empty());
        // A span the curated layer lacks: not added.
        assert!(events_to_add(&agreed, &[], |k: &Accepted| (k.0 != 8).then_some(1)).is_empty());
    }
}
