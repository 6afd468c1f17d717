//! Number parsing for the IHC engine, and only here: count expressions in sentences (`27 of
//! 35 (77.1%)`, `77.1% (27/35)`, `13/17 (76%)`, `33 (83%) of 40`, `Thirty-one of 40`, `in 10
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
    fn a_case_report_says_how_many_patients_it_presents() {
        assert_eq!(reported_patients("here we report two cases of x"), Some(2));
        // Past tense, and the unit after an age and a sex.
        assert_eq!(
            reported_patients("we described a 70-year-old male patient with a mass"),
            Some(1)
        );
        assert_eq!(
            reported_patients("we presented three women with y"),
            Some(3)
        );
        // No unit near the number: no case report.
        assert_eq!(reported_patients("we report a new method for z"), None);
        assert_eq!(
            reported_patients("we describe an association of a and b"),
            None
        );
    }

    #[test]
    fn the_shapes_abstracts_use() {
        assert_eq!(
            counts("positive in 41 out of 52 cases (78.8%) of MFH"),
            [(Some(41), Some(52), Some(78.8))]
        );
        assert_eq!(
            counts("Thirty-one of 40 (78%) chondrosarcomas"),
            [(Some(31), Some(40), Some(78.0))]
        );
        assert_eq!(
            counts("in 13/17 (76%) thymic carcinomas"),
            [(Some(13), Some(17), Some(76.0))]
        );
        assert_eq!(
            counts("immunoreactive in 71.4% (25/35) MPNSTs"),
            [(Some(25), Some(35), Some(71.4))]
        );
        assert_eq!(
            counts("CD5 was positive in 33 (83%) of 40 cases"),
            [(Some(33), Some(40), Some(83.0))]
        );
        assert_eq!(
            counts("Twenty-two (88%) of 25 SCCs"),
            [(Some(22), Some(25), Some(88.0))]
        );
        assert_eq!(
            counts("Nearly all GIST cases (30/31; 97%) showed"),
            [(Some(30), Some(31), Some(97.0))]
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
        assert_eq!(counts("One hundred sixty-three patients"), []);
        assert_eq!(atoms("One hundred sixty-three")[0].atom, Atom::Number(163));
        assert_eq!(atoms("a single ovarian")[0].atom, Atom::Number(1));
        assert_eq!(counts("in 0 (0%) of 82"), [(Some(0), Some(82), Some(0.0))]);
        assert_eq!(counts("p < 0.05"), []);
        // A numerator alone, the total from context.
        assert_eq!(
            counts("Desmin was positive in 4 cases"),
            [(Some(4), None, None)]
        );
        assert_eq!(
            counts("Vimentin was stained in one patient"),
            [(Some(1), None, None)]
        );
        assert_eq!(
            counts("positive in four and two cases, respectively"),
            [(Some(4), None, None), (Some(2), None, None)]
        );
        assert_eq!(counts("was found in six."), [(Some(6), None, None)]);
        assert_eq!(counts("was described in 2010."), []);
        assert_eq!(counts("stained 4 cases"), []);
        // A parenthesised percentage alone.
        assert_eq!(
            counts("most often seen in adenocarcinoma (80%)"),
            [(None, None, Some(80.0))]
        );
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
