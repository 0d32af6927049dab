//! Property tests: every valid config round-trips exactly, and no input
//! (arbitrary strings, link-like text, soups of real keys and values) makes
//! [`decode`] panic or gives a result that is not a fixed point.

use crate::engine::bug_lab::{Bug, PlantedBug};
use crate::engine::config::{record_change, Live};
use crate::engine::config::{
    Act, BlockOrder, ClipKind, Config, DataConfig, DataKind, Feature, InitKind, LayerSpec, LossKind, Named,
    OptimizerKind, OutputAct, ScheduleKind,
};
use crate::engine::link::*;
use crate::engine::optim::Hyper;
use crate::engine::view::{Classroom, Speed, View};
use proptest::prelude::*;

fn unit_open() -> impl Strategy<Value = f64> {
    0.0..1.0f64
}

fn positive(hi: f64) -> impl Strategy<Value = f64> {
    prop_oneof![Just(hi), (0.0..hi).prop_filter("positive", |x| *x > 0.0)]
}

fn arb_data() -> impl Strategy<Value = DataConfig> {
    (
        proptest::sample::select(DataKind::VARIANTS),
        10usize..=5000,
        0u32..=50,
        10u32..=90,
        5u32..=50,
        3usize..=5,
        (Just(Feature::ALL.to_vec()).prop_shuffle(), 0usize..=7),
        any::<bool>(),
    )
        .prop_map(|(kind, n_points, noise_pct, train_pct, minority_pct, classes, (all, n), standardize)| {
            let mut features = all[..n].to_vec();
            if kind.is_planar() && features.is_empty() {
                features.push(Feature::X2);
            }
            DataConfig {
                kind,
                n_points,
                noise_pct,
                train_pct,
                minority_pct,
                classes,
                features,
                standardize,
                ..DataConfig::default()
            }
        })
}

fn arb_hidden() -> impl Strategy<Value = Vec<LayerSpec>> {
    let block =
        (1usize..=256, proptest::sample::select(Act::VARIANTS), any::<bool>(), prop_oneof![Just(0.0), unit_open()])
            .prop_map(|(units, act, batch_norm, dropout)| LayerSpec { units, act, batch_norm, dropout });
    proptest::collection::vec(block, 0..=MAX_HIDDEN_LAYERS)
}

fn arb_init() -> impl Strategy<Value = InitKind> {
    prop_oneof![
        proptest::sample::select(InitKind::VARIANTS),
        (-10.0..=10.0f64).prop_map(InitKind::Constant),
        (0.0..=10.0f64).prop_map(InitKind::Uniform),
        (0.0..=10.0f64).prop_map(InitKind::Normal),
    ]
}

fn arb_loss() -> impl Strategy<Value = LossKind> {
    prop_oneof![
        proptest::sample::select(LossKind::VARIANTS),
        (0.0..=10.0f64, 0.0..=1.0f64).prop_map(|(gamma, alpha)| LossKind::Focal { gamma, alpha }),
    ]
}

fn arb_optimizer() -> impl Strategy<Value = OptimizerKind> {
    prop_oneof![
        proptest::sample::select(OptimizerKind::VARIANTS),
        // Any rule with every hyperparameter drawn (those it does not read are ignored).
        (
            proptest::sample::select(OptimizerKind::VARIANTS),
            (unit_open(), unit_open(), unit_open(), unit_open()),
            (positive(1.0), 0.0..=10.0f64)
        )
            .prop_map(|(kind, (mu, rho, beta1, beta2), (eps, weight_decay))| {
                kind.with(Hyper::Mu, mu)
                    .with(Hyper::Rho, rho)
                    .with(Hyper::Beta1, beta1)
                    .with(Hyper::Beta2, beta2)
                    .with(Hyper::Eps, eps)
                    .with(Hyper::WeightDecay, weight_decay)
            }),
    ]
}

fn arb_schedule() -> impl Strategy<Value = ScheduleKind> {
    prop_oneof![
        proptest::sample::select(ScheduleKind::VARIANTS),
        (1..=MAX_STEP, positive(1.0)).prop_map(|(every, gamma)| ScheduleKind::Step { every, gamma }),
        (1..=MAX_STEP, positive(1.0)).prop_map(|(every, gamma)| ScheduleKind::Exponential { every, gamma }),
        (1..=MAX_STEP, 0.0..=1.0f64).prop_map(|(period, min_factor)| ScheduleKind::Cosine { period, min_factor }),
        (1..=MAX_STEP).prop_map(|steps| ScheduleKind::Warmup { steps }),
    ]
}

