/**
 * Runs: long work with a live state that every node and the admin page can read — total (or best
 * estimate), done, failed, rate, ETA, phase, who started it and on which node — and, where the work
 * allows, a pause and a resume. The work reports through a {@link dev.spotbridge.runs.RunTracker};
 * GET /api/runs reads the rows.
 */
package dev.spotbridge.runs;
