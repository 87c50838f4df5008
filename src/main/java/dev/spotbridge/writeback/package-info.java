/**
 * Write-back: D365 is told what became of its records (sb_syncstatus, sb_lastsyncedon, and
 * donotbulkemail after a Spotler opt-out). Asked for on the write-back queue inside the sync's
 * transaction, taken in batches and written as one Dataverse $batch of only what changed; a
 * Dataverse outage never holds up the Spotler sync.
 */
package dev.spotbridge.writeback;
