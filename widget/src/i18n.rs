//! The visitor's texts: one language's [`Texts`], compiled from the Fluent
//! catalogs in `i18n/` and fetched by the host as a small hashed JSON file,
//! so the Wasm carries no language and a visitor downloads only theirs.
//! Counts and dates are formatted by the browser's `Intl` for the locale
//! ([`crate::browser::intl`]); this module turns the fetched object into
//! texts and holds the tests that every id the views ask for exists.

pub use gdc_i18n::Texts;

/// The texts in the JavaScript object the host fetched (id to text), for
/// `lang`. Anything that is not a string is left out, and shows its id.
#[cfg(target_arch = "wasm32")]
pub fn from_js(lang: &str, object: &wasm_bindgen::JsValue) -> Texts {
    let entries = js_sys::Object::entries(&js_sys::Object::from(object.clone()));
    let pairs = entries.iter().filter_map(|pair| {
        let pair = js_sys::Array::from(&pair);
        Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
    });
    Texts::new(lang, pairs.collect::<Vec<_>>())
}

/// The catalog id of a validation error's message (`error-too-long`).
pub fn error_key(code: gdc_core::ErrorCode) -> String {
    format!("error-{}", code.as_str().replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use gdc_i18n::Catalogs;

    use super::*;
    use crate::model::Step;
    use crate::model::config::DEFAULT_CONSULTATION;

    /// Every id the views build from data: each must be in the catalogs.
    fn ids_from_data() -> Vec<String> {
        let c = DEFAULT_CONSULTATION;
        let topics = c.topics.iter().flat_map(|t| [format!("topic-{}", t.id), format!("topic-{}-description", t.id)]);
        let questions =
            c.questions.iter().flat_map(|q| [format!("question-{}", q.id), format!("question-{}-hint", q.id)]);
        let steps = Step::ALL.iter().map(|s| s.key().to_owned());
        let kinds = gdc_core::submission::KINDS.iter().map(|k| format!("kind-{k}"));
        let stakeholders = gdc_core::submission::STAKEHOLDERS.iter().map(|s| format!("stakeholder-{s}"));
        let attributions = gdc_core::submission::ATTRIBUTIONS.iter().map(|a| format!("attribution-{a}"));
        let errors = gdc_core::ErrorCode::ALL.iter().map(|c| error_key(*c));
        let refusals = crate::delivery::Refusal::ALL.iter().map(|r| r.key().to_owned());
        topics
            .chain(questions)
            .chain(steps)
            .chain(kinds)
            .chain(stakeholders)
            .chain(attributions)
            .chain(errors)
            .chain(refusals)
            .collect()
    }

    #[test]
    fn every_id_built_from_data_has_a_text_in_every_language() {
        let catalogs = Catalogs::load().expect("the catalogs compile");
        for texts in catalogs.all() {
            for id in ids_from_data() {
                assert_ne!(texts.get(&id), id, "{}: {id}", texts.lang());
            }
        }
    }

    #[test]
    fn every_id_the_views_name_has_a_text() {
        let en = Catalogs::load().expect("the catalogs compile").get("en").clone();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let sources = ["app", "app/steps"].iter().flat_map(|dir| {
            let files = std::fs::read_dir(src.join(dir)).expect("source folder");
            files.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect::<Vec<_>>()
        });
        // How views name a text: tr("id"), tr_with("id", …), count("id", …),
        // and the field components' label="id", legend="id", hint="id".
        let openers = ["tr(\"", "tr_with(\"", "count(\"", "label=\"", "legend=\"", "hint=\""];
        let mut named = 0;
        for source in sources {
            for opener in openers {
                for part in source.split(opener).skip(1) {
                    let id = part.split('"').next().unwrap_or_default();
                    let plural = format!("{id}[other]");
                    assert!(
                        en.get(id) != id || en.get(&plural) != plural,
                        "the views name {id:?}, which the catalogs lack"
                    );
                    named += 1;
                }
            }
        }
        assert!(named > 40, "only {named} ids found: did the views change how they name texts?");
    }

    #[test]
    fn error_ids_use_hyphens() {
        assert_eq!(error_key(gdc_core::ErrorCode::TooLong), "error-too-long");
    }
}
