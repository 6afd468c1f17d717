//! The compiled lexicon: one versioned file that loads in milliseconds.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! header   magic "PMLEXICN" | format version u32 | section count u32 | crc32 of the rest u32 | 0u32
//! table    per section: tag [u8; 4] | offset u64 | length u64
//! META     JSON: build info, sources, counts
//! KEYS     fst map: normalised name key → (first posting << 24 | posting count)
//! POST     postings, 12 bytes each: entry u32 | synonym string u32 | kind u8 | case u8 | 0 | 0
//! ENTR     entries, 40 bytes each: id | name | names start | names count | xrefs start |
//!          xrefs count | parents start | parents count | tags | type u8, 0, 0, 0
//! NAME     entry names, 8 bytes each: string u32 | kind u8 | 0 | 0 | 0
//! REFS     u32 string references (xrefs and parents of all entries)
//! IDS      fst map: every id (canonical, merged member, xref) → entry index
//! STRS     string heap: u32 length | UTF-8 bytes, referenced by byte offset
//! ```
//!
//! Loading reads the file into one buffer, checks the magic, the version and the CRC, and
//! validates the section bounds; nothing is decoded up front. Every accessor reads straight
//! from the buffer. A file of another version or a corrupt file is refused with a message
//! that says what to do (rebuild with `pubminer lexicon build`).

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::concept::{EntityType, SynonymKind, Tags};
use crate::error::{LexiconError, Result};
use crate::merge::Entry;

/// The artifact format version. Bump it whenever the layout or the key normalisation
/// changes: a lexicon built with other keys would silently stop matching.
pub const FORMAT_VERSION: u32 = 1;

const MAGIC: &[u8; 8] = b"PMLEXICN";
const HEADER_LEN: usize = 24;
const SECTION_LEN: usize = 20;
const POSTING_LEN: usize = 12;
const ENTRY_LEN: usize = 40;
const NAME_LEN: usize = 8;
const COUNT_BITS: u32 = 24;
const MAX_POSTINGS_PER_KEY: usize = (1 << COUNT_BITS) - 1;

/// How a name's case must be respected when it is matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseRule {
    /// Any case matches (`lung`, `Lung`, `LUNG`).
    Insensitive,
    /// A symbol or acronym (`KIT`, `ER`, `AIDS`): the text must look like one, i.e. carry a
    /// capital letter after its first character, or a digit (`KIT`, `Bcl-2`, `p53`), so that
    /// `kit`, `was` and `Kit` at the start of a sentence are not taken for genes.
    Symbol,
}

impl CaseRule {
    fn code(self) -> u8 {
        match self {
            Self::Insensitive => 0,
            Self::Symbol => 1,
        }
    }

    fn from_code(code: u8) -> Self {
        if code == 1 {
            Self::Symbol
        } else {
            Self::Insensitive
        }
    }

    /// The rule for a name of the given kind.
    #[must_use]
    pub fn for_name(text: &str, kind: SynonymKind) -> Self {
        if kind.is_symbol() {
            return Self::Symbol;
        }
        // A single short word with two capitals or letters mixed with digits reads as an
        // acronym or symbol even when the vocabulary calls it a synonym (`AIDS`, `CK7`).
        let words = text.split_whitespace().count();
        let compact_len = text.chars().filter(|c| c.is_alphanumeric()).count();
        if words == 1 && compact_len <= 8 {
            let upper = text.chars().filter(|c| c.is_uppercase()).count();
            let digit = text.chars().any(|c| c.is_ascii_digit());
            let letter = text.chars().any(char::is_alphabetic);
            if upper >= 2 || (digit && letter && upper >= 1) {
                return Self::Symbol;
            }
        }
        Self::Insensitive
    }

