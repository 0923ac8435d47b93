//! The form: a short stepper (topics, answers, about you, privacy, review),
//! then a receipt. State lives in plain model types ([`crate::model`]);
//! this file binds them to the DOM.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use gdc_core::FieldError;
use gdc_core::submission::{ATTRIBUTIONS, KINDS, STAKEHOLDERS};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser::{self, Outcome, Queued};
use crate::delivery::{self, Refusal};
use crate::i18n::{t, t_with};
use crate::model::{Draft, Step, Variant, WidgetConfig};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Editing,
    Sending,
    /// Kept on this device; sent when the connection allows.
    Queued,
    /// Refused for good by the companion: kept on this device, shown to
    /// the visitor to copy, sent again only when they ask.
    Refused(Queued),
    Done(String),
}

/// Everything the step views share; all of it `Copy`.
#[derive(Clone, Copy)]
struct Ctx {
    config: StoredValue<WidgetConfig>,
    draft: RwSignal<Draft>,
    step: RwSignal<Step>,
    /// Errors on display, as (element id, catalog text).
    errors: RwSignal<Vec<(String, String)>>,
    /// Element ids the visitor has left at least once.
    touched: RwSignal<Vec<String>>,
    id: RwSignal<String>,
    host: StoredValue<web_sys::HtmlElement, LocalStorage>,
    /// Country codes and names in the visitor's language, sorted; built on
    /// first use and shared by every view that lists or names countries.
    countries: StoredValue<Option<Countries>>,
}

