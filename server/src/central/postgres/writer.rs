//! The PostgreSQL store's batch writer: batches that arrive while the
//! writers are busy are merged into one statement and one commit (one
//! `INSERT … SELECT FROM UNNEST(…) ON CONFLICT (id) DO NOTHING RETURNING
//! id` over their union), and each batch is answered only after that
//! commit, with its own per-id results in its own order. Durability is the
//! same as one statement per batch (`synchronous_commit` as the database
//! has it, `on` by default); what changes is that ten companions' thirty
//! batches in flight cost a few WAL flushes instead of thirty, and fewer
//! transactions wait on each other for a shared id or the table's
//! extension lock.
//!
//! An id that another writer's statement is inserting at that moment is
//! left out of the statement and sent after that one ends (`Claims`), so
//! that no writer waits inside PostgreSQL on another's uncommitted row.
//!
//! A failed statement fails every batch merged into it: nothing of it is
//! acknowledged, and each companion retries its own batch.

use std::collections::HashSet;
use std::sync::Arc;

use deadpool_postgres::Pool;
use gdc_core::Batch;
use tokio::sync::{Mutex, Notify, mpsc, oneshot};
use uuid::Uuid;

use crate::storage::{StorageError, now_ms};

/// Writers, each with its own connection: while one waits for its commit
/// the next one gathers what arrived meanwhile.
pub const WRITERS: usize = 2;

/// Rows above which a writer takes no further batch into its statement (a
/// single larger batch is still written alone, whole).
pub const MAX_MERGED_ROWS: usize = 4_000;

/// Batches waiting for a writer, at most; a handler beyond it waits to
/// hand its batch over.
const QUEUE: usize = 64;

/// A valid item of a batch, as the columns it is stored with; its body is
/// the batch's raw item, never copied.
#[derive(Debug)]
pub struct Row {
    /// The item's position in the batch's `submissions`.
    pub index: usize,
    pub id: Uuid,
    pub consultation: String,
    pub site: String,
    /// Answered topics, comma-separated (the column is an array).
    pub topics: String,
    pub flag: Option<String>,
    pub publish: bool,
    pub lang: String,
}

/// A batch handed to the writers, with where its answer goes: for each of
/// its rows, in order, whether it was stored (`false`: the id was there
/// already, or an earlier row of the merged statement had it).
struct Pending {
    companion: String,
    batch: Batch,
    rows: Vec<Row>,
    reply: oneshot::Sender<Result<Vec<bool>, StorageError>>,
}

/// The receiving end, shared by the writers in turn, with a batch taken
/// that did not fit the previous statement.
struct Queue {
    receiver: mpsc::Receiver<Pending>,
    carried: Option<Pending>,
}

/// The handle the store keeps: cloning it is cheap; the writers stop when
/// the last one is dropped.
#[derive(Clone)]
pub struct Writer {
    sender: mpsc::Sender<Pending>,
}

impl Writer {
    /// Starts the writers on `pool`; needs a Tokio runtime.
    pub fn start(pool: Pool) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let queue = Arc::new(Mutex::new(Queue { receiver, carried: None }));
        let claims = Arc::new(Claims::default());
        for _ in 0..WRITERS {
            tokio::spawn(write(pool.clone(), queue.clone(), claims.clone()));
        }
        Self { sender }
    }

    /// Stores `rows` of `batch` for `companion`; answers after the commit
    /// of the statement that held them, whether each row was stored.
    pub async fn store(&self, companion: &str, batch: Batch, rows: Vec<Row>) -> Result<Vec<bool>, StorageError> {
        let (reply, answer) = oneshot::channel();
        let pending = Pending { companion: companion.to_owned(), batch, rows, reply };
        self.sender.send(pending).await.map_err(|_| StorageError::Stopped)?;
        // A writer that ended without answering (a panic) stored nothing
        // this batch may count on.
        answer.await.map_err(|_| StorageError::Stopped)?
    }
}

/// One writer: takes what is waiting (up to the bound), stores it in one
/// statement, answers each batch, again.
async fn write(pool: Pool, queue: Arc<Mutex<Queue>>, claims: Arc<Claims>) {
    loop {
        let merged = {
            let mut queue = queue.lock().await;
            let first = match queue.carried.take() {
                Some(p) => p,
                None => match queue.receiver.recv().await {
                    Some(p) => p,
                    None => return,
                },
            };
            let mut rows = first.rows.len();
            let mut merged = vec![first];
            while let Ok(next) = queue.receiver.try_recv() {
                if rows + next.rows.len() > MAX_MERGED_ROWS {
                    queue.carried = Some(next);
                    break;
                }
                rows += next.rows.len();
                merged.push(next);
            }
            merged
        };
        let ids: Vec<Vec<Uuid>> = merged.iter().map(|p| p.rows.iter().map(|r| r.id).collect()).collect();
        let firsts = first_occurrences(&ids);
        match store_claimed(&pool, &claims, &merged, &ids, &firsts).await {
            Ok(stored) => {
                for ((pending, ids), firsts) in merged.into_iter().zip(&ids).zip(&firsts) {
                    let _ = pending.reply.send(Ok(answers(ids, firsts, &stored)));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, batches = merged.len(), "a merged insert failed: every batch in it fails");
                let message = e.to_string();
                for pending in merged {
                    let _ = pending.reply.send(Err(StorageError::Postgres(message.clone())));
                }
            }
        }
    }
}