    /// True when `surface` (the matched text) satisfies the rule for the name `name`: a
    /// symbol matches when it is written exactly as the vocabulary writes it (`c-kit`,
    /// `p53`), or when the text looks like a symbol (a capital after the first character,
    /// or a digit: `KIT`, `Bcl-2`), so `kit`, `was` and a sentence-initial `Kit` do not.
    #[must_use]
    pub fn accepts(self, surface: &str, name: &str) -> bool {
        match self {
            Self::Insensitive => true,
            Self::Symbol => {
                // Written exactly as the vocabulary writes a symbol-like name (`c-kit`,
                // `p-ERK`); a plain lower-case word (`spatial`, an alias of a gene) is not
                // enough on its own.
                let symbol_like = name
                    .chars()
                    .any(|c| c.is_uppercase() || c.is_ascii_digit() || c == '-' || c == '.');
                if symbol_like && same_word_characters(surface, name) {
                    return true;
                }
                let mut chars = surface.chars().filter(|c| c.is_alphanumeric());
                let Some(first) = chars.next() else {
                    return false;
                };
                first.is_ascii_digit() || chars.any(|c| c.is_uppercase() || c.is_ascii_digit())
            }
        }
    }
}

/// True when `a` and `b` have the same letters and digits, case included (`c-kit`, `c kit`).
fn same_word_characters(a: &str, b: &str) -> bool {
    a.chars()
        .filter(|c| c.is_alphanumeric())
        .eq(b.chars().filter(|c| c.is_alphanumeric()))
}

/// Build information stored in the artifact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// pubminer version that built it.
    pub builder: String,
    /// When it was built (seconds since the Unix epoch).
    pub built_at: u64,
    /// The sources, in load order, with what each contributed.
    pub sources: Vec<SourceInfo>,
    /// Entries (merged concepts).
    pub entries: u64,
    /// Distinct normalised keys.
    pub keys: u64,
    /// (key, entry) postings.
    pub postings: u64,
    /// Names dropped at build time, by reason.
    pub dropped_names: std::collections::BTreeMap<String, u64>,
    /// Concepts merged into another concept's entry.
    pub merged_concepts: u64,
    /// Stop rules learned at build time (stop-list format; empty when not tuned).
    #[serde(default)]
    pub stoplist: String,
}

/// One vocabulary file that went into the artifact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Source name (`hgnc`, `mesh`...).
    pub name: String,
    /// The file it was read from.
    pub path: String,
    /// Concepts it yielded.
    pub concepts: u64,
    /// Names (preferred + synonyms) it yielded.
    pub names: u64,
}

/// One (key, entry) pairing: this entry has a name whose key is the looked-up key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    /// The entry.
    pub entry: u32,
    /// The name as the vocabulary writes it (string reference; see [`Lexicon::string`]).
    pub name: u32,
    /// What kind of name it is.
    pub kind: SynonymKind,
    /// How its case must be matched.
    pub case: CaseRule,
}

/// A byte range of the shared artifact buffer, so the fst maps can borrow it.
#[derive(Clone)]
struct Slice {
    buf: Arc<Vec<u8>>,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Slice {
    fn as_ref(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }
}

/// A loaded lexicon artifact.
#[derive(Clone)]
pub struct Lexicon {
    buf: Arc<Vec<u8>>,
    keys: fst::Map<Slice>,
    ids: fst::Map<Slice>,
    postings: (usize, usize),
    entries: (usize, usize),
    names: (usize, usize),
    refs: (usize, usize),
    strings: (usize, usize),
    meta: Meta,
}

impl fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lexicon")
            .field("entries", &self.len())
            .field("keys", &self.keys.len())
            .field("bytes", &self.buf.len())
            .finish_non_exhaustive()
    }
}

/// A view of one entry.
#[derive(Clone, Copy)]
pub struct EntryRef<'a> {
    lexicon: &'a Lexicon,
    index: u32,
    at: usize,
}

impl fmt::Debug for EntryRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("id", &self.id())
            .field("name", &self.name())
            .field("type", &self.entity_type())
            .finish_non_exhaustive()
    }
}

impl<'a> EntryRef<'a> {
    fn field(&self, i: usize) -> u32 {
        self.lexicon.u32_at(self.at + 4 * i)
    }

