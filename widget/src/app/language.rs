//! The language menu: each of the six UN languages named in itself. A
//! choice is asked of the host (`gdc:language`), which fetches that
//! language's texts and rebuilds the widget from what the visitor typed.

use leptos::prelude::*;

use super::ctx::Ctx;
use crate::browser::intl;
use crate::model::form::{self, Go};

/// A small `<select>` of the catalogs' languages, each option in its own
/// language (`lang`), so a screen reader says "français" in French.
#[component(transparent)]
pub fn LanguageMenu(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    let current = ctx.lang();
    let choose = move |ev: leptos::ev::Event| {
        let lang = event_target_value(&ev);
        if lang != ctx.lang() {
            ctx.language_asked.set_value(true);
            ctx.emit("gdc:language", &[("lang", &lang)]);
        }
    };
    view! {
        <div class="gdc-lang">
            <label for="gdc-lang">{ctx.tr("language")}</label>
            <select id="gdc-lang" name=form::LANG form=form::FORM_ID on:change=choose>
                {gdc_i18n::LANGUAGES.iter().map(|code| view! {
                    <option value=*code lang=*code selected=*code == current>{intl::autonym(code)}</option>
                }).collect_view()}
            </select>
            // Without the Wasm, the menu's choice is posted with the form,
            // which comes back in that language with everything typed.
            {ctx.post.with_value(Option::is_some).then(|| view! {
                <button type="submit" form=form::FORM_ID name=form::GO value=Go::Language.value() class="gdc-lang-go"
                    formnovalidate>
                    {ctx.tr("language-change")}
                </button>
            })}
        </div>
    }
}
