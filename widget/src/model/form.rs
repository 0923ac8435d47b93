//! The form as a browser posts it by itself (no Wasm yet, or none at all):
//! which names its controls carry, what a step carries along for the
//! others as hidden fields, and how a posted body becomes the draft, the
//! step, the contribution's id and the visitor's move. The companion reads
//! posts with it; the Wasm reads the server-rendered form with it when it
//! takes over, so what was typed before it arrived is kept.

use super::{Draft, Step, Variant, WidgetConfig};

/// The hidden field holding the contribution's id, made once per form.
pub const ID: &str = "gdc-id";
/// The hidden field naming the step on display.
pub const STEP: &str = "gdc-step";
/// The hidden field holding the form token.
pub const TOKEN: &str = "gdc-token";
/// The honeypot's name: people leave it empty.
pub const HONEYPOT: &str = "website";
/// The name of the buttons that say where to go.
pub const GO: &str = "go";
/// The language chosen in the menu, posted by a browser that runs no
/// script: the name of the menu's buttons, which are the form's through
/// their `form` attribute. Posted without `go`, it asks for
/// [`Go::Language`].
pub const LANG: &str = "gdc-lang";
/// The id of the form element, which the language menu names.
pub const FORM_ID: &str = "gdc-form";
/// The text typed into the country box (a name in the visitor's language);
/// the draft holds the code it names, carried as `country`.
pub const COUNTRY_TEXT: &str = "country_name";

/// What a button asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Go {
    /// Check this step and move on.
    Next,
    Back,
    /// Back to a step from the review.
    Edit(Step),
    /// Check everything and send.
    Send,
    /// Forget the draft and begin a new contribution.
    StartOver,
    /// The same step, in the language the menu names.
    Language,
}

impl Go {
    /// The button's value, as the form's `go` field carries it.
    pub fn value(self) -> String {
        match self {
            Self::Next => "next".into(),
            Self::Back => "back".into(),
            Self::Edit(step) => format!("edit-{}", step.name()),
            Self::Send => "send".into(),
            Self::StartOver => "start-over".into(),
            Self::Language => "language".into(),
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "next" => Self::Next,
            "back" => Self::Back,
            "send" => Self::Send,
            "start-over" => Self::StartOver,
            "language" => Self::Language,
            v => Self::Edit(Step::from_name(v.strip_prefix("edit-")?)?),
        })
    }
}

/// A posted form, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub draft: Draft,
    /// The step the form showed (the first when it names none).
    pub step: Step,
    /// The contribution's id, when the form carried one.
    pub id: Option<String>,
    pub token: Option<String>,
    pub honeypot: String,
    /// The button pressed; none when the form was sent by pressing Enter
    /// in a browser that names no button, which counts as the default one.
    pub go: Option<Go>,
    /// The country as typed, when the country box was on display; the
    /// caller turns the name into a code in the visitor's language.
    pub country_text: Option<String>,
    /// The language the menu names.
    pub lang: Option<String>,
}

impl Posted {
    /// Reads a form body's pairs: the draft's own fields by the names
    /// [`Draft::to_pairs`] uses, the rest by the constants above. A field
    /// given twice keeps its last value (a checkbox after its hidden
    /// `false`); topics may be given once each.
    pub fn read<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, config: &WidgetConfig) -> Self {
        let (mut step, mut id, mut token, mut honeypot, mut go, mut country_text, mut lang) =
            (Step::Topics, None, None, String::new(), None, None, None);
        // Browsers post a textarea's line breaks as CRLF; the Wasm's draft,
        // and so the store, has LF: one spelling, one character each.
        let pairs: Vec<(&str, std::borrow::Cow<'a, str>)> = pairs
            .into_iter()
            .map(|(k, v)| {
                (k, if v.contains('\r') { v.replace("\r\n", "\n").replace('\r', "\n").into() } else { v.into() })
            })
            .collect();
        let mut fields = Vec::new();
        for (key, value) in &pairs {
            let (key, value) = (*key, value.as_ref());
            match key {
                ID => id = Some(value.trim().to_owned()).filter(|v| !v.is_empty()),
                STEP => step = Step::from_name(value).unwrap_or(Step::Topics),
                TOKEN => token = Some(value.to_owned()).filter(|v| v.starts_with("v1.")),
                HONEYPOT => value.clone_into(&mut honeypot),
                GO => go = Go::parse(value),
                COUNTRY_TEXT => country_text = Some(value.to_owned()),
                LANG => lang = Some(value.to_owned()),
                _ => fields.push((key, value)),
            }
        }
        // A language button of the menu names no `go`: it is the move.
        if lang.is_some() && go.is_none() {
            go = Some(Go::Language);
        }
        let mut draft = Draft::from_pairs(fields, config);
        if config.variant == Variant::Compact {
            // One topic, the webmaster's first, whatever was posted.
            draft.topics = vec![config.compact_topic().to_owned()];
        }
        Self { draft, step, id, token, honeypot, go, country_text, lang }
    }
}

