//! Merging equivalent concepts from different vocabularies into one entry.
//!
//! Vocabularies cross-reference each other (`DOID:3910` lists `MESH:D000077192` and
//! `NCIT:C3512`; `ONCOTREE:LUAD` lists `NCIT:C3512`). An entry is a cluster of such
//! equivalent concepts: one mention gets one canonical id plus the ids of everything merged
//! into it, instead of three competing links.
//!
//! Cross-references are noisy (many-to-one, broader/narrower), so merging is constrained:
//!
//! - Architecture invariant: an entry never holds two loaded concepts with the same id
//!   prefix. Two MeSH descriptors are never merged, however the xrefs chain, so an entry
//!   holds at most one concept per vocabulary. (Ids that are only cited as xrefs do not
//!   count: vocabularies often cite two NCIt codes for one tumour type.)
//! - Only concepts of the same entity type merge. Ids that are only xrefs (no loaded
//!   concept, e.g. `NCIT:C3512` or `UMLS:C0152013`) take part as nodes of the type of the
//!   concept that cites them, so they can bridge two vocabularies of that type.
//! - Mutual xrefs are applied first, then one-to-one ones, then the rest, with concepts whose
//!   preferred names agree first; a merge that would break the prefix rule is skipped.
//! - Optionally, concepts of the same type whose preferred names have the same normalised
//!   key merge too (vocabularies such as MONDO's cellxgene export carry no xrefs).
//! - Obsolete concepts keep their own entries and never merge.
//!
//! The canonical id of an entry is the member with the most preferred prefix for its type
//! (configurable; MeSH first for diseases and chemicals, HGNC for genes, UBERON for anatomy).

use std::collections::{BTreeMap, HashMap};

use crate::concept::{Concept, EntityType, SynonymKind, Tags};

/// A merged concept, ready for the artifact.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Canonical id.
    pub id: String,
    /// Preferred name of the canonical concept.
    pub name: String,
    /// Entity type.
    pub entity_type: EntityType,
    /// Union of the members' flags (obsolete only when every member is).
    pub tags: Tags,
    /// Every other id of the entry: merged concepts and the xref ids that bridged them.
    pub xrefs: Vec<String>,
    /// Parent ids of the members, as their vocabularies name them.
    pub parents: Vec<String>,
    /// Every name of every member, each once, with its best kind.
    pub names: Vec<(String, SynonymKind)>,
    /// The vocabulary of the canonical concept.
    pub source: String,
}

/// How to merge.
#[derive(Clone, Debug)]
pub struct MergeOptions {
    /// Per entity type, the id prefixes in order of preference for the canonical id.
    pub canonical: HashMap<EntityType, Vec<String>>,
    /// Also merge concepts of the same type whose preferred names have the same key.
    pub by_name: bool,
}

impl Default for MergeOptions {
    fn default() -> Self {
        let list = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let canonical = HashMap::from([
            (
                EntityType::Disease,
                list(&["MESH", "OMIM", "DOID", "ONCOTREE", "MONDO", "NCIT", "UMLS"]),
            ),
            (EntityType::Chemical, list(&["MESH", "CHEBI", "UMLS"])),
            (
                EntityType::Gene,
                list(&["HGNC", "FPLX", "NCBIGene", "UMLS"]),
            ),
            (EntityType::Anatomy, list(&["UBERON", "MESH", "UMLS"])),
            (EntityType::CellType, list(&["CL", "MESH", "UMLS"])),
            (EntityType::Species, list(&["NCBITaxon", "MESH", "UMLS"])),
        ]);
        Self {
            canonical,
            by_name: true,
        }
    }
}

/// What merging did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeStats {
    /// Concepts in.
    pub concepts: u64,
    /// Entries out.
    pub entries: u64,
    /// Concepts that joined another concept's entry.
    pub merged: u64,
    /// Merges skipped because they would put two ids with one prefix in an entry.
    pub blocked: u64,
    /// Merges made by equal preferred names rather than xrefs.
    pub by_name: u64,
}

