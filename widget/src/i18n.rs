//! The message catalog: every text the widget shows comes from here, keyed
//! by a stable id, so adding a language adds a table, not code.

/// English, the fallback for every key.
fn en(key: &str) -> Option<&'static str> {
    Some(match key {
        "form.title" => "Share your view on our digital future",
        "progress" => "Step {n} of {total}",
        "progress.label" => "Progress",
        "step.topics" => "Topics",
        "step.answers" => "Your answers",
        "step.about" => "About you",
        "step.privacy" => "Your privacy",
        "step.review" => "Review and send",
        "next" => "Next",
        "back" => "Back",
        "edit" => "Edit",
        "start_over" => "Start over",
        "topics.legend" => "Which areas do you want to comment on? Choose one or more.",
        "question.principles" => "Core principles",
        "question.principles.hint" => {
            "What core principles should all governments, companies, civil society and other stakeholders adhere to?"
        }
        "question.commitments" => "Key commitments",
        "question.commitments.hint" => "What key commitments, pledges or actions should specific stakeholders take?",
        "question.comments" => "Other comments",
        "question.comments.hint" => "Anything else you would like to add.",
        "counter" => "{n} of {max} characters",
        "answers.hint" => "Each answer is optional, but please write at least one for each topic.",
        "field.kind" => "You are contributing",
        "kind.individual" => "as an individual",
        "kind.organization" => "on behalf of a group or organisation",
        "kind.consultation" => "the outcome of a consultation you organised",
        "field.name" => "Your name (optional)",
        "field.organization" => "Organisation (optional)",
        "field.email" => "Email (optional)",
        "field.event_title" => "Title of the consultation",
        "field.event_date" => "Date",
        "field.event_participants" => "Number of participants",
        "field.country.hint" => "Type to filter, then choose from the list.",
        "privacy.intro" => "You decide how your contribution is used. Nothing is shared unless you say so.",
        "field.publish" => "Publish my contribution on the consultation's website",
        "field.publish.anonymous" => "Publish my answer anonymously",
        "field.stakeholder.optional" => "Group (optional)",
        "field.country.optional" => "Country (optional)",
        "field.publish.hint" => "If you leave this unticked, only the organisers read it.",
        "field.attribution" => "When published, show it",
        "attribution.anonymous" => "anonymously",
        "attribution.name" => "with my name",
        "attribution.organization" => "with my organisation's name",
        "field.contact" => "The organisers may write to me at the email I gave",
        "review.intro" => "Please check your contribution before sending it.",
        "review.none" => "(none)",
        "yes" => "Yes",
        "no" => "No",
        "field.topic" => "Topic",
        "field.stakeholder" => "You are answering as",
        "field.country" => "Country",
        "choose" => "Choose…",
        "submit" => "Send my contribution",
        "sending" => "Sending…",
        "receipt.title" => "Thank you: your contribution has arrived.",
        "receipt.reference" => "Reference",
        "receipt.next" => "It will be read by the consultation's organisers together with every other contribution.",
        "receipt.published" => "If you chose to publish it, it will appear once the organisers publish contributions.",
        "others.title" => "What others said",
        "others.loading" => "Loading…",
        "others.unavailable" => "Published contributions cannot be shown right now.",
        "others.empty" => {
            "No contribution on this topic has been published yet. The organisers publish contributions whose authors agreed, after reading them."
        }
        "others.anonymous" => "Anonymous",
        "queued" => {
            "No connection right now: your contribution is saved on this device and will be sent as soon as the connection returns. You can close this page; it will be sent next time you open it."
        }
        "refused.title" => "Your contribution could not be sent.",
        "refused.too_large" => {
            "It is longer than the consultation's server accepts. Shortening your answers and sending again may help."
        }
        "refused.not_allowed" => {
            "This website is not, or no longer, allowed to send contributions to this consultation. You did nothing wrong; the website's owner can fix it."
        }
        "refused.unreadable" => {
            "The consultation's server could not read what this page sent. You did nothing wrong; the website's owner can fix it."
        }
        "refused.other" => {
            "The consultation's server does not take contributions from this page at the moment. You did nothing wrong."
        }
        "refused.keep" => {
            "Nothing you wrote is lost: it stays saved on this device, and it is shown below so that you can copy it and keep it elsewhere. You can try again later."
        }
        "refused.text" => "Your contribution",
        "refused.try_again" => "Try again",
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

/// [`t`] with `{name}` placeholders filled in.
pub fn t_with(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(t(lang, key), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_and_stakeholder_has_a_text() {
        for topic in crate::model::config::DEFAULT_CONSULTATION.topics {
            assert!(en(&format!("topic.{}", topic.id)).is_some(), "{}", topic.id);
        }
        for s in gdc_core::submission::STAKEHOLDERS {
            assert!(en(&format!("stakeholder.{s}")).is_some(), "{s}");
        }
    }

    #[test]
    fn every_step_question_kind_and_attribution_has_a_text() {
        use crate::model::Step;
        let keys = Step::ALL.iter().map(|s| s.key().to_owned()).chain(
            crate::model::config::DEFAULT_CONSULTATION
                .questions
                .iter()
                .flat_map(|q| [format!("question.{}", q.id), format!("question.{}.hint", q.id)]),
        );
        let keys = keys
            .chain(gdc_core::submission::KINDS.iter().map(|k| format!("kind.{k}")))
            .chain(gdc_core::submission::ATTRIBUTIONS.iter().map(|a| format!("attribution.{a}")))
            .chain(gdc_core::ErrorCode::ALL.iter().map(|c| format!("error.{}", c.as_str())));
        for key in keys {
            assert!(en(&key).is_some(), "{key}");
        }
    }

    #[test]
    fn every_refusal_has_a_text() {
        for r in crate::delivery::Refusal::ALL {
            assert!(en(r.key()).is_some(), "{}", r.key());
        }
    }

    #[test]
    fn placeholders_are_filled_in() {
        assert_eq!(t_with("en", "progress", &[("n", "2"), ("total", "5")]), "Step 2 of 5");
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(t("en", "no.such.key"), "no.such.key");
    }
}
