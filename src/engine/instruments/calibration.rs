//! The doctor benchmark: labelled experiments with known answers, and the
//! scoring that holds the doctor to them (`gradlab doctor --bench`, and
//! `tests/doctor_bench.rs` in every test run).
//!
//! Two kinds of case:
//! - **healthy** standard recipes, across every data set, activation
//!   family, BatchNorm, dropout ≤ 0.3 after the last BatchNorm, SGD and
//!   Adam: the doctor must raise no warning and no error on them (notes are
//!   allowed);
//! - **misconfigurations**, each with the problem it must name (`primary`)
//!   and the true consequences it may also name (`also`): the primary must
//!   be named and ranked first among the warnings, and nothing outside
//!   primary ∪ also may be raised.
//!
//! Each case is examined after `steps` training steps (0: before
//! training), with the doctor's default options, exactly as `gradlab doctor
//! '<link>' --steps N` and the page's "Run the doctor" do.
//!
//! Scores: per problem, precision (of the cases where the doctor named it,
//! the share where it is expected) and recall (of the cases whose primary
//! it is, the share where the doctor named it), and a confusion summary
//! (each case's expected primary against what the doctor put first).

use super::doctor::{examine, DoctorOptions};
use super::finding::{Finding, Problem};
use crate::engine::config::codec;
use crate::engine::rng::{Rng, Stream, Uniform01};
use crate::engine::trainer::StepOutcome;
use std::collections::BTreeMap;

/// What a case must produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// No warning and no error.
    Healthy,
    /// `primary` named and ranked first; nothing outside `primary` ∪ `also`.
    Problem {
        /// The problem the case is about.
        primary: Problem,
        /// True consequences the doctor may name as well.
        also: &'static [Problem],
    },
}

/// One labelled experiment.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// Short name.
    pub name: &'static str,
    /// The experiment, as a link.
    pub link: &'static str,
    /// Steps trained before the doctor examines it.
    pub steps: u64,
    /// The known answer.
    pub expect: Expect,
    /// Why the answer is what it is.
    pub why: &'static str,
}

const fn healthy(name: &'static str, link: &'static str, steps: u64, why: &'static str) -> Case {
    Case { name, link, steps, expect: Expect::Healthy, why }
}

const fn bad(
    name: &'static str,
    link: &'static str,
    steps: u64,
    primary: Problem,
    also: &'static [Problem],
    why: &'static str,
) -> Case {
    Case { name, link, steps, expect: Expect::Problem { primary, also }, why }
}

use Problem as P;

