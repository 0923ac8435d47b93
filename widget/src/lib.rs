//! gdc-widget: the consultation form, rendered client-side by Leptos and
//! compiled to Wasm. The host (the iframe's embed page, or the loader in
//! inline mode) calls [`mount`] with an element and a query string.

pub mod delivery;
pub mod i18n;
pub mod model;

// On the server (feature `ssr`) only the views render; the browser's
// side of them (sending, drafts, events) is there but never runs.
#[cfg(any(target_arch = "wasm32", feature = "ssr"))]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod app;
#[cfg(any(target_arch = "wasm32", feature = "ssr"))]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod browser;
#[cfg(feature = "ssr")]
pub mod ssr;

#[cfg(target_arch = "wasm32")]
pub use wasm::mount;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::cell::Cell;
    use std::rc::Rc;

    use wasm_bindgen::prelude::*;

    use crate::app::{Live, Seed, Start};
    use crate::browser::Lifetime;
    use crate::browser::dom::emit;
    use crate::browser::intl;
    use crate::browser::takeover::{self, Served};
    use crate::i18n::{self, Texts};
    use crate::model::WidgetConfig;
    use crate::model::{Draft, Step};

    /// The keys a host may pass in the query string.
    const KEYS: [&str; 9] = ["site", "topics", "lang", "theme", "variant", "question", "api", "allowed", "token"];

    /// A widget mounted in an element, as the host script holds it: it can
    /// be reconfigured live ([`Widget::update`]) and removed
    /// ([`Widget::unmount`]), leaving no listener or timer behind.
    #[wasm_bindgen]
    pub struct Widget {
        root: web_sys::HtmlElement,
        config: WidgetConfig,
        token: Option<String>,
        texts: Texts,
        mounted: Option<Mounted>,
    }

    impl std::fmt::Debug for Widget {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("Widget").field("config", &self.config).field("mounted", &self.mounted.is_some()).finish()
        }
    }

    struct Mounted {
        /// Dropping it removes the view and runs the app's clean-ups.
        view: Box<dyn std::any::Any>,
        live: Rc<Cell<Option<Live>>>,
        life: Lifetime,
    }

    impl Mounted {
        fn unmount(self) -> Option<Seed> {
            let seed = self.live.get().map(Live::seed);
            drop(self.view);
            // Ended here, not in the app's clean-ups: a task waiting to retry
            // holds the app's reactive owner, so those run only once it has
            // woken up and returned.
            self.life.end();
            seed
        }
    }

    /// Reads the configuration from `query`
    /// (`site=…&topics=…&lang=…&theme=…&api=…&token=…`), warning in the
    /// console about what it ignored.
    fn configure(query: &str) -> Result<(WidgetConfig, Option<String>), JsValue> {
        let params = web_sys::UrlSearchParams::new_with_str(query)?;
        let pairs: Vec<(&str, String)> = KEYS.iter().filter_map(|k| Some((*k, params.get(k)?))).collect();
        let (config, warnings) = WidgetConfig::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        for w in warnings {
            web_sys::console::warn_1(&w.into());
        }
        let token = pairs.iter().find(|(k, v)| *k == "token" && v.starts_with("v1.")).map(|(_, v)| v.clone());
        Ok((config, token))
    }

    impl Widget {
        fn render(&mut self, seed: Option<Seed>) -> Result<(), JsValue> {
            let root = &self.root;
            root.set_attribute("lang", &self.config.lang)?;
            root.set_attribute("dir", if self.config.is_rtl() { "rtl" } else { "ltr" })?;
            root.set_attribute("data-theme", &self.config.theme)?;
            root.class_list().add_1("gdc")?;
            let (live, life) = (Rc::new(Cell::new(None)), Lifetime::default());
            let texts = self.texts.clone();
            let start = Start { seed, token: self.token.clone(), life: life.clone(), live: live.clone(), texts };
            let (config, host) = (self.config.clone(), root.clone());
            let view = leptos::mount::mount_to(root.clone(), move || crate::app::app(config, host, start));
            self.mounted = Some(Mounted { view: Box::new(view), live, life });
            Ok(())
        }
    }

    #[wasm_bindgen]
    impl Widget {
        /// Applies a new configuration, with the texts of its language
        /// (the JSON object the host fetched): a theme is restyled in
        /// place; a new language, topic list or variant rebuilds the form
        /// from what the visitor has typed and the step they are on.
        pub fn update(&mut self, query: &str, texts: JsValue) -> Result<(), JsValue> {
            let (config, token) = configure(query)?;
            self.token = token.or(self.token.take());
            self.texts = i18n::from_js(&config.lang, &texts);
            let rebuild = self.config.needs_rebuild(&config);
            self.config = config;
            if !rebuild {
                return self.root.set_attribute("data-theme", &self.config.theme);
            }
            let seed = self.mounted.take().and_then(Mounted::unmount);
            self.render(seed)
        }

        /// Removes the widget: its view, its listeners, its timers. What was
        /// typed stays saved as a draft on this device.
        pub fn unmount(mut self) {
            if let Some(m) = self.mounted.take() {
                m.unmount();
            }
            self.root.class_list().remove_1("gdc").ok();
        }
    }

    /// The seed of a widget taking over what the server rendered; none when
    /// the visitor has not touched it (a draft saved on this device wins).
    fn seed_from(served: Served, config: &WidgetConfig, token: Option<String>) -> Option<Seed> {
        let (posted, errors) = match served {
            Served::Receipt(reference) => {
                let id = reference.clone();
                return Some(Seed::served(Draft::default(), Step::Topics, id, token, Some(reference), None, false));
            }
            Served::Form(posted, errors) => (posted, errors),
        };
        let typed_country = posted.country_text.as_deref().is_some_and(|t| !t.trim().is_empty());
        if posted.draft == Draft::default() && posted.step == Step::Topics && !typed_country && !errors {
            return None;
        }
        let mut draft = posted.draft;
        let mut unnamed = None;
        if let Some(text) = posted.country_text.filter(|t| !t.trim().is_empty()) {
            match intl::find_by_name(&config.lang, &intl::countries(&config.lang), &text) {
                Some(code) => code.clone_into(&mut draft.country),
                None => {
                    draft.country.clear();
                    unnamed = Some(text);
                }
            }
        }
        let id = posted.id.unwrap_or_else(crate::browser::new_id);
        Some(Seed::served(draft, posted.step, id, posted.token.or(token), None, unnamed, errors))
    }

    /// Renders the widget into `root`, configured by `query`, with the
    /// texts of its language (the JSON object the host fetched), and fires
    /// `gdc:ready` on `root` with the consultation's name in that language
    /// (the host's frame title).
    #[wasm_bindgen]
    pub fn mount(root: web_sys::HtmlElement, query: &str, texts: JsValue) -> Result<Widget, JsValue> {
        console_error_panic_hook::set_once();
        let (config, token) = configure(query)?;
        let texts = i18n::from_js(&config.lang, &texts);
        let title = texts.get("consultation-name");
        // The form the companion rendered into `root`, if it did: what the
        // visitor typed into it, and where their caret is, carry over.
        let seed = takeover::read(&root, &config).and_then(|served| seed_from(served, &config, token.clone()));
        let caret = takeover::caret(&root);
        root.set_inner_html("");
        root.remove_attribute("data-served")?;
        let mut widget = Widget { root: root.clone(), config, token, texts, mounted: None };
        widget.render(seed)?;
        if let Some(caret) = caret {
            takeover::restore(&root, caret);
        }
        emit(&root, "gdc:ready", &[("title", &title)]);
        Ok(widget)
    }
}
