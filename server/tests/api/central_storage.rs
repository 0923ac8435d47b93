//! One suite for the central store's storage, run against both engines:
//! SQLite in a fresh file, and PostgreSQL on 127.0.0.1:5432 (or
//! `GDC_TEST_POSTGRES`) in a fresh database per test, dropped afterwards.
//! When no PostgreSQL answers, the PostgreSQL tests fail and say so: they
//! never skip.
//!
//! It is long because it is one suite: every behaviour the two engines must
//! share is here, so that a difference between them shows as one failing
//! test.

use std::collections::BTreeMap;

use gdc_core::{Batch, ItemStatus};
use gdc_server::central::{
    Access, Action, CentralStore, FeedQuery, Moderation, StoreLocation, new_token, storage, token_hash,
};
use serde_json::{Value, json};

use crate::helpers::submission;

/// The server the PostgreSQL tests create their databases on.
fn postgres_admin_url() -> String {
    std::env::var("GDC_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The URL of database `name` on the server of `admin` (whose URL names
/// a database: `postgres://user@host:port/postgres`).
fn database_url(admin: &str, name: &str) -> String {
    format!("{}/{name}", admin.rsplit_once('/').expect("the URL names a database").0)
}

/// A store under test and what to clean up after it.
struct Engine {
    store: CentralStore,
    location: StoreLocation,
    _dir: Option<tempfile::TempDir>,
    database: Option<String>,
}

impl Engine {
    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let location = StoreLocation::Sqlite(dir.path().join("central.sqlite"));
        let store = storage::open(&location, Access::Serve).await.unwrap();
        Self { store, location, _dir: Some(dir), database: None }
    }

    async fn postgres() -> Self {
        let admin = postgres_admin_url();
        let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await.unwrap_or_else(|e| {
            panic!(
                "no PostgreSQL answers at {admin} ({e}): the central store's PostgreSQL tests need one \
                 (this machine's is started before each session; set GDC_TEST_POSTGRES to use another)"
            )
        });
        tokio::spawn(connection);
        let name = format!("gdc_test_{}", uuid::Uuid::now_v7().simple());
        client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
        let location = StoreLocation::Postgres(database_url(&admin, &name));
        let store = storage::open(&location, Access::Serve).await.unwrap();
        Self { store, location, _dir: None, database: Some(name) }
    }

    /// A connection of the test's own to the PostgreSQL test database, to
    /// play another process on it.
    async fn connect(&self) -> tokio_postgres::Client {
        let StoreLocation::Postgres(url) = &self.location else { panic!("a PostgreSQL engine") };
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
        tokio::spawn(connection);
        client
    }

    /// Drops a PostgreSQL test database (the SQLite file goes with its
    /// folder).
    async fn finish(self) {
        let Self { store, database, .. } = self;
        drop(store);
        if let Some(name) = database {
            let (client, connection) =
                tokio_postgres::connect(&postgres_admin_url(), tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
        }
    }
}

/// Each test, once per engine.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let engine = super::Engine::sqlite().await;
                super::$name(&engine).await;
                engine.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let engine = super::Engine::postgres().await;
                super::$name(&engine).await;
                engine.finish().await;
            })*
        }
    };
}

on_both_engines!(
    a_batch_stores_each_valid_item_once_and_says_what_became_of_each,
    repeated_ids_in_one_batch_and_across_batches_are_stored_once,
    two_companions_sending_overlapping_ids_at_once_store_each_id_once,
    batches_arriving_together_each_hear_about_their_own_items_and_each_id_is_stored_once,
    only_consenting_contributions_are_published_newest_first_by_topic_and_paged,
    flagged_rows_stay_out_of_the_feed_until_published,
    rows_come_back_as_sent_in_arrival_order_a_slice_at_a_time,
    a_store_reopens_with_its_rows_and_the_export_reads_without_writing,
    pre_moderation_shows_what_is_approved_and_post_moderation_all_until_hidden,
    the_feed_can_be_asked_for_one_language,
    stats_count_every_dimension_and_leave_flagged_rows_out,
    companion_tokens_are_kept_as_hashes_made_once_per_name_and_revoked,
);

