/**
 * Admin: the records API (status and history per record), the HTTP Basic admin login (role
 * spotbridge-admin), readiness, and the start-up banner that says where the webhook and the
 * sandboxes are.
 */
package dev.spotbridge.admin;
