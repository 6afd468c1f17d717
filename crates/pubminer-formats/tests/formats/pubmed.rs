//! PubMed XML on hand-written fixtures.

use pubminer_core::{PassageKind, render::render};
use pubminer_formats::ReadOptions;

use crate::common::{assert_spans_ok, read};

#[test]
fn articles_fixture_every_construct() {
    let (docs, errors) = read("pubmed/articles.xml", &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_spans_ok(&docs);
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "90000001", "90000002", "90000003", "80000001", "80000002", "80000003"
        ]
    );

    let d = &docs[0];
    let m = &d.meta;
    assert_eq!(m.pmid.as_deref(), Some("90000001"));
    assert_eq!(m.pmid_version, Some(2));
    assert_eq!(m.record_type.as_deref(), Some("PubmedArticle"));
    assert_eq!(m.citation_status.as_deref(), Some("MEDLINE"));
    assert_eq!(m.publication_status.as_deref(), Some("ppublish"));
    // The article's own ids, never those of the cited paper or the ELocationID when the
    // ArticleIdList has a DOI.
    assert_eq!(m.doi.as_deref(), Some("10.9999/fixture.1"));
    assert_eq!(m.pmcid.as_deref(), Some("PMC0000001"));
    assert_eq!(m.other_ids.len(), 1);
    assert_eq!(m.other_ids[0].kind, "pii");
    // MedlineDate: the year is the first one.
    assert_eq!(m.year, Some(1998));
    assert_eq!(
        m.pub_date.as_ref().unwrap().medline_date.as_deref(),
        Some("1998 Dec-1999 Jan")
    );
    let j = m.journal.as_ref().unwrap();
    assert_eq!(j.title.as_deref(), Some("Journal of Hand-Written Fixtures"));
    assert_eq!(j.iso_abbreviation.as_deref(), Some("J Fixtures"));
    assert_eq!(j.issn.as_deref(), Some("0000-0001"));
    assert_eq!(
        (j.volume.as_deref(), j.issue.as_deref(), j.pages.as_deref()),
        (Some("12"), Some("3"), Some("101-9"))
    );
    assert_eq!(m.languages, ["eng"]);
    let types: Vec<(&str, &str)> = m
        .publication_types
        .iter()
        .map(|p| (p.ui.as_deref().unwrap(), p.name.as_str()))
        .collect();
    assert_eq!(
        types,
        [("D016428", "Journal Article"), ("D002363", "Case Reports")]
    );
    assert_eq!(m.mesh_headings.len(), 2);
    assert_eq!(m.mesh_headings[0].ui.as_deref(), Some("D000077192"));
    assert!(m.mesh_headings[0].major);
    assert_eq!(m.mesh_headings[0].qualifiers[0].name, "pathology");
    assert_eq!(m.keywords.len(), 2);
    assert_eq!(m.keywords[1].text, "NKX2-1");
    assert!(m.keywords[1].major);
    assert_eq!(m.keywords[1].owner.as_deref(), Some("NOTNLM"));
    assert_eq!(m.authors.len(), 2);
    assert_eq!(m.authors[0].last_name.as_deref(), Some("Müller"));
    assert_eq!(
        m.authors[1].collective_name.as_deref(),
        Some("The Fixture Study Group")
    );
    assert!(m.is_retracted());
    assert_eq!(m.comments_corrections.len(), 2);
    assert_eq!(m.comments_corrections[0].pmid.as_deref(), Some("90000099"));

    let kinds: Vec<&PassageKind> = d.passages.iter().map(|p| &p.kind).collect();
    assert_eq!(
        kinds,
        [
            &PassageKind::Title,
            &PassageKind::VernacularTitle,
            &PassageKind::Abstract,
            &PassageKind::Abstract,
            &PassageKind::OtherAbstract
        ]
    );
    // Inline markup flattened, the quote entity inside <i> kept.
    assert_eq!(
        d.passages[0].text(),
        "The \"TTF-1\" story in lung adenocarcinoma: H2O and CO2."
    );
    assert_eq!(d.passages[2].label.as_deref(), Some("BACKGROUND"));
    assert_eq!(d.passages[2].nlm_category.as_deref(), Some("BACKGROUND"));
    // Character references including a non-BMP one.
    assert!(
        d.passages[2]
            .text()
            .contains("α-actin and β-catenin and 𝛼-units were also tested, at 10-3 M.")
    );
    // MathML flattened without truncating what follows.
    assert_eq!(
        d.passages[3].text(),
        "The ratio x=12 held; the text after the formula is kept in full to the very end."
    );
    assert!(!d.passages.iter().any(|p| p.text().contains("Copyright")));
    assert_eq!(d.passages[4].language.as_deref(), Some("por"));
    assert_eq!(d.passages[4].infons["type"], "Publisher");

    let d2 = &docs[1];
    assert_eq!(
        d2.meta.doi.as_deref(),
        Some("10.9999/fixture.2"),
        "ELocationID DOI as fallback"
    );
    assert_eq!(d2.meta.year, Some(2020));
    assert_eq!(d2.meta.languages, ["fre", "eng"]);
    assert_eq!(
        d2.passages[1].text(),
        "An unstructured abstract with a CDATA section: a < b & c and <tags> escaped."
    );
    assert!(d2.meta.has_publication_type("D016454"));

    let d3 = &docs[2];
    assert_eq!(d3.meta.year, Some(2001));
    assert_eq!(
        d3.meta.pub_date.as_ref().unwrap().season.as_deref(),
        Some("Spring")
    );
    assert_eq!(
        d3.passages[0].text(),
        "",
        "empty ArticleTitle is an empty title"
    );
    assert!(!d3.has_abstract());

    for (d, version) in docs[3..].iter().zip([1, 1, 3]) {
        assert!(d.deleted);
        assert!(d.passages.is_empty());
        assert_eq!(d.meta.pmid_version, Some(version));
    }
}

