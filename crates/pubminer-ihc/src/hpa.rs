//! Concordance with the Human Protein Atlas cancer IHC table (`hpa_cancer_ihc_pathology.tsv`:
//! per gene and one of 20 cancer types, the patients with high / medium / low / not detected
//! staining).
//!
//! A landscape row is compared when its marker is one gene in HPA (by HGNC symbol) and its
//! tumour type falls in one of HPA's cancer types ([`hpa_cancer`]: OncoTree codes and words of
//! the name, e.g. `lung adenocarcinoma` → `lung cancer`; a tumour type that names no organ
//! HPA covers is left out rather than guessed). The literature rate (positive / total) is set
//! against HPA's detected rate ((high + medium + low) / all patients). Reported: the pairs,
//! the share on the same side of 50% (majority positive or not), the mean absolute
//! difference, and Spearman's rank correlation.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::BufRead as _;
use std::path::Path;

use serde::Serialize;

use crate::kb::LandscapeRow;

/// Reading the HPA table failed.
#[derive(Debug, thiserror::Error)]
pub enum HpaError {
    /// The file could not be read (the I/O error is the source).
    #[error("{path}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A line is not what the format promises.
    #[error("{path}:{line}: {message}")]
    Format {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Staining counts of one gene in one cancer type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Staining {
    /// Patients with high staining.
    pub high: u32,
    /// Medium.
    pub medium: u32,
    /// Low.
    pub low: u32,
    /// Not detected.
    pub not_detected: u32,
}

impl Staining {
    /// Patients scored.
    #[must_use]
    pub fn total(&self) -> u32 {
        self.high + self.medium + self.low + self.not_detected
    }

    /// Share with any staining.
    #[must_use]
    pub fn detected_rate(&self) -> f64 {
        let t = self.total();
        if t == 0 {
            0.0
        } else {
            f64::from(self.high + self.medium + self.low) / f64::from(t)
        }
    }
}

/// The HPA table, by (gene symbol, cancer type).
#[derive(Clone, Debug, Default)]
pub struct HpaTable {
    rows: HashMap<(String, String), Staining>,
}

impl HpaTable {
    /// Reads `hpa_cancer_ihc_pathology.tsv` (header `ensembl gene cancer high medium low
    /// not_detected ...`). Rows without counts (genes HPA did not stain in a cancer) are
    /// skipped.
    ///
    /// # Errors
    /// An unreadable file, a missing column, or a count that is not a number.
    pub fn read(path: &Path) -> Result<Self, HpaError> {
        let p = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|source| HpaError::Io {
            path: p.clone(),
            source,
        })?;
        let reader = std::io::BufReader::with_capacity(1 << 20, file);
        let mut lines = reader.lines();
        let header = lines
            .next()
            .transpose()
            .map_err(|source| HpaError::Io {
                path: p.clone(),
                source,
            })?
            .unwrap_or_default();
        let cols: Vec<&str> = header.split('\t').collect();
        let col = |name: &str| {
            cols.iter()
                .position(|c| *c == name)
                .ok_or_else(|| HpaError::Format {
                    path: p.clone(),
                    line: 1,
                    message: format!("no {name:?} column (is this hpa_cancer_ihc_pathology.tsv?)"),
                })
        };
        let (gene, cancer) = (col("gene")?, col("cancer")?);
        let levels = [
            col("high")?,
            col("medium")?,
            col("low")?,
            col("not_detected")?,
        ];
        let mut rows = HashMap::new();
        for (i, line) in lines.enumerate() {
            let line = line.map_err(|source| HpaError::Io {
                path: p.clone(),
                source,
            })?;
            let fields: Vec<&str> = line.split('\t').collect();
            let get = |c: usize| fields.get(c).copied().unwrap_or("");
            if levels.iter().all(|&c| get(c).is_empty()) {
                continue;
            }
            let mut n = [0u32; 4];
            for (k, &c) in levels.iter().enumerate() {
                n[k] = get(c).parse().map_err(|_| HpaError::Format {
                    path: p.clone(),
                    line: i + 2,
                    message: format!("count {:?} is not a number", get(c)),
                })?;
            }
            rows.insert(
                (get(gene).to_owned(), get(cancer).to_owned()),
                Staining {
                    high: n[0],
                    medium: n[1],
                    low: n[2],
                    not_detected: n[3],
                },
            );
        }
        Ok(Self { rows })
    }

    /// Rows held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The staining of `gene` in `cancer`.
    #[must_use]
    pub fn get(&self, gene: &str, cancer: &str) -> Option<Staining> {
        self.rows
            .get(&(gene.to_owned(), cancer.to_owned()))
            .copied()
    }
}

/// HPA's cancer type for a tumour type (its concept id and name), when one clearly applies.
#[must_use]
pub fn hpa_cancer(tumour_id: &str, name: &str) -> Option<&'static str> {
    const ONCOTREE: [(&str, &str); 24] = [
        ("LUAD", "lung cancer"),
        ("LUSC", "lung cancer"),
        ("NSCLC", "lung cancer"),
        ("SCLC", "lung cancer"),
        ("IDC", "breast cancer"),
        ("ILC", "breast cancer"),
        ("BRCA", "breast cancer"),
        ("COAD", "colorectal cancer"),
        ("READ", "colorectal cancer"),
        ("COADREAD", "colorectal cancer"),
        ("PAAD", "pancreatic cancer"),
        ("PRAD", "prostate cancer"),
        ("CCRCC", "renal cancer"),
        ("PRCC", "renal cancer"),
        ("CHRCC", "renal cancer"),
        ("HCC", "liver cancer"),
        ("STAD", "stomach cancer"),
        ("BLCA", "urothelial cancer"),
        ("UCEC", "endometrial cancer"),
        ("HGSOC", "ovarian cancer"),
        ("PTC", "thyroid cancer"),
        ("SKCM", "melanoma"),
        ("GBM", "glioma"),
        ("SEM", "testis cancer"),
    ];
    if let Some(code) = tumour_id.strip_prefix("ONCOTREE:")
        && let Some((_, c)) = ONCOTREE.iter().find(|(k, _)| *k == code)
    {
        return Some(c);
    }
    let n = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| n.contains(w));
    // Organs HPA has no cancer type for, whose names contain one it has (`gallbladder`,
    // `extrahepatic bile duct`), and metastases, which are not the organ's cancer.
    if has(&[
        "gallbladder",
        "biliary",
        "bile duct",
        "extrahepatic",
        "metasta",
    ]) {
        return None;
    }
    // Order matters: the more specific organ words first.
    let rules: [(&[&str], &str); 20] = [
        (&["melanoma"], "melanoma"),
        (&["lymphoma"], "lymphoma"),
        (
            &["glioma", "glioblastoma", "astrocytoma", "oligodendroglioma"],
            "glioma",
        ),
        (&["carcinoid"], "carcinoid"),
        (&["urothelial", "bladder"], "urothelial cancer"),
        (&["lung", "pulmonary", "bronch"], "lung cancer"),
        (&["breast", "mammary"], "breast cancer"),
        (
            &["colorectal", "colon", "rectal", "rectum"],
            "colorectal cancer",
        ),
        (&["pancrea"], "pancreatic cancer"),
        (&["prostat"], "prostate cancer"),
        (&["renal", "kidney"], "renal cancer"),
        (&["hepatocellular", "liver", "hepatic"], "liver cancer"),
        (&["gastric", "stomach"], "stomach cancer"),
        (&["endometri"], "endometrial cancer"),
        (&["cervical", "cervix"], "cervical cancer"),
        (&["ovarian", "ovary"], "ovarian cancer"),
        (&["thyroid"], "thyroid cancer"),
        (&["testicular", "testis", "seminoma"], "testis cancer"),
        (
            &["head and neck", "oral", "laryn", "pharyn", "tongue"],
            "head and neck cancer",
        ),
        (
            &["basal cell carcinoma", "cutaneous squamous", "skin"],
            "skin cancer",
        ),
    ];
    rules.iter().find(|(words, _)| has(words)).map(|(_, c)| *c)
}

