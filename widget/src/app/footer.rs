//! What both variants show under their fields: the honeypot, the notice
//! that a contribution is queued, a refusal for good when there is one,
//! and, in a form the server rendered, the fields it carries along.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ctx::Post;
use super::ctx::{Ctx, Phase};
use super::delivery::Sender;
use super::receipt::Refused;
#[cfg(feature = "ssr")]
use crate::model::{Variant, form};

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
        {carried(ctx)}
        <p class="gdc-queued" role="status">
            {move || match ctx.phase.get() {
                Phase::Queued => Some(ctx.tr("queued")),
                // Posted without the Wasm, and not taken yet: said by the server.
                _ => ctx.post.with_value(|p| p.as_ref().and_then(|p| p.notice)).map(|id| ctx.tr(id)),
            }}
        </p>
        {move || match ctx.phase.get() {
            Phase::Refused(q) => Some(view! { <Refused ctx=ctx queued=q sender=sender /> }),
            _ => None,
        }}
    }
}

/// The hidden fields of a form the server renders; nothing in the Wasm,
/// which never renders one.
#[cfg(feature = "ssr")]
fn carried(ctx: Ctx) -> impl IntoView {
    ctx.post.get_value().map(|post| view! { <Carried ctx=ctx post=post /> })
}

#[cfg(not(feature = "ssr"))]
fn carried(_: Ctx) {}

/// What a server-rendered form posts besides its visible fields: the
/// contribution's id (made once per form, so sending twice stores it once),
/// the step on display, the form token, and the draft's fields that other
/// steps show.
#[cfg(feature = "ssr")]
#[component(transparent)]
fn Carried(
    /// The widget's shared state.
    ctx: Ctx,
    /// How the form posts.
    post: Post,
) -> impl IntoView {
    let step = ctx.step.get_untracked();
    let mut fields = vec![
        (form::ID.to_owned(), ctx.id.get_untracked()),
        (form::STEP.to_owned(), step.name().to_owned()),
        (form::TOKEN.to_owned(), post.token.unwrap_or_default()),
    ];
    if ctx.config().variant == Variant::Full {
        fields.extend(form::carried(&ctx.draft.read_untracked(), step));
    }
    fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()
}
