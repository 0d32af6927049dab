//! What the page relies on between frames: reset returns to exactly the
//! initial state, live changes keep state and structural ones ask for a
//! rebuild, and the drawing accessors describe the data as generated.

use gradlab::engine::config::{Config, Named, OptimizerKind};

use gradlab::engine::link as codec;
use gradlab::engine::optim::Hyper;
use gradlab::engine::trainer::{LiveChange, StepOutcome, Trainer};

fn trained(link: &str, steps: usize) -> Trainer {
    let (cfg, rejected) = codec::decode(link);
    assert!(rejected.is_empty(), "{rejected:?}");
    let mut t = Trainer::from_config(&cfg).expect("valid");
    for _ in 0..steps {
        assert_eq!(t.step(), StepOutcome::Ok);
    }
    t
}

#[test]
fn reset_returns_to_the_same_initial_weights_and_batches() {
    let fresh = trained("data=spiral&net=8:relu:d0.2&seed=4", 0);
    let mut t = trained("data=spiral&net=8:relu:d0.2&seed=4", 300);
    assert_ne!(t.fingerprint(), fresh.fingerprint());
    t.reset();
    assert_eq!((t.fingerprint(), t.step_count(), t.epoch()), (fresh.fingerprint(), 0, 0));
    assert_eq!(t.next_batch_indices(), fresh.next_batch_indices());
    // And it trains exactly as a fresh run does.
    let mut f = fresh;
    for _ in 0..40 {
        t.step();
        f.step();
    }
    assert_eq!(t.fingerprint(), f.fingerprint());
}

#[test]
fn live_settings_keep_weights_and_optimizer_state() {
    let mut t = trained("opt=momentum&mom=0.9", 30);
    let (fp, velocity) = (t.fingerprint(), t.optimizer.m.clone());
    let mut cfg = t.cfg.clone();
    cfg.lr = 0.3;
    cfg.batch_size = 5;
    cfg.l2 = 0.01;
    cfg.optimizer = OptimizerKind::from_name("momentum").unwrap().with(Hyper::Mu, 0.5);
    assert_eq!(t.apply_live(&cfg), LiveChange::Applied);
    assert_eq!((t.fingerprint(), &t.optimizer.m), (fp, &velocity));
    assert_eq!((t.lr(), t.batch_size(), t.step_count()), (0.3, 5, 30));
    assert_eq!(t.optimizer.kind, OptimizerKind::from_name("momentum").unwrap().with(Hyper::Mu, 0.5));
    cfg.optimizer = OptimizerKind::from_name("adam").unwrap();
    assert_eq!(t.apply_live(&cfg), LiveChange::NewOptimizer);
    assert_eq!(t.fingerprint(), fp, "weights kept");
    assert_eq!(t.optimizer.t, 0, "fresh optimizer state");
}

#[test]
fn structural_changes_ask_for_a_rebuild() {
    let mut t = trained("v=1", 5);
    let base = t.cfg.clone();
    let changes: Vec<fn(&mut Config)> = vec![
        |c| c.seed = 99,
        |c| c.data.noise_pct = 10,
        |c| c.hidden[0].units = 5,
        |c| c.init = gradlab::engine::config::InitKind::HeNormal,
        |c| c.loss = gradlab::engine::config::LossKind::Bce,
        |c| c.data.standardize = true,
    ];
    for change in changes {
        let mut cfg = base.clone();
        change(&mut cfg);
        assert_eq!(t.apply_live(&cfg), LiveChange::Rebuild, "{cfg:?}");
        assert_eq!(t.cfg, base, "nothing applied");
    }
}

