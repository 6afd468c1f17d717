//! Where each sentence's markers, tumours and counts lie, computed once per document for the
//! `between` features.

use crate::candidates::AnchorKind;
use crate::extract::Analysis;

/// Where a sentence's markers, tumours and counts are (bytes relative to the sentence).
#[derive(Default)]
pub(super) struct Layout {
    pub(super) markers: Vec<(usize, usize)>,
    pub(super) tumours: Vec<(usize, usize)>,
    pub(super) counts: Vec<(usize, usize)>,
}

pub(super) fn layout(analysis: &Analysis) -> Vec<Layout> {
    let sentences = &analysis.context.sentences;
    let mut out: Vec<Layout> = sentences.iter().map(|_| Layout::default()).collect();
    let find = |passage: usize, start: usize, end: usize| {
        sentences
            .iter()
            .position(|s| s.passage == passage && start >= s.start && end <= s.end)
    };
    for m in &analysis.mentions.markers {
        if let Some(i) = find(m.passage, m.start, m.end) {
            out[i]
                .markers
                .push((m.start - sentences[i].start, m.end - sentences[i].start));
        }
    }
    for t in &analysis.mentions.tumours {
        if let Some(i) = find(t.passage, t.start, t.end) {
            out[i]
                .tumours
                .push((t.start - sentences[i].start, t.end - sentences[i].start));
        }
    }
    for a in &analysis.candidates.anchors {
        if a.kind == AnchorKind::Count {
            out[a.sentence].counts.push((a.start, a.end));
        }
    }
    out
}