/// The labelled cases.
pub const CASES: &[Case] = &[
    // ---- healthy standard recipes ----
    healthy("tfp-default", "v=1", 0, "TF Playground's default: circle, 4-2 tanh, Xavier, MSE/tanh, SGD 0.03, batch 10"),
    healthy("tfp-default-trained", "v=1", 1000, "the same after 1,000 steps"),
    healthy("tfp-xor-product", "data=xor&feat=x1,x2,x1x2&std=1&net=4:tanh&lr=0.03", 0, "xor with the product feature"),
    healthy(
        "gauss-logistic",
        "data=gauss&std=1&net=&loss=bce&lr=0.1",
        0,
        "logistic regression on separable blobs (no hidden layer)",
    ),
    healthy(
        "circle-relu-he",
        "data=circle&std=1&net=8:relu,8:relu&init=he_n&loss=bce&opt=adam&lr=0.01",
        0,
        "He-initialized ReLU net, standardized inputs, Adam",
    ),
    healthy(
        "circle-relu-he-mse",
        "data=circle&std=1&net=8:relu,8:relu&init=he_n",
        0,
        "the same with TF Playground's MSE/tanh output and SGD 0.03",
    ),
    healthy(
        "xor-lrelu-sgd",
        "data=xor&std=1&net=8:lrelu,8:lrelu&init=he_n&loss=bce&lr=0.05",
        0,
        "leaky ReLU, He, SGD",
    ),
    healthy(
        "spiral-relu-features",
        "data=spiral&feat=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&std=1&net=16:relu,16:relu&init=he_n&loss=bce&opt=adam&lr=0.01",
        0,
        "spiral with every feature, ReLU, Adam",
    ),
    healthy(
        "spiral-relu-trained",
        "data=spiral&feat=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&std=1&net=16:relu,16:relu&init=he_n&loss=bce&opt=adam&lr=0.01",
        2000,
        "the same after 2,000 steps",
    ),
    healthy("moons-elu", "data=moons&std=1&net=8:elu,8:elu&init=he_n&loss=bce&opt=adam&lr=0.005", 0, "ELU on moons"),
    healthy(
        "blobs-gelu-softmax",
        "data=blobs&k=4&std=1&net=8:gelu&loss=softmax&opt=adam&lr=0.01",
        0,
        "4 blobs, GELU, softmax cross-entropy",
    ),
    healthy(
        "spiralk-relu-softmax",
        "data=spiralk&k=3&std=1&net=32:relu,32:relu&init=he_n&loss=softmax&opt=adam&lr=0.005",
        0,
        "3-arm spiral, softmax",
    ),
    healthy("plane-linear", "data=plane&std=1&out=linear&net=4:tanh&lr=0.01", 0, "regression plane, linear output"),
    healthy(
        "multigauss-tanh-adam",
        "data=mgauss&std=1&out=linear&net=8:tanh,8:tanh&opt=adam&lr=0.01",
        0,
        "regression bumps, tanh, Adam",
    ),
    healthy(
        "digits-relu-adam",
        "data=digits&std=1&net=64:relu&init=he_n&loss=softmax&opt=adam&lr=0.001&bs=32",
        0,
        "digits, one ReLU layer, Adam 1e-3 (Karpathy's default)",
    ),
    healthy(
        "digits-relu-adam-trained",
        "data=digits&std=1&net=64:relu&init=he_n&loss=softmax&opt=adam&lr=0.001&bs=32",
        300,
        "the same after 300 steps",
    ),
    healthy(
        "digits-tanh-momentum",
        "data=digits&std=1&net=32:tanh&loss=softmax&opt=momentum&mom=0.9&lr=0.02&bs=32",
        0,
        "digits, tanh, SGD with momentum",
    ),
    healthy(
        "circle-bn",
        "data=circle&std=1&net=8:relu:bn,8:relu:bn&init=he_n&loss=bce&opt=adam&lr=0.01&bs=32",
        0,
        "BatchNorm in both blocks, batch 32",
    ),
    healthy(
        "circle-bn-dropout-last",
        "data=circle&std=1&net=16:relu:bn,16:relu:bn:d0.2&init=he_n&loss=bce&opt=adam&lr=0.01&bs=32",
        0,
        "BatchNorm, dropout 0.2 after the last BatchNorm only",
    ),
    healthy(
        "digits-bn-dropout",
        "data=digits&std=1&net=64:relu:bn:d0.3&init=he_n&loss=softmax&opt=adam&lr=0.001&bs=32",
        0,
        "digits with BatchNorm then dropout 0.3 in the one block",
    ),
    healthy(
        "digits-dropout-0.5",
        "data=digits&std=1&net=128:relu:d0.5&init=he_n&loss=softmax&opt=adam&lr=0.001&bs=32",
        0,
        "dropout 0.5 on a wide layer (Srivastava et al.'s rate for hidden units)",
    ),
    healthy(
        "gauss-sigmoid",
        "data=gauss&std=1&net=8:sigmoid&loss=bce&opt=adam&lr=0.02",
        0,
        "one sigmoid layer",
    ),
    healthy(
        "circle-tanh-nesterov",
        "data=circle&std=1&net=8:tanh,8:tanh&loss=bce&opt=nesterov&mom=0.9&lr=0.01",
        0,
        "tanh with Nesterov momentum",
    ),
    healthy(
        "moons-rmsprop",
        "data=moons&std=1&net=16:relu&init=he_u&loss=bce&opt=rmsprop&lr=0.003",
        0,
        "RMSProp",
    ),
    healthy(
        "spiral-l2-adamw",
        "data=spiral&feat=x1,x2,x1sq,x2sq,sinx1,sinx2&std=1&net=16:relu,16:relu&init=he_n&loss=bce&opt=adamw&lr=0.01&l2=0.0001",
        0,
        "AdamW with a light L2",
    ),
    healthy("circle-noisy", "data=circle&noise=30&std=1&net=8:tanh&loss=bce&opt=adam&lr=0.01", 0, "30 % noise"),
    healthy(
        "circle-noisy-trained",
        "data=circle&noise=30&std=1&net=8:tanh&loss=bce&opt=adam&lr=0.01",
        1500,
        "30 % noise after 1,500 steps (a noisy plateau is not a problem)",
    ),
    healthy(
        "gauss-imbalanced-focal",
        "data=gauss&std=1&minor=20&loss=focal&net=4:tanh&opt=adam&lr=0.01",
        0,
        "20 %/80 % classes with focal loss",
    ),
    healthy(
        "deep-relu-he",
        "data=circle&std=1&net=16:relu,16:relu,16:relu,16:relu&init=he_n&loss=bce&opt=adam&lr=0.005",
        0,
        "four He-initialized ReLU layers",
    ),
    healthy(
        "deep-tanh-xavier",
        "data=xor&std=1&net=16:tanh,16:tanh,16:tanh,16:tanh&loss=bce&opt=adam&lr=0.005",
        0,
        "four Xavier-initialized tanh layers",
    ),
    healthy(
        "clip-cosine",
        "data=moons&std=1&net=16:relu,16:relu&init=he_n&loss=bce&lr=0.05&clip=norm&cv=5&sched=cos&se=2000",
        0,
        "SGD with norm clipping and a cosine schedule",
    ),
    healthy(
        "circle-relu-bs1",
        "data=circle&std=1&net=8:relu&init=he_n&loss=bce&lr=0.01&bs=1",
        0,
        "pure SGD, one example per step",
    ),
    // ---- misconfigurations ----
    bad(
        "exploding-relu-normal1",
        "data=circle&std=1&net=16:relu,16:relu,16:relu,16:relu,16:relu,16:relu,16:relu,16:relu&init=normal&ia=1&loss=bce",
        0,
        P::Exploding,
        &[],
        "N(0, 1) weights on 16-wide ReLU layers multiply the signal by ~√(16/2) ≈ 2.8 per layer",
    ),
    bad(
        "vanishing-sigmoid-normal1",
        "data=circle&std=1&net=8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid,8:sigmoid&init=normal&ia=1&loss=bce",
        0,
        P::Vanishing,
        &[],
        "six sigmoid layers: each multiplies the gradient by its slope (≤ 0.25)",
    ),
    bad(
        "plateau-tiny-init",
        "data=circle&std=1&net=8:tanh,8:tanh,8:tanh&init=normal&ia=0.01",
        0,
        P::Vanishing,
        &[],
        "N(0, 0.01²) weights: the signal fades through three layers and the loss sits on a plateau",
    ),
    bad(
        "dead-relu-bias",
        "data=circle&std=1&net=8:relu,8:relu&bias=-3&loss=bce&opt=adam&lr=0.01",
        0,
        P::DeadUnits,
        &[],
        "every bias at −3: most ReLU inputs are negative for every example",
    ),
    bad(
        "exploding-tanh-normal1",
        "data=circle&std=1&net=32:tanh,32:tanh,32:tanh,32:tanh,32:tanh,32:tanh&init=normal&ia=1",
        0,
        P::Exploding,
        &[P::Saturated],
        "N(0, 1) weights on 32-wide tanh layers: pre-activations of std ~5 saturate most units, and the error signal grows ~2.5× per layer on its way back",
    ),
    bad(
        "saturated-tanh-wide",
        "data=circle&std=1&net=16:tanh,16:tanh&init=normal&ia=2",
        0,
        P::Saturated,
        &[],
        "N(0, 2²) weights on two tanh layers: pre-activations of std ~10 in the second",
    ),
    bad(
        "saturated-output",
        "data=circle&std=1&net=16:relu&init=normal&ia=2",
        0,
        P::Saturated,
        &[],
        "N(0, 2²) weights drive the tanh output (MSE) to ±1 on the wrong side for a quarter to a half of the points",
    ),
    bad(
        "lr-too-high-diverges",
        "data=plane&std=1&out=linear&lr=10",
        0,
        P::LearningRateTooHigh,
        &[],
        "SGD at 10 on a linear regression output overshoots until it overflows",
    ),
    bad(
        "lr-too-high-collapse",
        "lr=3",
        300,
        P::LearningRateTooHigh,
        &[],
        "SGD at 3 on TF Playground's default: the tanh output collapses to one side after ~150 steps and the loss ends 2× its start",
    ),
    bad(
        "lr-too-high-collapse-early",
        "lr=10",
        0,
        P::LearningRateTooHigh,
        &[],
        "SGD at 10 collapses within the probe",
    ),
    bad(
        "lr-too-high-relu-dies",
        "data=circle&std=1&net=8:relu,8:relu&init=he_n&loss=bce&lr=5",
        0,
        P::LearningRateTooHigh,
        &[P::DeadUnits],
        "SGD at 5 on a ReLU net: the loss blows up and units die",
    ),
    bad("lr-too-low-sgd", "lr=0.00001", 0, P::LearningRateTooLow, &[], "SGD at 1e-5: updates ~1e-6 of the weights"),
    bad(
        "lr-too-low-adam",
        "data=circle&std=1&net=8:relu,8:relu&init=he_n&loss=bce&opt=adam&lr=0.000001",
        0,
        P::LearningRateTooLow,
        &[],
        "Adam at 1e-6",
    ),
    bad(
        "slow-convergence",
        "lr=0.001",
        0,
        P::LearningRateTooLow,
        &[],
        "SGD at 1e-3 on TF Playground's default: the loss falls ~1 % in 300 steps",
    ),
    bad("oscillating-sgd", "lr=1", 0, P::Oscillating, &[], "SGD at 1: the loss jumps between 0.05 and 0.4"),
    bad(
        "lr-too-high-xor",
        "data=xor&std=1&net=8:tanh&loss=bce&lr=10",
        0,
        P::LearningRateTooHigh,
        &[],
        "SGD at 10 on a cross-entropy",
    ),
    bad(
        "lr-too-high-momentum",
        "data=circle&std=1&net=8:tanh,8:tanh&loss=bce&opt=momentum&mom=0.95&lr=0.5",
        0,
        P::LearningRateTooHigh,
        &[],
        "momentum 0.95 multiplies the step by ~20: SGD at 0.5 becomes 10",
    ),
    bad("penalty-dominates", "l2=5&lr=0.01", 0, P::PenaltyDominates, &[], "L2 at 5: the penalty outweighs the data loss"),
    bad(
        "unnormalized-product",
        "data=xor&feat=x1,x2,x1x2&net=4:tanh&lr=0.03",
        0,
        P::UnnormalizedInputs,
        &[],
        "the raw product x1·x2 of inputs in [−6, 6]: std ~9",
    ),
    bad(
        "unnormalized-squares",
        "data=circle&feat=x1sq,x2sq&net=4:tanh",
        0,
        P::UnnormalizedInputs,
        &[],
        "raw x² features: mean ~8, std ~7",
    ),
    bad(
        "mse-on-digits",
        "data=digits&std=1&net=4:tanh,2:tanh",
        0,
        P::LossMismatch,
        &[P::CannotOverfit],
        "TF Playground's default net and MSE/tanh on 10 classes",
    ),
    bad(
        "mse-on-blobs",
        "data=blobs&k=4&std=1&net=8:relu&init=he_n&opt=adam&lr=0.01",
        0,
        P::LossMismatch,
        &[],
        "MSE on 4 classes",
    ),
    bad(
        "sigmoid-output-regression",
        "data=plane&out=sigmoid&net=4:tanh&lr=0.03",
        0,
        P::LossMismatch,
        &[],
        "a sigmoid output cannot produce the plane's negative targets",
    ),
    bad(
        "dropout-0.7",
        "data=circle&std=1&net=8:relu:d0.7,8:relu:d0.7&init=he_n&loss=bce&opt=adam&lr=0.01",
        0,
        P::DropoutTooHigh,
        &[],
        "dropout 0.7 keeps 2–3 of 8 units per step",
    ),
    bad(
        "dropout-0.5-narrow",
        "data=circle&std=1&net=4:tanh:d0.5,4:tanh:d0.5&loss=bce&opt=adam&lr=0.01",
        0,
        P::DropoutTooHigh,
        &[],
        "dropout 0.5 on 4-unit layers: 2 units per step are too few; without dropout the same steps learn twice as much",
    ),
    bad("zero-init", "init=zeros&net=8:tanh,8:tanh", 0, P::SymmetricInit, &[], "all-zero weights: every unit a copy"),
    bad(
        "constant-init-relu",
        "data=circle&std=1&net=8:relu,8:relu&init=const&ia=0.3&loss=bce&opt=adam&lr=0.01",
        0,
        P::SymmetricInit,
        &[],
        "constant 0.3: every unit a copy",
    ),
    bad(
        "bn-batch-2",
        "data=circle&std=1&net=8:relu:bn,8:relu:bn&init=he_n&loss=bce&opt=adam&lr=0.01&bs=2",
        0,
        P::BnSmallBatch,
        &[],
        "BatchNorm over 2 examples",
    ),
    bad(
        "bn-batch-1",
        "data=circle&std=1&net=8:tanh:bn&loss=bce&lr=0.03&bs=1",
        0,
        P::BnSmallBatch,
        &[P::CannotOverfit],
        "BatchNorm over 1 example: every BN output is β",
    ),
    bad(
        "dropout-before-bn",
        "data=circle&std=1&net=16:relu:bn:d0.3,16:relu:bn:d0.3&ord=act-do-bn&init=he_n&loss=bce&opt=adam&lr=0.01&bs=32",
        0,
        P::VarianceShift,
        &[],
        "dropout 0.3 before BatchNorm: variance shift 1/0.7 ≈ 1.43",
    ),
    bad(
        "initial-loss-digits-normal1",
        "data=digits&std=1&net=32:relu&init=normal&ia=1&loss=softmax&opt=adam&lr=0.001&bs=32",
        0,
        P::InitialLoss,
        &[],
        "N(0, 1) weights on 64 inputs: logits of std ~30, initial loss ≫ ln 10",
    ),
    bad(
        "initial-loss-wide-init",
        "data=circle&std=1&net=16:relu&init=normal&ia=4&loss=bce&opt=adam&lr=0.01",
        0,
        P::InitialLoss,
        &[],
        "N(0, 4²) weights: the output logit starts with std ~40, loss ≫ ln 2",
    ),
    bad(
        "initial-loss-blobs",
        "data=blobs&k=5&std=1&net=16:relu&init=normal&ia=2&loss=softmax&opt=adam&lr=0.01",
        0,
        P::InitialLoss,
        &[],
        "N(0, 2²) weights on 5 classes: initial loss ≫ ln 5",
    ),
];

