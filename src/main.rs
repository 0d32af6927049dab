//! The native `gradlab` command line: run a linked experiment headless and
//! print its trajectory, dump gradients for external checking, examine it
//! with every instrument (`doctor`), run the learning-rate range test
//! (`lr-find`), measure the rate and batch size after Cockpit (`cockpit`),
//! slice the loss landscape (`landscape`), try a finding's fix
//! (`try-fix`), show the math of one unit or edge as the page's info box
//! does (`unit-math`), print custom points (`points`), replay a runs
//! file's runs against their fingerprints (`verify`), benchmark (and print
//! the workloads' data, `bench --data`), fuzz the link codec and the run
//! importer (`fuzz`) or soak a million steps (`soak`).
//! The same engine as the page, so the same numbers.

use clap::{Parser, Subcommand};
use gradlab::engine::bench::{self, BenchOptions, Workload};
use gradlab::engine::bug_lab;
use gradlab::engine::fuzz;
use gradlab::engine::gradcheck;
use gradlab::engine::instruments::calibration;
use gradlab::engine::instruments::cockpit;
use gradlab::engine::instruments::doctor::{self, DoctorOptions};
use gradlab::engine::instruments::lr_finder;
use gradlab::engine::link as codec;
use gradlab::engine::trainer::{StepOutcome, Trainer};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "gradlab", version, about = "GradLab's engine on the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a linked experiment, printing one JSON line per step and the fingerprint.
    Run {
        /// A GradLab link or its hash part (`lr=0.03&bs=10...`).
        link: String,
        /// Steps to train (default: the link's `step`, else 100).
        #[arg(long)]
        steps: Option<u64>,
    },
    /// Print the first mini-batch's loss and every gradient (f64, dropout off, BN in training mode).
    Grads {
        /// A GradLab link or its hash part.
        link: String,
    },
    /// Examine a linked experiment: run every instrument and print the ranked findings and measurements as JSON.
    /// With --bench, run the doctor benchmark instead (labelled cases; exits non-zero unless all pass).
    Doctor {
        /// A GradLab link or its hash part (not with --bench).
        #[arg(required_unless_present = "bench")]
        link: Option<String>,
        /// Train this many steps first (default: the link's `step`, else 0).
        #[arg(long)]
        steps: Option<u64>,
        /// Run the doctor benchmark: per-problem precision and recall over the labelled cases.
        #[arg(long, conflicts_with = "link")]
        bench: bool,
        /// With --bench: the seeds to run every case with, e.g. `6-15` or `1,2,3` (default 1-5).
        #[arg(long, requires = "bench")]
        seeds: Option<String>,
        /// With --bench: also run the doctor on this many random correct experiments; any bug verdict fails.
        #[arg(long, requires = "bench")]
        sweep: Option<u64>,
    },
    /// Run the learning-rate range test on a linked experiment (a copy at its step) and print the curve and suggestions as JSON.
    LrFind {
        /// A GradLab link or its hash part.
        link: String,
        /// Train this many steps first (default: the link's `step`, else 0).
        #[arg(long)]
        steps: Option<u64>,
    },
    /// Measure the learning rate and batch size over the next steps of a linked experiment (after Cockpit) and print the report and its sentences as JSON.
    Cockpit {
        /// A GradLab link or its hash part.
        link: String,
        /// Train this many steps first (default: the link's `step`, else 0).
        #[arg(long)]
        steps: Option<u64>,
    },
    /// Slice the loss landscape around a linked experiment's weights (filter-normalized random directions) and print the curve, the map and the sentence as JSON.
    Landscape {
        /// A GradLab link or its hash part.
        link: String,
        /// Train this many steps first (default: the link's `step`, else 0).
        #[arg(long)]
        steps: Option<u64>,
    },
    /// Run the doctor on a linked experiment, then try the fix of one finding: both experiments trained side by side from step 0, the doctor on each; print the comparison as JSON.
    TryFix {
        /// A GradLab link or its hash part.
        link: String,
        /// Train this many steps first (default: the link's `step`, else 0).
        #[arg(long)]
        steps: Option<u64>,
        /// The finding's problem id (default: the first warning or error that offers a fix).
        #[arg(long)]
        problem: Option<String>,
    },
    /// Show the math of one unit or edge of a linked experiment's network, as the page's info box does: its lines (English) and numbers as JSON.
    UnitMath {
        /// A GradLab link or its hash part.
        link: String,
        /// Train this many steps first (default: the link's `step`, else 0).
        #[arg(long)]
        steps: Option<u64>,
        /// The unit `COL,UNIT` as the diagram's data-col and data-unit: column 1 is hidden 1, the last the output; units from 0.
        #[arg(long, conflicts_with = "edge", required_unless_present = "edge")]
        unit: Option<String>,
        /// The edge `COL,FROM,TO`: from unit FROM of column COL − 1 to unit TO of column COL.
        #[arg(long)]
        edge: Option<String>,
        /// The training example (a row of the training set, from 0; the page shows row 0).
        #[arg(long, default_value_t = 0)]
        example: usize,
    },
    /// Print the custom points of a link (`pts=`), or of a CSV file, as JSON: each point `[x1, x2, class]`, their `pts` text and content hash.
    Points {
        /// A GradLab link or its hash part (not with --csv).
        #[arg(required_unless_present = "csv")]
        link: Option<String>,
        /// Read this CSV file (`x1,x2,label`) as the page's import does.
        #[arg(long, conflicts_with = "link")]
        csv: Option<std::path::PathBuf>,
    },
    /// Feed hostile links through the link codec (decode, round trip, a trainer's step) and hostile runs files through the importer, drawn from a seed; print the counts as JSON. Exits non-zero on any panic or broken invariant, printing the input.
    Fuzz {
        /// Links to try.
        #[arg(long, default_value_t = 1_000_000)]
        links: u64,
        /// Runs files to try.
        #[arg(long, default_value_t = 100_000)]
        imports: u64,
        /// The seed of every draw (the same seed gives the same inputs).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Train a linked experiment (default: the W2 workload) for many steps with the live instruments and the run recorder on; print the resident memory and every growing buffer against its bound at 10k, 100k, 1M steps and the end.
    Soak {
        /// A GradLab link or its hash part (default: the W2 workload).
        link: Option<String>,
        /// Steps to train.
        #[arg(long, default_value_t = 1_000_000)]
        steps: u64,
    },
    /// Replay every run of a runs file (the page's JSON export) from its link for its step count and print, per run, whether it ends on its fingerprint.
    Verify {
        /// The runs file.
        file: std::path::PathBuf,
    },
    /// Run the benchmark workloads of docs/WORKLOADS.md natively.
    /// With --data, print each workload's data instead (training inputs and targets in epoch order, the decision grid) as one JSON line.
    Bench {
        /// Workloads to run (W1, W2, W3); default all.
        workloads: Vec<String>,
        /// Print the workloads' data instead of measuring (for checking another engine's port of the generators).
        #[arg(long)]
        data: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { link, steps } => run(&link, steps),
        Command::Grads { link } => grads(&link),
        Command::Doctor { bench: true, seeds, sweep, .. } => doctor_bench(seeds.as_deref(), sweep),
        Command::Doctor { link, steps, .. } => doctor_cmd(link.as_deref().unwrap_or_default(), steps),
        Command::LrFind { link, steps } => lr_find(&link, steps),
        Command::Cockpit { link, steps } => cockpit_cmd(&link, steps),
        Command::Landscape { link, steps } => landscape_cmd(&link, steps),
        Command::TryFix { link, steps, problem } => try_fix_cmd(&link, steps, problem.as_deref()),
        Command::UnitMath { link, steps, unit, edge, example } => {
            unit_math_cmd(&link, steps, unit.as_deref(), edge.as_deref(), example)
        }
        Command::Points { link, csv } => points_cmd(link.as_deref(), csv.as_deref()),
        Command::Fuzz { links, imports, seed } => fuzz_cmd(&fuzz::FuzzOptions { links, imports, seed }),
        Command::Soak { link, steps } => soak_cmd(link.as_deref(), steps),
        Command::Verify { file } => verify_cmd(&file),
        Command::Bench { workloads, data } => bench_cmd(&workloads, data),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gradlab: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints, per run of a runs file, its verdict (`verified`, `unverified`,
/// `not-checked` and why) as a JSON line.
fn verify_cmd(path: &std::path::Path) -> Result<(), String> {
    use gradlab::engine::runs::{import_json, verify};
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let runs = import_json(&text).map_err(|e| e.to_string())?;
    for r in &runs {
        let v = verify::verify(r);
        println!("{}", serde_json::json!({ "id": r.id, "verdict": v.id(), "why": format!("{v:?}") }));
    }
    Ok(())
}

/// Prints the custom points of a link or a CSV file.
fn points_cmd(link: Option<&str>, csv: Option<&std::path::Path>) -> Result<(), String> {
    let points = match (link, csv) {
        (_, Some(path)) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            gradlab::engine::data::csv_points::read(&bytes).map_err(|e| e.to_string())?
        }
        (link, None) => {
            let (cfg, rejected) = codec::decode(link.unwrap_or_default());
            if let Some(r) = rejected.first() {
                return Err(format!("link field {}={:?} rejected: {}", r.key, r.value, r.reason));
            }
            cfg.data.points
        }
    };
    let list: Vec<(f64, f64, u8)> = points.iter().map(|p| (p.coords().0, p.coords().1, p.class)).collect();
    let out = serde_json::json!({
        "points": list,
        "pts": codec::points::encode(&points),
        "hash": codec::points::hash_text(codec::points::hash(&points)),
    });
    println!("{out}");
    Ok(())
}

/// Builds the trainer of a link; rejected fields are an error on the CLI.
fn trainer_of(link: &str) -> Result<(Trainer, Option<u64>), String> {
    let (link, rejected) = codec::decode_link(link);
    if let Some(r) = rejected.first() {
        return Err(format!("link field {}={:?} rejected: {}", r.key, r.value, r.reason));
    }
    let trainer = bug_lab::trainer(&link.config, link.bug).map_err(|e| e.to_string())?;
    Ok((trainer, link.config.step))
}

fn run(link: &str, steps: Option<u64>) -> Result<(), String> {
    let (mut trainer, link_step) = trainer_of(link)?;
    let steps = steps.or(link_step).unwrap_or(100);
    for _ in 0..steps {
        let lr = trainer.lr();
        if let StepOutcome::Diverged(d) = trainer.step() {
            println!("{}", serde_json::json!({ "diverged": d.to_string(), "step": d.step }));
            break;
        }
        let m = trainer.evaluate();
        let line = serde_json::json!({
            "step": trainer.step_count(),
            "epoch": trainer.epoch(),
            "lr": lr,
            "train_loss": m.train_loss,
            "test_loss": m.test_loss,
            "train_acc": m.train_acc,
            "test_acc": m.test_acc,
        });
        println!("{line}");
    }
    println!(
        "{}",
        serde_json::json!({ "fingerprint": trainer.fingerprint().to_string(), "steps": trainer.step_count() })
    );
    Ok(())
}

fn grads(link: &str) -> Result<(), String> {
    let (trainer, _) = trainer_of(link)?;
    let report = gradcheck::GradientDump::of_next_batch(&trainer);
    println!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    Ok(())
}

/// The trainer of a link after `steps` (default: the link's `step`, else 0).
fn trainer_at(link: &str, steps: Option<u64>) -> Result<Trainer, String> {
    let (mut trainer, link_step) = trainer_of(link)?;
    for _ in 0..steps.or(link_step).unwrap_or(0) {
        if let StepOutcome::Diverged(_) = trainer.step() {
            break;
        }
    }
    Ok(trainer)
}

fn lr_find(link: &str, steps: Option<u64>) -> Result<(), String> {
    let trainer = trainer_at(link, steps)?;
    let test = lr_finder::run(&trainer);
    let rounded: Vec<_> = test
        .suggestions
        .iter()
        .map(|s| serde_json::json!({ "rule": s.rule.id(), "lr": lr_finder::rounded(s.lr) }))
        .collect();
    let line = serde_json::json!({
        "test": test,
        "use": rounded,
        "summary": test.summary(Some(trainer.lr())),
        "fingerprint": trainer.fingerprint().to_string(),
    });
    println!("{line}");
    Ok(())
}

fn cockpit_cmd(link: &str, steps: Option<u64>) -> Result<(), String> {
    let trainer = trainer_at(link, steps)?;
    let report = cockpit::measure(&trainer, &mut gradlab::engine::progress::Progress::none());
    let line = serde_json::json!({
        "alpha_median": report.alpha_median(),
        "lines": report.lines(true),
        "advice": report.advice().iter().map(|a| a.sentence(true)).collect::<Vec<_>>(),
        "report": report,
        "fingerprint": trainer.fingerprint().to_string(),
    });
    println!("{line}");
    Ok(())
}

fn landscape_cmd(link: &str, steps: Option<u64>) -> Result<(), String> {
    let trainer = trainer_at(link, steps)?;
    let slice = gradlab::engine::instruments::landscape::run(&trainer);
    let line = serde_json::json!({
        "summary": slice.summary(),
        "center": slice.center(),
        "slice": slice,
        "fingerprint": trainer.fingerprint().to_string(),
    });
    println!("{line}");
    Ok(())
}

fn try_fix_cmd(link: &str, steps: Option<u64>, problem: Option<&str>) -> Result<(), String> {
    use gradlab::engine::instruments::try_fix;
    let trainer = trainer_at(link, steps)?;
    let here = try_fix::link_of(&trainer);
    let findings = doctor::examine(&trainer, &DoctorOptions::default()).findings;
    let offered = |f: &&gradlab::engine::instruments::finding::Finding| {
        f.is_alarm() && f.remedy.is_some_and(|r| r.applies_to(&here))
    };
    let finding =
        findings.iter().filter(offered).find(|f| problem.is_none_or(|id| f.problem.id() == id)).ok_or_else(|| {
            format!("no warning or error with a fix to try{}", problem.map(|p| format!(" for {p}")).unwrap_or_default())
        })?;
    let remedy = finding.remedy.ok_or("no fix")?;
    let report = try_fix::run(&trainer, finding.problem, remedy)?;
    let line = serde_json::json!({
        "problem": finding.problem.id(),
        "changed": report.changed,
        "verdict": report.verdict,
        "sentence": report.sentence(),
        "report": report,
        "fingerprint": trainer.fingerprint().to_string(),
    });
    println!("{line}");
    Ok(())
}

/// `1,2` or `2,0,1` as numbers (`what` names the flag in the error).
fn indices(text: &str, n: usize, what: &str) -> Result<Vec<usize>, String> {
    let v: Vec<usize> = text
        .split(',')
        .map(|p| p.trim().parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("--{what} {text:?}: expected {n} numbers separated by commas"))?;
    if v.len() == n {
        Ok(v)
    } else {
        Err(format!("--{what} {text:?}: expected {n} numbers separated by commas"))
    }
}

fn unit_math_cmd(
    link: &str,
    steps: Option<u64>,
    unit: Option<&str>,
    edge: Option<&str>,
    example: usize,
) -> Result<(), String> {
    use gradlab::viz::unit_math;
    let trainer = trainer_at(link, steps)?;
    let missing = || "no such unit, edge or training example in this network".to_string();
    let mut line = match (unit, edge) {
        (Some(text), _) => {
            let at = indices(text, 2, "unit")?;
            let (lines, u) = unit_math::unit_box(&trainer, at[0], at[1], example).ok_or_else(missing)?;
            serde_json::json!({ "lines": lines, "unit": u })
        }
        (None, Some(text)) => {
            let at = indices(text, 3, "edge")?;
            let (lines, e) = unit_math::edge_box(&trainer, at[0], at[1], at[2], example).ok_or_else(missing)?;
            serde_json::json!({ "lines": lines, "edge": e })
        }
        (None, None) => return Err("give --unit COL,UNIT or --edge COL,FROM,TO".into()),
    };
    line["step"] = trainer.step_count().into();
    line["fingerprint"] = trainer.fingerprint().to_string().into();
    println!("{line}");
    Ok(())
}

fn doctor_cmd(link: &str, steps: Option<u64>) -> Result<(), String> {
    let trainer = trainer_at(link, steps)?;
    let report = doctor::examine(&trainer, &DoctorOptions::default());
    println!("{}", serde_json::to_string(&report).map_err(|e| e.to_string())?);
    Ok(())
}

fn doctor_bench(seeds: Option<&str>, sweep: Option<u64>) -> Result<(), String> {
    let outcomes = match seeds {
        None => calibration::run_all(),
        Some(text) => calibration::run_with_seeds(&parse_seeds(text)?),
    };
    print!("{}", calibration::report(&outcomes));
    let repairs: Vec<_> = outcomes.iter().filter_map(calibration::repair::repair).collect();
    print!("{}", calibration::repair::report(&repairs));
    let failed = outcomes.iter().filter(|o| !o.ok).count();
    if failed > 0 {
        return Err(format!("doctor benchmark: {failed} of {} runs fail", outcomes.len()));
    }
    if let Some(n) = sweep {
        let wrong = calibration::bug_verdicts_on_correct_code(n);
        for (link, steps, bugs) in &wrong {
            println!("bug verdict on correct code: {link} at step {steps}: {bugs:?}");
        }
        println!("random correct experiments: {n}, bug verdicts: {}", wrong.len());
        if !wrong.is_empty() {
            return Err(format!("{} of {n} random correct experiments got a bug verdict", wrong.len()));
        }
    }
    Ok(())
}

/// `6-15` or `1,2,3` (or a mix: `1,4-6`).
fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    let bad = || format!("--seeds {text:?}: expected seeds like 6-15 or 1,2,3");
    let mut out = Vec::new();
    for part in text.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (a.trim().parse::<u64>().map_err(|_| bad())?, b.trim().parse::<u64>().map_err(|_| bad())?);
                if a > b || b - a > 1000 {
                    return Err(bad());
                }
                out.extend(a..=b);
            }
            None => out.push(part.trim().parse().map_err(|_| bad())?),
        }
    }
    Ok(out)
}

