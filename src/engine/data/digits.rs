//! The 8×8 handwritten digits: 1,797 images, 10 classes.
//!
//! The file `data/digits.csv.gz` is scikit-learn's copy of the UCI "Optical
//! Recognition of Handwritten Digits" test set (see `data/README.md`). It is
//! compiled into the binary, gunzipped with `flate2` and parsed by
//! [`parse_csv`]: each line holds 64 pixel counts 0..=16 (row-major, top row
//! first) and then the digit 0..=9. Pixels are scaled to [0, 1] by /16.

use super::{Labels, RawData};
use crate::error::EngineError;
use flate2::read::GzDecoder;
use ndarray::Array2;
use std::io::Read;

/// Pixels per image (8×8).
pub const PIXELS: usize = 64;
/// Number of classes (digits 0..=9).
pub const CLASSES: usize = 10;
/// Images in the shipped file.
pub const IMAGES: usize = 1_797;
/// Largest pixel count (a 4×4 block of a 32×32 bitmap).
const MAX_PIXEL: u32 = 16;

static DIGITS_GZ: &[u8] = include_bytes!("../../../data/digits.csv.gz");

/// The shipped digits set (`[1797, 64]` pixels in [0, 1], planar false).
pub fn load() -> Result<RawData, EngineError> {
    let mut text = String::new();
    GzDecoder::new(DIGITS_GZ)
        .read_to_string(&mut text)
        .map_err(|e| EngineError::Asset(format!("digits.csv.gz: {e}")))?;
    let data = parse_csv(&text).map_err(|e| EngineError::Asset(format!("digits.csv.gz: {e}")))?;
    if data.len() != IMAGES {
        return Err(EngineError::Asset(format!("digits.csv.gz: {} images, expected {IMAGES}", data.len())));
    }
    Ok(data)
}

/// Parses digits CSV text: per non-blank line 64 integer pixels 0..=16, then
/// a label 0..=9, comma separated (spaces around fields and `\r\n` line ends
/// are accepted). Errors name the 1-based line and the problem; never panics.
pub fn parse_csv(text: &str) -> Result<RawData, EngineError> {
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |msg: String| EngineError::DataParse(format!("line {}: {msg}", i + 1));
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != PIXELS + 1 {
            return Err(err(format!("expected {} fields, found {}", PIXELS + 1, fields.len())));
        }
        for (j, field) in fields.iter().enumerate() {
            let value: u32 =
                field.parse().map_err(|_| err(format!("field {} is not a non-negative integer: {field:?}", j + 1)))?;
            if j < PIXELS {
                if value > MAX_PIXEL {
                    return Err(err(format!("pixel {} is {value}, outside 0..={MAX_PIXEL}", j + 1)));
                }
                pixels.push(value as f64 / MAX_PIXEL as f64);
            } else if (value as usize) < CLASSES {
                labels.push(value as usize);
            } else {
                return Err(err(format!("label is {value}, outside 0..={}", CLASSES - 1)));
            }
        }
    }
    if labels.is_empty() {
        return Err(EngineError::DataParse("no images found".to_string()));
    }
    let x = Array2::from_shape_vec((labels.len(), PIXELS), pixels)
        .map_err(|e| EngineError::DataParse(format!("pixel table: {e}")))?;
    Ok(RawData { x, labels: Labels::Classes { labels, n_classes: CLASSES }, planar: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pixel: &str, label: &str) -> String {
        let mut fields = vec!["0"; PIXELS];
        fields[5] = pixel;
        fields.push(label);
        fields.join(",")
    }

    #[test]
    fn load_gives_the_scikit_learn_digits() {
        let d = load().unwrap();
        assert_eq!((d.len(), d.x.ncols()), (1797, 64));
        assert_eq!(d.n_classes(), Some(10));
        assert!(!d.planar);
        assert_eq!(d.class_counts().unwrap(), vec![178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
        assert!(d.x.iter().all(|v| (0.0..=1.0).contains(v)));
        // First image starts 0,0,5,13,9,1,0,0 and is a 0.
        assert_eq!(d.x.row(0).to_vec()[..4], [0.0, 0.0, 5.0 / 16.0, 13.0 / 16.0]);
        assert_eq!(d.labels.select(&[0]), Labels::Classes { labels: vec![0], n_classes: 10 });
    }

    #[test]
    fn parse_accepts_good_lines() {
        let text = format!("{}\r\n\n{}\n", line("16", "9"), line(" 3 ", "0"));
        let d = parse_csv(&text).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!((d.x[[0, 5]], d.x[[1, 5]]), (1.0, 3.0 / 16.0));
        assert_eq!(d.class_counts().unwrap()[9], 1);
    }

    #[test]
    fn parse_errors_name_the_line_and_problem() {
        let good = line("1", "1");
        let cases = [
            (line("17", "1"), "pixel 6 is 17"),
            (line("1", "10"), "label is 10"),
            (line("1.5", "1"), "field 6 is not"),
            (line("-1", "1"), "field 6 is not"),
            (line("1", "x"), "field 65 is not"),
            (format!("{good},3"), "expected 65 fields, found 66"),
            ("1,2,3".to_string(), "expected 65 fields, found 3"),
        ];
        for (bad, problem) in cases {
            let text = format!("{good}\n{good}\n{bad}\n{good}");
            match parse_csv(&text) {
                Err(EngineError::DataParse(msg)) => {
                    assert!(msg.starts_with("line 3: ") && msg.contains(problem), "{msg}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn parse_never_panics_on_hostile_input() {
        let long = "9".repeat(100_000);
        let hostile = [
            "",
            "\n\n\r\n",
            ",",
            &",".repeat(64),
            &",".repeat(10_000),
            "99999999999999999999999",
            "\u{0}\u{feff}é😀",
            "NaN,inf,-0,+1,0x10,1e3",
            &long,
            &format!("{}\u{0}", line("1", "1")),
        ];
        for text in hostile {
            assert!(matches!(parse_csv(text), Err(EngineError::DataParse(_))), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_text(text in "[0-9,\\- \\n.x]{0,400}") {
            let _ = parse_csv(&text);
        }
    }
}
