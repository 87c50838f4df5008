/**
 * Consent: permission rows (sb_permission) and their Spotler bits, the bits a record's write
 * carries by its bulk-email choice, Spotler opt-outs found on a write or by the hourly pull, and
 * the consent ledger that records every change of consent, from D365 or from Spotler.
 */
package dev.spotbridge.consent;
