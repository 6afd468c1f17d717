//! Hand-written cases for the sentence splitter: biomedical and IHC traps.

use pubminer_text::sentence::split_sentences;

fn split(text: &str) -> Vec<&str> {
    split_sentences(text)
        .into_iter()
        .map(|r| &text[r.to_range()])
        .collect()
}

#[track_caller]
fn check(text: &str, expected: &[&str]) {
    assert_eq!(split(text), expected, "splitting {text:?}");
}

#[test]
fn simple_sentences() {
    check(
        "One sentence. Another one? Yes! Done.",
        &["One sentence.", "Another one?", "Yes!", "Done."],
    );
    check("no final period", &["no final period"]);
    check("  Leading and trailing.  ", &["Leading and trailing."]);
}

#[test]
fn ihc_percentages_and_brackets() {
    check(
        "CD117 (c-kit) was positive in 12 of 15 cases (80.0%). Vimentin was negative.",
        &[
            "CD117 (c-kit) was positive in 12 of 15 cases (80.0%).",
            "Vimentin was negative.",
        ],
    );
    check(
        "Tumour cells were positive (Fig. 2A). The stroma was not.",
        &[
            "Tumour cells were positive (Fig. 2A).",
            "The stroma was not.",
        ],
    );
    check(
        "as reported previously [1]. Next, we stained.",
        &["as reported previously [1].", "Next, we stained."],
    );
    check(
        "It was \"negative.\" The next one (\"positive.\") was not.",
        &[
            "It was \"negative.\"",
            "The next one (\"positive.\") was not.",
        ],
    );
}

#[test]
fn numbers_and_statistics() {
    check(
        "The difference was significant (p < 0.001). However, it was small.",
        &[
            "The difference was significant (p < 0.001).",
            "However, it was small.",
        ],
    );
    check(
        "It was significant at p < 0.001. However, it was small.",
        &["It was significant at p < 0.001.", "However, it was small."],
    );
    check(
        "Buffer was at pH 7.4. Cells were lysed.",
        &["Buffer was at pH 7.4.", "Cells were lysed."],
    );
    check(
        "Enrolment ended in 2005. 12 patients responded.",
        &["Enrolment ended in 2005.", "12 patients responded."],
    );
    check(
        "The enzyme was SPEC 1. 2 patients responded.",
        &["The enzyme was SPEC 1.", "2 patients responded."],
    );
    check(
        "We gave 2.5 mg daily. 12 patients responded.",
        &["We gave 2.5 mg daily.", "12 patients responded."],
    );
    check(
        "The tumour measured approx. 5 cm in diameter.",
        &["The tumour measured approx. 5 cm in diameter."],
    );
}

#[test]
fn abbreviations_do_not_split() {
    for text in [
        "Smith et al. reported similar findings.",
        "Smith et al. (2005) reported similar findings.",
        "Several markers, e.g. CK7 and CK20, were used.",
        "Several markers, i.e. CK7 and CK20, were used.",
        "Approved by the U.S. Food and Drug Administration in 2005.",
        "Cisplatin vs. Carboplatin was compared.",
        "As shown in Fig. 3 and Figs. 4-5, cf. Tab. 2 and Eq. 1.",
        "Treated by Dr. Jones and Prof. Smith at St. Mary hospital.",
        "Purchased from Sigma Chemical Co. (St. Louis, MO, USA).",
        "Enrolled from Jan. 2005 to Dec. 2010 in trial No. 5.",
        "Published in Suppl. 2, vol. 3, pp. 12-15.",
        "Candida spp. isolates were tested.",
        "Glucose-6-phosphate dehydrogenase (G6PD; EC 1. 1. 1. 49) deficiency is common.",
        "Glucose-6-phosphate dehydrogenase (G6PD; E.C. 1.1. 1. 49) deficiency is common.",
        "Glucose-6-phosphate dehydrogenase (G6PD; E. C. 1. 1. 1. 49) deficiency is common.",
    ] {
        check(text, &[text]);
    }
}

