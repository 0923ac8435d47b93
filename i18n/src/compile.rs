//! From Fluent sources to [`Texts`], checked: every language has every
//! message English has and no other, with the same variables; a message
//! that varies by a count has a variant for every plural category its
//! language has (CLDR, from `intl_pluralrules`) and no other.
//!
//! The widget needs a small part of Fluent, and only that part is accepted,
//! so that what translators write is what visitors see: text, variables,
//! and one selection by a variable's plural category per message.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement, VariantKey};
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use unic_langid::LanguageIdentifier;

use crate::{SOURCES, Texts};

/// The prefix of the configurator's texts (`cfg-title`…).
pub const CONFIGURATOR: &str = "cfg-";

/// Texts that may read the same as English in a translation: a borrowed
/// word or a name. Anything else identical to English is an untranslated
/// text, which the tests refuse.
pub const SAME_AS_ENGLISH: &[(&str, &str)] = &[("es", "no")];

/// What is wrong with a catalog, said so that a translator can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub lang: String,
    pub id: String,
    pub problem: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "locales/{}.ftl: {}: {}", self.lang, self.id, self.problem)
    }
}

impl std::error::Error for CompileError {}

/// One message, flattened: its plain text, or its text per plural category,
/// and the variables it uses.
#[derive(Debug, Default)]
struct Message {
    variants: BTreeMap<Option<String>, String>,
    variables: BTreeSet<String>,
}

/// The CLDR plural categories a whole count falls in for `lang`, as named
/// in Fluent (the widget counts characters, people and contributions, never
/// fractions), found by asking the rules about the counts that decide them.
fn categories(lang: &str) -> Vec<&'static str> {
    let rules = rules(lang);
    let counts = (0..=1_000u64).chain([10_000, 100_000, 1_000_000, 2_000_000]);
    let found: BTreeSet<&str> = counts.filter_map(|n| rules.select(n).ok().map(name)).chain(["other"]).collect();
    ["zero", "one", "two", "few", "many", "other"].into_iter().filter(|c| found.contains(c)).collect()
}

fn rules(lang: &str) -> PluralRules {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    PluralRules::create(id, PluralRuleType::CARDINAL)
        .or_else(|_| PluralRules::create(LanguageIdentifier::default(), PluralRuleType::CARDINAL))
        .expect("the root locale has plural rules")
}

fn name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::ZERO => "zero",
        PluralCategory::ONE => "one",
        PluralCategory::TWO => "two",
        PluralCategory::FEW => "few",
        PluralCategory::MANY => "many",
        PluralCategory::OTHER => "other",
    }
}

/// The plural category of `n` in `lang` (for the server; the widget asks
/// the browser).
pub fn plural_category(lang: &str, n: u64) -> &'static str {
    rules(lang).select(n).map_or("other", name)
}

