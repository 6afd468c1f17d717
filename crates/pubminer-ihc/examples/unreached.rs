//! Development aid: for each gold profile no candidate reaches, prints its evidence and what
//! the extractor read (markers, tumours, candidate numbers) so misses can be read by class.
//!
//! `cargo run --release -p pubminer-ihc --example unreached -- LEXICON GOLD... [CLASS|dump|docdump|reachable|cv]`

use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lexicon = pubminer_lexicon::Lexicon::open(std::path::Path::new(&args[0])).expect("lexicon");
    let extractor = pubminer_ihc::Extractor::new(Arc::new(lexicon));
    let class = args.last().filter(|a| !a.ends_with(".jsonl")).cloned();
    let mut gold = Vec::new();
    for path in args[1..].iter().filter(|a| a.ends_with(".jsonl")) {
        for line in std::fs::read_to_string(path).expect("gold").lines() {
            gold.push(
                serde_json::from_str::<pubminer_ihc::eval::GoldRecord>(line).expect("record"),
            );
        }
    }
    let examples = pubminer_ihc::train::examples(&extractor, &gold, &Default::default());
    if let Ok(needle) = std::env::var("TRACE_SENTENCE") {
        for e in &examples {
            let a = &e.analysis;
            for c in &a.candidates.candidates {
                let anchor = &a.candidates.anchors[c.anchor];
                let s = &a.context.sentences[anchor.sentence];
                if !a.texts[s.passage][s.start..s.end].contains(&needle) {
                    continue;
                }
                let p = a.profile(c);
                println!(
                    "{:?} {} | {} | {:?}/{:?} {:?} {:?} pick={}",
                    anchor.kind,
                    p.marker,
                    p.tumour_type,
                    p.positive,
                    p.total,
                    c.how,
                    c.total_from,
                    c.rule_pick
                );
            }
        }
        return;
    }
    if class.as_deref() == Some("dump") {
        use std::io::Write as _;
        let mut out =
            std::io::BufWriter::new(std::fs::File::create("/tmp/ihc_rows.csv").expect("dump"));
        let names: Vec<&str> = pubminer_ihc::features::Feature::ALL
            .iter()
            .map(|f| f.name())
            .collect();
        writeln!(
            out,
            "doc,include,anchor,label,gold,ngold,marker,tumour,{}",
            names.join(",")
        )
        .unwrap();
        let markers = pubminer_ihc::markers::MarkerLexicon::builtin();
        let mut keys = pubminer_text::normalize::KeyBuilder::new();
        for (d, e) in examples.iter().enumerate() {
            let gold = if e.gold.include() {
                e.gold.profiles.as_slice()
            } else {
                &[]
            };
            for (i, row) in e.rows.chunks_exact(names.len()).enumerate() {
                let c = &e.analysis.candidates.candidates[i];
                let p = e.analysis.profile(c);
                let g = gold
                    .iter()
                    .position(|gp| pubminer_ihc::eval::profile_matches(&markers, &mut keys, gp, &p))
                    .map_or(-1, |g| g as i64);
                let vals: Vec<String> = row.iter().map(|v| format!("{v}")).collect();
                writeln!(
                    out,
                    "{d},{},{},{},{g},{},{},{},{}",
                    u8::from(e.gold.include()),
                    c.anchor,
                    u8::from(e.labels[i]),
                    gold.len(),
                    e.analysis.mentions.markers[c.marker]
                        .key()
                        .replace(',', ";"),
                    e.analysis.tumour_group(c.tumour),
                    vals.join(",")
                )
                .unwrap();
            }
        }
        return;
    }
    if class.as_deref() == Some("docdump") {
        doc_dump(&extractor, &examples);
        return;
    }
    if class.as_deref() == Some("cv") {
        // Held-out records of a 5-fold cross-validation, one JSON line each, for reading the
        // trained engine's errors document by document.
        let report =
            pubminer_ihc::train::cross_validate(&extractor, &examples, 5, &Default::default())
                .expect("cross-validation");
        for r in &report.records {
            println!("{}", serde_json::to_string(r).expect("record"));
        }
        return;
    }
    if class.as_deref() == Some("reachable") {
        reachable(&extractor, &examples);
        return;
    }
    for e in &examples {
        for (c, text) in &e.unreached {
            if class.as_deref().is_some_and(|k| !c.as_str().starts_with(k)) {
                continue;
            }
            let gp = e
                .gold
                .profiles
                .iter()
                .find(|p| text.contains(&format!("{} / {}", p.marker, p.tumour_type)))
                .expect("gold profile");
            println!("== [{}] {text}\n   evidence: {}", c.as_str(), gp.evidence);
            let a = &e.analysis;
            println!(
                "   markers: {:?}",
                a.mentions
                    .markers
                    .iter()
                    .map(|m| m.text.as_str())
                    .collect::<Vec<_>>()
            );
            println!(
                "   tumours: {:?}",
                a.mentions
                    .tumours
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
            );
            let nums: std::collections::BTreeSet<String> = a
                .candidates
                .candidates
                .iter()
                .map(|c| format!("{:?}/{:?}", c.positive, c.total))
                .collect();
            println!(
                "   numbers: {}",
                nums.into_iter().collect::<Vec<_>>().join(" ")
            );
        }
    }
}

