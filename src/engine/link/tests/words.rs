//! The settings table's words: every catalog key a row derives from its
//! link key (`setting.<key>.label`, `.help`, `.unit`, `.off`) is in every
//! language, and the catalogs hold no `setting.*` key that no row reads.
//! (The code scanner of `tests/i18n.rs` cannot see keys computed from a
//! row's key, so this test holds them.)

use std::collections::BTreeSet;

use crate::engine::i18n::{self, Lang};
use crate::engine::link::*;
use crate::engine::named::Named;

/// The keys every row derives, plus the title template.
fn derived_keys() -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = SETTINGS.iter().flat_map(Setting::text_keys).collect();
    keys.insert("setting.with_unit".to_string());
    keys
}

#[test]
fn every_row_has_its_words_in_every_language() {
    let keys = derived_keys();
    assert!(keys.len() > 2 * SETTINGS.len(), "{} keys", keys.len());
    for &lang in Lang::VARIANTS {
        let missing: Vec<&String> = keys.iter().filter(|k| i18n::lookup(lang, k).is_none()).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.name());
    }
}

#[test]
fn no_setting_key_is_left_without_its_row() {
    let keys = derived_keys();
    for &lang in Lang::VARIANTS {
        let stale: Vec<&str> =
            i18n::keys(lang).into_iter().filter(|k| k.starts_with("setting.") && !keys.contains(*k)).collect();
        assert!(stale.is_empty(), "{}: no row reads {stale:?}", lang.name());
    }
}

#[test]
fn the_accessors_read_the_catalog() {
    let row = |key: &str| setting(key).expect("a row");
    assert_eq!(row("lr").label(), "Learning rate");
    assert_eq!(row("lr").help(), "Applies mid-run");
    assert_eq!((row("noise").unit(), row("lr").unit()), (Some("%"), None));
    assert_eq!(row("lr").irrelevant(), "", "always relevant: no reason");
    assert!(row("out").irrelevant().contains("MSE"));
    i18n::set(Lang::ZhCn);
    let (title, off) = (row("noise").title(), row("out").irrelevant());
    i18n::set(Lang::En);
    assert_eq!(title, "噪声（%）");
    assert!(off.starts_with("仅配合 MSE"), "{off}");
    assert_eq!(row("noise").title(), "Noise %");
}

#[test]
fn options_read_their_link_name_in_english_and_a_translation_in_chinese() {
    let row = |key: &str| SETTINGS.iter().find(|s| s.key == key).expect("a row");
    i18n::set(Lang::En);
    assert_eq!(row("sched").option_label("cos"), "cos");
    assert_eq!(row("net").option_label("lrelu"), "lrelu");
    i18n::set(Lang::ZhCn);
    let (cos, none) = (row("sched").option_label("cos"), row("clip").option_label("none"));
    i18n::set(Lang::En);
    assert!(cos.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{cos}");
    assert!(none.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{none}");
}
