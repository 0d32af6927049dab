//! The native `gradlab` binary: `run` prints a JSON trajectory and the
//! fingerprint, `grads` prints gradients that an independent implementation
//! confirms, `verify` replays a runs file's runs, and errors are one
//! readable line with a non-zero exit.

use serde_json::Value;
use std::process::Command;

fn gradlab(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gradlab")).args(args).output().expect("run gradlab");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn run_prints_one_line_per_step_and_the_fingerprint() {
    let (ok, stdout, _) = gradlab(&["run", "https://example.org/gradlab/#v=1&lr=0.1&seed=4", "--steps", "30"]);
    assert!(ok);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 31);
    for (i, l) in lines[..30].iter().enumerate() {
        assert_eq!(l["step"], i as u64 + 1);
        assert_eq!(l["lr"], 0.1);
        for key in ["epoch", "train_loss", "test_loss", "train_acc", "test_acc"] {
            assert!(l[key].is_number(), "{key} in {l}");
        }
    }
    assert_eq!(lines[29]["epoch"], 1, "25 batches of 10 make an epoch of 250");
    let fp = lines[30]["fingerprint"].as_str().expect("fingerprint");
    assert_eq!(fp.len(), 16);
    // The same link gives the same bits.
    let (_, again, _) = gradlab(&["run", "#v=1&lr=0.1&seed=4", "--steps", "30"]);
    assert_eq!(again, stdout);
}

#[test]
fn run_fast_forwards_to_the_links_step() {
    let (ok, stdout, _) = gradlab(&["run", "v=1&step=12"]);
    assert!(ok);
    assert_eq!(stdout.lines().count(), 13);
}

#[test]
fn errors_are_one_readable_line_and_a_failure_exit() {
    for args in [
        vec!["run", "lr=banana"],
        vec!["run", "data=plane&loss=softmax&net=4:tanh&feat="],
        vec!["grads", "bs=-3"],
        vec!["bench", "W9"],
        vec!["try-fix", "v=1"],
        vec!["try-fix", "lr=3", "--problem", "exploding"],
        vec!["unit-math", "net=4:tanh", "--unit", "1"],
        vec!["unit-math", "net=4:tanh", "--unit", "1,9"],
        vec!["unit-math", "net=4:tanh", "--edge", "0,0,0"],
    ] {
        let (ok, stdout, stderr) = gradlab(&args);
        assert!(!ok, "{args:?} should fail");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("gradlab: "), "{stderr}");
    }
}

#[test]
fn try_fix_trains_the_doctors_first_fix_next_to_the_experiment() {
    let (ok, stdout, stderr) = gradlab(&["try-fix", "lr=3"]);
    assert!(ok, "{stderr}");
    let r: Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!((r["problem"].as_str(), r["changed"][0].as_str()), (Some("learning-rate-too-high"), Some("lr=0.3")));
    let report = &r["report"];
    assert_eq!(report["steps"], 300);
    assert!(report["current"]["alarms"].as_array().is_some_and(|a| a.contains(&"learning-rate-too-high".into())));
    assert!(!report["fixed"]["alarms"].as_array().is_some_and(|a| a.contains(&"learning-rate-too-high".into())));
    assert!(r["sentence"].as_str().is_some_and(|s| s.starts_with("The fix")), "{r}");
}

