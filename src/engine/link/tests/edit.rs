//! The control edits: a control's text into a link, what a control shows
//! and when, and the architecture editor's changes to the hidden blocks.

use crate::engine::config::{Act, Config, LayerSpec, LossKind};
use crate::engine::link::parse::net_to_text;
use crate::engine::link::*;
use crate::engine::view::Speed;

use super::{clean_link as clean, layer_spec};

#[test]
fn with_field_validates_then_runs_the_cross_field_checks() {
    let cfg = Link::default();
    assert_eq!(
        with_field(&cfg, "lr", " 0.1 "),
        (Link { config: Config { lr: 0.1, ..Config::default() }, ..cfg.clone() }, vec![])
    );
    assert_eq!(
        with_field(&cfg, "lr", "0"),
        (cfg.clone(), vec!["lr: must be a number > 0 and ≤ 100; kept 0.03".into()])
    );
    assert_eq!(with_field(&cfg, "zz", "1"), (cfg.clone(), vec!["zz is not a setting".into()]));
    assert_eq!(with_field(&cfg, "mom", "0.5").0, cfg, "a parameter of another optimizer is checked, then ignored");
    // A view toggle changes the view only; the experiment is untouched.
    let shown = with_field(&cfg, "test", "1").0;
    assert!(shown.view.show_test);
    assert_eq!(shown.config, cfg.config);
    let bce = clean("loss=bce");
    let (next, msgs) = with_field(&bce, "data", "blobs");
    assert_eq!((next.config.data.kind.is_binary(), next.config.loss), (false, LossKind::Mse));
    assert_eq!(msgs, ["loss: bce needs two classes, which blobs does not have; using the default mse"]);
}

#[test]
fn normalize_keeps_the_step() {
    let link = Link { config: Config { step: Some(40), lr: 0.5, ..Config::default() }, ..Link::default() };
    assert_eq!(normalize(link.clone()), (link, vec![]));
}

#[test]
fn value_text_is_what_a_control_shows() {
    let cfg = Link::default();
    let shown = |key: &str| value_text(key, &cfg);
    assert_eq!([shown("lr"), shown("test"), shown("speed"), shown("mom"), shown("zz")], ["0.03", "0", "epoch", "", ""]);
    assert_eq!(value_text("mom", &clean("opt=nesterov&mom=0.7")), "0.7");
    let viewed = clean("test=1&speed=max&hide=lr,bs&embed=1");
    assert_eq!(viewed.view.speed, Speed::Max);
    assert_eq!(
        [value_text("test", &viewed), value_text("speed", &viewed), value_text("hide", &viewed)],
        ["1", "max", "lr,bs"]
    );
}

#[test]
fn applies_follows_variants_and_relevance() {
    let d = Link::default();
    let blobs = clean("data=blobs&loss=softmax");
    let bn_dropout = clean("net=4:relu:bn:d0.1");
    assert!(applies("minor", &d) && !applies("minor", &blobs));
    assert!(!applies("k", &d) && applies("k", &blobs));
    assert!(!applies("mom", &d) && applies("mom", &clean("opt=momentum")));
    assert!(!applies("sg", &clean("sched=warmup")) && applies("se", &clean("sched=warmup")));
    assert!(applies("out", &d) && !applies("out", &clean("loss=bce")));
    assert!(!applies("ord", &d) && !applies("ord", &clean("net=4:relu:bn")) && applies("ord", &bn_dropout));
    assert!(!applies("bnm", &d) && applies("bnm", &bn_dropout));
    assert!(!applies("slope", &d) && applies("slope", &clean("net=2:lrelu")));
    let digits = clean("data=digits&feat=&loss=softmax");
    assert!(!applies("feat", &digits) && !applies("test", &digits) && !applies("disc", &clean("data=plane")));
    // Irrelevant, not absent: the control stays, disabled, with the reason.
    assert!(irrelevant_reason("out", &clean("loss=softmax")).is_some_and(|r| r.contains("MSE")));
    assert_eq!(irrelevant_reason("out", &d), None);
    assert!(irrelevant_reason("feat", &digits).is_some_and(|r| r.contains("digits")));
    assert_eq!(irrelevant_reason("mom", &d), None, "another optimizer's parameter is not a member");
    for s in SETTINGS.iter().filter(|s| s.panel.is_some()) {
        let always = (s.relevant)(&digits.config) && (s.relevant)(&d.config) && (s.relevant)(&bn_dropout.config);
        assert!(always || !s.irrelevant().is_empty(), "{} has no reason for being off", s.key);
    }
    assert!(applies("lr", &digits) && applies("zz", &d));
}

