//! The full variant: the five steps with their progress, "Back", "Next"
//! (then "Send") and "Start over".

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::ctx::Ctx;
use super::delivery::Sender;
use super::footer::FormFooter;
use super::steps::{AboutStep, AnswersStep, PrivacyStep, ReviewStep, TopicsStep};
use crate::model::Step;
use crate::model::form::{self, Go};

/// The stepper form; "Next" checks the step, "Send" the whole draft.
#[component(transparent)]
pub fn FullForm(
    /// The widget's shared state.
    ctx: Ctx,
    /// Sends the contribution (and again after a refusal).
    sender: Sender,
    /// Where the honeypot writes what a bot typed into it.
    set_honeypot: WriteSignal<String>,
) -> impl IntoView {
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if ctx.step.get_untracked() == Step::Review { sender.send() } else { ctx.next() }
    };
    // Where the main button goes: on, or (on the last step) off to be sent.
    let forward = move || if ctx.step.get() == Step::Review { Go::Send.value() } else { Go::Next.value() };
    let progress = move || {
        let (n, total) = (ctx.number(ctx.step.get().index() + 1), ctx.number(Step::ALL.len()));
        ctx.tr_with("progress", &[("n", &n), ("total", &total)])
    };
    view! {
        <form class="gdc-form" id=form::FORM_ID novalidate method=ctx.action().map(|_| "post") action=ctx.action() on:submit=on_submit>
            <h2 class="gdc-title">{ctx.tr("form-title")}</h2>
            <nav class="gdc-progress" aria-label=move || ctx.tr("progress-label")>
                <p class="gdc-progress-text">{progress}</p>
                <ol class="gdc-steps">
                    {Step::ALL.iter().map(|s| {
                        let s = *s;
                        view! {
                            <li aria-current=move || (ctx.step.get() == s).then_some("step")
                                class=move || { if ctx.step.get().index() > s.index() { "gdc-done" } else { "" } }>
                                {ctx.tr(s.key())}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </nav>
            <p class="gdc-summary" role="alert">
                {move || (!ctx.errors.read().is_empty()).then(|| ctx.tr("errors-summary"))}
            </p>
            {move || match ctx.step.get() {
                Step::Topics => view! { <TopicsStep ctx=ctx /> }.into_any(),
                Step::Answers => view! { <AnswersStep ctx=ctx /> }.into_any(),
                Step::About => view! { <AboutStep ctx=ctx /> }.into_any(),
                Step::Privacy => view! { <PrivacyStep ctx=ctx /> }.into_any(),
                Step::Review => view! { <ReviewStep ctx=ctx /> }.into_any(),
            }}
            <FormFooter ctx=ctx sender=sender set_honeypot=set_honeypot />
            <div class="gdc-nav">
                // Submit buttons, so that a form without the Wasm says where
                // to go; with it, a click does the move and sends nothing.
                <button type="submit" name=form::GO value=Go::Back.value() class="gdc-back" formnovalidate
                    hidden=move || ctx.step.get() == Step::Topics
                    on:click=move |ev| { ev.prevent_default(); ctx.go(ctx.step.get_untracked().previous()) }>
                    {ctx.tr("back")}
                </button>
                <button type="submit" name=form::GO class="gdc-submit" aria-disabled=move || ctx.sending().to_string()
                    value=forward>
                    {move || if ctx.step.get() == Step::Review { ctx.submit_label() } else { ctx.tr("next") }}
                </button>
                <button type="submit" name=form::GO value=Go::StartOver.value() class="gdc-start-over" formnovalidate
                    on:click=move |ev| { ev.prevent_default(); ctx.start_over() }>
                    {ctx.tr("start-over")}
                </button>
            </div>
        </form>
    }
}