fn batch(items: &[Value]) -> Batch {
    let json = json!({ "submissions": items }).to_string();
    serde_json::from_str(&json).unwrap()
}

fn statuses(results: &gdc_core::BatchResults) -> Vec<ItemStatus> {
    results.results.iter().map(|r| r.status).collect()
}

async fn a_batch_stores_each_valid_item_once_and_says_what_became_of_each(e: &Engine) {
    let (a, b) = (submission(), submission());
    let mut invalid = submission();
    invalid["answers"] = json!([]);
    let results = e
        .store
        .insert_batch("main", batch(&[a.clone(), invalid.clone(), json!({"nope": 1}), b.clone()]))
        .await
        .unwrap();
    assert_eq!(
        statuses(&results),
        [ItemStatus::Accepted, ItemStatus::Rejected, ItemStatus::Rejected, ItemStatus::Accepted]
    );
    assert_eq!(results.results[1].id, invalid["id"], "a refused item is named by its id");
    assert_eq!(results.results[2].id, "", "an item naming no id");
    let rows = storage::all_rows(&e.store).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.submission.id.as_str()).collect::<Vec<_>>(),
        [a["id"].as_str().unwrap(), b["id"].as_str().unwrap()]
    );
    assert!(rows.iter().all(|r| r.companion == "main"));
    // An empty batch is fine and stores nothing.
    assert!(e.store.insert_batch("main", batch(&[])).await.unwrap().results.is_empty());
}

async fn repeated_ids_in_one_batch_and_across_batches_are_stored_once(e: &Engine) {
    let a = submission();
    let mut same_id_other_text = a.clone();
    same_id_other_text["answers"][0]["principles"] = json!("Another text");
    let results = e.store.insert_batch("main", batch(&[a.clone(), a.clone(), same_id_other_text])).await.unwrap();
    assert_eq!(statuses(&results), [ItemStatus::Accepted, ItemStatus::Duplicate, ItemStatus::Duplicate]);
    let again = e.store.insert_batch("other", batch(std::slice::from_ref(&a))).await.unwrap();
    assert_eq!(statuses(&again), [ItemStatus::Duplicate]);
    let rows = storage::all_rows(&e.store).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].companion, "main", "the first arrival stands");
    assert_eq!(rows[0].submission.answers[0].texts["principles"], a["answers"][0]["principles"], "and its text");
}

