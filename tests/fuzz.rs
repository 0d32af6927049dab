//! The quick version of `gradlab fuzz` and `gradlab soak`: a few thousand
//! hostile links and runs files through the link codec and the importer
//! (no panic, no broken invariant, both outcomes reached), the seeds they
//! start from checked to be real, and 50,000 steps with every growing
//! buffer within its bound.

#![cfg(not(target_arch = "wasm32"))]

use gradlab::engine::fuzz::{self, imports::FileSeeds, links::Seeds, FuzzOptions};
use gradlab::engine::link as codec;
use gradlab::engine::runs;
use gradlab::engine::soak::Soak;

#[test]
fn a_few_thousand_hostile_inputs_break_nothing() {
    let opts = FuzzOptions { links: 4000, imports: 1000, seed: 7 };
    let mut calls = 0;
    let report = fuzz::run(&opts, &mut |_| calls += 1);
    assert_eq!(report.failures, vec![], "no panic, no broken invariant");
    let l = report.links;
    assert_eq!((l.tried, l.clean + l.with_rejected, l.round_trips), (4000, 4000, 4000));
    assert!(l.clean > 100 && l.with_rejected > 1000, "both outcomes: {l:?}");
    assert!(l.built > 100 && l.stepped == l.built, "small networks built and stepped: {l:?}");
    let i = report.imports;
    assert_eq!((i.tried, i.accepted + i.refused), (1000, 1000));
    assert!(i.accepted > 10 && i.refused > 500, "both outcomes: {i:?}");
    assert_eq!(i.merged, i.accepted, "every accepted file merges");
    assert_eq!(calls, 0, "progress every 65,536 links or 4,096 files");
}

#[test]
fn the_same_seed_draws_the_same_inputs() {
    let run = |seed| fuzz::run(&FuzzOptions { links: 300, imports: 60, seed }, &mut |_| {});
    let a = run(3);
    assert_eq!(a, run(3));
    assert_ne!((a.links, a.imports), (run(4).links, run(4).imports));
}

#[test]
fn a_panic_is_caught_and_keeps_its_input() {
    let f = fuzz::guarded("link", 12, "lr=💥", || panic!("boom at {}", 3)).expect("a failure");
    assert_eq!(
        (f.kind, f.index, f.input.as_str(), f.message.as_str(), f.panicked),
        ("link", 12, "lr=💥", "boom at 3", true)
    );
    let f = fuzz::guarded("import", 1, "{}", || Err("no round trip".into())).expect("a failure");
    assert_eq!((f.message.as_str(), f.panicked), ("no round trip", false));
    assert_eq!(fuzz::guarded("link", 0, "", || Ok(())), None);
}

#[test]
fn the_mutations_start_from_real_links_and_a_real_file() {
    let seeds = Seeds::new();
    assert!(seeds.links.len() > 150, "{} seed links", seeds.links.len());
    for link in &seeds.links {
        assert_eq!(codec::decode_link(link).1, vec![], "{link}");
    }
    assert!(seeds.links.iter().any(|l| l.contains("&pts=")) && seeds.links.iter().any(|l| l.contains("pts_hash=")));
    let file = FileSeeds::new();
    let runs = runs::import_json(&file.text()).expect("the seed file imports");
    assert_eq!(runs.len(), 6);
    assert!(runs.iter().any(|r| !r.points.is_empty()), "a run on custom points carries them");
    assert!(runs.iter().all(|r| r.curves.step.len() == 12), "an evaluation every 5 of 60 steps");
}

/// The bombs inflate past the limit or name too many points: each is
/// refused with a message, and costs at most the bounded inflate.
#[test]
fn points_bombs_are_refused() {
    let seeds = Seeds::new();
    for bomb in seeds.bombs() {
        assert!(bomb.len() <= codec::points::MAX_LINK_CHARS, "fits a link: {} chars", bomb.len());
        let err = codec::points::decode(bomb, codec::points::MAX_LINK_CHARS).expect_err("a bomb");
        assert!(err.contains("more than") || err.contains("at most"), "{err}");
        let (_, rejected) = codec::decode(&format!("data=custom&loss=softmax&pts={bomb}"));
        assert_eq!(rejected.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["pts"]);
    }
}

/// 50,000 steps of a tiny network, an evaluation every 10 steps: every
/// buffer that grows with the run stays within its bound, and the
/// downsampled ones still span the run.
#[test]
fn fifty_thousand_steps_keep_every_buffer_bounded() {
    let (link, _) = codec::decode_link("data=circle&n=100&net=3:tanh,2:tanh&bs=4&lr=0.01");
    let trainer = gradlab::engine::bug_lab::trainer(&link.config, link.bug).unwrap();
    let mut soak = Soak::new(trainer);
    soak.eval_every = 10;
    soak.train_to(50_000);
    assert_eq!((soak.trainer.step_count(), soak.diverged_at), (50_000, None));
    let c = soak.checkpoint(());
    assert_eq!(c.over(), Vec::<&gradlab::engine::soak::Buffer>::new());
    let kinds: Vec<&str> = c.longest().iter().map(|k| k.0).collect();
    assert_eq!(
        kinds,
        [
            "history.batch_loss",
            "history.evals",
            "layers.history",
            "layers.recent",
            "histograms.activations",
            "histograms.weights",
            "histograms.gradients",
            "loss_breakdown.history",
            "record.curves"
        ]
    );
    assert_eq!(c.buffers.iter().filter(|b| b.kind == "layers.history").count(), 3, "two hidden blocks and the output");
    // 50,000 losses and 5,000 evaluations: each series halved at least once.
    for b in c.buffers.iter().filter(|b| b.kind != "layers.recent") {
        assert!(b.len > b.bound / 2 - 1 && b.len <= b.bound, "{b:?}");
    }
    let evals = soak.trainer.history.evals.points();
    assert_eq!(evals[0].0, 10);
    assert!(evals.last().unwrap().0 > 50_000 - 2 * 50_000 / evals.len() as u64, "spans the run");
}
