//! The wire contract as JSON Schema, for the companion's OpenAPI document:
//! built from the same constants the parser checks against (languages,
//! kinds, stakeholder groups, countries, the consultation's topics,
//! questions and limits), so the document cannot drift from the rules.
//!
//! Rules that span fields (an event only for `kind: consultation`, an email
//! when `contact` is chosen, a name or organisation to credit, at least one
//! non-blank answer per topic, a real calendar date) are stated in the
//! descriptions and answered with 422 naming the field.

use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::consultation::GDC_2023;
use crate::countries::COUNTRY_CODES;
use crate::submission::{ATTRIBUTIONS, KINDS, LANGUAGES, STAKEHOLDERS};

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn one_of<'a>(values: impl IntoIterator<Item = &'a str>, description: &str) -> RefOr<Schema> {
    string().enum_values(Some(values)).description(Some(description)).into()
}

/// The canonical spelling of a UUIDv7: lower case, hyphenated.
pub const ID_PATTERN: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

pub fn id() -> RefOr<Schema> {
    string()
        .pattern(Some(ID_PATTERN))
        .description(Some(
            "A UUIDv7 made by the widget, in lower case with hyphens (no other spelling): the idempotency key.",
        ))
        .into()
}

pub fn consultation() -> RefOr<Schema> {
    one_of([GDC_2023.id], "The consultation this answers.")
}

pub fn site() -> RefOr<Schema> {
    string()
        .pattern(Some("^[a-z0-9_-]{1,64}$"))
        .description(Some("The partner's site key, as registered with the companion (else 403)."))
        .into()
}

pub fn lang() -> RefOr<Schema> {
    one_of(LANGUAGES.iter().copied(), "The language the contributor used (BCP 47).")
}

pub fn kind() -> RefOr<Schema> {
    one_of(KINDS.iter().copied(), "`consultation`: the outcome of a consultation the contributor organised.")
}

pub fn stakeholder() -> RefOr<Schema> {
    one_of(
        std::iter::once("").chain(STAKEHOLDERS.iter().copied()),
        "Stakeholder group; empty or absent only in the compact variant.",
    )
}

pub fn country() -> RefOr<Schema> {
    one_of(
        std::iter::once("").chain(COUNTRY_CODES.iter().copied()),
        "ISO 3166-1 alpha-2 code; empty or absent only in the compact variant.",
    )
}

pub fn name() -> RefOr<Schema> {
    string().max_length(Some(GDC_2023.limits.name_chars)).description(Some("Characters, not bytes.")).into()
}

pub fn email() -> RefOr<Schema> {
    string()
        .max_length(Some(GDC_2023.limits.email_chars))
        .pattern(Some(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"))
        .description(Some("Required when `consent.contact` is true; shown to organisers only then."))
        .into()
}

pub fn event_date() -> RefOr<Schema> {
    string().pattern(Some(r"^\d{4}-\d{2}-\d{2}$")).description(Some("A real calendar day, 1900 or later.")).into()
}

pub fn participants() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(GDC_2023.limits.max_participants))
        .into()
}

pub fn attribution() -> RefOr<Schema> {
    one_of(ATTRIBUTIONS.iter().copied(), "How a published contribution is credited.")
}

pub fn topic() -> RefOr<Schema> {
    one_of(GDC_2023.topics.iter().map(|t| t.id), "A topic id.")
}

/// One topic's answers: the topic and a text per question.
pub fn answer() -> RefOr<Schema> {
    let mut object = ObjectBuilder::new().property("topic", topic()).required("topic");
    for q in GDC_2023.questions {
        object = object.property(q.id, string().max_length(Some(GDC_2023.limits.answer_chars)));
    }
    object
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)))
        .min_properties(Some(2))
        .description(Some(
            "At least one answer must be non-blank. Lengths are in characters, not bytes. A topic appears once.",
        ))
        .into()
}

pub fn answers() -> RefOr<Schema> {
    ArrayBuilder::new().items(answer()).min_items(Some(1)).max_items(Some(GDC_2023.topics.len())).into()
}
