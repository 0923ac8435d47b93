//! The form's state and rules as plain Rust, testable without a browser:
//! what the webmaster configured, what the visitor typed, and how that
//! becomes a v1 submission checked by the shared core.

use std::collections::BTreeMap;

use gdc_core::submission::{LANGUAGES, profile_gaps};
use gdc_core::{
    Consultation, FieldError, Rules, Submission, ValidationErrors, WireAnswer, WireConsent, WireEvent, WireSubmission,
    WireSubmitter,
};

/// What the embedding page asked for, from the iframe URL or attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetConfig {
    pub consultation: &'static Consultation,
    pub site: String,
    /// Topics to offer, in the consultation's order.
    pub topics: Vec<&'static str>,
    pub lang: String,
    pub theme: String,
    pub variant: Variant,
    /// The one question the compact variant asks.
    pub question: &'static str,
    /// The companion's origin for API calls: empty in iframe mode (the
    /// embed page is on the companion), the loader's origin in inline mode.
    pub api: String,
}

/// The full consultation, or one topic and one question for an article page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Full,
    Compact,
}

impl WidgetConfig {
    /// Reads `site`, `topics`, `lang` and `theme` from key-value pairs,
    /// returning warnings for what was ignored (shown in the console).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Vec<String>) {
        let consultation = &gdc_core::GDC_2023;
        let mut warnings = Vec::new();
        let (mut site, mut topics, mut lang, mut theme) = (String::new(), Vec::new(), None, "auto".to_owned());
        let (mut variant, mut question) = (Variant::Full, consultation.questions[0].id);
        let mut allowed: Option<Vec<&'static str>> = None;
        let mut api = String::new();
        for (key, value) in pairs {
            match key {
                "site" => site = value.to_owned(),
                "api" => match value.trim_end_matches('/') {
                    v if v.starts_with("https://") || v.starts_with("http://") => v.clone_into(&mut api),
                    _ => warnings.push(format!("gdc: api {value:?} is not an http(s) origin; using this page's")),
                },
                "topics" => {
                    let (known, unknown) = consultation.select_topics(value);
                    for u in unknown {
                        warnings.push(format!("gdc: unknown topic {u:?} ignored"));
                    }
                    topics = known;
                }
                "lang" => lang = Some(negotiate_language(value)),
                // The site's topics in the companion's registry (empty: all).
                "allowed" if !value.trim().is_empty() => allowed = Some(consultation.select_topics(value).0),
                "variant" => match value {
                    "compact" => variant = Variant::Compact,
                    "full" | "" => variant = Variant::Full,
                    other => warnings.push(format!("gdc: unknown variant {other:?}; using full")),
                },
                "question" => match consultation.question(value) {
                    Some(q) => question = q.id,
                    None => warnings.push(format!("gdc: unknown question {value:?}; using {question:?}")),
                },
                "theme" => {
                    if ["light", "dark", "auto", "high-contrast"].contains(&value) {
                        value.clone_into(&mut theme);
                    } else {
                        warnings.push(format!("gdc: unknown theme {value:?}; using auto"));
                    }
                }
                _ => {}
            }
        }
        if topics.is_empty() {
            topics = consultation.topics.iter().map(|t| t.id).collect();
        }
        if let Some(allowed) = allowed {
            for t in topics.iter().filter(|t| !allowed.contains(t)) {
                warnings.push(format!("gdc: topic {t:?} is not collected for this site; not shown"));
            }
            topics.retain(|t| allowed.contains(t));
            if topics.is_empty() {
                topics = allowed;
            }
        }
        let lang = lang.unwrap_or_else(|| "en".to_owned());
        if site.is_empty() {
            warnings.push("gdc: no site key given; the companion will refuse what is sent".to_owned());
        }
        if variant == Variant::Compact {
            // One topic: the webmaster's first.
            topics.truncate(1);
        }
        (Self { consultation, site, topics, lang, theme, variant, question, api }, warnings)
    }

    /// The URL of a companion API path (`/v1/…`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api)
    }

    /// Whether a change from `self` to `next` needs the form built again
    /// (language, topics, variant…), or only restyled (theme).
    pub fn needs_rebuild(&self, next: &Self) -> bool {
        Self { theme: next.theme.clone(), ..self.clone() } != *next
    }

    /// Whether Arabic (or another right-to-left language) is in use.
    pub fn is_rtl(&self) -> bool {
        self.lang == "ar"
    }
}