/// Every case runs with each of these seeds (the link's `seed`): a verdict
/// that holds for one lucky draw only is no verdict.
pub const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

/// What the doctor said about one case with one seed.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The case.
    pub case: Case,
    /// The seed it ran with.
    pub seed: u64,
    /// Warnings and errors, ranked.
    pub alarms: Vec<Finding>,
    /// Notes (not scored).
    pub notes: Vec<Finding>,
    /// Whether the case passed.
    pub ok: bool,
    /// Why it failed (empty when it passed).
    pub failure: String,
}

/// Trains the case's steps with `seed` and runs the doctor.
pub fn run_case(case: &Case, seed: u64) -> Outcome {
    let (cfg, rejected) = codec::decode(&format!("{}&seed={seed}", case.link));
    let mut failure = String::new();
    if !rejected.is_empty() {
        failure = format!("link rejected: {rejected:?}");
    }
    let findings = match super::bug_lab::trainer(&cfg) {
        Ok(mut t) => {
            for _ in 0..case.steps {
                if let StepOutcome::Diverged(_) = t.step() {
                    break;
                }
            }
            examine(&t, &DoctorOptions::default()).findings
        }
        Err(e) => {
            failure = format!("invalid config: {e}");
            Vec::new()
        }
    };
    let (alarms, notes): (Vec<Finding>, Vec<Finding>) = findings.into_iter().partition(Finding::is_alarm);
    if failure.is_empty() {
        failure = judge(case.expect, &alarms);
    }
    Outcome { case: *case, seed, ok: failure.is_empty(), alarms, notes, failure }
}

