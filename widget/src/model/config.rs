//! What the embedding page asked for (site, topics, language, theme,
//! variant, API origin), read from attribute pairs with a warning for
//! each value ignored, and the consultation the widget collects for.

use gdc_core::Consultation;

/// The consultation a widget collects for: core's default. No attribute
/// chooses another yet; everything else reads [`WidgetConfig::consultation`].
pub const DEFAULT_CONSULTATION: &Consultation = gdc_core::consultation::DEFAULT;

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
        let consultation = DEFAULT_CONSULTATION;
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
                    _ => warnings.push(format!("gdc: api \"{value}\" is not an http(s) origin; using this page's")),
                },
                "topics" => {
                    let (known, unknown) = consultation.select_topics(value);
                    for u in unknown {
                        warnings.push(format!("gdc: unknown topic \"{u}\" ignored"));
                    }
                    topics = known;
                }
                "lang" => lang = Some(negotiate_language(value)),
                // The site's topics in the companion's registry (empty: all).
                "allowed" if !value.trim().is_empty() => allowed = Some(consultation.select_topics(value).0),
                "variant" => match value {
                    "compact" => variant = Variant::Compact,
                    "full" | "" => variant = Variant::Full,
                    other => warnings.push(format!("gdc: unknown variant \"{other}\"; using full")),
                },
                "question" => match consultation.question(value) {
                    Some(q) => question = q.id,
                    None => warnings.push(format!("gdc: unknown question \"{value}\"; using \"{question}\"")),
                },
                "theme" => {
                    if ["light", "dark", "auto", "high-contrast"].contains(&value) {
                        value.clone_into(&mut theme);
                    } else {
                        warnings.push(format!("gdc: unknown theme \"{value}\"; using auto"));
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
                warnings.push(format!("gdc: topic \"{t}\" is not collected for this site; not shown"));
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
    /// The topic the compact variant asks about: the webmaster's first.
    pub fn compact_topic(&self) -> &'static str {
        self.topics.first().copied().unwrap_or("other")
    }

    pub fn is_rtl(&self) -> bool {
        gdc_i18n::is_rtl(&self.lang)
    }
}

/// Picks the UN language a BCP 47 tag asks for (`fr-CA` gives `fr`,
/// `zh-Hant-TW` gives `zh`), or English.
pub fn negotiate_language(tag: &str) -> String {
    gdc_i18n::negotiate(tag).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Draft;
    use crate::model::testing::{ID, config};

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
}
