/**
 * JSON-P with the provider looked up once: {@code jakarta.json.Json}'s factory methods look the
 * provider up on every call (a ServiceLoader scan of the class path), which was half the CPU of a
 * webhook.
 */
package dev.spotbridge.json;
