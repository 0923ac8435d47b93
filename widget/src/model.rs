//! The form's state and rules as plain Rust, testable without a browser:
//! what the webmaster configured, what the visitor typed, and how that
//! becomes a v1 submission checked by the shared core.

use gdc_core::submission::LANGUAGES;
use gdc_core::{
    Consultation, Rules, Submission, ValidationErrors, WireAnswer, WireConsent, WireSubmission, WireSubmitter,
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
}

impl WidgetConfig {
    /// Reads `site`, `topics`, `lang` and `theme` from key-value pairs,
    /// returning warnings for what was ignored (shown in the console).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Self, Vec<String>) {
        let consultation = &gdc_core::GDC_2023;
        let mut warnings = Vec::new();
        let (mut site, mut topics, mut lang, mut theme) = (String::new(), Vec::new(), None, "auto".to_owned());
        for (key, value) in pairs {
            match key {
                "site" => site = value.to_owned(),
                "topics" => {
                    let (known, unknown) = consultation.select_topics(value);
                    for u in unknown {
                        warnings.push(format!("gdc: unknown topic {u:?} ignored"));
                    }
                    topics = known;
                }
                "lang" => lang = Some(negotiate_language(value)),
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
        let lang = lang.unwrap_or_else(|| "en".to_owned());
        (Self { consultation, site, topics, lang, theme }, warnings)
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

/// What the visitor has typed so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub topic: String,
    pub principles: String,
    pub stakeholder: String,
    pub country: String,
}

/// The form's fields, as the view knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Topic,
    Principles,
    Stakeholder,
    Country,
}

impl Field {
    /// The field a wire-path error belongs to, if the form shows it.
    pub fn from_wire_path(path: &str) -> Option<Self> {
        match path {
            "answers" | "answers[0].topic" => Some(Self::Topic),
            p if p.starts_with("answers[0].") => Some(Self::Principles),
            "submitter.stakeholder" => Some(Self::Stakeholder),
            "submitter.country" => Some(Self::Country),
            _ => None,
        }
    }
}

impl Draft {
    /// The v1 submission this draft makes, under the given id.
    pub fn to_wire(&self, id: &str, config: &WidgetConfig) -> WireSubmission {
        let answers = if self.topic.is_empty() {
            Vec::new()
        } else {
            vec![WireAnswer {
                topic: self.topic.clone(),
                texts: [("principles".to_owned(), self.principles.clone())].into(),
            }]
        };
        WireSubmission {
            id: id.to_owned(),
            consultation: config.consultation.id.to_owned(),
            site: config.site.clone(),
            lang: config.lang.clone(),
            submitter: WireSubmitter {
                kind: "individual".into(),
                stakeholder: self.stakeholder.clone(),
                country: self.country.clone(),
                ..Default::default()
            },
            answers,
            consent: WireConsent::default(),
        }
    }

    /// Checks the draft with the same rules the server applies.
    pub fn check(&self, id: &str, config: &WidgetConfig) -> Result<WireSubmission, ValidationErrors> {
        let allowed: Vec<String> = config.topics.iter().map(|t| (*t).to_owned()).collect();
        Submission::parse(self.to_wire(id, config), Rules { allowed_topics: Some(&allowed) }).map(Submission::into_wire)
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
    fn no_usable_topic_means_every_topic() {
        assert_eq!(config(&[("topics", "space")]).topics.len(), 8);
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

    #[test]
    fn a_complete_draft_becomes_a_valid_submission() {
        let c = config(&[("site", "demo")]);
        let d = Draft {
            topic: "ai".into(),
            principles: "Des algorithmes transparents 🌍".into(),
            stakeholder: "youth".into(),
            country: "RW".into(),
        };
        let wire = d.check(ID, &c).unwrap();
        assert_eq!(wire.answers[0].texts["principles"], "Des algorithmes transparents 🌍");
        assert_eq!(wire.submitter.country, "RW");
    }

    #[test]
    fn an_empty_draft_reports_each_visible_field() {
        let c = config(&[("site", "demo")]);
        let errors = Draft::default().check(ID, &c).unwrap_err();
        let fields: Vec<_> = errors.0.iter().filter_map(|e| Field::from_wire_path(&e.field)).collect();
        assert_eq!(fields, [Field::Stakeholder, Field::Country, Field::Topic]);
    }

    #[test]
    fn a_topic_outside_the_webmasters_list_is_refused() {
        let c = config(&[("site", "demo"), ("topics", "data")]);
        let d = Draft { topic: "ai".into(), principles: "x".into(), stakeholder: "youth".into(), country: "FR".into() };
        let errors = d.check(ID, &c).unwrap_err();
        assert_eq!(errors.0[0].field, "answers[0].topic");
    }
}
