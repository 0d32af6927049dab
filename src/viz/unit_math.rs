//! The words and formulas of the network diagram's info box ("show the
//! math"): a unit's or an edge's numbers from
//! [`crate::engine::instruments::unit_math`] as lines of text, in the
//! page's language. The page sets them as text (never HTML); the CLI's
//! `gradlab unit-math` prints the same lines, so the end-to-end test
//! compares the page with the engine word for word.
//!
//! Long sums are cut: the [`SHOWN_TERMS`] largest terms `w·a` (by size),
//! then the rest as one figure ("+ 14 more terms (−0.12)"), then the bias
//! and the result. A negative factor is written in parentheses.

use crate::engine::instruments::unit_math::{self, EdgeMath, EdgeUpdate, Example, Form, Stage, UnitMath};
use crate::engine::link::settings;
use crate::engine::math;
use crate::engine::trainer::Trainer;
use crate::viz::diagram;

/// Terms of a sum written out; the rest are summed into one figure.
pub const SHOWN_TERMS: usize = 3;
/// Incoming edges named in a unit's box (weight and last update each).
pub const STRONGEST_SHOWN: usize = 3;

/// A number of the box: 3 significant digits without trailing zeros, in
/// fixed notation from 1e-4 to 1e5 and scientific outside, a negative one
/// with the minus sign `−` (`0.41`, `−0.0031`, `1.6e−5`, `0`).
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    let text = if (1e-4..1e5).contains(&a) {
        let digits = (2 - math::log10(a).floor() as i32).max(0) as usize;
        trim(&format!("{a:.digits$}"))
    } else {
        let s = format!("{a:.2e}");
        let (mantissa, exponent) = s.split_once('e').unwrap_or((&s, "0"));
        format!("{}e{}", trim(mantissa), exponent.replace('-', "−"))
    };
    if x < 0.0 {
        format!("−{text}")
    } else {
        text
    }
}

/// `1.500` → `1.5`, `2.000` → `2`.
fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A factor of a product: the number, in parentheses when negative.
fn factor(x: f64) -> String {
    let s = num(x);
    if s.starts_with('−') {
        format!("({s})")
    } else {
        s
    }
}

/// `z = w·a + … + b = z` with the largest terms first and the rest elided.
pub fn sum_text(weights: &[f32], inputs: &[f32], bias: f32, z: f32) -> String {
    let mut terms: Vec<(f64, f64)> = weights.iter().zip(inputs).map(|(&w, &a)| (f64::from(w), f64::from(a))).collect();
    let size = |&(w, a): &(f64, f64)| {
        let p = (w * a).abs();
        if p.is_nan() {
            f64::INFINITY
        } else {
            p
        }
    };
    let mut parts: Vec<String> = Vec::new();
    let shown = if terms.len() <= SHOWN_TERMS + 1 { terms.len() } else { SHOWN_TERMS };
    terms.sort_by(|a, b| size(b).total_cmp(&size(a)));
    for &(w, a) in &terms[..shown] {
        parts.push(format!("{}·{}", factor(w), factor(a)));
    }
    let rest = &terms[shown..];
    if !rest.is_empty() {
        let sum: f64 = rest.iter().map(|(w, a)| w * a).sum();
        parts.push(crate::tr!("viz.unit_math.more_terms", n = rest.len(), sum = num(sum)));
    }
    parts.push(factor(f64::from(bias)));
    format!("z = Σ w·a + b = {} = {}", parts.join(" + "), num(f64::from(z)))
}

/// Which example, in words: "for training point 1: (x1, x2) = (…), class 1".
pub fn example_text(e: &Example) -> String {
    let n = e.index + 1;
    match (e.image, e.point, e.class, e.target) {
        (true, _, Some(class), _) => crate::tr!("viz.unit_math.example_image", n = n, class = class),
        (_, Some([x1, x2]), Some(class), _) => {
            crate::tr!("viz.unit_math.example_class", n = n, x1 = num(x1), x2 = num(x2), class = class)
        }
        (_, Some([x1, x2]), None, Some(t)) => {
            crate::tr!("viz.unit_math.example_target", n = n, x1 = num(x1), x2 = num(x2), target = num(t))
        }
        _ => crate::tr!("viz.unit_math.example", n = n),
    }
}