/// Picks the UN language a BCP 47 tag asks for (`fr-CA` gives `fr`,
/// `zh-Hant-TW` gives `zh`), or English.
pub fn negotiate_language(tag: &str) -> String {
    let primary = tag.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    if LANGUAGES.contains(&primary.as_str()) { primary } else { "en".to_owned() }
}

/// What the visitor has typed so far, for every step of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Chosen topic ids, in the consultation's order.
    pub topics: Vec<String>,
    /// Topic id to question id to text.
    pub answers: BTreeMap<String, BTreeMap<String, String>>,
    pub kind: String,
    pub stakeholder: String,
    pub country: String,
    pub name: String,
    pub organization: String,
    pub email: String,
    pub event_title: String,
    pub event_date: String,
    /// As typed; a number is checked by the core.
    pub event_participants: String,
    pub publish: bool,
    pub attribution: String,
    pub contact: bool,
}

impl Default for Draft {
    fn default() -> Self {
        Self {
            topics: Vec::new(),
            answers: BTreeMap::new(),
            kind: "individual".into(),
            stakeholder: String::new(),
            country: String::new(),
            name: String::new(),
            organization: String::new(),
            email: String::new(),
            event_title: String::new(),
            event_date: String::new(),
            event_participants: String::new(),
            publish: false,
            attribution: "anonymous".into(),
            contact: false,
        }
    }
}

/// The steps of the full form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Topics,
    Answers,
    About,
    Privacy,
    Review,
}

impl Step {
    pub const ALL: [Self; 5] = [Self::Topics, Self::Answers, Self::About, Self::Privacy, Self::Review];

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn next(self) -> Self {
        Self::ALL.get(self.index() + 1).copied().unwrap_or(self)
    }

    pub fn previous(self) -> Self {
        self.index().checked_sub(1).map_or(self, |i| Self::ALL[i])
    }

    /// The catalog key of the step's title.
    pub fn key(self) -> &'static str {
        match self {
            Self::Topics => "step.topics",
            Self::Answers => "step.answers",
            Self::About => "step.about",
            Self::Privacy => "step.privacy",
            Self::Review => "step.review",
        }
    }

    /// The step that shows the field at this wire path.
    pub fn of_path(path: &str) -> Self {
        if path == "answers" || (path.starts_with("answers[") && path.ends_with("].topic")) {
            Self::Topics
        } else if path.starts_with("answers") {
            Self::Answers
        } else if path.starts_with("consent") {
            Self::Privacy
        } else if path.starts_with("submitter") {
            Self::About
        } else {
            Self::Review
        }
    }
}

impl Draft {
    /// The text typed for `topic`'s `question`.
    pub fn answer(&self, topic: &str, question: &str) -> String {
        self.answers.get(topic).and_then(|a| a.get(question)).cloned().unwrap_or_default()
    }

    pub fn set_answer(&mut self, topic: &str, question: &str, text: String) {
        self.answers.entry(topic.to_owned()).or_default().insert(question.to_owned(), text);
    }

    /// Adds or removes a topic, keeping the consultation's order.
    pub fn toggle_topic(&mut self, topic: &str, on: bool, config: &WidgetConfig) {
        let mut chosen: Vec<&str> = self.topics.iter().map(String::as_str).collect();
        chosen.retain(|t| *t != topic);
        if on {
            chosen.push(topic);
        }
        self.topics = config.topics.iter().filter(|t| chosen.contains(t)).map(|t| (*t).to_owned()).collect();
    }

    fn optional(s: &str) -> Option<String> {
        (!s.trim().is_empty()).then(|| s.to_owned())
    }

    /// The v1 submission this draft makes, under the given id.
    pub fn to_wire(&self, id: &str, config: &WidgetConfig) -> WireSubmission {
        let answers = self
            .topics
            .iter()
            .map(|topic| WireAnswer {
                topic: topic.clone(),
                texts: config
                    .consultation
                    .questions
                    .iter()
                    .map(|q| (q.id.to_owned(), self.answer(topic, q.id)))
                    .collect(),
            })
            .collect();
        let event = (self.kind == "consultation").then(|| WireEvent {
            title: self.event_title.clone(),
            date: self.event_date.clone(),
            // Not a number is out of range, which the core reports on the field.
            participants: self.event_participants.trim().parse().unwrap_or(0),
        });
        WireSubmission {
            id: id.to_owned(),
            consultation: config.consultation.id.to_owned(),
            site: config.site.clone(),
            lang: config.lang.clone(),
            submitter: WireSubmitter {
                kind: self.kind.clone(),
                stakeholder: self.stakeholder.clone(),
                country: self.country.clone(),
                name: Self::optional(&self.name),
                organization: Self::optional(&self.organization),
                email: Self::optional(&self.email),
                event,
            },
            answers,
            consent: WireConsent {
                publish: self.publish,
                attribution: if self.publish { self.attribution.clone() } else { "anonymous".into() },
                contact: self.contact,
            },
        }
    }

