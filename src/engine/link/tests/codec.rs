//! The codec's examples: the default link pinned, every field round-tripping,
//! bad values, unknown keys, limits, cross-field checks, classroom flags.

use crate::engine::bug_lab::{Bug, PlantedBug};
use crate::engine::config::{
    Act, BlockOrder, ClipKind, Config, DataKind, Feature, InitKind, LayerSpec, LossKind, Named, OptimizerKind,
    OutputAct, ScheduleKind,
};
use crate::engine::config::{CustomPoint, MAX_CHANGES};
use crate::engine::link::*;
use crate::engine::view::{Classroom, Speed, View};
use std::collections::BTreeSet;

use super::{assert_link_round_trip, assert_round_trip, clean, layer_spec};
use crate::engine::optim::Hyper;

#[test]
fn default_round_trips_and_is_pinned() {
    let cfg = Config::default();
    assert_round_trip(&cfg);
    assert_eq!(
        encode(&cfg),
        "v=1&seed=1&data=circle&n=500&noise=0&train=50&minor=50&k=3&feat=x1,x2&std=0\
         &net=4:tanh,2:tanh&ord=bn-act-do&bnm=0.9&bne=1e-5&slope=0.01&init=xavier_u&bias=0\
         &loss=mse&out=tanh&l1=0&l2=0&lr=0.03&opt=sgd&sched=const&clip=none&bs=10"
    );
    for empty in ["", "#", "https://example.org/gradlab/", "https://example.org/#", "  \n"] {
        assert_eq!(clean(empty), cfg, "{empty:?}");
    }
}

