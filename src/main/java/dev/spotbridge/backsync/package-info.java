/**
 * Back-sync: what happens in Spotler reaches D365, pulled hourly (and on demand through POST
 * /api/backsync/run). Now: opt-outs from Spotler's contact changes and bounces, each feed with a
 * watermark and an overlapping window, so a run that fails is repeated without loss or duplicates;
 * bounces become owner tasks (BounceTasks); the emails and SMS of Spotler's mailings go on the D365
 * timeline; the nightly reconciliation repairs drift between D365 and Spotler (Reconciler).
 */
package dev.spotbridge.backsync;
