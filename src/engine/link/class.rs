//! The teacher's link builder: a class link is a start (the current state or
//! a lesson's link) with the classroom flags put on it: controls hidden or
//! locked, a planted bug, the step to start at, a note for the students,
//! embed mode and the page's language. The page's builder dialog fills a [`ClassLink`] and shows
//! [`class_link`]'s result; everything else is the codec's.

use super::{decode_link, encode_link, page_order, Rejected, TRANSPORT_CONTROLS};
use crate::engine::bug_lab::PlantedBug;
use crate::engine::i18n::Lang;

/// What a teacher chose in the builder.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClassLink {
    /// Controls hidden from the students (link keys, `data`, transport ids).
    pub hide: Vec<String>,
    /// Controls locked (`data` locks every data setting and the seed).
    pub lock: Vec<String>,
    /// A planted bug, named or kept secret.
    pub bug: Option<PlantedBug>,
    /// The step the students' page fast-forwards to (None: step 0).
    pub step: Option<u64>,
    /// A note shown to the students.
    pub note: Option<String>,
    /// Only the views (for an iframe or a slide).
    pub embed: bool,
    /// The students' page's language (the teacher's, as the builder fills it).
    pub lang: Lang,
}

/// The class link built on `base` (link pairs: the current state or a
/// lesson's link), with what the codec rejected (a note too long, say).
pub fn class_link(base: &str, class: &ClassLink) -> (String, Vec<Rejected>) {
    let (mut link, _) = decode_link(base);
    link.config.step = class.step.filter(|&s| s > 0);
    link.bug = class.bug;
    link.classroom.embed = class.embed;
    link.view.lang = class.lang;
    let note = class.note.clone().unwrap_or_default();
    let text = format!(
        "{}&hide={}&lock={}&note={}",
        encode_link(&link),
        class.hide.join(","),
        class.lock.join(","),
        percent_encoding::utf8_percent_encode(&note, percent_encoding::NON_ALPHANUMERIC)
    );
    // Through the codec once more, so the flags are checked and written in
    // table order, exactly as a student's page will read them.
    let (checked, rejected) = decode_link(&text);
    (encode_link(&checked), rejected)
}

/// The controls a teacher may hide or lock, as `(id, label)`: all the data
/// settings at once, every control on the page, then the transport buttons.
pub fn teachable_controls() -> Vec<(&'static str, String)> {
    let mut out = vec![("data", crate::tr!("link.class.all_data"))];
    out.extend(page_order().into_iter().filter(|s| s.key != "data").map(|s| (s.key, s.title())));
    out.extend(TRANSPORT_CONTROLS.iter().map(|&id| (id, transport_label(id))));
    out
}

fn transport_label(id: &str) -> String {
    match id {
        "play" => crate::tr!("link.class.play"),
        "step-once" => crate::tr!("link.class.step_once"),
        "step-epoch" => crate::tr!("link.class.step_epoch"),
        "reset" => crate::tr!("link.class.reset"),
        "new-seed" => crate::tr!("link.class.new_seed"),
        _ => crate::tr!("link.class.share"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::bug_lab::Bug;

    #[test]
    fn the_class_link_carries_every_choice_and_the_start_unchanged() {
        let class = ClassLink {
            hide: vec!["lr".into(), "share".into()],
            lock: vec!["data".into()],
            bug: Some(PlantedBug { bug: Bug::WrongSign, hidden: true }),
            step: Some(120),
            note: Some("Find the bug & say which layer: 50 % of the marks".into()),
            embed: false,
            lang: Lang::En,
        };
        let (text, rejected) = class_link("data=xor&lr=0.3&net=8:relu&lesson=vanishing", &class);
        assert!(rejected.is_empty(), "{rejected:?}");
        let (link, rejected) = decode_link(&text);
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!((link.config.lr, link.config.hidden.len(), link.config.step), (0.3, 1, Some(120)));
        assert_eq!(link.view.lesson.as_deref(), Some("vanishing"));
        assert_eq!(
            (link.classroom.hide.clone(), link.classroom.lock.clone()),
            (class.hide.clone(), class.lock.clone())
        );
        assert_eq!(link.classroom.note, class.note);
        assert_eq!(link.bug, class.bug);
        assert!(link.classroom.locks("seed") && link.classroom.locks("new-seed") && !link.classroom.locks("lr"));
        assert!(!text.contains("wrong-sign"), "a secret bug is named in {text}");
    }

    #[test]
    fn an_empty_class_link_is_the_start_itself() {
        let (text, rejected) = class_link("data=xor&lr=0.3", &ClassLink::default());
        assert!(rejected.is_empty());
        assert_eq!(text, encode_link(&decode_link("data=xor&lr=0.3").0));
    }

    #[test]
    fn a_note_too_long_is_reported_and_left_out() {
        let class = ClassLink { note: Some("x".repeat(crate::engine::view::MAX_NOTE + 1)), ..ClassLink::default() };
        let (text, rejected) = class_link("", &class);
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert!(!text.contains("note="), "{text}");
    }

    #[test]
    fn every_teachable_control_is_a_valid_hide_and_lock_name() {
        let ids: Vec<&str> = teachable_controls().iter().map(|c| c.0).collect();
        assert!(ids.contains(&"lr") && ids.contains(&"play") && ids[0] == "data");
        let all = ids.join(",");
        let (link, rejected) = decode_link(&format!("hide={all}&lock={all}"));
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(link.classroom.hide.len(), ids.len());
    }

    #[test]
    fn the_class_link_carries_the_language() {
        let class = ClassLink { lang: Lang::ZhCn, ..ClassLink::default() };
        let (text, rejected) = class_link("data=xor", &class);
        assert!(rejected.is_empty() && text.contains("lang=zh-CN"), "{text}");
        let (text, _) = class_link("data=xor&lang=zh-CN", &ClassLink::default());
        assert!(!text.contains("lang="), "English is the default and is not written: {text}");
    }
}
