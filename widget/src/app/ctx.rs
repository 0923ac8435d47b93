//! What every view of one mounted widget shares: the configuration, the
//! draft, the step, the errors on display, the phase of sending, and the
//! moves between steps. All of it `Copy`, so views take it by value.
//! Its signals are `RwSignal`s rather than `(value, set_value)` pairs:
//! nearly every view both reads and writes them, and one handle per field
//! keeps the struct half the size.

use std::sync::Arc;

use gdc_core::FieldError;
use leptos::prelude::*;

use crate::browser::storage::Queued;
use crate::browser::{self, dom, intl, storage};
use crate::i18n::{self, Texts};
use crate::model::{Draft, Step, WidgetConfig};

/// Where the contribution is between the form and the companion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Editing,
    Sending,
    /// Kept on this device; sent when the connection allows.
    Queued,
    /// Refused for good by the companion: kept on this device, shown to
    /// the visitor to copy, sent again only when they ask.
    Refused(Queued),
    /// Acknowledged by the companion, with the contribution's id as the
    /// visitor's reference.
    Done(String),
}

/// Everything the views share; all of it `Copy`.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// Read with [`Ctx::config`].
    pub config: StoredValue<Arc<WidgetConfig>>,
    pub draft: RwSignal<Draft>,
    pub step: RwSignal<Step>,
    /// Errors on display, as (element id, catalog text).
    pub errors: RwSignal<Vec<(String, String)>>,
    /// Element ids the visitor has left at least once.
    pub touched: RwSignal<Vec<String>>,
    pub id: RwSignal<String>,
    pub phase: RwSignal<Phase>,
    /// The element the widget is mounted in; none when rendered on the
    /// server, where nothing is focused and no event is sent.
    pub host: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    /// Country codes and names in the visitor's language, sorted; built on
    /// first use and shared by every view that lists or names countries.
    pub countries: StoredValue<Option<Countries>>,
    /// Every text, in the visitor's language.
    pub texts: StoredValue<Texts>,
    /// Whether the visitor asked for another language: the widget built
    /// in it puts focus back on the language menu.
    pub language_asked: StoredValue<bool>,
    /// How the form posts when the browser sends it itself: set when the
    /// server renders it, none once the Wasm runs it.
    pub post: StoredValue<Option<Post>>,
    /// The country box's text when it names no country, as typed before
    /// the Wasm took over or as posted to the server.
    pub country_text: StoredValue<Option<String>>,
}

/// What a server-rendered form needs to post by itself.
#[derive(Debug, Clone)]
pub struct Post {
    /// The companion's form route, with the widget's configuration.
    pub action: String,
    /// The form token issued with the page.
    #[cfg_attr(
        not(feature = "ssr"),
        expect(dead_code, reason = "read only by the server's render, which carries it in a hidden field")
    )]
    pub token: Option<String>,
    /// The catalog id of a notice about the last post (it was not taken).
    pub notice: Option<&'static str>,
}

