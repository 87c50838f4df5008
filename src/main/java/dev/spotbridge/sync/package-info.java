/**
 * Sync: the drain of the sync queue and what a D365 record change does to its Spotler contact.
 * {@link dev.spotbridge.sync.SyncDecision} says what a change means (skip, blank, restore, write…)
 * and why, without I/O; {@link dev.spotbridge.sync.ContactSync} carries it out — the Spotler write,
 * its state, history and idempotency key committed together, for one change or a batch of them (one
 * POST /contact/list per 100 records); {@link dev.spotbridge.sync.SyncDrain} runs the threads and
 * {@link dev.spotbridge.sync.SyncBatch} takes a batch, hands it over and decides what becomes of
 * what failed. Coalescing skips queued changes a newer one covers; failed attempts are recorded by
 * SyncFailures before the rollback.
 */
package dev.spotbridge.sync;
