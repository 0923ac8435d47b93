//! `docs/configuration.md`: every configuration key, generated from the
//! JSON Schema (schemars) of [`Config`]: the doc comments of its fields are
//! the descriptions, `Config::default()` gives the defaults, and the
//! environment variable is the key's path as `Config::load` reads it.
//!
//! Two types the configuration holds are defined elsewhere without a
//! schema (the site registry's `Site`, the central store's `Moderation`);
//! [`SiteEntry`] and [`ModerationValue`] describe them, and a test checks
//! that they name the same fields and values as the types themselves. That
//! test's deserializer, which only reads a type's field names, is why the
//! file runs past 400 lines.

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

use super::{cell, generated_notice};
use crate::config::{Config, TOP_LEVEL_KEYS};

// The keys of `crate::companion::sites::Site`.
/// One partner site allowed to embed the widget.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteEntry {
    /// The key partners put in `data-site`: 1 to 64 of `a-z`, `0-9`, `-`
    /// and `_`.
    pub key: String,
    /// Origins allowed to embed the widget (`frame-ancestors`) and post to
    /// the companion (CORS): `https://example.org`, or a port wildcard such
    /// as `http://localhost:*`.
    pub origins: Vec<String>,
    /// Topic ids this site may collect; empty means every topic.
    #[serde(default)]
    pub topics: Vec<String>,
    /// A disabled site is treated as unknown: no widget, no form token, and
    /// its submissions are refused (403).
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

// The values of `crate::central::Moderation`.
/// When a contribution whose author agreed to publication is shown in the
/// published feed.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ModerationValue {
    /// Once an organiser approved it (the default).
    Pre,
    /// As soon as it arrives, until an organiser hides it; a flagged one
    /// still waits for an approval.
    Post,
}

/// The configuration reference, as Markdown.
pub fn configuration_reference() -> String {
    let schema = schemars::schema_for!(Config).to_value();
    let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
    let mut sections = Vec::new();
    collect(&schema, &defs, &[], false, "Top level".to_owned(), String::new(), &mut sections);

    let mut out = String::from("# Configuration reference\n\n");
    out.push_str(&generated_notice("the configuration types in `server/src/config.rs`"));
    out.push('\n');
    out.push_str(PREAMBLE);
    for section in sections {
        out.push_str(&format!("\n## {}\n\n", section.heading));
        if !section.intro.is_empty() {
            out.push_str(&section.intro.split_whitespace().collect::<Vec<_>>().join(" "));
            out.push_str("\n\n");
        }
        out.push_str("| key | environment variable | type | default | description |\n|---|---|---|---|---|\n");
        for row in section.rows {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                row.key,
                row.env.map_or_else(|| "—".to_owned(), |e| format!("`{e}`")),
                cell(&row.kind),
                cell(&row.default),
                cell(&row.description)
            ));
        }
    }
    out
}

const PREAMBLE: &str = "\
Every key `gdc-server` reads, generated from its configuration types. The \
layers, later ones winning:

1. the defaults below;
2. the TOML file given with `--config FILE` (or `GDC_CONFIG`); a commented \
sample is in [server/gdc-server.sample.toml](../server/gdc-server.sample.toml);
3. `GDC_…` environment variables, named in the tables: the key's path in upper \
case, a double underscore going one table down (`GDC_COMPANION__BATCH_SIZE` \
sets `batch_size` in `[companion]`). A value is read as a TOML value when it \
is one (`120`, `true`, `[\"10.0.0.1\"]`), else as a string;
4. the flags `--addr`, `--data-dir` and `--assets-dir` of `gdc-server \
companion`, `central` and `serve`.

Unknown keys are refused. `gdc-server check-config --config FILE` reads a \
file with the environment and reports every problem in it without starting \
anything; `gdc-server reference configuration` prints this page for the \
binary at hand.

Durations are whole milliseconds. Keys typed *secret* are never written to \
logs. Give each a long random value of its own (for example the output of \
`openssl rand -hex 32`), keep it out of version control (in an environment \
variable, or a file only the service can read), and never reuse the \
sample's `change-me-…` placeholders: they are refused.
";

/// One table of the reference: a TOML table, or an array of tables.
struct Section {
    heading: String,
    intro: String,
    rows: Vec<Row>,
}

struct Row {
    key: String,
    env: Option<String>,
    kind: String,
    default: String,
    description: String,
}