    /// Checks the draft with the same rules the server applies, and, in
    /// the full variant, that stakeholder group and country are given.
    pub fn check(&self, id: &str, config: &WidgetConfig) -> Result<WireSubmission, ValidationErrors> {
        let allowed: Vec<String> = config.topics.iter().map(|t| (*t).to_owned()).collect();
        let wire = self.to_wire(id, config);
        let gaps = match config.variant {
            Variant::Full => profile_gaps(&wire),
            Variant::Compact => ValidationErrors::default(),
        };
        match Submission::parse(wire, Rules { allowed_topics: Some(&allowed) }) {
            Ok(s) if gaps.0.is_empty() => Ok(s.into_wire()),
            Ok(_) => Err(gaps),
            Err(mut e) => {
                let missing: Vec<FieldError> = gaps.0.into_iter().filter(|g| e.for_field(&g.field).is_none()).collect();
                e.0.extend(missing);
                Err(e)
            }
        }
    }

    /// The errors of one step (what "Next" checks).
    pub fn step_errors(&self, step: Step, id: &str, config: &WidgetConfig) -> Vec<FieldError> {
        match self.check(id, config) {
            Ok(_) => Vec::new(),
            Err(e) => e.0.into_iter().filter(|e| Step::of_path(&e.field) == step).collect(),
        }
    }

    /// The element id of the form control showing the field at `path`.
    pub fn dom_id(&self, path: &str) -> String {
        if let Some(rest) = path.strip_prefix("answers[") {
            let (index, question) = rest.split_once("].").unwrap_or((rest, ""));
            if question == "topic" || question.is_empty() {
                return "gdc-topics".into();
            }
            let topic = index.parse::<usize>().ok().and_then(|i| self.topics.get(i)).cloned().unwrap_or_default();
            return format!("gdc-a-{topic}-{question}");
        }
        match path {
            "answers" => "gdc-topics".into(),
            "submitter.event" | "submitter.event.title" => "gdc-event-title".into(),
            "submitter.event.date" => "gdc-event-date".into(),
            "submitter.event.participants" => "gdc-event-participants".into(),
            p => format!("gdc-{}", p.rsplit('.').next().unwrap_or(p)),
        }
    }

