/**
 * Sandboxes: stateful emulators of the Spotler Mail+ REST API (OAuth 1.0a verified) and the
 * Dataverse Web API (Bearer tokens from an emulated Entra ID token endpoint), served under /sandbox
 * when the real URL is not configured. Their state lives in the application database (table
 * sandbox_row), so it survives a restart like the sync state. Each has a _control path for tests
 * and demos: injected faults, request counters, raw state.
 */
package dev.spotbridge.sandbox;
