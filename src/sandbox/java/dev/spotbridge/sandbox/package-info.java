/**
 * Sandboxes: stateful emulators of the Spotler Mail+ REST API (OAuth 1.0a verified by a verifier of
 * their own) and the Dataverse Web API (Bearer tokens from an emulated Entra ID token endpoint),
 * served under /sandbox by their own application, sandbox.war. The default run and the tests deploy
 * it beside Spotbridge, which reaches it only by the URLs and credentials of the default server
 * configuration; production never deploys it. Their state lives in their own database (SandboxDS,
 * table sandbox_row), so it survives a restart like the sync state. Each has a _control path for
 * tests and demos: injected faults, request counters, raw state.
 */
package dev.spotbridge.sandbox;
