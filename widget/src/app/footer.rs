//! What both variants show under their fields: the honeypot, the notice
//! that a contribution is queued, and a refusal for good when there is one.

use leptos::prelude::*;

use super::ctx::{Ctx, Phase};
use super::delivery::Sender;
use super::receipt::Refused;

/// The honeypot and the sending notices.
#[component(transparent)]
pub fn FormFooter(
    /// The widget's shared state.
    ctx: Ctx,
    /// Sends the contribution again when a refused visitor asks.
    sender: Sender,
    /// Where the honeypot writes what a bot typed into it.
    set_honeypot: WriteSignal<String>,
) -> impl IntoView {
    view! {
        // Hidden from people and from assistive technology; bots fill it in.
        <div class="gdc-hp" aria-hidden="true">
            <label for="gdc-website">"Website (leave empty)"</label>
            <input id="gdc-website" name="website" type="text" tabindex="-1" autocomplete="off"
                on:input=move |ev| set_honeypot.set(event_target_value(&ev)) />
        </div>
        <p class="gdc-queued" role="status">
            {move || (ctx.phase.get() == Phase::Queued).then(|| ctx.tr("queued"))}
        </p>
        {move || match ctx.phase.get() {
            Phase::Refused(q) => Some(view! { <Refused ctx=ctx queued=q sender=sender /> }),
            _ => None,
        }}
    }
}
