//! "What others said": the published contributions on a topic.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ctx::Ctx;
use crate::browser::intl;
use crate::browser::net::{self, PublishedItem};

/// Published contributions by topic, loaded when opened, shown as text; an
/// honest empty state until organisers publish.
#[component(transparent)]
pub fn Others(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    let topics = ctx.config().topics.clone();
    let first = topics.first().copied().unwrap_or("other");
    let (topic, set_topic) = signal(first.to_owned());
    let (items, set_items) = signal(None::<Result<Vec<PublishedItem>, String>>);
    let load = move || {
        set_items.set(None);
        let t = topic.get_untracked();
        let config = ctx.config();
        spawn_local(async move { set_items.set(Some(net::fetch_published(&config, &t).await)) });
    };
    view! {
        <details class="gdc-others" on:toggle=move |_| load()>
            <summary>{ctx.tr("others-title")}</summary>
            <label for="gdc-others-topic">{ctx.tr("field-topic")}</label>
            <select id="gdc-others-topic" on:change=move |ev| { set_topic.set(event_target_value(&ev)); load() }>
                {topics.into_iter().map(|t| view! { <option value=t>{ctx.tr(&format!("topic-{t}"))}</option> }).collect_view()}
            </select>
            <div class="gdc-others-list" aria-live="polite">
                {move || match items.get() {
                    None => view! { <p class="gdc-hint">{ctx.tr("others-loading")}</p> }.into_any(),
                    Some(Err(_)) => view! { <p class="gdc-hint">{ctx.tr("others-unavailable")}</p> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="gdc-hint gdc-others-empty">{ctx.tr("others-empty")}</p> }.into_any(),
                    Some(Ok(list)) => {
                        let count = ctx.count("others-count", "count", list.len());
                        let items = list.into_iter().map(|item| {
                            let who = item.credit.clone().unwrap_or_else(|| ctx.tr("others-anonymous"));
                            let place = ctx.country_name(&item.country);
                            let credit = if place.is_empty() {
                                ctx.tr_with("others-credit-no-place", &[("who", &who)])
                            } else {
                                ctx.tr_with("others-credit", &[("who", &who), ("place", &place)])
                            };
                            let date = (!item.published_at.is_empty())
                                .then(|| ctx.tr_with("others-date", &[("date", &intl::date(&ctx.lang(), &item.published_at))]));
                            view! {
                                <article class="gdc-other">
                                    {item.texts.into_iter().map(|(q, text)| view! {
                                        <h3>{ctx.tr(&format!("question-{q}"))}</h3>
                                        <p class="gdc-review-text" dir="auto">{text}</p>
                                    }).collect_view()}
                                    <p class="gdc-hint"><bdi>{credit}</bdi></p>
                                    {date.map(|d| view! { <p class="gdc-hint">{d}</p> })}
                                </article>
                            }
                        }).collect_view();
                        view! { <p class="gdc-hint">{count}</p>{items} }.into_any()
                    }
                }}
            </div>
        </details>
    }
}
