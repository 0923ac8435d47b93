//! The widget's texts in the six UN languages.
//!
//! Translators edit Fluent files (`locales/<lang>.ftl`); [`compile`] (feature
//! `compile`: the server and the build) checks them against English and
//! flattens each into [`Texts`]: message id to text, `{ $name }` variables as
//! `{name}`, a message that chooses its words by a count stored once per
//! plural category (`id[one]`, `id[few]`, …). The build writes that flat map
//! as one small JSON file per language, and the widget fetches only its
//! visitor's; what it needs at run time is this module's lookup, with no
//! Fluent parser and no plural tables (the browser's `Intl.PluralRules`
//! gives the category).

#[cfg(feature = "compile")]
mod compile;
#[cfg(feature = "compile")]
pub use compile::{Catalogs, CompileError, SAME_AS_ENGLISH, compile, plural_category};

/// The catalogs' languages, as their files are named.
pub const LANGUAGES: &[&str] = &["ar", "en", "es", "fr", "ru", "zh"];

/// The Fluent source of each language, built into the server and the build
/// (never into the widget, which fetches its visitor's compiled).
#[cfg(feature = "compile")]
pub const SOURCES: &[(&str, &str)] = &[
    ("ar", include_str!("../locales/ar.ftl")),
    ("en", include_str!("../locales/en.ftl")),
    ("es", include_str!("../locales/es.ftl")),
    ("fr", include_str!("../locales/fr.ftl")),
    ("ru", include_str!("../locales/ru.ftl")),
    ("zh", include_str!("../locales/zh.ftl")),
];

/// The catalog language a BCP 47 tag asks for (`fr-CA` gives `fr`,
/// `zh-Hant-TW` gives `zh`, `AR` gives `ar`), or English: how the widget and
/// the server's own pages choose theirs.
pub fn negotiate(tag: &str) -> &'static str {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES.iter().copied().find(|l| l.eq_ignore_ascii_case(primary)).unwrap_or("en")
}

/// Whether `lang` is written right to left.
pub fn is_rtl(lang: &str) -> bool {
    lang == "ar"
}

/// One language's texts, flattened: what the widget looks up. A sorted
/// list searched by halves, not a hash map: a hundred-odd texts are found as
/// fast, and the Wasm is spared the hashing code (about 4 KB brotli).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    lang: String,
    texts: Vec<(String, String)>,
}

impl Texts {
    /// The texts of `lang` from (id, text) pairs as [`compile`] makes them.
    pub fn new(lang: &str, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        // Each put in its place, the last of a repeated id kept: the build
        // writes them sorted, so each goes at the end, and the Wasm needs
        // no sorting code.
        let mut texts: Vec<(String, String)> = Vec::new();
        for (id, text) in pairs {
            match texts.binary_search_by(|(k, _)| k.cmp(&id)) {
                Ok(i) => texts[i].1 = text,
                Err(i) => texts.insert(i, (id, text)),
            }
        }
        Self { lang: lang.to_owned(), texts }
    }

    fn find(&self, id: &str) -> Option<&String> {
        self.texts.binary_search_by(|(k, _)| k.as_str().cmp(id)).ok().map(|i| &self.texts[i].1)
    }

    /// The language these texts are in.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// Every (id, text) pair, plural variants under `id[category]`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The text of `id`; the id itself when there is none, so that a gap
    /// shows as a visible id rather than as a blank.
    pub fn get(&self, id: &str) -> String {
        self.find(id).cloned().unwrap_or_else(|| id.to_owned())
    }

    /// The text of `id` with its `{name}` variables filled in.
    pub fn with(&self, id: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(id), args)
    }

    /// The variant of `id` for a count in plural `category` (`one`, `few`,
    /// … as CLDR names them), else its `other` variant, with variables
    /// filled in. The count itself, formatted for the locale, is one of
    /// `args`.
    pub fn plural(&self, id: &str, category: &str, args: &[(&str, &str)]) -> String {
        let text = [category, "other"]
            .iter()
            .find_map(|c| self.find(&format!("{id}[{c}]")))
            .or_else(|| self.find(id))
            .cloned()
            .unwrap_or_else(|| id.to_owned());
        fill(text, args)
    }
}

/// Puts each `{name}` of `args` in `text`; any other brace stays as it is.
fn fill(text: String, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let (name, tail) = (&after[..close], &after[close + 1..]);
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, tail))
        });
        match value {
            Some((v, tail)) => {
                out.push_str(v);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        Texts::new(
            "ru",
            [
                ("progress", "Шаг {n} из {total}"),
                ("left[one]", "Остался {left} символ"),
                ("left[few]", "Осталось {left} символа"),
                ("left[other]", "Осталось {left} символов"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
        )
    }

    #[test]
    fn variables_are_filled_in_and_a_gap_shows_its_id() {
        let t = texts();
        assert_eq!(t.with("progress", &[("n", "2"), ("total", "5")]), "Шаг 2 из 5");
        assert_eq!(t.get("no-such-id"), "no-such-id");
        assert_eq!(t.lang(), "ru");
    }

    #[test]
    fn only_named_variables_are_filled_in_and_other_braces_stay() {
        assert_eq!(fill("{a} {b} {a}{".into(), &[("a", "1"), ("b", "{a}")]), "1 {a} 1{");
        assert_eq!(fill("{nope} and {} and }{".into(), &[("a", "1")]), "{nope} and {} and }{");
        assert_eq!(fill("Шаг {n}".into(), &[("n", "٢")]), "Шаг ٢");
        let t = Texts::new("en", [("b", "2"), ("a", "1"), ("b", "3")].map(|(k, v)| (k.to_owned(), v.to_owned())));
        assert_eq!((t.get("a"), t.get("b")), ("1".to_owned(), "3".to_owned()), "the last of a repeated id");
    }

    #[test]
    fn a_count_picks_its_category_and_falls_back_to_other() {
        let t = texts();
        assert_eq!(t.plural("left", "one", &[("left", "21")]), "Остался 21 символ");
        assert_eq!(t.plural("left", "few", &[("left", "3")]), "Осталось 3 символа");
        assert_eq!(t.plural("left", "many", &[("left", "5")]), "Осталось 5 символов");
        assert_eq!(t.plural("progress", "one", &[("n", "1"), ("total", "5")]), "Шаг 1 из 5");
    }

    #[test]
    fn a_tag_is_negotiated_to_a_catalog_language_or_english() {
        for (tag, lang) in [("fr-CA", "fr"), ("zh-Hant-TW", "zh"), ("AR", "ar"), ("ru_RU", "ru"), ("de-DE", "en")] {
            assert_eq!(negotiate(tag), lang, "{tag}");
        }
        for odd in ["", "-", "ar\0", "arabic", "<script>", "e", "中文"] {
            assert_eq!(negotiate(odd), "en", "{odd:?}");
        }
    }

    #[test]
    fn the_catalog_languages_are_the_un_languages_the_wire_accepts() {
        let mut wire: Vec<&str> = gdc_core::submission::LANGUAGES.to_vec();
        wire.sort_unstable();
        assert_eq!(LANGUAGES, wire.as_slice());
        #[cfg(feature = "compile")]
        assert_eq!(SOURCES.iter().map(|(l, _)| *l).collect::<Vec<_>>(), LANGUAGES);
    }
}
