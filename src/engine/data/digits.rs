//! The 8×8 handwritten digits: 1,797 images, 10 classes.
//!
//! The file `data/digits.csv.gz` is scikit-learn's copy of the UCI "Optical
//! Recognition of Handwritten Digits" test set (see `data/README.md`): each
//! line holds 64 pixel counts 0..=16 (row-major, top row first) and then the
//! digit 0..=9. The build script (`build.rs`) writes its numbers as bytes,
//! 65 per image, which native builds compile in and read with
//! [`from_records`]; pixels are scaled to [0, 1] by /16. The page's module
//! does not carry the set (46 KB gzipped): the page fetches the shipped
//! file when the set is chosen, and [`install_file`] reads it with
//! [`parse_csv`] (the tests check that both ways give the same bits).

use std::sync::OnceLock;

use super::{Labels, RawData};
use crate::error::EngineError;
use ndarray::Array2;

/// Pixels per image (8×8).
pub const PIXELS: usize = 64;
/// Number of classes (digits 0..=9).
pub const CLASSES: usize = 10;
/// Images in the shipped file.
pub const IMAGES: usize = 1_797;
/// Largest pixel count (a 4×4 block of a 32×32 bitmap).
const MAX_PIXEL: u32 = 16;

/// The shipped set as the build script wrote it: per image 64 pixel
/// counts, then the label, one byte each. Native builds embed it; the
/// page's module does not (it fetches the shipped file when the set is
/// chosen and hands it to [`install_file`]).
#[cfg(not(target_arch = "wasm32"))]
static RECORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/digits.bin"));

/// The set [`install_file`] read (the page's module).
static INSTALLED: OnceLock<RawData> = OnceLock::new();

/// The shipped digits set (`[1797, 64]` pixels in [0, 1], planar false).
/// In the page's module, [`EngineError::NotLoaded`] until the shipped file
/// has been installed.
pub fn load() -> Result<RawData, EngineError> {
    if let Some(data) = INSTALLED.get() {
        return Ok(data.clone());
    }
    embedded()
}

#[cfg(not(target_arch = "wasm32"))]
fn embedded() -> Result<RawData, EngineError> {
    let corrupt = |why: String| EngineError::Asset(format!("digits: {why}"));
    whole(from_records(RECORDS).map_err(|e| corrupt(e.to_string()))?).map_err(corrupt)
}

#[cfg(target_arch = "wasm32")]
fn embedded() -> Result<RawData, EngineError> {
    Err(EngineError::NotLoaded("digits".to_string()))
}

/// The images a thumbnail of the set shows: image `t·n/9` for t = 0…8
/// (the build script picks them), which the page's module carries.
static PREVIEW: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/digits-preview.bin"));

/// Nine images spread over the set, image `t·1797/9` for t = 0…8 (a
/// thumbnail's mosaic), available before the set is fetched.
pub fn preview() -> RawData {
    from_records(PREVIEW).expect("the build script writes nine whole images")
}

/// The shipped file's name (beside the page, which fetches it).
pub const FILE: &str = "digits.csv.gz";

/// Whether [`load`] has the set (always, natively).
pub fn is_loaded() -> bool {
    INSTALLED.get().is_some() || cfg!(not(target_arch = "wasm32"))
}

/// `data` if it holds every image of the shipped set.
fn whole(data: RawData) -> Result<RawData, String> {
    if data.len() != IMAGES {
        return Err(format!("{} images, expected {IMAGES}", data.len()));
    }
    Ok(data)
}

/// Reads the shipped file, `data/digits.csv.gz` (the CSV gzipped, or
/// already inflated by a server that sent it with `Content-Encoding:
/// gzip`), and makes it the set [`load`] returns. Refused, with the
/// reason, when it is not the whole set; nothing changes then.
pub fn install_file(bytes: &[u8]) -> Result<(), EngineError> {
    let data = read_file(bytes)?;
    let _ = INSTALLED.set(data);
    Ok(())
}

/// The images of the shipped file's bytes (see [`install_file`]).
pub fn read_file(bytes: &[u8]) -> Result<RawData, EngineError> {
    use std::io::Read;
    let refuse = |why: String| EngineError::DataParse(format!("{FILE}: {why}"));
    let mut text = String::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        // At most 4 MB of text (the set is 265 KB), so a hostile file cannot fill memory.
        let limit = 4 * 1024 * 1024;
        flate2::read::GzDecoder::new(bytes)
            .take(limit)
            .read_to_string(&mut text)
            .map_err(|e| refuse(format!("not gzip of text: {e}")))?;
    } else {
        text = String::from_utf8(bytes.to_vec()).map_err(|_| refuse("neither gzip nor text".to_string()))?;
    }
    let data = parse_csv(&text).map_err(|e| match e {
        EngineError::DataParse(why) => refuse(why),
        other => other,
    })?;
    whole(data).map_err(refuse)
}