/// The lines from `z` to the node's output: BatchNorm, the activation,
/// dropout, or `a = z`; and a logit output's probability.
fn stage_lines(u: &UnitMath) -> Vec<String> {
    let mut lines = Vec::new();
    let last = u.stages.iter().rposition(|s| !matches!(s, Stage::Dropout { .. }));
    let mut sym = "z";
    for (k, s) in u.stages.iter().enumerate() {
        let out = if Some(k) == last {
            "a"
        } else if matches!(s, Stage::BatchNorm { .. }) {
            "ẑ"
        } else {
            "h"
        };
        match *s {
            Stage::BatchNorm { input, mean, var, eps, gamma, beta, output } => {
                lines.push(crate::tr!("viz.unit_math.bn"));
                let g = |v: f32| factor(f64::from(v));
                lines.push(format!(
                    "{out} = γ·({sym} − μ)/√(σ² + ε) + β = {}·({} − {})/√({} + {}) + {} = {}",
                    g(gamma),
                    num(f64::from(input)),
                    g(mean),
                    num(f64::from(var)),
                    num(eps),
                    g(beta),
                    num(f64::from(output))
                ));
                sym = out;
            }
            Stage::Activation { act, output, .. } => {
                lines.push(format!("{out} = {}({sym}) = {}", act_name(act), num(f64::from(output))));
                sym = out;
            }
            Stage::Dropout { p } => lines.push(crate::tr!("viz.unit_math.dropout", p = num(p))),
        }
    }
    match (&u.probability, last) {
        (Some(p), _) => lines.push(if p.softmax {
            crate::tr!("viz.unit_math.softmax", unit = subscript(p.class + 1), p = num(p.p), class = p.class)
        } else {
            crate::tr!("viz.unit_math.sigmoid", p = num(p.p))
        }),
        (None, None) => lines.push(crate::tr!("viz.unit_math.linear", a = num(f64::from(u.a)))),
        _ => {}
    }
    lines
}

/// `n` in subscript digits (`₁₂`).
fn subscript(n: usize) -> String {
    n.to_string().chars().map(|c| char::from_u32(0x2080 + c.to_digit(10).unwrap_or(0)).unwrap_or(c)).collect()
}

/// An activation's name in a formula.
fn act_name(act: crate::engine::config::Act) -> &'static str {
    use crate::engine::named::Named;
    act.name()
}

/// The info box of a unit, after its heading: which example, `z`, the
/// stages to `a`, `∂L/∂z`, and the strongest incoming edges with their
/// last update (`source` names an incoming unit), and how to walk them.
pub fn unit_lines(u: &UnitMath, source: &dyn Fn(usize) -> String) -> Vec<String> {
    let mut lines = vec![example_text(&u.example), sum_text(&u.weights, &u.inputs, u.bias, u.z)];
    lines.extend(stage_lines(u));
    lines.push(crate::tr!("viz.unit_math.dz", dz = num(f64::from(u.dz)), loss = num(u.loss)));
    let strongest: Vec<String> = u
        .strongest
        .iter()
        .take(STRONGEST_SHOWN)
        .map(|&i| {
            let w = num(f64::from(u.weights[i]));
            match u.deltas.get(i) {
                Some(&d) => {
                    crate::tr!("viz.unit_math.edge_item_update", source = source(i), w = w, dw = num(f64::from(d)))
                }
                None => crate::tr!("viz.unit_math.edge_item", source = source(i), w = w),
            }
        })
        .collect();
    lines.push(crate::tr!("viz.unit_math.strongest", edges = strongest.join("; ")));
    lines.push(crate::tr!("viz.unit_math.walk", n = u.weights.len()));
    lines
}

