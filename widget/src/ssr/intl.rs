//! What the browser's `Intl` gives the Wasm (`crate::browser::intl`), for
//! the server's rendering of the same views: the same functions, from
//! ICU4X's compiled CLDR data, so a form rendered by the companion names
//! countries, counts and dates as the browser will once the Wasm takes over.

use icu_collator::Collator;
use icu_collator::options::CollatorOptions;
use icu_decimal::DecimalFormatter;
use icu_experimental::displaynames::DisplayNamesOptions;
use icu_experimental::displaynames::multi::{LanguageDisplayNames, RegionDisplayNames};
use icu_locale_core::Locale;
use icu_locale_core::subtags::{Language, Region};
use icu_plurals::{PluralCategory, PluralRules};

fn locale(lang: &str) -> Locale {
    lang.parse().unwrap_or(Locale::UNKNOWN)
}

/// A count in the locale's digits and grouping.
pub fn number(lang: &str, n: usize) -> String {
    match DecimalFormatter::try_new(locale(lang).into(), Default::default()) {
        Ok(f) => f.format(&icu_decimal::input::Decimal::from(n as u64)).to_string(),
        Err(_) => n.to_string(),
    }
}

/// The CLDR plural category of the count `n` in `lang`.
pub fn plural_category(lang: &str, n: usize) -> String {
    let Ok(rules) = PluralRules::try_new_cardinal(locale(lang).into()) else {
        return "other".into();
    };
    match rules.category_for(n as u64) {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
    .into()
}

/// A calendar date (`YYYY-MM-DD`, or the date of an RFC 3339 time) as the
/// locale writes it in full; the text itself when it is not a date.
pub fn date(lang: &str, text: &str) -> String {
    use icu_datetime::DateTimeFormatter;
    use icu_datetime::fieldsets::YMD;
    let day = text.get(..10).unwrap_or(text);
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (Some(Some(y)), Some(Some(m)), Some(Some(d))) = (parts.next(), parts.next(), parts.next()) else {
        return text.to_owned();
    };
    let (Ok(m), Ok(d)) = (u8::try_from(m), u8::try_from(d)) else { return text.to_owned() };
    let Ok(date) = icu_calendar::Date::try_new_iso(y, m, d) else { return text.to_owned() };
    match DateTimeFormatter::try_new(locale(lang).into(), YMD::long()) {
        Ok(f) => f.format(&date).to_string(),
        Err(_) => text.to_owned(),
    }
}

/// `code`'s name in its own language (`العربية`, `français`).
pub fn autonym(code: &str) -> String {
    let Ok(language) = code.parse::<Language>() else { return code.to_owned() };
    LanguageDisplayNames::try_new(locale(code).into(), DisplayNamesOptions::default())
        .ok()
        .and_then(|names| names.of(language).map(str::to_owned))
        .unwrap_or_else(|| code.to_owned())
}

/// Country codes with their names in `lang`, sorted by name in that
/// language's collation. Made once per language and kept: every post and
/// every "about you" step asks for them.
pub fn countries(lang: &str) -> Vec<(&'static str, String)> {
    type Lists = std::collections::HashMap<String, Vec<(&'static str, String)>>;
    static MADE: std::sync::Mutex<Option<Lists>> = std::sync::Mutex::new(None);
    let mut made = MADE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    made.get_or_insert_with(Lists::new).entry(lang.to_owned()).or_insert_with(|| sorted_countries(lang)).clone()
}

fn sorted_countries(lang: &str) -> Vec<(&'static str, String)> {
    let names = RegionDisplayNames::try_new(locale(lang).into(), DisplayNamesOptions::default()).ok();
    let mut list: Vec<(&'static str, String)> = gdc_core::countries::COUNTRY_CODES
        .iter()
        .map(|code| {
            let name = code.parse::<Region>().ok().and_then(|r| names.as_ref()?.of(r)).map(str::to_owned);
            (*code, name.unwrap_or_else(|| (*code).to_owned()))
        })
        .collect();
    if let Ok(collator) = Collator::try_new(locale(lang).into(), CollatorOptions::default()) {
        list.sort_by(|a, b| collator.compare(&a.1, &b.1));
    }
    list
}

/// `text` without case, accents or surrounding space (`Côte d’Ivoire` and
/// `cote d’ivoire` fold alike), as the browser's folding does.
pub fn fold(_lang: &str, text: &str) -> String {
    let decomposed = icu_normalizer::DecomposingNormalizerBorrowed::new_nfd().normalize(text.trim());
    decomposed.chars().filter(|c| !is_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// Whether `c` is a mark (general category M), which folding drops.
fn is_mark(c: char) -> bool {
    use icu_properties::CodePointMapData;
    use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
    GeneralCategoryGroup::Mark.contains(CodePointMapData::<GeneralCategory>::new().get(c))
}

/// The code whose name matches `text`, ignoring case, accents and
/// surrounding space.
pub fn find_by_name(lang: &str, list: &[(&'static str, String)], text: &str) -> Option<&'static str> {
    let wanted = fold(lang, text);
    list.iter().find(|(_, name)| fold(lang, name) == wanted).map(|(code, _)| *code)
}
