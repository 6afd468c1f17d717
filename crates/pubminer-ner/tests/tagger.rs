//! The dictionary tagger on a small hand-made lexicon: matching variants, case rules, the
//! stop list, overlaps, coordination, and abbreviation propagation. Snapshots show the
//! rendered documents (`^^^` under each mention).

use std::sync::Arc;

use pubminer_core::{Document, Passage, PassageKind, render::render};
use pubminer_lexicon::{Concept, EntityType, Lexicon, Synonym, SynonymKind};
use pubminer_ner::{DictionaryTagger, OverlapPolicy, StopList, TaggerConfig};

fn gene(id: &str, symbol: &str, aliases: &[&str]) -> Concept {
    let mut c = Concept::new(id, symbol, EntityType::Gene, "hgnc");
    c.synonyms.push(Synonym::new(symbol, SynonymKind::Symbol));
    for a in aliases {
        c.synonyms.push(Synonym::new(*a, SynonymKind::AliasSymbol));
    }
    c
}

fn named(id: &str, name: &str, t: EntityType, synonyms: &[&str]) -> Concept {
    let mut c = Concept::new(id, name, t, id.split(':').next().unwrap().to_lowercase());
    for s in synonyms {
        c.synonyms.push(Synonym::new(*s, SynonymKind::Exact));
    }
    c
}

fn lexicon() -> Arc<Lexicon> {
    let d = EntityType::Disease;
    let concepts = vec![
        {
            let mut c = gene("HGNC:11825", "NKX2-1", &["TTF-1", "TTF1"]);
            c.synonyms.push(Synonym::new(
                "thyroid transcription factor 1",
                SynonymKind::Exact,
            ));
            c
        },
        gene("HGNC:12397", "TTF1", &[]),
        gene("HGNC:6445", "KRT7", &["CK7"]),
        gene("HGNC:6342", "KIT", &["CD117", "c-kit"]),
        gene("HGNC:12731", "WAS", &[]),
        gene("HGNC:3467", "ESR1", &["ER"]),
        named(
            "MESH:D000077192",
            "Adenocarcinoma of Lung",
            d,
            &["lung adenocarcinoma"],
        ),
        named("MESH:D001943", "Breast Neoplasms", d, &["breast cancer"]),
        named("MESH:D010051", "Ovarian Neoplasms", d, &["ovarian cancer"]),
        named(
            "MESH:D046152",
            "Gastrointestinal Stromal Tumors",
            d,
            &["GIST"],
        ),
        named("MESH:D003424", "Crohn Disease", d, &["Crohn's disease"]),
        named("UBERON:0002048", "lung", EntityType::Anatomy, &[]),
        named("MESH:D002945", "Cisplatin", EntityType::Chemical, &[]),
        named(
            "MESH:D010919",
            "Placebos",
            EntityType::Chemical,
            &["placebo"],
        ),
    ];
    Arc::new(Lexicon::from_concepts(concepts).unwrap())
}

fn doc(title: &str, abstract_text: &str) -> Document {
    let mut d = Document::new("1");
    d.passages.push(Passage::new(PassageKind::Title, title));
    d.passages
        .push(Passage::new(PassageKind::Abstract, abstract_text));
    d
}

fn tag(config: TaggerConfig, title: &str, text: &str) -> Document {
    let tagger = DictionaryTagger::new(lexicon(), config);
    let mut d = doc(title, text);
    tagger.tag(&mut d);
    assert!(d.check_spans().is_empty(), "{:?}", d.check_spans());
    d
}