/// The draft's fields a step does not show, as (name, value) pairs to
/// carry along in hidden inputs, so that a step posts the whole draft.
pub fn carried(draft: &Draft, step: Step) -> Vec<(String, String)> {
    let shown = |key: &str| match step {
        Step::Topics => key == "topics",
        Step::Answers => key.starts_with("a."),
        Step::About => {
            ["kind", "stakeholder", "country", "name", "organization", "email"].contains(&key)
                || key.starts_with("event_")
        }
        Step::Privacy => ["publish", "attribution", "contact"].contains(&key),
        Step::Review => false,
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in draft.to_pairs() {
        if shown(&key) {
            continue;
        }
        if key == "topics" {
            // One field per topic, as the topic checkboxes post them.
            pairs.extend(draft.topics.iter().map(|t| ("topics".to_owned(), t.clone())));
        } else if key.starts_with("a.") && value.is_empty() {
            // An empty answer needs no carrying.
        } else {
            pairs.push((key, value));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{ID as SOME_ID, config};

    fn read(pairs: &[(&str, &str)]) -> Posted {
        Posted::read(pairs.iter().copied(), &config(&[]))
    }

    #[test]
    fn every_step_carries_what_the_others_show_and_a_post_reads_it_back_whole() {
        let config = config(&[]);
        let mut draft = Draft::default();
        draft.toggle_topic("digital-inclusion", true, &config);
        draft.toggle_topic("other", true, &config);
        draft.set_answer("other", "principles", "Ünïcödé, \"quotes\" & <tags>\nline two".into());
        draft.kind = "consultation".into();
        draft.event_title = "Town hall".into();
        draft.event_participants = "40".into();
        draft.stakeholder = "civil-society".into();
        draft.country = "CI".into();
        draft.name = "Aïcha".into();
        draft.publish = true;
        draft.attribution = "name".into();
        for step in Step::ALL {
            // What the step shows, posted as its controls post it, plus what it carries.
            let mut pairs: Vec<(String, String)> = carried(&draft, step);
            let carried_keys: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
            for (k, v) in draft.to_pairs().iter().filter(|(k, _)| !carried_keys.contains(k)) {
                if k == "topics" {
                    pairs.extend(draft.topics.iter().map(|t| ("topics".to_owned(), t.clone())));
                } else {
                    pairs.push((k.clone(), v.clone()));
                }
            }
            pairs.push((STEP.into(), step.name().into()));
            pairs.push((ID.into(), SOME_ID.into()));
            let posted = Posted::read(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &config);
            assert_eq!(posted.draft, draft, "step {step:?}");
            assert_eq!(posted.step, step);
            assert_eq!(posted.id.as_deref(), Some(SOME_ID));
        }
    }

    #[test]
    fn a_step_carries_nothing_it_shows() {
        let config = config(&[]);
        let mut draft = Draft::default();
        draft.toggle_topic("other", true, &config);
        draft.set_answer("other", "principles", "x".into());
        let names = |step| carried(&draft, step).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        assert!(!names(Step::Topics).contains(&"topics".to_owned()));
        assert!(names(Step::Answers).contains(&"topics".to_owned()));
        assert!(!names(Step::Answers).iter().any(|k| k.starts_with("a.")));
        assert!(!names(Step::Privacy).contains(&"publish".to_owned()));
        assert!(names(Step::Review).contains(&"publish".to_owned()));
    }

    #[test]
    fn odd_posts_read_as_what_they_can_be() {
        // A checkbox after its hidden "false": the last value wins.
        assert!(read(&[("publish", "false"), ("publish", "true")]).draft.publish);
        assert!(!read(&[("publish", "false")]).draft.publish);
        // Unknown steps, buttons, topics and fields are dropped, not errors.
        let p = read(&[(STEP, "nope"), (GO, "fly"), ("topics", "not-a-topic"), ("zzz", "1"), (ID, "  ")]);
        assert_eq!((p.step, p.go, p.id), (Step::Topics, None, None));
        assert!(p.draft.topics.is_empty());
        // A token that is not one of ours is not carried on.
        assert_eq!(read(&[(TOKEN, "forged")]).token, None);
        assert_eq!(read(&[(GO, "edit-about")]).go, Some(Go::Edit(Step::About)));
        assert_eq!(read(&[(GO, "edit-")]).go, None);
        for go in [Go::Next, Go::Back, Go::Send, Go::StartOver, Go::Language, Go::Edit(Step::Privacy)] {
            assert_eq!(read(&[(GO, &go.value())]).go, Some(go));
        }
        assert_eq!(read(&[(COUNTRY_TEXT, "côte d'ivoire")]).country_text.as_deref(), Some("côte d'ivoire"));
        // Line breaks as a browser posts them (CRLF), or a lone CR: LF, as the Wasm keeps them.
        let text =
            read(&[("topics", "ai"), ("a.ai.principles", "one\r\ntwo\rthree\nfour")]).draft.answer("ai", "principles");
        assert_eq!(text, "one\ntwo\nthree\nfour");
        // The compact variant answers on its one topic, whatever is posted.
        let compact = config(&[("variant", "compact"), ("topics", "data")]);
        let p = Posted::read([("topics", "other"), ("topics", "ai")], &compact);
        assert_eq!(p.draft.topics, vec!["data"]);
    }
}