/// Images from records of 65 bytes: 64 pixel counts 0..=16, then a label
/// 0..=9. Errors name the 1-based image and the problem; never panics.
pub fn from_records(bytes: &[u8]) -> Result<RawData, EngineError> {
    const RECORD: usize = PIXELS + 1;
    if bytes.is_empty() || !bytes.len().is_multiple_of(RECORD) {
        return Err(EngineError::DataParse(format!("{} bytes, not whole images of {RECORD}", bytes.len())));
    }
    let mut pixels = Vec::with_capacity(bytes.len() / RECORD * PIXELS);
    let mut labels = Vec::with_capacity(bytes.len() / RECORD);
    for (i, record) in bytes.chunks_exact(RECORD).enumerate() {
        let err = |msg: String| EngineError::DataParse(format!("image {}: {msg}", i + 1));
        let (image, label) = record.split_at(PIXELS);
        if let Some((j, &v)) = image.iter().enumerate().find(|(_, &v)| u32::from(v) > MAX_PIXEL) {
            return Err(err(format!("pixel {} is {v}, outside 0..={MAX_PIXEL}", j + 1)));
        }
        if usize::from(label[0]) >= CLASSES {
            return Err(err(format!("label is {}, outside 0..={}", label[0], CLASSES - 1)));
        }
        pixels.extend(image.iter().map(|&v| f64::from(v) / f64::from(MAX_PIXEL)));
        labels.push(usize::from(label[0]));
    }
    let x = Array2::from_shape_vec((labels.len(), PIXELS), pixels)
        .map_err(|e| EngineError::DataParse(format!("pixel table: {e}")))?;
    Ok(RawData { x, labels: Labels::Classes { labels, n_classes: CLASSES }, planar: false })
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

    /// The shipped file, read as the page reads it (gzipped, or already
    /// inflated by the server), gives the embedded set bit for bit.
    #[test]
    fn the_shipped_file_reads_as_the_embedded_set() {
        use std::io::Read;
        let gz: &[u8] = include_bytes!("../../../data/digits.csv.gz");
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(gz).read_to_end(&mut text).unwrap();
        let embedded = load().unwrap();
        let bits = |d: &RawData| d.x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        for read in [read_file(gz).unwrap(), read_file(&text).unwrap()] {
            assert_eq!(bits(&read), bits(&embedded));
            assert_eq!(read.labels, embedded.labels);
        }
        assert!(is_loaded());
    }

    #[test]
    fn the_preview_is_nine_images_spread_over_the_set() {
        let (all, preview) = (load().unwrap(), preview());
        assert_eq!(preview.len(), 9);
        for t in 0..9 {
            assert_eq!(preview.x.row(t), all.x.row(t * IMAGES / 9), "image {t}");
            assert_eq!(preview.labels.select(&[t]), all.labels.select(&[t * IMAGES / 9]));
        }
    }

    #[test]
    fn read_file_refuses_what_is_not_the_whole_set() {
        use std::io::Write;
        let gzip = |bytes: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(bytes).unwrap();
            e.finish().unwrap()
        };
        let ten_images = (0..10).map(|i| line("1", &(i % 10).to_string())).collect::<Vec<_>>().join("\n");
        let cases: [(Vec<u8>, &str); 6] = [
            (Vec::new(), "no images found"),
            (vec![0xff, 0xfe, 0x00], "neither gzip nor text"),
            (vec![0x1f, 0x8b, 0x08, 0x00, 0x01], "not gzip of text"),
            (gzip(b"<html>404</html>"), "line 1: expected 65 fields"),
            (gzip(ten_images.as_bytes()), "10 images, expected 1797"),
            // Far more than the set inflates to: read up to a bound, then refused.
            (gzip(&vec![b'1'; 64 << 20]), "expected 65 fields, found 1"),
        ];
        for (bytes, why) in cases {
            match read_file(&bytes) {
                Err(EngineError::DataParse(msg)) => {
                    assert!(msg.starts_with("digits.csv.gz: ") && msg.contains(why), "{why}: {msg}")
                }
                other => panic!("{why}: {other:?}"),
            }
        }
    }

    #[test]
    fn records_errors_name_the_image_and_problem() {
        let good = [[0u8; PIXELS].as_slice(), &[3]].concat();
        let with = |pixel: u8, label: u8| {
            let mut r = good.clone();
            r[5] = pixel;
            r[PIXELS] = label;
            r
        };
        let cases = [
            ([good.clone(), good.clone(), with(17, 1)].concat(), "image 3: pixel 6 is 17"),
            ([good.clone(), with(16, 10)].concat(), "image 2: label is 10"),
            ([good.clone(), vec![1]].concat(), "66 bytes, not whole images of 65"),
            (Vec::new(), "0 bytes"),
        ];
        for (bytes, problem) in cases {
            match from_records(&bytes) {
                Err(EngineError::DataParse(msg)) => assert!(msg.contains(problem), "{msg}"),
                other => panic!("{problem}: {other:?}"),
            }
        }
        let d = from_records(&[with(16, 9), with(3, 0)].concat()).unwrap();
        assert_eq!((d.len(), d.x[[0, 5]], d.x[[1, 5]]), (2, 1.0, 3.0 / 16.0));
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
