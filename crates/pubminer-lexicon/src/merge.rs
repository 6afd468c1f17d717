//! Merging equivalent concepts through their cross-references.