fn fuzz_cmd(opts: &fuzz::FuzzOptions) -> Result<(), String> {
    let t0 = Instant::now();
    let seconds = |t: Instant| (t.elapsed().as_secs_f64() * 10.0).round() / 10.0;
    let report = fuzz::run(opts, &mut |r| {
        eprintln!("fuzz: {} links, {} runs files, {} s", r.links.tried, r.imports.tried, seconds(t0));
    });
    for f in &report.failures {
        let shown: String = f.input.chars().take(4000).collect();
        let line = serde_json::json!({ "failure": f.kind, "index": f.index, "panicked": f.panicked,
            "message": f.message, "input": shown, "input_bytes": f.input.len() });
        println!("{line}");
    }
    let line = serde_json::json!({ "seed": opts.seed, "links": report.links, "imports": report.imports,
        "panics": report.panics(), "failures": report.failures.len(), "seconds": seconds(t0) });
    println!("{line}");
    match report.failures.len() {
        0 => Ok(()),
        n => Err(format!("fuzz: {n} failures ({} panics)", report.panics())),
    }
}

fn soak_cmd(link: Option<&str>, steps: u64) -> Result<(), String> {
    let trainer = match link {
        Some(link) => trainer_of(link)?.0,
        None => Workload::W2.trainer(),
    };
    let mut soak = gradlab::engine::soak::Soak::new(trainer);
    let t0 = Instant::now();
    let marks: Vec<u64> = [10_000, 100_000, 1_000_000].into_iter().filter(|&m| m < steps).chain([steps]).collect();
    let mut over = 0;
    for mark in marks {
        soak.train_to(mark);
        let c = soak.checkpoint(memory_kb());
        over += c.over().len();
        let buffers: serde_json::Map<String, serde_json::Value> =
            c.longest().into_iter().map(|(kind, len, bound)| (kind.into(), serde_json::json!([len, bound]))).collect();
        let line = serde_json::json!({ "step": c.step, "seconds": t0.elapsed().as_secs_f64(), "memory_kb": c.memory,
            "entries": c.entries(), "over_bound": c.over(), "buffers": buffers, "diverged_at": soak.diverged_at });
        println!("{line}");
    }
    if over > 0 {
        return Err(format!("soak: {over} buffer readings over their bound"));
    }
    Ok(())
}

