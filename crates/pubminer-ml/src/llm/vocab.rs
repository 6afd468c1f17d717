//! Tokenizers of decoder models: built from a GGUF file's `tokenizer.ggml.*` metadata the
//! way llama.cpp builds them (so a prompt becomes the same token ids as in llama.cpp), or
//! read from a `tokenizer.json` beside the model.
//!
//! The SentencePiece path (`tokenizer.ggml.model = "llama"`: Gemma, Llama 2, Phi-3) follows
//! llama.cpp's `llm_tokenizer_spm` (src/llama-vocab.cpp): split into UTF-8 characters, merge
//! the adjacent pair whose joined text is the highest-scored token (ties to the left), byte
//! fallback (`<0xXX>`) for what no token covers. Special tokens are cut out first, longest
//! first, as llama.cpp's `tokenizer_st_partition` does: user-defined tokens always, control
//! tokens only when the caller asks (prompts built from a chat template do). The byte-level
//! BPE path (`"gpt2"`: Llama 3, Qwen2) builds a `tokenizers` BPE with the pre-tokenizer
//! regex named by `tokenizer.ggml.pre`.

use std::collections::{BinaryHeap, HashMap};

use candle_core::quantized::gguf_file::{Content, Value};

use crate::error::{MlError, Result};

/// llama.cpp's token types (`tokenizer.ggml.token_type`).
const TYPE_UNKNOWN: i32 = 2;
const TYPE_CONTROL: i32 = 3;
const TYPE_USER_DEFINED: i32 = 4;
const TYPE_BYTE: i32 = 6;

/// A decoder model's tokenizer.
pub enum Vocab {
    /// SentencePiece-style, from GGUF metadata.
    Spm(Box<Spm>),
    /// A `tokenizers` tokenizer (a `tokenizer.json`, or byte-level BPE from GGUF metadata).
    Hf(Box<tokenizers::Tokenizer>),
}

impl std::fmt::Debug for Vocab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Spm(s) => write!(f, "Vocab::Spm({} tokens)", s.tokens.len()),
            Self::Hf(t) => write!(f, "Vocab::Hf({} tokens)", t.get_vocab_size(true)),
        }
    }
}

/// The SentencePiece tokenizer of a GGUF file.
pub struct Spm {
    tokens: Vec<String>,
    scores: Vec<f32>,
    types: Vec<i32>,
    ids: HashMap<String, u32>,
    /// Special tokens (control, user-defined, unknown), longest text first.
    special: Vec<u32>,
    unk: u32,
    add_space_prefix: bool,
}

fn meta<'a>(ct: &'a Content, key: &str) -> Option<&'a Value> {
    ct.metadata.get(key)
}

fn strings(ct: &Content, key: &str) -> Result<Vec<String>> {
    let v = meta(ct, key).ok_or_else(|| MlError::Tokenizer(format!("the GGUF has no {key}")))?;
    v.to_vec()
        .map_err(|e| MlError::Tokenizer(format!("{key}: {e}")))?
        .iter()
        .map(|s| {
            s.to_string()
                .cloned()
                .map_err(|e| MlError::Tokenizer(format!("{key}: {e}")))
        })
        .collect()
}

/// A number of the metadata, as u32, if present.
pub(crate) fn meta_u32(ct: &Content, key: &str) -> Option<u32> {
    meta(ct, key).and_then(|v| match v {
        Value::U8(x) => Some(u32::from(*x)),
        Value::U16(x) => Some(u32::from(*x)),
        Value::U32(x) => Some(*x),
        Value::I32(x) => u32::try_from(*x).ok(),
        Value::U64(x) => u32::try_from(*x).ok(),
        Value::I64(x) => u32::try_from(*x).ok(),
        _ => None,
    })
}

/// A boolean of the metadata, if present.
pub(crate) fn meta_bool(ct: &Content, key: &str) -> Option<bool> {
    meta(ct, key).and_then(|v| v.to_bool().ok())
}

/// A string of the metadata, if present.
pub(crate) fn meta_str<'a>(ct: &'a Content, key: &str) -> Option<&'a str> {
    meta(ct, key).and_then(|v| v.to_string().ok().map(String::as_str))
}

impl Vocab {
    /// The tokenizer described by a GGUF file's metadata.
    ///
    /// # Errors
    /// No or malformed `tokenizer.ggml.*` metadata, or a tokenizer model other than `llama`
    /// (SentencePiece) and `gpt2` (byte-level BPE).
    pub fn from_gguf(ct: &Content) -> Result<Self> {
        let model = meta_str(ct, "tokenizer.ggml.model").unwrap_or("llama");
        match model {
            "llama" => Ok(Self::Spm(Box::new(Spm::from_gguf(ct)?))),
            "gpt2" => Ok(Self::Hf(Box::new(bpe_from_gguf(ct)?))),
            other => Err(MlError::Tokenizer(format!(
                "tokenizer.ggml.model {other:?} is not supported (llama and gpt2 are); put the model's tokenizer.json beside the GGUF file"
            ))),
        }
    }

