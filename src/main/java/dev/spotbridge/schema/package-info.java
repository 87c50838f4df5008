/**
 * Schema: versioned SQL migrations (resources db/migration, listed in index.txt) applied in order
 * at start-up and recorded in schema_version. The same files serve H2 and PostgreSQL. A failing
 * migration stops the deployment.
 */
package dev.spotbridge.schema;