/// The optimizer's rule with its numbers: `Adam: −lr·m̂/(√v̂ + ε) = … = Δ`.
fn rule_text(last: &EdgeUpdate) -> Option<String> {
    let r = last.rule.as_ref()?;
    let lr = num(last.lr);
    let (formula, numbers) = match r.form {
        Form::Sgd { g } => ("lr·∂L/∂w".to_string(), format!("{lr}·{}", factor(g))),
        Form::Momentum { mu, v } => {
            ("lr·v, v = μ·v′ + ∂L/∂w".to_string(), format!("{lr}·{} (μ = {})", factor(v), num(mu)))
        }
        Form::Nesterov { mu, g, v } => {
            ("lr·(∂L/∂w + μ·v)".to_string(), format!("{lr}·({} + {}·{})", num(g), num(mu), factor(v)))
        }
        Form::RmsProp { g, s, eps } => {
            ("lr·∂L/∂w/(√s + ε)".to_string(), format!("{lr}·{}/(√{} + {})", factor(g), num(s), num(eps)))
        }
        Form::Adam { m_hat, v_hat, eps } => {
            ("lr·m̂/(√v̂ + ε)".to_string(), format!("{lr}·{}/(√{} + {})", factor(m_hat), num(v_hat), num(eps)))
        }
        Form::Lion { c } => ("lr·sign(c)".to_string(), format!("{lr}·sign({})", num(c))),
    };
    let (formula, numbers) = match r.decay {
        Some(l) => (format!("−lr·λ·w − {formula}"), format!("−{lr}·{}·{} − {numbers}", num(l), factor(r.w_before))),
        None => (format!("−{formula}"), format!("−{numbers}")),
    };
    let name = settings::setting("opt").map_or(r.name, |s| s.option_label(r.name));
    Some(format!("{name}: Δw = {formula} = {numbers} = {}", num(r.predicted)))
}

/// Whether the weight moved as the rule says (within float32 rounding of
/// the weight and a relative 1e-3).
fn as_the_rule_says(last: &EdgeUpdate, w: f32) -> bool {
    last.rule.as_ref().is_none_or(|r| {
        let tol = 1e-3 * r.predicted.abs() + 4.0 * f64::from(f32::EPSILON) * f64::from(w.abs()).max(r.w_before.abs());
        (f64::from(last.delta) - r.predicted).abs() <= tol
    })
}

/// The info box of an edge, after its heading: `w`, the last step's
/// gradient and update with the optimizer's rule, and the example's
/// `∂L/∂w = a·∂L/∂z`.
pub fn edge_lines(e: &EdgeMath) -> Vec<String> {
    let mut lines = vec![format!("w = {}", num(f64::from(e.w)))];
    match &e.last {
        Some(last) => {
            let grad = num(f64::from(last.grad));
            lines.push(if last.clipped {
                crate::tr!("viz.unit_math.grad_clipped", grad = grad, step = last.step)
            } else {
                crate::tr!("viz.unit_math.grad", grad = grad, step = last.step)
            });
            lines.push(crate::tr!("viz.unit_math.update", dw = num(f64::from(last.delta)), step = last.step));
            lines.extend(rule_text(last));
            if !as_the_rule_says(last, e.w) {
                lines.push(crate::tr!("viz.unit_math.mismatch"));
            }
        }
        None => lines.push(crate::tr!("viz.unit_math.no_step")),
    }
    lines.push(example_text(&e.example));
    lines.push(format!(
        "∂L/∂w = a·∂L/∂z = {}·{} = {}",
        factor(f64::from(e.a_from)),
        factor(f64::from(e.dz_to)),
        num(f64::from(e.example_grad))
    ));
    lines
}

/// The diagram's labels of the trainer's columns (inputs, hidden, output).
fn labels(trainer: &Trainer) -> Vec<String> {
    let hidden: Vec<usize> = trainer.cfg.hidden.iter().map(|l| l.units).collect();
    diagram::columns(trainer.model.n_in, &hidden, trainer.model.n_out).1
}

/// The name of unit `i` of column `col` as the box writes it: an input
/// feature (`x1`), a pixel (`pixel 12`), or `hidden 1 · unit 3`.
pub fn unit_name(trainer: &Trainer, labels: &[String], col: usize, i: usize) -> String {
    if col > 0 {
        let column = labels.get(col).cloned().unwrap_or_default();
        return crate::tr!("web.network.unit_info", column = column, unit = i + 1);
    }
    match &trainer.input_map {
        Some(map) => map.features.get(i).map_or_else(String::new, |&f| diagram::feature_name(f)),
        None => crate::tr!("viz.unit_math.pixel", n = i + 1),
    }
}

/// The whole box of unit `unit` of column `col` (≥ 1) for training
/// example `example`: its name, then [`unit_lines`]; with the numbers.
pub fn unit_box(trainer: &Trainer, col: usize, unit: usize, example: usize) -> Option<(Vec<String>, UnitMath)> {
    let u = unit_math::unit(trainer, col, unit, example)?;
    let labels = labels(trainer);
    let mut lines = vec![unit_name(trainer, &labels, col, unit)];
    lines.extend(unit_lines(&u, &|i| unit_name(trainer, &labels, col - 1, i)));
    Some((lines, u))
}