/// For held-out documents (fold 0 of 5): each reachable gold profile the trained engine
/// missed, with the best candidates of the anchor that could have given it.
pub fn reachable(extractor: &pubminer_ihc::Extractor, examples: &[pubminer_ihc::train::Example]) {
    use pubminer_ihc::train;
    let ids: Vec<(&str, bool)> = examples
        .iter()
        .map(|e| (e.gold.id.as_str(), e.gold.include()))
        .collect();
    let folds = train::folds(&ids, 5, 13);
    let settings = train::TrainSettings::default();
    let train_set: Vec<&train::Example> = examples
        .iter()
        .zip(&folds)
        .filter(|(_, f)| **f != 0)
        .map(|(e, _)| e)
        .collect();
    let model = train::train(extractor, &train_set, &settings, Vec::new()).expect("train");
    let markers = pubminer_ihc::markers::MarkerLexicon::builtin();
    let mut keys = pubminer_text::normalize::KeyBuilder::new();
    for (e, _) in examples.iter().zip(&folds).filter(|(_, f)| **f == 0) {
        if !e.gold.include() {
            continue;
        }
        let a = &e.analysis;
        let scores = model.scores(a);
        let selected = pubminer_ihc::select::trained(a, &scores, model.threshold);
        let chosen: Vec<usize> = selected.iter().map(|(i, _)| *i).collect();
        if std::env::var_os("FALSE_POSITIVES").is_some() {
            for &i in &chosen {
                let p = a.profile(&a.candidates.candidates[i]);
                if e.gold
                    .profiles
                    .iter()
                    .any(|gp| pubminer_ihc::eval::profile_matches(&markers, &mut keys, gp, &p))
                {
                    continue;
                }
                let c = &a.candidates.candidates[i];
                println!(
                    "-- {} FP {:.2} {} | {} | {:?}/{:?} {:?} {:?}",
                    e.gold.id,
                    scores[i],
                    p.marker,
                    p.tumour_type,
                    p.positive,
                    p.total,
                    c.how,
                    c.total_from
                );
                println!("   evidence: {}", p.evidence);
                let gold: Vec<String> = e
                    .gold
                    .profiles
                    .iter()
                    .map(|g| {
                        format!(
                            "{} | {} | {:?}/{:?}",
                            g.marker, g.tumour_type, g.positive, g.total
                        )
                    })
                    .collect();
                println!("   gold: {}", gold.join(" ;; "));
            }
            continue;
        }
        let profiles: Vec<_> = a
            .candidates
            .candidates
            .iter()
            .map(|c| a.profile(c))
            .collect();
        for gp in &e.gold.profiles {
            let hits: Vec<usize> = (0..profiles.len())
                .filter(|&i| {
                    pubminer_ihc::eval::profile_matches(&markers, &mut keys, gp, &profiles[i])
                })
                .collect();
            if hits.is_empty() || hits.iter().any(|i| chosen.contains(i)) {
                continue;
            }
            let best = *hits
                .iter()
                .max_by(|&&x, &&y| scores[x].total_cmp(&scores[y]))
                .unwrap();
            let anchor = a.candidates.candidates[best].anchor;
            println!(
                "== {}: {} / {} {:?}/{:?}  (best matching candidate {:.2}, threshold {:.2})",
                e.gold.id,
                gp.marker,
                gp.tumour_type,
                gp.positive,
                gp.total,
                scores[best],
                model.threshold
            );
            println!("   evidence: {}", profiles[best].evidence);
            let mut same: Vec<usize> = (0..profiles.len())
                .filter(|&i| a.candidates.candidates[i].anchor == anchor)
                .collect();
            same.sort_by(|&x, &y| scores[y].total_cmp(&scores[x]));
            for i in same.into_iter().take(5) {
                let p = &profiles[i];
                let c = &a.candidates.candidates[i];
                println!(
                    "   {} {:.2} {} | {} | {:?}/{:?} {:?} {:?}{}",
                    if chosen.contains(&i) {
                        "*"
                    } else if hits.contains(&i) {
                        "G"
                    } else {
                        " "
                    },
                    scores[i],
                    p.marker,
                    p.tumour_type,
                    p.positive,
                    p.total,
                    c.how,
                    c.total_from,
                    if c.rule_pick { " rule" } else { "" }
                );
            }
        }
    }
}