/// Adds the section for `object` (a table whose keys start with `path`)
/// to `sections`, then the sections of the tables it holds.
fn collect(
    object: &Value,
    defs: &Value,
    path: &[String],
    in_array: bool,
    heading: String,
    intro: String,
    sections: &mut Vec<Section>,
) {
    let required: Vec<&str> =
        object.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let mut rows = Vec::new();
    let mut tables = Vec::new();
    for (name, property) in object.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let mut key_path = path.to_vec();
        key_path.push(name.clone());
        let target = resolve(property, defs);
        if is_table(target) {
            // A table of its own: described by its section.
            let description = join(&[text(property, "description"), text(target, "description")]);
            tables.push((key_path, false, target, description));
            continue;
        }
        let item = target.get("items").map(|i| resolve(i, defs));
        let array_of_tables = item.is_some_and(is_table);
        let env = (!in_array && TOP_LEVEL_KEYS.contains(&key_path[0].as_str()))
            .then(|| format!("GDC_{}", key_path.join("__").to_ascii_uppercase()));
        let secret = is_secret(property, defs);
        let mut kind = if array_of_tables { "list of tables (below)".to_owned() } else { kind_of(property, defs) };
        if secret {
            kind.push_str(", secret");
        }
        if required.contains(&name.as_str()) {
            kind.push_str(", required");
        }
        let default = match property.get("default") {
            Some(value) => default_text(value, target),
            None if required.contains(&name.as_str()) => "—".to_owned(),
            None if secret => "unset".to_owned(),
            None => "none".to_owned(),
        };
        let key = if in_array { format!("{}[].{name}", path.join(".")) } else { key_path.join(".") };
        rows.push(Row { key, env, kind, default, description: text(property, "description") });
        if let Some(item) = item.filter(|i| is_table(i)) {
            // Its section says what one entry is; the row above, the list.
            tables.push((key_path, true, item, String::new()));
        }
    }
    sections.push(Section { heading, intro, rows });
    for (key_path, array, table, description) in tables {
        let dotted = key_path.join(".");
        let (heading, intro) = if array {
            let env = (!in_array && TOP_LEVEL_KEYS.contains(&key_path[0].as_str()))
                .then(|| format!("GDC_{}", key_path.join("__").to_ascii_uppercase()));
            let how = match env {
                Some(env) => format!(
                    " Each entry is a `[[{dotted}]]` table in the file; `{env}` replaces the whole list with a TOML \
                     array of inline tables."
                ),
                None => format!(" Each entry is a `[[{dotted}]]` table in the file (no environment variable)."),
            };
            (format!("`[[{dotted}]]`"), text(table, "description") + &how)
        } else {
            (format!("`[{dotted}]`"), description)
        };
        collect(table, defs, &key_path, in_array || array, heading, intro, sections);
    }
}

/// The schema `value` stands for: itself, or the definition it refers to.
fn resolve<'a>(value: &'a Value, defs: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        Some(name) => defs.get(name).unwrap_or(value),
        None => value,
    }
}

fn is_table(schema: &Value) -> bool {
    schema.get("properties").is_some()
}

/// Whether a field holds a [`crate::config::Secret`], optional or not.
fn is_secret(property: &Value, defs: &Value) -> bool {
    let variants = property.get("anyOf").and_then(Value::as_array).cloned().unwrap_or_default();
    std::iter::once(property)
        .chain(variants.iter())
        .any(|v| resolve(v, defs).get("x-secret").and_then(Value::as_bool).unwrap_or(false))
}

/// The type of a value, in words.
fn kind_of(schema: &Value, defs: &Value) -> String {
    let schema = resolve(schema, defs);
    if let Some(variants) = schema.get("anyOf").and_then(Value::as_array) {
        let kinds: Vec<String> =
            variants.iter().filter(|v| v.get("type") != Some(&Value::from("null"))).map(|v| kind_of(v, defs)).collect();
        return kinds.join(" or ");
    }
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        let values: Vec<String> =
            variants.iter().filter_map(|v| v.get("const")).map(|c| format!("`{c}`")).collect::<Vec<_>>();
        return values.join(" or ");
    }
    let kind = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        Some(Value::String(t)) => t.as_str(),
        _ => "any",
    };
    match kind {
        "string" if schema.get("format").and_then(Value::as_str) == Some("ip") => "IP address".to_owned(),
        "integer" if schema.get("x-unit").is_some() => {
            format!("integer ({})", text(schema, "x-unit"))
        }
        "array" => {
            let item = schema.get("items").map_or_else(|| "value".to_owned(), |i| kind_of(i, defs));
            let plural = if item.ends_with('s') { format!("{item}es") } else { format!("{item}s") };
            format!("list of {plural}")
        }
        "object" => "table".to_owned(),
        other => other.to_owned(),
    }
}

