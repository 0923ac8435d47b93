//! Step 3: who is contributing (and, for a consultation they organised,
//! its event), their stakeholder group and country, optional contact.

use gdc_core::submission::KINDS;
use leptos::prelude::*;

use crate::app::ctx::Ctx;
use crate::app::fields::{CountryField, ErrorLine, RadioGroup, StakeholderField, StepHeading, TextField};
use crate::model::Step;

/// The submitter's fields; the event's only for a consultation.
#[component(transparent)]
pub fn AboutStep(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    view! {
        <StepHeading ctx=ctx step=Step::About />
        <RadioGroup ctx=ctx name="kind" legend="field-kind" values=KINDS
            get=|d| &d.kind set=|d, v| v.clone_into(&mut d.kind) />
        <ErrorLine ctx=ctx dom_id="gdc-kind" />
        <div class="gdc-event" hidden=move || ctx.draft.read().kind != "consultation">
            <TextField ctx=ctx dom_id="gdc-event-title" label="field-event-title" input_type="text" autocomplete="off"
                get=|d| d.event_title.clone() set=|d, v| d.event_title = v />
            <TextField ctx=ctx dom_id="gdc-event-date" label="field-event-date" input_type="date" autocomplete="off"
                get=|d| d.event_date.clone() set=|d, v| d.event_date = v />
            <TextField ctx=ctx dom_id="gdc-event-participants" label="field-event-participants" input_type="number"
                autocomplete="off" get=|d| d.event_participants.clone() set=|d, v| d.event_participants = v />
        </div>
        <StakeholderField ctx=ctx label="field-stakeholder" />
        <CountryField ctx=ctx label="field-country" />
        <TextField ctx=ctx dom_id="gdc-name" label="field-name" input_type="text" autocomplete="name"
            get=|d| d.name.clone() set=|d, v| d.name = v />
        <TextField ctx=ctx dom_id="gdc-organization" label="field-organization" input_type="text"
            autocomplete="organization" get=|d| d.organization.clone() set=|d, v| d.organization = v />
        <TextField ctx=ctx dom_id="gdc-email" label="field-email" input_type="email" autocomplete="email"
            get=|d| d.email.clone() set=|d, v| d.email = v />
    }
}
