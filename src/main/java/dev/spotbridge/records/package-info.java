/**
 * Records: what Spotbridge knows of each D365 record — its sync state (status, what was last
 * written to Spotler, its switches), its history (every attempt, with the mapped before/after
 * values), and the idempotency ledger of applied events. Written by sync, consent, jobs and
 * back-sync in the transaction of their effect; read by the records API.
 */
package dev.spotbridge.records;