#[test]
fn maybe_final_abbreviations_split_before_capitals() {
    check(
        "Rats received 5 mg/kg i.v. Rats were then killed.",
        &["Rats received 5 mg/kg i.v.", "Rats were then killed."],
    );
    check(
        "We cultured Candida spp. The isolates grew.",
        &["We cultured Candida spp.", "The isolates grew."],
    );
    check(
        "Cells were incubated for 30 min. After washing, they were fixed.",
        &[
            "Cells were incubated for 30 min.",
            "After washing, they were fixed.",
        ],
    );
    check(
        "Markers, solvents, etc. The rest was discarded.",
        &["Markers, solvents, etc.", "The rest was discarded."],
    );
}

#[test]
fn markers_and_gene_names() {
    check(
        "Proliferation was assessed with Ki-67. MIB-1 was also used.",
        &[
            "Proliferation was assessed with Ki-67.",
            "MIB-1 was also used.",
        ],
    );
    check(
        "Cells expressed vimentin. mRNA levels were high.",
        &["Cells expressed vimentin.", "mRNA levels were high."],
    );
    check(
        "It was mutated. p53 staining was diffuse.",
        &["It was mutated.", "p53 staining was diffuse."],
    );
    check(
        "Stroma was positive. α-SMA staining was diffuse.",
        &["Stroma was positive.", "α-SMA staining was diffuse."],
    );
    // Units after a period are not gene-like.
    check(
        "The dose was 30 mg. l(-1) and n=12 were used.",
        &["The dose was 30 mg. l(-1) and n=12 were used."],
    );
    // A lowercase word after a period never starts a sentence.
    check(
        "Doses were 5 mg. and 10 mg. in total.",
        &["Doses were 5 mg. and 10 mg. in total."],
    );
}

/// The documented rule for a single capital letter followed by a period.
#[test]
fn initials() {
    // Before a lowercase word: never a boundary.
    for text in [
        "Infection with E. coli was common.",
        "S. aureus and E. coli were isolated.",
        "E. coli was isolated from S. aureus cultures.",
        "Infection with E.\ncoli was common.",
    ] {
        check(text, &[text]);
    }
    // Capitalised serovars, chains of initials, "by", titles: not a boundary.
    for text in [
        "Mice were infected with S. Typhimurium strains.",
        "As shown by J. Smith in 2005.",
        "As shown by J. R. Smith in 2005.",
        "J. Smith reported this first.",
        "Seen by Dr. J. Smith in 2005.",
    ] {
        check(text, &[text]);
    }
    // After an ordinary word before a capitalised word: a boundary.
    check(
        "Levels of vitamin D. The patients were older.",
        &["Levels of vitamin D.", "The patients were older."],
    );
    check(
        "Groups A and B. Mice in group A were older.",
        &["Groups A and B.", "Mice in group A were older."],
    );
    check(
        "Patients had hepatitis B. 12 of them were treated.",
        &["Patients had hepatitis B.", "12 of them were treated."],
    );
}

#[test]
fn blank_lines_and_headings() {
    check(
        "BACKGROUND: Some text without a period\n\nMETHODS: We did things.",
        &[
            "BACKGROUND: Some text without a period",
            "METHODS: We did things.",
        ],
    );
    check(
        "First part\n  \t\n Second part",
        &["First part", "Second part"],
    );
    check(
        "We studied rats\nRESULTS: Rats died.",
        &["We studied rats", "RESULTS: Rats died."],
    );
    check(
        "We studied rats\nMATERIALS AND METHODS: Rats died.",
        &["We studied rats", "MATERIALS AND METHODS: Rats died."],
    );
    check(
        "We studied rats in vitro. RESULTS: Rats died.",
        &["We studied rats in vitro.", "RESULTS: Rats died."],
    );
    check("Windows\r\n\r\nline ends", &["Windows", "line ends"]);
    check(
        "the presence of prothrombotic mutations METHODS: In a nationwide study.",
        &[
            "the presence of prothrombotic mutations",
            "METHODS: In a nationwide study.",
        ],
    );
    check(
        "in birth defects. DESIGN, SETTING, AND PARTICIPANTS: Population-based.",
        &[
            "in birth defects.",
            "DESIGN, SETTING, AND PARTICIPANTS: Population-based.",
        ],
    );
    // Not a known section word, or no colon: not an inline heading.
    check(
        "Expression of PTEN: reduced. The RESULTS were clear.",
        &["Expression of PTEN: reduced.", "The RESULTS were clear."],
    );
    check("Paragraph\u{2029}separator", &["Paragraph", "separator"]);
}

