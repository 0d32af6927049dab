//! Random correct experiments (no planted bug), and the doctor run over
//! them: correct code must never get a bug verdict, whatever else is wrong
//! with the experiment.

use crate::engine::instruments::doctor::{examine, DoctorOptions};
use crate::engine::instruments::finding::Problem;
use crate::engine::link as codec;
use crate::engine::rng::{Rng, Stream, Uniform01};
use crate::engine::trainer::StepOutcome;

/// A random but correct experiment (no planted bug), the `i`-th of a fixed
/// sequence: data set, 1–4 hidden layers of any activation with or without
/// BatchNorm and dropout, any initializer, loss, optimizer, learning rate
/// from 1e-5 to 5, batch size from 1 to 100, a penalty, clipping or other
/// option, trained 0–400 steps. Returns the link and the steps.
pub fn random_experiment(rng: &mut Rng, i: u64) -> (String, u64) {
    let data =
        pick(rng, &["circle", "xor", "gauss", "spiral", "moons", "blobs", "spiralk", "plane", "mgauss", "digits"]);
    let layers = 1 + rng.below(4);
    let acts = ["relu", "lrelu", "tanh", "sigmoid", "elu", "gelu", "linear"];
    let net: Vec<String> = (0..layers)
        .map(|_| {
            let mut s = format!("{}:{}", 2 + rng.below(24), pick(rng, &acts));
            if rng.below(4) == 0 {
                s.push_str(":bn");
            }
            if rng.below(5) == 0 {
                s.push_str(&format!(":d{}", pick(rng, &["0.1", "0.3", "0.5"])));
            }
            s
        })
        .collect();
    let regression = matches!(data, "plane" | "mgauss");
    let loss = if regression { "mse" } else { pick(rng, &["mse", "bce", "softmax", "focal"]) };
    let loss = if loss == "bce" && matches!(data, "blobs" | "spiralk" | "digits") { "softmax" } else { loss };
    let init = pick(
        rng,
        &[
            "xavier_u",
            "xavier_n",
            "he_u",
            "he_n",
            "lecun_n",
            "normal&ia=0.1",
            "normal&ia=1",
            "uniform&ia=0.5",
            "zeros",
            "const&ia=0.2",
        ],
    );
    let opt = pick(rng, &["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"]);
    let lr = pick(rng, &["0.00001", "0.001", "0.01", "0.03", "0.1", "1", "5"]);
    let bs = pick(rng, &["1", "4", "10", "32", "100"]);
    let extra = pick(
        rng,
        &[
            "",
            "&l2=0.001",
            "&l1=0.0001",
            "&clip=norm&cv=1",
            "&clip=value&cv=0.1",
            "&std=1",
            "&ord=act-do-bn",
            "&bias=-1",
            "&out=linear",
            "&out=sigmoid",
            "&feat=x1,x2,x1sq,x2sq",
        ],
    );
    let steps = [0, 0, 50, 400][rng.below(4)];
    let link =
        format!("data={data}&net={}&loss={loss}&init={init}&opt={opt}&lr={lr}&bs={bs}{extra}&seed={i}", net.join(","));
    (link, steps)
}

/// One of `xs`, drawn from `rng`.
fn pick(rng: &mut Rng, xs: &[&'static str]) -> &'static str {
    xs[rng.below(xs.len())]
}

/// The doctor on `n` random correct experiments ([`random_experiment`]):
/// the links (with their steps) that got a bug verdict, with the problems.
/// Correct code must never be called buggy, whatever else is wrong with
/// the experiment.
pub fn bug_verdicts_on_correct_code(n: u64) -> Vec<(String, u64, Vec<Problem>)> {
    let mut rng = Rng::new(42, Stream::Probe);
    let mut out = Vec::new();
    for i in 0..n {
        let (link, steps) = random_experiment(&mut rng, i);
        let (cfg, rejected) = codec::decode(&link);
        let Ok(mut t) = crate::engine::bug_lab::trainer(&cfg, None) else { continue };
        if !rejected.is_empty() {
            continue;
        }
        for _ in 0..steps {
            if let StepOutcome::Diverged(_) = t.step() {
                break;
            }
        }
        let bugs: Vec<Problem> = examine(&t, &DoctorOptions::default())
            .findings
            .iter()
            .filter(|f| f.problem.is_bug() && f.is_alarm())
            .map(|f| f.problem)
            .collect();
        if !bugs.is_empty() {
            out.push((link, steps, bugs));
        }
    }
    out
}
