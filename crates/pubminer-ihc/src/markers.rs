//! The curated IHC marker lexicon (`data/markers.tsv`) and marker recognition.
//!
//! Markers are matched on the same normalised keys as the main lexicon (`CK-7` = `CK7` =
//! `CK 7`), longest first, up to six words. Curated names win over HGNC aliases: `TTF-1` is
//! NKX2-1 (the symbol TTF1 belongs to another gene), `p40` is TP63, `A103` is MLANA. Names that
//! are not one gene (AE1/AE3, CAM5.2, S100, chromogranin, CD3) are concepts of their own
//! (`IHC:S100`), with no HGNC symbol. Genes not in the list are still found through the main
//! lexicon by the caller.

use std::collections::{HashMap, HashSet};

use pubminer_text::normalize::KeyBuilder;
use pubminer_text::token::{TokenKind, tokenize};

/// What a marker is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// HGNC symbol, or a pubminer concept (`IHC:S100`) for non-gene markers.
    pub target: String,
    /// `gene`, `family`, `cocktail`, `complex` or `epitope`.
    pub kind: String,
    /// Where the mapping comes from.
    pub source: String,
}

impl Marker {
    /// The HGNC symbol when the marker is one gene.
    #[must_use]
    pub fn symbol(&self) -> Option<&str> {
        (self.kind == "gene").then_some(self.target.as_str())
    }
}

/// A marker found in text.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkerHit {
    /// Byte range in the text.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// Index into [`MarkerLexicon::markers`].
    pub marker: usize,
}

/// The curated lexicon.
#[derive(Clone, Debug)]
pub struct MarkerLexicon {
    markers: Vec<Marker>,
    by_key: HashMap<String, usize>,
    /// Keys whose names are short acronyms that need the exact case (`PR`, `AR`, `ER`, `CLA`).
    case_sensitive: HashMap<String, Vec<String>>,
    /// Every key's prefixes that end at a word (`ck`, `ck 7` of `ck 7`), and the empty key:
    /// a window whose key is none of them cannot grow into a name, so `find` stops there.
    prefixes: HashSet<String>,
    longest: usize,
}

const BUILTIN: &str = include_str!("../data/markers.tsv");

impl MarkerLexicon {
    /// The shipped list.
    ///
    /// # Panics
    /// Never: a unit test parses the shipped file.
    #[must_use]
    pub fn builtin() -> Self {
        Self::parse(BUILTIN).unwrap_or_else(|_| Self {
            markers: Vec::new(),
            by_key: HashMap::new(),
            case_sensitive: HashMap::new(),
            prefixes: HashSet::new(),
            longest: 0,
        })
    }

