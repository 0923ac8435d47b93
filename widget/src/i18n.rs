//! The message catalog: every text the widget shows comes from here, keyed
//! by a stable id, so adding a language adds a table, not code.

/// English, the fallback for every key.
fn en(key: &str) -> Option<&'static str> {
    Some(match key {
        "form.title" => "Share your view on our digital future",
        "form.intro" => {
            "The United Nations is preparing a Global Digital Compact. Your input goes to the consultation."
        }
        "field.topic" => "Topic",
        "field.principles" => "Core principles",
        "field.principles.hint" => {
            "What principles should all governments, companies, civil society and other stakeholders adhere to?"
        }
        "field.stakeholder" => "You are answering as",
        "field.country" => "Country",
        "choose" => "Choose…",
        "submit" => "Send my contribution",
        "sending" => "Sending…",
        "receipt.title" => "Thank you: your contribution has arrived.",
        "receipt.reference" => "Reference",
        "receipt.next" => "It will be read by the consultation's organisers together with every other contribution.",
        "failed" => "Your contribution could not be sent. Please try again.",
        "errors.summary" => "Please correct the highlighted fields.",
        "topic.connectivity" => "Connect all people to the internet, including all schools",
        "topic.fragmentation" => "Avoid internet fragmentation",
        "topic.data" => "Protect data",
        "topic.human-rights" => "Apply human rights online",
        "topic.accountability" => "Accountability for discrimination and misleading content",
        "topic.ai" => "Regulation of artificial intelligence",
        "topic.commons" => "Digital commons as a global public good",
        "topic.other" => "Other areas",
        "stakeholder.government" => "Government",
        "stakeholder.un-system" => "UN system or other international organisation",
        "stakeholder.private-sector" => "Private sector",
        "stakeholder.civil-society" => "Civil society",
        "stakeholder.academia" => "Academia",
        "stakeholder.technical-community" => "Technical community",
        "stakeholder.individual" => "Individual",
        "stakeholder.youth" => "Youth",
        "error.required" => "Please fill this in.",
        "error.too_long" => "This is too long.",
        "error.invalid_format" => "This is not in the expected format.",
        "error.unknown_value" => "Please choose one of the options.",
        "error.out_of_range" => "This number is out of range.",
        "error.not_allowed" => "This is not allowed here.",
        "error.duplicate" => "This appears more than once.",
        _ => return None,
    })
}

/// The text for `key` in `lang`, falling back to English, then to the key
/// itself (so a missing text is visible, not blank).
pub fn t(_lang: &str, key: &str) -> String {
    en(key).map_or_else(|| key.to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_and_stakeholder_has_a_text() {
        for topic in gdc_core::GDC_2023.topics {
            assert!(en(&format!("topic.{}", topic.id)).is_some(), "{}", topic.id);
        }
        for s in gdc_core::submission::STAKEHOLDERS {
            assert!(en(&format!("stakeholder.{s}")).is_some(), "{s}");
        }
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(t("en", "no.such.key"), "no.such.key");
    }
}