/// A named change to the default config.
type Mutation = (&'static str, fn(&mut Config));

/// A named change to what the link carries beside the experiment.
type LinkMutation = (&'static str, fn(&mut Link));

/// The view, classroom and bug rows of the table, each to a non-default value.
const LINK_MUTATIONS: &[LinkMutation] = &[
    ("view-toggles", |l| {
        l.view.show_test = true;
        l.view.discretize = true;
        l.view.log_scale = true;
    }),
    ("view-classroom", |l| {
        l.classroom.hide = vec!["lr".into(), "reset".into()];
        l.classroom.lock = vec!["data".into()];
        l.classroom.embed = true;
        l.classroom.note = Some("Pause at step 500 & compare: 50 % done?".into());
    }),
    ("speed-batch", |l| l.view.speed = Speed::Batch),
    ("learn-item", |l| l.view.learn = Some("3.4".into())),
    ("learn-lesson", |l| l.view.lesson = Some("vanishing".into())),
    ("lang", |l| l.view.lang = crate::engine::i18n::Lang::ZhCn),
    ("speed-max", |l| l.view.speed = Speed::Max),
    ("bug-named", |l| l.bug = Some(PlantedBug { bug: Bug::StaleBn, hidden: false })),
    ("bug-hidden", |l| l.bug = Some(PlantedBug { bug: Bug::WrongSign, hidden: true })),
];

/// One change per row, each to a non-default value; together they cover every key.
const MUTATIONS: &[Mutation] = &[
    ("seed", |c| c.seed = u64::MAX),
    ("step", |c| c.step = Some(MAX_STEP)),
    ("step0", |c| c.step = Some(0)),
    ("data", |c| c.data.kind = DataKind::Spiral),
    ("n", |c| c.data.n_points = 5000),
    ("noise", |c| c.data.noise_pct = 35),
    ("train", |c| c.data.train_pct = 90),
    ("minor", |c| c.data.minority_pct = 5),
    ("k", |c| c.data.classes = 5),
    ("feat", |c| c.data.features = vec![Feature::SinX2, Feature::X1X2, Feature::X1]),
    ("feat-all", |c| c.data.features = Feature::ALL.to_vec()),
    ("digits-no-feat", |c| {
        c.data.kind = DataKind::Digits;
        c.data.features.clear();
    }),
    ("std", |c| c.data.standardize = true),
    ("custom-pts", |c| {
        c.data.kind = DataKind::Custom;
        c.data.points = vec![CustomPoint { x1: -600, x2: 600, class: 4 }, CustomPoint { x1: 1, x2: -1, class: 0 }];
    }),
    ("custom-hash", |c| {
        c.data.kind = DataKind::Custom;
        c.data.points_hash = Some(u64::MAX);
    }),
    ("net", |c| {
        c.hidden = vec![
            LayerSpec { units: 256, act: Act::Relu, batch_norm: true, dropout: 0.2 },
            LayerSpec { units: 1, act: Act::Gelu, batch_norm: false, dropout: 0.999 },
            LayerSpec { units: 3, act: Act::LeakyRelu, batch_norm: true, dropout: 0.0 },
            layer_spec(7, Act::Elu),
            layer_spec(7, Act::Sigmoid),
            layer_spec(7, Act::Linear),
        ];
    }),
    ("net-empty", |c| c.hidden.clear()),
    ("net-16", |c| c.hidden = vec![layer_spec(2, Act::Relu); MAX_HIDDEN_LAYERS]),
    ("ord", |c| c.order = BlockOrder::ActDropBn),
    ("bnm", |c| c.bn_momentum = 0.0),
    ("bne", |c| c.bn_eps = 1.0),
    ("slope", |c| c.leaky_slope = 0.3),
    ("init-zeros", |c| c.init = InitKind::Zeros),
    ("init-const", |c| c.init = InitKind::Constant(-10.0)),
    ("init-uniform", |c| c.init = InitKind::Uniform(0.123)),
    ("init-normal", |c| c.init = InitKind::Normal(1e-300)),
    ("init-xavier_n", |c| c.init = InitKind::XavierNormal),
    ("init-he_u", |c| c.init = InitKind::HeUniform),
    ("init-he_n", |c| c.init = InitKind::HeNormal),
    ("init-lecun_n", |c| c.init = InitKind::LecunNormal),
    ("bias", |c| c.bias_init = -0.1),
    ("loss-bce", |c| c.loss = LossKind::Bce),
    ("loss-softmax", |c| c.loss = LossKind::SoftmaxCe),
    ("loss-focal", |c| c.loss = LossKind::Focal { gamma: 0.0, alpha: 1.0 }),
    ("out-linear", |c| c.output_act = OutputAct::Linear),
    ("out-sigmoid", |c| c.output_act = OutputAct::Sigmoid),
    ("l1", |c| c.l1 = 10.0),
    ("l2", |c| c.l2 = 0.1 + 0.2),
    ("lr-tiny", |c| c.lr = f64::MIN_POSITIVE / 4.0),
    ("lr-max", |c| c.lr = 100.0),
    ("lr-third", |c| c.lr = 1.0 / 3.0),
    ("opt-momentum", |c| c.optimizer = OptimizerKind::from_name("momentum").unwrap().with(Hyper::Mu, 0.5)),
    ("opt-nesterov", |c| c.optimizer = OptimizerKind::from_name("nesterov").unwrap().with(Hyper::Mu, 0.0)),
    ("opt-rmsprop", |c| {
        c.optimizer = OptimizerKind::from_name("rmsprop").unwrap().with(Hyper::Rho, 0.99).with(Hyper::Eps, 1.0)
    }),
    ("opt-adam", |c| {
        c.optimizer = OptimizerKind::from_name("adam")
            .unwrap()
            .with(Hyper::Beta1, 0.8)
            .with(Hyper::Beta2, 0.9999)
            .with(Hyper::Eps, 1e-12)
    }),
    ("opt-adamw", |c| {
        c.optimizer = OptimizerKind::from_name("adamw")
            .unwrap()
            .with(Hyper::Beta1, 0.0)
            .with(Hyper::Beta2, 0.5)
            .with(Hyper::Eps, 1e-7)
            .with(Hyper::WeightDecay, 10.0);
    }),
    ("opt-lion", |c| {
        c.optimizer = OptimizerKind::from_name("lion").unwrap().with(Hyper::Beta2, 0.5).with(Hyper::WeightDecay, 0.0);
    }),
    ("sched-step", |c| c.schedule = ScheduleKind::Step { every: 1, gamma: 1.0 }),
    ("sched-exp", |c| c.schedule = ScheduleKind::Exponential { every: MAX_STEP, gamma: 1e-9 }),
    ("sched-cos", |c| c.schedule = ScheduleKind::Cosine { period: 77, min_factor: 1.0 }),
    ("sched-warmup", |c| c.schedule = ScheduleKind::Warmup { steps: 5 }),
    ("clip-value", |c| c.clip = ClipKind::Value(1e6)),
    ("clip-norm", |c| c.clip = ClipKind::Norm(0.25)),
    ("bs-min", |c| c.batch_size = 1),
    ("bs-max", |c| c.batch_size = 100_000),
];

#[test]
fn every_field_round_trips_exactly() {
    let mut keys_written = BTreeSet::new();
    let mut all = Config::default();
    for &(name, change) in MUTATIONS {
        let mut cfg = Config::default();
        change(&mut cfg);
        assert_ne!(cfg, Config::default(), "{name} changes nothing");
        assert_round_trip(&cfg);
        let text = encode(&cfg);
        keys_written.extend(text.split('&').map(|p| p.split('=').next().unwrap_or("").to_owned()));
        if !name.starts_with("digits") && !name.starts_with("custom") {
            change(&mut all);
        }
    }
    // View, classroom and bug travel beside the experiment and leave it alone.
    for &(name, change) in LINK_MUTATIONS {
        let mut link = Link::default();
        change(&mut link);
        assert_ne!(link, Link::default(), "{name} changes nothing");
        assert_eq!(link.config, Config::default(), "{name} touches the experiment");
        assert_link_round_trip(&link);
        let text = encode_link(&link);
        assert!(text.starts_with(&encode(&Config::default())), "{name}: {text}");
        keys_written.extend(text.split('&').map(|p| p.split('=').next().unwrap_or("").to_owned()));
    }
    let table_keys: BTreeSet<String> = SETTINGS.iter().map(|f| f.key.to_owned()).collect();
    assert_eq!(keys_written, table_keys, "some key is never exercised");
    // Everything changed at once (the later variant of each enum stays).
    all.data.kind = DataKind::Gauss;
    assert_round_trip(&all);
}

#[test]
fn table_keys_are_unique_and_names_round_trip() {
    let keys: BTreeSet<&str> = SETTINGS.iter().map(|f| f.key).collect();
    assert_eq!(keys.len(), SETTINGS.len());
    fn check<T: Named + std::fmt::Debug>() {
        let names: BTreeSet<&str> = T::VARIANTS.iter().map(|v| v.name()).collect();
        assert_eq!(names.len(), T::VARIANTS.len());
        for v in T::VARIANTS {
            let back = T::from_name(v.name()).map(|b| format!("{b:?}"));
            assert_eq!(back, Some(format!("{v:?}")));
        }
    }
    check::<DataKind>();
    check::<Feature>();
    check::<Act>();
    check::<BlockOrder>();
    check::<InitKind>();
    check::<LossKind>();
    check::<OutputAct>();
    check::<OptimizerKind>();
    check::<ScheduleKind>();
    check::<ClipKind>();
    check::<Bug>();
    check::<Speed>();
}

#[test]
fn readable_example() {
    let cfg = clean("#v=1&lr=0.1&bs=5&net=8:relu,8:relu");
    let expected = Config {
        lr: 0.1,
        batch_size: 5,
        hidden: vec![layer_spec(8, Act::Relu), layer_spec(8, Act::Relu)],
        ..Config::default()
    };
    assert_eq!(cfg, expected);

    let cfg = clean("net=8:relu:bn:d0.2,4:tanh&opt=adam&b1=0.8&init=he_n&sched=cos&se=300");
    assert_eq!(
        cfg.hidden,
        vec![LayerSpec { units: 8, act: Act::Relu, batch_norm: true, dropout: 0.2 }, layer_spec(4, Act::Tanh)]
    );
    assert_eq!(cfg.optimizer, OptimizerKind::from_name("adam").unwrap().with(Hyper::Beta1, 0.8));
    assert_eq!(cfg.init, InitKind::HeNormal);
    assert_eq!(cfg.schedule, ScheduleKind::Cosine { period: 300, min_factor: 0.0 });
    // Order-independent, options in any order, inapplicable parameters ignored.
    assert_eq!(
        clean("mom=0.5&opt=momentum").optimizer,
        OptimizerKind::from_name("momentum").unwrap().with(Hyper::Mu, 0.5)
    );
    assert_eq!(clean("net=8:relu:d0.5:bn").hidden, clean("net=8:relu:bn:d0.5").hidden);
    assert_eq!(clean("opt=adam&mom=0.5&cv=3&ia=1&fg=1&se=9&sg=0.5"), clean("opt=adam"));
    // Percent-encoded keys and values are read.
    assert_eq!(clean("l%72=0%2E5&net=8%3Arelu").lr, 0.5);
}

#[test]
fn bad_values_are_rejected_and_others_still_apply() {
    let long_layers = vec!["2:relu"; MAX_HIDDEN_LAYERS + 1].join(",");
    let bad: &[(&str, &str)] = &[
        ("v", "abc"),
        ("seed", "-1"),
        ("seed", "99999999999999999999"),
        ("seed", ""),
        ("step", "10000001"),
        ("step", "1.5"),
        ("data", "square"),
        ("data", "CIRCLE"),
        ("n", "9"),
        ("n", "5001"),
        ("n", "1e3"),
        ("n", ""),
        ("noise", "51"),
        ("train", "95"),
        ("minor", "4"),
        ("k", "6"),
        ("feat", "x3"),
        ("feat", "x1,x1"),
        ("feat", "x1,"),
        ("std", "2"),
        ("std", "true"),
        ("net", "0:relu"),
        ("net", "257:relu"),
        ("net", "8"),
        ("net", "8:foo"),
        ("net", "8:relu:bn:bn"),
        ("net", "8:relu:d1"),
        ("net", "8:relu:d-0.1"),
        ("net", "8:relu:dx"),
        ("net", "8:relu:d0.1:d0.2"),
        ("net", "8:relu:xx"),
        ("net", "8:relu,"),
        ("net", ","),
        ("net", &long_layers),
        ("ord", "x"),
        ("bnm", "1"),
        ("bne", "0"),
        ("bne", "1.5"),
        ("slope", "1"),
        ("init", "glorot"),
        ("ia", "nan"),
        ("bias", "11"),
        ("bias", "NaN"),
        ("bias", "-inf"),
        ("loss", "hinge"),
        ("fg", "11"),
        ("fa", "1.5"),
        ("out", "relu"),
        ("l1", "-0.1"),
        ("l2", "inf"),
        ("l2", "1e999"),
        ("opt", "lbfgs"),
        ("mom", "1"),
        ("rho", "-1"),
        ("b1", "1"),
        ("b2", "2"),
        ("eps", "0"),
        ("wd", "11"),
        ("sched", "poly"),
        ("se", "0"),
        ("sg", "2"),
        ("clip", "yes"),
        ("cv", "0"),
        ("cv", "1e7"),
        ("bs", "0"),
        ("bs", "100001"),
        ("bs", "-5"),
        ("lr", "0"),
        ("lr", "-0.1"),
        ("lr", "NaN"),
        ("lr", "1e999"),
        ("lr", "101"),
        ("lr", "0x10"),
        ("lr", ""),
        ("bug", "segfault"),
        ("bug", "mystery:"),
        ("bug", "mystery:deadbeef"),
        ("bug", "mystery:wrong-sign"),
        ("speed", "turbo"),
        ("speed", "MAX"),
        ("speed", ""),
    ];
    for &(key, value) in bad {
        // `noise` is always valid here, so the rejection is the bad field alone.
        let other = if key == "noise" { "seed=7" } else { "noise=20" };
        let link = format!("{key}={value}&{other}");
        let (cfg, rejected) = decode(&link);
        let mut expected = Config::default();
        if key == "noise" {
            expected.seed = 7;
        } else {
            expected.data.noise_pct = 20;
        }
        assert_eq!(cfg, expected, "{link}");
        assert_eq!(rejected.len(), 1, "{link}: {rejected:?}");
        assert_eq!(rejected[0].key, key);
        assert_eq!(rejected[0].value, echo(value));
        let reason = &rejected[0].reason;
        assert!(reason.ends_with(if key == "v" { "best effort" } else { "using the default" }), "{reason}");
    }
    // Parameter keys of the chosen variant: the variant stays, its parameter keeps its default.
    let (cfg, rejected) = decode("opt=momentum&mom=1.5&lr=0.5");
    assert_eq!((cfg.optimizer, cfg.lr), (OptimizerKind::from_name("momentum").unwrap(), 0.5));
    assert_eq!(rejected[0].key, "mom");
    assert_eq!(rejected[0].reason, "must be a number ≥ 0 and < 1; using the default");
    let (cfg, rejected) = decode("init=uniform&ia=-1");
    assert_eq!((cfg.init, rejected.len()), (InitKind::Uniform(0.05), 1));
    let (cfg, _) = decode("sched=step&sg=0&se=3");
    assert_eq!(cfg.schedule, ScheduleKind::Step { every: 3, gamma: 0.5 });
    let (cfg, _) = decode("sched=cos&sg=0&se=3");
    assert_eq!(cfg.schedule, ScheduleKind::Cosine { period: 3, min_factor: 0.0 });
    // Readable reasons.
    assert_eq!(decode("train=95").1[0].reason, "must be an integer between 10 and 90; using the default");
    assert_eq!(decode("l2=x").1[0].reason, "must be a number between 0 and 10; using the default");
    assert_eq!(decode("lr=0").1[0].reason, "must be a number > 0 and ≤ 100; using the default");
    assert_eq!(
        decode("net=8:relu,4:swish").1[0].reason,
        "layer 2: activation must be one of relu, lrelu, tanh, sigmoid, linear, elu, gelu; using the default"
    );
}

#[test]
fn unknown_keys_pairs_without_value_and_duplicates_are_listed() {
    let (cfg, rejected) = decode("#foo=1&lr=0.1&bar&&lr=0.2&LR=0.3&=5");
    assert_eq!(cfg, Config { lr: 0.1, ..Config::default() });
    let keys: Vec<(&str, &str)> = rejected.iter().map(|r| (r.key.as_str(), r.value.as_str())).collect();
    assert_eq!(keys, [("foo", "1"), ("bar", ""), ("lr", "0.2"), ("LR", "0.3"), ("", "5")]);
    assert_eq!(rejected[0].reason, "unknown key; ignored");
    assert_eq!(rejected[1].reason, "expected key=value; ignored");
    assert_eq!(rejected[2].reason, "duplicate key; the first value is used");
}

#[test]
fn full_links_are_read() {
    let link = "https://example.org/gradlab/index.html?x=1#v=1&data=xor&lr=0.3&net=";
    let cfg = clean(link);
    assert_eq!((cfg.data.kind, cfg.lr, cfg.hidden.len()), (DataKind::Xor, 0.3, 0));
    assert_eq!(clean(&format!(" {link}\n")), cfg);
    assert_eq!(clean("#data=xor&lr=0.3&net="), cfg);
    assert_eq!(clean("data=xor&lr=0.3&net="), cfg);
    let mut c = Config::default();
    c.data.kind = DataKind::Moons;
    c.step = Some(250);
    assert_eq!(clean(&format!("http://localhost:8080/#{}", encode(&c))), c);
}

#[test]
fn other_format_versions_are_read_best_effort() {
    let (cfg, rejected) = decode("v=2&lr=0.1");
    assert_eq!(cfg.lr, 0.1);
    assert_eq!((rejected.len(), rejected[0].key.as_str(), rejected[0].value.as_str()), (1, "v", "2"));
    assert!(rejected[0].reason.contains("version 2 is not supported"));
    assert_eq!(clean("lr=0.1"), cfg, "a missing version is fine");
}

#[test]
fn script_payloads_are_just_rejected_text() {
    let payload = "<script>alert(document.cookie)</script>";
    let encoded = "%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E";
    for link in [
        format!("data={payload}&lr=0.5"),
        format!("data={encoded}&lr=0.5"),
        format!("{encoded}={encoded}&lr=0.5"),
        format!("net=8:{payload}&lr=0.5"),
        format!("lr=0.5&{payload}"),
    ] {
        let (cfg, rejected) = decode(&link);
        assert_eq!(cfg, Config { lr: 0.5, ..Config::default() }, "{link}");
        assert_eq!(rejected.len(), 1, "{link}");
        assert!(!rejected[0].reason.contains("<script"), "{}", rejected[0].reason);
    }
}

#[test]
fn echoed_text_is_bounded_and_printable() {
    let long = "a".repeat(1000);
    let (_, rejected) = decode(&format!("data={long}&{long}=1&x=%0A%00%FF"));
    // Unknown keys are listed while reading the pairs, bad values after.
    assert_eq!(rejected[0].key, format!("{}…", "a".repeat(MAX_ECHO_CHARS)));
    assert_eq!(rejected[1].value, "\u{FFFD}\u{FFFD}\u{FFFD}");
    assert_eq!(rejected[2].key, "data");
    assert_eq!(rejected[2].value, format!("{}…", "a".repeat(MAX_ECHO_CHARS)));
    assert!(rejected.iter().all(|r| r.reason.len() < 200));
}

#[test]
fn input_size_is_limited() {
    // Pairs beyond the 64th are dropped and reported.
    let mut link = vec!["zz=1"; MAX_FIELDS - 1];
    link.extend(["lr=0.1", "bs=5", "seed=3"]);
    let (cfg, rejected) = decode(&link.join("&"));
    assert_eq!((cfg.lr, cfg.batch_size, cfg.seed), (0.1, 10, 1));
    assert_eq!(rejected.len(), MAX_FIELDS);
    let last = &rejected[MAX_FIELDS - 1];
    assert_eq!(last.key, LINK_KEY);
    assert_eq!(last.reason, "only the first 64 fields are read; 2 more ignored");
    // Bytes beyond 8 KiB are dropped, back to a whole pair.
    let pad = "é".repeat(MAX_INPUT_BYTES / 2);
    let (cfg, rejected) = decode(&format!("lr=0.1&pad={pad}&bs=5"));
    assert_eq!((cfg.lr, cfg.batch_size), (0.1, 10));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].key, LINK_KEY);
    assert!(rejected[0].value.starts_with("pad=éé"));
    // A pair ending exactly at the limit is kept.
    let head = format!("lr=0.1&pad={}", "a".repeat(MAX_INPUT_BYTES - 11));
    assert_eq!(head.len(), MAX_INPUT_BYTES);
    let (cfg, rejected) = decode(&format!("{head}&bs=5"));
    assert_eq!((cfg.lr, cfg.batch_size), (0.1, 10));
    assert_eq!(rejected.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), [LINK_KEY, "pad"]);
    assert_eq!(rejected[0].value, "bs=5");
}

