//! What the visitor sees once the companion has answered for good: the
//! receipt with their reference, or a refusal with their text to copy.

use leptos::prelude::*;

use super::ctx::Ctx;
use super::delivery::Sender;
use crate::browser::net;
use crate::browser::storage::Queued;
use crate::delivery::Refusal;
use crate::model::form::{self, Go};

/// The acknowledgement: the contribution's reference and what happens next.
#[component(transparent)]
pub fn Receipt(
    /// The widget's shared state.
    ctx: Ctx,
    /// The contribution's id, the visitor's reference.
    reference: String,
) -> impl IntoView {
    view! {
        <section class="gdc-receipt" role="status" tabindex="-1">
            <h2 class="gdc-title">{ctx.tr("receipt-title")}</h2>
            <dl class="gdc-reference-line">
                <dt>{ctx.tr("receipt-reference")}</dt>
                <dd><code class="gdc-reference" dir="ltr">{reference}</code></dd>
            </dl>
            <p>{ctx.tr("receipt-next")}</p>
            <p>{ctx.tr("receipt-published")}</p>
            <form method=ctx.action().map(|_| "post") action=ctx.action()>
                <button type="submit" name=form::GO value=Go::StartOver.value() class="gdc-start-over"
                    on:click=move |ev| { ev.prevent_default(); ctx.start_over() }>
                    {ctx.tr("start-over")}
                </button>
            </form>
        </section>
    }
}

/// A refusal for good, in plain words: what happened, why, the visitor's
/// text to copy (read-only, so selectable, unlike a disabled field), and a
/// button to send it once more.
#[component(transparent)]
pub fn Refused(
    /// The widget's shared state.
    ctx: Ctx,
    /// The refused contribution, as kept on this device.
    queued: Queued,
    /// Sends it once more when the visitor asks.
    sender: Sender,
) -> impl IntoView {
    let reason = queued.refused.unwrap_or(Refusal::Other);
    let text = net::answers_in(&queued.body, ctx.config().consultation)
        .into_iter()
        .map(|(topic, question, text)| {
            format!("{}\n{}\n{text}\n", ctx.tr(&format!("topic-{topic}")), ctx.tr(&format!("question-{question}")))
        })
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <div class="gdc-refused">
            <div role="alert">
                <p class="gdc-refused-title" tabindex="-1"><strong>{ctx.tr("refused-title")}</strong></p>
                <p class="gdc-refused-reason">{ctx.tr(reason.key())}</p>
            </div>
            <p>{ctx.tr("refused-keep")}</p>
            <label for="gdc-refused-text">{ctx.tr("refused-text")}</label>
            <textarea id="gdc-refused-text" class="gdc-refused-text" dir="auto" readonly rows="6" prop:value=text></textarea>
            <button type="button" class="gdc-try-again" on:click=move |_| sender.try_again()>{ctx.tr("refused-try-again")}</button>
        </div>
    }
}