/// `unit-math` prints the info box's lines and numbers: a unit's formula
/// names the example and cuts long sums, and an edge's last update is the
/// change of its weight between the steps before and after.
#[test]
fn unit_math_prints_the_boxs_lines_and_numbers() {
    let link = "data=xor&net=6:tanh,2:tanh&bs=10";
    let (ok, stdout, stderr) = gradlab(&["unit-math", link, "--steps", "5", "--unit", "2,1"]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let lines: Vec<&str> = v["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(lines[0], "hidden 2 · unit 2");
    assert!(lines[1].starts_with("for training point 1: (x1, x2) = ("), "{}", lines[1]);
    assert!(lines[2].starts_with("z = Σ w·a + b = ") && lines[2].contains(" + 3 more terms ("), "{}", lines[2]);
    assert_eq!(v["step"], 5);
    assert_eq!(v["unit"]["weights"].as_array().unwrap().len(), 6);
    let (ok, stdout, _) = gradlab(&["unit-math", &format!("{link}&step=5"), "--edge", "1,0,3"]);
    assert!(ok);
    let e: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(e["lines"][0], "x1 → hidden 1 · unit 4");
    let (_, before, _) = gradlab(&["unit-math", link, "--steps", "4", "--edge", "1,0,3"]);
    let before: Value = serde_json::from_str(&before).unwrap();
    let (w0, w1) = (before["edge"]["w"].as_f64().unwrap() as f32, e["edge"]["w"].as_f64().unwrap() as f32);
    assert_eq!(e["edge"]["last"]["delta"].as_f64().unwrap() as f32, w1 - w0, "Δw = w after − w before");
    assert_eq!(e["edge"]["last"]["step"], 5);
}

/// `points` reads a CSV as the page's import does and prints the points,
/// their `pts` text and hash; a link with that text prints the same points.
#[test]
fn points_reads_a_csv_and_a_link_alike() {
    let path = std::env::temp_dir().join(format!("gradlab-points-{}.csv", std::process::id()));
    std::fs::write(&path, "x1,x2,label\n1.5,-2,0\n-6,6.0,1\n0.125,0,2\n").unwrap();
    let (ok, stdout, stderr) = gradlab(&["points", "--csv", path.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["points"], serde_json::json!([[1.5, -2.0, 0], [-6.0, 6.0, 1], [0.13, 0.0, 2]]));
    let link = format!("data=custom&loss=softmax&pts={}", v["pts"].as_str().unwrap());
    let (ok, again, _) = gradlab(&["points", &link]);
    assert!(ok);
    assert_eq!(serde_json::from_str::<Value>(&again).unwrap(), v);
    std::fs::write(&path, "0,0,0\n1,nan,1\n").unwrap();
    let (ok, _, stderr) = gradlab(&["points", "--csv", path.to_str().unwrap()]);
    assert!(!ok && stderr.contains("Line 2") && stderr.contains("x2"), "{stderr}");
    let _ = std::fs::remove_file(path);
}

/// `verify` replays each run of a runs file: a record whose fingerprint is
/// what `run` prints for its link and steps verifies; a made-up fingerprint
/// does not; 10^12 steps are not checked.
#[test]
fn verify_replays_each_run_of_a_file() {
    let link = "v=1&lr=0.1&seed=4";
    let (ok, stdout, _) = gradlab(&["run", link, "--steps", "30"]);
    assert!(ok);
    let last: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let fp = last["fingerprint"].as_str().unwrap().to_string();
    let made_up = match fp.strip_prefix('0') {
        Some(rest) => format!("1{rest}"),
        None => format!("0{}", &fp[1..]),
    };
    let m = serde_json::json!({ "train_loss": 0.1, "test_loss": 0.2, "train_acc": 0.9, "test_acc": null });
    let run = |id: &str, steps: u64, fingerprint: &str| {
        serde_json::json!({
            "id": id, "name": "", "note": "", "pinned": false, "link": link, "app_version": "0.1.0",
            "user_agent": "test", "started_ms": 1.7e12, "steps": steps, "wall_ms": 1.0, "last": m, "best": m,
            "diverged": false, "fingerprint": fingerprint,
            "curves": { "step": [0], "train_loss": [0.1], "test_loss": [0.2], "train_acc": [0.9], "test_acc": [null] },
        })
    };
    let file = serde_json::json!({
        "schema": "gradlab-runs", "version": 1,
        "runs": [run("real", 30, &fp), run("fake", 30, &made_up), run("steps", 31, &fp), run("huge", 1_000_000_000_000, &fp)],
    });
    let path = std::env::temp_dir().join(format!("gradlab-verify-{}.json", std::process::id()));
    std::fs::write(&path, file.to_string()).unwrap();
    let (ok, stdout, stderr) = gradlab(&["verify", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert!(ok, "{stderr}");
    let verdicts: Vec<(String, String)> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["id"].as_str().unwrap().to_string(), v["verdict"].as_str().unwrap().to_string()))
        .collect();
    let want = [("real", "verified"), ("fake", "unverified"), ("steps", "unverified"), ("huge", "not-checked")];
    assert_eq!(verdicts, want.map(|(a, b)| (a.to_string(), b.to_string())));
}

/// An independent f64 forward of the default network (x → tanh dense layers)
/// and its half-squared-error loss, straight from the dumped parameters.
fn reference_loss(params: &[(Vec<f64>, (usize, usize))], inputs: &[Vec<f64>], targets: &[Vec<f64>]) -> f64 {
    let mut total = 0.0;
    for (x, t) in inputs.iter().zip(targets) {
        let mut a = x.clone();
        for pair in params.chunks(2) {
            let (w, (n_in, n_out)) = (&pair[0].0, pair[0].1);
            let b = &pair[1].0;
            a = (0..n_out)
                .map(|j| {
                    let z: f64 = b[j] + (0..n_in).map(|k| a[k] * w[k * n_out + j]).sum::<f64>();
                    gradlab::engine::math::tanh(z)
                })
                .collect();
        }
        total += 0.5 * (a[0] - t[0]) * (a[0] - t[0]);
    }
    total / inputs.len() as f64
}

#[test]
fn grads_agree_with_an_independent_implementation() {
    let (ok, stdout, stderr) = gradlab(&["grads", "v=1&seed=3&bs=8"]);
    assert!(ok, "{stderr}");
    let dump: Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(dump["layers"].as_array().map(Vec::len), Some(6));
    let inputs: Vec<Vec<f64>> = serde_json::from_value(dump["inputs"].clone()).expect("inputs");
    let targets: Vec<Vec<f64>> = serde_json::from_value(dump["targets"].clone()).expect("targets");
    assert_eq!((inputs.len(), targets.len()), (8, 8));
    let mut params: Vec<(Vec<f64>, (usize, usize))> = dump["params"]
        .as_array()
        .expect("params")
        .iter()
        .map(|p| {
            (
                serde_json::from_value(p["value"].clone()).expect("value"),
                serde_json::from_value(p["shape"].clone()).expect("shape"),
            )
        })
        .collect();
    let grads: Vec<Vec<f64>> = dump["params"]
        .as_array()
        .expect("params")
        .iter()
        .map(|p| serde_json::from_value(p["grad"].clone()).expect("grad"))
        .collect();
    let loss = reference_loss(&params, &inputs, &targets);
    assert!((loss - dump["data_loss"].as_f64().expect("loss")).abs() < 1e-12);
    assert_eq!(dump["penalty"], 0.0);
    let h = 1e-6;
    for (t, grad) in grads.iter().enumerate() {
        for (i, &analytic) in grad.iter().enumerate() {
            params[t].0[i] += h;
            let lp = reference_loss(&params, &inputs, &targets);
            params[t].0[i] -= 2.0 * h;
            let lm = reference_loss(&params, &inputs, &targets);
            params[t].0[i] += h;
            let numeric = (lp - lm) / (2.0 * h);
            assert!(
                (numeric - analytic).abs() < 1e-8 + 1e-6 * analytic.abs(),
                "tensor {t}[{i}]: {analytic} vs {numeric}"
            );
        }
    }
}