fn arb_clip() -> impl Strategy<Value = ClipKind> {
    prop_oneof![Just(ClipKind::None), positive(1e6).prop_map(ClipKind::Value), positive(1e6).prop_map(ClipKind::Norm),]
}

fn arb_bug() -> impl Strategy<Value = Option<PlantedBug>> {
    proptest::option::of(
        (proptest::sample::select(Bug::VARIANTS), any::<bool>()).prop_map(|(bug, hidden)| PlantedBug { bug, hidden }),
    )
}

/// Any view toggles, speed and open Learn entries.
fn arb_view() -> impl Strategy<Value = View> {
    let catalog = crate::engine::learn::source();
    let items: Vec<String> = catalog.checklist.item.iter().map(|i| i.id.clone()).collect();
    let lessons: Vec<String> = catalog.lessons.iter().map(|l| l.id.clone()).collect();
    (
        (any::<bool>(), any::<bool>(), any::<bool>(), proptest::sample::select(Speed::VARIANTS)),
        proptest::option::of(proptest::sample::select(items)),
        proptest::option::of(proptest::sample::select(lessons)),
        proptest::sample::select(crate::engine::i18n::Lang::VARIANTS),
    )
        .prop_map(|((show_test, discretize, log_scale, speed), learn, lesson, lang)| View {
            show_test,
            discretize,
            log_scale,
            speed,
            learn,
            lesson,
            lang,
        })
}

/// Any classroom flags naming distinct real controls.
fn arb_classroom() -> impl Strategy<Value = Classroom> {
    let keys: Vec<String> = SETTINGS.iter().map(|f| f.key.to_owned()).collect();
    let pick = move || proptest::sample::subsequence(keys.clone(), 0..4);
    // A note: any printable text up to the limit, trimmed (what parse_note keeps).
    let note = proptest::option::of("[^\\p{Cc}]{1,280}")
        .prop_map(|n| n.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()));
    (pick(), pick(), any::<bool>(), note).prop_map(|(hide, lock, embed, note)| Classroom { hide, lock, embed, note })
}

/// Any live settings.
fn arb_live() -> impl Strategy<Value = Live> {
    (0.0..=10.0f64, 0.0..=10.0f64, arb_optimizer(), positive(100.0), arb_schedule(), arb_clip(), 1usize..=100_000)
        .prop_map(|(l1, l2, optimizer, lr, schedule, clip, batch_size)| Live {
            lr,
            schedule,
            batch_size,
            l1,
            l2,
            clip,
            optimizer,
        })
}

/// Any valid config with up to five mid-run changes, each to a few fields.
fn arb_config() -> impl Strategy<Value = Config> {
    let change = (1u64..=MAX_STEP / 8, arb_live(), any::<u8>());
    (arb_config_at_start(), proptest::collection::vec(change, 0..=5)).prop_map(|(mut cfg, planned)| {
        let start = cfg.live();
        let (mut at, mut before) = (0, start);
        for (gap, new, mask) in planned {
            at += gap;
            let pick = |bit: u8| mask & (1 << bit) != 0;
            let live = Live {
                lr: if pick(0) { new.lr } else { before.lr },
                schedule: if pick(1) { new.schedule } else { before.schedule },
                batch_size: if pick(2) { new.batch_size } else { before.batch_size },
                l1: if pick(3) { new.l1 } else { before.l1 },
                l2: if pick(4) { new.l2 } else { before.l2 },
                clip: if pick(5) { new.clip } else { before.clip },
                optimizer: if pick(6) { new.optimizer } else { before.optimizer },
            };
            record_change(&mut cfg.changes, &start, at, live);
            before = live;
        }
        cfg
    })
}

/// Any valid config without changes: every field in range and the
/// cross-field checks satisfied.
fn arb_config_at_start() -> impl Strategy<Value = Config> {
    (
        (any::<u64>(), proptest::option::of(0..=MAX_STEP), arb_data(), arb_hidden()),
        (
            proptest::sample::select(BlockOrder::VARIANTS),
            unit_open(),
            positive(1.0),
            arb_init(),
            -10.0..=10.0f64,
            arb_loss(),
            proptest::sample::select(OutputAct::VARIANTS),
            unit_open(),
        ),
        (0.0..=10.0f64, 0.0..=10.0f64, arb_optimizer(), positive(100.0), arb_schedule(), arb_clip(), 1usize..=100_000),
    )
        .prop_map(|((seed, step, data, hidden), ord_to_slope, rest)| {
            let (order, bn_momentum, bn_eps, init, bias_init, mut loss, output_act, leaky_slope) = ord_to_slope;
            let (l1, l2, optimizer, lr, schedule, clip, batch_size) = rest;
            if data.kind.is_regression() {
                loss = LossKind::Mse;
            } else if !data.is_binary() && matches!(loss, LossKind::Bce | LossKind::Focal { .. }) {
                loss = LossKind::SoftmaxCe;
            }
            Config {
                seed,
                step,
                data,
                hidden,
                order,
                bn_momentum,
                bn_eps,
                init,
                bias_init,
                loss,
                output_act,
                leaky_slope,
                l1,
                l2,
                optimizer,
                lr,
                schedule,
                clip,
                batch_size,
                changes: Vec::new(),
            }
        })
}

