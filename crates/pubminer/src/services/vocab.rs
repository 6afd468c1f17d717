//! The vocabularies in the user's data directory (what `pubminer setup` does, and `ihc demo`
//! without shared data): copied or downloaded, recorded in a manifest, then the default
//! lexicon built from them.
//!
//! Two ways in:
//! - from a local folder (`--from DIR`, or the shared data's `vocab/` when it is beside the
//!   checkout): the files the default lexicon needs are copied;
//! - `--download`: the official release files (HGNC, MeSH, CTD MEDIC, Disease Ontology,
//!   OncoTree, UBERON, Cell Ontology, MONDO, FamPlex) are fetched, resumably, into the
//!   layout that the default `lexicon.toml` knows as each group's second alternative.
//!
//! Either way `DATA_DIR/vocab/MANIFEST.json` records every file with its SHA-256, size and
//! origin. A later run verifies files against it (and against `--checksums FILE` pins, in
//! `sha256sum` format) and fetches only what is missing or wrong. The official "latest"
//! files change with each release, so pubminer cannot pin their checksums itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use pubminer_fetch::{Download, Downloader, sha256_file};
use pubminer_lexicon::BuildConfig;
use serde::{Deserialize, Serialize};

use crate::paths;
use crate::printer::Printer;

/// The official release files: (path under the vocabulary directory, URL).
pub const OFFICIAL: &[(&str, &str)] = &[
    (
        "hgnc/hgnc_complete_set.txt",
        "https://storage.googleapis.com/public-download-files/hgnc/tsv/tsv/hgnc_complete_set.txt",
    ),
    (
        "mesh/desc2025.xml",
        "https://nlmpubs.nlm.nih.gov/projects/mesh/MESH_FILES/xmlmesh/desc2025.xml",
    ),
    (
        "mesh/supp2025.xml",
        "https://nlmpubs.nlm.nih.gov/projects/mesh/MESH_FILES/xmlmesh/supp2025.xml",
    ),
    (
        "ctd-medic/CTD_diseases.tsv.gz",
        "https://ctdbase.org/reports/CTD_diseases.tsv.gz",
    ),
    (
        "disease-ontology/doid.obo",
        "https://raw.githubusercontent.com/DiseaseOntology/HumanDiseaseOntology/main/src/ontology/doid.obo",
    ),
    (
        "oncotree/tumor_types.json",
        "https://oncotree.mskcc.org/api/tumorTypes",
    ),
    (
        "uberon/uberon-basic.obo",
        "http://purl.obolibrary.org/obo/uberon/basic.obo",
    ),
    (
        "cell-ontology/cl-basic.obo",
        "http://purl.obolibrary.org/obo/cl/cl-basic.obo",
    ),
    (
        "mondo/mondo.obo",
        "http://purl.obolibrary.org/obo/mondo.obo",
    ),
    (
        "famplex/entities.csv",
        "https://raw.githubusercontent.com/sorgerlab/famplex/master/entities.csv",
    ),
    (
        "famplex/equivalences.csv",
        "https://raw.githubusercontent.com/sorgerlab/famplex/master/equivalences.csv",
    ),
    (
        "famplex/relations.csv",
        "https://raw.githubusercontent.com/sorgerlab/famplex/master/relations.csv",
    ),
    (
        "famplex/grounding_map.csv",
        "https://raw.githubusercontent.com/sorgerlab/famplex/master/grounding_map.csv",
    ),
];

/// One file of the vocabulary directory.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestEntry {
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Where it came from (a URL, or `copy:DIR`).
    pub origin: String,
}

/// `MANIFEST.json`: relative path → entry.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// The files.
    pub files: BTreeMap<String, ManifestEntry>,
}

impl Manifest {
    fn load(dir: &Path) -> Result<Self> {
        let path = dir.join("MANIFEST.json");
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a pubminer manifest; remove it to start afresh",
                path.display()
            )
        })
    }

    fn save(&self, dir: &Path) -> Result<()> {
        let path = dir.join("MANIFEST.json");
        let tmp = dir.join("MANIFEST.json.partial");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Reads `sha256sum`-style pins: `HEX  relative/path` per line.
fn read_pins(path: &Path) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut pins = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(hash), Some(file)) = (parts.next(), parts.next()) else {
            bail!("{}:{}: expected `SHA256  PATH`", path.display(), i + 1);
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("{}:{}: {hash:?} is not a SHA-256", path.display(), i + 1);
        }
        pins.insert(
            file.trim_start_matches('*').to_owned(),
            hash.to_ascii_lowercase(),
        );
    }
    Ok(pins)
}

/// What to install.
#[derive(Debug)]
pub struct Install<'a> {
    /// Copy from this folder.
    pub from: Option<&'a Path>,
    /// Download the official releases.
    pub download: bool,
    /// Fetch from this base URL instead of the official hosts (`BASE/relative/path`).
    pub mirror: Option<&'a str>,
    /// Pinned checksums.
    pub checksums: Option<&'a Path>,
    /// Do not build the lexicon afterwards.
    pub no_build: bool,
}