/// The process's resident set now and at its peak (`VmRSS`, `VmHWM` in kB; Linux).
fn memory_kb() -> serde_json::Value {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok())
    };
    serde_json::json!({ "rss": field("VmRSS:"), "peak": field("VmHWM:") })
}

fn bench_cmd(names: &[String], data: bool) -> Result<(), String> {
    let workloads: Vec<Workload> = if names.is_empty() {
        Workload::ALL.to_vec()
    } else {
        names.iter().map(|n| Workload::parse(n).ok_or(format!("unknown workload {n:?}"))).collect::<Result<_, _>>()?
    };
    if data {
        for w in workloads {
            println!("{}", serde_json::to_string(&w.data()).map_err(|e| e.to_string())?);
        }
        return Ok(());
    }
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
    let defaults = BenchOptions::default();
    let opts = BenchOptions {
        reps: env("ANCHOR_REPS").map_or(defaults.reps, |v| v as usize),
        target_ms: env("ANCHOR_TARGET_MS").unwrap_or(defaults.target_ms),
        warmup_ms: env("ANCHOR_WARMUP_MS").unwrap_or(defaults.warmup_ms),
    };
    let t0 = Instant::now();
    let mut clock = || t0.elapsed().as_secs_f64() * 1000.0;
    let with_w2 = workloads.contains(&Workload::W2);
    for w in workloads {
        let figure = bench::run(w, "gradlab-native", &mut clock, &opts).map_err(|e| e.to_string())?;
        println!("{}", figure.to_json_line());
    }
    if with_w2 {
        println!("{}", instrument_costs(&opts));
    }
    Ok(())
}