#[test]
fn cross_field_checks_fall_back() {
    let (cfg, rejected) = decode("data=circle&feat=&lr=0.5");
    assert_eq!(cfg, Config { lr: 0.5, ..Config::default() });
    assert_eq!((rejected[0].key.as_str(), rejected.len()), ("feat", 1));
    assert!(clean("data=digits&feat=").data.features.is_empty());

    for link in ["data=plane&loss=softmax", "data=mgauss&loss=bce", "data=blobs&loss=focal", "data=digits&loss=bce"] {
        let (cfg, rejected) = decode(link);
        assert_eq!(cfg.loss, LossKind::Mse, "{link}");
        assert_eq!((rejected[0].key.as_str(), rejected.len()), ("loss", 1), "{link}");
    }
    assert_eq!(
        decode("data=plane&loss=focal&fg=3").1[0].reason,
        "focal needs two classes, which plane does not have; using the default mse"
    );
    assert_eq!(clean("data=spiral&loss=focal&fg=3").loss, LossKind::Focal { gamma: 3.0, alpha: 0.25 });
    assert_eq!(clean("data=spiralk&loss=softmax").loss, LossKind::SoftmaxCe);
    assert_eq!(clean("data=xor&loss=softmax").loss, LossKind::SoftmaxCe);
    assert_eq!(clean("data=digits&loss=mse").loss, LossKind::Mse);
    // A rejected data set falls back to circle, where the loss is fine.
    let (cfg, rejected) = decode("data=nope&loss=bce");
    assert_eq!((cfg.data.kind, cfg.loss, rejected.len()), (DataKind::Circle, LossKind::Bce, 1));
}