    /// Token ids of `text`; `special` lets control tokens written in the text (such as
    /// `<start_of_turn>`) be read as those tokens.
    ///
    /// # Errors
    /// The `tokenizers` tokenizer failed.
    pub fn encode(&self, text: &str, special: bool) -> Result<Vec<u32>> {
        match self {
            Self::Spm(s) => Ok(s.encode(text, special)),
            Self::Hf(t) => Ok(t
                .encode_fast(text, false)
                .map_err(|e| MlError::Tokenizer(e.to_string()))?
                .get_ids()
                .to_vec()),
        }
    }

    /// The bytes a token stands for in generated text (control tokens stand for nothing).
    #[must_use]
    pub fn piece(&self, id: u32) -> Vec<u8> {
        match self {
            Self::Spm(s) => s.piece(id),
            Self::Hf(t) => {
                if t.get_added_tokens_decoder()
                    .get(&id)
                    .is_some_and(|a| a.special)
                {
                    return Vec::new();
                }
                t.decode(&[id], false).unwrap_or_default().into_bytes()
            }
        }
    }

    /// The text of several tokens.
    #[must_use]
    pub fn decode(&self, ids: &[u32]) -> String {
        match self {
            Self::Spm(_) => {
                let bytes: Vec<u8> = ids.iter().flat_map(|&id| self.piece(id)).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            }
            Self::Hf(t) => t.decode(ids, true).unwrap_or_default(),
        }
    }

    /// The id of a token written exactly as `text`.
    #[must_use]
    pub fn id(&self, text: &str) -> Option<u32> {
        match self {
            Self::Spm(s) => s.ids.get(text).copied(),
            Self::Hf(t) => t.token_to_id(text),
        }
    }

    /// The text of token `id`, as stored in the vocabulary.
    #[must_use]
    pub fn token(&self, id: u32) -> Option<String> {
        match self {
            Self::Spm(s) => s.tokens.get(id as usize).cloned(),
            Self::Hf(t) => t.id_to_token(id),
        }
    }

    /// The number of tokens.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Spm(s) => s.tokens.len(),
            Self::Hf(t) => t.get_vocab_size(true),
        }
    }

    /// Whether the vocabulary is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Clone, Copy)]
struct Symbol {
    start: usize,
    len: usize,
    prev: isize,
    next: isize,
}

struct Bigram {
    left: usize,
    right: usize,
    score: f32,
    size: usize,
}

impl PartialEq for Bigram {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Bigram {}
impl PartialOrd for Bigram {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Bigram {
    /// llama.cpp's `llm_bigram_spm::comparator`: the higher score first, then the leftmost.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score
            .total_cmp(&other.score)
            .then_with(|| other.left.cmp(&self.left))
    }
}

impl Spm {
    fn from_gguf(ct: &Content) -> Result<Self> {
        let tokens = strings(ct, "tokenizer.ggml.tokens")?;
        let n = tokens.len();
        let scores = match meta(ct, "tokenizer.ggml.scores") {
            Some(v) => v
                .to_vec()
                .map_err(|e| MlError::Tokenizer(format!("tokenizer.ggml.scores: {e}")))?
                .iter()
                .map(|s| s.to_f32().unwrap_or(0.0))
                .collect(),
            None => vec![0.0; n],
        };
        let types: Vec<i32> = match meta(ct, "tokenizer.ggml.token_type") {
            Some(v) => v
                .to_vec()
                .map_err(|e| MlError::Tokenizer(format!("tokenizer.ggml.token_type: {e}")))?
                .iter()
                .map(|s| s.to_i32().unwrap_or(1))
                .collect(),
            None => vec![1; n],
        };
        if scores.len() != n || types.len() != n {
            return Err(MlError::Tokenizer(format!(
                "the GGUF has {n} tokens but {} scores and {} token types",
                scores.len(),
                types.len()
            )));
        }
        let mut ids = HashMap::with_capacity(n);
        for (i, t) in tokens.iter().enumerate() {
            ids.entry(t.clone()).or_insert(i as u32);
        }
        let mut special: Vec<u32> = (0..n)
            .filter(|&i| {
                matches!(types[i], TYPE_CONTROL | TYPE_USER_DEFINED | TYPE_UNKNOWN)
                    && !tokens[i].is_empty()
            })
            .map(|i| i as u32)
            .collect();
        special.sort_by(|&a, &b| {
            tokens[b as usize]
                .len()
                .cmp(&tokens[a as usize].len())
                .then(a.cmp(&b))
        });
        let unk = meta_u32(ct, "tokenizer.ggml.unknown_token_id").unwrap_or(0);
        let add_space_prefix = meta_bool(ct, "tokenizer.ggml.add_space_prefix").unwrap_or(true);
        Ok(Self {
            tokens,
            scores,
            types,
            ids,
            special,
            unk,
            add_space_prefix,
        })
    }