#[test]
fn points_are_the_generated_data_and_digits_give_samples() {
    let t = trained("data=xor&train=30", 0);
    let (train, test) = (t.train_points(), t.test_points());
    assert_eq!((train.len(), test.len()), (150, 350));
    for p in train.iter().chain(&test) {
        // xor: class 1 where x1·x2 ≥ 0 (TF Playground's rule, before noise).
        assert_eq!(p.target, f64::from(u8::from(p.x1 * p.x2 >= 0.0)), "{p:?}");
    }
    let mut d = trained("data=digits&loss=softmax&net=16:relu&train=80&std=1", 200);
    assert!(d.train_points().is_empty());
    let samples = d.digit_samples(24);
    assert_eq!(samples.len(), 24);
    assert!(samples.iter().all(|s| s.pixels.len() == 64 && s.label < 10 && s.predicted < 10));
    let right = samples.iter().filter(|s| s.label == s.predicted).count();
    assert!(right >= 12, "after 200 steps most samples are right: {right}/24");
}

/// Trains `t` to exactly `step`.
fn train_to(t: &mut Trainer, step: u64) {
    while t.step_count() < step {
        assert_eq!(t.step(), StepOutcome::Ok);
    }
}

#[test]
fn mid_run_changes_are_part_of_the_experiment_and_replay_bit_for_bit() {
    // As a person does it: train, change the learning rate, the batch size
    // and the optimizer at two moments, train on.
    let mut live = trained("opt=momentum&mom=0.9&data=spiral&net=8:relu", 0);
    let start = live.cfg.clone();
    train_to(&mut live, 40);
    assert_eq!(live.apply_live(&Config { lr: 0.3, batch_size: 4, ..live.cfg.clone() }), LiveChange::Applied);
    train_to(&mut live, 75);
    let adam = OptimizerKind::from_name("adam").unwrap();
    assert_eq!(live.apply_live(&Config { optimizer: adam, ..live.cfg.clone() }), LiveChange::NewOptimizer);
    train_to(&mut live, 120);

    let experiment = live.experiment();
    assert_eq!((experiment.lr, experiment.batch_size), (start.lr, start.batch_size), "the start is kept");
    assert_eq!(experiment.changes.iter().map(|c| c.at).collect::<Vec<_>>(), [40, 75]);
    let link = codec::encode(&experiment);
    assert!(link.contains("lr=0.03,0.3@40") && link.contains("bs=10,4@40"), "{link}");
    assert!(link.contains("opt=momentum,adam@75"), "{link}");

    // The link alone, trained straight through, gives the same bits.
    let (decoded, rejected) = codec::decode(&link);
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(decoded, experiment);
    let mut replay = Trainer::from_config(&decoded).expect("valid");
    train_to(&mut replay, 120);
    assert_eq!(replay.fingerprint(), live.fingerprint());
    assert_eq!((replay.lr(), replay.batch_size()), (0.3, 4));
    assert_eq!(replay.experiment(), experiment);

    // Without the changes the run is a different one.
    let mut plain = Trainer::from_config(&start).expect("valid");
    train_to(&mut plain, 120);
    assert_ne!(plain.fingerprint(), live.fingerprint());
}

#[test]
fn a_change_replaces_the_planned_ones_and_reset_starts_clean() {
    let (cfg, rejected) = codec::decode("lr=0.03,0.3@20,0.01@60");
    assert!(rejected.is_empty(), "{rejected:?}");
    let mut t = Trainer::from_config(&cfg).expect("valid");
    train_to(&mut t, 30);
    assert_eq!(t.lr(), 0.3);
    // A person sets 0.1 at step 30: the planned change at 60 goes.
    assert_eq!(t.apply_live(&Config { lr: 0.1, ..t.cfg.clone() }), LiveChange::Applied);
    assert_eq!(codec::encode(&t.experiment()).split('&').find(|p| p.starts_with("lr=")), Some("lr=0.03,0.3@20,0.1@30"));
    train_to(&mut t, 80);
    assert_eq!(t.lr(), 0.1);
    // Reset: a clean run from the settings in force, no changes.
    t.reset();
    assert_eq!((t.step_count(), t.lr(), t.experiment().changes.len()), (0, 0.1, 0));
    // At step 0 a change is a new start, not a change.
    assert_eq!(t.apply_live(&Config { lr: 0.5, ..t.cfg.clone() }), LiveChange::Applied);
    assert_eq!((t.experiment().lr, t.experiment().changes.len()), (0.5, 0));
}