#[test]
fn single_line_breaks() {
    // A line break inside a sentence is not a boundary.
    check(
        "The tumour was positive\nfor CK7 and negative for CK20.",
        &["The tumour was positive\nfor CK7 and negative for CK20."],
    );
    // After sentence punctuation it is, whatever follows.
    check(
        "The tumour was positive.\nthe next line is lowercase.",
        &["The tumour was positive.", "the next line is lowercase."],
    );
    // But not after a never-final abbreviation.
    check(
        "Markers, e.g.\nCK7, were used.",
        &["Markers, e.g.\nCK7, were used."],
    );
}

#[test]
fn spaced_decimals_and_heading_words() {
    for text in [
        "The effect was small (P = 0. 048). ",
        "Levels were higher (1. 5 +/- 0. 8 vs. 0. 7 +/- 0. 4).",
        "Relative risk per increment (95% CI 0.91-0. 96).",
        "It was significant (P =. 0006).",
        "The dose was 5 mg. kg-1. d-1 for 4 weeks.",
        "The gene maps to 17p11. 2 and Xp22. 1-p22. 3 in all families.",
    ] {
        check(text, &[text.trim()]);
    }
    check(
        "In young women with breast cancer. METHODS. We studied 80 women.",
        &[
            "In young women with breast cancer.",
            "METHODS. We studied 80 women.",
        ],
    );
    check(
        "Enrolment ended in 1987. 93.4% of women were seen.",
        &["Enrolment ended in 1987.", "93.4% of women were seen."],
    );
}

#[test]
fn numbered_paragraphs() {
    check(
        "1. Torsades de pointes is a risk. 2. The potential of compounds was studied. 3. These data indicate.",
        &[
            "1. Torsades de pointes is a risk.",
            "2. The potential of compounds was studied.",
            "3. These data indicate.",
        ],
    );
    check(
        "It rose at week 3. In contrast, it fell.",
        &["It rose at week 3.", "In contrast, it fell."],
    );
}

#[test]
fn other_terminals() {
    check(
        "Is it benign? (Probably.) Yes!\"Quoted\" text.",
        &["Is it benign?", "(Probably.)", "Yes!\"Quoted\" text."],
    );
    check("Wait… Then go.", &["Wait…", "Then go."]);
    check("Why? because.", &["Why? because."]);
}

#[test]
fn unicode_offsets() {
    let text = "Expression of β-catenin was nuclear. Über 90% waren positiv. Δ9-THC was given.";
    let parts = split(text);
    assert_eq!(
        parts,
        vec![
            "Expression of β-catenin was nuclear.",
            "Über 90% waren positiv.",
            "Δ9-THC was given."
        ]
    );
}

#[test]
fn long_inputs_are_linear() {
    let big = "word ".repeat(2_000_000);
    let sentences = split_sentences(&big);
    assert_eq!(sentences.len(), 1);
    assert_eq!(sentences[0].start(), 0);
    assert_eq!(sentences[0].end() as usize, big.len() - 1);

    let many = "A. ".repeat(500_000);
    let sentences = split_sentences(&many);
    assert!(!sentences.is_empty());

    let dots = ".".repeat(1_000_000) + " " + &")".repeat(1_000_000);
    assert_eq!(split_sentences(&dots).len(), 1);
}