async fn two_companions_sending_overlapping_ids_at_once_store_each_id_once(e: &Engine) {
    let items: Vec<Value> = (0..600).map(|_| submission()).collect();
    // Ten companions, each with an overlapping window of 200 ids, all at once.
    let store: CentralStore = e.store.clone();
    let mut tasks = Vec::new();
    for c in 0..10usize {
        let store = store.clone();
        let slice: Vec<Value> = items.iter().cycle().skip(c * 40).take(200).cloned().collect();
        tasks.push(tokio::spawn(async move {
            let mut accepted = 0;
            for chunk in slice.chunks(50) {
                let r = store.insert_batch(&format!("companion-{c}"), batch(chunk)).await.unwrap();
                accepted += r.results.iter().filter(|i| i.status == ItemStatus::Accepted).count();
            }
            accepted
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.unwrap();
    }
    let rows = storage::all_rows(&e.store).await.unwrap();
    let mut ids: Vec<&str> = rows.iter().map(|r| r.submission.id.as_str()).collect();
    let stored = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), stored, "no id stored twice");
    let sent: std::collections::BTreeSet<&str> = (0..10usize)
        .flat_map(|c| items.iter().cycle().skip(c * 40).take(200))
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(stored, sent.len(), "every id sent is stored");
    assert_eq!(accepted, stored, "each accepted exactly once across companions");
}

/// Forty batches at once, from forty companions, over overlapping windows
/// of the same ids, each with a repeated id and an invalid item: on
/// PostgreSQL they are merged into shared statements, and each must still
/// hear about its own items, in its order, with each id answered `accepted`
/// exactly once, by the batch whose copy (companion and text) the table
/// holds.
async fn batches_arriving_together_each_hear_about_their_own_items_and_each_id_is_stored_once(e: &Engine) {
    let ids: Vec<String> = (0..300).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(40));
    let mut sent: Vec<Vec<Value>> = Vec::new();
    let mut tasks = Vec::new();
    for k in 0..40usize {
        let mut items: Vec<Value> = ids
            .iter()
            .cycle()
            .skip(k * 7)
            .take(50)
            .map(|id| {
                let mut s = submission();
                s["id"] = json!(id);
                s["answers"][0]["principles"] = json!(format!("sent by c{k}"));
                s
            })
            .collect();
        items.insert(10, items[3].clone());
        let mut invalid = submission();
        invalid["answers"] = json!([]);
        items.insert(20, invalid);
        sent.push(items.clone());
        let (store, barrier) = (e.store.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            store.insert_batch(&format!("c{k}"), batch(&items)).await.unwrap()
        }));
    }
    let mut accepted_by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, task) in tasks.into_iter().enumerate() {
        let results = task.await.unwrap().results;
        let items = &sent[k];
        assert_eq!(results.len(), items.len(), "batch c{k}: one result per item");
        for (i, (result, item)) in results.iter().zip(items).enumerate() {
            assert_eq!(result.id, item["id"], "batch c{k}, item {i}: its own item, in its order");
            match i {
                10 => assert_eq!(result.status, ItemStatus::Duplicate, "c{k}: the repeat of its item 3"),
                20 => assert_eq!(result.status, ItemStatus::Rejected, "c{k}: the invalid item"),
                _ => assert_ne!(result.status, ItemStatus::Rejected, "c{k}, item {i}"),
            }
            if result.status == ItemStatus::Accepted {
                accepted_by.entry(result.id.clone()).or_default().push(k);
            }
        }
    }
    let rows = storage::all_rows(&e.store).await.unwrap();
    let stored: BTreeMap<&str, &gdc_server::central::StoredRow> =
        rows.iter().map(|r| (r.submission.id.as_str(), r)).collect();
    assert_eq!(stored.len(), rows.len(), "no id stored twice");
    assert_eq!(rows.len(), ids.len(), "every id sent is stored");
    for id in &ids {
        let by = &accepted_by[id];
        assert_eq!(by.len(), 1, "{id} answered `accepted` to batches {by:?}");
        let row = stored[id.as_str()];
        assert_eq!(row.companion, format!("c{}", by[0]), "{id}: stored from the batch told it was accepted");
        assert_eq!(row.submission.answers[0].texts["principles"], format!("sent by c{}", by[0]), "{id}: and its copy");
    }
}

async fn only_consenting_contributions_are_published_newest_first_by_topic_and_paged(e: &Engine) {
    let mut public = Vec::new();
    for i in 0..23 {
        let mut s = submission();
        s["consent"] = json!({ "publish": true, "attribution": "name", "contact": true });
        s["submitter"]["name"] = json!(format!("Person {i}"));
        s["submitter"]["email"] = json!(format!("p{i}@example.org"));
        public.push(s);
    }
    let private = submission();
    let mut other_topic = public[0].clone();
    other_topic["id"] = json!(uuid::Uuid::now_v7().to_string());
    other_topic["answers"][0]["topic"] = json!("data");
    let mut all = public.clone();
    all.push(private.clone());
    all.push(other_topic.clone());
    e.store.insert_batch("main", batch(&all)).await.unwrap();

    let mut ids: Vec<String> = all.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
    ids.push("0190a0a0-0000-7000-8000-000000000000".into());
    ids.push("not an id".into());
    let refused = e.store.moderate(&ids, Action::Approve).await.unwrap();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert!(refused[0].contains(private["id"].as_str().unwrap()) && refused[0].contains("did not agree"));
    assert!(refused[1].contains("no such submission") && refused[2].contains("no such submission"));

    let first = page(e, "ai", 1).await;
    assert_eq!(first.items.len(), gdc_core::wire::PAGE_SIZE);
    assert!(first.has_more);
    let second = page(e, "ai", 2).await;
    assert_eq!(second.items.len(), 23 - gdc_core::wire::PAGE_SIZE);
    assert!(!second.has_more);
    let shown: Vec<String> = first.items.iter().chain(&second.items).map(|p| p.id.clone()).collect();
    assert_eq!(shown.len(), 23);
    assert!(!shown.contains(&private["id"].as_str().unwrap().to_owned()));
    assert!(!serde_json::to_string(&first).unwrap().contains("@example.org"), "never an email");
    assert_eq!(first.items[0].credit.as_deref().map(|c| c.starts_with("Person")), Some(true));
    let data = page(e, "data", 1).await;
    assert_eq!(data.items.len(), 1);
    assert_eq!(data.items[0].id, other_topic["id"]);
    // Out-of-range pages are clamped, never an error.
    assert!(page(e, "ai", usize::MAX).await.items.is_empty());
    assert_eq!(page(e, "ai", 0).await.page, 1);
    // Withdrawn: gone from the feed.
    let gone = first.items[0].id.clone();
    assert!(e.store.moderate(std::slice::from_ref(&gone), Action::Hide).await.unwrap().is_empty());
    let after = page(e, "ai", 1).await;
    assert!(after.items.iter().all(|p| p.id != gone));
}