struct Node {
    id: String,
    entity_type: EntityType,
    prefix: usize,
    concepts: Vec<usize>,
}

struct UnionFind {
    parent: Vec<usize>,
    /// Per root: the id prefixes of its loaded concepts, as bits (prefixes beyond the 128th
    /// seen are not tracked; there are about 30 in practice).
    prefixes: Vec<u128>,
}

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    /// Joins the sets of `a` and `b` unless they share a prefix. Returns whether they are
    /// now one set (true also when they already were).
    fn union(&mut self, a: usize, b: usize) -> Option<bool> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Some(false);
        }
        if self.prefixes[ra] & self.prefixes[rb] != 0 {
            return None;
        }
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[child] = root;
        self.prefixes[root] |= self.prefixes[child];
        Some(true)
    }
}

/// Merges `concepts` into entries. `key_of` gives the normalised key of a name (used to
/// compare preferred names).
#[must_use]
pub fn merge(
    concepts: Vec<Concept>,
    options: &MergeOptions,
    mut key_of: impl FnMut(&str) -> String,
) -> (Vec<Entry>, MergeStats) {
    let mut stats = MergeStats {
        concepts: concepts.len() as u64,
        ..MergeStats::default()
    };
    let mut prefix_ids: HashMap<String, usize> = HashMap::new();
    let mut prefix_of = |id: &str| {
        let prefix = id.split_once(':').map_or(id, |(p, _)| p);
        let next = prefix_ids.len();
        *prefix_ids.entry(prefix.to_owned()).or_insert(next)
    };
    let mut nodes: Vec<Node> = Vec::new();
    let mut node_of: HashMap<(EntityType, String), usize> = HashMap::new();
    let mut node_for = |id: &str, t: EntityType, nodes: &mut Vec<Node>| -> usize {
        if let Some(&n) = node_of.get(&(t, id.to_owned())) {
            return n;
        }
        let n = nodes.len();
        nodes.push(Node {
            id: id.to_owned(),
            entity_type: t,
            prefix: prefix_of(id),
            concepts: Vec::new(),
        });
        node_of.insert((t, id.to_owned()), n);
        n
    };

    // Concept nodes first (so node order follows load order), then xref nodes.
    let mut concept_node = Vec::with_capacity(concepts.len());
    for (i, c) in concepts.iter().enumerate() {
        let n = node_for(&c.id, c.entity_type, &mut nodes);
        nodes[n].concepts.push(i);
        concept_node.push(n);
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (i, c) in concepts.iter().enumerate() {
        if c.tags.contains(Tags::OBSOLETE) {
            continue;
        }
        for x in &c.xrefs {
            if *x == c.id {
                continue;
            }
            let target = node_for(x, c.entity_type, &mut nodes);
            if nodes[target]
                .concepts
                .iter()
                .any(|&k| concepts[k].tags.contains(Tags::OBSOLETE))
            {
                continue;
            }
            edges.push((concept_node[i], target));
        }
    }
    edges.sort_unstable();
    edges.dedup();

    // Rank edges: mutual, then one-to-one, then the rest; equal preferred names first.
    let edge_set: std::collections::HashSet<(usize, usize)> = edges.iter().copied().collect();
    let mut out_by_prefix: HashMap<(usize, usize), u32> = HashMap::new();
    let mut in_by_prefix: HashMap<(usize, usize), u32> = HashMap::new();
    for &(a, b) in &edges {
        *out_by_prefix.entry((a, nodes[b].prefix)).or_default() += 1;
        *in_by_prefix.entry((b, nodes[a].prefix)).or_default() += 1;
    }
    let preferred_key = |n: usize, nodes: &[Node], key_of: &mut dyn FnMut(&str) -> String| {
        nodes[n]
            .concepts
            .first()
            .map(|&k| key_of(&concepts[k].name))
    };
    let mut ranked: Vec<(u8, usize, usize)> = edges
        .iter()
        .map(|&(a, b)| {
            let mutual = edge_set.contains(&(b, a));
            let one_to_one = out_by_prefix[&(a, nodes[b].prefix)] == 1
                && in_by_prefix[&(b, nodes[a].prefix)] == 1;
            let same_name = match (
                preferred_key(a, &nodes, &mut key_of),
                preferred_key(b, &nodes, &mut key_of),
            ) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            };
            let rank = match (mutual, one_to_one) {
                (true, _) => 0,
                (false, true) => 2,
                (false, false) => 4,
            } + u8::from(!same_name);
            (rank, a, b)
        })
        .collect();
    ranked.sort_unstable();

    let mut uf = UnionFind {
        parent: (0..nodes.len()).collect(),
        // Only loaded concepts count for the prefix rule: two vocabularies may cite two
        // different NCIt codes for what is one tumour type, and that must not stop them
        // from merging (ONCOTREE:LUAD cites NCIT:C3512, DOID:3910 cites NCIT:C27745).
        prefixes: nodes
            .iter()
            .map(|n| {
                if n.prefix < 128 && !n.concepts.is_empty() {
                    1u128 << n.prefix
                } else {
                    0
                }
            })
            .collect(),
    };
    for &(_, a, b) in &ranked {
        if uf.union(a, b).is_none() {
            stats.blocked += 1;
        }
    }

    if options.by_name {
        // Group concept nodes by (type, preferred-name key) and merge within each group.
        let mut by_key: BTreeMap<(EntityType, String), Vec<usize>> = BTreeMap::new();
        for (n, node) in nodes.iter().enumerate() {
            let Some(&k) = node.concepts.first() else {
                continue;
            };
            if concepts[k].tags.contains(Tags::OBSOLETE) {
                continue;
            }
            let key = key_of(&concepts[k].name);
            if !key.is_empty() {
                by_key.entry((node.entity_type, key)).or_default().push(n);
            }
            // HGNC names a gene by its symbol; its approved name is an Exact synonym. Gene
            // products that MeSH types as genes (`Nicotinamide N-Methyltransferase`) have that
            // as their preferred name, so it must be comparable too.
            if node.entity_type == EntityType::Gene && node.id.starts_with("HGNC:") {
                for s in &concepts[k].synonyms {
                    if s.kind == SynonymKind::Exact {
                        let key = key_of(&s.text);
                        if !key.is_empty() {
                            let list = by_key.entry((node.entity_type, key)).or_default();
                            if !list.contains(&n) {
                                list.push(n);
                            }
                        }
                    }
                }
            }
        }
        for group in by_key.values() {
            for &other in &group[1..] {
                if uf.union(group[0], other) == Some(true) {
                    stats.by_name += 1;
                }
            }
        }
    }

    // Collect clusters in order of their first concept node.
    let mut cluster_of_root: HashMap<usize, usize> = HashMap::new();
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    for n in 0..nodes.len() {
        let root = uf.find(n);
        let c = *cluster_of_root.entry(root).or_insert_with(|| {
            clusters.push(Vec::new());
            clusters.len() - 1
        });
        clusters[c].push(n);
    }

    let mut entries = Vec::new();
    for members in clusters {
        let concept_members: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&n| !nodes[n].concepts.is_empty())
            .collect();
        let Some(&first) = concept_members.first() else {
            continue; // only xref ids, no concept
        };
        let entity_type = nodes[first].entity_type;
        let priority = options.canonical.get(&entity_type);
        let rank_of = |n: usize| {
            let prefix = nodes[n].id.split_once(':').map_or("", |(p, _)| p);
            priority
                .and_then(|list| list.iter().position(|p| p == prefix))
                .unwrap_or(usize::MAX)
        };
        let canonical = concept_members
            .iter()
            .copied()
            .min_by_key(|&n| (rank_of(n), n))
            .unwrap_or(first);
        let head = &concepts[nodes[canonical].concepts[0]];
        let member_concepts: Vec<&Concept> = concept_members
            .iter()
            .flat_map(|&n| nodes[n].concepts.iter().map(|&k| &concepts[k]))
            .collect();
        stats.merged += member_concepts.len().saturating_sub(1) as u64;

        let mut tags = Tags::default();
        let mut all_obsolete = true;
        for c in &member_concepts {
            tags.insert(Tags(c.tags.0 & !Tags::OBSOLETE.0));
            all_obsolete &= c.tags.contains(Tags::OBSOLETE);
        }
        if all_obsolete {
            tags.insert(Tags::OBSOLETE);
        }

        let mut names: Vec<(String, SynonymKind)> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut add = |text: &str, kind: SynonymKind, names: &mut Vec<(String, SynonymKind)>| {
            let text = text.trim();
            if text.is_empty() {
                return;
            }
            match seen.get(text) {
                Some(&i) => {
                    if kind.rank() < names[i].1.rank() {
                        names[i].1 = kind;
                    }
                }
                None => {
                    seen.insert(text.to_owned(), names.len());
                    names.push((text.to_owned(), kind));
                }
            }
        };
        add(&head.name, SynonymKind::Preferred, &mut names);
        for c in std::iter::once(head).chain(member_concepts.iter().copied()) {
            for (text, kind) in c.names() {
                add(text, kind, &mut names);
            }
        }

        drop_lowercased_acronyms(&mut names);

        let mut xrefs: Vec<String> = members
            .iter()
            .filter(|&&n| n != canonical)
            .map(|&n| nodes[n].id.clone())
            .collect();
        xrefs.sort();
        xrefs.dedup();
        let mut parents: Vec<String> = member_concepts
            .iter()
            .flat_map(|c| c.parents.iter().cloned())
            .collect();
        parents.sort();
        parents.dedup();

        entries.push(Entry {
            id: nodes[canonical].id.clone(),
            name: head.name.clone(),
            entity_type,
            tags,
            xrefs,
            parents,
            names,
            source: head.source.clone(),
        });
    }
    stats.entries = entries.len() as u64;
    (entries, stats)
}