/// The network the old page made: the edited blocks through the `net` text.
fn through_text(cfg: &Link, hidden: &[LayerSpec]) -> Link {
    let (next, msgs) = with_field(cfg, "net", &net_to_text(hidden));
    assert!(msgs.is_empty(), "{msgs:?}");
    next
}

#[test]
fn network_edits_change_the_blocks() {
    let cfg = Link::default();
    let layer = |i, e| NetworkEdit::Layer(i, e);
    let added = edit_network(&cfg, &NetworkEdit::Add).expect("room for a block");
    assert_eq!(added.config.hidden, [layer_spec(4, Act::Tanh), layer_spec(2, Act::Tanh), layer_spec(2, Act::Tanh)]);
    assert_eq!(added, through_text(&cfg, &added.config.hidden));
    let empty = clean("net=");
    assert_eq!(edit_network(&empty, &NetworkEdit::Add).map(|c| c.config.hidden), Ok(vec![layer_spec(4, Act::Tanh)]));

    let wide = edit_network(&cfg, &layer(1, LayerEdit::Units(" 7 ".into()))).expect("valid width");
    assert_eq!(wide.config.hidden[1].units, 7);
    let relu = edit_network(&cfg, &layer(0, LayerEdit::Act("relu".into()))).expect("valid activation");
    assert_eq!(relu.config.hidden[0].act, Act::Relu);
    let bn = edit_network(&cfg, &layer(0, LayerEdit::BatchNorm(true))).expect("bn");
    assert!(bn.config.hidden[0].batch_norm && !bn.config.hidden[1].batch_norm);
    let dropped = edit_network(&cfg, &layer(1, LayerEdit::Dropout("0.5".into()))).expect("valid rate");
    assert_eq!(dropped.config.hidden[1].dropout, 0.5);
    assert_eq!(dropped, through_text(&cfg, &dropped.config.hidden));
    let removed = edit_network(&cfg, &layer(0, LayerEdit::Remove)).expect("remove");
    assert_eq!(removed.config.hidden, [layer_spec(2, Act::Tanh)]);
}

#[test]
fn bad_network_edits_are_refused_with_a_reason() {
    let cfg = Link::default();
    let refused = |e: NetworkEdit| edit_network(&cfg, &e).expect_err("refused");
    let layer = |i, e| NetworkEdit::Layer(i, e);
    assert_eq!(
        refused(layer(0, LayerEdit::Units("257".into()))),
        "layer 1: width must be an integer between 1 and 256"
    );
    assert_eq!(refused(layer(0, LayerEdit::Units("0".into()))), "layer 1: width must be an integer between 1 and 256");
    assert_eq!(refused(layer(1, LayerEdit::Dropout("1".into()))), "layer 2: dropout must be at least 0 and below 1");
    assert_eq!(refused(layer(1, LayerEdit::Dropout("nan".into()))), "layer 2: dropout must be at least 0 and below 1");
    assert_eq!(refused(layer(0, LayerEdit::Act("swish".into()))), "unknown activation \"swish\"");
    assert_eq!(refused(layer(2, LayerEdit::Remove)), "no such layer");
    let full = clean(&format!("net={}", vec!["2:relu"; MAX_HIDDEN_LAYERS].join(",")));
    assert_eq!(edit_network(&full, &NetworkEdit::Add), Err("at most 16 hidden layers".into()));
}

#[test]
fn every_layer_at_once_takes_one_width_or_activation() {
    let deep = clean("net=2:tanh,3:relu:bn,4:sigmoid:d0.2");
    let wide = edit_network(&deep, &NetworkEdit::All(LayerEdit::Units("8".into()))).expect("valid width");
    assert_eq!(net_to_text(&wide.config.hidden), "8:tanh,8:relu:bn,8:sigmoid:d0.2");
    let sig = edit_network(&wide, &NetworkEdit::All(LayerEdit::Act("sigmoid".into()))).expect("valid activation");
    assert_eq!(net_to_text(&sig.config.hidden), "8:sigmoid,8:sigmoid:bn,8:sigmoid:d0.2");
    assert!(edit_network(&deep, &NetworkEdit::All(LayerEdit::Units("999".into()))).is_err());
    assert!(edit_network(&deep, &NetworkEdit::All(LayerEdit::Remove)).is_err());
}
