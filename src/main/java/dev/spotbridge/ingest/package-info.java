/**
 * Ingest: the Dataverse webhook. It checks the key, size, media type and shape of the
 * RemoteExecutionContext, turns it into a change event and puts it durably on the sync queue before
 * answering 202 — through its own producer (SyncQueue) and the broker sessions it keeps open
 * between webhooks (IntakeContexts). It never calls an outside system; on any error it answers a
 * precise 4xx with a JSON body and enqueues nothing.
 */
package dev.spotbridge.ingest;