    /// The draft as key-value pairs, for `localStorage` (read back with
    /// [`Draft::from_pairs`]; no JSON parser needed in the Wasm).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = vec![("topics".to_owned(), self.topics.join(","))];
        for (topic, texts) in &self.answers {
            for (question, text) in texts {
                pairs.push((format!("a.{topic}.{question}"), text.clone()));
            }
        }
        for (key, value) in [
            ("kind", &self.kind),
            ("stakeholder", &self.stakeholder),
            ("country", &self.country),
            ("name", &self.name),
            ("organization", &self.organization),
            ("email", &self.email),
            ("event_title", &self.event_title),
            ("event_date", &self.event_date),
            ("event_participants", &self.event_participants),
            ("attribution", &self.attribution),
        ] {
            pairs.push((key.to_owned(), value.clone()));
        }
        pairs.push(("publish".into(), self.publish.to_string()));
        pairs.push(("contact".into(), self.contact.to_string()));
        pairs
    }

    /// The same draft under another configuration: texts are all kept,
    /// chosen topics the new configuration does not offer are unchosen.
    pub fn rebase(&self, config: &WidgetConfig) -> Self {
        let pairs = self.to_pairs();
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), config)
    }

    /// Reads [`Draft::to_pairs`] back; unknown keys and topics are dropped.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, config: &WidgetConfig) -> Self {
        let mut d = Self::default();
        for (key, value) in pairs {
            let v = value.to_owned();
            match key {
                "topics" => {
                    for t in value.split(',') {
                        d.toggle_topic(t, true, config);
                    }
                }
                "kind" => d.kind = v,
                "stakeholder" => d.stakeholder = v,
                "country" => d.country = v,
                "name" => d.name = v,
                "organization" => d.organization = v,
                "email" => d.email = v,
                "event_title" => d.event_title = v,
                "event_date" => d.event_date = v,
                "event_participants" => d.event_participants = v,
                "attribution" => d.attribution = v,
                "publish" => d.publish = value == "true",
                "contact" => d.contact = value == "true",
                k => {
                    if let Some((topic, question)) = k.strip_prefix("a.").and_then(|r| r.split_once('.')) {
                        d.set_answer(topic, question, v);
                    }
                }
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f";

    fn config(pairs: &[(&str, &str)]) -> WidgetConfig {
        WidgetConfig::from_pairs(pairs.iter().copied()).0
    }

    #[test]
    fn unknown_topics_are_ignored_with_a_warning() {
        let (c, warnings) = WidgetConfig::from_pairs([("site", "demo"), ("topics", "ai,space,data")]);
        assert_eq!(c.topics, ["data", "ai"]);
        assert_eq!(warnings, ["gdc: unknown topic \"space\" ignored"]);
    }

    #[test]
    fn only_the_topics_the_site_collects_are_offered() {
        let (c, warnings) =
            WidgetConfig::from_pairs([("site", "demo"), ("topics", "ai,data,commons"), ("allowed", "data,ai")]);
        assert_eq!(c.topics, ["data", "ai"]);
        assert_eq!(warnings, ["gdc: topic \"commons\" is not collected for this site; not shown"]);
        // Nothing asked for, or nothing left: the site's topics.
        assert_eq!(config(&[("allowed", "data,ai")]).topics, ["data", "ai"]);
        assert_eq!(config(&[("topics", "commons"), ("allowed", "ai")]).topics, ["ai"]);
        assert_eq!(config(&[("allowed", "")]).topics.len(), 8, "an empty list means every topic");
    }

    #[test]
    fn the_api_origin_must_be_http_and_loses_its_trailing_slash() {
        assert_eq!(
            config(&[("api", "https://consult.example.org/")]).url("/v1/token"),
            "https://consult.example.org/v1/token"
        );
        let (c, warnings) = WidgetConfig::from_pairs([("site", "demo"), ("api", "javascript:alert(1)")]);
        assert_eq!(c.url("/v1/token"), "/v1/token");
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn a_theme_change_restyles_and_anything_else_rebuilds() {
        let c = config(&[("site", "demo"), ("theme", "light")]);
        assert!(!c.needs_rebuild(&config(&[("site", "demo"), ("theme", "dark")])));
        assert!(c.needs_rebuild(&config(&[("site", "demo"), ("theme", "dark"), ("lang", "fr")])));
        assert!(c.needs_rebuild(&config(&[("site", "demo"), ("topics", "ai")])));
    }

    #[test]
    fn a_rebased_draft_keeps_every_text_and_only_offered_topics() {
        let d = complete();
        let narrow = config(&[("site", "demo"), ("topics", "ai")]);
        let rebased = d.rebase(&narrow);
        assert_eq!(rebased.topics, ["ai"]);
        assert_eq!(rebased.answers, d.answers, "the connectivity text is kept for when the topic returns");
        assert_eq!(rebased.rebase(&config(&[("site", "demo")])).answers, d.answers);
    }

    #[test]
    fn a_missing_site_key_is_warned_about() {
        let (_, warnings) = WidgetConfig::from_pairs([("topics", "ai")]);
        assert_eq!(warnings, ["gdc: no site key given; the companion will refuse what is sent"]);
    }

    #[test]
    fn no_usable_topic_means_every_topic() {
        assert_eq!(config(&[("topics", "space")]).topics.len(), 8);
    }

    #[test]
    fn the_compact_variant_asks_one_question_on_the_first_topic() {
        let (c, warnings) = WidgetConfig::from_pairs([
            ("site", "demo"),
            ("variant", "compact"),
            ("topics", "data,ai"),
            ("question", "commitments"),
        ]);
        assert_eq!((c.variant, c.topics.as_slice(), c.question), (Variant::Compact, &["data"][..], "commitments"));
        assert!(warnings.is_empty());
        let mut d = Draft::default();
        d.toggle_topic("data", true, &c);
        d.set_answer("data", "commitments", "Open registries".into());
        let wire = d.check(ID, &c).expect("stakeholder and country are optional here");
        assert_eq!(wire.submitter.country, "");
        let (_, warnings) = WidgetConfig::from_pairs([("site", "demo"), ("variant", "tiny"), ("question", "wishes")]);
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn languages_are_negotiated_to_the_six_un_languages() {
        assert_eq!(negotiate_language("fr-CA"), "fr");
        assert_eq!(negotiate_language("zh-Hant-TW"), "zh");
        assert_eq!(negotiate_language("AR"), "ar");
        assert_eq!(negotiate_language("de-DE"), "en");
        assert_eq!(negotiate_language(""), "en");
        assert!(config(&[("lang", "ar-EG")]).is_rtl());
    }

    fn complete() -> Draft {
        let c = config(&[("site", "demo")]);
        let mut d = Draft::default();
        d.toggle_topic("ai", true, &c);
        d.toggle_topic("connectivity", true, &c);
        d.set_answer("ai", "principles", "Des algorithmes transparents 🌍".into());
        d.set_answer("connectivity", "comments", "كل المدارس 学校".into());
        d.stakeholder = "youth".into();
        d.country = "RW".into();
        d
    }

    #[test]
    fn a_complete_draft_becomes_a_valid_submission_in_consultation_order() {
        let c = config(&[("site", "demo")]);
        let wire = complete().check(ID, &c).unwrap();
        let topics: Vec<_> = wire.answers.iter().map(|a| a.topic.as_str()).collect();
        assert_eq!(topics, ["connectivity", "ai"]);
        assert_eq!(wire.answers[1].texts["principles"], "Des algorithmes transparents 🌍");
        assert_eq!(wire.answers[1].texts["commitments"], "");
        assert_eq!(wire.submitter.event, None);
        assert_eq!(wire.submitter.name, None);
    }

    #[test]
    fn each_step_reports_only_its_own_fields() {
        let c = config(&[("site", "demo")]);
        let d = Draft::default();
        let topics = d.step_errors(Step::Topics, ID, &c);
        assert_eq!(topics.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["answers"]);
        let about = d.step_errors(Step::About, ID, &c);
        assert_eq!(
            about.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["submitter.stakeholder", "submitter.country"]
        );
        assert!(d.step_errors(Step::Privacy, ID, &c).is_empty());
    }

    #[test]
    fn a_consultation_needs_its_event_and_participants_must_be_a_number() {
        let c = config(&[("site", "demo")]);
        let mut d = complete();
        d.kind = "consultation".into();
        d.event_title = "Kigali youth forum".into();
        d.event_date = "2023-03-14".into();
        d.event_participants = "forty".into();
        let errors = d.step_errors(Step::About, ID, &c);
        assert_eq!(errors[0].field, "submitter.event.participants");
        assert_eq!(d.dom_id(&errors[0].field), "gdc-event-participants");
        d.event_participants = "40".into();
        assert_eq!(d.check(ID, &c).unwrap().submitter.event.unwrap().participants, 40);
    }

    #[test]
    fn wire_paths_map_to_the_controls_that_show_them() {
        let d = complete();
        assert_eq!(d.dom_id("answers[1].principles"), "gdc-a-ai-principles");
        assert_eq!(d.dom_id("answers[0].topic"), "gdc-topics");
        assert_eq!(d.dom_id("answers"), "gdc-topics");
        assert_eq!(d.dom_id("submitter.country"), "gdc-country");
        assert_eq!(d.dom_id("submitter.event.title"), "gdc-event-title");
        assert_eq!(d.dom_id("consent.attribution"), "gdc-attribution");
    }

    #[test]
    fn a_draft_survives_the_trip_through_storage() {
        let c = config(&[("site", "demo")]);
        let mut d = complete();
        d.name = "Amina & Co <b>".into();
        d.publish = true;
        d.attribution = "name".into();
        let pairs = d.to_pairs();
        let back = Draft::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), &c);
        assert_eq!(back, d);
    }

    #[test]
    fn a_stored_topic_the_webmaster_removed_is_dropped() {
        let c = config(&[("site", "demo"), ("topics", "data")]);
        let d = Draft::from_pairs([("topics", "ai,data")], &c);
        assert_eq!(d.topics, ["data"]);
    }

    #[test]
    fn a_topic_outside_the_webmasters_list_cannot_be_chosen() {
        let c = config(&[("site", "demo"), ("topics", "data")]);
        let mut d = complete();
        d.toggle_topic("ai", true, &c);
        assert!(d.topics.is_empty(), "only the webmaster's topics are offered");
    }
}
