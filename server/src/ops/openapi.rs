//! The OpenAPI document, derived with utoipa from the handlers' own
//! annotations and the wire types of `gdc-core` (whose schemas come from
//! the same constants the parser checks): it cannot drift from the server
//! the way a hand-written file did. A test compares its paths with the
//! route table, and schemathesis runs against it in `cargo xtask test`.

use std::sync::LazyLock;

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::companion::{assets, form, intake, site_check, token};
use crate::http::error;
use crate::ops::health;
use crate::{central, feed};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gdc-server",
        version = "1",
        description = "Companion server and central store of the embeddable Global Digital Compact consultation \
                       widget. The v1 wire contract is described in docs/wire-contract.md. Every refusal is the \
                       JSON `ErrorBody` unless an operation says otherwise.",
        license(name = "Apache-2.0"),
    ),
    paths(
        intake::submit,
        token::issue_token,
        central::batches::receive_batch,
        central::export::export,
        central::stats::stats,
        feed::contributions,
        super::openapi_document,
        health::healthz,
        health::readyz,
        health::metrics,
        assets::loader,
        assets::asset,
        site_check::site_info,
        form::page_get,
        form::page_post,
        form::fragment_get,
        form::fragment_post,
    ),
    components(schemas(error::ErrorBody, gdc_core::FieldError, gdc_core::ErrorCode)),
    modifiers(&BearerAuth),
)]
struct Api;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as served at `/v1/openapi.json`, made once.
pub fn document() -> &'static str {
    static DOCUMENT: LazyLock<String> =
        LazyLock::new(|| Api::openapi().to_pretty_json().expect("the OpenAPI document serialises"));
    &DOCUMENT
}