/// What the instruments cost on W2's network, natively: a training step
/// without and with every live instrument observing it, one gradient check,
/// one doctor examination, one learning-rate range test, one rate and
/// batch-size measurement, one loss-landscape slice (median of
/// `opts.reps` repetitions each).
fn instrument_costs(opts: &BenchOptions) -> serde_json::Value {
    use gradlab::engine::instruments::{gradient_check, Live};
    let median_ms = |f: &mut dyn FnMut()| {
        let mut times: Vec<f64> = (0..opts.reps.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    const STEPS: u32 = 20_000;
    let mut plain = Workload::W2.trainer();
    let step_plain = median_ms(&mut || (0..STEPS).for_each(|_| drop(plain.step())));
    let mut observed = Workload::W2.trainer();
    let mut live = Live::attach(&mut observed);
    let step_live = median_ms(&mut || {
        (0..STEPS).for_each(|_| {
            observed.step();
            live.observe(&observed);
        })
    });
    let t = Workload::W2.trainer();
    let gradient_check = median_ms(&mut || drop(gradient_check::run(&t, false)));
    let doctor = median_ms(&mut || drop(doctor::examine(&t, &DoctorOptions::default())));
    let lr_finder = median_ms(&mut || drop(lr_finder::run(&t)));
    let landscape = median_ms(&mut || drop(gradlab::engine::instruments::landscape::run(&t)));
    let cockpit = median_ms(&mut || drop(cockpit::measure(&t, &mut gradlab::engine::progress::Progress::none())));
    // "Try the fix" with a tenth of the rate: 300 steps of each side, the doctor on both.
    let tenth = gradlab::engine::instruments::remedy::Remedy::LearningRate(t.lr() / 10.0);
    let problem = gradlab::engine::instruments::finding::Problem::LearningRateTooHigh;
    let try_fix = median_ms(&mut || drop(gradlab::engine::instruments::try_fix::run(&t, problem, tenth)));
    serde_json::json!({
        "engine": "gradlab-native",
        "workload": "W2 instruments",
        "step_us": step_plain * 1e3 / f64::from(STEPS),
        "step_observed_us": step_live * 1e3 / f64::from(STEPS),
        "gradient_check_ms": gradient_check,
        "doctor_ms": doctor,
        "lr_finder_ms": lr_finder,
        "cockpit_ms": cockpit,
        "landscape_ms": landscape,
        "try_fix_ms": try_fix,
        "reps": opts.reps,
    })
}
