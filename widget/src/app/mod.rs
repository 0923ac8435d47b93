//! The form bound to the DOM with Leptos: a short stepper (topics, answers,
//! about you, privacy, review) or the compact variant, then a receipt.
//! State and rules live in plain model types ([`crate::model`]); this module
//! starts a mounted widget ([`app`]) and composes the views, each in a
//! file of its own: [`ctx`] what they share, [`delivery`] sending,
//! [`autosave`] the draft kept as typed, [`full_form`] and [`steps`],
//! [`compact`], [`receipt`], [`others`], [`language`], and the [`fields`] both forms use.
//!
//! The components are `transparent`: their bodies are not wrapped in
//! `untrack`, as the plain functions they replaced were not. None reads a
//! signal outside a closure (they read with `*_untracked` or `StoredValue`),
//! so the wrapper would change nothing but the size: about 500 bytes of
//! brotli Wasm for the nineteen of them.

mod autosave;
mod compact;
mod ctx;
mod delivery;
mod fields;
mod footer;
mod full_form;
mod language;
mod others;
mod receipt;
mod steps;

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;

use self::compact::CompactForm;
use self::ctx::Ctx;
pub use self::ctx::{Phase, Post};
use self::delivery::Sender;
use self::full_form::FullForm;
use self::language::LanguageMenu;
use self::others::Others;
use self::receipt::Receipt;
use crate::browser::{self, Lifetime, storage};
use crate::model::{Draft, Step, Variant, WidgetConfig, form};

/// What a rebuilt widget starts from: the state of the one it replaces
/// (an attribute such as the language changed), so nothing typed is lost.
pub struct Seed {
    draft: Draft,
    step: Step,
    id: String,
    token: Option<String>,
    done: Option<String>,
    /// The visitor asked for another language from the menu: focus it.
    focus_language: bool,
    /// The country box's text, when it names no country.
    country_text: Option<String>,
    /// The server showed the step's errors: show them again.
    recheck: bool,
}

/// A handle on a mounted widget's state, to take its [`Seed`] before it is
/// rebuilt. Valid until the widget is unmounted.
#[derive(Clone, Copy)]
pub struct Live {
    ctx: Ctx,
    token: RwSignal<Option<String>>,
}

impl Seed {
    /// The state of a widget the server rendered, as read from its form
    /// (or its receipt), so that the Wasm's widget replaces it in place;
    /// `country_text` is the country box's text when it names no country.
    pub fn served(
        draft: Draft,
        step: Step,
        id: String,
        token: Option<String>,
        done: Option<String>,
        country_text: Option<String>,
        recheck: bool,
    ) -> Self {
        Self { draft, step, id, token, done, focus_language: false, country_text, recheck }
    }
}