    /// Its index in the lexicon.
    #[must_use]
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The canonical id (`MESH:D009369`).
    #[must_use]
    pub fn id(&self) -> &'a str {
        self.lexicon.string(self.field(0))
    }

    /// The preferred name.
    #[must_use]
    pub fn name(&self) -> &'a str {
        self.lexicon.string(self.field(1))
    }

    /// Every name with its kind.
    pub fn names(&self) -> impl Iterator<Item = (&'a str, SynonymKind)> + 'a {
        let lexicon = self.lexicon;
        let (start, count) = (self.field(2) as usize, self.field(3) as usize);
        (start..start + count).map(move |i| {
            let at = lexicon.names.0 + i * NAME_LEN;
            let kind =
                SynonymKind::from_code(lexicon.byte_at(at + 4)).unwrap_or(SynonymKind::Related);
            (lexicon.string(lexicon.u32_at(at)), kind)
        })
    }

    /// Ids of the merged concepts and cross-references other than the canonical id.
    pub fn xrefs(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.lexicon.refs_range(self.field(4), self.field(5))
    }

    /// Ids of parent concepts (as their sources name them).
    pub fn parents(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.lexicon.refs_range(self.field(6), self.field(7))
    }

    /// Flags (neoplasm, family, obsolete).
    #[must_use]
    pub fn tags(&self) -> Tags {
        Tags(self.field(8))
    }

    /// The entity type.
    #[must_use]
    pub fn entity_type(&self) -> EntityType {
        EntityType::from_code(self.lexicon.byte_at(self.at + 36)).unwrap_or(EntityType::Gene)
    }

    /// True when `id` is the canonical id or one of the xrefs.
    #[must_use]
    pub fn has_id(&self, id: &str) -> bool {
        self.id() == id || self.xrefs().any(|x| x == id)
    }
}

impl Lexicon {
    /// Loads an artifact file.
    ///
    /// # Errors
    /// When the file cannot be read, is not a lexicon, is of another format version, or is
    /// corrupt.
    pub fn open(path: &Path) -> Result<Self> {
        let buf = std::fs::read(path).map_err(|e| LexiconError::io(path, e))?;
        Self::from_bytes(buf).map_err(|message| LexiconError::Artifact {
            path: path.to_owned(),
            message,
        })
    }

    /// Builds a lexicon in memory from `concepts` (merged with the default options), for
    /// tests, fuzzing and small custom vocabularies.
    ///
    /// # Errors
    /// A lexicon too large for the format.
    pub fn from_concepts(concepts: Vec<crate::Concept>) -> Result<Self> {
        let mut keys = pubminer_text::normalize::KeyBuilder::new();
        let (entries, stats) =
            crate::merge::merge(concepts, &crate::MergeOptions::default(), |s| {
                keys.name_key(s)
            });
        let meta = Meta {
            builder: concat!("pubminer ", env!("CARGO_PKG_VERSION")).to_owned(),
            merged_concepts: stats.merged,
            ..Meta::default()
        };
        let (bytes, _) = to_bytes(&entries, meta, |s| keys.name_key(s))?;
        Self::from_bytes(bytes).map_err(LexiconError::Config)
    }

