/**
 * Jobs: an sb_syncjob created in D365 (the "Sync to Spotler" button, or a campaign job) runs as
 * queued work — sync a list, fully sync a customer, start or stop a Spotler campaign for the
 * customer or every member of a list — and its per-contact outcome is written back to the job
 * (sb_status, sb_result). Also the bulk work lists and jobs share: backfills of every active
 * record, and BulkUpsert, which brings many records into Spotler in batches of 100.
 */
package dev.spotbridge.jobs;
