//! Step 1: which of the webmaster's topics the visitor answers on.

use leptos::prelude::*;

use crate::app::ctx::Ctx;
use crate::app::fields::{ErrorLine, StepHeading};
use crate::model::Step;

/// The topics offered, as checkboxes; at least one is needed.
#[component(transparent)]
pub fn TopicsStep(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    let topics = ctx.config().topics.clone();
    view! {
        <StepHeading ctx=ctx step=Step::Topics />
        <fieldset id="gdc-topics" class="gdc-field" tabindex="-1" aria-invalid=ctx.invalid("gdc-topics")
            aria-describedby="gdc-topics-error">
            <legend>{ctx.tr("topics-legend")}</legend>
            {topics.into_iter().map(|topic| {
                let id = format!("gdc-topic-{topic}");
                let hint = format!("{id}-hint");
                view! {
                    <div class="gdc-check">
                        <input type="checkbox" id=id.clone() name="topics" value=topic aria-describedby=hint.clone()
                            checked=ctx.draft.read_untracked().topics.iter().any(|t| t == topic)
                            prop:checked=move || ctx.draft.read().topics.iter().any(|t| t == topic)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let config = ctx.config();
                                ctx.draft.write().toggle_topic(topic, on, &config);
                                ctx.touch("gdc-topics");
                            } />
                        <label for=id>{ctx.tr(&format!("topic-{topic}"))}</label>
                        <p id=hint class="gdc-hint">{ctx.tr(&format!("topic-{topic}-description"))}</p>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        <ErrorLine ctx=ctx dom_id="gdc-topics" />
    }
}