impl Live {
    pub fn seed(self) -> Seed {
        Seed {
            draft: self.ctx.draft.get_untracked(),
            step: self.ctx.step.get_untracked(),
            id: self.ctx.id.get_untracked(),
            token: self.token.get_untracked(),
            done: match self.ctx.phase.get_untracked() {
                Phase::Done(reference) => Some(reference),
                _ => None,
            },
            focus_language: self.ctx.language_asked.get_value(),
            country_text: None,
            recheck: false,
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
    pub life: Lifetime,
    /// Where the app leaves its [`Live`] handle.
    pub live: Rc<Cell<Option<Live>>>,
    /// Every text, in the configured language.
    pub texts: crate::i18n::Texts,
}

/// The whole widget, bound to the element it is mounted in (events go there).
pub fn app(config: WidgetConfig, host: web_sys::HtmlElement, start: Start) -> impl IntoView {
    let Start { seed, token: page_token, life, live, texts } = start;
    let country_text = seed.as_ref().and_then(|s| s.country_text.clone());
    let recheck = seed.as_ref().is_some_and(|s| s.recheck);
    let (draft, step, id, saved_token, done, focus_language) = match seed {
        Some(s) => (s.draft.rebase(&config), s.step, Some(s.id), s.token, s.done, s.focus_language),
        None => {
            let stored = storage::load_draft(&config);
            (stored.draft, Step::Topics, stored.id, stored.token, None, false)
        }
    };
    let token = RwSignal::new(saved_token.or(page_token));
    // Made once per contribution and kept with the draft: retries and
    // reloads reuse it, so the companion stores it once whatever happens.
    let id = id.unwrap_or_else(browser::new_id);
    let phase = done.map_or(Phase::Editing, Phase::Done);
    let ctx = Ctx::new(config, Some(host), texts, State { draft, step, id, phase, post: None, country_text });
    live.set(Some(Live { ctx, token }));
    if focus_language {
        ctx.focus("#gdc-lang");
    }
    if recheck {
        ctx.recheck();
    }
    // Hidden from people and from assistive technology; bots fill it in.
    let (honeypot, set_honeypot) = signal(String::new());
    let sender = Sender::new(ctx, token, honeypot, life);
    sender.fetch_token_if_missing();
    autosave::autosave(ctx, token);
    sender.resume();
    compose(ctx, sender, set_honeypot, true)
}

/// Where a widget starts: what was typed, the step, the contribution's id,
/// how far sending went, and where the form posts without the Wasm.
#[derive(Debug)]
pub struct State {
    pub draft: Draft,
    pub step: Step,
    pub id: String,
    pub phase: Phase,
    /// How the form posts when the browser sends it itself (no Wasm yet,
    /// or none at all): set when the server renders it.
    pub post: Option<Post>,
    /// The country as typed, when it names no country (yet): shown as typed.
    pub country_text: Option<String>,
}

/// The views of a widget, in the browser and on the server alike; the feed
/// of what others said is the browser's only (it is fetched when opened).
fn compose(ctx: Ctx, sender: Sender, set_honeypot: WriteSignal<String>, others: bool) -> impl IntoView {
    let variant = ctx.config().variant;
    let form = match variant {
        Variant::Compact => view! { <CompactForm ctx=ctx sender=sender set_honeypot=set_honeypot /> }.into_any(),
        Variant::Full => view! { <FullForm ctx=ctx sender=sender set_honeypot=set_honeypot /> }.into_any(),
    };
    let done = move || matches!(ctx.phase.get(), Phase::Done(_));
    let others = (others && variant == Variant::Full).then(|| view! { <Others ctx=ctx /> });
    view! {
        {default_button(ctx)}
        <LanguageMenu ctx=ctx />
        <div hidden=done>{form}</div>
        {move || match ctx.phase.get() {
            Phase::Done(reference) => Some(view! { <Receipt ctx=ctx reference=reference /> }),
            _ => None,
        }}
        {others}
    }
}

/// In a form the server renders, the button Enter presses (a form's first
/// submit button in the page, so it stands before the language menu's):
/// "Next" or "Send", never "Back" or "Change language". The Wasm's form
/// handles Enter itself and has none.
fn default_button(ctx: Ctx) -> Option<impl IntoView> {
    ctx.post.with_value(Option::is_some).then(|| {
        let last = ctx.config().variant == Variant::Compact || ctx.step.get_untracked() == Step::Review;
        let go = if last { form::Go::Send } else { form::Go::Next };
        view! {
            <button type="submit" form=form::FORM_ID name=form::GO value=go.value() class="gdc-default" tabindex="-1"
                aria-hidden="true"></button>
        }
    })
}

/// The widget rendered to HTML by the companion, from the same views: a
/// form that works as it is (it posts to `state.post`) and that the
/// Wasm takes over in place. `errors` are shown beside their fields.
#[cfg(feature = "ssr")]
pub fn render(
    config: WidgetConfig,
    texts: crate::i18n::Texts,
    state: State,
    errors: &[gdc_core::FieldError],
) -> String {
    let owner = Owner::new();
    owner.with(|| {
        let ctx = Ctx::new(config, None, texts, state);
        ctx.show(errors);
        let (honeypot, set_honeypot) = signal(String::new());
        let sender = Sender::new(ctx, RwSignal::new(None), honeypot, Lifetime::default());
        compose(ctx, sender, set_honeypot, false).to_html()
    })
}
