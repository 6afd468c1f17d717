//! Phase 5b: the second look. The scorer judges each candidate alone; whether a candidate is
//! a profile also depends on its rivals: another reading of the same figure for the same
//! marker, another figure for the same marker and tumour, another marker for the same figure.
//! The reranker is a logistic model over the scorer's probability and the candidate's margin
//! over its best rival in each of those groups, trained on held-out scores (a scorer fitted
//! without the document), so that it learns how the scorer's rankings hold on unseen text.

use std::collections::HashMap;

use crate::extract::Analysis;

named_enum! {
    /// One feature of a candidate for the reranker.
    RerankFeature, "rerank feature" {
    /// The scorer's probability.
    Score = "score",
    /// The probability minus the best rival's among the candidates of the same anchor and
    /// marker (the other readings of the figure for the marker); the probability when alone.
    MarginAnchorMarker = "margin-anchor-marker",
    /// No other candidate has the same anchor and marker.
    AloneAnchorMarker = "alone-anchor-marker",
    /// The margin among the candidates of the same marker and tumour type (other figures for
    /// the pair).
    MarginMarkerTumour = "margin-marker-tumour",
    /// No other candidate has the same marker and tumour type.
    AloneMarkerTumour = "alone-marker-tumour",
    /// The margin among the candidates of the same anchor (other markers and tumours for the
    /// figure).
    MarginAnchor = "margin-anchor",
    /// No other candidate has the same anchor.
    AloneAnchor = "alone-anchor",
    /// The margin among the candidates of the same marker in the document.
    MarginMarker = "margin-marker",
    /// No other candidate has the same marker.
    AloneMarker = "alone-marker",
    /// The best probability of the document.
    DocumentBest = "document-best",
    }
}

/// Number of reranker features.
pub const RERANK_FEATURES: usize = RerankFeature::ALL.len();

/// The best two probabilities of a group, with the index of the best.
#[derive(Clone, Copy)]
struct Top2 {
    best: (f32, usize),
    second: Option<f32>,
}

impl Top2 {
    fn new(p: f32, i: usize) -> Self {
        Self {
            best: (p, i),
            second: None,
        }
    }

    fn add(&mut self, p: f32, i: usize) {
        if p > self.best.0 {
            self.second = Some(self.best.0);
            self.best = (p, i);
        } else {
            self.second = Some(self.second.map_or(p, |s| s.max(p)));
        }
    }

    /// `p` (of candidate `i`) minus the best other probability, or `None` alone.
    fn margin(&self, p: f32, i: usize) -> Option<f32> {
        if self.best.1 == i {
            self.second.map(|s| p - s)
        } else {
            Some(p - self.best.0)
        }
    }
}

fn tops<'k, K: std::hash::Hash + Eq>(keys: &'k [K], scores: &[f32]) -> HashMap<&'k K, Top2> {
    let mut out: HashMap<&K, Top2> = HashMap::with_capacity(keys.len());
    for (i, (k, &p)) in keys.iter().zip(scores).enumerate() {
        out.entry(k)
            .and_modify(|t| t.add(p, i))
            .or_insert_with(|| Top2::new(p, i));
    }
    out
}

/// The reranker's rows (row-major, [`RERANK_FEATURES`] per candidate) given the scorer's
/// probabilities of `analysis`'s candidates.
#[must_use]
pub fn rows(analysis: &Analysis, scores: &[f32]) -> Vec<f32> {
    use RerankFeature as F;
    let cands = &analysis.candidates.candidates;
    // Marker mentions by name: two mentions of `CK7` are one marker.
    let mut marker_ids: HashMap<String, usize> = HashMap::new();
    let marker_group: Vec<usize> = analysis
        .mentions
        .markers
        .iter()
        .map(|m| {
            let n = marker_ids.len();
            *marker_ids.entry(m.key()).or_insert(n)
        })
        .collect();
    let anchor_marker: Vec<(usize, usize)> = cands
        .iter()
        .map(|c| (c.anchor, marker_group[c.marker]))
        .collect();
    let marker_tumour: Vec<(usize, usize)> = cands
        .iter()
        .map(|c| (marker_group[c.marker], analysis.tumour_group(c.tumour)))
        .collect();
    let anchor: Vec<usize> = cands.iter().map(|c| c.anchor).collect();
    let marker: Vec<usize> = cands.iter().map(|c| marker_group[c.marker]).collect();
    let (t_am, t_mt, t_a, t_m) = (
        tops(&anchor_marker, scores),
        tops(&marker_tumour, scores),
        tops(&anchor, scores),
        tops(&marker, scores),
    );
    let best = scores.iter().copied().fold(0f32, f32::max);
    let mut out = vec![0f32; cands.len() * RERANK_FEATURES];
    for (i, row) in out.chunks_exact_mut(RERANK_FEATURES).enumerate() {
        let p = scores[i];
        row[F::Score as usize] = p;
        row[F::DocumentBest as usize] = best;
        for (margin, alone, top) in [
            (
                F::MarginAnchorMarker,
                F::AloneAnchorMarker,
                t_am[&anchor_marker[i]],
            ),
            (
                F::MarginMarkerTumour,
                F::AloneMarkerTumour,
                t_mt[&marker_tumour[i]],
            ),
            (F::MarginAnchor, F::AloneAnchor, t_a[&anchor[i]]),
            (F::MarginMarker, F::AloneMarker, t_m[&marker[i]]),
        ] {
            match top.margin(p, i) {
                Some(m) => row[margin as usize] = m,
                None => {
                    row[margin as usize] = p;
                    row[alone as usize] = 1.0;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_margin_is_over_the_best_rival() {
        let keys = [0, 0, 0, 1];
        let scores = [0.9, 0.6, 0.2, 0.4];
        let t = tops(&keys, &scores);
        let g = t[&0];
        assert!((g.margin(0.9, 0).unwrap() - 0.3).abs() < 1e-6);
        assert!((g.margin(0.6, 1).unwrap() + 0.3).abs() < 1e-6);
        assert!((g.margin(0.2, 2).unwrap() + 0.7).abs() < 1e-6);
        assert_eq!(t[&1].margin(0.4, 3), None);
        // A tie: the first is the best, its margin 0; the other's 0 too.
        let t = tops(&[5, 5], &[0.5, 0.5]);
        assert_eq!(t[&5].margin(0.5, 0), Some(0.0));
        assert_eq!(t[&5].margin(0.5, 1), Some(0.0));
    }
}