/// One compared pair.
#[derive(Clone, Debug, Serialize)]
pub struct HpaPair {
    /// HGNC symbol.
    pub marker: String,
    /// HPA cancer type.
    pub cancer: String,
    /// Literature tumour types pooled into it.
    pub tumours: Vec<String>,
    /// Literature positives.
    pub positive: u64,
    /// Literature totals.
    pub total: u64,
    /// Literature rate.
    pub rate: f64,
    /// HPA staining.
    pub hpa: Staining,
    /// HPA detected rate.
    pub hpa_rate: f64,
    /// Both at or above 50%, or both below.
    pub agree: bool,
}

/// The concordance.
#[derive(Clone, Debug, Default, Serialize)]
pub struct HpaReport {
    /// Landscape rows considered (with at least `min_total` cases).
    pub rows: usize,
    /// Rows whose marker is not a gene in HPA.
    pub marker_not_in_hpa: usize,
    /// Rows whose tumour type maps to no HPA cancer type.
    pub tumour_not_in_hpa: usize,
    /// Compared pairs.
    pub pairs: Vec<HpaPair>,
    /// Share of pairs that agree.
    pub agreement: f64,
    /// Mean |literature rate − HPA rate|.
    pub mean_abs_difference: f64,
    /// Spearman's rank correlation of the rates (`None` under 3 pairs).
    pub spearman: Option<f64>,
}

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut r = vec![0.0; values.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && values[idx[j + 1]] == values[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation of `a` and `b` (`None` when either is constant).
fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    (va > 0.0 && vb > 0.0).then(|| cov / (va * vb).sqrt())
}

/// Spearman's rank correlation (ties get average ranks).
#[must_use]
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 3 || a.len() != b.len() {
        return None;
    }
    pearson(&ranks(a), &ranks(b))
}