/// The whole box of the edge from unit `from` of column `col − 1` to unit
/// `to` of column `col`: `source → target`, then [`edge_lines`].
pub fn edge_box(
    trainer: &Trainer,
    col: usize,
    from: usize,
    to: usize,
    example: usize,
) -> Option<(Vec<String>, EdgeMath)> {
    let e = unit_math::edge(trainer, col, from, to, example)?;
    let labels = labels(trainer);
    let head = format!("{} → {}", unit_name(trainer, &labels, col - 1, from), unit_name(trainer, &labels, col, to));
    let mut lines = vec![head];
    lines.extend(edge_lines(&e));
    Some((lines, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::Act;
    use crate::engine::instruments::unit_math::{Probability, RuleMath};

    fn example() -> Example {
        Example { index: 0, point: Some([1.5, -2.25]), class: Some(1), target: None, image: false }
    }

    fn unit(stages: Vec<Stage>, probability: Option<Probability>) -> UnitMath {
        UnitMath {
            col: 1,
            unit: 0,
            example: example(),
            inputs: vec![1.0, -2.0],
            weights: vec![0.5, 0.25],
            bias: -0.1,
            z: -0.1,
            stages,
            a: 0.3,
            probability,
            loss: 0.52,
            dz: 0.031,
            strongest: vec![0, 1],
            deltas: vec![-0.003, 0.001],
            bias_delta: Some(0.0),
            step: 12,
        }
    }

    #[test]
    fn numbers_have_three_significant_digits() {
        let cases = [
            (0.0, "0"),
            (0.41, "0.41"),
            (-0.0031, "−0.0031"),
            (1.0, "1"),
            (123.456, "123"),
            (-9.9996, "−10"),
            (1.6e-5, "1.6e−5"),
            (2.5e7, "2.5e7"),
            (f64::NAN, "NaN"),
        ];
        for (x, want) in cases {
            assert_eq!(num(x), want, "{x}");
        }
    }

    #[test]
    fn long_sums_show_the_largest_terms_first() {
        // Terms 0.5·1, 0.25·(−2) = −0.5, bias −0.1: all shown (2 ≤ 4).
        assert_eq!(
            sum_text(&[0.5, 0.25], &[1.0, -2.0], -0.1, -0.1),
            "z = Σ w·a + b = 0.5·1 + 0.25·(−2) + (−0.1) = −0.1"
        );
        // Six terms: the three largest |w·a|, then 3 more summed.
        let w = [0.1, -3.0, 0.2, 1.0, 0.01, 2.0];
        let a = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let text = sum_text(&w, &a, 0.5, 1.0);
        assert_eq!(text, "z = Σ w·a + b = (−3)·1 + 2·1 + 1·1 + 3 more terms (0.31) + 0.5 = 1");
        // A NaN term counts as the largest.
        assert!(
            sum_text(&[0.1, f32::NAN, 0.2, 0.3, 0.4], &[1.0; 5], 0.0, f32::NAN).starts_with("z = Σ w·a + b = NaN·1")
        );
    }

    #[test]
    fn units_name_the_example_the_stages_and_their_edges() {
        let stages = vec![
            Stage::BatchNorm { input: -0.1, mean: 0.2, var: 0.81, eps: 1e-5, gamma: 1.5, beta: -0.05, output: -0.55 },
            Stage::Activation { act: Act::Tanh, slope: 0.01, input: -0.55, output: -0.5 },
            Stage::Dropout { p: 0.2 },
        ];
        let lines = unit_lines(&unit(stages, None), &|i| format!("x{}", i + 1));
        assert_eq!(lines[0], "for training point 1: (x1, x2) = (1.5, −2.25), class 1");
        assert_eq!(lines[2], "BatchNorm in evaluation mode: running mean μ and variance σ²");
        assert_eq!(lines[3], "ẑ = γ·(z − μ)/√(σ² + ε) + β = 1.5·(−0.1 − 0.2)/√(0.81 + 1e−5) + (−0.05) = −0.55");
        assert_eq!(lines[4], "a = tanh(ẑ) = −0.5");
        assert_eq!(lines[5], "dropout 0.2: off in evaluation mode (a passes unchanged)");
        assert_eq!(lines[6], "∂L/∂z = 0.031 (this point's loss L = 0.52)");
        assert_eq!(lines[7], "strongest weights in: x1 0.5 (last Δw −0.003); x2 0.25 (last Δw 0.001)");
        assert!(lines[8].contains("↓"));
        // Activation then BatchNorm: h, then a.
        let stages = vec![
            Stage::Activation { act: Act::Relu, slope: 0.01, input: -0.1, output: 0.0 },
            Stage::BatchNorm { input: 0.0, mean: 0.2, var: 0.81, eps: 1e-5, gamma: 1.5, beta: -0.05, output: -0.38 },
        ];
        let lines = unit_lines(&unit(stages, None), &|i| format!("x{}", i + 1));
        assert_eq!(lines[2], "h = relu(z) = 0");
        assert!(lines[4].starts_with("a = γ·(h − μ)"));
        // A linear unit; a softmax output; a sigmoid output.
        let mut u = unit(Vec::new(), None);
        u.deltas.clear();
        let lines = unit_lines(&u, &|i| format!("x{}", i + 1));
        assert_eq!(lines[2], "a = z = 0.3 (linear)");
        assert_eq!(lines[4], "strongest weights in: x1 0.5; x2 0.25");
        let p = Probability { softmax: true, class: 2, p: 0.83 };
        assert_eq!(
            unit_lines(&unit(Vec::new(), Some(p)), &|_| String::new())[2],
            "p = softmax(z)₃ = 0.83: the probability of class 2"
        );
        let p = Probability { softmax: false, class: 1, p: 0.25 };
        assert_eq!(
            unit_lines(&unit(Vec::new(), Some(p)), &|_| String::new())[2],
            "p = σ(z) = 0.25: the probability of class 1"
        );
        let image = Example { image: true, point: None, class: Some(7), index: 4, target: None };
        assert_eq!(example_text(&image), "for training image 5: digit 7");
        let plane = Example { class: None, target: Some(0.5), ..example() };
        assert_eq!(example_text(&plane), "for training point 1: (x1, x2) = (1.5, −2.25), target 0.5");
    }

    #[test]
    fn edges_show_the_update_and_the_rule_that_made_it() {
        let rule =
            RuleMath { name: "sgd", form: Form::Sgd { g: 0.1 }, decay: None, w_before: 0.413, predicted: -0.003 };
        let last = EdgeUpdate { step: 12, grad: 0.1, delta: -0.003, lr: 0.03, clipped: false, rule: Some(rule) };
        let mut e = EdgeMath {
            col: 1,
            from: 0,
            to: 2,
            w: 0.41,
            a_from: 0.7,
            dz_to: -0.031,
            example_grad: -0.0217,
            example: example(),
            last: Some(last.clone()),
        };
        let lines = edge_lines(&e);
        assert_eq!(lines[0], "w = 0.41");
        assert_eq!(lines[1], "∂L/∂w = 0.1 (the mini-batch of step 12)");
        assert_eq!(lines[2], "last update: Δw = −0.003 at step 12");
        assert_eq!(lines[3], "sgd: Δw = −lr·∂L/∂w = −0.03·0.1 = −0.003");
        assert_eq!(lines[4], example_text(&example()));
        assert_eq!(lines[5], "∂L/∂w = a·∂L/∂z = 0.7·(−0.031) = −0.0217");
        // An update that is not the rule's is pointed out.
        e.last = Some(EdgeUpdate { delta: 0.0, ..last.clone() });
        assert!(edge_lines(&e).iter().any(|l| l == "the weight did not move as the rule says"));
        // Adam with decoupled decay.
        let form = Form::Adam { m_hat: 0.12, v_hat: 0.0016, eps: 1e-8 };
        let rule = RuleMath { name: "adamw", form, decay: Some(0.01), w_before: 0.5, predicted: -0.03005 };
        e.last = Some(EdgeUpdate { rule: Some(rule), delta: -0.03005, clipped: true, ..last });
        let lines = edge_lines(&e);
        assert_eq!(lines[1], "∂L/∂w = 0.1 (the mini-batch of step 12, after clipping)");
        assert_eq!(
            lines[3],
            "adamw: Δw = −lr·λ·w − lr·m̂/(√v̂ + ε) = −0.03·0.01·0.5 − 0.03·0.12/(√0.0016 + 1e−8) = −0.0301"
        );
        e.last = None;
        assert_eq!(edge_lines(&e)[1], "no step yet: no gradient and no update");
    }
}
