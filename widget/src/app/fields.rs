//! The form controls the steps and the compact variant are built from, each
//! bound to one field of the draft, with its label, hint and error line.
//! They are small and used together, so they share this file; their
//! arguments are named props, so two texts cannot be swapped unnoticed.

use std::sync::Arc;

use gdc_core::submission::STAKEHOLDERS;
use leptos::prelude::*;

use super::ctx::Ctx;
use crate::browser::intl;
use crate::model::{Draft, Step, form};

/// A step's title, focused when the step opens.
#[component(transparent)]
pub fn StepHeading(
    /// The widget's shared state.
    ctx: Ctx,
    /// The step it names.
    step: Step,
) -> impl IntoView {
    view! { <h3 class="gdc-step-title" tabindex="-1">{ctx.tr(step.key())}</h3> }
}

/// The error shown under the control with this id, if any.
#[component(transparent)]
pub fn ErrorLine(
    /// The widget's shared state.
    ctx: Ctx,
    /// The element id of the control the error is about.
    #[prop(into)]
    dom_id: Arc<str>,
) -> impl IntoView {
    let id = format!("{dom_id}-error");
    view! { <p id=id class="gdc-error">{move || ctx.error(&dom_id)}</p> }
}

/// A text input bound to one field of the draft.
#[component(transparent)]
pub fn TextField(
    /// The widget's shared state.
    ctx: Ctx,
    /// The input's element id, also how errors find it.
    dom_id: &'static str,
    /// The catalog key of its label.
    label: &'static str,
    /// The input's `type` (`text`, `email`, `date`, `number`).
    input_type: &'static str,
    /// The input's `autocomplete` token.
    autocomplete: &'static str,
    /// Reads the field from the draft.
    get: fn(&Draft) -> String,
    /// Writes what was typed into the draft.
    set: fn(&mut Draft, String),
) -> impl IntoView {
    // Posted under the draft's own name for the field (`gdc-event-title`
    // is `event_title`); the value is written as an attribute too, for the
    // form the server renders.
    let name = dom_id.trim_start_matches("gdc-").replace('-', "_");
    view! {
        <div class="gdc-field">
            <label for=dom_id>{ctx.tr(label)}</label>
            <input id=dom_id name=name type=input_type autocomplete=autocomplete dir="auto" aria-invalid=ctx.invalid(dom_id)
                aria-describedby=format!("{dom_id}-error") value=get(&ctx.draft.read_untracked())
                prop:value=move || get(&ctx.draft.read())
                on:input=move |ev| {
                    set(&mut ctx.draft.write(), event_target_value(&ev));
                    if ctx.error(dom_id).is_some() { ctx.revalidate() }
                }
                on:blur=move |_| ctx.touch(dom_id) />
            <ErrorLine ctx=ctx dom_id=dom_id />
        </div>
    }
}

/// One free-text answer, with its hint, character counter and error.
#[component(transparent)]
pub fn AnswerField(
    /// The widget's shared state.
    ctx: Ctx,
    /// The topic answered on.
    topic: String,
    /// The question answered.
    question: &'static str,
    /// The most characters an answer may have.
    max: usize,
) -> impl IntoView {
    let dom_id: Arc<str> = format!("gdc-a-{topic}-{question}").into();
    let value = {
        let topic = topic.clone();
        move || ctx.draft.read().answer(&topic, question)
    };
    let name = format!("a.{topic}.{question}");
    // The server writes a textarea's text as it is (its children are raw
    // text in HTML): escaped here, or typed markup would close it. In the
    // browser it becomes a text node, which needs no escaping.
    let initial = if cfg!(feature = "ssr") { escape_text(&value()) } else { value() };
    let count = {
        let value = value.clone();
        move || ctx.count("characters-left", "left", max.saturating_sub(value().chars().count()))
    };
    view! {
        <div class="gdc-field">
            <label for=dom_id.to_string()>{ctx.tr(&format!("question-{question}"))}</label>
            <p id=format!("{dom_id}-hint") class="gdc-hint">{ctx.tr(&format!("question-{question}-hint"))}</p>
            <textarea id=dom_id.to_string() name=name rows="4" dir="auto" aria-invalid=ctx.invalid(dom_id.clone())
                aria-describedby=format!("{dom_id}-hint {dom_id}-count {dom_id}-error")
                prop:value=value
                on:input={
                    let dom_id = dom_id.clone();
                    move |ev| {
                        ctx.draft.write().set_answer(&topic, question, event_target_value(&ev));
                        if ctx.error(&dom_id).is_some() { ctx.revalidate() }
                    }
                }
                on:blur={
                    let dom_id = dom_id.clone();
                    move |_| ctx.touch(&dom_id)
                }>
                {initial}
            </textarea>
            <p id=format!("{dom_id}-count") class="gdc-counter">{count}</p>
            <ErrorLine ctx=ctx dom_id=dom_id />
        </div>
    }
}

