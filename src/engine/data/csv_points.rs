//! A CSV of 2-D points with labels, read into a custom set
//! ([`super::custom`]), treating the file as hostile.
//!
//! The format: one point per row, `x1,x2,label`, with an optional header
//! row (a first row none of whose fields is a number). Coordinates are
//! finite numbers in `[−6, 6]` (the data view's plane; not rescaled: a
//! point outside is an error naming its row), rounded to hundredths; labels
//! are whole numbers `0..=4`, and at least two classes must be present.
//! At most [`MAX_CSV_BYTES`] and [`MAX_POINTS`] rows. The first problem
//! found is reported with its line number; a file with any problem changes
//! nothing.

use super::custom::{CustomPoint, MAX_CLASSES, MAX_POINTS};

/// Largest file read, in bytes (1 MiB).
pub const MAX_CSV_BYTES: usize = 1 << 20;
/// Characters of a field echoed in a message.
const ECHO: usize = 24;

/// Why a CSV was refused; lines are counted from 1.
#[derive(Clone, Debug, PartialEq)]
pub enum CsvProblem {
    /// More bytes than [`MAX_CSV_BYTES`].
    TooLarge(usize),
    /// Not UTF-8 text, or holds NUL bytes.
    NotText,
    /// No data rows.
    Empty,
    /// More data rows than [`MAX_POINTS`].
    TooManyRows,
    /// The CSV reader failed at a line.
    Unreadable(u64, String),
    /// A row without exactly three fields: line, fields found.
    Columns(u64, usize),
    /// A coordinate that is not a number: line, column, text.
    NotNumber(u64, &'static str, String),
    /// A coordinate that is infinite or NaN: line, column, text.
    NotFinite(u64, &'static str, String),
    /// A coordinate outside `[−6, 6]`: line, column, text.
    OutOfRange(u64, &'static str, String),
    /// A label that is not a whole number `0..=4`: line, text.
    BadLabel(u64, String),
    /// Fewer than two classes present: the one class found.
    OneClass(u8),
}

impl std::fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            CsvProblem::TooLarge(n) => crate::tr!("data.csv.too_large", bytes = n, max = MAX_CSV_BYTES),
            CsvProblem::NotText => crate::tr!("data.csv.not_text"),
            CsvProblem::Empty => crate::tr!("data.csv.empty"),
            CsvProblem::TooManyRows => crate::tr!("data.csv.too_many", max = MAX_POINTS),
            CsvProblem::Unreadable(line, e) => crate::tr!("data.csv.unreadable", line = line, error = e),
            CsvProblem::Columns(line, n) => crate::tr!("data.csv.columns", line = line, n = n),
            CsvProblem::NotNumber(line, col, t) => {
                crate::tr!("data.csv.not_number", line = line, column = col, text = t)
            }
            CsvProblem::NotFinite(line, col, t) => {
                crate::tr!("data.csv.not_finite", line = line, column = col, text = t)
            }
            CsvProblem::OutOfRange(line, col, t) => {
                crate::tr!("data.csv.out_of_range", line = line, column = col, text = t)
            }
            CsvProblem::BadLabel(line, t) => {
                crate::tr!("data.csv.bad_label", line = line, text = t, max = MAX_CLASSES - 1)
            }
            CsvProblem::OneClass(c) => crate::tr!("data.csv.one_class", class = c),
        };
        f.write_str(&text)
    }
}

/// Reads a whole file into custom points, or the first problem found.
pub fn read(bytes: &[u8]) -> Result<Vec<CustomPoint>, CsvProblem> {
    if bytes.len() > MAX_CSV_BYTES {
        return Err(CsvProblem::TooLarge(bytes.len()));
    }
    if std::str::from_utf8(bytes).is_err() || bytes.contains(&0) {
        return Err(CsvProblem::NotText);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(None)
        .from_reader(bytes);
    let mut points = Vec::new();
    let mut first = true;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            CsvProblem::Unreadable(line, echo(&e.to_string()))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        if std::mem::take(&mut first) && record.iter().all(|f| f.parse::<f64>().is_err()) {
            continue; // a header
        }
        if points.len() == MAX_POINTS {
            return Err(CsvProblem::TooManyRows);
        }
        points.push(point(&record, line)?);
    }
    if points.is_empty() {
        return Err(CsvProblem::Empty);
    }
    let class = points[0].class;
    if points.iter().all(|p| p.class == class) {
        return Err(CsvProblem::OneClass(class));
    }
    Ok(points)
}