/// Empty when `alarms` satisfy `expect`, else why not.
fn judge(expect: Expect, alarms: &[Finding]) -> String {
    match expect {
        Expect::Healthy => {
            if alarms.is_empty() {
                String::new()
            } else {
                format!("false alarm: {}", ids(alarms))
            }
        }
        Expect::Problem { primary, also } => {
            let first = alarms.first().map(|f| f.problem);
            let extra: Vec<&Finding> =
                alarms.iter().filter(|f| f.problem != primary && !also.contains(&f.problem)).collect();
            if !alarms.iter().any(|f| f.problem == primary) {
                format!("missed {}: said {}", primary.id(), ids(alarms))
            } else if first != Some(primary) {
                format!("{} not ranked first: said {}", primary.id(), ids(alarms))
            } else if !extra.is_empty() {
                format!("unexpected {}", extra.iter().map(|f| f.problem.id()).collect::<Vec<_>>().join(", "))
            } else {
                String::new()
            }
        }
    }
}

fn ids(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "nothing".to_string();
    }
    findings.iter().map(|f| f.problem.id()).collect::<Vec<_>>().join(", ")
}

/// Precision and recall of one problem over the benchmark.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    /// Cases where the doctor named it and it was expected.
    pub true_pos: usize,
    /// Cases where the doctor named it and it was not expected.
    pub false_pos: usize,
    /// Cases whose primary it is and the doctor did not name it.
    pub false_neg: usize,
}