#[test]
fn classroom_flags_name_known_controls_only() {
    let (link, rejected) = decode_link("hide=lr,bs,lr,reset&lock=data&embed=1&test=1");
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(link.classroom.hide, vec!["lr", "bs", "reset"]);
    assert_eq!(link.classroom.lock, vec!["data"]);
    assert!(link.classroom.embed && link.view.show_test && !link.view.discretize);
    assert_eq!(link.config, Config::default());
    assert_eq!(decode_link(&encode_link(&link)).0, link);
    let (link, rejected) = decode_link("hide=lr,<script>alert(1)</script>&embed=2");
    assert_eq!((link.view, link.classroom), (View::default(), Classroom::default()));
    assert_eq!(rejected.len(), 2);
    assert!(rejected.iter().all(|r| !r.reason.contains('<')));
}

#[test]
fn change_lists_carry_mid_run_changes() {
    let (cfg, rejected) = decode("lr=0.03,0.3@500,0.1@900&opt=sgd,momentum@500&mom=0.5@500");
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(cfg.lr, 0.03);
    let states: Vec<(u64, f64, String)> = cfg
        .states()
        .into_iter()
        .map(|(at, c)| (at, c.lr, format!("{}:{:?}", c.optimizer.name(), c.optimizer.get(Hyper::Mu))))
        .collect();
    assert_eq!(
        states,
        [
            (0, 0.03, "sgd:None".into()),
            (500, 0.3, "momentum:Some(0.5)".into()),
            (900, 0.1, "momentum:Some(0.5)".into())
        ]
    );
    let text = encode(&cfg);
    assert!(text.contains("&opt=sgd,momentum@500&mom=0.5@500&"), "{text}");
    assert!(text.contains("&lr=0.03,0.3@500,0.1@900&"), "{text}");
    assert_round_trip(&cfg);
    // Choosing a variant again resets its parameters: the value is written again.
    let (cfg, rejected) = decode("opt=momentum,nesterov@10&mom=0.5");
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!(cfg.changes[0].live.optimizer.get(Hyper::Mu), Some(0.9), "nesterov's default μ");
    let (cfg, _) = decode("opt=momentum,nesterov@10&mom=0.5,0.5@10");
    assert_eq!(cfg.changes[0].live.optimizer.get(Hyper::Mu), Some(0.5));
    assert!(encode(&cfg).contains("mom=0.5,0.5@10"), "{}", encode(&cfg));
    // A change that changes nothing is dropped; a plain value has no list.
    assert_eq!(clean("lr=0.03,0.03@50").changes, vec![]);
    assert_eq!(encode(&clean("lr=0.03,0.03@50")), encode(&Config::default()));
}