/// The ids some writer's statement is inserting now, and a signal each
/// time a statement ends. Two writers inserting the same id at once cost
/// the second a wait on the first's commit inside PostgreSQL (`Lock
/// transactionid`: 0.40-0.54 of the connections' time in the benchmark,
/// where a quarter of the ids reach two companions); here the second
/// leaves that id out of its statement instead, and sends it after the
/// first is done (when it is almost always a duplicate). A batch's other
/// rows are not held back, so they keep their order.
#[derive(Default)]
struct Claims {
    ids: std::sync::Mutex<HashSet<Uuid>>,
    released: Notify,
}

impl Claims {
    /// Moves from `todo` into the returned selection every row whose id
    /// no statement is inserting, and claims those ids.
    fn claim(&self, ids: &[Vec<Uuid>], todo: &mut [Vec<bool>]) -> Vec<Vec<bool>> {
        let mut claimed = self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        ids.iter()
            .zip(todo.iter_mut())
            .map(|(ids, todo)| {
                ids.iter()
                    .zip(todo.iter_mut())
                    .map(|(id, todo)| {
                        let now = *todo && claimed.insert(*id);
                        *todo &= !now;
                        now
                    })
                    .collect()
            })
            .collect()
    }

    /// Lets go of the ids of `selection` and wakes the writers waiting.
    fn release(&self, ids: &[Vec<Uuid>], selection: &[Vec<bool>]) {
        let mut claimed = self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (id, _) in ids.iter().flatten().zip(selection.iter().flatten()).filter(|(_, s)| **s) {
            claimed.remove(id);
        }
        drop(claimed);
        self.released.notify_waiters();
    }
}

/// Stores the rows `firsts` selects: at once those whose id no other
/// statement is inserting, then the rest as the statements holding them
/// end. The ids stored.
async fn store_claimed(
    pool: &Pool,
    claims: &Claims,
    merged: &[Pending],
    ids: &[Vec<Uuid>],
    firsts: &[Vec<bool>],
) -> Result<HashSet<Uuid>, StorageError> {
    let mut todo = firsts.to_vec();
    let mut stored = HashSet::new();
    loop {
        // Listening before looking: a release between the two is not missed.
        let released = claims.released.notified();
        tokio::pin!(released);
        released.as_mut().enable();
        let now = claims.claim(ids, &mut todo);
        let any_now = now.iter().flatten().any(|n| *n);
        if any_now {
            let result = insert(pool, merged, &now).await;
            claims.release(ids, &now);
            stored.extend(result?);
        }
        if !todo.iter().flatten().any(|t| *t) {
            return Ok(stored);
        }
        if !any_now {
            released.await;
        }
    }
}

/// For each row of each batch, in merged order, whether it is the first
/// with its id: only those are sent, so the row stored for an id repeated
/// within the statement is its first arrival, and the others are its
/// duplicates whatever PostgreSQL's order of work.
fn first_occurrences(ids: &[Vec<Uuid>]) -> Vec<Vec<bool>> {
    let mut seen = HashSet::with_capacity(ids.iter().map(Vec::len).sum());
    ids.iter().map(|batch| batch.iter().map(|id| seen.insert(*id)).collect()).collect()
}

/// One batch's answer: a row was stored if it was its id's first in the
/// statement and the statement stored that id.
fn answers(ids: &[Uuid], firsts: &[bool], stored: &HashSet<Uuid>) -> Vec<bool> {
    ids.iter().zip(firsts).map(|(id, first)| *first && stored.contains(id)).collect()
}