async fn flagged_rows_stay_out_of_the_feed_until_published(e: &Engine) {
    let mut s = submission();
    s["consent"] = json!({ "publish": true, "attribution": "anonymous", "contact": false });
    let id = s["id"].as_str().unwrap().to_owned();
    let mut b = batch(&[s]);
    b.flags = BTreeMap::from([(id.clone(), "too_fast".to_owned())]);
    e.store.insert_batch("main", b).await.unwrap();
    let rows = storage::all_rows(&e.store).await.unwrap();
    assert_eq!(rows[0].flag.as_deref(), Some("too_fast"));
    assert!(page(e, "ai", 1).await.items.is_empty(), "flagged: not in the feed");
    assert!(e.store.moderate(std::slice::from_ref(&id), Action::Approve).await.unwrap().is_empty());
    assert_eq!(page(e, "ai", 1).await.items[0].id, id, "published: reviewed, shown");
    assert_eq!(storage::all_rows(&e.store).await.unwrap()[0].flag, None, "and no longer flagged");
}

async fn rows_come_back_as_sent_in_arrival_order_a_slice_at_a_time(e: &Engine) {
    let odd = ["a, \"quoted\"\nnew line", "=HYPERLINK(\"x\")", "مرحبا 你好 🌍", "  spaces  ", "\\back\\slash"];
    let mut sent = Vec::new();
    for (i, text) in odd.iter().cycle().take(2_500).enumerate() {
        let mut s = submission();
        s["answers"][0]["principles"] = json!(format!("{i}: {text}"));
        sent.push(s);
    }
    for chunk in sent.chunks(700) {
        e.store.insert_batch("main", batch(chunk)).await.unwrap();
    }
    let rows = storage::all_rows(&e.store).await.unwrap();
    assert_eq!(rows.len(), sent.len(), "more than one export slice");
    assert!(rows.windows(2).all(|w| w[0].seq < w[1].seq));
    for (row, s) in rows.iter().zip(&sent) {
        assert_eq!(serde_json::to_value(&row.submission).unwrap(), *s, "stored as sent");
    }
    let slice = e.store.rows_after(rows[9].seq, 5).await.unwrap();
    assert_eq!(slice.iter().map(|r| r.seq).collect::<Vec<_>>(), rows[10..15].iter().map(|r| r.seq).collect::<Vec<_>>());
    assert!(e.store.rows_after(rows.last().unwrap().seq, 10).await.unwrap().is_empty());
}

