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
use self::ctx::{Ctx, Phase};
use self::delivery::Sender;
use self::full_form::FullForm;
use self::language::LanguageMenu;
use self::others::Others;
use self::receipt::Receipt;
use crate::browser::{self, Lifetime, storage};
use crate::model::{Draft, Step, Variant, WidgetConfig};

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
}

/// A handle on a mounted widget's state, to take its [`Seed`] before it is
/// rebuilt. Valid until the widget is unmounted.
#[derive(Clone, Copy)]
pub struct Live {
    ctx: Ctx,
    token: RwSignal<Option<String>>,
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
    let (draft, step, id, saved_token, done, focus_language) = match seed {
        Some(s) => (s.draft.rebase(&config), s.step, Some(s.id), s.token, s.done, s.focus_language),
        None => {
            let stored = storage::load_draft(&config);
            (stored.draft, Step::Topics, stored.id, stored.token, None, false)
        }
    };
    let token = RwSignal::new(saved_token.or(page_token));
    let variant = config.variant;
    let ctx = Ctx {
        config: StoredValue::new(config),
        draft: RwSignal::new(draft),
        step: RwSignal::new(step),
        errors: RwSignal::new(Vec::new()),
        touched: RwSignal::new(Vec::new()),
        // Made once per contribution and kept with the draft: retries and
        // reloads reuse it, so the companion stores it once whatever happens.
        id: RwSignal::new(id.unwrap_or_else(browser::new_id)),
        phase: RwSignal::new(done.map_or(Phase::Editing, Phase::Done)),
        host: StoredValue::new_local(host),
        countries: StoredValue::new(None),
        texts: StoredValue::new(texts),
        language_asked: StoredValue::new(false),
    };
    live.set(Some(Live { ctx, token }));
    if focus_language {
        browser::dom::focus_selector(ctx.host.get_value(), "#gdc-lang");
    }
    // Hidden from people and from assistive technology; bots fill it in.
    let (honeypot, set_honeypot) = signal(String::new());
    let sender = Sender::new(ctx, token, honeypot, life);
    sender.fetch_token_if_missing();
    autosave::autosave(ctx, token);
    sender.resume();

    let form = match variant {
        Variant::Compact => view! { <CompactForm ctx=ctx sender=sender set_honeypot=set_honeypot /> }.into_any(),
        Variant::Full => view! { <FullForm ctx=ctx sender=sender set_honeypot=set_honeypot /> }.into_any(),
    };
    let done = move || matches!(ctx.phase.get(), Phase::Done(_));
    let others = (variant == Variant::Full).then(|| view! { <Others ctx=ctx /> });
    view! {
        <LanguageMenu ctx=ctx />
        <div hidden=done>{form}</div>
        {move || match ctx.phase.get() {
            Phase::Done(reference) => Some(view! { <Receipt ctx=ctx reference=reference /> }),
            _ => None,
        }}
        {others}
    }
}
