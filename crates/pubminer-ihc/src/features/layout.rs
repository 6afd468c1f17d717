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
    let context = &analysis.context;
    for (i, s) in sentences.iter().enumerate() {
        for &m in &context.sentence_markers[i] {
            let m = &analysis.mentions.markers[m];
            out[i].markers.push((m.start - s.start, m.end - s.start));
        }
        for &t in &context.sentence_tumours[i] {
            let t = &analysis.mentions.tumours[t];
            out[i].tumours.push((t.start - s.start, t.end - s.start));
        }
    }
    for a in &analysis.candidates.anchors {
        if a.kind == AnchorKind::Count {
            out[a.sentence].counts.push((a.start, a.end));
        }
    }
    for l in &mut out {
        l.counts.sort_unstable();
    }
    out
}

impl Layout {
    /// The place of the count at `span` in its run (the sentence's counts with no tumour
    /// named between one and the next), and the run's length.
    pub(super) fn run_of(&self, span: (usize, usize)) -> Option<(usize, usize)> {
        let counts = &self.counts;
        let k = counts.iter().position(|&c| c == span)?;
        let joined = |a: (usize, usize), b: (usize, usize)| {
            !self.tumours.iter().any(|&(s, e)| s >= a.1 && e <= b.0)
        };
        let mut first = k;
        while first > 0 && joined(counts[first - 1], counts[first]) {
            first -= 1;
        }
        let mut last = k;
        while last + 1 < counts.len() && joined(counts[last], counts[last + 1]) {
            last += 1;
        }
        Some((k - first, last - first + 1))
    }
}
