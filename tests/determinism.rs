//! The native half of the cross-target determinism check: every link in
//! `tests/fixtures/fingerprints.txt`, trained natively for its steps, must give
//! the recorded fingerprint; `tests/wasm_determinism.rs` asserts the same
//! numbers in headless Chromium. To record new cases after an intended change
//! of the numerics, run with `GRADLAB_BLESS=1` and review the diff.

use gradlab::engine::link as codec;
use gradlab::engine::trainer::{StepOutcome, Trainer};

const FIXTURES: &str = include_str!("fixtures/fingerprints.txt");

/// The links recorded: together they exercise every layer kind, activation,
/// loss, optimizer, schedule, clipping and data kind.
const LINKS: &[&str] = &[
    "v=1",
    "data=spiral&feat=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&net=8:relu,8:relu,8:relu,8:relu,8:relu,8:relu",
    "data=spiral&std=1&net=16:relu:bn:d0.3,16:lrelu:bn:d0.3&ord=act-do-bn&opt=adam&lr=0.01&bs=16&seed=3",
    "data=xor&noise=30&net=6:gelu:bn,6:elu:d0.2&loss=bce&opt=nesterov&mom=0.9&sched=cos&se=150&sg=0.1",
    "data=moons&minor=20&net=8:sigmoid&loss=focal&fg=2&fa=0.25&opt=rmsprop&l2=0.01&clip=norm&cv=0.5",
    "data=blobs&k=4&net=8:tanh&loss=softmax&opt=adamw&wd=0.1&lr=0.01&sched=warmup&se=50",
    "data=plane&noise=20&out=linear&net=4:tanh&l1=0.001&clip=value&cv=0.1&sched=step&se=50&sg=0.5",
    "data=digits&std=1&net=32:relu&loss=softmax&opt=adam&lr=0.001&bs=32&init=he_n&seed=9",
    "data=gauss&noise=50&init=normal&ia=1&bias=0.1&opt=momentum&mom=0.5&sched=exp&se=100&sg=0.5&bs=1",
];

const STEPS: u64 = 200;

fn fingerprint_after(link: &str, steps: u64) -> String {
    let (cfg, rejected) = codec::decode(link);
    assert!(rejected.is_empty(), "{link}: {rejected:?}");
    let mut t = Trainer::from_config(&cfg).unwrap_or_else(|e| panic!("{link}: {e}"));
    for _ in 0..steps {
        if let StepOutcome::Diverged(_) = t.step() {
            break;
        }
    }
    t.fingerprint().to_string()
}

fn recorded() -> Vec<(String, u64, String)> {
    FIXTURES
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].parse().expect("steps"), f[2].trim().to_string())
        })
        .collect()
}

#[test]
fn native_fingerprints_match_the_recorded_ones() {
    let fresh: Vec<(String, u64, String)> =
        LINKS.iter().map(|l| (l.to_string(), STEPS, fingerprint_after(l, STEPS))).collect();
    if std::env::var_os("GRADLAB_BLESS").is_some() {
        let mut text = String::from(
            "# <hash link>\\t<steps>\\t<fingerprint>: written by GRADLAB_BLESS=1 cargo test --test determinism\n",
        );
        for (l, s, f) in &fresh {
            text.push_str(&format!("{l}\t{s}\t{f}\n"));
        }
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fingerprints.txt"), text).expect("write");
        return;
    }
    assert_eq!(recorded(), fresh, "fingerprints changed; if intended, re-record with GRADLAB_BLESS=1");
}

#[test]
fn every_recorded_link_really_trains_and_runs_differ() {
    let prints: Vec<String> = recorded().iter().map(|(_, _, f)| f.clone()).collect();
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len(), "two links share a fingerprint");
    assert_ne!(fingerprint_after(LINKS[0], 0), fingerprint_after(LINKS[0], STEPS));
}