async fn a_store_reopens_with_its_rows_and_the_export_reads_without_writing(e: &Engine) {
    let s = submission();
    e.store.insert_batch("main", batch(std::slice::from_ref(&s))).await.unwrap();
    let again = storage::open(&e.location, Access::Serve).await.unwrap();
    assert_eq!(storage::all_rows(&again).await.unwrap().len(), 1, "migrations run again change nothing");
    let read_only = storage::open(&e.location, Access::ReadOnly).await.unwrap();
    assert_eq!(storage::all_rows(&read_only).await.unwrap()[0].submission.id, s["id"].as_str().unwrap());
}

#[tokio::test]
async fn a_read_only_open_of_a_missing_store_is_an_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("central.sqlite");
    assert!(storage::open(&StoreLocation::Sqlite(path.clone()), Access::ReadOnly).await.is_err());
    assert!(!path.exists());
    // An empty PostgreSQL database has no schema yet: refused, not made.
    let engine_admin = postgres_admin_url();
    let (client, connection) = tokio_postgres::connect(&engine_admin, tokio_postgres::NoTls).await.expect("PostgreSQL");
    tokio::spawn(connection);
    let name = format!("gdc_test_{}", uuid::Uuid::now_v7().simple());
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = database_url(&engine_admin, &name);
    let err = storage::open(&StoreLocation::Postgres(url.clone()), Access::ReadOnly).await.unwrap_err().to_string();
    assert!(err.contains("schema version 0"), "{err}");
    let (probe, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let tables = probe
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .await
        .unwrap();
    assert_eq!(tables.get::<_, i64>(0), 0, "nothing created");
    drop(probe);
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
}

