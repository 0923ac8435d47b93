//! The compact variant, for an article page: one question on the
//! webmaster's first topic, with stakeholder group and country optional.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::ctx::Ctx;
use super::delivery::Sender;
use super::fields::{AnswerField, Checkbox, CountryField, StakeholderField};
use super::footer::FormFooter;
use crate::model::form::{self, Go};

/// The one-question form, sent as it is (no steps).
#[component(transparent)]
pub fn CompactForm(
    /// The widget's shared state.
    ctx: Ctx,
    /// Sends the contribution (and again after a refusal).
    sender: Sender,
    /// Where the honeypot writes what a bot typed into it.
    set_honeypot: WriteSignal<String>,
) -> impl IntoView {
    let config = ctx.config();
    let (topic, question, max) = (config.compact_topic(), config.question, config.consultation.limits.answer_chars);
    ctx.draft.write().toggle_topic(topic, true, &config);
    view! {
        <form class="gdc-form gdc-compact" id=form::FORM_ID novalidate method=ctx.action().map(|_| "post") action=ctx.action() on:submit=move |ev: SubmitEvent| { ev.prevent_default(); sender.send() }>
            <h2 class="gdc-title">{ctx.tr(&format!("topic-{topic}"))}</h2>
            <AnswerField ctx=ctx topic=topic.to_owned() question=question max=max />
            <div class="gdc-row">
                <StakeholderField ctx=ctx label="field-stakeholder-optional" />
                <CountryField ctx=ctx label="field-country-optional" />
            </div>
            <Checkbox ctx=ctx dom_id="gdc-publish" label="field-publish-anonymous"
                get=|d| d.publish set=|d, v| d.publish = v />
            <FormFooter ctx=ctx sender=sender set_honeypot=set_honeypot />
            <button type="submit" name=form::GO value=Go::Send.value() class="gdc-submit" aria-disabled=move || ctx.sending().to_string()>
                {move || ctx.submit_label()}
            </button>
        </form>
    }
}
