//! A plain-text rendering of an annotated document, for reviews and snapshot tests.
//!
//! Each passage is printed line by line; under each line, every mention that starts on it
//! is marked with `^^^` and described with its type, concept, origin and score:
//!
//! ```text
//! [title] Lidocaine-induced cardiac asystole.
//!         ^^^^^^^^^ Chemical D008012 (gold)
//! ```

use std::fmt::Write as _;

use crate::document::{Document, Mention};

/// Renders `doc` as annotated text (see the module docs).
#[must_use]
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {}{}",
        doc.id,
        if doc.deleted { " (deleted)" } else { "" }
    );
    for label in &doc.labels {
        let _ = writeln!(
            out,
            "label {}={} ({}{}){}",
            label.task,
            label.value,
            label.origin,
            score_suffix(label.score),
            label
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
    }
    for (p_index, passage) in doc.passages.iter().enumerate() {
        let mut header = format!("[{}", passage.kind);
        if let Some(label) = &passage.label {
            let _ = write!(header, " {label}");
        }
        if let Some(lang) = &passage.language {
            let _ = write!(header, " lang={lang}");
        }
        header.push_str("] ");
        let indent = " ".repeat(header.chars().count());
        let mut mentions: Vec<&Mention> = doc
            .mentions
            .iter()
            .filter(|m| m.passage as usize == p_index)
            .collect();
        mentions.sort_by_key(|m| (m.range.start(), std::cmp::Reverse(m.range.end())));
        let text = passage.text();
        let mut line_start = 0usize;
        let mut first = true;
        for line in text.split('\n') {
            let line_end = line_start + line.len();
            let _ = writeln!(out, "{}{line}", if first { &header } else { &indent });
            first = false;
            for m in mentions.iter().filter(|m| {
                let s = m.range.start() as usize;
                s >= line_start && (s < line_end || (s == line_end && m.range.is_empty()))
            }) {
                let start = m.range.start() as usize;
                let end = (m.range.end() as usize).min(line_end);
                let pad = text.get(line_start..start).map_or(0, |s| s.chars().count());
                let width = text.get(start..end).map_or(1, |s| s.chars().count().max(1));
                let _ = writeln!(
                    out,
                    "{indent}{}{} {}",
                    " ".repeat(pad),
                    "^".repeat(width),
                    describe(m)
                );
            }
            line_start = line_end + 1;
        }
    }
    for r in &doc.relations {
        let args: Vec<String> = r
            .arguments
            .iter()
            .map(|a| match &a.target {
                crate::ArgumentTarget::Concept(c) => format!("{}={c}", a.role),
                crate::ArgumentTarget::Ref(id) => format!("{}=#{id}", a.role),
            })
            .collect();
        let _ = writeln!(
            out,
            "relation {} {} ({}{})",
            r.relation_type,
            args.join(" "),
            r.origin,
            score_suffix(r.score)
        );
    }
    for d in &doc.diagnostics {
        let _ = writeln!(out, "{}[{}]: {}", d.severity, d.code, d.message);
    }
    out
}

fn describe(m: &Mention) -> String {
    let mut s = m.entity_type.clone();
    if let Some(id) = m.rendered_identifier() {
        let _ = write!(s, " {id}");
    }
    if let Some(name) = m.links.first().and_then(|l| l.name.as_deref()) {
        let _ = write!(s, " \"{name}\"");
    }
    if !m.fragments.is_empty() {
        let _ = write!(s, " (+{} discontinuous piece(s))", m.fragments.len());
    }
    if let Some(long) = &m.long_form {
        let _ = write!(s, " long_form=\"{long}\"");
    }
    let _ = write!(s, " ({}{})", m.origin, score_suffix(m.score));
    s
}

fn score_suffix(score: Option<f32>) -> String {
    score.map(|s| format!(" {s:.2}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Passage, PassageKind, TextRange};

    #[test]
    fn marks_mentions_under_their_text() {
        let mut doc = Document::new("7");
        doc.passages.push(Passage::new(
            PassageKind::Title,
            "Naïve TTF-1 staining\nin lung adenocarcinoma.",
        ));
        let text = doc.passages[0].text().to_owned();
        for (needle, ty, id) in [
            ("TTF-1", "Gene", "HGNC:11825"),
            ("lung adenocarcinoma", "Disease", "-1"),
        ] {
            let start = text.find(needle).unwrap();
            doc.mentions.push(Mention {
                range: TextRange::try_new(start, start + needle.len()).unwrap(),
                text: needle.into(),
                entity_type: ty.into(),
                identifier: Some(id.into()),
                origin: "test".into(),
                score: Some(0.5),
                ..Mention::default()
            });
        }
        insta::assert_snapshot!(render(&doc), @r#"
        # 7
        [title] Naïve TTF-1 staining
                      ^^^^^ Gene HGNC:11825 (test 0.50)
                in lung adenocarcinoma.
                   ^^^^^^^^^^^^^^^^^^^ Disease -1 (test 0.50)
        "#);
    }
}