/// Compiles one language's Fluent source into its messages, checking each
/// on its own (not yet against English).
fn messages(lang: &str, source: &str) -> Result<BTreeMap<String, Message>, Vec<CompileError>> {
    let err = |id: &str, problem: String| CompileError { lang: lang.to_owned(), id: id.to_owned(), problem };
    let resource = fluent_syntax::parser::parse(source).map_err(|(_, errors)| {
        errors
            .iter()
            .map(|e| err(&format!("line {}", line_of(source, e.pos.start)), format!("{:?}", e.kind)))
            .collect::<Vec<_>>()
    })?;
    let allowed = categories(lang);
    let (mut out, mut errors) = (BTreeMap::new(), Vec::new());
    for entry in resource.body {
        let msg = match entry {
            Entry::Message(m) => m,
            Entry::Term(t) => {
                errors.push(err(&format!("-{}", t.id.name), "terms are not used by the widget".into()));
                continue;
            }
            Entry::Junk { content } => {
                errors.push(err(content.lines().next().unwrap_or_default(), "not valid Fluent".into()));
                continue;
            }
            _ => continue,
        };
        let id = msg.id.name;
        if !msg.attributes.is_empty() {
            errors.push(err(id, "attributes are not used by the widget".into()));
        }
        let Some(pattern) = msg.value else {
            errors.push(err(id, "has no text".into()));
            continue;
        };
        let mut m = Message::default();
        match flatten(&pattern, &allowed, &mut m) {
            Ok(()) if out.contains_key(id) => errors.push(err(id, "is defined twice".into())),
            Ok(()) => {
                out.insert(id.to_owned(), m);
            }
            Err(problem) => errors.push(err(id, problem)),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

fn line_of(source: &str, byte: usize) -> usize {
    source[..byte.min(source.len())].matches('\n').count() + 1
}

/// Fills `m` from a message's pattern: plain text with variables, or one
/// selection by plural category whose variants are plain text.
fn flatten(pattern: &Pattern<&str>, allowed: &[&str], m: &mut Message) -> Result<(), String> {
    let mut prefix = String::new();
    let mut select = None;
    let mut suffix = String::new();
    for element in &pattern.elements {
        let text = if select.is_some() { &mut suffix } else { &mut prefix };
        match element {
            PatternElement::TextElement { value } => text.push_str(value),
            PatternElement::Placeable { expression: Expression::Inline(e) } => inline(e, text, &mut m.variables)?,
            PatternElement::Placeable { expression: Expression::Select { selector, variants } } => {
                if select.is_some() {
                    return Err("only one selection per message".into());
                }
                let InlineExpression::VariableReference { id } = selector else {
                    return Err("a selection must be on a variable (a count)".into());
                };
                m.variables.insert(id.name.to_owned());
                select = Some(variants);
            }
        }
    }
    let Some(variants) = select else {
        m.variants.insert(None, prefix);
        return Ok(());
    };
    for v in variants {
        let key = match &v.key {
            VariantKey::Identifier { name } => *name,
            VariantKey::NumberLiteral { value } => {
                return Err(format!("[{value}]: use plural categories, not numbers"));
            }
        };
        if !allowed.contains(&key) {
            return Err(format!("[{key}] is not a plural category of this language (it has {})", allowed.join(", ")));
        }
        if v.default != (key == "other") {
            return Err("the default variant (*) must be [other]".into());
        }
        let mut text = prefix.clone();
        for element in &v.value.elements {
            match element {
                PatternElement::TextElement { value } => text.push_str(value),
                PatternElement::Placeable { expression: Expression::Inline(e) } => {
                    inline(e, &mut text, &mut m.variables)?
                }
                PatternElement::Placeable { .. } => return Err("a selection inside a selection".into()),
            }
        }
        text.push_str(&suffix);
        if m.variants.insert(Some(key.to_owned()), text).is_some() {
            return Err(format!("[{key}] appears twice"));
        }
    }
    let missing: Vec<&str> =
        allowed.iter().copied().filter(|c| !m.variants.contains_key(&Some((*c).to_owned()))).collect();
    if !missing.is_empty() {
        return Err(format!(
            "a count needs a variant for each category of this language; missing [{}]",
            missing.join("], [")
        ));
    }
    Ok(())
}

fn inline(e: &InlineExpression<&str>, text: &mut String, variables: &mut BTreeSet<String>) -> Result<(), String> {
    match e {
        InlineExpression::VariableReference { id } => {
            variables.insert(id.name.to_owned());
            text.push('{');
            text.push_str(id.name);
            text.push('}');
        }
        InlineExpression::StringLiteral { value } => text.push_str(&unescape(value)?),
        InlineExpression::NumberLiteral { value } => text.push_str(value),
        other => return Err(format!("only text and variables are supported, not {other:?}")),
    }
    Ok(())
}

/// A Fluent string literal's escapes: `\"`, `\\`, `\uXXXX`, `\UXXXXXX`.
fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(c @ ('"' | '\\')) => out.push(c),
            Some(u @ ('u' | 'U')) => {
                let hex: String = chars.by_ref().take(if u == 'u' { 4 } else { 6 }).collect();
                let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(c.ok_or_else(|| format!("bad escape \\{u}{hex}"))?);
            }
            other => return Err(format!("bad escape \\{}", other.unwrap_or(' '))),
        }
    }
    Ok(out)
}

/// Compiles one language's Fluent source into [`Texts`], checked on its own.
pub fn compile(lang: &str, source: &str) -> Result<Texts, Vec<CompileError>> {
    messages(lang, source).map(|m| texts(lang, m))
}

