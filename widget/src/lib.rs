//! gdc-widget: the consultation form, rendered client-side by Leptos and
//! compiled to Wasm. The host (the iframe's embed page, or the loader in
//! inline mode) calls [`mount`] with an element and a query string.

pub mod i18n;
pub mod model;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod browser;

#[cfg(target_arch = "wasm32")]
pub use wasm::mount;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::prelude::*;

    use crate::browser::emit;
    use crate::model::WidgetConfig;

    /// Renders the widget into `root`, configured by `query`
    /// (`site=…&topics=…&lang=…&theme=…`), and fires `gdc:ready` on `root`.
    #[wasm_bindgen]
    pub fn mount(root: web_sys::HtmlElement, query: &str) -> Result<(), JsValue> {
        console_error_panic_hook::set_once();
        let params = web_sys::UrlSearchParams::new_with_str(query)?;
        let mut pairs = Vec::new();
        for key in ["site", "topics", "lang", "theme", "variant", "question"] {
            if let Some(v) = params.get(key) {
                pairs.push((key, v));
            }
        }
        if let Some(allowed) = crate::browser::page_meta("gdc-allowed-topics").filter(|t| !t.starts_with("__")) {
            pairs.push(("allowed", allowed));
        }
        let (config, warnings) = WidgetConfig::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
        for w in warnings {
            web_sys::console::warn_1(&w.into());
        }
        root.set_attribute("lang", &config.lang)?;
        root.set_attribute("dir", if config.is_rtl() { "rtl" } else { "ltr" })?;
        root.set_attribute("data-theme", &config.theme)?;
        root.class_list().add_1("gdc")?;
        let host = root.clone();
        leptos::mount::mount_to(root.clone(), move || crate::app::app(config, host)).forget();
        emit(&root, "gdc:ready", &[]);
        Ok(())
    }
}
