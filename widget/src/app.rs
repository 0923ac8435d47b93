//! The form. State lives in plain model types ([`crate::model`]); this file
//! only binds them to the DOM.

use gdc_core::FieldError;
use gdc_core::submission::STAKEHOLDERS;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::{self, Outcome};
use crate::i18n::t;
use crate::model::{Draft, Field, WidgetConfig};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Editing,
    Sending,
    Done(String),
    Failed,
}

/// The whole widget, bound to the element it is mounted in (events go there).
pub fn app(config: WidgetConfig, host: web_sys::HtmlElement) -> impl IntoView {
    let lang = StoredValue::new(config.lang.clone());
    let tr = move |key: &str| lang.with_value(|l| t(l, key));
    let (draft, set_draft) = signal(Draft::default());
    let (errors, set_errors) = signal(Vec::<FieldError>::new());
    let (phase, set_phase) = signal(Phase::Editing);
    // Made once per form: retries of the same contribution reuse it, so the
    // companion stores it once whatever happens on the network.
    let id = StoredValue::new(browser::new_id());
    // The form token dates the form's loading; the companion takes a form
    // sent within seconds of it for a bot.
    let (token, set_token) = signal(browser::page_token());
    if token.get_untracked().is_none() {
        let site = config.site.clone();
        spawn_local(async move { set_token.set(browser::fetch_token(&site).await) });
    }
    // Hidden from people and from assistive technology; bots fill it in.
    let (honeypot, set_honeypot) = signal(String::new());
    let config = StoredValue::new(config);
    let host = StoredValue::new_local(host);

    let error_text = move |field: Field| {
        errors.with(|es| {
            es.iter()
                .find(|e| Field::from_wire_path(&e.field) == Some(field))
                .map(|e| tr(&format!("error.{}", e.code.as_str())))
        })
    };
    let invalid = move |field: Field| error_text(field).is_some().to_string();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if phase.get_untracked() == Phase::Sending {
            return;
        }
        let checked = config.with_value(|c| draft.with_untracked(|d| d.check(&id.get_value(), c)));
        match checked {
            Err(e) => {
                set_errors.set(e.0);
                browser::focus_first_invalid(host.get_value());
            }
            Ok(wire) => {
                set_errors.set(Vec::new());
                set_phase.set(Phase::Sending);
                spawn_local(async move {
                    let token = token.get_untracked().unwrap_or_default();
                    match browser::send("/v1/submissions", &wire, &token, &honeypot.get_untracked()).await {
                        Outcome::Arrived => {
                            browser::emit(&host.get_value(), "gdc:submitted", &[("id", &wire.id)]);
                            set_phase.set(Phase::Done(wire.id));
                        }
                        Outcome::Invalid(e) => {
                            set_errors.set(e);
                            set_phase.set(Phase::Editing);
                            browser::focus_first_invalid(host.get_value());
                        }
                        Outcome::Failed(why) => {
                            browser::log_error(&format!("gdc: submission failed: {why}"));
                            browser::emit(&host.get_value(), "gdc:error", &[("code", "network")]);
                            set_phase.set(Phase::Failed);
                        }
                    }
                });
            }
        }
    };

    let topics = config.with_value(|c| c.topics.clone());
    let countries = lang.with_value(|l| browser::countries(l));

    let form = view! {
        <form class="gdc-form" novalidate on:submit=on_submit>
            <h2 class="gdc-title">{tr("form.title")}</h2>
            <p class="gdc-intro">{tr("form.intro")}</p>
            <p class="gdc-summary" role="alert">
                {move || (!errors.with(Vec::is_empty)).then(|| tr("errors.summary"))}
            </p>

            <div class="gdc-field">
                <label for="gdc-topic">{tr("field.topic")}</label>
                <select id="gdc-topic" name="topic" aria-invalid=move || invalid(Field::Topic)
                    aria-describedby="gdc-topic-error"
                    on:change=move |ev| set_draft.update(|d| d.topic = event_target_value(&ev))>
                    <option value="">{tr("choose")}</option>
                    {topics.into_iter().map(|id| view! {
                        <option value=id>{tr(&format!("topic.{id}"))}</option>
                    }).collect_view()}
                </select>
                <p id="gdc-topic-error" class="gdc-error">{move || error_text(Field::Topic)}</p>
            </div>

            <div class="gdc-field">
                <label for="gdc-principles">{tr("field.principles")}</label>
                <p id="gdc-principles-hint" class="gdc-hint">{tr("field.principles.hint")}</p>
                <textarea id="gdc-principles" name="principles" rows="5"
                    aria-invalid=move || invalid(Field::Principles)
                    aria-describedby="gdc-principles-hint gdc-principles-error"
                    prop:value=move || draft.with(|d| d.principles.clone())
                    on:input=move |ev| set_draft.update(|d| d.principles = event_target_value(&ev))>
                </textarea>
                <p id="gdc-principles-error" class="gdc-error">{move || error_text(Field::Principles)}</p>
            </div>

            <div class="gdc-field">
                <label for="gdc-stakeholder">{tr("field.stakeholder")}</label>
                <select id="gdc-stakeholder" name="stakeholder" aria-invalid=move || invalid(Field::Stakeholder)
                    aria-describedby="gdc-stakeholder-error"
                    on:change=move |ev| set_draft.update(|d| d.stakeholder = event_target_value(&ev))>
                    <option value="">{tr("choose")}</option>
                    {STAKEHOLDERS.iter().map(|s| view! {
                        <option value=*s>{tr(&format!("stakeholder.{s}"))}</option>
                    }).collect_view()}
                </select>
                <p id="gdc-stakeholder-error" class="gdc-error">{move || error_text(Field::Stakeholder)}</p>
            </div>

            <div class="gdc-field">
                <label for="gdc-country">{tr("field.country")}</label>
                <select id="gdc-country" name="country" autocomplete="country"
                    aria-invalid=move || invalid(Field::Country)
                    aria-describedby="gdc-country-error"
                    on:change=move |ev| set_draft.update(|d| d.country = event_target_value(&ev))>
                    <option value="">{tr("choose")}</option>
                    {countries.into_iter().map(|(code, name)| view! {
                        <option value=code>{name}</option>
                    }).collect_view()}
                </select>
                <p id="gdc-country-error" class="gdc-error">{move || error_text(Field::Country)}</p>
            </div>

            <div class="gdc-hp" aria-hidden="true">
                <label for="gdc-website">"Website (leave empty)"</label>
                <input id="gdc-website" name="website" type="text" tabindex="-1" autocomplete="off"
                    on:input=move |ev| set_honeypot.set(event_target_value(&ev)) />
            </div>

            <p class="gdc-failed" role="alert">
                {move || (phase.get() == Phase::Failed).then(|| tr("failed"))}
            </p>
            <button type="submit" class="gdc-submit" aria-disabled=move || (phase.get() == Phase::Sending).to_string()>
                {move || if phase.get() == Phase::Sending { tr("sending") } else { tr("submit") }}
            </button>
        </form>
    };

    let done = move || matches!(phase.get(), Phase::Done(_));
    view! {
        <div hidden=done>{form}</div>
        {move || match phase.get() {
            Phase::Done(reference) => Some(view! {
                <section class="gdc-receipt" role="status" tabindex="-1">
                    <h2 class="gdc-title">{tr("receipt.title")}</h2>
                    <p>{tr("receipt.reference")}": "<code class="gdc-reference">{reference}</code></p>
                    <p>{tr("receipt.next")}</p>
                </section>
            }),
            _ => None,
        }}
    }
}
