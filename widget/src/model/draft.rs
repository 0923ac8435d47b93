//! What the visitor has typed so far, for every step of the form: how it
//! becomes a v1 submission checked by the shared core, which form control
//! shows each wire path, and how it is kept as text between visits.

use std::collections::BTreeMap;

use gdc_core::submission::profile_gaps;
use gdc_core::{
    FieldError, Rules, Submission, ValidationErrors, WireAnswer, WireConsent, WireEvent, WireSubmission, WireSubmitter,
};

use super::{Step, Variant, WidgetConfig};

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
    use crate::model::testing::{ID, config};

    #[test]
    fn a_rebased_draft_keeps_every_text_and_only_offered_topics() {
        let d = complete();
        let narrow = config(&[("site", "demo"), ("topics", "ai")]);
        let rebased = d.rebase(&narrow);
        assert_eq!(rebased.topics, ["ai"]);
        assert_eq!(rebased.answers, d.answers, "the connectivity text is kept for when the topic returns");
        assert_eq!(rebased.rebase(&config(&[("site", "demo")])).answers, d.answers);
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