/// Installs the vocabularies and (unless told not to) builds the default lexicon from them.
/// Returns a summary for stdout.
///
/// # Errors
/// Nothing to copy from, failed transfers, checksum mismatches, a failed build.
pub fn install(args: &Install<'_>, printer: &Printer) -> Result<String> {
    let data = paths::data_dir();
    let vocab = data.join("vocab");
    std::fs::create_dir_all(&vocab)
        .with_context(|| format!("cannot create {}", vocab.display()))?;
    let mut manifest = Manifest::load(&vocab)?;
    let pins = match args.checksums {
        Some(p) => read_pins(p)?,
        None => BTreeMap::new(),
    };
    let mut summary = String::new();
    if args.download {
        download_all(args, &vocab, &mut manifest, &pins, &mut summary, printer)?;
    } else {
        let from = match args.from {
            Some(dir) => dir.to_owned(),
            None => paths::shared_data().map(|d| d.join("vocab")).context(
                "no local vocabulary folder found (../shared/data/vocab); pass --from DIR, or --download to fetch the official releases",
            )?,
        };
        copy_all(&from, &vocab, &mut manifest, &pins, &mut summary)?;
    }
    manifest.save(&vocab)?;
    if !args.no_build {
        let out = paths::default_lexicon();
        let line = super::lexicon::build(None, &vocab, &out, printer)?;
        summary.push_str(&line);
    }
    Ok(summary)
}

fn check_pin(
    pins: &BTreeMap<String, String>,
    relative: &str,
    sha256: &str,
    path: &Path,
) -> Result<()> {
    if let Some(expected) = pins.get(relative)
        && expected != sha256
    {
        bail!(
            "{}: SHA-256 {sha256} does not match the pinned {expected}",
            path.display()
        );
    }
    Ok(())
}

fn copy_all(
    from: &Path,
    vocab: &Path,
    manifest: &mut Manifest,
    pins: &BTreeMap<String, String>,
    summary: &mut String,
) -> Result<()> {
    if !from.is_dir() {
        bail!("--from {}: no such directory", from.display());
    }
    if from.canonicalize().ok() == vocab.canonicalize().ok() {
        bail!("--from is the vocabulary directory itself");
    }
    // The files the default configuration would use from that folder.
    let config = BuildConfig::default_config()?;
    let chosen = pubminer_lexicon::build::select_sources(&config, from)?;
    let mut files: Vec<PathBuf> = Vec::new();
    for source in chosen {
        for f in source.kind.files() {
            let full = from.join(f);
            if full.is_dir() {
                for entry in std::fs::read_dir(&full)? {
                    let p = entry?.path();
                    if p.is_file() {
                        files.push(p.strip_prefix(from).unwrap_or(&p).to_owned());
                    }
                }
            } else {
                files.push(f.to_owned());
            }
        }
    }
    files.sort();
    files.dedup();
    let (mut copied, mut kept, mut bytes) = (0, 0, 0u64);
    for relative in files {
        let key = relative.to_string_lossy().replace('\\', "/");
        let src = from.join(&relative);
        let dst = vocab.join(&relative);
        let sha = sha256_file(&src)?;
        check_pin(pins, &key, &sha, &src)?;
        let up_to_date = manifest.files.get(&key).is_some_and(|e| e.sha256 == sha)
            && dst.exists()
            && sha256_file(&dst)? == sha;
        if up_to_date {
            kept += 1;
        } else {
            if let Some(parent) = dst.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let tmp = dst.with_extension("partial");
            std::fs::copy(&src, &tmp)
                .with_context(|| format!("cannot copy {} to {}", src.display(), tmp.display()))?;
            std::fs::rename(&tmp, &dst)?;
            copied += 1;
        }
        let size = std::fs::metadata(&dst)?.len();
        bytes += size;
        manifest.files.insert(
            key,
            ManifestEntry {
                sha256: sha,
                bytes: size,
                origin: format!("copy:{}", from.display()),
            },
        );
    }
    summary.push_str(&format!(
        "vocabularies in {}: {copied} copied, {kept} already up to date ({:.0} MB) from {}\n",
        vocab.display(),
        bytes as f64 / 1e6,
        from.display()
    ));
    Ok(())
}

fn download_all(
    args: &Install<'_>,
    vocab: &Path,
    manifest: &mut Manifest,
    pins: &BTreeMap<String, String>,
    summary: &mut String,
    printer: &Printer,
) -> Result<()> {
    let downloader = Downloader::default();
    let (mut fetched, mut kept, mut bytes) = (0, 0, 0u64);
    for (relative, official) in OFFICIAL {
        let url = match args.mirror {
            Some(base) => format!("{}/{relative}", base.trim_end_matches('/')),
            None => (*official).to_owned(),
        };
        let dest = vocab.join(relative);
        // A pin wins; otherwise a file recorded by an earlier run must still match.
        let expected = pins.get(*relative).cloned().or_else(|| {
            manifest
                .files
                .get(*relative)
                .filter(|e| e.origin == url)
                .map(|e| e.sha256.clone())
        });
        printer.status(format_args!("fetching {url}"));
        let outcome = downloader
            .fetch(
                &Download {
                    url: url.clone(),
                    dest,
                    sha256: expected,
                },
                &mut |_, _| {},
            )
            .with_context(|| format!("downloading {relative}"))?;
        if outcome.already_present {
            kept += 1;
        } else {
            fetched += 1;
        }
        bytes += outcome.bytes;
        manifest.files.insert(
            (*relative).to_owned(),
            ManifestEntry {
                sha256: outcome.sha256,
                bytes: outcome.bytes,
                origin: url,
            },
        );
    }
    summary.push_str(&format!(
        "vocabularies in {}: {fetched} downloaded, {kept} already present and verified ({:.0} MB)\n",
        vocab.display(),
        bytes as f64 / 1e6
    ));
    Ok(())
}