pub type Countries = Arc<Vec<(&'static str, String)>>;

impl Ctx {
    /// The shared state of a widget starting from `state`.
    pub fn new(config: WidgetConfig, host: Option<web_sys::HtmlElement>, texts: Texts, state: super::State) -> Self {
        let super::State { draft, step, id, phase, post, country_text } = state;
        Self {
            config: StoredValue::new(Arc::new(config)),
            draft: RwSignal::new(draft),
            step: RwSignal::new(step),
            errors: RwSignal::new(Vec::new()),
            touched: RwSignal::new(Vec::new()),
            id: RwSignal::new(id),
            phase: RwSignal::new(phase),
            host: StoredValue::new_local(host),
            countries: StoredValue::new(None),
            texts: StoredValue::new(texts),
            language_asked: StoredValue::new(false),
            post: StoredValue::new(post),
            country_text: StoredValue::new(country_text),
        }
    }

    /// The URL the form posts to, when the server rendered it.
    pub fn action(self) -> Option<String> {
        self.post.with_value(|p| p.as_ref().map(|p| p.action.clone()))
    }

    /// Puts focus on the first element matching `selector` (in a browser).
    pub fn focus(self, selector: &'static str) {
        if let Some(host) = self.host.get_value() {
            dom::focus_selector(host, selector);
        }
    }

    /// Puts focus on the first field in error (in a browser).
    pub fn focus_first_invalid(self) {
        if let Some(host) = self.host.get_value() {
            dom::focus_first_invalid(host);
        }
    }

    /// Sends the host page the event `name` (in a browser).
    pub fn emit(self, name: &str, detail: &[(&str, &str)]) {
        if let Some(host) = self.host.get_value() {
            dom::emit(&host, name, detail);
        }
    }

    /// The text `id` in the visitor's language.
    pub fn tr(self, id: &str) -> String {
        self.texts.with_value(|t| t.get(id))
    }

    /// The text `id` with its variables filled in.
    pub fn tr_with(self, id: &str, args: &[(&str, &str)]) -> String {
        self.texts.with_value(|t| t.with(id, args))
    }

    /// The text `id` for the count `n` (variable `name`): the words of its
    /// plural category, the number in the locale's digits.
    pub fn count(self, id: &str, name: &str, n: usize) -> String {
        let lang = self.lang();
        let category = intl::plural_category(&lang, n);
        let number = intl::number(&lang, n);
        self.texts.with_value(|t| t.plural(id, &category, &[(name, &number)]))
    }

    /// A number in the locale's digits.
    pub fn number(self, n: usize) -> String {
        intl::number(&self.lang(), n)
    }

    /// The configuration. One `get_value` of an `Arc` for every reader,
    /// rather than a `with_value` per closure: each of those was its own
    /// copy of the reactive arena's access code in the Wasm.
    pub fn config(self) -> Arc<WidgetConfig> {
        self.config.get_value()
    }

    /// The visitor's language.
    pub fn lang(self) -> String {
        self.config().lang.clone()
    }

    pub fn countries(self) -> Countries {
        if let Some(list) = self.countries.get_value() {
            return list;
        }
        let list: Countries = Arc::new(intl::countries(&self.config().lang));
        self.countries.set_value(Some(list.clone()));
        list
    }

    /// The name of the country with this code, or nothing.
    pub fn country_name(self, code: &str) -> String {
        self.countries().iter().find(|(c, _)| *c == code).map(|(_, n)| n.clone()).unwrap_or_default()
    }

    pub fn error(self, dom_id: &str) -> Option<String> {
        self.errors.read().iter().find(|(id, _)| id == dom_id).map(|(_, m)| m.clone())
    }

    pub fn invalid(self, dom_id: impl Into<Arc<str>>) -> impl Fn() -> String + Clone {
        let dom_id = dom_id.into();
        move || self.error(&dom_id).is_some().to_string()
    }

    /// Whether a contribution is on its way (the submit button waits).
    pub fn sending(self) -> bool {
        matches!(self.phase.get(), Phase::Sending | Phase::Queued)
    }

    /// The submit button's text: "Send", or "Sending…" while on the way.
    pub fn submit_label(self) -> String {
        if self.sending() { self.tr("sending") } else { self.tr("submit") }
    }

    /// Shows `errors` (from the core) beside their fields.
    pub fn show(self, errors: &[FieldError]) {
        let d = self.draft.read_untracked();
        let shown = errors.iter().map(|e| (d.dom_id(&e.field), self.tr(&i18n::error_key(e.code)))).collect();
        drop(d);
        self.errors.set(shown);
    }

    /// Re-checks the current step, showing errors only for fields the
    /// visitor has already left (so nobody is scolded before typing).
    pub fn revalidate(self) {
        let errors = self.step_errors();
        let touched = self.touched.get_untracked();
        let d = self.draft.read_untracked();
        let visible: Vec<FieldError> = errors.into_iter().filter(|e| touched.contains(&d.dom_id(&e.field))).collect();
        drop(d);
        self.show(&visible);
    }

    pub fn touch(self, dom_id: &str) {
        if !self.touched.read_untracked().iter().any(|x| x == dom_id) {
            self.touched.write().push(dom_id.to_owned());
        }
        self.revalidate();
    }

    fn step_errors(self) -> Vec<FieldError> {
        let step = self.step.get_untracked();
        let id = self.id.get_untracked();
        let config = self.config();
        self.draft.read_untracked().step_errors(step, &id, &config)
    }

    /// Moves to `step` and puts focus on its heading for screen readers.
    pub fn go(self, step: Step) {
        self.errors.set(Vec::new());
        self.step.set(step);
        self.focus(".gdc-step-title");
    }

    /// The step's errors all at once, where they are, without moving
    /// focus: what the companion showed before the Wasm took over.
    pub fn recheck(self) {
        self.reveal(&self.step_errors());
    }

    /// `errors` shown at their fields, which count as touched from now on
    /// (so they stay shown as the visitor types).
    fn reveal(self, errors: &[FieldError]) {
        let ids = self.dom_ids(errors);
        self.touched.write().extend(ids);
        self.show(errors);
    }

    /// The element ids of the fields `errors` are about.
    fn dom_ids(self, errors: &[FieldError]) -> Vec<String> {
        let d = self.draft.read_untracked();
        errors.iter().map(|e| d.dom_id(&e.field)).collect()
    }

    /// "Next": the step's errors all at once, or the next step.
    pub fn next(self) {
        let errors = self.step_errors();
        if errors.is_empty() {
            self.go(self.step.get_untracked().next());
        } else {
            self.reveal(&errors);
            self.focus_first_invalid();
        }
    }

    /// "Start over": the saved draft forgotten, a new contribution (with a
    /// new id) begun on the first step.
    pub fn start_over(self) {
        storage::clear_draft(&self.config());
        // A contribution the companion refused for good, kept for the
        // visitor to copy, goes too: they chose to start again (a queued one
        // still waiting to be sent is never here: the form is locked then).
        if let Phase::Refused(q) = self.phase.get_untracked() {
            storage::clear_queued_if(&self.config(), &q.id);
        }
        self.draft.set(Draft::default());
        self.id.set(browser::new_id());
        self.touched.set(Vec::new());
        self.phase.set(Phase::Editing);
        self.go(Step::Topics);
    }
}
