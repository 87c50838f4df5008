/**
 * Admin: the records API (status and history per record), the HTTP Basic admin login (role
 * spotbridge-admin), readiness, the check of the settings Spotbridge cannot run without, and the
 * start-up banner that says where the webhook, Spotler and Dataverse are.
 */
package dev.spotbridge.admin;
