//! Where pubminer keeps and finds its data: the user's data directory, the vocabulary
//! directory, the shared data beside a checkout, the default lexicon and knowledge base; and
//! how a finished file is put in place (`NAME.partial`, then a rename).
//!
//! Resolution order, first match wins:
//! - data directory: `$PUBMINER_HOME`, else `$XDG_DATA_HOME/pubminer`, else
//!   `~/.local/share/pubminer`;
//! - vocabularies: `--vocab DIR`, else `$PUBMINER_VOCAB`, else `DATA_DIR/vocab` when
//!   `pubminer setup` filled it, else the shared data's `vocab/`;
//! - shared data: `$PUBMINER_DATA`, else `../shared/data` or `shared/data` from the current
//!   directory (a checkout with the shared folder beside it).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

/// The user's pubminer data directory (not created here).
#[must_use]
pub fn data_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("PUBMINER_HOME") {
        return PathBuf::from(home);
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|x| !x.is_empty()) {
        return PathBuf::from(xdg).join("pubminer");
    }
    std::env::var_os("HOME").map_or_else(
        || PathBuf::from(".pubminer"),
        |h| PathBuf::from(h).join(".local/share/pubminer"),
    )
}

/// The shared data directory of a checkout, when present.
#[must_use]
pub fn shared_data() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("PUBMINER_DATA") {
        let d = PathBuf::from(d);
        return d.is_dir().then_some(d);
    }
    ["../shared/data", "shared/data"]
        .iter()
        .map(PathBuf::from)
        .find(|d| d.join("README.md").exists() || d.join("vocab").is_dir())
}

/// The vocabulary directory to build from.
///
/// # Errors
/// When none is found, with what to do.
pub fn vocab_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if !dir.is_dir() {
            bail!("--vocab {}: no such directory", dir.display());
        }
        return Ok(dir.to_owned());
    }
    if let Some(dir) = std::env::var_os("PUBMINER_VOCAB") {
        return Ok(PathBuf::from(dir));
    }
    let installed = data_dir().join("vocab");
    if installed.join("MANIFEST.json").exists() {
        return Ok(installed);
    }
    if let Some(shared) = shared_data() {
        let v = shared.join("vocab");
        if v.is_dir() {
            return Ok(v);
        }
    }
    bail!(
        "no vocabularies found: run `pubminer setup` (copies ../shared/data/vocab, or downloads the official releases with --download), or pass --vocab DIR"
    )
}

/// The default lexicon artifact path.
#[must_use]
pub fn default_lexicon() -> PathBuf {
    data_dir().join("lexicon.pmlex")
}

/// The default IHC knowledge base.
#[must_use]
pub fn default_kb() -> PathBuf {
    data_dir().join("ihc.sqlite")
}

/// `PATH.partial`, where an output is written until it is complete and renamed to `PATH`.
///
/// # Errors
/// When `path` is a directory: refused before anything is written (else the whole output
/// would be written to `PATH.partial` and left there when the rename fails).
pub fn partial_path(path: &Path) -> Result<PathBuf> {
    if path.is_dir() {
        bail!(
            "cannot write {}: it is a directory; name a file",
            path.display()
        );
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    Ok(PathBuf::from(partial))
}

/// Writes `bytes` to `path` through `path.partial` and a rename, so an interrupted write
/// never leaves a truncated file under the final name.
///
/// # Errors
/// An unwritable directory, or `path` naming one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let partial = partial_path(path)?;
    std::fs::write(&partial, bytes)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, path)
        .with_context(|| format!("cannot rename {} to {}", partial.display(), path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_is_no_output_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomically(dir.path(), b"{}").unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
        let partial = partial_path(&dir.path().join("model.json")).unwrap();
        assert_eq!(partial, dir.path().join("model.json.partial"));
        let mut beside = dir.path().as_os_str().to_owned();
        beside.push(".partial");
        assert!(!PathBuf::from(beside).exists(), "no DIR.partial");
    }
}
