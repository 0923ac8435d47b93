//! Step 5: everything typed, shown back before sending.

use leptos::prelude::*;

use crate::app::ctx::Ctx;
use crate::app::fields::StepHeading;
use crate::browser::intl;
use crate::model::Step;
use crate::model::form::{self, Go};

/// Everything typed, shown back as text (so escaped), with links to edit.
#[component(transparent)]
pub fn ReviewStep(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    let d = ctx.draft.get_untracked();
    let questions = ctx.config().consultation.questions;
    let none = ctx.tr("review-none");
    let or_none = move |s: &str| if s.trim().is_empty() { none.clone() } else { s.to_owned() };
    let yes_no = move |b: bool| ctx.tr(if b { "yes" } else { "no" });
    let edit = move |step: Step| {
        let label = ctx.tr_with("edit-step", &[("step", &ctx.tr(step.key()))]);
        view! {
            <button type="submit" name=form::GO value=Go::Edit(step).value() class="gdc-edit" formnovalidate
                on:click=move |ev| { ev.prevent_default(); ctx.go(step) }>{label}</button>
        }
    };
    let country = ctx.country_name(&d.country);
    let about: Vec<(String, String)> = [
        ("field-kind", ctx.tr(&format!("kind-{}", d.kind))),
        ("field-stakeholder", ctx.tr(&format!("stakeholder-{}", d.stakeholder))),
        ("field-country", country),
        ("field-name", or_none(&d.name)),
        ("field-organization", or_none(&d.organization)),
        ("field-email", or_none(&d.email)),
    ]
    .into_iter()
    .chain(
        (d.kind == "consultation")
            .then(|| {
                [
                    ("field-event-title", d.event_title.clone()),
                    ("field-event-date", intl::date(&ctx.lang(), &d.event_date)),
                    ("field-event-participants", participants(ctx, &d.event_participants)),
                ]
            })
            .into_iter()
            .flatten(),
    )
    .map(|(k, v)| (ctx.tr(k), v))
    .collect();
    view! {
        <StepHeading ctx=ctx step=Step::Review />
        <p class="gdc-intro">{ctx.tr("review-intro")}</p>
        <section class="gdc-review" aria-labelledby="gdc-review-answers">
            <h4 id="gdc-review-answers">{ctx.tr(Step::Answers.key())}</h4>
            {d.topics.iter().map(|topic| view! {
                <h5>{ctx.tr(&format!("topic-{topic}"))}</h5>
                <dl>
                    {questions.iter().map(|q| view! {
                        <dt>{ctx.tr(&format!("question-{}", q.id))}</dt>
                        <dd class="gdc-review-text" dir="auto">{or_none(&d.answer(topic, q.id))}</dd>
                    }).collect_view()}
                </dl>
            }).collect_view()}
            {edit(Step::Answers)}
        </section>
        <section class="gdc-review" aria-labelledby="gdc-review-about">
            <h4 id="gdc-review-about">{ctx.tr(Step::About.key())}</h4>
            <dl>
                {about.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd dir="auto">{v}</dd> }).collect_view()}
            </dl>
            {edit(Step::About)}
        </section>
        <section class="gdc-review" aria-labelledby="gdc-review-privacy">
            <h4 id="gdc-review-privacy">{ctx.tr(Step::Privacy.key())}</h4>
            <dl>
                <dt>{ctx.tr("field-publish")}</dt><dd>{yes_no(d.publish)}</dd>
                {d.publish.then(|| view! {
                    <dt>{ctx.tr("field-attribution")}</dt><dd>{ctx.tr(&format!("attribution-{}", d.attribution))}</dd>
                })}
                <dt>{ctx.tr("field-contact")}</dt><dd>{yes_no(d.contact)}</dd>
            </dl>
            {edit(Step::Privacy)}
        </section>
    }
}

/// A reported consultation's size in words ("40 participants"), or what
/// was typed when it is not a count.
fn participants(ctx: Ctx, typed: &str) -> String {
    typed.trim().parse::<usize>().map_or_else(|_| typed.to_owned(), |n| ctx.count("participants", "count", n))
}