/// Text that exercises the parser: real keys and values, near misses and noise.
fn arb_soup() -> impl Strategy<Value = String> {
    let mut keys: Vec<String> = SETTINGS.iter().map(|f| f.key.to_owned()).collect();
    keys.extend(["", "zz", "LR", "l%72", "v"].map(String::from));
    let mut tokens: Vec<String> = [
        "",
        "0",
        "1",
        "2",
        "3",
        "5",
        "10",
        "50",
        "0.5",
        "0.999",
        "-1",
        "1e-8",
        "1e999",
        "nan",
        "inf",
        "99999999999999999999",
        "8:relu",
        "8:relu:bn:d0.2,4:tanh",
        "x1,x2",
        "x1sq",
        "bn-act-do",
        "act-do-bn",
        "%3Cscript%3E",
        "<b>",
        "é",
        "%",
        "%ZZ",
        "=",
    ]
    .map(String::from)
    .to_vec();
    fn add<T: Named>(tokens: &mut Vec<String>) {
        tokens.extend(T::VARIANTS.iter().map(|v| v.name().to_owned()));
    }
    add::<DataKind>(&mut tokens);
    add::<InitKind>(&mut tokens);
    add::<LossKind>(&mut tokens);
    add::<OptimizerKind>(&mut tokens);
    add::<ScheduleKind>(&mut tokens);
    add::<ClipKind>(&mut tokens);
    add::<OutputAct>(&mut tokens);
    add::<Speed>(&mut tokens);
    let key = move || prop_oneof![4 => proptest::sample::select(keys.clone()), 1 => "[a-z%=&#]{0,4}"];
    let value = prop_oneof![4 => proptest::sample::select(tokens), 1 => any::<String>()];
    let pair = prop_oneof![(key(), value).prop_map(|(k, v)| format!("{k}={v}")), key()];
    let prefix = proptest::sample::select(vec!["", "#", "https://h.example/p?q=1#", "v=1&"]);
    (prefix, proptest::collection::vec(pair, 0..80)).prop_map(|(p, pairs)| format!("{p}{}", pairs.join("&")))
}

/// decode never panics, echoes bounded text, and its result is a fixed point.
fn check_idempotent(link: &str) -> Result<(), TestCaseError> {
    let (cfg, rejected) = decode(link);
    for r in &rejected {
        prop_assert!(r.key.chars().count() <= MAX_ECHO_CHARS + 1);
        prop_assert!(r.value.chars().count() <= MAX_ECHO_CHARS + 1);
    }
    let text = encode(&cfg);
    let again = decode(&text);
    prop_assert_eq!(&again.0, &cfg);
    prop_assert_eq!(again.1, vec![]);
    prop_assert_eq!(encode(&again.0), text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_configs_round_trip_exactly(
        cfg in arb_config(),
        bug in arb_bug(),
        view in arb_view(),
        classroom in arb_classroom(),
    ) {
        let text = encode(&cfg);
        prop_assert_eq!(decode(&text), (cfg.clone(), vec![]));
        prop_assert_eq!(decode(&format!("https://x.example/#{text}")).0, cfg.clone());
        // With view, classroom flags and a planted bug: the same experiment, the rest beside it.
        let link = Link { config: cfg, view, classroom, bug };
        let text = encode_link(&link);
        prop_assert_eq!(decode_link(&format!("https://x.example/#{text}")), (link.clone(), vec![]));
        prop_assert_eq!(decode(&text).0, link.config);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        check_idempotent(&s)?;
    }

    #[test]
    fn link_like_strings_never_panic(s in "[#&=%:,.a-z0-9é<>-]{0,200}") {
        check_idempotent(&s)?;
    }

    #[test]
    fn key_value_soups_never_panic(s in arb_soup()) {
        check_idempotent(&s)?;
    }
}
