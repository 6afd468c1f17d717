#!/usr/bin/env python3
"""Checks that each IHC extraction rule has a test that needs it.

Each mutation below disables one rule of crates/pubminer-ihc/src/extract.rs; the extraction
tests (crates/pubminer-ihc/tests/extract.rs) must then fail. The file is restored afterwards.

    python3 bench/ihc_rule_mutations.py [RULE ...]

A pattern that is no longer in the source is reported, so the list stays in step with the code.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
P = os.path.join(ROOT, 'crates/pubminer-ihc/src/extract.rs')
orig=open(P).read()
M=[
 ("dedup by text", "let tumour = keys.name_key(&p.tumour_type);", "let tumour = p.tumour_id.clone().unwrap_or_else(|| keys.name_key(&p.tumour_type));"),
 ("abbrev tumours", "if !names_a_tumour(long)", "if true || !names_a_tumour(long)"),
 ("window 80", "before.len().saturating_sub(80)", "before.len().saturating_sub(40)"),
 ("main skips generic", "        if is_generic(&t.text) {\n            continue;\n        }\n", ""),
 ("combined", "&& a.key() != b.key()", "&& false"),
 ("each", "let each = contains_word(", "let each = false && contains_word("),
 ("tie positives", "(total(p), positive(p)) > (total(&profiles[j]), positive(&profiles[j]))", "total(p) > total(&profiles[j]) && positive(p) >= 0"),
 ("no_staining", "lower.match_indices(\" no \").find_map(", "lower.match_indices(\" no-no-no \").find_map("),
 ("coordinated not-positivity", "|| coordinated && previous_not_positivity;", "|| coordinated && previous_not_positivity && false;"),
 ("respectively reach", "let reach = if respectively { c_start } else { 50 };", "let reach = 50;"),
 ("part of previous", "let part_of_previous = ci > 0", "let part_of_previous = false && ci > 0"),
 ("about staining", "let counts = if about_staining { counts } else { Vec::new() };", ""),
 ("tumour range", "from..to,", "to..to,"),
 ("organ lists", "for list in organ_lists(text) {", "for list in organ_lists(text).into_iter().take(0) {"),
 ("negative_for", ".chain(negative_for(&slower).filter(|_| !found.case_report))", ""),
 ("coordinated markers", "let ms = coordinated(&single, &m, text);", "let ms = vec![m.clone()];"),
 ("statement main", "Some(main) if is_generic(&occ.text) => main,", "Some(main) if false && is_generic(&occ.text) => main,"),
 ("masking", "if masked.contains(phrase) {", "if false && masked.contains(phrase) {"),
 ("up to", "|| c.y.is_none() && before.trim_end().ends_with(\"up to\")", ""),
 ("genesis", "let process = m.text.to_ascii_lowercase().ends_with(\"genesis\");", "let process = false;"),
 ("N word of", "|| k >= 3\n                && matches!(&a[k - 1].atom, Atom::Word(w) if w == \"of\")", "|| false && k >= 3\n                && matches!(&a[k - 1].atom, Atom::Word(w) if w == \"of\")"),
 ("suffix group", "let mut ending = groups.iter().filter(|(k, _)| k.ends_with(&tail));", "let mut ending = groups.iter().filter(|(k, _)| k.ends_with(&tail) && false);"),
]
only=sys.argv[1:]
try:
  for name,a,b in M:
    if only and name not in only: continue
    if a not in orig:
        print(f"{name}: PATTERN NOT FOUND"); continue
    open(P,'w').write(orig.replace(a,b,1))
    r=subprocess.run(f"cd {ROOT} && cargo test --release -q -p pubminer-ihc --test extract 2>&1 | grep -E '^test .* FAILED|^error' ", shell=True, capture_output=True, text=True)
    out=r.stdout.strip().replace('\n','; ')
    print(f"{name}: {'CAUGHT: '+out if out else 'NOT CAUGHT'}", flush=True)
finally:
  open(P,'w').write(orig)
