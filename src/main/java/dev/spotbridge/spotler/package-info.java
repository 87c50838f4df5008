/**
 * Spotler Mail+: the REST client interface, request signing (OAuth 1.0a one-legged, HMAC-SHA1) and
 * the gateway that carries the fault-tolerance policies. 5xx, 429 and timeouts raise {@link
 * dev.spotbridge.spotler.SpotlerUnavailableException} (retried, then redelivered by the broker);
 * other 4xx raise {@link dev.spotbridge.spotler.SpotlerRejectedException} (never retried).
 * Spotler's wire types do not leave this package.
 */
package dev.spotbridge.spotler;