    /// Cuts `text` into raw-text fragments and special tokens, the way llama.cpp's
    /// `tokenizer_st_partition` does (each special token in turn, longest first).
    fn partition<'a>(&self, text: &'a str, special: bool) -> Vec<Fragment<'a>> {
        let mut fragments = vec![Fragment::Text(text)];
        for &id in &self.special {
            let t = self.types[id as usize];
            if !special && (t == TYPE_CONTROL || t == TYPE_UNKNOWN) {
                continue;
            }
            let needle = self.tokens[id as usize].as_str();
            if !fragments
                .iter()
                .any(|f| matches!(f, Fragment::Text(s) if s.contains(needle)))
            {
                continue;
            }
            let mut next = Vec::with_capacity(fragments.len() + 2);
            for f in fragments {
                match f {
                    Fragment::Text(mut s) => {
                        while let Some(at) = s.find(needle) {
                            if at > 0 {
                                next.push(Fragment::Text(&s[..at]));
                            }
                            next.push(Fragment::Token(id));
                            s = &s[at + needle.len()..];
                        }
                        if !s.is_empty() {
                            next.push(Fragment::Text(s));
                        }
                    }
                    token => next.push(token),
                }
            }
            fragments = next;
        }
        fragments
    }

    fn encode(&self, text: &str, special: bool) -> Vec<u32> {
        let mut out = Vec::with_capacity(text.len() / 3 + 4);
        let mut prev_special = true;
        for fragment in self.partition(text, special) {
            match fragment {
                Fragment::Token(id) => {
                    out.push(id);
                    prev_special = true;
                }
                Fragment::Text(s) => {
                    let mut t = String::with_capacity(s.len() + 4);
                    if self.add_space_prefix && prev_special {
                        t.push(' ');
                    }
                    t.push_str(s);
                    self.session(&t.replace(' ', "\u{2581}"), &mut out);
                    prev_special = false;
                }
            }
        }
        out
    }

    /// llama.cpp's `llm_tokenizer_spm_session::tokenize` on already escaped text.
    fn session(&self, text: &str, out: &mut Vec<u32>) {
        if text.is_empty() {
            return;
        }
        let mut symbols: Vec<Symbol> = Vec::with_capacity(text.len());
        for (i, (start, c)) in text.char_indices().enumerate() {
            let len = c.len_utf8();
            symbols.push(Symbol {
                start,
                len,
                prev: i as isize - 1,
                next: if start + len == text.len() {
                    -1
                } else {
                    i as isize + 1
                },
            });
        }
        let mut queue = BinaryHeap::new();
        let mut rev_merge: HashMap<&str, (usize, usize)> = HashMap::new();
        for i in 1..symbols.len() {
            self.try_add(
                text,
                i as isize - 1,
                i as isize,
                &symbols,
                &mut queue,
                &mut rev_merge,
            );
        }
        while let Some(b) = queue.pop() {
            let (l, r) = (symbols[b.left], symbols[b.right]);
            if l.len == 0 || r.len == 0 || l.len + r.len != b.size {
                continue;
            }
            symbols[b.left].len += r.len;
            symbols[b.right].len = 0;
            symbols[b.left].next = r.next;
            if r.next >= 0 {
                symbols[r.next as usize].prev = b.left as isize;
            }
            let (prev, next) = (symbols[b.left].prev, symbols[b.left].next);
            self.try_add(
                text,
                prev,
                b.left as isize,
                &symbols,
                &mut queue,
                &mut rev_merge,
            );
            self.try_add(
                text,
                b.left as isize,
                next,
                &symbols,
                &mut queue,
                &mut rev_merge,
            );
        }
        let mut i: isize = 0;
        while i >= 0 {
            let s = symbols[i as usize];
            self.resegment(text, &symbols, s, &rev_merge, out);
            i = s.next;
        }
    }

    /// llama.cpp's `try_add_bigram`: queue the merge of two adjacent symbols if their joined
    /// text is a token.
    fn try_add<'t>(
        &self,
        text: &'t str,
        left: isize,
        right: isize,
        symbols: &[Symbol],
        queue: &mut BinaryHeap<Bigram>,
        rev_merge: &mut HashMap<&'t str, (usize, usize)>,
    ) {
        if left < 0 || right < 0 {
            return;
        }
        let (l, r) = (symbols[left as usize], symbols[right as usize]);
        let joined = &text[l.start..r.start + r.len];
        let Some(&id) = self.ids.get(joined) else {
            return;
        };
        queue.push(Bigram {
            left: left as usize,
            right: right as usize,
            score: self.scores[id as usize],
            size: joined.len(),
        });
        rev_merge.insert(joined, (left as usize, right as usize));
    }

    fn resegment(
        &self,
        text: &str,
        symbols: &[Symbol],
        s: Symbol,
        rev_merge: &HashMap<&str, (usize, usize)>,
        out: &mut Vec<u32>,
    ) {
        let piece = &text[s.start..s.start + s.len];
        if let Some(&id) = self.ids.get(piece) {
            out.push(id);
            return;
        }
        match rev_merge.get(piece) {
            Some(&(l, r)) => {
                self.resegment(text, symbols, symbols[l], rev_merge, out);
                self.resegment(text, symbols, symbols[r], rev_merge, out);
            }
            None => {
                for b in piece.bytes() {
                    let id = self
                        .ids
                        .get(&format!("<0x{b:02X}>"))
                        .or_else(|| std::str::from_utf8(&[b]).ok().and_then(|c| self.ids.get(c)))
                        .copied()
                        .unwrap_or(self.unk);
                    out.push(id);
                }
            }
        }
    }

    fn piece(&self, id: u32) -> Vec<u8> {
        let Some(text) = self.tokens.get(id as usize) else {
            return Vec::new();
        };
        match self.types[id as usize] {
            TYPE_CONTROL | TYPE_UNKNOWN => Vec::new(),
            TYPE_BYTE => text
                .strip_prefix("<0x")
                .and_then(|h| h.strip_suffix('>'))
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .map(|b| vec![b])
                .unwrap_or_default(),
            _ => text.replace('\u{2581}', " ").into_bytes(),
        }
    }
}

