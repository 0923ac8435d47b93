//! Getting a contribution to the companion: the form token, "Send", and the
//! delivery loop that retries until the companion acknowledges it (or
//! refuses it for good), and "Try again" after a refusal.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::ctx::{Ctx, Phase};
use crate::browser::net::{self, Outcome};
use crate::browser::storage::{self, Queued};
use crate::browser::{Lifetime, dom};
use crate::model::{Backoff, Step, Variant};

/// The widget's sending side; `Copy`, so any view's handler can hold it.
#[derive(Clone, Copy)]
pub struct Sender {
    ctx: Ctx,
    /// The form token sent with the contribution (renewed when refused as
    /// stale, and saved with the draft).
    token: RwSignal<Option<String>>,
    /// The honeypot's value: empty for people.
    honeypot: ReadSignal<String>,
    /// Whether a delivery loop runs: one at a time; the id in the body
    /// makes repeats harmless.
    delivering: StoredValue<bool>,
    life: StoredValue<Lifetime, LocalStorage>,
}

impl Sender {
    pub fn new(ctx: Ctx, token: RwSignal<Option<String>>, honeypot: ReadSignal<String>, life: Lifetime) -> Self {
        Self { ctx, token, honeypot, delivering: StoredValue::new(false), life: StoredValue::new_local(life) }
    }

    /// Asks the companion for a form token when neither the page nor a
    /// saved draft carried one.
    pub fn fetch_token_if_missing(self) {
        if self.token.get_untracked().is_some() {
            return;
        }
        let (config, life, token) = (self.ctx.config(), self.life.get_value(), self.token);
        spawn_local(async move {
            let fetched = net::fetch_token(&config).await;
            if !life.ended() {
                // Issued now, while the visitor starts to read: they take
                // longer than its minimum age to fill the form in.
                token.set(fetched.map(|f| f.token));
            }
        });
    }

    /// Picks up a contribution an earlier visit left on this device.
    pub fn resume(self) {
        match storage::load_queued(&self.ctx.config()) {
            // Refused for good on an earlier visit: shown, not sent by itself.
            Some(q) if q.refused.is_some() => self.ctx.phase.set(Phase::Refused(q)),
            // A contribution from an earlier visit is still waiting: send it.
            Some(q) => {
                self.ctx.phase.set(Phase::Queued);
                self.deliver(q);
            }
            None => {}
        }
    }

    /// "Send": the draft checked as the companion will check it, then kept
    /// on this device and delivered; or the errors shown where they are.
    pub fn send(self) {
        let ctx = self.ctx;
        if matches!(ctx.phase.get_untracked(), Phase::Sending | Phase::Queued) {
            return;
        }
        let id = ctx.id.get_untracked();
        let config = ctx.config();
        let checked = ctx.draft.read_untracked().check(&id, &config);
        let wire = match checked {
            Ok(wire) => wire,
            Err(errors) => {
                if config.variant == Variant::Compact {
                    ctx.show(&errors.0);
                    ctx.focus_first_invalid();
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
        let q = Queued { id: wire.id, body, token: self.token.get_untracked().unwrap_or_default(), refused: None };
        storage::save_queued(&ctx.config(), &q);
        ctx.phase.set(Phase::Sending);
        self.deliver(q);
    }

    /// "Try again" after a refusal: the same contribution sent once more. If
    /// the refusal stands, the loop ends again after that one attempt; if the
    /// network fails meanwhile, it is retried like any queued contribution.
    pub fn try_again(self) {
        let Phase::Refused(mut q) = self.ctx.phase.get_untracked() else { return };
        q.refused = None;
        storage::save_queued(&self.ctx.config(), &q);
        self.ctx.phase.set(Phase::Sending);
        self.deliver(q);
    }

    /// Delivers the queued contribution until the companion acknowledges it:
    /// retried with backoff (or after the companion's `Retry-After`), and at
    /// once when the browser comes back online; a stale form token is renewed
    /// and the same contribution sent again; a refusal for good ends the loop.
    fn deliver(self, mut q: Queued) {
        let Self { ctx, token, honeypot, delivering, .. } = self;
        if delivering.get_value() {
            return;
        }
        delivering.set_value(true);
        let config = ctx.config();
        let url = config.url("/v1/submissions");
        let life = self.life.get_value();
        spawn_local(async move {
            let mut backoff = Backoff::default();
            // Whether `q.token` was fetched just now: a fresh token refused
            // as well is waited on like any failure, not renewed in a loop.
            let mut renewed = false;
            // A removed widget stops here: its queue stays on this device
            // and the next widget on this site sends it.
            while !life.ended() {
                let (why, retry_after) = match net::send(&url, &q.body, &q.token, &honeypot.get_untracked()).await {
                    _ if life.ended() => return,
                    Outcome::Arrived => {
                        storage::clear_queued_if(&config, &q.id);
                        storage::clear_draft(&config);
                        ctx.emit("gdc:submitted", &[("id", &q.id)]);
                        ctx.phase.set(Phase::Done(q.id.clone()));
                        ctx.focus(".gdc-receipt");
                        break;
                    }
                    Outcome::Invalid(errors) => {
                        storage::clear_queued_if(&config, &q.id);
                        ctx.phase.set(Phase::Editing);
                        let first = errors.first().map_or(Step::Review, |e| Step::of_path(&e.field));
                        ctx.go(first);
                        ctx.show(&errors);
                        ctx.focus_first_invalid();
                        break;
                    }
                    Outcome::Refused { reason, why } => {
                        // Kept, marked so that no widget sends it by itself
                        // again: the visitor's text is not lost, and a
                        // refusal is not hammered on.
                        dom::log_error(&format!("gdc: refused, not sent again unless asked: {why}"));
                        q.refused = Some(reason);
                        storage::update_queued(&config, &q);
                        ctx.emit("gdc:error", &[("code", "refused")]);
                        ctx.phase.set(Phase::Refused(q.clone()));
                        ctx.focus(".gdc-refused-title");
                        break;
                    }
                    Outcome::TokenInvalid if !renewed => match net::fetch_token(&config).await {
                        _ if life.ended() => return,
                        Some(fresh) => {
                            // The same contribution (same id and body) with
                            // the new token, kept with it for later tries,
                            // sent once the token is old enough for the
                            // companion to take the sender for a person.
                            q.token.clone_from(&fresh.token);
                            storage::update_queued(&config, &q);
                            token.set(Some(fresh.token));
                            renewed = true;
                            life.sleep_or_online(fresh.min_age_ms).await;
                            continue;
                        }
                        None => ("form token refused; no fresh one yet".to_owned(), None),
                    },
                    Outcome::TokenInvalid => ("a fresh form token was refused too".to_owned(), None),
                    Outcome::Failed { why, retry_after_secs } => (why, retry_after_secs),
                };
                renewed = false;
                dom::log_error(&format!("gdc: not sent yet, will retry: {why}"));
                if backoff.is_fresh() {
                    ctx.emit("gdc:error", &[("code", "queued")]);
                }
                ctx.phase.set(Phase::Queued);
                let wait_ms = backoff.fail(retry_after);
                life.sleep_or_online(i32::try_from(wait_ms).unwrap_or(i32::MAX)).await;
            }
            if !life.ended() {
                delivering.set_value(false);
            }
        });
    }
}
