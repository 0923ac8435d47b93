//! Step 4: whether the contribution may be published, under which
//! attribution, and whether the organisers may write back.

use gdc_core::submission::ATTRIBUTIONS;
use leptos::prelude::*;

use crate::app::ctx::Ctx;
use crate::app::fields::{Checkbox, ErrorLine, RadioGroup, StepHeading};
use crate::model::Step;

/// The consent choices; the attribution only once publishing is chosen.
#[component(transparent)]
pub fn PrivacyStep(
    /// The widget's shared state.
    ctx: Ctx,
) -> impl IntoView {
    view! {
        <StepHeading ctx=ctx step=Step::Privacy />
        <p class="gdc-intro">{ctx.tr("privacy-intro")}</p>
        <Checkbox ctx=ctx dom_id="gdc-publish" label="field-publish" hint="field-publish-hint"
            get=|d| d.publish set=|d, v| d.publish = v />
        <div hidden=move || !ctx.draft.read().publish>
            <RadioGroup ctx=ctx name="attribution" legend="field-attribution" values=ATTRIBUTIONS
                get=|d| &d.attribution set=|d, v| v.clone_into(&mut d.attribution) />
        </div>
        <ErrorLine ctx=ctx dom_id="gdc-attribution" />
        <Checkbox ctx=ctx dom_id="gdc-contact" label="field-contact" get=|d| d.contact set=|d, v| d.contact = v />
    }
}