/// A default as it would be written in the TOML file.
fn default_text(value: &Value, schema: &Value) -> String {
    match value {
        Value::Null => "unset".to_owned(),
        Value::Number(n) if schema.get("x-unit").is_some() => {
            let n = n.as_u64().unwrap_or(0);
            match text(schema, "x-unit").as_str() {
                "ms" => format!(
                    "`{n}` ({})",
                    in_words(
                        n,
                        &[(86_400_000, "day"), (3_600_000, "hour"), (60_000, "minute"), (1_000, "s"), (1, "ms")]
                    )
                ),
                "bytes" => format!(
                    "`{n}` ({})",
                    in_words(n, &[(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"), (1, "B")])
                ),
                _ => format!("`{n}`"),
            }
        }
        other => format!("`{other}`"),
    }
}

/// `n` in the largest unit that divides it: `7 days`, `30 s`, `2 GiB`.
fn in_words(n: u64, units: &[(u64, &str)]) -> String {
    let (size, unit) = units
        .iter()
        .find(|(size, _)| n.is_multiple_of(*size) && n >= *size)
        .copied()
        .unwrap_or((1, units[units.len() - 1].1));
    let count = n / size;
    // Words take a plural; symbols (`s`, `GiB`) do not.
    let plural = if count != 1 && matches!(unit, "day" | "hour" | "minute") { "s" } else { "" };
    format!("{count} {unit}{plural}")
}

fn text(schema: &Value, key: &str) -> String {
    schema.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// Sentences, skipping empty ones, one space apart.
fn join(parts: &[String]) -> String {
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field names a `Deserialize` type asks for, or the variant names
    /// of an enum: what the derive passes to the deserializer.
    fn names<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
        struct Spy;
        #[derive(Debug)]
        struct Names(Vec<&'static str>);
        impl std::fmt::Display for Names {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:?}", self.0)
            }
        }
        impl std::error::Error for Names {}
        impl serde::de::Error for Names {
            fn custom<M: std::fmt::Display>(_: M) -> Self {
                Names(Vec::new())
            }
        }
        impl<'de> serde::Deserializer<'de> for Spy {
            type Error = Names;
            fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Names> {
                Err(Names(Vec::new()))
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Names> {
                Err(Names(fields.to_vec()))
            }
            fn deserialize_enum<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                variants: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Names> {
                Err(Names(variants.to_vec()))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
                unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
            }
        }
        match T::deserialize(Spy) {
            Err(Names(names)) => names,
            Ok(_) => unreachable!("the spy gives no value"),
        }
    }

    #[test]
    fn the_described_types_have_the_fields_and_values_of_the_real_ones() {
        assert_eq!(names::<SiteEntry>(), names::<crate::companion::sites::Site>());
        assert_eq!(names::<ModerationValue>(), names::<crate::central::Moderation>());
        assert!(names::<SiteEntry>().contains(&"origins"), "the spy reads field names");
    }

    #[test]
    fn every_key_of_the_sample_configuration_is_in_the_reference() {
        let reference = configuration_reference();
        let sample: toml::Table =
            toml::from_str(include_str!("../../gdc-server.sample.toml")).expect("the sample is TOML");
        let mut keys = Vec::new();
        flatten(&sample, "", &mut keys);
        assert!(keys.len() > 30, "{keys:?}");
        for key in keys {
            assert!(reference.contains(&format!("| `{key}` |")), "{key} is not in the configuration reference");
        }
    }

    fn flatten(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
        for (name, value) in table {
            let key = format!("{prefix}{name}");
            match value {
                toml::Value::Table(inner) => flatten(inner, &format!("{key}."), out),
                toml::Value::Array(items) if items.iter().all(toml::Value::is_table) && !items.is_empty() => {
                    out.push(key.clone());
                    for item in items.iter().filter_map(toml::Value::as_table) {
                        flatten(item, &format!("{key}[]."), out);
                    }
                }
                _ => out.push(key),
            }
        }
    }

    #[test]
    fn secrets_are_marked_and_have_no_default_value() {
        let reference = configuration_reference();
        for key in ["companion.token", "central.admin_token", "abuse.token_secret", "central.companions[].token"] {
            let row = reference.lines().find(|l| l.starts_with(&format!("| `{key}` |"))).expect(key);
            assert!(row.contains("secret"), "{row}");
            assert!(!row.contains("change-me"), "{row}");
        }
    }

    #[test]
    fn environment_variables_are_the_ones_config_load_reads() {
        let reference = configuration_reference();
        let row = |key: &str| reference.lines().find(|l| l.starts_with(&format!("| `{key}` |"))).unwrap().to_owned();
        assert!(row("companion.batch_size").contains("`GDC_COMPANION__BATCH_SIZE`"));
        assert!(row("limits.trusted_proxies").contains("`GDC_LIMITS__TRUSTED_PROXIES`"));
        assert!(row("sites").contains("| — |"), "sites are read from the file only");
        assert!(row("sites[].key").contains("| — |"));
        let env = [("GDC_COMPANION__BATCH_SIZE".to_owned(), "7".to_owned())];
        assert_eq!(Config::load(None, env).unwrap().companion.batch_size, 7);
    }
}