/// One data row.
fn point(record: &csv::StringRecord, line: u64) -> Result<CustomPoint, CsvProblem> {
    if record.len() != 3 {
        return Err(CsvProblem::Columns(line, record.len()));
    }
    let x1 = coordinate(&record[0], line, "x1")?;
    let x2 = coordinate(&record[1], line, "x2")?;
    let label = &record[2];
    let class = label.parse::<usize>().ok().filter(|c| *c < MAX_CLASSES);
    let class = class.ok_or_else(|| CsvProblem::BadLabel(line, echo(label)))?;
    CustomPoint::at(x1, x2, class).ok_or_else(|| CsvProblem::OutOfRange(line, "x1", echo(&record[0])))
}

/// A coordinate: a finite number in `[−6, 6]`.
fn coordinate(text: &str, line: u64, column: &'static str) -> Result<f64, CsvProblem> {
    let x: f64 = text.parse().map_err(|_| CsvProblem::NotNumber(line, column, echo(text)))?;
    if !x.is_finite() {
        return Err(CsvProblem::NotFinite(line, column, echo(text)));
    }
    if CustomPoint::at(x, 0.0, 0).is_none() {
        return Err(CsvProblem::OutOfRange(line, column, echo(text)));
    }
    Ok(x)
}

/// A bounded, printable copy of file text for a message.
fn echo(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String =
        chars.by_ref().take(ECHO).map(|c| if c.is_control() { char::REPLACEMENT_CHARACTER } else { c }).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x1: i16, x2: i16, class: u8) -> CustomPoint {
        CustomPoint { x1, x2, class }
    }

    #[test]
    fn a_good_file_with_a_header_reads_every_row() {
        let text = "x1,x2,label\n1.5, -2 ,0\r\n\n-6,6,1\n0.004,0.005,4\n";
        assert_eq!(read(text.as_bytes()), Ok(vec![p(150, -200, 0), p(-600, 600, 1), p(0, 1, 4)]));
        // Without a header, the first row is data.
        assert_eq!(read(b"0,0,0\n1,1,1"), Ok(vec![p(0, 0, 0), p(100, 100, 1)]));
    }

    #[test]
    fn each_problem_names_its_line() {
        let cases: [(&[u8], CsvProblem); 11] = [
            (b"", CsvProblem::Empty),
            (b"x1,x2,label\n", CsvProblem::Empty),
            (b"0,0,0\n1,1\n", CsvProblem::Columns(2, 2)),
            (b"0,0,0\n1,1,1,1\n", CsvProblem::Columns(2, 4)),
            (b"0,0,0\nabc,1,1\n", CsvProblem::NotNumber(2, "x1", "abc".into())),
            (b"0,0,0\n1,NaN,1\n", CsvProblem::NotFinite(2, "x2", "NaN".into())),
            (b"0,0,0\n1e400,1,1\n", CsvProblem::NotFinite(2, "x1", "1e400".into())),
            (b"0,0,0\n1,6.5,1\n", CsvProblem::OutOfRange(2, "x2", "6.5".into())),
            (b"0,0,0\n1,1,5\n", CsvProblem::BadLabel(2, "5".into())),
            (b"0,0,1.5\n", CsvProblem::BadLabel(1, "1.5".into())),
            (b"0,0,1\n1,1,1\n", CsvProblem::OneClass(1)),
        ];
        for (text, want) in cases {
            assert_eq!(read(text), Err(want), "{:?}", String::from_utf8_lossy(text));
        }
        assert_eq!(read(&[0x89, b'P', b'N', b'G', 0, 0xff]), Err(CsvProblem::NotText));
        assert_eq!(read(b"0,0,0\x00"), Err(CsvProblem::NotText));
        let big = vec![b'0'; MAX_CSV_BYTES + 1];
        assert_eq!(read(&big), Err(CsvProblem::TooLarge(MAX_CSV_BYTES + 1)));
        let rows: String = (0..=MAX_POINTS).map(|i| format!("0,0,{}\n", i % 2)).collect();
        assert_eq!(read(rows.as_bytes()), Err(CsvProblem::TooManyRows));
        assert_eq!(read(rows.as_bytes()[..rows.len() - 6].as_ref()).map(|p| p.len()), Ok(MAX_POINTS));
    }

    #[test]
    fn messages_say_the_line_and_echo_bounded_printable_text() {
        let text = format!("0,0,0\n1,{}\u{7},1\n", "z".repeat(100));
        let err = read(text.as_bytes()).unwrap_err();
        let CsvProblem::NotNumber(2, "x2", echoed) = &err else { panic!("{err:?}") };
        assert_eq!(echoed.chars().count(), ECHO + 1);
        let message = err.to_string();
        assert!(message.contains('2') && message.contains("x2"), "{message}");
    }
}
