//! IHC-LLMiner's prompts (knowlab/IHC-LLMiner `classify.py` and `extract.py`), verbatim,
//! and the Phi-3-style wrapper its fine-tuned models were trained on.
//!
//! Two details are reproduced on purpose: the classification prompt keeps the indentation
//! of the Python triple-quoted string it comes from, and it ends in a literal backslash and
//! `n` (`\\nAbstract: ` in the source), not a newline.

/// The system prompt of both tasks.
pub const SYSTEM: &str = "Act as a histopathology expert.";

/// The Include/Exclude prompt (`classify.py`).
pub const CLASSIFY: &str = "The following is an abstract of an abstract of a biomedical paper. Your task is to classify whether the input abstract meets the following criteria:
            1. It reports the positivity rate of one or more immunohistochemical markers in one or more tumor types. Case reports describing immunohistochemical findings in a single patient, even without exact numbers, are acceptable.
            2. If not a single-patient case report, it provides the exact number of patients that are positive/negative for each marker in each tumor type.
            3. It is not a review article or a meta-analysis.
        If the article meets all these criteria, output 'Include'. Otherwise, output 'Exclude'.
        \\nAbstract: ";

/// The table-extraction prompt (`extract.py`).
pub const EXTRACT: &str = "Examine the following scientific abstract carefully. Print a 'markdown' table with a row for each different tumor type tested and a column for each immunohistochemical marker examined (even if there is only one marker and one tumour type). For each tumor, specify the tumour type and tumor site (if given, if not state NA) separately. For each result (for each tumor type and immunohistochemical marker), report the data in the form X/Y where X are the number of positive cases and Y are the total number of cases tested. If percentages are given and it is possible to calculate absolute numbers, do so. Sometimes results may be given for a group of tumors together \u{2013} only report the results for individual counts. If the distribution is unclear, mark as NA. Include only IHC findings. Minimize additional comments. Do not extrapolate or assume results.\n\nAbstract: ";

/// Tokens IHC-LLMiner generates for each task.
pub const CLASSIFY_MAX_TOKENS: u32 = 4;
/// Tokens for the table.
pub const EXTRACT_MAX_TOKENS: u32 = 1024;

/// The content of the user turn: system prompt, task prompt and abstract, as IHC-LLMiner
/// joins them.
#[must_use]
pub fn user_turn(task: &str, abstract_text: &str) -> String {
    format!("{SYSTEM}\n{task}\n{abstract_text}")
}

/// The full Phi-3-style prompt IHC-LLMiner feeds its fine-tuned models (for raw completion
/// endpoints and native backends): `<|user|>\n... <|end|>\n<|assistant|>`.
#[must_use]
pub fn phi3(task: &str, abstract_text: &str) -> String {
    format!(
        "<|user|>\n{}<|end|>\n<|assistant|>",
        user_turn(task, abstract_text)
    )
}

/// IHC-LLMiner's reading of a classification answer: include iff it contains "include".
#[must_use]
pub fn is_include(answer: &str) -> bool {
    answer.to_lowercase().contains("include")
}

/// The JSON schema of the JSON mode of extraction: profiles with marker, tumour type, site,
/// positive and total.
#[must_use]
pub fn extraction_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "include": {"type": "boolean"},
            "profiles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "marker": {"type": "string"},
                        "tumour_type": {"type": "string"},
                        "site": {"type": ["string", "null"]},
                        "positive": {"type": ["integer", "null"]},
                        "total": {"type": ["integer", "null"]}
                    },
                    "required": ["marker", "tumour_type", "site", "positive", "total"],
                    "additionalProperties": false
                }
            }
        },
        "required": ["include", "profiles"],
        "additionalProperties": false
    })
}

/// The JSON-mode instruction appended to the extraction prompt.
pub const JSON_INSTRUCTION: &str = "Answer with JSON only: {\"include\": true or false (the Include/Exclude criteria above), \"profiles\": [{\"marker\", \"tumour_type\", \"site\" (or null), \"positive\", \"total\" (integers, or null when not given)}]}.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_are_ihc_llminers() {
        let p = phi3(CLASSIFY, "ABSTRACT");
        assert!(p.starts_with("<|user|>\nAct as a histopathology expert.\nThe following is"));
        assert!(
            p.ends_with("output 'Exclude'.\n        \\nAbstract: \nABSTRACT<|end|>\n<|assistant|>")
        );
        assert!(EXTRACT.contains("group of tumors together \u{2013} only report"));
        assert!(is_include("Include") && is_include(" include.") && !is_include("Exclude"));
    }
}