#[test]
fn articles_fixture_snapshot() {
    let (docs, _) = read("pubmed/articles.xml", &ReadOptions::default());
    let rendered: Vec<String> = docs.iter().map(render).collect();
    insta::assert_snapshot!("pubmed_articles", rendered.join("\n"));
}

#[test]
fn book_article() {
    let (docs, errors) = read("pubmed/book.xml", &ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 1);
    let d = &docs[0];
    assert_eq!(d.id, "90000010");
    assert_eq!(d.meta.record_type.as_deref(), Some("PubmedBookArticle"));
    assert_eq!(d.passages[0].text(), "A Chapter on NKX2-1");
    assert_eq!(
        d.meta.journal.as_ref().unwrap().title.as_deref(),
        Some("Fixture Reviews")
    );
    assert_eq!(d.meta.year, Some(1993));
    assert_eq!(d.meta.publication_types[0].ui.as_deref(), Some("D016454"));
    assert_eq!(d.meta.other_ids[0].value, "NBK000010");
    // Only the chapter's authors, not the book's editors.
    assert_eq!(d.meta.authors.len(), 1);
    assert_eq!(d.meta.authors[0].last_name.as_deref(), Some("Writer"));
    let sections: Vec<&str> = d
        .abstract_passages()
        .map(|p| p.label.as_deref().unwrap())
        .collect();
    assert_eq!(sections, ["CLINICAL CHARACTERISTICS", "MANAGEMENT"]);
}

#[test]
fn gzip_is_transparent() {
    use std::io::Write;
    let plain = std::fs::read(crate::common::fixture("pubmed/articles.xml")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let (docs, errors) = crate::common::read_bytes(
        "articles.xml.gz",
        gz.finish().unwrap(),
        &ReadOptions::default(),
    );
    assert!(errors.is_empty());
    let (plain_docs, _) = read("pubmed/articles.xml", &ReadOptions::default());
    assert_eq!(docs, plain_docs);
}