/// Compares landscape `rows` (pooled per marker and HPA cancer type) with `table`.
#[must_use]
pub fn compare(rows: &[LandscapeRow], table: &HpaTable, min_total: u64) -> HpaReport {
    let mut report = HpaReport::default();
    let mut pooled: Vec<HpaPair> = Vec::new();
    for row in rows.iter().filter(|r| r.total >= min_total.max(1)) {
        report.rows += 1;
        let Some(cancer) = hpa_cancer(&row.tumour, &row.tumour_name) else {
            report.tumour_not_in_hpa += 1;
            continue;
        };
        let Some(staining) = table.get(&row.marker, cancer) else {
            report.marker_not_in_hpa += 1;
            continue;
        };
        match pooled
            .iter_mut()
            .find(|p| p.marker == row.marker && p.cancer == cancer)
        {
            Some(p) => {
                p.positive += row.positive;
                p.total += row.total;
                p.tumours.push(row.tumour_name.clone());
            }
            None => pooled.push(HpaPair {
                marker: row.marker.clone(),
                cancer: cancer.to_owned(),
                tumours: vec![row.tumour_name.clone()],
                positive: row.positive,
                total: row.total,
                rate: 0.0,
                hpa: staining,
                hpa_rate: staining.detected_rate(),
                agree: false,
            }),
        }
    }
    for p in &mut pooled {
        p.rate = p.positive as f64 / p.total as f64;
        p.agree = (p.rate >= 0.5) == (p.hpa_rate >= 0.5);
    }
    if !pooled.is_empty() {
        let n = pooled.len() as f64;
        report.agreement = pooled.iter().filter(|p| p.agree).count() as f64 / n;
        report.mean_abs_difference = pooled
            .iter()
            .map(|p| (p.rate - p.hpa_rate).abs())
            .sum::<f64>()
            / n;
        let a: Vec<f64> = pooled.iter().map(|p| p.rate).collect();
        let b: Vec<f64> = pooled.iter().map(|p| p.hpa_rate).collect();
        report.spearman = spearman(&a, &b);
    }
    report.pairs = pooled;
    report
}