/// The visitor's stakeholder group, chosen from the core's list.
#[component(transparent)]
pub fn StakeholderField(
    /// The widget's shared state.
    ctx: Ctx,
    /// The catalog key of its label (the compact variant's says "optional").
    label: &'static str,
) -> impl IntoView {
    let chosen = ctx.draft.read_untracked().stakeholder.clone();
    view! {
        <div class="gdc-field">
            <label for="gdc-stakeholder">{ctx.tr(label)}</label>
            <select id="gdc-stakeholder" name="stakeholder" aria-invalid=ctx.invalid("gdc-stakeholder") aria-describedby="gdc-stakeholder-error"
                prop:value=move || ctx.draft.read().stakeholder.clone()
                on:change=move |ev| { ctx.draft.write().stakeholder = event_target_value(&ev); ctx.touch("gdc-stakeholder") }>
                <option value="">{ctx.tr("choose")}</option>
                {STAKEHOLDERS.iter().map(|s| view! {
                    <option value=*s selected=*s == chosen>{ctx.tr(&format!("stakeholder-{s}"))}</option>
                }).collect_view()}
            </select>
            <ErrorLine ctx=ctx dom_id="gdc-stakeholder" />
        </div>
    }
}

/// A text box that filters the country names (in the visitor's language)
/// as one types; the draft holds the code of the name chosen.
#[component(transparent)]
pub fn CountryField(
    /// The widget's shared state.
    ctx: Ctx,
    /// The catalog key of its label (the compact variant's says "optional").
    label: &'static str,
) -> impl IntoView {
    let countries = ctx.countries();
    let (country_text, set_country_text) =
        signal(ctx.country_text.get_value().unwrap_or_else(|| ctx.country_name(&ctx.draft.read_untracked().country)));
    let lookup = countries.clone();
    view! {
        <div class="gdc-field">
            <label for="gdc-country">{ctx.tr(label)}</label>
            <p id="gdc-country-hint" class="gdc-hint">{ctx.tr("field-country-hint")}</p>
            <input id="gdc-country" name=form::COUNTRY_TEXT type="text" list="gdc-country-list" autocomplete="off" dir="auto"
                value=country_text.get_untracked()
                aria-invalid=ctx.invalid("gdc-country") aria-describedby="gdc-country-hint gdc-country-error"
                prop:value=move || country_text.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let code = intl::find_by_name(&ctx.lang(), &lookup, &text).map(str::to_owned);
                    set_country_text.set(text);
                    ctx.draft.write().country = code.unwrap_or_default();
                    if ctx.error("gdc-country").is_some() { ctx.revalidate() }
                }
                on:blur=move |_| ctx.touch("gdc-country") />
            <datalist id="gdc-country-list">
                {countries.iter().map(|(_, name)| view! { <option value=name.clone()></option> }).collect_view()}
            </datalist>
            <ErrorLine ctx=ctx dom_id="gdc-country" />
        </div>
    }
}

/// One choice among a few, as radio buttons labelled from the catalog
/// (`<name>.<value>`).
#[component(transparent)]
pub fn RadioGroup(
    /// The widget's shared state.
    ctx: Ctx,
    /// The inputs' `name`, the group's id (`gdc-<name>`) and the catalog
    /// prefix of the choices' labels.
    name: &'static str,
    /// The catalog key of the group's legend.
    legend: &'static str,
    /// The values to choose from.
    values: &'static [&'static str],
    /// Reads the chosen value from the draft.
    get: fn(&Draft) -> &String,
    /// Writes the chosen value into the draft.
    set: fn(&mut Draft, &str),
) -> impl IntoView {
    let group_id = format!("gdc-{name}");
    view! {
        <fieldset class="gdc-field" id=group_id.clone() aria-describedby=format!("{group_id}-error")>
            <legend>{ctx.tr(legend)}</legend>
            {values.iter().map(|value| {
                let id = format!("gdc-{name}-{value}");
                view! {
                    <div class="gdc-check">
                        <input type="radio" name=name id=id.clone() value=*value
                            checked=get(&ctx.draft.read_untracked()) == value
                            prop:checked=move || get(&ctx.draft.read()) == value
                            on:change=move |_| set(&mut ctx.draft.write(), value) />
                        <label for=id>{ctx.tr(&format!("{name}-{value}"))}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A yes-or-no choice bound to one field of the draft.
#[component(transparent)]
pub fn Checkbox(
    /// The widget's shared state.
    ctx: Ctx,
    /// The input's element id.
    dom_id: &'static str,
    /// The catalog key of its label.
    label: &'static str,
    /// The catalog key of a hint under it, if any.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Reads the field from the draft.
    get: fn(&Draft) -> bool,
    /// Writes the choice into the draft.
    set: fn(&mut Draft, bool),
) -> impl IntoView {
    let hint_id = format!("{dom_id}-hint");
    let name = dom_id.trim_start_matches("gdc-");
    view! {
        <div class="gdc-check gdc-field">
            // Unticked, a checkbox posts nothing: this says "no" first, and
            // a tick's "yes" after it is the value that counts.
            <input type="hidden" name=name value="false" />
            <input type="checkbox" id=dom_id name=name value="true" aria-describedby=hint.map(|_| hint_id.clone())
                checked=get(&ctx.draft.read_untracked())
                prop:checked=move || get(&ctx.draft.read())
                on:change=move |ev| set(&mut ctx.draft.write(), event_target_checked(&ev)) />
            <label for=dom_id>{ctx.tr(label)}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="gdc-hint">{ctx.tr(h)}</p> })}
        </div>
    }
}

/// `text` with `&` and `<` escaped, for the raw text of a `<textarea>`.
fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}