/// Some vocabularies list an acronym again in lower case (MONDO: `FED` and `fed` for fish
/// eye disease). The lower-case copy of a short acronym matches ordinary words (`fed`), so
/// it is dropped when the entry also has the acronym itself.
fn drop_lowercased_acronyms(names: &mut Vec<(String, SynonymKind)>) {
    let upper: std::collections::HashSet<&str> = names
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.chars().count() <= 5 && n.chars().any(char::is_uppercase))
        .collect();
    if upper.is_empty() {
        return;
    }
    let drop: std::collections::HashSet<String> = names
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| {
            n.chars().count() <= 5
                && !n.contains(' ')
                && n.chars().all(|c| !c.is_uppercase())
                && upper.contains(n.to_uppercase().as_str())
        })
        .map(str::to_owned)
        .collect();
    if !drop.is_empty() {
        names.retain(|(n, _)| !drop.contains(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::concept::Synonym;

    fn concept(id: &str, name: &str, t: EntityType, xrefs: &[&str]) -> Concept {
        let mut c = Concept::new(id, name, t, id.split(':').next().unwrap().to_lowercase());
        c.xrefs = xrefs.iter().map(|s| (*s).to_owned()).collect();
        c
    }

    fn key(s: &str) -> String {
        s.to_lowercase()
    }

    #[test]
    fn xrefs_and_shared_xref_ids_merge_with_mesh_canonical() {
        let d = EntityType::Disease;
        let concepts = vec![
            concept(
                "DOID:3910",
                "lung adenocarcinoma",
                d,
                &["MESH:D000077192", "NCIT:C3512"],
            ),
            concept("ONCOTREE:LUAD", "Lung Adenocarcinoma", d, &["NCIT:C3512"]),
            concept("MESH:D000077192", "Adenocarcinoma of Lung", d, &[]),
        ];
        let (entries, stats) = merge(concepts, &MergeOptions::default(), key);
        assert_eq!(entries.len(), 1, "{entries:#?}");
        let e = &entries[0];
        assert_eq!(e.id, "MESH:D000077192");
        assert_eq!(e.name, "Adenocarcinoma of Lung");
        assert_eq!(e.xrefs, vec!["DOID:3910", "NCIT:C3512", "ONCOTREE:LUAD"]);
        assert!(e.names.iter().any(|(n, _)| n == "Lung Adenocarcinoma"));
        assert_eq!(stats.merged, 2);
    }

    #[test]
    fn never_two_ids_of_one_prefix() {
        let d = EntityType::Disease;
        // Two DO terms both cite one MeSH descriptor: only the one with the same name joins.
        let concepts = vec![
            concept("DOID:1", "breast carcinoma", d, &["MESH:D001943"]),
            concept("DOID:2", "breast cancer", d, &["MESH:D001943"]),
            concept("MESH:D001943", "Breast Cancer", d, &[]),
        ];
        let (entries, stats) = merge(concepts, &MergeOptions::default(), key);
        assert_eq!(entries.len(), 2);
        let mesh = entries.iter().find(|e| e.id == "MESH:D001943").unwrap();
        assert_eq!(mesh.xrefs, vec!["DOID:2"]);
        assert_eq!(stats.blocked, 1);
    }

    #[test]
    fn types_do_not_mix_and_names_can_merge() {
        let concepts = vec![
            concept("HGNC:1", "KIT", EntityType::Gene, &["NCIT:C1"]),
            concept("DOID:9", "kit disease", EntityType::Disease, &["NCIT:C1"]),
            concept("MONDO:7", "Kit Disease", EntityType::Disease, &[]),
        ];
        let (entries, stats) = merge(concepts, &MergeOptions::default(), key);
        assert_eq!(entries.len(), 2);
        let disease = entries
            .iter()
            .find(|e| e.entity_type == EntityType::Disease)
            .unwrap();
        assert_eq!(disease.id, "DOID:9");
        assert_eq!(disease.xrefs, vec!["MONDO:7", "NCIT:C1"]);
        assert_eq!(stats.by_name, 1);
    }

    #[test]
    fn same_id_from_two_sources_is_one_entry_with_both_names() {
        let d = EntityType::Disease;
        let mut a = concept("MESH:D009369", "Neoplasms", d, &[]);
        a.synonyms.push(Synonym::new("Tumors", SynonymKind::Exact));
        let mut b = concept("MESH:D009369", "Neoplasms", d, &["DOID:14566"]);
        b.synonyms.push(Synonym::new("Cancer", SynonymKind::Exact));
        b.source = "medic".into();
        let (entries, _) = merge(vec![a, b], &MergeOptions::default(), key);
        assert_eq!(entries.len(), 1);
        let names: Vec<&str> = entries[0].names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["Neoplasms", "Tumors", "Cancer"]);
        assert_eq!(entries[0].xrefs, vec!["DOID:14566"]);
    }

    #[test]
    fn lower_cased_acronyms_are_dropped() {
        let d = EntityType::Disease;
        let mut c = concept("MONDO:1", "fish eye disease", d, &[]);
        c.synonyms.push(Synonym::new("FED", SynonymKind::Exact));
        c.synonyms.push(Synonym::new("fed", SynonymKind::Exact));
        c.synonyms.push(Synonym::new("gout", SynonymKind::Exact));
        let (entries, _) = merge(vec![c], &MergeOptions::default(), key);
        let names: Vec<&str> = entries[0].names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, vec!["fish eye disease", "FED", "gout"]);
    }

    #[test]
    fn obsolete_concepts_stay_apart() {
        let d = EntityType::Disease;
        let mut old = concept("DOID:5", "old", d, &["MESH:D1"]);
        old.tags.insert(Tags::OBSOLETE);
        let concepts = vec![old, concept("MESH:D1", "new", d, &[])];
        let (entries, _) = merge(concepts, &MergeOptions::default(), key);
        assert_eq!(entries.len(), 2);
        assert!(entries[0].tags.contains(Tags::OBSOLETE));
    }
}