type Countries = Arc<Vec<(&'static str, String)>>;

impl Ctx {
    fn tr(self, key: &str) -> String {
        self.config.with_value(|c| t(&c.lang, key))
    }

    fn countries(self) -> Countries {
        if let Some(list) = self.countries.get_value() {
            return list;
        }
        let list: Countries = Arc::new(self.config.with_value(|c| browser::countries(&c.lang)));
        self.countries.set_value(Some(list.clone()));
        list
    }

    /// The name of the country with this code, or nothing.
    fn country_name(self, code: &str) -> String {
        self.countries().iter().find(|(c, _)| *c == code).map(|(_, n)| n.clone()).unwrap_or_default()
    }

    fn error(self, dom_id: &str) -> Option<String> {
        self.errors.with(|es| es.iter().find(|(id, _)| id == dom_id).map(|(_, m)| m.clone()))
    }

    fn invalid(self, dom_id: impl Into<Arc<str>>) -> impl Fn() -> String + Clone {
        let dom_id = dom_id.into();
        move || self.error(&dom_id).is_some().to_string()
    }

    /// Shows `errors` (from the core) beside their fields.
    fn show(self, errors: &[FieldError]) {
        let shown = self.draft.with_untracked(|d| {
            errors.iter().map(|e| (d.dom_id(&e.field), self.tr(&format!("error.{}", e.code.as_str())))).collect()
        });
        self.errors.set(shown);
    }

    /// Re-checks the current step, showing errors only for fields the
    /// visitor has already left (so nobody is scolded before typing).
    fn revalidate(self) {
        let errors = self.step_errors();
        let touched = self.touched.get_untracked();
        let visible: Vec<FieldError> = self
            .draft
            .with_untracked(|d| errors.into_iter().filter(|e| touched.contains(&d.dom_id(&e.field))).collect());
        self.show(&visible);
    }

    fn touch(self, dom_id: &str) {
        if !self.touched.with_untracked(|t| t.iter().any(|x| x == dom_id)) {
            self.touched.update(|t| t.push(dom_id.to_owned()));
        }
        self.revalidate();
    }

    fn step_errors(self) -> Vec<FieldError> {
        let step = self.step.get_untracked();
        let id = self.id.get_untracked();
        self.config.with_value(|c| self.draft.with_untracked(|d| d.step_errors(step, &id, c)))
    }

    /// Moves to `step` and puts focus on its heading for screen readers.
    fn go(self, step: Step) {
        self.errors.set(Vec::new());
        self.step.set(step);
        browser::focus_selector(self.host.get_value(), ".gdc-step-title");
    }

    /// "Next": the step's errors all at once, or the next step.
    fn next(self) {
        let errors = self.step_errors();
        if errors.is_empty() {
            self.go(self.step.get_untracked().next());
        } else {
            let ids: Vec<String> = self.draft.with_untracked(|d| errors.iter().map(|e| d.dom_id(&e.field)).collect());
            self.touched.update(|t| t.extend(ids));
            self.show(&errors);
            browser::focus_first_invalid(self.host.get_value());
        }
    }
}

/// What a rebuilt widget starts from: the state of the one it replaces
/// (an attribute such as the language changed), so nothing typed is lost.
pub struct Seed {
    draft: Draft,
    step: Step,
    id: String,
    token: Option<String>,
    done: Option<String>,
}

/// A handle on a mounted widget's state, to take its [`Seed`] before it is
/// rebuilt. Valid until the widget is unmounted.
#[derive(Clone, Copy)]
pub struct Live {
    ctx: Ctx,
    phase: RwSignal<Phase>,
    token: RwSignal<Option<String>>,
}

impl Live {
    pub fn seed(self) -> Seed {
        Seed {
            draft: self.ctx.draft.get_untracked(),
            step: self.ctx.step.get_untracked(),
            id: self.ctx.id.get_untracked(),
            token: self.token.get_untracked(),
            done: match self.phase.get_untracked() {
                Phase::Done(reference) => Some(reference),
                _ => None,
            },
        }
    }
}

/// How the host starts the widget.
pub struct Start {
    /// The state of the widget this one replaces, if any.
    pub seed: Option<Seed>,
    /// The form token the embed page carried (iframe mode) or the loader
    /// fetched (inline mode).
    pub token: Option<String>,
    pub life: browser::Lifetime,
    /// Where the app leaves its [`Live`] handle.
    pub live: Rc<Cell<Option<Live>>>,
}

/// A draft change not yet written to `localStorage`.
type PendingSave = Rc<RefCell<Option<(TimeoutHandle, Vec<(String, String)>, String, Option<String>)>>>;

/// The whole widget, bound to the element it is mounted in (events go there).
pub fn app(config: WidgetConfig, host: web_sys::HtmlElement, start: Start) -> impl IntoView {
    let Start { seed, token: page_token, life, live } = start;
    let (draft, step, id, saved_token, done) = match seed {
        Some(s) => (s.draft.rebase(&config), s.step, Some(s.id), s.token, s.done),
        None => {
            let stored = browser::load_draft(&config);
            (stored.draft, Step::Topics, stored.id, stored.token, None)
        }
    };
    let token = RwSignal::new(saved_token.or(page_token));
    if token.get_untracked().is_none() {
        let (config, life) = (config.clone(), life.clone());
        spawn_local(async move {
            let fetched = browser::fetch_token(&config).await;
            if !life.ended() {
                token.set(fetched);
            }
        });
    }
    let ctx = Ctx {
        config: StoredValue::new(config.clone()),
        draft: RwSignal::new(draft),
        step: RwSignal::new(step),
        errors: RwSignal::new(Vec::new()),
        touched: RwSignal::new(Vec::new()),
        // Made once per contribution and kept with the draft: retries and
        // reloads reuse it, so the companion stores it once whatever happens.
        id: RwSignal::new(id.unwrap_or_else(browser::new_id)),
        host: StoredValue::new_local(host),
        countries: StoredValue::new(None),
    };
    let phase = RwSignal::new(done.map_or(Phase::Editing, Phase::Done));
    let set_phase = phase.write_only();
    live.set(Some(Live { ctx, phase, token }));
    // Hidden from people and from assistive technology; bots fill it in.
    let (honeypot, set_honeypot) = signal(String::new());

    // Save the draft (with its id and form token) shortly after each change,
    // and at once if the widget is removed before then.
    let pending: PendingSave = Rc::default();
    let save_now = {
        let (pending, config) = (pending.clone(), config.clone());
        move || {
            if let Some((handle, pairs, id, token)) = pending.borrow_mut().take() {
                handle.clear();
                browser::save_draft(&config, &pairs, &id, token.as_deref());
            }
        }
    };
    Effect::new({
        let (pending, save_now) = (pending.clone(), save_now.clone());
        move |_| {
            let pairs = ctx.draft.with(Draft::to_pairs);
            let (id, token) = (ctx.id.get(), token.get());
            if let Some((handle, ..)) = pending.borrow_mut().take() {
                handle.clear();
            }
            if let Ok(handle) = set_timeout_with_handle(save_now.clone(), std::time::Duration::from_millis(400)) {
                *pending.borrow_mut() = Some((handle, pairs, id, token));
            }
        }
    });
    // Clean-ups must be `Send`; this one never leaves the browser's thread.
    // (The lifetime is ended by whoever unmounts: see `Mounted::unmount`.)
    let cleanup = send_wrapper::SendWrapper::new(save_now);
    on_cleanup(move || cleanup.take()());

    let start_over = move || {
        ctx.config.with_value(browser::clear_draft);
        ctx.draft.set(Draft::default());
        ctx.id.set(browser::new_id());
        ctx.touched.set(Vec::new());
        set_phase.set(Phase::Editing);
        ctx.go(Step::Topics);
    };

    // Delivers the queued contribution until the companion acknowledges it:
    // retried with backoff (or after the companion's `Retry-After`), and at
    // once when the browser comes back online; a stale form token is renewed
    // and the same contribution sent again; a refusal for good ends the loop.
    // One delivery loop at a time; the id in the body makes repeats harmless.
    let delivering = StoredValue::new(false);
    let lifetime = StoredValue::new_local(life);
    let deliver = move |mut q: Queued| {
        if delivering.get_value() {
            return;
        }
        delivering.set_value(true);
        let config = ctx.config.get_value();
        let url = config.url("/v1/submissions");
        let life = lifetime.get_value();
        spawn_local(async move {
            let mut attempt: u32 = 0;
            // Whether `q.token` was fetched just now: a fresh token refused
            // as well is waited on like any failure, not renewed in a loop.
            let mut renewed = false;
            // A removed widget stops here: its queue stays on this device
            // and the next widget on this site sends it.
            while !life.ended() {
                let (why, retry_after) = match browser::send(&url, &q.body, &q.token, &honeypot.get_untracked()).await {
                    _ if life.ended() => return,
                    Outcome::Arrived => {
                        browser::clear_queued_if(&config, &q.id);
                        browser::clear_draft(&config);
                        browser::emit(&ctx.host.get_value(), "gdc:submitted", &[("id", &q.id)]);
                        set_phase.set(Phase::Done(q.id.clone()));
                        browser::focus_selector(ctx.host.get_value(), ".gdc-receipt");
                        break;
                    }
                    Outcome::Invalid(errors) => {
                        browser::clear_queued_if(&config, &q.id);
                        set_phase.set(Phase::Editing);
                        let first = errors.first().map_or(Step::Review, |e| Step::of_path(&e.field));
                        ctx.go(first);
                        ctx.show(&errors);
                        browser::focus_first_invalid(ctx.host.get_value());
                        break;
                    }
                    Outcome::Refused { reason, why } => {
                        // Kept, marked so that no widget sends it by itself
                        // again: the visitor's text is not lost, and a
                        // refusal is not hammered on.
                        browser::log_error(&format!("gdc: refused, not sent again unless asked: {why}"));
                        q.refused = Some(reason);
                        browser::update_queued(&config, &q);
                        browser::emit(&ctx.host.get_value(), "gdc:error", &[("code", "refused")]);
                        set_phase.set(Phase::Refused(q.clone()));
                        browser::focus_selector(ctx.host.get_value(), ".gdc-refused-title");
                        break;
                    }
                    Outcome::TokenInvalid if !renewed => match browser::fetch_token(&config).await {
                        _ if life.ended() => return,
                        Some(fresh) => {
                            // The same contribution (same id and body) with
                            // the new token, kept with it for later tries.
                            q.token.clone_from(&fresh);
                            browser::update_queued(&config, &q);
                            token.set(Some(fresh));
                            renewed = true;
                            continue;
                        }
                        None => ("form token refused; no fresh one yet".to_owned(), None),
                    },
                    Outcome::TokenInvalid => ("a fresh form token was refused too".to_owned(), None),
                    Outcome::Failed { why, retry_after_secs } => (why, retry_after_secs),
                };
                renewed = false;
                browser::log_error(&format!("gdc: not sent yet, will retry: {why}"));
                if attempt == 0 {
                    browser::emit(&ctx.host.get_value(), "gdc:error", &[("code", "queued")]);
                }
                set_phase.set(Phase::Queued);
                attempt = attempt.saturating_add(1);
                let wait_ms = delivery::retry_wait_ms(attempt, retry_after);
                life.sleep_or_online(i32::try_from(wait_ms).unwrap_or(i32::MAX)).await;
            }
            if !life.ended() {
                delivering.set_value(false);
            }
        });
    };
    match ctx.config.with_value(browser::load_queued) {
        // Refused for good on an earlier visit: shown, not sent by itself.
        Some(q) if q.refused.is_some() => set_phase.set(Phase::Refused(q)),
        // A contribution from an earlier visit is still waiting: send it.
        Some(q) => {
            set_phase.set(Phase::Queued);
            deliver(q);
        }
        None => {}
    }
    // "Try again" after a refusal: the same contribution sent once more. If
    // the refusal stands, the loop ends again after that one attempt; if the
    // network fails meanwhile, it is retried like any queued contribution.
    let try_again = move || {
        let Phase::Refused(mut q) = phase.get_untracked() else { return };
        q.refused = None;
        ctx.config.with_value(|c| browser::save_queued(c, &q));
        set_phase.set(Phase::Sending);
        deliver(q);
    };

    let send = move || {
        if matches!(phase.get_untracked(), Phase::Sending | Phase::Queued) {
            return;
        }
        let id = ctx.id.get_untracked();
        let checked = ctx.config.with_value(|c| ctx.draft.with_untracked(|d| d.check(&id, c)));
        let wire = match checked {
            Ok(wire) => wire,
            Err(errors) => {
                if ctx.config.with_value(|c| c.variant) == Variant::Compact {
                    ctx.show(&errors.0);
                    browser::focus_first_invalid(ctx.host.get_value());
                } else {
                    // Back to the first step with a problem, errors shown.
                    let first = errors.0.first().map_or(Step::Topics, |e| Step::of_path(&e.field));
                    ctx.go(first);
                    ctx.next();
                }
                return;
            }
        };
        let Ok(body) = serde_json::to_string(&wire) else { return };
        let q = Queued { id: wire.id, body, token: token.get_untracked().unwrap_or_default(), refused: None };
        ctx.config.with_value(|c| browser::save_queued(c, &q));
        set_phase.set(Phase::Sending);
        deliver(q);
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if ctx.step.get_untracked() == Step::Review { send() } else { ctx.next() }
    };

    let progress = move || {
        let (n, total) = ((ctx.step.get().index() + 1).to_string(), Step::ALL.len().to_string());
        ctx.config.with_value(|c| t_with(&c.lang, "progress", &[("n", &n), ("total", &total)]))
    };

    // The honeypot and the queued notice, in both variants.
    let footer = move || {
        view! {
            <div class="gdc-hp" aria-hidden="true">
                <label for="gdc-website">"Website (leave empty)"</label>
                <input id="gdc-website" name="website" type="text" tabindex="-1" autocomplete="off"
                    on:input=move |ev| set_honeypot.set(event_target_value(&ev)) />
            </div>
            <p class="gdc-queued" role="status">
                {move || (phase.get() == Phase::Queued).then(|| ctx.tr("queued"))}
            </p>
            {move || match phase.get() {
                Phase::Refused(q) => Some(refused_view(ctx, q, try_again)),
                _ => None,
            }}
        }
    };
    let submit_label = move || {
        if matches!(phase.get(), Phase::Sending | Phase::Queued) { ctx.tr("sending") } else { ctx.tr("submit") }
    };

    let full_form = view! {
        <form class="gdc-form" novalidate on:submit=on_submit>
            <h2 class="gdc-title">{ctx.tr("form.title")}</h2>
            <nav class="gdc-progress" aria-label=move || ctx.tr("progress.label")>
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
                {move || (!ctx.errors.with(Vec::is_empty)).then(|| ctx.tr("errors.summary"))}
            </p>
            {move || match ctx.step.get() {
                Step::Topics => topics_step(ctx).into_any(),
                Step::Answers => answers_step(ctx).into_any(),
                Step::About => about_step(ctx).into_any(),
                Step::Privacy => privacy_step(ctx).into_any(),
                Step::Review => review_step(ctx).into_any(),
            }}
            {footer()}
            <div class="gdc-nav">
                <button type="button" class="gdc-back" hidden=move || ctx.step.get() == Step::Topics
                    on:click=move |_| ctx.go(ctx.step.get_untracked().previous())>
                    {ctx.tr("back")}
                </button>
                <button type="submit" class="gdc-submit"
                    aria-disabled=move || matches!(phase.get(), Phase::Sending | Phase::Queued).to_string()>
                    {move || if ctx.step.get() == Step::Review { submit_label() } else { ctx.tr("next") }}
                </button>
                <button type="button" class="gdc-start-over" on:click=move |_| start_over()>
                    {ctx.tr("start_over")}
                </button>
            </div>
        </form>
    };

    let variant = ctx.config.with_value(|c| c.variant);
    let form = if variant == Variant::Compact {
        let (topic, question, max) = ctx.config.with_value(|c| {
            (c.topics.first().copied().unwrap_or("other"), c.question, c.consultation.limits.answer_chars)
        });
        ctx.config.with_value(|c| ctx.draft.update(|d| d.toggle_topic(topic, true, c)));
        view! {
            <form class="gdc-form gdc-compact" novalidate on:submit=move |ev: SubmitEvent| { ev.prevent_default(); send() }>
                <h2 class="gdc-title">{ctx.tr(&format!("topic.{topic}"))}</h2>
                {answer_field(ctx, topic.to_owned(), question, max)}
                <div class="gdc-row">
                    {stakeholder_field(ctx, "field.stakeholder.optional")}
                    {country_field(ctx, "field.country.optional")}
                </div>
                {checkbox(ctx, "gdc-publish", "field.publish.anonymous", None, |d| d.publish, |d, v| d.publish = v)}
                {footer()}
                <button type="submit" class="gdc-submit"
                    aria-disabled=move || matches!(phase.get(), Phase::Sending | Phase::Queued).to_string()>
                    {submit_label}
                </button>
            </form>
        }
        .into_any()
    } else {
        full_form.into_any()
    };

    let done = move || matches!(phase.get(), Phase::Done(_));
    let others = (variant == Variant::Full).then(|| others_view(ctx));
    view! {
        <div hidden=done>{form}</div>
        {move || match phase.get() {
            Phase::Done(reference) => Some(view! {
                <section class="gdc-receipt" role="status" tabindex="-1">
                    <h2 class="gdc-title">{ctx.tr("receipt.title")}</h2>
                    <p>{ctx.tr("receipt.reference")}": "<code class="gdc-reference">{reference}</code></p>
                    <p>{ctx.tr("receipt.next")}</p>
                    <p>{ctx.tr("receipt.published")}</p>
                    <button type="button" class="gdc-start-over" on:click=move |_| start_over()>
                        {ctx.tr("start_over")}
                    </button>
                </section>
            }),
            _ => None,
        }}
        {others}
    }
}

/// "What others said": published contributions by topic, loaded when
/// opened, shown as text; an honest empty state until organisers publish.
fn others_view(ctx: Ctx) -> impl IntoView {
    let topics = ctx.config.with_value(|c| c.topics.clone());
    let first = topics.first().copied().unwrap_or("other");
    let (topic, set_topic) = signal(first.to_owned());
    let (items, set_items) = signal(None::<Result<Vec<browser::PublishedItem>, String>>);
    let load = move || {
        set_items.set(None);
        let t = topic.get_untracked();
        let config = ctx.config.get_value();
        spawn_local(async move { set_items.set(Some(browser::fetch_published(&config, &t).await)) });
    };
    view! {
        <details class="gdc-others" on:toggle=move |_| load()>
            <summary>{ctx.tr("others.title")}</summary>
            <label for="gdc-others-topic">{ctx.tr("field.topic")}</label>
            <select id="gdc-others-topic" on:change=move |ev| { set_topic.set(event_target_value(&ev)); load() }>
                {topics.into_iter().map(|t| view! { <option value=t>{ctx.tr(&format!("topic.{t}"))}</option> }).collect_view()}
            </select>
            <div class="gdc-others-list" aria-live="polite">
                {move || match items.get() {
                    None => view! { <p class="gdc-hint">{ctx.tr("others.loading")}</p> }.into_any(),
                    Some(Err(_)) => view! { <p class="gdc-hint">{ctx.tr("others.unavailable")}</p> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="gdc-hint gdc-others-empty">{ctx.tr("others.empty")}</p> }.into_any(),
                    Some(Ok(list)) => list.into_iter().map(|item| {
                        let credit = item.credit.clone().unwrap_or_else(|| ctx.tr("others.anonymous"));
                        let place = ctx.country_name(&item.country);
                        view! {
                            <article class="gdc-other">
                                {item.texts.into_iter().map(|(q, text)| view! {
                                    <h4>{ctx.tr(&format!("question.{q}"))}</h4>
                                    <p class="gdc-review-text">{text}</p>
                                }).collect_view()}
                                <p class="gdc-hint">"— "{credit}{(!place.is_empty()).then(|| format!(", {place}"))}</p>
                            </article>
                        }
                    }).collect_view().into_any(),
                }}
            </div>
        </details>
    }
}

/// A refusal for good, in plain words: what happened, why, the visitor's
/// text to copy (read-only, so selectable, unlike a disabled field), and a
/// button to send it once more.
fn refused_view(ctx: Ctx, q: Queued, try_again: impl Fn() + Copy + 'static) -> impl IntoView {
    let reason = q.refused.unwrap_or(Refusal::Other);
    let text = browser::answers_in(&q.body)
        .into_iter()
        .map(|(topic, question, text)| {
            format!("{} — {}\n{text}\n", ctx.tr(&format!("topic.{topic}")), ctx.tr(&format!("question.{question}")))
        })
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <div class="gdc-refused">
            <div role="alert">
                <p class="gdc-refused-title" tabindex="-1"><strong>{ctx.tr("refused.title")}</strong></p>
                <p class="gdc-refused-reason">{ctx.tr(reason.key())}</p>
            </div>
            <p>{ctx.tr("refused.keep")}</p>
            <label for="gdc-refused-text">{ctx.tr("refused.text")}</label>
            <textarea id="gdc-refused-text" class="gdc-refused-text" readonly rows="6" prop:value=text></textarea>
            <button type="button" class="gdc-try-again" on:click=move |_| try_again()>{ctx.tr("refused.try_again")}</button>
        </div>
    }
}

