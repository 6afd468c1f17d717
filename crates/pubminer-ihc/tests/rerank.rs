//! The reranker's features on a real analysis: each candidate's margin is over its best rival
//! in its group, and a candidate without rivals is flagged alone.

mod common;

use common::{doc, lexicon};
use pubminer_ihc::extract::Extractor;
use pubminer_ihc::rerank::{RERANK_FEATURES, RerankFeature as F, rows};

#[test]
fn margins_are_over_the_best_rival_of_each_group() {
    let a = Extractor::new(lexicon()).analyse(&doc(
        "Immunohistochemistry of lung adenocarcinoma",
        "CD56 (12/30) and CDX2 (3/30) were expressed in lung adenocarcinomas. CD56 was \
         positive in 5 of 8 small cell carcinomas.",
    ));
    let cands = &a.candidates.candidates;
    assert!(cands.len() >= 4, "{} candidates", cands.len());
    // Distinct scores, not in candidate order.
    let scores: Vec<f32> = (0..cands.len())
        .map(|i| ((i * 7 + 3) % cands.len()) as f32 / cands.len() as f32)
        .collect();
    let r = rows(&a, &scores);
    assert_eq!(r.len(), cands.len() * RERANK_FEATURES);
    let row = |i: usize| &r[i * RERANK_FEATURES..(i + 1) * RERANK_FEATURES];
    let best = scores.iter().copied().fold(0f32, f32::max);
    for (i, c) in cands.iter().enumerate() {
        let key = a.mentions.markers[c.marker].key();
        let rivals: Vec<f32> = cands
            .iter()
            .enumerate()
            .filter(|&(j, d)| {
                j != i && d.anchor == c.anchor && a.mentions.markers[d.marker].key() == key
            })
            .map(|(j, _)| scores[j])
            .collect();
        let v = row(i);
        assert_eq!(v[F::Score as usize], scores[i]);
        assert_eq!(v[F::DocumentBest as usize], best);
        match rivals.iter().copied().reduce(f32::max) {
            Some(top) => {
                assert_eq!(v[F::AloneAnchorMarker as usize], 0.0);
                assert!((v[F::MarginAnchorMarker as usize] - (scores[i] - top)).abs() < 1e-6);
            }
            None => {
                assert_eq!(v[F::AloneAnchorMarker as usize], 1.0);
                assert_eq!(v[F::MarginAnchorMarker as usize], scores[i]);
            }
        }
        // The same anchor: the other markers' and tumours' candidates of the figure.
        let anchor_rivals = cands
            .iter()
            .enumerate()
            .filter(|&(j, d)| j != i && d.anchor == c.anchor)
            .map(|(j, _)| scores[j])
            .reduce(f32::max);
        if let Some(top) = anchor_rivals {
            assert!((v[F::MarginAnchor as usize] - (scores[i] - top)).abs() < 1e-6);
        }
    }
}