enum Fragment<'a> {
    Text(&'a str),
    Token(u32),
}

/// The pre-tokenizer regex llama.cpp uses for `tokenizer.ggml.pre` (llama-vocab.cpp).
fn pre_regex(pre: &str) -> &'static str {
    match pre {
        "llama3" | "llama-bpe" | "llama-v3" | "smaug-bpe" | "dbrx" => {
            r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
        }
        "qwen2" | "deepseek-r1-qwen" => {
            r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
        }
        _ => r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
    }
}

/// A byte-level BPE tokenizer (`tokenizers`) from `tokenizer.ggml.tokens` and `.merges`.
fn bpe_from_gguf(ct: &Content) -> Result<tokenizers::Tokenizer> {
    use tokenizers::models::bpe::BPE;
    use tokenizers::pre_tokenizers::byte_level::ByteLevel;
    use tokenizers::pre_tokenizers::sequence::Sequence;
    use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
    use tokenizers::{AddedToken, PreTokenizerWrapper, SplitDelimiterBehavior};

    let tokens = strings(ct, "tokenizer.ggml.tokens")?;
    let merges = strings(ct, "tokenizer.ggml.merges")?;
    let types: Vec<i32> = meta(ct, "tokenizer.ggml.token_type")
        .and_then(|v| v.to_vec().ok())
        .map(|v| v.iter().map(|s| s.to_i32().unwrap_or(1)).collect())
        .unwrap_or_else(|| vec![1; tokens.len()]);
    let vocab: tokenizers::models::bpe::Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let merges: Vec<(String, String)> = merges
        .iter()
        .filter_map(|m| m.split_once(' '))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(|e| MlError::Tokenizer(format!("the GGUF's BPE vocabulary: {e}")))?;
    let mut tk = tokenizers::Tokenizer::new(bpe);
    let pre = meta_str(ct, "tokenizer.ggml.pre").unwrap_or("default");
    let split = Split::new(
        SplitPattern::Regex(pre_regex(pre).to_string()),
        SplitDelimiterBehavior::Isolated,
        false,
    )
    .map_err(|e| MlError::Tokenizer(format!("pre-tokenizer {pre:?}: {e}")))?;
    tk.with_pre_tokenizer(Some(Sequence::new(vec![
        PreTokenizerWrapper::Split(split),
        PreTokenizerWrapper::ByteLevel(ByteLevel::new(false, false, false)),
    ])));
    tk.with_decoder(Some(ByteLevel::default()));
    let added: Vec<AddedToken> = tokens
        .iter()
        .zip(&types)
        .filter(|(_, t)| matches!(**t, TYPE_CONTROL | TYPE_USER_DEFINED))
        .map(|(s, t)| AddedToken::from(s.clone(), *t == TYPE_CONTROL))
        .collect();
    tk.add_special_tokens(added)
        .map_err(|e| MlError::Tokenizer(format!("special tokens: {e}")))?;
    Ok(tk)
}