    /// Loads an artifact from bytes in memory.
    ///
    /// # Errors
    /// A description of what is wrong with the bytes.
    pub fn from_bytes(buf: Vec<u8>) -> std::result::Result<Self, String> {
        let rebuild = "rebuild it with `pubminer lexicon build`";
        if buf.len() < HEADER_LEN || &buf[..8] != MAGIC {
            return Err(format!("not a pubminer lexicon (bad magic); {rebuild}"));
        }
        let version = read_u32(&buf, 8);
        if version != FORMAT_VERSION {
            return Err(format!(
                "lexicon format version {version}, but this pubminer reads version {FORMAT_VERSION}; {rebuild}"
            ));
        }
        let count = read_u32(&buf, 12) as usize;
        let crc = read_u32(&buf, 16);
        if crc32fast::hash(&buf[HEADER_LEN..]) != crc {
            return Err(format!(
                "checksum mismatch: the file is truncated or corrupt; {rebuild}"
            ));
        }
        let table_end = HEADER_LEN + count * SECTION_LEN;
        if table_end > buf.len() {
            return Err(format!("section table is truncated; {rebuild}"));
        }
        let mut sections: HashMap<[u8; 4], (usize, usize)> = HashMap::new();
        for i in 0..count {
            let at = HEADER_LEN + i * SECTION_LEN;
            let tag: [u8; 4] = buf[at..at + 4].try_into().unwrap_or([0; 4]);
            let offset = read_u64(&buf, at + 4) as usize;
            let len = read_u64(&buf, at + 12) as usize;
            if offset < table_end || offset.checked_add(len).is_none_or(|e| e > buf.len()) {
                return Err(format!(
                    "section {} lies outside the file; {rebuild}",
                    String::from_utf8_lossy(&tag)
                ));
            }
            sections.insert(tag, (offset, offset + len));
        }
        let get = |tag: &[u8; 4]| {
            sections.get(tag).copied().ok_or_else(|| {
                format!(
                    "section {} is missing; {rebuild}",
                    String::from_utf8_lossy(tag)
                )
            })
        };
        let buf = Arc::new(buf);
        let meta_range = get(b"META")?;
        let meta: Meta = serde_json::from_slice(&buf[meta_range.0..meta_range.1])
            .map_err(|e| format!("metadata is unreadable ({e}); {rebuild}"))?;
        let fst_of = |tag: &[u8; 4]| -> std::result::Result<fst::Map<Slice>, String> {
            let (start, end) = get(tag)?;
            fst::Map::new(Slice {
                buf: Arc::clone(&buf),
                start,
                end,
            })
            .map_err(|e| {
                format!(
                    "section {} is not a valid fst ({e}); {rebuild}",
                    String::from_utf8_lossy(tag)
                )
            })
        };
        let keys = fst_of(b"KEYS")?;
        let ids = fst_of(b"IDS ")?;
        // The fst's own checksum: a damaged automaton could otherwise misbehave when walked,
        // even in a file whose outer CRC was recomputed.
        for (tag, map) in [("KEYS", &keys), ("IDS", &ids)] {
            map.as_fst()
                .verify()
                .map_err(|e| format!("section {tag} is damaged ({e}); {rebuild}"))?;
        }
        let postings = get(b"POST")?;
        let entries = get(b"ENTR")?;
        let names = get(b"NAME")?;
        let refs = get(b"REFS")?;
        let strings = get(b"STRS")?;
        let multiple = |(s, e): (usize, usize), n: usize, what: &str| {
            if (e - s) % n == 0 {
                Ok(())
            } else {
                Err(format!("{what} section has a partial record; {rebuild}"))
            }
        };
        multiple(postings, POSTING_LEN, "postings")?;
        multiple(entries, ENTRY_LEN, "entries")?;
        multiple(names, NAME_LEN, "names")?;
        multiple(refs, 4, "references")?;
        let lexicon = Self {
            buf,
            keys,
            ids,
            postings,
            entries,
            names,
            refs,
            strings,
            meta,
        };
        lexicon.validate().map_err(|m| format!("{m}; {rebuild}"))?;
        Ok(lexicon)
    }

    /// Checks that every reference points inside its section, so accessors never read out
    /// of bounds. Linear in the number of entries and postings.
    fn validate(&self) -> std::result::Result<(), String> {
        let n_entries = self.len() as u64;
        let n_names = ((self.names.1 - self.names.0) / NAME_LEN) as u64;
        let n_refs = ((self.refs.1 - self.refs.0) / 4) as u64;
        let n_postings = ((self.postings.1 - self.postings.0) / POSTING_LEN) as u64;
        let heap = (self.strings.1 - self.strings.0) as u64;
        for i in 0..self.len() {
            let at = self.entries.0 + i * ENTRY_LEN;
            let f = |k: usize| u64::from(self.u32_at(at + 4 * k));
            if f(0) >= heap || f(1) >= heap {
                return Err(format!("entry {i} names a string outside the heap"));
            }
            if f(2) + f(3) > n_names || f(4) + f(5) > n_refs || f(6) + f(7) > n_refs {
                return Err(format!("entry {i} has an out-of-range list"));
            }
        }
        for i in 0..n_postings as usize {
            let at = self.postings.0 + i * POSTING_LEN;
            if u64::from(self.u32_at(at)) >= n_entries || u64::from(self.u32_at(at + 4)) >= heap {
                return Err(format!("posting {i} is out of range"));
            }
        }
        // Key values are not walked here (a million keys would cost a fifth of a second at
        // every start): `postings` clamps each range to the section instead.
        Ok(())
    }

    fn byte_at(&self, at: usize) -> u8 {
        self.buf.get(at).copied().unwrap_or(0)
    }