fn step_heading(ctx: Ctx, step: Step) -> impl IntoView {
    view! { <h3 class="gdc-step-title" tabindex="-1">{ctx.tr(step.key())}</h3> }
}

fn error_line(ctx: Ctx, dom_id: impl Into<Arc<str>>) -> impl IntoView {
    let dom_id = dom_id.into();
    let id = format!("{dom_id}-error");
    view! { <p id=id class="gdc-error">{move || ctx.error(&dom_id)}</p> }
}

fn topics_step(ctx: Ctx) -> impl IntoView {
    let topics = ctx.config.with_value(|c| c.topics.clone());
    view! {
        {step_heading(ctx, Step::Topics)}
        <fieldset id="gdc-topics" class="gdc-field" tabindex="-1" aria-invalid=ctx.invalid("gdc-topics")
            aria-describedby="gdc-topics-error">
            <legend>{ctx.tr("topics.legend")}</legend>
            {topics.into_iter().map(|topic| {
                let id = format!("gdc-topic-{topic}");
                view! {
                    <div class="gdc-check">
                        <input type="checkbox" id=id.clone() name="topics" value=topic
                            prop:checked=move || ctx.draft.with(|d| d.topics.iter().any(|t| t == topic))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ctx.config.with_value(|c| ctx.draft.update(|d| d.toggle_topic(topic, on, c)));
                                ctx.touch("gdc-topics");
                            } />
                        <label for=id>{ctx.tr(&format!("topic.{topic}"))}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
        {error_line(ctx, "gdc-topics")}
    }
}

fn answers_step(ctx: Ctx) -> impl IntoView {
    let topics = ctx.draft.with_untracked(|d| d.topics.clone());
    let (questions, max) = ctx.config.with_value(|c| (c.consultation.questions, c.consultation.limits.answer_chars));
    view! {
        {step_heading(ctx, Step::Answers)}
        <p class="gdc-hint">{ctx.tr("answers.hint")}</p>
        {topics.into_iter().map(|topic| view! {
            <fieldset class="gdc-topic-answers">
                <legend>{ctx.tr(&format!("topic.{topic}"))}</legend>
                {questions.iter().map(|q| answer_field(ctx, topic.clone(), q.id, max)).collect_view()}
            </fieldset>
        }).collect_view()}
    }
}

/// A text input bound to one field of the draft.
fn text_field(
    ctx: Ctx,
    dom_id: &'static str,
    label: &'static str,
    input_type: &'static str,
    autocomplete: &'static str,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
) -> impl IntoView {
    view! {
        <div class="gdc-field">
            <label for=dom_id>{ctx.tr(label)}</label>
            <input id=dom_id type=input_type autocomplete=autocomplete aria-invalid=ctx.invalid(dom_id)
                aria-describedby=format!("{dom_id}-error")
                prop:value=move || ctx.draft.with(get)
                on:input=move |ev| {
                    ctx.draft.update(|d| set(d, event_target_value(&ev)));
                    if ctx.error(dom_id).is_some() { ctx.revalidate() }
                }
                on:blur=move |_| ctx.touch(dom_id) />
            {error_line(ctx, dom_id)}
        </div>
    }
}

/// One free-text answer, with its hint, character counter and error.
fn answer_field(ctx: Ctx, topic: String, question: &'static str, max: usize) -> impl IntoView {
    let dom_id: Arc<str> = format!("gdc-a-{topic}-{question}").into();
    let value = {
        let topic = topic.clone();
        move || ctx.draft.with(|d| d.answer(&topic, question))
    };
    let count = {
        let value = value.clone();
        move || {
            let n = value().chars().count().to_string();
            ctx.config.with_value(|c| t_with(&c.lang, "counter", &[("n", &n), ("max", &max.to_string())]))
        }
    };
    view! {
        <div class="gdc-field">
            <label for=dom_id.to_string()>{ctx.tr(&format!("question.{question}"))}</label>
            <p id=format!("{dom_id}-hint") class="gdc-hint">{ctx.tr(&format!("question.{question}.hint"))}</p>
            <textarea id=dom_id.to_string() rows="4" aria-invalid=ctx.invalid(dom_id.clone())
                aria-describedby=format!("{dom_id}-hint {dom_id}-count {dom_id}-error")
                prop:value=value
                on:input={
                    let dom_id = dom_id.clone();
                    move |ev| {
                        ctx.draft.update(|d| d.set_answer(&topic, question, event_target_value(&ev)));
                        if ctx.error(&dom_id).is_some() { ctx.revalidate() }
                    }
                }
                on:blur={
                    let dom_id = dom_id.clone();
                    move |_| ctx.touch(&dom_id)
                }>
            </textarea>
            <p id=format!("{dom_id}-count") class="gdc-counter">{count}</p>
            {error_line(ctx, dom_id)}
        </div>
    }
}

fn stakeholder_field(ctx: Ctx, label: &'static str) -> impl IntoView {
    view! {
        <div class="gdc-field">
            <label for="gdc-stakeholder">{ctx.tr(label)}</label>
            <select id="gdc-stakeholder" aria-invalid=ctx.invalid("gdc-stakeholder") aria-describedby="gdc-stakeholder-error"
                prop:value=move || ctx.draft.with(|d| d.stakeholder.clone())
                on:change=move |ev| { ctx.draft.update(|d| d.stakeholder = event_target_value(&ev)); ctx.touch("gdc-stakeholder") }>
                <option value="">{ctx.tr("choose")}</option>
                {STAKEHOLDERS.iter().map(|s| view! { <option value=*s>{ctx.tr(&format!("stakeholder.{s}"))}</option> }).collect_view()}
            </select>
            {error_line(ctx, "gdc-stakeholder")}
        </div>
    }
}

/// A text box that filters the country names (in the visitor's language)
/// as one types; the draft holds the code of the name chosen.
fn country_field(ctx: Ctx, label: &'static str) -> impl IntoView {
    let countries = ctx.countries();
    let country_text = RwSignal::new(ctx.draft.with_untracked(|d| ctx.country_name(&d.country)));
    let lookup = countries.clone();
    view! {
        <div class="gdc-field">
            <label for="gdc-country">{ctx.tr(label)}</label>
            <p id="gdc-country-hint" class="gdc-hint">{ctx.tr("field.country.hint")}</p>
            <input id="gdc-country" type="text" list="gdc-country-list" autocomplete="off"
                aria-invalid=ctx.invalid("gdc-country") aria-describedby="gdc-country-hint gdc-country-error"
                prop:value=move || country_text.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let code = browser::find_by_name(&lookup, &text).map(str::to_owned);
                    country_text.set(text);
                    ctx.draft.update(|d| d.country = code.unwrap_or_default());
                    if ctx.error("gdc-country").is_some() { ctx.revalidate() }
                }
                on:blur=move |_| ctx.touch("gdc-country") />
            <datalist id="gdc-country-list">
                {countries.iter().map(|(_, name)| view! { <option value=name.clone()></option> }).collect_view()}
            </datalist>
            {error_line(ctx, "gdc-country")}
        </div>
    }
}

fn about_step(ctx: Ctx) -> impl IntoView {
    view! {
        {step_heading(ctx, Step::About)}
        {radio_group(ctx, "kind", "field.kind", KINDS, |d| &d.kind, |d, v| v.clone_into(&mut d.kind))}
        {error_line(ctx, "gdc-kind")}
        <div class="gdc-event" hidden=move || ctx.draft.with(|d| d.kind != "consultation")>
            {text_field(ctx, "gdc-event-title", "field.event_title", "text", "off", |d| d.event_title.clone(), |d, v| d.event_title = v)}
            {text_field(ctx, "gdc-event-date", "field.event_date", "date", "off", |d| d.event_date.clone(), |d, v| d.event_date = v)}
            {text_field(ctx, "gdc-event-participants", "field.event_participants", "number", "off",
                |d| d.event_participants.clone(), |d, v| d.event_participants = v)}
        </div>
        {stakeholder_field(ctx, "field.stakeholder")}
        {country_field(ctx, "field.country")}
        {text_field(ctx, "gdc-name", "field.name", "text", "name", |d| d.name.clone(), |d, v| d.name = v)}
        {text_field(ctx, "gdc-organization", "field.organization", "text", "organization",
            |d| d.organization.clone(), |d, v| d.organization = v)}
        {text_field(ctx, "gdc-email", "field.email", "email", "email", |d| d.email.clone(), |d, v| d.email = v)}
    }
}

/// One choice among a few, as radio buttons labelled from the catalog
/// (`<name>.<value>`).
fn radio_group(
    ctx: Ctx,
    name: &'static str,
    legend: &'static str,
    values: &'static [&'static str],
    get: fn(&Draft) -> &String,
    set: fn(&mut Draft, &str),
) -> impl IntoView {
    let group_id = format!("gdc-{name}");
    view! {
        <fieldset class="gdc-field" id=group_id.clone() aria-describedby=format!("{group_id}-error")>
            <legend>{ctx.tr(legend)}</legend>
            {values.iter().map(|value| {
                let id = format!("gdc-{name}-{value}");
                view! {
                    <div class="gdc-check">
                        <input type="radio" name=name id=id.clone() value=*value
                            prop:checked=move || ctx.draft.with(|d| get(d) == value)
                            on:change=move |_| ctx.draft.update(|d| set(d, value)) />
                        <label for=id>{ctx.tr(&format!("{name}.{value}"))}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A yes-or-no choice bound to one field of the draft.
fn checkbox(
    ctx: Ctx,
    dom_id: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    get: fn(&Draft) -> bool,
    set: fn(&mut Draft, bool),
) -> impl IntoView {
    let hint_id = format!("{dom_id}-hint");
    view! {
        <div class="gdc-check gdc-field">
            <input type="checkbox" id=dom_id aria-describedby=hint.map(|_| hint_id.clone())
                prop:checked=move || ctx.draft.with(get)
                on:change=move |ev| ctx.draft.update(|d| set(d, event_target_checked(&ev))) />
            <label for=dom_id>{ctx.tr(label)}</label>
            {hint.map(|h| view! { <p id=hint_id.clone() class="gdc-hint">{ctx.tr(h)}</p> })}
        </div>
    }
}

fn privacy_step(ctx: Ctx) -> impl IntoView {
    view! {
        {step_heading(ctx, Step::Privacy)}
        <p class="gdc-intro">{ctx.tr("privacy.intro")}</p>
        {checkbox(ctx, "gdc-publish", "field.publish", Some("field.publish.hint"), |d| d.publish, |d, v| d.publish = v)}
        <div hidden=move || !ctx.draft.with(|d| d.publish)>
            {radio_group(ctx, "attribution", "field.attribution", ATTRIBUTIONS, |d| &d.attribution,
                |d, v| v.clone_into(&mut d.attribution))}
        </div>
        {error_line(ctx, "gdc-attribution")}
        {checkbox(ctx, "gdc-contact", "field.contact", None, |d| d.contact, |d, v| d.contact = v)}
    }
}

/// Everything typed, shown back as text (so escaped), with links to edit.
fn review_step(ctx: Ctx) -> impl IntoView {
    let d = ctx.draft.get_untracked();
    let questions = ctx.config.with_value(|c| c.consultation.questions);
    let none = ctx.tr("review.none");
    let or_none = move |s: &str| if s.trim().is_empty() { none.clone() } else { s.to_owned() };
    let yes_no = move |b: bool| ctx.tr(if b { "yes" } else { "no" });
    let edit = move |step: Step| {
        view! { <button type="button" class="gdc-edit" on:click=move |_| ctx.go(step)>{ctx.tr("edit")}" · "{ctx.tr(step.key())}</button> }
    };
    let country = ctx.country_name(&d.country);
    let about: Vec<(String, String)> = [
        ("field.kind", ctx.tr(&format!("kind.{}", d.kind))),
        ("field.stakeholder", ctx.tr(&format!("stakeholder.{}", d.stakeholder))),
        ("field.country", country),
        ("field.name", or_none(&d.name)),
        ("field.organization", or_none(&d.organization)),
        ("field.email", or_none(&d.email)),
    ]
    .into_iter()
    .chain(
        (d.kind == "consultation")
            .then(|| {
                [
                    ("field.event_title", d.event_title.clone()),
                    ("field.event_date", d.event_date.clone()),
                    ("field.event_participants", d.event_participants.clone()),
                ]
            })
            .into_iter()
            .flatten(),
    )
    .map(|(k, v)| (ctx.tr(k), v))
    .collect();
    view! {
        {step_heading(ctx, Step::Review)}
        <p class="gdc-intro">{ctx.tr("review.intro")}</p>
        <section class="gdc-review" aria-labelledby="gdc-review-answers">
            <h4 id="gdc-review-answers">{ctx.tr(Step::Answers.key())}</h4>
            {d.topics.iter().map(|topic| view! {
                <h5>{ctx.tr(&format!("topic.{topic}"))}</h5>
                <dl>
                    {questions.iter().map(|q| view! {
                        <dt>{ctx.tr(&format!("question.{}", q.id))}</dt>
                        <dd class="gdc-review-text">{or_none(&d.answer(topic, q.id))}</dd>
                    }).collect_view()}
                </dl>
            }).collect_view()}
            {edit(Step::Answers)}
        </section>
        <section class="gdc-review" aria-labelledby="gdc-review-about">
            <h4 id="gdc-review-about">{ctx.tr(Step::About.key())}</h4>
            <dl>
                {about.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            {edit(Step::About)}
        </section>
        <section class="gdc-review" aria-labelledby="gdc-review-privacy">
            <h4 id="gdc-review-privacy">{ctx.tr(Step::Privacy.key())}</h4>
            <dl>
                <dt>{ctx.tr("field.publish")}</dt><dd>{yes_no(d.publish)}</dd>
                {d.publish.then(|| view! {
                    <dt>{ctx.tr("field.attribution")}</dt><dd>{ctx.tr(&format!("attribution.{}", d.attribution))}</dd>
                })}
                <dt>{ctx.tr("field.contact")}</dt><dd>{yes_no(d.contact)}</dd>
            </dl>
            {edit(Step::Privacy)}
        </section>
    }
}
