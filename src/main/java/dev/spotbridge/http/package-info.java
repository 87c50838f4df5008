/** HTTP details both gateways share: reading and honouring Retry-After. */
package dev.spotbridge.http;