    /// Parses the TSV format of `data/markers.tsv`.
    ///
    /// # Errors
    /// The 1-based line and what is wrong.
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let mut keys = KeyBuilder::new();
        let mut markers = Vec::new();
        let mut by_key = HashMap::new();
        let mut case_sensitive: HashMap<String, Vec<String>> = HashMap::new();
        let mut longest = 1;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 4 {
                return Err((i + 1, "expected names, target, kind, source".into()));
            }
            let index = markers.len();
            markers.push(Marker {
                target: cols[1].trim().to_owned(),
                kind: cols[2].trim().to_owned(),
                source: cols[3].trim().to_owned(),
            });
            for name in cols[0].split('|').map(str::trim).filter(|n| !n.is_empty()) {
                let key = keys.name_key(name);
                if key.is_empty() {
                    continue;
                }
                longest = longest.max(key.split(' ').count());
                let short_acronym = name.chars().count() <= 3
                    && name.chars().filter(|c| c.is_uppercase()).count() >= 2;
                if short_acronym {
                    case_sensitive
                        .entry(key.clone())
                        .or_default()
                        .push(name.to_owned());
                }
                by_key.entry(key).or_insert(index);
            }
        }
        let mut prefixes: HashSet<String> = HashSet::from([String::new()]);
        for key in by_key.keys() {
            prefixes.extend(key.match_indices(' ').map(|(i, _)| key[..i].to_owned()));
            prefixes.insert(key.clone());
        }
        Ok(Self {
            markers,
            by_key,
            case_sensitive,
            prefixes,
            longest,
        })
    }

    /// The markers, by index.
    #[must_use]
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// The marker of a whole name, if curated.
    #[must_use]
    pub fn lookup(&self, name: &str) -> Option<usize> {
        self.lookup_key(name, &KeyBuilder::new().name_key(name))
    }

    /// [`MarkerLexicon::lookup`] with the name's key already built.
    fn lookup_key(&self, name: &str, key: &str) -> Option<usize> {
        let &index = self.by_key.get(key)?;
        if let Some(spellings) = self.case_sensitive.get(key)
            && !spellings
                .iter()
                .any(|s| s.replace(['-', ' '], "") == name.replace(['-', ' '], ""))
        {
            return None;
        }
        Some(index)
    }

    /// Every curated marker in `text`, longest match first, not overlapping.
    ///
    /// Windows grow a word at a time from each word: a window's key is its words' keys
    /// joined, so it is a prefix of every longer window's key, and growth stops at the first
    /// key that begins no curated name (most words). The longest window that is a name wins.
    #[must_use]
    pub fn find(&self, text: &str) -> Vec<MarkerHit> {
        let tokens = tokenize(text);
        let words: Vec<usize> = (0..tokens.len())
            .filter(|&i| tokens[i].kind == TokenKind::Word)
            .collect();
        let mut keys = KeyBuilder::new();
        let mut key = String::new();
        let mut out = Vec::new();
        let mut w = 0;
        while w < words.len() {
            let mut found = None;
            for len in 1..=self.longest.min(words.len() - w) {
                let start = tokens[words[w]].range.start() as usize;
                let end = tokens[words[w + len - 1]].range.end() as usize;
                // No sentence-ending or bracketing punctuation inside a marker name.
                let slice = &text[start..end];
                if slice.contains(['(', ')', ';', ',']) || slice.contains(". ") {
                    break;
                }
                key.clear();
                keys.push_text(slice, &mut key);
                if !self.prefixes.contains(&key) {
                    break;
                }
                if let Some(m) = self.lookup_key(slice, &key) {
                    found = Some((len, m, start, end));
                }
            }
            match found {
                Some((len, marker, start, end)) => {
                    out.push(MarkerHit { start, end, marker });
                    w += len;
                }
                None => w += 1,
            }
        }
        out
    }

    /// `find` by trying every window, longest first: the reference the pruned search is
    /// tested against.
    #[cfg(test)]
    fn find_every_window(&self, text: &str) -> Vec<MarkerHit> {
        let tokens = tokenize(text);
        let words: Vec<usize> = (0..tokens.len())
            .filter(|&i| tokens[i].kind == TokenKind::Word)
            .collect();
        let mut out = Vec::new();
        let mut w = 0;
        while w < words.len() {
            let mut found = None;
            for len in (1..=self.longest.min(words.len() - w)).rev() {
                let start = tokens[words[w]].range.start() as usize;
                let end = tokens[words[w + len - 1]].range.end() as usize;
                let slice = &text[start..end];
                if slice.contains(['(', ')', ';', ',']) || slice.contains(". ") {
                    continue;
                }
                if let Some(m) = self.lookup(slice) {
                    found = Some((len, m, start, end));
                    break;
                }
            }
            match found {
                Some((len, marker, start, end)) => {
                    out.push(MarkerHit { start, end, marker });
                    w += len;
                }
                None => w += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_parses_and_resolves_ambiguities() {
        let lex = MarkerLexicon::parse(BUILTIN).expect("markers.tsv");
        assert!(lex.markers().len() > 120);
        let target = |name: &str| lex.lookup(name).map(|i| lex.markers()[i].target.as_str());
        assert_eq!(target("TTF-1"), Some("NKX2-1"));
        assert_eq!(target("TTF1"), Some("NKX2-1"));
        assert_eq!(target("CK-7"), Some("KRT7"));
        assert_eq!(target("CD 117"), Some("KIT"));
        assert_eq!(target("DOG1"), Some("ANO1"));
        assert_eq!(target("BOB.1"), Some("POU2AF1"));
        assert_eq!(target("p40"), Some("TP63"));
        assert_eq!(target("HMB-45"), Some("PMEL"));
        assert_eq!(target("EMA"), Some("MUC1"));
        assert_eq!(target("HepPar-1"), Some("CPS1"));
        assert_eq!(target("AE1/AE3"), Some("IHC:AE1/AE3"));
        assert_eq!(target("CAM 5.2"), Some("IHC:CAM5.2"));
        assert_eq!(target("S-100"), Some("IHC:S100"));
        assert_eq!(target("chromogranin"), Some("IHC:CHROMOGRANIN"));
        assert_eq!(target("A103"), Some("MLANA"));
        assert_eq!(target("AE1/3"), Some("IHC:AE1/AE3"));
        assert_eq!(target("SMMHC"), Some("MYH11"));
        assert_eq!(target("H3 K27M"), Some("IHC:H3-K27M"));
        assert_eq!(target("LMP-1"), Some("IHC:EBV-LMP1"));
        assert_eq!(target("neurone-specific enolase"), Some("ENO2"));
        assert_eq!(target("Leu-M1"), Some("FUT4"));
        assert_eq!(target("ACTH"), Some("POMC"));
        // Short acronyms need their case: `pr` is not PR.
        assert_eq!(target("PR"), Some("PGR"));
        assert_eq!(target("pr"), None);
        assert!(
            lex.markers()[lex.lookup("S100").unwrap()]
                .symbol()
                .is_none()
        );
    }

    #[test]
    fn markers_are_found_in_text() {
        let lex = MarkerLexicon::builtin();
        let text = "Tumours were positive for TTF-1, CK7 and smooth muscle actin but not CK20.";
        let found: Vec<&str> = lex
            .find(text)
            .iter()
            .map(|h| &text[h.start..h.end])
            .collect();
        assert_eq!(found, ["TTF-1", "CK7", "smooth muscle actin", "CK20"]);
        // A cocktail is one marker, not its first keratin.
        let text = "Calretinin and keratin 5/6 were negative.";
        let found: Vec<&str> = lex
            .find(text)
            .iter()
            .map(|h| &text[h.start..h.end])
            .collect();
        assert_eq!(found, ["Calretinin", "keratin 5/6"]);
    }

    #[test]
    fn greek_letters_meet_their_spelled_out_names() {
        // HGNC spells these `PDGFR alpha`, `TNF-alpha`; abstracts write the letter.
        let lex = MarkerLexicon::builtin();
        for (text, symbol) in [
            ("PDGFR-α", "PDGFRA"),
            ("PDGFRβ", "PDGFRB"),
            ("TNF-α", "TNF"),
            ("tumor necrosis factor-alpha", "TNF"),
        ] {
            let hits = lex.find(text);
            assert_eq!(hits.len(), 1, "{text}");
            assert_eq!(
                lex.markers()[hits[0].marker].symbol(),
                Some(symbol),
                "{text}"
            );
        }
    }

    /// The pruned search finds what trying every window finds, on constructed text and, when
    /// the shared data is there, on every IHC abstract and the throughput corpus.
    #[test]
    fn pruned_search_finds_what_every_window_finds() {
        let lex = MarkerLexicon::builtin();
        let mut texts: Vec<String> = vec![
            "TTF-1, CK 7 and CD 117 (c-kit) were positive; HER2/neu and AE1/AE3 were not.".into(),
            "Ki-67 index, p40, BOB.1 and HepPar-1; PR but not pr; CK5/6 and CK-7.".into(),
        ];
        let dir = std::env::var_os("PUBMINER_DATA").map_or_else(
            || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
            std::path::PathBuf::from,
        );
        for file in [
            "ihc/train.jsonl",
            "ihc/dev.jsonl",
            "throughput/abstracts_union.jsonl",
        ] {
            match std::fs::read_to_string(dir.join(file)) {
                Ok(lines) => {
                    for line in lines.lines() {
                        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
                        for field in ["title", "abstract"] {
                            if let Some(t) = v[field].as_str() {
                                texts.push(t.to_owned());
                            }
                        }
                    }
                }
                Err(_) => eprintln!("SKIP {file}: shared data not found (set PUBMINER_DATA)"),
            }
        }
        let mut hits = 0;
        for t in &texts {
            let found = lex.find(t);
            assert_eq!(found, lex.find_every_window(t), "{t}");
            hits += found.len();
        }
        assert!(hits >= 8, "{hits}");
    }
}