/// The classifier's rows of a 5-fold cross-validation (`/tmp/ihc_doc_rows.csv`): for each
/// outer fold, its training documents' rows (from inner held-out scores, as training computes
/// them) and its held-out documents' rows (from the fold's model), to compare learners.
fn doc_dump(extractor: &pubminer_ihc::Extractor, examples: &[pubminer_ihc::train::Example]) {
    use std::io::Write as _;
    let settings = pubminer_ihc::train::TrainSettings::default();
    let mut out =
        std::io::BufWriter::new(std::fs::File::create("/tmp/ihc_doc_rows.csv").expect("dump"));
    let names: Vec<&str> = pubminer_ihc::classify::DocFeature::ALL
        .iter()
        .map(|f| f.name())
        .collect();
    writeln!(out, "fold,split,doc,include,screened,{}", names.join(",")).unwrap();
    let ids: Vec<(&str, bool)> = examples
        .iter()
        .map(|e| (e.gold.id.as_str(), e.gold.include()))
        .collect();
    let fold = pubminer_ihc::train::folds(&ids, 5, settings.seed);
    let line = |row: &[f32]| {
        row.iter()
            .map(|v| format!("{v}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    for f in 0..5 {
        let train: Vec<&pubminer_ihc::train::Example> = examples
            .iter()
            .zip(&fold)
            .filter(|(_, x)| **x != f)
            .map(|(e, _)| e)
            .collect();
        let rows = pubminer_ihc::train::held_out(extractor, &train, &settings)
            .expect("rows")
            .documents;
        for (e, row) in train.iter().zip(rows.values.chunks_exact(names.len())) {
            writeln!(
                out,
                "{f},train,{},{},0,{}",
                e.gold.id,
                u8::from(e.gold.include()),
                line(row)
            )
            .unwrap();
        }
        let model =
            pubminer_ihc::train::train(extractor, &train, &settings, Vec::new()).expect("model");
        for (e, _) in examples.iter().zip(&fold).filter(|(_, x)| **x == f) {
            let screened = pubminer_ihc::pipeline::screen(&e.doc, true).is_some();
            let row = model.document_features(&e.doc, extractor, &e.analysis);
            writeln!(
                out,
                "{f},test,{},{},{},{}",
                e.gold.id,
                u8::from(e.gold.include()),
                u8::from(screened),
                line(&row)
            )
            .unwrap();
        }
    }
}
