/**
 * Sync: the consumer of the sync queue and what a D365 record change does to its Spotler contact.
 * {@link dev.spotbridge.sync.SyncDecision} says what a change means (skip, blank, restore, write…)
 * and why, without I/O; {@link dev.spotbridge.sync.ContactSync} carries it out — at most one
 * Spotler write, its state, history and idempotency key committed together; {@link
 * dev.spotbridge.sync.SyncConsumer} only unwraps, delegates and rethrows. Coalescing skips queued
 * changes a newer one covers; failed attempts are recorded by SyncFailures before the rollback.
 */
package dev.spotbridge.sync;
