//! Short tick labels for the chart axes (`25k`, `1.5M`, `1e-4`, `0.25`),
//! and the snapping of rounding artefacts to 0.

/// `v`, or 0 when it is within 1e-9·span of 0 (a rounding artefact).
pub(super) fn snap_zero(v: f64, span: f64) -> f64 {
    if v.abs() <= span.abs() * 1e-9 {
        0.0
    } else {
        v
    }
}

/// A short tick label: `0`; `25k`, `1.5M` for large values, `5.5e11` from 1e9; `1e-4`,
/// `2.5e-5` below 0.001; otherwise up to four significant digits without
/// trailing zeros (`0.25`, `12.5`, `1234`).
pub fn format_tick(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if a >= 1e9 {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_decimal(mantissa.to_string())),
            None => s,
        }
    } else if a >= 1e6 {
        format!("{}M", trim_decimal(format!("{:.2}", v / 1e6)))
    } else if a >= 1e4 {
        format!("{}k", trim_decimal(format!("{:.1}", v / 1e3)))
    } else if a < 1e-3 {
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((mantissa, exp)) => format!("{}e{exp}", trim_decimal(mantissa.to_string())),
            None => s,
        }
    } else {
        let decimals = (3.0 - libm::log10(a).floor()).clamp(0.0, 6.0) as usize;
        trim_decimal(format!("{v:.decimals$}"))
    }
}

/// Drops trailing zeros after a decimal point, and the point itself.
fn trim_decimal(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(format_tick(0.0), "0");
        assert_eq!(format_tick(1.0), "1");
        assert_eq!(format_tick(0.25), "0.25");
        assert_eq!(format_tick(0.1), "0.1");
        assert_eq!(format_tick(12.5), "12.5");
        assert_eq!(format_tick(1234.0), "1234");
        assert_eq!(format_tick(25_000.0), "25k");
        assert_eq!(format_tick(1_500_000.0), "1.5M");
        assert_eq!(format_tick(5.5e11), "5.5e11");
        assert_eq!(snap_zero(-5.55e-17, 0.8), 0.0);
        assert_eq!(snap_zero(1e-13, 1e-12), 1e-13);
        assert_eq!(format_tick(1e-4), "1e-4");
        assert_eq!(format_tick(2.5e-5), "2.5e-5");
        assert_eq!(format_tick(-0.5), "-0.5");
        assert_eq!(format_tick(0.30000000000000004), "0.3");
    }
}