/// The statement over the rows of `merged` that `selected` selects; the
/// ids it stored. It commits on its own (autocommit) before it returns.
async fn insert(pool: &Pool, merged: &[Pending], selected: &[Vec<bool>]) -> Result<HashSet<Uuid>, StorageError> {
    let n: usize = selected.iter().map(|f| f.iter().filter(|x| **x).count()).sum();
    let mut ids = Vec::with_capacity(n);
    let mut consultations = Vec::with_capacity(n);
    let mut sites = Vec::with_capacity(n);
    let mut companions = Vec::with_capacity(n);
    let mut bodies = Vec::with_capacity(n);
    let mut topics = Vec::with_capacity(n);
    let mut flags = Vec::with_capacity(n);
    let mut publish = Vec::with_capacity(n);
    let mut langs = Vec::with_capacity(n);
    for (pending, selected) in merged.iter().zip(selected) {
        for (row, chosen) in pending.rows.iter().zip(selected) {
            if !chosen {
                continue;
            }
            ids.push(row.id);
            consultations.push(row.consultation.as_str());
            sites.push(row.site.as_str());
            companions.push(pending.companion.as_str());
            bodies.push(pending.batch.submissions[row.index].get());
            topics.push(row.topics.as_str());
            flags.push(row.flag.as_deref());
            publish.push(row.publish);
            langs.push(row.lang.as_str());
        }
    }
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let client = pool.get().await?;
    // One statement, committed on its own (one round trip): it takes the
    // inserts' lock shared before any row (so before any `seq`; the join
    // reads the lock's one row before it yields a row to insert) and holds
    // it until its commit, so that an export slice waits for it
    // (`super::committed_high`).
    let stmt = client
        .prepare_cached(
            "WITH inserts_lock AS (SELECT pg_advisory_xact_lock_shared($11))
             INSERT INTO submissions (id, consultation, site, companion, body, topics, received_at, flag, publish, lang)
             SELECT u.id, u.consultation, u.site, u.companion, u.body, string_to_array(u.topics, ','), $7, u.flag,
                    u.publish, u.lang
             FROM inserts_lock,
                  UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $8::bool[],
                         $9::text[], $10::text[])
                  AS u(id, consultation, site, body, topics, flag, publish, lang, companion)
             ON CONFLICT (id) DO NOTHING
             RETURNING id",
        )
        .await?;
    let rows = client
        .query(
            &stmt,
            &[
                &ids,
                &consultations,
                &sites,
                &bodies,
                &topics,
                &flags,
                &now_ms(),
                &publish,
                &langs,
                &companions,
                &super::INSERTS_LOCK,
            ],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// How the rows of merged batches map back to them: nothing here touches
/// the database, so these tests pin the attribution alone; the suite in
/// `server/tests/api/central_storage.rs` checks it against the table.
#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn an_id_being_inserted_is_left_for_later_and_the_rest_goes_now() {
        let claims = Claims::default();
        let first = vec![vec![id(1), id(2)]];
        let mut todo = vec![vec![true, true]];
        assert_eq!(claims.claim(&first, &mut todo), [vec![true, true]]);
        assert_eq!(todo, [vec![false, false]]);
        // Another statement, sharing id 2, while the first is in flight.
        let second = vec![vec![id(3), id(2)], vec![id(4)]];
        let mut todo = vec![vec![true, true], vec![true]];
        assert_eq!(claims.claim(&second, &mut todo), [vec![true, false], vec![true]]);
        assert_eq!(todo, [vec![false, true], vec![false]], "id 2 waits");
        claims.release(&first, &[vec![true, true]]);
        assert_eq!(claims.claim(&second, &mut todo), [vec![false, true], vec![false]], "and goes once 2 is free");
        // A row not asked for (a repeat within the statement) is never claimed.
        let mut todo = vec![vec![false]];
        assert_eq!(claims.claim(&[vec![id(9)]], &mut todo), [vec![false]]);
    }

    #[test]
    fn the_first_occurrence_of_an_id_in_the_merged_statement_is_the_one_sent() {
        let ids = vec![vec![id(1), id(2), id(1)], vec![id(2), id(3)], vec![id(3), id(4)]];
        assert_eq!(first_occurrences(&ids), [vec![true, true, false], vec![false, true], vec![false, true]]);
    }

    #[test]
    fn each_batch_hears_about_its_own_rows_in_its_own_order() {
        let ids = vec![vec![id(1), id(2), id(1)], vec![id(2), id(3), id(5)], vec![id(4), id(3)]];
        let firsts = first_occurrences(&ids);
        // 5 was there already: the statement did not store it.
        let stored: HashSet<Uuid> = [1, 2, 3, 4].into_iter().map(id).collect();
        let answered: Vec<Vec<bool>> = ids.iter().zip(&firsts).map(|(i, f)| answers(i, f, &stored)).collect();
        assert_eq!(answered, [vec![true, true, false], vec![false, true, false], vec![true, false]]);
        // Each stored id is answered `stored` exactly once, across batches.
        let mut count: HashMap<Uuid, usize> = HashMap::new();
        for (batch, answers) in ids.iter().zip(&answered) {
            for (i, a) in batch.iter().zip(answers) {
                *count.entry(*i).or_default() += usize::from(*a);
            }
        }
        assert!(stored.iter().all(|i| count[i] == 1), "{count:?}");
    }
}
