//! Custom points in a link: exact round trips (fixed and random sets), the
//! size rule (`pts=` when it fits, else `pts_hash=`), and every kind of
//! mangled `pts=` value giving its own message, never a panic.

use std::io::Write;

use flate2::{write::DeflateEncoder, Compression};
use proptest::prelude::*;

use super::clean;
use crate::engine::config::{Config, CustomPoint, DataKind, LossKind};
use crate::engine::data::custom::MAX_POINTS;
use crate::engine::i18n::text;
use crate::engine::link::points::{self, MAX_LINK_CHARS};
use crate::engine::link::{decode, encode};
use crate::engine::trainer::Trainer;

fn p(x1: i16, x2: i16, class: u8) -> CustomPoint {
    CustomPoint { x1, x2, class }
}

fn custom(points: Vec<CustomPoint>) -> Config {
    let mut cfg = Config { loss: LossKind::SoftmaxCe, ..Config::default() };
    cfg.data.kind = DataKind::Custom;
    cfg.data.points = points;
    cfg
}

fn deflated_base64(bytes: &[u8]) -> String {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    crate::engine::link::base64url::encode(&enc.finish().unwrap())
}

/// The bytes, worked out by hand: format 1, count 3, then per point
/// zigzag(x1)·5 + class and zigzag(x2) as LEB128 varints.
#[test]
fn the_bytes_are_the_documented_varints() {
    let pts = [p(0, 0, 0), p(-1, 1, 4), p(600, -600, 2)];
    // zigzag(-1)=1 → 1·5+4 = 9; zigzag(1)=2; zigzag(600)=1200 → 6002 = 0xF2 0x2E; zigzag(-600)=1199 = 0xAF 0x09.
    assert_eq!(points::to_bytes(&pts), [1, 3, 0, 0, 9, 2, 0xF2, 0x2E, 0xAF, 0x09]);
    assert_eq!(points::from_bytes(&points::to_bytes(&pts)), Ok(pts.to_vec()));
}

#[test]
fn a_small_set_travels_in_the_link_and_trains_the_same() {
    let cfg = custom(vec![p(-300, -300, 0), p(300, 300, 0), p(-300, 300, 1), p(300, -300, 1), p(0, 0, 2)]);
    let link = encode(&cfg);
    assert!(link.contains("&data=custom&") && link.contains("&pts=") && !link.contains("pts_hash"), "{link}");
    assert_eq!(clean(&link), cfg);
    let a = Trainer::from_config(&cfg).unwrap();
    let b = Trainer::from_config(&clean(&link)).unwrap();
    assert_eq!((a.raw_train.clone(), a.raw_test.clone()), (b.raw_train, b.raw_test));
    assert_eq!(a.raw_train.len() + a.raw_test.len(), 5);
}

#[test]
fn a_large_set_leaves_only_its_hash_and_the_link_says_so() {
    let pts: Vec<_> =
        (0..MAX_POINTS).map(|i| p((i % 1201) as i16 - 600, ((i * 7) % 1201) as i16 - 600, (i % 5) as u8)).collect();
    let cfg = custom(pts.clone());
    let text = points::encode(&pts);
    assert!(text.len() > MAX_LINK_CHARS);
    let link = encode(&cfg);
    let hash = points::hash_text(points::hash(&pts));
    assert!(link.contains(&format!("pts_hash={hash}")) && !link.contains("pts="), "{link}");
    let read = clean(&link);
    assert!(read.data.points.is_empty());
    assert_eq!(read.data.points_hash, Some(points::hash(&pts)));
    assert_eq!(encode(&read), link, "the hash-only link is a fixed point");
    let Err(err) = Trainer::from_config(&read) else { panic!("no data: no trainer") };
    let err = err.to_string();
    assert!(err.contains(&hash) && err.contains("CSV"), "{err}");
    // The record's copy holds them all.
    assert_eq!(points::decode(&text, points::MAX_RECORD_CHARS), Ok(pts));
}

#[test]
fn points_in_a_link_of_another_data_set_are_ignored_and_a_wrong_hash_is_refused() {
    let cfg = custom(vec![p(0, 0, 0), p(100, 0, 1)]);
    let link = encode(&cfg).replace("data=custom", "data=circle");
    assert!(clean(&link).data.points.is_empty());
    let (_, rejected) = decode(&format!("{}&pts_hash=0123456789abcdef", encode(&cfg)));
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].reason.contains(text("link.points.hash_mismatch")), "{rejected:?}");
}

/// Each mangled value is refused with its own reason; the rest of the link still applies.
#[test]
fn mangled_points_give_clear_reasons() {
    let good = points::encode(&[p(0, 0, 0), p(1, 1, 1)]);
    let bomb = deflated_base64(&vec![0u8; 1024 * 1024]);
    assert!(bomb.len() < MAX_LINK_CHARS, "one MiB of zeros deflates to {} characters", bomb.len());
    let cases = [
        ("not base64 at all!".to_string(), "link.points.not_base64"),
        (crate::engine::link::base64url::encode(b"plain bytes, not deflate"), "link.points.not_deflate"),
        (good[..good.len() - 3].to_string(), "link.points.not_deflate"),
        (bomb, "link.points.too_big"),
        (deflated_base64(&[1, 3, 0, 0, 5, 2]), "link.points.truncated"),
        (deflated_base64(&[1, 1, 0, 0, 7]), "link.points.trailing"),
        (deflated_base64(&[2, 0]), "link.points.format"),
        (deflated_base64(&[1, 0xC0, 0x3E]), "link.points.too_many"),
        (deflated_base64(&[1, 1, 0x8E, 0x2F, 0]), "link.points.out_of_range"),
        ("A".repeat(MAX_LINK_CHARS + 1), "link.points.too_long"),
    ];
    for (value, key) in cases {
        let (cfg, rejected) = decode(&format!("data=custom&pts={value}&lr=0.1"));
        assert_eq!(cfg.lr, 0.1);
        assert!(cfg.data.points.is_empty());
        assert_eq!(rejected.len(), 1, "{key}: {rejected:?}");
        let head = text(key).split('{').next().unwrap();
        assert!(rejected[0].reason.contains(head), "{key}: {}", rejected[0].reason);
    }
}

fn arb_points() -> impl Strategy<Value = Vec<CustomPoint>> {
    let point = (-600i16..=600, -600i16..=600, 0u8..5).prop_map(|(x1, x2, class)| CustomPoint { x1, x2, class });
    proptest::collection::vec(point, 1..=600)
}

proptest! {
    #[test]
    fn random_sets_round_trip_through_the_link_or_leave_their_hash(pts in arb_points()) {
        let cfg = custom(pts.clone());
        let read = clean(&encode(&cfg));
        if points::encode(&pts).len() <= MAX_LINK_CHARS {
            prop_assert_eq!(read, cfg);
        } else {
            prop_assert_eq!(read.data.points_hash, Some(points::hash(&pts)));
        }
        prop_assert_eq!(points::decode(&points::encode(&pts), points::MAX_RECORD_CHARS), Ok(pts));
    }

    #[test]
    fn arbitrary_points_text_never_panics(s in "[A-Za-z0-9_-]{0,300}") {
        let _ = points::decode(&s, MAX_LINK_CHARS);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = points::decode(&deflated_base64(&bytes), MAX_LINK_CHARS);
    }
}