    fn u32_at(&self, at: usize) -> u32 {
        self.buf
            .get(at..at + 4)
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A string from the heap by reference ("" for a reference that is out of range or not
    /// UTF-8, which the CRC and the load-time validation rule out for the artifact's own
    /// references).
    #[must_use]
    pub fn string(&self, reference: u32) -> &str {
        let at = self.strings.0 + reference as usize;
        let len = self.u32_at(at) as usize;
        let start = at + 4;
        let end = start.saturating_add(len).min(self.strings.1);
        self.buf
            .get(start..end)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    fn refs_range(&self, start: u32, count: u32) -> impl Iterator<Item = &str> + '_ {
        (start as usize..start as usize + count as usize)
            .map(move |i| self.string(self.u32_at(self.refs.0 + 4 * i)))
    }

    /// Number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        (self.entries.1 - self.entries.0) / ENTRY_LEN
    }

    /// True when the lexicon has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Size of the artifact in bytes.
    #[must_use]
    pub fn size_bytes(&self) -> usize {
        self.buf.len()
    }

    /// Build information.
    #[must_use]
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The entry at `index`.
    #[must_use]
    pub fn entry(&self, index: u32) -> Option<EntryRef<'_>> {
        ((index as usize) < self.len()).then(|| EntryRef {
            lexicon: self,
            index,
            at: self.entries.0 + index as usize * ENTRY_LEN,
        })
    }

    /// The string reference of the `i`-th name of `entry` (the order of
    /// [`EntryRef::names`]), for indexes that store names by reference.
    #[must_use]
    pub fn name_ref(&self, entry: u32, i: usize) -> Option<u32> {
        let e = self.entry(entry)?;
        let (start, count) = (e.field(2) as usize, e.field(3) as usize);
        (i < count).then(|| self.u32_at(self.names.0 + (start + i) * NAME_LEN))
    }

    /// Every entry, in index order.
    pub fn entries(&self) -> impl Iterator<Item = EntryRef<'_>> {
        (0..self.len() as u32).filter_map(|i| self.entry(i))
    }

    /// The entry that holds `id` as its canonical id, a merged member's id or an xref.
    #[must_use]
    pub fn find_id(&self, id: &str) -> Option<EntryRef<'_>> {
        let index = self.ids.get(id)?;
        self.entry(u32::try_from(index).ok()?)
    }

    /// The raw fst of normalised keys, for incremental (token by token) walking. The value
    /// of a final state is passed to [`Lexicon::postings`].
    #[must_use]
    pub fn key_fst(&self) -> &fst::raw::Fst<impl AsRef<[u8]>> {
        self.keys.as_fst()
    }

    /// The postings of a key value found in [`Lexicon::key_fst`].
    pub fn postings(&self, value: u64) -> impl Iterator<Item = Posting> + '_ {
        let (start, count) = split_value(value);
        let total = ((self.postings.1 - self.postings.0) / POSTING_LEN) as u64;
        let end = start.saturating_add(count).min(total);
        (start.min(end)..end).map(move |i| {
            let at = self.postings.0 + i as usize * POSTING_LEN;
            Posting {
                entry: self.u32_at(at),
                name: self.u32_at(at + 4),
                kind: SynonymKind::from_code(self.byte_at(at + 8)).unwrap_or(SynonymKind::Related),
                case: CaseRule::from_code(self.byte_at(at + 9)),
            }
        })
    }

    /// The postings of a normalised key (see `pubminer_text::normalize`).
    pub fn lookup_key(&self, key: &str) -> impl Iterator<Item = Posting> + '_ {
        // A missing key reads as value 0: no postings.
        self.postings(self.keys.get(key).unwrap_or(0))
    }

    /// True when some normalised key begins with `prefix` (or is it): a search that grows a
    /// key word by word stops when this is false.
    #[must_use]
    pub fn has_key_prefix(&self, prefix: &str) -> bool {
        let fst = self.keys.as_fst();
        let mut node = fst.root();
        for &b in prefix.as_bytes() {
            match node.find_input(b) {
                Some(i) => node = fst.node(node.transition(i).addr),
                None => return false,
            }
        }
        true
    }

    /// Every key with its value, in key order (for exports and diagnostics).
    pub fn for_each_key(&self, mut f: impl FnMut(&[u8], u64)) {
        let mut stream = self.keys.stream();
        while let Some((key, value)) = fst::Streamer::next(&mut stream) {
            f(key, value);
        }
    }
}

