//! Step 2: the consultation's questions, for each chosen topic.

use leptos::prelude::*;

use crate::app::ctx::Ctx;
use crate::app::fields::{AnswerField, StepHeading};
use crate::model::Step;

/// A group of answers per chosen topic, one field per question.
#[component(transparent)]
pub fn AnswersStep(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    let topics = ctx.draft.read_untracked().topics.clone();
    let config = ctx.config();
    let (questions, max) = (config.consultation.questions, config.consultation.limits.answer_chars);
    view! {
        <StepHeading ctx=ctx step=Step::Answers />
        <p class="gdc-hint">{ctx.tr("answers-hint")}</p>
        {topics.into_iter().map(|topic| view! {
            <fieldset class="gdc-topic-answers">
                <legend>{ctx.tr(&format!("topic-{topic}"))}</legend>
                {questions.iter().map(|q| view! {
                    <AnswerField ctx=ctx topic=topic.clone() question=q.id max=max />
                }).collect_view()}
            </fieldset>
        }).collect_view()}
    }
}