fn texts(lang: &str, messages: BTreeMap<String, Message>) -> Texts {
    let pairs = messages.into_iter().flat_map(|(id, m)| {
        m.variants.into_iter().map(move |(cat, text)| match cat {
            Some(c) => (format!("{id}[{c}]"), text),
            None => (id.clone(), text),
        })
    });
    Texts::new(lang, pairs)
}

/// Every language's texts, each checked against English.
#[derive(Debug, Clone)]
pub struct Catalogs {
    langs: Vec<Texts>,
}

impl Catalogs {
    /// Compiles and checks the built-in sources ([`SOURCES`]).
    pub fn load() -> Result<Self, Vec<CompileError>> {
        Self::from_sources(SOURCES)
    }

    /// Compiles `sources` (language, Fluent text) and checks each against
    /// English: the same ids, the same variables per message.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Self, Vec<CompileError>> {
        let mut errors = Vec::new();
        let mut compiled = Vec::new();
        for (lang, source) in sources {
            match messages(lang, source) {
                Ok(m) => compiled.push((*lang, m)),
                Err(e) => errors.extend(e),
            }
        }
        let english = compiled.iter().find(|(l, _)| *l == "en").map(|(_, m)| m);
        if let Some(en) = english {
            for (lang, m) in &compiled {
                let err =
                    |id: &str, problem: String| CompileError { lang: (*lang).to_owned(), id: id.to_owned(), problem };
                for (id, source) in en {
                    match m.get(id) {
                        None => errors.push(err(id, "is missing (English has it)".into())),
                        Some(t) if t.variables != source.variables => errors.push(err(
                            id,
                            format!("uses variables {:?}; English uses {:?}", t.variables, source.variables),
                        )),
                        Some(_) => {}
                    }
                }
                for id in m.keys().filter(|id| !en.contains_key(*id)) {
                    errors.push(err(id, "is not in English: a mistyped or removed id?".into()));
                }
            }
        } else {
            errors.push(CompileError { lang: "en".into(), id: String::new(), problem: "English is missing".into() });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self { langs: compiled.into_iter().map(|(lang, m)| texts(lang, m)).collect() })
    }

    /// The texts of `lang`, or English's when it is not one of [`LANGUAGES`].
    pub fn get(&self, lang: &str) -> &Texts {
        let find = |l: &str| self.langs.iter().find(|t| t.lang() == l);
        find(lang).or_else(|| find("en")).expect("English is always compiled")
    }

    /// Every language's texts.
    pub fn all(&self) -> impl Iterator<Item = &Texts> {
        self.langs.iter()
    }

    /// `lang`'s texts as the JSON object the widget fetches: id to text,
    /// sorted, so that the same catalog always has the same hash; the
    /// configurator's (`cfg-…`) are left out, as visitors never see them.
    pub fn json(&self, lang: &str) -> String {
        self.json_of(lang, |id| !id.starts_with(CONFIGURATOR))
    }

    /// `lang`'s texts for the configurator: its own, and the names of the
    /// topics and questions it offers.
    pub fn configurator_json(&self, lang: &str) -> String {
        self.json_of(lang, |id| {
            id.starts_with(CONFIGURATOR)
                || (id.starts_with("topic-") && !id.ends_with("-description"))
                || (id.starts_with("question-") && !id.ends_with("-hint"))
                || id == "consultation-name"
        })
    }

    fn json_of(&self, lang: &str, keep: impl Fn(&str) -> bool) -> String {
        let sorted: BTreeMap<&str, &str> = self.get(lang).iter().filter(|(id, _)| keep(id)).collect();
        serde_json::to_string(&sorted).expect("strings serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LANGUAGES;

    fn errors(sources: &[(&str, &str)]) -> Vec<String> {
        Catalogs::from_sources(sources).err().unwrap_or_default().iter().map(ToString::to_string).collect()
    }

    const EN: &str = "hello = Hello { $who }\nleft = { $n ->\n    [one] { $n } left\n   *[other] { $n } left\n}\n";

    #[test]
    fn every_language_has_every_message_with_the_same_variables() {
        let catalogs = Catalogs::load()
            .unwrap_or_else(|e| panic!("{}", e.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")));
        let en = catalogs.get("en");
        for lang in LANGUAGES {
            let t = catalogs.get(lang);
            assert_eq!(t.lang(), *lang);
            for (id, _) in en.iter().filter(|(id, _)| !id.contains('[')) {
                assert_ne!(t.get(id), *id, "{lang} lacks {id}");
            }
        }
    }

    #[test]
    fn no_translation_reads_the_same_as_english_unless_listed() {
        let catalogs = Catalogs::load().expect("catalogs compile");
        let en = catalogs.get("en");
        for t in catalogs.all().filter(|t| t.lang() != "en") {
            for (id, text) in t.iter() {
                // Punctuation around variables is not English.
                let words = text.split(['{', '}']).step_by(2).any(|part| part.chars().any(char::is_alphabetic));
                let allowed = SAME_AS_ENGLISH.contains(&(t.lang(), id)) || !words;
                assert!(allowed || en.get(id) != text, "{}: {id} is still English: {text:?}", t.lang());
            }
        }
    }

    #[test]
    fn a_missing_message_an_extra_one_and_changed_variables_are_reported() {
        let fr = "hello = Bonjour { $name }\nextra = En trop\n";
        let e = errors(&[("en", EN), ("fr", fr)]);
        assert!(e.iter().any(|e| e.contains("fr.ftl: left: is missing")), "{e:?}");
        assert!(e.iter().any(|e| e.contains("fr.ftl: extra: is not in English")), "{e:?}");
        assert!(e.iter().any(|e| e.contains("fr.ftl: hello: uses variables {\"name\"}")), "{e:?}");
    }

    #[test]
    fn plural_categories_must_be_the_languages_own_and_all_of_them() {
        let ru_partial = "hello = Привет { $who }\nleft = { $n ->\n    [one] { $n }\n   *[other] { $n }\n}\n";
        let e = errors(&[("en", EN), ("ru", ru_partial)]);
        assert!(e.iter().any(|e| e.contains("ru.ftl: left: a count needs a variant") && e.contains("[few]")), "{e:?}");
        let zh_one = "hello = 你好{ $who }\nleft = { $n ->\n    [one] { $n }\n   *[other] { $n }\n}\n";
        let e = errors(&[("en", EN), ("zh", zh_one)]);
        assert!(e.iter().any(|e| e.contains("zh.ftl: left: [one] is not a plural category")), "{e:?}");
        let numbers = "hello = Hi { $who }\nleft = { $n ->\n    [0] none\n   *[other] { $n }\n}\n";
        assert!(errors(&[("en", numbers)]).iter().any(|e| e.contains("use plural categories")));
    }

    #[test]
    fn broken_fluent_and_unsupported_constructs_are_reported_with_their_place() {
        let e = errors(&[("en", "hello = Hi { $who\n")]);
        assert!(e.iter().any(|e| e.starts_with("locales/en.ftl:")), "{e:?}");
        let e = errors(&[("en", "hello = Hi { -brand }\n")]);
        assert!(e.iter().any(|e| e.contains("only text and variables")), "{e:?}");
        let e = errors(&[("en", "hello = { \"a\" ->\n   *[other] x\n}\n")]);
        assert!(e.iter().any(|e| e.contains("must be on a variable")), "{e:?}");
    }

    #[test]
    fn flattened_texts_keep_literals_and_name_variables_plainly() {
        let t = compile("en", "a = Curly { \"{\" } and { \"\\u00A0\" }{ $x }\n").expect("compiles");
        assert_eq!(t.get("a"), "Curly { and \u{a0}{x}");
        let t = compile("en", EN).expect("compiles");
        assert_eq!(t.plural("left", "one", &[("n", "1")]), "1 left");
    }

    #[test]
    fn plural_categories_follow_cldr() {
        assert_eq!(plural_category("ru", 21), "one");
        assert_eq!(plural_category("ru", 3), "few");
        assert_eq!(plural_category("ru", 11), "many");
        assert_eq!(plural_category("ar", 0), "zero");
        assert_eq!(plural_category("ar", 2), "two");
        assert_eq!(plural_category("ar", 11), "many");
        assert_eq!(plural_category("zh", 1), "other");
        assert_eq!(categories("ar").len(), 6);
    }

    #[test]
    fn the_json_is_sorted_and_stable() {
        let c = Catalogs::from_sources(&[("en", EN)]).expect("compiles");
        assert_eq!(c.json("en"), r#"{"hello":"Hello {who}","left[one]":"{n} left","left[other]":"{n} left"}"#);
        assert_eq!(c.json("xx"), c.json("en"));
    }
}
