//! A consultation's definition as data: its topics, the questions asked for
//! each topic, and the limits that validation enforces.
//!
//! Another consultation is another `Consultation` value, not a fork of the
//! views or of the validation: both read this structure. Human-readable texts
//! are not here; the widget's message catalog holds them, keyed by these ids.

/// One thematic area a contributor may answer on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topic {
    /// Stable id used on the wire and in the `topics` embed attribute.
    pub id: &'static str,
}

/// One free-text question asked for every chosen topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// Stable id; also the answer's field name on the wire.
    pub id: &'static str,
}

/// Upper bounds on what a contributor may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Characters (Unicode scalar values, not bytes) per answer.
    pub answer_chars: usize,
    /// Characters in a name, an organisation or an event title.
    pub name_chars: usize,
    /// Characters in an email address (RFC 5321 path limit).
    pub email_chars: usize,
    /// Participants in a reported consultation event.
    pub max_participants: u32,
}

/// A whole consultation: what the widget shows and what the server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consultation {
    /// Stable id, sent with every submission.
    pub id: &'static str,
    pub topics: &'static [Topic],
    pub questions: &'static [Question],
    pub limits: Limits,
}

impl Consultation {
    /// The topic with this id, if the consultation has one.
    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    /// The question with this id, if the consultation asks it.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Splits a webmaster's comma-separated topic list into the ids this
    /// consultation knows (in the consultation's order, without repeats) and
    /// the ones it does not, so callers can warn about the latter.
    /// An empty or absent list means every topic.
    pub fn select_topics<'a>(&self, list: &'a str) -> (Vec<&'static str>, Vec<&'a str>) {
        let wanted: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        if wanted.is_empty() {
            return (self.topics.iter().map(|t| t.id).collect(), Vec::new());
        }
        let known = self.topics.iter().map(|t| t.id).filter(|id| wanted.contains(id)).collect();
        let unknown = wanted.into_iter().filter(|w| self.topic(w).is_none()).collect();
        (known, unknown)
    }
}

/// The United Nations Global Digital Compact call for input, 2023.
pub const GDC_2023: Consultation = Consultation {
    id: "gdc-2023",
    topics: &[
        Topic { id: "connectivity" },
        Topic { id: "fragmentation" },
        Topic { id: "data" },
        Topic { id: "human-rights" },
        Topic { id: "accountability" },
        Topic { id: "ai" },
        Topic { id: "commons" },
        Topic { id: "other" },
    ],
    questions: &[Question { id: "principles" }, Question { id: "commitments" }, Question { id: "comments" }],
    limits: Limits { answer_chars: 4_000, name_chars: 200, email_chars: 254, max_participants: 1_000_000 },
};

/// Every consultation this build knows. Another consultation is another
/// definition here, not a fork: nothing outside this crate names one.
pub const CONSULTATIONS: &[&Consultation] = &[&GDC_2023];

/// The consultation a widget or a site collects for when none is named.
pub const DEFAULT: &Consultation = &GDC_2023;

/// A consultation this build knows, looked up by id.
pub fn consultation(id: &str) -> Option<&'static Consultation> {
    CONSULTATIONS.iter().copied().find(|c| c.id == id)
}

/// Whether any known consultation has this topic.
pub fn is_topic(id: &str) -> bool {
    CONSULTATIONS.iter().any(|c| c.topic(id).is_some())
}

/// Every question of every known consultation, each once, in order: the
/// export's stable answer columns.
pub fn all_questions() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for q in CONSULTATIONS.iter().flat_map(|c| c.questions) {
        if !ids.contains(&q.id) {
            ids.push(q.id);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gdc_2023_has_the_eight_thematic_areas_and_three_questions() {
        let ids: Vec<_> = GDC_2023.topics.iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            ["connectivity", "fragmentation", "data", "human-rights", "accountability", "ai", "commons", "other"]
        );
        let qs: Vec<_> = GDC_2023.questions.iter().map(|q| q.id).collect();
        assert_eq!(qs, ["principles", "commitments", "comments"]);
    }

    #[test]
    fn topic_lists_keep_known_ids_in_consultation_order_and_report_unknown_ones() {
        let (known, unknown) = GDC_2023.select_topics(" data, ai ,nope,data,");
        assert_eq!(known, ["data", "ai"]);
        assert_eq!(unknown, ["nope"]);
    }

    #[test]
    fn an_empty_topic_list_means_every_topic() {
        let (known, unknown) = GDC_2023.select_topics("");
        assert_eq!(known.len(), 8);
        assert!(unknown.is_empty());
    }

    #[test]
    fn consultations_are_found_by_id() {
        assert_eq!(consultation("gdc-2023"), Some(&GDC_2023));
        assert_eq!(consultation("gdc-2024"), None);
    }
}