impl Score {
    /// TP / (TP + FP); 1 when never named.
    pub fn precision(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }

    /// TP / (TP + FN); 1 when never expected.
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Per-problem scores (only problems expected or named somewhere).
pub fn scores(outcomes: &[Outcome]) -> BTreeMap<Problem, Score> {
    let mut out: BTreeMap<Problem, Score> = BTreeMap::new();
    for o in outcomes {
        let (primary, also): (Option<Problem>, &[Problem]) = match o.case.expect {
            Expect::Healthy => (None, &[]),
            Expect::Problem { primary, also } => (Some(primary), also),
        };
        let named: Vec<Problem> = o.alarms.iter().map(|f| f.problem).collect();
        for &p in &named {
            let s = out.entry(p).or_default();
            if Some(p) == primary || also.contains(&p) {
                s.true_pos += 1;
            } else {
                s.false_pos += 1;
            }
        }
        if let Some(p) = primary {
            if !named.contains(&p) {
                out.entry(p).or_default().false_neg += 1;
            }
        }
    }
    out
}

/// The whole benchmark as text: one line per case, per-problem precision
/// and recall, and the confusion summary.
pub fn report(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let healthy = outcomes.iter().filter(|o| o.case.expect == Expect::Healthy).count();
    let per_case = outcomes.iter().take_while(|o| o.case.name == outcomes[0].case.name).count().max(1);
    let seeds: Vec<u64> = outcomes.iter().take(per_case).map(|o| o.seed).collect();
    let cases = outcomes.len() / per_case;
    let healthy_cases = healthy / per_case;
    s.push_str(&format!(
        "doctor benchmark: {cases} cases ({healthy_cases} healthy, {} misconfigured), each with seeds {seeds:?}: {} runs\n\n",
        cases - healthy_cases,
        outcomes.len()
    ));
    for runs in outcomes.chunks(per_case) {
        let o = &runs[0];
        let expected = match o.case.expect {
            Expect::Healthy => "healthy".to_string(),
            Expect::Problem { primary, .. } => primary.id().to_string(),
        };
        let passed = runs.iter().filter(|r| r.ok).count();
        s.push_str(&format!(
            "{} {:<30} expected {:<24} said {}  ({passed}/{} seeds)\n",
            if passed == runs.len() { "ok  " } else { "FAIL" },
            o.case.name,
            expected,
            ids(&o.alarms),
            runs.len()
        ));
        for r in runs.iter().filter(|r| !r.ok) {
            s.push_str(&format!("     seed {}: {}\n", r.seed, r.failure));
        }
    }
    s.push_str("\nper problem                    precision  recall   (TP FP FN)\n");
    for (p, sc) in scores(outcomes) {
        s.push_str(&format!(
            "  {:<28} {:>8.3} {:>7.3}   ({} {} {})\n",
            p.id(),
            sc.precision(),
            sc.recall(),
            sc.true_pos,
            sc.false_pos,
            sc.false_neg
        ));
    }
    s.push_str("\nconfusion (expected → ranked first)\n");
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    for o in outcomes {
        let expected = match o.case.expect {
            Expect::Healthy => "healthy".to_string(),
            Expect::Problem { primary, .. } => primary.id().to_string(),
        };
        let said = o.alarms.first().map_or("healthy".to_string(), |f| f.problem.id().to_string());
        *confusion.entry((expected, said)).or_default() += 1;
    }
    for ((expected, said), n) in confusion {
        let mark = if expected == said { " " } else { "×" };
        s.push_str(&format!("  {mark} {expected:<28} → {said:<28} {n}\n"));
    }
    let passed = outcomes.iter().filter(|o| o.ok).count();
    let all = scores(outcomes);
    let precision = all.values().map(Score::precision).fold(1.0, f64::min);
    let recall = all.values().map(Score::recall).fold(1.0, f64::min);
    s.push_str(&format!(
        "\n{passed} of {} runs pass; lowest per-problem precision {precision:.3}, recall {recall:.3}\n",
        outcomes.len()
    ));
    s
}

/// Runs every case with every seed of [`SEEDS`].
pub fn run_all() -> Vec<Outcome> {
    run_with_seeds(&SEEDS)
}

/// Runs every case with every seed of `seeds` (other seeds than
/// [`SEEDS`] hold the rules to draws they were not calibrated on).
pub fn run_with_seeds(seeds: &[u64]) -> Vec<Outcome> {
    CASES.iter().flat_map(|c| seeds.iter().map(|&seed| run_case(c, seed))).collect()
}

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
        let Ok(mut t) = super::bug_lab::trainer(&cfg) else { continue };
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
