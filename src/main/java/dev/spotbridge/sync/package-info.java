/**
 * Sync: the queue of change events, its consumer, and the rules that turn an event into at most one
 * Spotler write (idempotency, ordering by version, tombstones, no-op detection), with each record's
 * sync state and history. A failure inside a consumer rolls its transaction back, so the broker
 * redelivers and finally dead-letters the message.
 */
package dev.spotbridge.sync;