#[test]
fn bad_change_lists_are_rejected_with_a_reason() {
    let reason = |link: &str| {
        let (cfg, rejected) = decode(link);
        assert_eq!(rejected.len(), 1, "{link}: {rejected:?}");
        (cfg, rejected[0].key.clone(), rejected[0].reason.clone())
    };
    let (cfg, key, why) = reason("net=8:relu,4:relu@100");
    assert_eq!((key.as_str(), why.as_str()), ("net", "net cannot change mid-run (no change list); using the default"));
    assert_eq!(cfg.hidden, Config::default().hidden);
    for (link, why) in [
        ("lr=0.1,0.3@0", "a change's step must be an integer from 1 to 10000000; using the default"),
        ("lr=0.1,0.3@x", "a change's step must be an integer from 1 to 10000000; using the default"),
        ("lr=0.1,0.3@9,0.2@9", "a change list's steps must increase; using the default"),
        ("lr=0.1,0.3,0.2@5", "expected value@step after the first value; using the default"),
    ] {
        let (cfg, key, got) = reason(link);
        assert_eq!((key.as_str(), got.as_str(), cfg.lr, cfg.changes.len()), ("lr", why, 0.03, 0), "{link}");
    }
    // A value refused at one step drops that change only.
    let (cfg, key, why) = reason("lr=0.1,0.3@5&bs=10,0@5,7@9");
    assert_eq!((key.as_str(), why.as_str()), ("bs", "must be an integer between 1 and 100000; this change is ignored"));
    assert_eq!(
        cfg.states().iter().map(|(at, c)| (*at, c.lr, c.batch_size)).collect::<Vec<_>>(),
        [(0, 0.1, 10), (5, 0.3, 10), (9, 0.3, 7)]
    );
    // Too many changes: the later ones are ignored.
    let many: Vec<String> = (1..=MAX_CHANGES as u64 + 3).map(|i| format!("{}@{i}", 0.001 * i as f64)).collect();
    let (cfg, rejected) = decode(&format!("lr=1,{}", many.join(",")));
    assert_eq!((cfg.changes.len(), rejected.len()), (MAX_CHANGES, 1));
}
