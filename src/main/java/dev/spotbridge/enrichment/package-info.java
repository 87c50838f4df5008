/**
 * Profile enrichment (manual §6): values Spotler holds from forms, surveys and preference pages
 * flow back into the mapped D365 columns — hourly with the changed-contacts pull, and on demand —
 * by the mapping's rules whose direction is from-spotler or both.
 */
package dev.spotbridge.enrichment;