fn mentions(d: &Document) -> Vec<(String, String, String)> {
    d.mentions
        .iter()
        .map(|m| {
            (
                m.text.clone(),
                m.entity_type.clone(),
                m.links
                    .iter()
                    .map(|l| l.id.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
            )
        })
        .collect()
}

#[test]
fn spelling_variants_match_and_carry_ids() {
    let d = tag(
        TaggerConfig::default(),
        "CK-7 and CD 117 in lung adenocarcinomas",
        "Tumours were CK7-positive; CD117 (c-kit) was negative. Crohn's disease was excluded.",
    );
    insta::assert_snapshot!(render(&d));
    let m = mentions(&d);
    assert!(m.contains(&("CK-7".into(), "Gene".into(), "HGNC:6445".into())));
    assert!(m.contains(&("CD 117".into(), "Gene".into(), "HGNC:6342".into())));
    assert!(m.contains(&(
        "lung adenocarcinomas".into(),
        "Disease".into(),
        "MESH:D000077192".into()
    )));
    assert!(m.contains(&(
        "Crohn's disease".into(),
        "Disease".into(),
        "MESH:D003424".into()
    )));
    // `Longest` hides `lung` inside the tumour name.
    assert!(!m.iter().any(|(t, ..)| t == "lung"));
}

#[test]
fn case_rules_and_the_stop_list_keep_common_words_out() {
    let d = tag(
        TaggerConfig::default(),
        "A kit was used",
        "The WAS and KIT genes were sequenced. Kit staining. ER stress in the ER.",
    );
    let m = mentions(&d);
    assert!(!m.iter().any(|(t, ..)| t == "kit" || t == "Kit"), "{m:?}");
    // `WAS` is on the built-in stop list (a gene alias that is mostly the word); `KIT` in
    // capitals is the gene.
    assert!(!m.iter().any(|(t, ..)| t == "WAS" || t == "was"), "{m:?}");
    assert!(
        m.iter().any(|(t, ..)| t == "KIT"),
        "upper-case symbol: {m:?}"
    );
    // ER is stopped outside immunohistochemistry...
    assert!(!m.iter().any(|(t, ..)| t == "ER"), "{m:?}");
    // ...and kept inside it.
    let d = tag(
        TaggerConfig::default(),
        "Immunohistochemistry",
        "Tumours were ER positive.",
    );
    assert!(
        mentions(&d)
            .iter()
            .any(|(t, _, id)| t == "ER" && id == "HGNC:3467")
    );
    // Without the stop list, ER is a gene everywhere, and `placebo` a chemical.
    let config = TaggerConfig {
        stoplist: StopList::empty(),
        ..TaggerConfig::default()
    };
    let d = tag(config, "", "ER stress after placebo.");
    let m = mentions(&d);
    assert!(m.iter().any(|(t, ..)| t == "ER") && m.iter().any(|(t, ..)| t == "placebo"));
}

#[test]
fn overlap_policies() {
    let text = "Cisplatin in lung adenocarcinoma.";
    let types = |policy| {
        let d = tag(
            TaggerConfig {
                overlap: policy,
                ..TaggerConfig::default()
            },
            "",
            text,
        );
        mentions(&d)
            .into_iter()
            .map(|(t, ..)| t)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        types(OverlapPolicy::Longest),
        ["Cisplatin", "lung adenocarcinoma"]
    );
    assert_eq!(
        types(OverlapPolicy::LongestPerType),
        ["Cisplatin", "lung", "lung adenocarcinoma"]
    );
    let only_disease = TaggerConfig {
        types: Some(vec![EntityType::Disease]),
        ..TaggerConfig::default()
    };
    assert_eq!(
        mentions(&tag(only_disease, "", text)),
        [(
            "lung adenocarcinoma".to_owned(),
            "Disease".to_owned(),
            "MESH:D000077192".to_owned()
        )]
    );
}

#[test]
fn coordinated_names_become_one_composite_mention() {
    let d = tag(
        TaggerConfig::default(),
        "",
        "Carriers of breast and ovarian cancer genes.",
    );
    let m = &d.mentions[0];
    assert_eq!(m.text, "breast and ovarian cancer");
    assert_eq!(m.composite.as_deref(), Some("breast cancer|ovarian cancer"));
    let ids: Vec<&str> = m.links.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["MESH:D001943", "MESH:D010051"]);
}

#[test]
fn abbreviations_propagate_their_long_form_concept() {
    let d = tag(
        TaggerConfig::default(),
        "Gastrointestinal stromal tumours (GISTs) are KIT-positive",
        "We stained 40 GISTs; all GISTs were positive.",
    );
    insta::assert_snapshot!(render(&d));
    let gists: Vec<_> = d.mentions.iter().filter(|m| m.text == "GISTs").collect();
    assert_eq!(gists.len(), 3);
    assert!(gists.iter().all(|m| m.links[0].id == "MESH:D046152"));
    assert!(
        gists
            .iter()
            .all(|m| m.long_form.as_deref() == Some("Gastrointestinal stromal tumours"))
    );
    assert_eq!(d.abbreviations.len(), 1);
}

#[test]
fn ambiguous_symbols_follow_spelling_and_definitions() {
    // TTF-1 is NKX2-1's alias; TTF1 is the symbol of another gene.
    let d = tag(TaggerConfig::default(), "", "TTF-1 and TTF1 were studied.");
    let ids: Vec<_> = mentions(&d).into_iter().map(|(t, _, id)| (t, id)).collect();
    assert_eq!(
        ids,
        [
            ("TTF-1".to_owned(), "HGNC:11825".to_owned()),
            ("TTF1".to_owned(), "HGNC:12397".to_owned())
        ]
    );
    // A definition wins over spelling for every later use of the short form.
    let d = tag(
        TaggerConfig::default(),
        "",
        "Thyroid transcription factor-1 (TTF1) was positive; TTF1 staining was diffuse.",
    );
    let ttf: Vec<_> = d.mentions.iter().filter(|m| m.text == "TTF1").collect();
    assert_eq!(ttf.len(), 2);
    assert!(ttf.iter().all(|m| m.links[0].id == "HGNC:11825"), "{ttf:?}");
    assert!(
        ttf.iter()
            .all(|m| m.long_form.as_deref() == Some("Thyroid transcription factor-1"))
    );
}

#[test]
fn a_short_form_defined_as_something_else_is_not_tagged() {
    let config = TaggerConfig {
        stoplist: StopList::empty(),
        ..TaggerConfig::default()
    };
    let d = tag(
        config,
        "",
        "Endoplasmic reticulum (ER) stress rose. ER stress was measured.",
    );
    assert!(
        !d.mentions.iter().any(|m| m.text == "ER"),
        "{:?}",
        mentions(&d)
    );
}

#[test]
fn empty_and_odd_text_never_panics() {
    for text in [
        "", " ", "(((", "-", "α", "CK7-", "-CK7", "a/b/c//d", "’s", "Crohn's",
    ] {
        let _ = tag(TaggerConfig::default(), text, text);
    }
}