fn split_value(value: u64) -> (u64, u64) {
    (value >> COUNT_BITS, value & ((1 << COUNT_BITS) - 1))
}

fn read_u32(buf: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]])
}

fn read_u64(buf: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(b)
}

/// A string heap that stores each distinct string once.
#[derive(Default)]
struct Heap {
    bytes: Vec<u8>,
    seen: HashMap<String, u32>,
}

impl Heap {
    fn add(&mut self, s: &str) -> Result<u32> {
        if let Some(&r) = self.seen.get(s) {
            return Ok(r);
        }
        let reference = u32::try_from(self.bytes.len())
            .map_err(|_| LexiconError::Config("the string heap exceeds 4 GiB".into()))?;
        let len = u32::try_from(s.len())
            .map_err(|_| LexiconError::Config("a name exceeds 4 GiB".into()))?;
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_owned(), reference);
        Ok(reference)
    }
}

/// One name of one entry, keyed, before sorting.
struct KeyedName {
    key: String,
    entry: u32,
    name: u32,
    kind: SynonymKind,
    case: CaseRule,
}

fn u32_of(n: usize, what: &str) -> Result<u32> {
    u32::try_from(n).map_err(|_| LexiconError::Config(format!("too many {what} for one lexicon")))
}

/// Writes `entries` as an artifact to `path` (through `path.partial`, renamed when
/// complete, so an interrupted build never leaves a file that looks finished).
/// `key_of` gives the normalised key of a name.
///
/// # Errors
/// I/O errors, or a lexicon too large for the format.
pub fn write(
    path: &Path,
    entries: &[Entry],
    meta: Meta,
    key_of: impl FnMut(&str) -> String,
) -> Result<Meta> {
    let (bytes, meta) = to_bytes(entries, meta, key_of)?;
    let partial = path.with_extension("partial");
    let write = || -> std::io::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&partial)?);
        file.write_all(&bytes)?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&partial, path)
    };
    write().map_err(|e| LexiconError::io(path, e))?;
    Ok(meta)
}