#[tokio::test]
async fn an_unreachable_postgresql_is_a_clear_error_without_the_password() {
    let location = StoreLocation::Postgres("postgres://gdc:s3cret@127.0.0.1:1/gdc".into());
    let err = storage::open(&location, Access::Serve).await.unwrap_err().to_string();
    assert!(
        err.contains("cannot connect to the central store's PostgreSQL at postgres://gdc@127.0.0.1:1/gdc"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
}

/// Two companions, each with its own outbox, take the same contributions
/// (a visitor's retry reaching another companion behind a load balancer)
/// and forward at once to one central store on PostgreSQL: each id once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_companions_forwarding_overlapping_ids_to_postgresql_store_each_once() {
    let engine = Engine::postgres().await;
    let StoreLocation::Postgres(url) = &engine.location else { unreachable!() };
    let central_dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(central_dir.path());
    config.companion.enabled = false;
    config.central.database_url = Some(url.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let central_url = format!("http://{}", listener.local_addr().unwrap());
    let central = gdc_server::Application::build_on(config, listener).await.unwrap();
    let stop = central.stop_token();
    tokio::spawn(central.run_until_stopped());
    let companion = |central_url: String| {
        crate::helpers::spawn_app_with(move |c| {
            c.central.enabled = false;
            c.companion.central_url = Some(central_url);
        })
    };
    let (a, b) = (companion(central_url.clone()).await, companion(central_url.clone()).await);
    let bodies: Vec<Value> = (0..450).map(|_| submission()).collect();
    // a takes 0..300, b takes 150..450: 150 ids through both.
    let (to_a, to_b) = (&bodies[..300], &bodies[150..]);
    let (ra, rb) = tokio::join!(
        futures::future::join_all(to_a.iter().map(|s| a.submit(s))),
        futures::future::join_all(to_b.iter().map(|s| b.submit(s))),
    );
    assert!(ra.iter().chain(&rb).all(|r| r.status() == 202));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let rows = loop {
        let rows = storage::all_rows(&engine.store).await.unwrap();
        if rows.len() >= 450 || std::time::Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    // Both outboxes drained: nothing more can arrive.
    for app in [&a, &b] {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let ready: Value = app.get("/readyz").await.json().await.unwrap();
            if ready["outbox"]["pending"] == 0 || std::time::Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    let rows_after = storage::all_rows(&engine.store).await.unwrap();
    assert_eq!(rows.len(), 450);
    assert_eq!(rows_after.len(), 450, "no id stored twice");
    let mut got: Vec<&str> = rows_after.iter().map(|r| r.submission.id.as_str()).collect();
    let mut sent: Vec<&str> = bodies.iter().map(|b| b["id"].as_str().unwrap()).collect();
    got.sort_unstable();
    sent.sort_unstable();
    assert_eq!(got, sent);
    stop.cancel();
    drop((a, b));
    engine.finish().await;
}

/// Page `n` of the pre-moderated feed on `topic`, in every language.
async fn page(e: &Engine, topic: &str, n: usize) -> gdc_core::PublishedPage {
    e.store.published(&FeedQuery { topic: topic.into(), lang: None, page: n }, Moderation::Pre).await.unwrap()
}

fn feed(topic: &str, lang: Option<&str>) -> FeedQuery {
    FeedQuery { topic: topic.into(), lang: lang.map(Into::into), page: 1 }
}

async fn shown(e: &Engine, query: &FeedQuery, mode: Moderation) -> Vec<String> {
    e.store.published(query, mode).await.unwrap().items.into_iter().map(|p| p.id).collect()
}

fn public(lang: &str) -> Value {
    let mut s = submission();
    s["lang"] = json!(lang);
    s["consent"] = json!({ "publish": true, "attribution": "anonymous", "contact": false });
    s
}

async fn pre_moderation_shows_what_is_approved_and_post_moderation_all_until_hidden(e: &Engine) {
    let (a, b) = (public("en"), public("fr"));
    let private = submission();
    let flagged = public("en");
    let id = |s: &Value| s["id"].as_str().unwrap().to_owned();
    let mut with_flag = batch(&[a.clone(), b.clone(), private.clone(), flagged.clone()]);
    with_flag.flags = BTreeMap::from([(id(&flagged), "too_fast".to_owned())]);
    e.store.insert_batch("main", with_flag).await.unwrap();
    let q = feed("ai", None);
    // Pre-moderation: nothing until approved.
    assert!(shown(e, &q, Moderation::Pre).await.is_empty());
    // Post-moderation: every consenting, unflagged one, newest first.
    assert_eq!(shown(e, &q, Moderation::Post).await, [id(&b), id(&a)]);

    assert!(e.store.moderate(&[id(&a)], Action::Approve).await.unwrap().is_empty());
    assert_eq!(shown(e, &q, Moderation::Pre).await, [id(&a)]);
    // An approval comes later than the arrivals: it shows first.
    assert_eq!(shown(e, &q, Moderation::Post).await, [id(&a), id(&b)]);

    // Hidden: out in both modes, whatever was approved; unhidden: back.
    e.store.moderate(&[id(&a), id(&b)], Action::Hide).await.unwrap();
    assert!(shown(e, &q, Moderation::Pre).await.is_empty());
    assert!(shown(e, &q, Moderation::Post).await.is_empty());
    e.store.moderate(&[id(&a), id(&b)], Action::Unhide).await.unwrap();
    assert_eq!(shown(e, &q, Moderation::Pre).await, [id(&a)], "unhidden, still approved");
    assert_eq!(shown(e, &q, Moderation::Post).await.len(), 2);

    // Flagged: out in both modes until approved (the review).
    assert!(!shown(e, &q, Moderation::Post).await.contains(&id(&flagged)));
    e.store.moderate(&[id(&flagged)], Action::Approve).await.unwrap();
    assert!(shown(e, &q, Moderation::Post).await.contains(&id(&flagged)));
    assert!(shown(e, &q, Moderation::Pre).await.contains(&id(&flagged)));

    // Never without consent: refused by name, never shown.
    let refused = e.store.moderate(&[id(&private)], Action::Approve).await.unwrap();
    assert!(refused[0].contains("did not agree"), "{refused:?}");
    assert!(!shown(e, &q, Moderation::Post).await.contains(&id(&private)));
    // Hiding or unhiding what does not exist is refused by name too.
    let refused = e.store.moderate(&["0190a0a0-0000-7000-8000-000000000000".into()], Action::Hide).await.unwrap();
    assert!(refused[0].contains("no such submission"));
}

async fn the_feed_can_be_asked_for_one_language(e: &Engine) {
    let items = [public("ar"), public("zh"), public("ar"), public("en")];
    e.store.insert_batch("main", batch(&items)).await.unwrap();
    let arabic = shown(e, &feed("ai", Some("ar")), Moderation::Post).await;
    assert_eq!(arabic, [items[2]["id"].as_str().unwrap(), items[0]["id"].as_str().unwrap()]);
    assert_eq!(shown(e, &feed("ai", Some("zh")), Moderation::Post).await.len(), 1);
    assert!(shown(e, &feed("ai", Some("ru")), Moderation::Post).await.is_empty());
    assert_eq!(shown(e, &feed("ai", None), Moderation::Post).await.len(), 4);
    assert!(shown(e, &feed("data", Some("ar")), Moderation::Post).await.is_empty(), "another topic");
}

async fn stats_count_every_dimension_and_leave_flagged_rows_out(e: &Engine) {
    let mut items = Vec::new();
    for (lang, stakeholder, country, topics) in [
        ("ar", "youth", "EG", vec!["ai", "data"]),
        ("ar", "government", "MA", vec!["ai"]),
        ("zh", "youth", "", vec!["commons"]),
        ("fr", "academia", "SN", vec!["ai", "data", "other"]),
    ] {
        let mut s = submission();
        s["lang"] = json!(lang);
        s["submitter"]["stakeholder"] = json!(stakeholder);
        s["submitter"]["country"] = json!(country);
        s["answers"] = json!(
            topics
                .iter()
                .map(|t| json!({ "topic": t, "principles": "x", "commitments": "", "comments": "" }))
                .collect::<Vec<_>>()
        );
        items.push(s);
    }
    let mut flagged = submission();
    flagged["lang"] = json!("ru");
    let mut b = batch(&[items.clone(), vec![flagged.clone()]].concat());
    b.flags = BTreeMap::from([(flagged["id"].as_str().unwrap().to_owned(), "honeypot".to_owned())]);
    let results = e.store.insert_batch("main", b).await.unwrap();
    assert!(results.results.iter().all(|r| r.status == ItemStatus::Accepted), "{results:?}");
    let stats = e.store.stats().await.unwrap();
    let map = |pairs: &[(&str, u64)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect::<BTreeMap<_, _>>();
    assert_eq!(stats.total, 4);
    assert_eq!(stats.flagged, 1);
    assert_eq!(stats.topic, map(&[("ai", 3), ("data", 2), ("commons", 1), ("other", 1)]));
    assert_eq!(stats.stakeholder, map(&[("youth", 2), ("government", 1), ("academia", 1)]));
    assert_eq!(stats.country, map(&[("EG", 1), ("MA", 1), ("", 1), ("SN", 1)]));
    assert_eq!(stats.lang, map(&[("ar", 2), ("zh", 1), ("fr", 1)]));
    assert_eq!(stats.site, map(&[("demo", 4)]));
    let today = humantime::format_rfc3339(std::time::SystemTime::now()).to_string()[..10].to_owned();
    assert_eq!(stats.day, BTreeMap::from([(today, 4)]));
}

async fn companion_tokens_are_kept_as_hashes_made_once_per_name_and_revoked(e: &Engine) {
    let (token, other) = (new_token(), new_token());
    assert_ne!(token, other);
    assert!(token.len() >= 43, "256 bits: {token}");
    assert!(e.store.add_token("edge-1", &token_hash(&token)).await.unwrap());
    assert!(!e.store.add_token("edge-1", &token_hash(&other)).await.unwrap(), "one live token per name");
    assert!(e.store.tokens().await.unwrap()[0].last_batch_at.is_none());
    assert_eq!(e.store.companion_for(&token_hash(&token)).await.unwrap().as_deref(), Some("edge-1"));
    assert_eq!(e.store.companion_for(&token_hash(&other)).await.unwrap(), None);
    assert_eq!(e.store.companion_for(&token).await.unwrap(), None, "the token is not its hash");
    let listed = e.store.tokens().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_batch_at.is_some(), "a batch was just authenticated");
    assert!(!serde_json::to_string(&listed).unwrap().contains(&token));

    assert!(e.store.revoke_token("edge-1").await.unwrap());
    assert!(!e.store.revoke_token("edge-1").await.unwrap(), "nothing left to revoke");
    assert!(!e.store.revoke_token("nobody").await.unwrap());
    assert_eq!(e.store.companion_for(&token_hash(&token)).await.unwrap(), None, "revoked");
    // A new token under the same name, after the revocation.
    assert!(e.store.add_token("edge-1", &token_hash(&other)).await.unwrap());
    assert_eq!(e.store.companion_for(&token_hash(&other)).await.unwrap().as_deref(), Some("edge-1"));
    let listed = e.store.tokens().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().filter(|t| t.revoked_at.is_some()).count() == 1);
}

/// The advisory lock the central store's inserts hold shared and its
/// exports take alone (`server/src/central/postgres.rs`): every process on
/// the database must agree on it, so the tests name it as a fixed value.
const INSERTS_LOCK: i64 = 0x6764_635f_7365_7100;

/// PostgreSQL alone runs inserts side by side (two writers, any number of
/// central processes), and a row's `seq` is taken when it is inserted, not
/// when it commits. An incremental export that read seq 2 committed while
/// seq 1 was still in flight would move past 1 and never see it: the
/// export waits for inserts in flight instead. Here a transaction of our
/// own plays the slow insert, holding the inserts' lock as the store's
/// writers do; without the wait, the export returns the later row alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_never_passes_a_row_whose_insert_is_still_in_flight() {
    let engine = Engine::postgres().await;
    let mut client = engine.connect().await;
    let (slow, fast) = (submission(), submission());
    let slow_insert = client.transaction().await.unwrap();
    slow_insert.execute("SELECT pg_advisory_xact_lock_shared($1)", &[&INSERTS_LOCK]).await.unwrap();
    let id = uuid::Uuid::parse_str(slow["id"].as_str().unwrap()).unwrap();
    slow_insert
        .execute(
            "INSERT INTO submissions (id, consultation, site, companion, body, topics, received_at, lang)
             VALUES ($1, 'gdc-2023', 'demo', 'slow', $2, '{}', 0, 'en')",
            &[&id, &slow.to_string()],
        )
        .await
        .unwrap();
    // The later insert commits first, with the higher seq.
    engine.store.insert_batch("main", batch(std::slice::from_ref(&fast))).await.unwrap();

    let store = engine.store.clone();
    let export = tokio::spawn(async move { storage::all_rows(&store).await.unwrap() });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!export.is_finished(), "the export waits while an insert that took a lower seq is in flight");
    slow_insert.commit().await.unwrap();
    let rows = tokio::time::timeout(std::time::Duration::from_secs(10), export).await.unwrap().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.submission.id.as_str()).collect();
    assert_eq!(ids, [slow["id"].as_str().unwrap(), fast["id"].as_str().unwrap()], "both, in seq order");
    drop(client);
    engine.finish().await;
}

/// The other half of the wait above: the store's own inserts hold the
/// inserts' lock, so that an export can wait for them. While an export
/// holds it alone, a batch is not stored; once it lets go, it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stores_inserts_wait_while_an_export_reads_its_high_water_mark() {
    let engine = Engine::postgres().await;
    let mut client = engine.connect().await;
    let export = client.transaction().await.unwrap();
    export.execute("SELECT pg_advisory_xact_lock($1)", &[&INSERTS_LOCK]).await.unwrap();
    let store = engine.store.clone();
    let insert = tokio::spawn(async move { store.insert_batch("main", batch(&[submission()])).await.unwrap() });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!insert.is_finished(), "the insert waits for the export's look");
    let count: i64 = export.query_one("SELECT count(*) FROM submissions", &[]).await.unwrap().get(0);
    assert_eq!(count, 0, "and has taken no seq yet");
    export.commit().await.unwrap();
    let results = tokio::time::timeout(std::time::Duration::from_secs(10), insert).await.unwrap().unwrap();
    assert_eq!(statuses(&results), [ItemStatus::Accepted]);
    drop(client);
    engine.finish().await;
}
