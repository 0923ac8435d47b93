//! The language menu: each of the six UN languages named in itself. A
//! choice is asked of the host (`gdc:language`), which fetches that
//! language's texts and rebuilds the widget from what the visitor typed.

use leptos::prelude::*;

use super::ctx::Ctx;
use crate::browser::intl;
use crate::model::form;

/// A disclosure (`<details>`) that names the current language and, opened,
/// lists the catalogs' languages as buttons, each in its own language
/// (`lang`), so a screen reader says "français" in French.
///
/// Not a `<select>`: a select lays out every option's name to size itself,
/// so the page's first layout looked up fonts for Arabic and Chinese
/// script on every first visit (about 8 ms of a fresh browser's first
/// layout here, before the form could show). Closed, the list is not laid
/// out; it is the same one click to open and one to choose.
#[component(transparent)]
pub fn LanguageMenu(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    let current = ctx.lang();
    // Without the Wasm, a button posts the form with everything typed and
    // its language (`gdc-lang`), which comes back in that language.
    let served = ctx.post.with_value(Option::is_some);
    let choose = move |lang: &'static str| {
        if lang != ctx.lang() {
            ctx.language_asked.set_value(true);
            ctx.emit("gdc:language", &[("lang", lang)]);
        }
    };
    view! {
        <details class="gdc-lang">
            <summary id="gdc-lang">
                <span class="gdc-lang-label">{ctx.tr("language")}</span>
                <span class="gdc-lang-current" lang=current.clone()>{intl::autonym(&current)}</span>
            </summary>
            <ul class="gdc-lang-list">
                {gdc_i18n::LANGUAGES.iter().map(|&code| {
                    let here = (code == current).then_some("true");
                    view! {
                        <li>
                            <button type={if served { "submit" } else { "button" }} form=served.then_some(form::FORM_ID)
                                name=served.then_some(form::LANG) value=code formnovalidate=served lang=code
                                aria-current=here on:click=move |_| if !served { choose(code) }>
                                {intl::autonym(code)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}