/// The artifact bytes for `entries` (see [`write()`]), with the completed metadata.
///
/// # Errors
/// A lexicon too large for the format.
pub fn to_bytes(
    entries: &[Entry],
    mut meta: Meta,
    mut key_of: impl FnMut(&str) -> String,
) -> Result<(Vec<u8>, Meta)> {
    let mut heap = Heap::default();
    let mut entry_bytes = Vec::with_capacity(entries.len() * ENTRY_LEN);
    let mut name_bytes = Vec::new();
    let mut ref_bytes = Vec::new();
    let mut keyed: Vec<KeyedName> = Vec::new();
    let mut id_pairs: Vec<(String, u32)> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let index = u32_of(index, "entries")?;
        let id = heap.add(&entry.id)?;
        let name = heap.add(&entry.name)?;
        let names_start = u32_of(name_bytes.len() / NAME_LEN, "names")?;
        for (text, kind) in &entry.names {
            let reference = heap.add(text)?;
            name_bytes.extend_from_slice(&reference.to_le_bytes());
            name_bytes.extend_from_slice(&[kind.code(), 0, 0, 0]);
            let key = key_of(text);
            if !key.is_empty() {
                keyed.push(KeyedName {
                    key,
                    entry: index,
                    name: reference,
                    kind: *kind,
                    case: CaseRule::for_name(text, *kind),
                });
            }
        }
        let xrefs_start = u32_of(ref_bytes.len() / 4, "references")?;
        for x in &entry.xrefs {
            ref_bytes.extend_from_slice(&heap.add(x)?.to_le_bytes());
        }
        let parents_start = u32_of(ref_bytes.len() / 4, "references")?;
        for p in &entry.parents {
            ref_bytes.extend_from_slice(&heap.add(p)?.to_le_bytes());
        }
        let fields = [
            id,
            name,
            names_start,
            u32_of(entry.names.len(), "names")?,
            xrefs_start,
            u32_of(entry.xrefs.len(), "references")?,
            parents_start,
            u32_of(entry.parents.len(), "references")?,
            entry.tags.0,
        ];
        for f in fields {
            entry_bytes.extend_from_slice(&f.to_le_bytes());
        }
        entry_bytes.extend_from_slice(&[entry.entity_type.code(), 0, 0, 0]);
        id_pairs.push((entry.id.clone(), index));
        for x in &entry.xrefs {
            id_pairs.push((x.clone(), index));
        }
    }

    // Keys: sort, keep the best kind per (key, entry, name), group.
    keyed.sort_unstable_by(|a, b| {
        a.key
            .cmp(&b.key)
            .then(a.entry.cmp(&b.entry))
            .then(a.kind.rank().cmp(&b.kind.rank()))
    });
    keyed.dedup_by(|b, a| a.key == b.key && a.entry == b.entry && a.name == b.name);
    let mut posting_bytes = Vec::with_capacity(keyed.len() * POSTING_LEN);
    let mut builder = fst::MapBuilder::memory();
    let mut i = 0;
    let mut n_keys = 0u64;
    let mut truncated = 0u64;
    while i < keyed.len() {
        let mut j = i;
        while j < keyed.len() && keyed[j].key == keyed[i].key {
            j += 1;
        }
        let start = (posting_bytes.len() / POSTING_LEN) as u64;
        let group = &keyed[i..j];
        let kept = group.len().min(MAX_POSTINGS_PER_KEY);
        truncated += (group.len() - kept) as u64;
        for k in &group[..kept] {
            posting_bytes.extend_from_slice(&k.entry.to_le_bytes());
            posting_bytes.extend_from_slice(&k.name.to_le_bytes());
            posting_bytes.extend_from_slice(&[k.kind.code(), k.case.code(), 0, 0]);
        }
        builder
            .insert(&keyed[i].key, start << COUNT_BITS | kept as u64)
            .map_err(|e| LexiconError::Config(format!("building the key index: {e}")))?;
        n_keys += 1;
        i = j;
    }
    if truncated > 0 {
        meta.dropped_names
            .insert("too many entries for one key".into(), truncated);
    }
    let keys_fst = builder
        .into_inner()
        .map_err(|e| LexiconError::Config(format!("building the key index: {e}")))?;

    // Ids: the first entry to claim an id keeps it (canonical ids come before xrefs of
    // later entries because each entry pushes its own id first).
    id_pairs.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    id_pairs.dedup_by(|b, a| a.0 == b.0);
    let mut ids = fst::MapBuilder::memory();
    for (id, index) in &id_pairs {
        ids.insert(id, u64::from(*index))
            .map_err(|e| LexiconError::Config(format!("building the id index: {e}")))?;
    }
    let ids_fst = ids
        .into_inner()
        .map_err(|e| LexiconError::Config(format!("building the id index: {e}")))?;

    meta.entries = entries.len() as u64;
    meta.keys = n_keys;
    meta.postings = (posting_bytes.len() / POSTING_LEN) as u64;
    let meta_json = serde_json::to_vec(&meta)
        .map_err(|e| LexiconError::Config(format!("serialising metadata: {e}")))?;

    let sections: [(&[u8; 4], &[u8]); 9] = [
        (b"META", &meta_json),
        (b"KEYS", &keys_fst),
        (b"POST", &posting_bytes),
        (b"ENTR", &entry_bytes),
        (b"NAME", &name_bytes),
        (b"REFS", &ref_bytes),
        (b"IDS ", &ids_fst),
        (b"STRS", &heap.bytes),
        (b"END ", &[]),
    ];
    let mut body = Vec::new();
    let table_len = sections.len() * SECTION_LEN;
    let mut offset = (HEADER_LEN + table_len) as u64;
    let mut table = Vec::with_capacity(table_len);
    for (tag, bytes) in &sections {
        table.extend_from_slice(*tag);
        table.extend_from_slice(&offset.to_le_bytes());
        table.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        offset += bytes.len() as u64;
    }
    body.extend_from_slice(&table);
    for (_, bytes) in &sections {
        body.extend_from_slice(bytes);
    }
    let mut header = Vec::with_capacity(HEADER_LEN + body.len());
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    header.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    header.extend_from_slice(&crc32fast::hash(&body).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&body);
    Ok((header, meta))
}