impl HpaReport {
    /// A readable table.
    #[must_use]
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} landscape row(s): {} compared pair(s), {} with no HPA cancer type, {} with a marker HPA has not stained",
            self.rows,
            self.pairs.len(),
            self.tumour_not_in_hpa,
            self.marker_not_in_hpa
        );
        if self.pairs.is_empty() {
            return s;
        }
        let _ = writeln!(
            s,
            "agreement (same side of 50%): {:.1}%   mean |difference|: {:.1} points   Spearman: {}",
            100.0 * self.agreement,
            100.0 * self.mean_abs_difference,
            self.spearman.map_or_else(
                || "n/a (under 3 pairs or constant)".to_owned(),
                |r| format!("{r:.3}")
            )
        );
        let _ = writeln!(
            s,
            "\n{:<10}  {:<20}  {:>11}  {:>6}  {:>13}  {:>6}  agree",
            "marker", "HPA cancer", "literature", "rate", "HPA (h/m/l/n)", "rate"
        );
        for p in &self.pairs {
            let _ = writeln!(
                s,
                "{:<10}  {:<20}  {:>11}  {:>5.1}%  {:>13}  {:>5.1}%  {}",
                p.marker,
                p.cancer,
                format!("{}/{}", p.positive, p.total),
                100.0 * p.rate,
                format!(
                    "{}/{}/{}/{}",
                    p.hpa.high, p.hpa.medium, p.hpa.low, p.hpa.not_detected
                ),
                100.0 * p.hpa_rate,
                if p.agree { "yes" } else { "NO" }
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tumour_types_map_to_hpa_cancers_only_when_clear() {
        assert_eq!(
            hpa_cancer("ONCOTREE:LUAD", "adenocarcinoma"),
            Some("lung cancer")
        );
        assert_eq!(
            hpa_cancer("MESH:D0001", "Lung adenocarcinomas"),
            Some("lung cancer")
        );
        assert_eq!(
            hpa_cancer("", "acral lentiginous melanoma"),
            Some("melanoma")
        );
        assert_eq!(hpa_cancer("", "mantle cell lymphoma"), Some("lymphoma"));
        assert_eq!(hpa_cancer("", "leiomyosarcoma"), None);
        assert_eq!(hpa_cancer("", "Merkel cell carcinoma"), None);
        assert_eq!(hpa_cancer("", "gallbladder carcinoma"), None);
        assert_eq!(hpa_cancer("", "metastatic carcinoma to the liver"), None);
    }

    #[test]
    fn spearman_matches_hand_values() {
        let r = spearman(&[0.1, 0.5, 0.9, 0.3], &[0.2, 0.6, 0.8, 0.1]).unwrap();
        // Ranks (1,3,4,2) vs (2,3,4,1): d² = 1+0+0+1 = 2, rho = 1 - 6*2/(4*15) = 0.8.
        assert!((r - 0.8).abs() < 1e-12, "{r}");
        assert_eq!(spearman(&[0.1, 0.2], &[0.3, 0.4]), None);
    }

    #[test]
    fn reads_and_compares() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hpa.tsv");
        std::fs::write(
            &path,
            "ensembl\tgene\tcancer\thigh\tmedium\tlow\tnot_detected\tprognostic_favorable\n\
             E1\tNKX2-1\tlung cancer\t5\t3\t1\t3\t\n\
             E1\tNKX2-1\tbreast cancer\t0\t0\t0\t12\t\n\
             E2\tKRT7\tlung cancer\t\t\t\t\t\n",
        )
        .unwrap();
        let table = HpaTable::read(&path).unwrap();
        assert_eq!(table.len(), 2, "rows without counts are skipped");
        let row = |tumour: &str, x: u64, n: u64| LandscapeRow {
            marker: "NKX2-1".into(),
            marker_name: "NKX2-1".into(),
            tumour: String::new(),
            tumour_name: tumour.into(),
            positive: x,
            total: n,
            rate: x as f64 / n as f64,
            low: 0.0,
            high: 1.0,
            studies: 1,
            case_reports: 0,
            documents: vec!["1".into()],
            sites: Vec::new(),
        };
        let rows = [
            row("lung adenocarcinoma", 27, 35),
            row("squamous cell carcinoma of the lung", 1, 20),
            row("breast carcinoma", 2, 40),
            row("leiomyosarcoma", 0, 10),
        ];
        let r = compare(&rows, &table, 10);
        assert_eq!(r.pairs.len(), 2);
        assert_eq!(r.tumour_not_in_hpa, 1);
        let lung = &r.pairs[0];
        assert_eq!((lung.positive, lung.total), (28, 55), "lung rows pooled");
        assert!(
            lung.agree,
            "28/55 = 51% vs HPA 9/12 = 75%: same side of 50%"
        );
        assert!(r.pairs[1].agree, "breast 5% vs 0%");

        std::fs::write(
            &path,
            "ensembl\tgene\tcancer\thigh\tmedium\tlow\tnot_detected\nE\tG\tc\t1\tx\t0\t0\n",
        )
        .unwrap();
        let err = HpaTable::read(&path).unwrap_err().to_string();
        assert!(err.ends_with(":2: count \"x\" is not a number"), "{err}");
    }
}
