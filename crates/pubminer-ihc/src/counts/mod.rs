//! Number parsing for the IHC engine, and only here: count expressions in sentences (`27 of
//! 35 (77.1%)`, `77.1% (27/35)`, `24/27 (89%)`, `69 (93%) of 74`, `Forty-five of 48`, `in 10
//! cases (10%)`, `86.5% of BLM`), group sizes, series sizes and percentage arithmetic.
//!
//! The scanner cuts a sentence into atoms ([`atoms`]: numbers, written-out numbers,
//! percentages, words, punctuation) with byte offsets, then matches a small set of shapes
//! ([`find_counts`]). It never decides what a count is *of*; the candidates phase does.

mod around;
mod atoms;
mod shapes;

pub use around::{
    CASE_NOUNS, after_words, number_after_comma, number_before, number_list, reported_patients,
    series_size,
};
pub use atoms::{Atom, Spanned, atoms};
pub use shapes::{Count, agrees, find_counts, numerator_from_percent, total_from_percent};

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(s: &str) -> Vec<(Option<u32>, Option<u32>, Option<f64>)> {
        find_counts(&atoms(s))
            .into_iter()
            .map(|c| (c.x, c.y, c.percent.map(|p| p.0)))
            .collect()
    }

    #[test]
    fn the_shapes_abstracts_use() {
        assert_eq!(
            counts("positive in 88 out of 95 cases (92.6%) of OSA"),
            [(Some(88), Some(95), Some(92.6))]
        );
        assert_eq!(
            counts("Forty-five of 48 (94%) osteosarcomas"),
            [(Some(45), Some(48), Some(94.0))]
        );
        assert_eq!(
            counts("in 24/27 (89%) Merkel cell carcinomas"),
            [(Some(24), Some(27), Some(89.0))]
        );
        assert_eq!(
            counts("immunoreactive in 89.3% (67/75) ALMs"),
            [(Some(67), Some(75), Some(89.3))]
        );
        assert_eq!(
            counts("CD2 was positive in 69 (93%) of 74 cases"),
            [(Some(69), Some(74), Some(93.0))]
        );
        assert_eq!(
            counts("Twenty-two (88%) of 25 SCCs"),
            [(Some(22), Some(25), Some(88.0))]
        );
        assert_eq!(
            counts("Nearly all LCH cases (26/27; 96%) showed"),
            [(Some(26), Some(27), Some(96.0))]
        );
        assert_eq!(
            counts("a total 19 of 24(79%) SQCC"),
            [(Some(19), Some(24), Some(79.0))]
        );
        assert_eq!(
            counts("was found in 10 cases (10%)"),
            [(Some(10), None, Some(10.0))]
        );
        assert_eq!(counts("86.5% of BLM showed"), [(None, None, Some(86.5))]);
        assert_eq!(counts("One hundred ninety-four patients"), []);
        assert_eq!(atoms("One hundred ninety-four")[0].atom, Atom::Number(194));
        assert_eq!(atoms("a single ovarian")[0].atom, Atom::Number(1));
        assert_eq!(counts("in 0 (0%) of 82"), [(Some(0), Some(82), Some(0.0))]);
        assert_eq!(counts("p < 0.05"), []);
    }

    #[test]
    fn series_and_totals_from_percentages() {
        assert_eq!(series_size("Seven cases in total were found."), Some(7));
        assert_eq!(
            series_size("We studied 4 patients with sinonasal carcinoma"),
            Some(4)
        );
        assert_eq!(
            series_size("MS occurred in 4/13 (31%) of cases; 20 tumours"),
            Some(20)
        );
        assert_eq!(series_size("in 2019, the cohort"), None);
        assert_eq!(total_from_percent(12, (18.2, 1)), Some(66));
        assert_eq!(total_from_percent(1, (50.0, 0)), Some(2));
        assert_eq!(total_from_percent(3, (30.0, 0)), Some(10));
        assert_eq!(
            total_from_percent(1, (3.0, 0)),
            None,
            "1/32, 1/33 and 1/34 all print 3%"
        );
    }

    #[test]
    fn numerators_from_percentages() {
        assert_eq!(numerator_from_percent((38.5, 1), 13), Some(5));
        assert_eq!(numerator_from_percent((14.0, 0), 35), Some(5));
        assert_eq!(
            numerator_from_percent((86.5, 1), 15),
            None,
            "no integer fits"
        );
        assert_eq!(numerator_from_percent((91.0, 0), 35), Some(32));
        assert!(agrees(3, 34, (8.0, 0)), "8.8% printed as a truncated 8%");
        assert!(!agrees(3, 34, (10.0, 0)));
        assert!(agrees(28, 200, (14.0, 0)));
        assert!(!agrees(28, 200, (41.0, 0)));
    }
}
