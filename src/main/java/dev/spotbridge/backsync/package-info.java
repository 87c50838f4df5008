/**
 * Back-sync: what happens in Spotler reaches D365, pulled hourly (and on demand through POST
 * /api/backsync/run). Now: opt-outs from Spotler's contact changes and bounces, each feed with a
 * watermark and an overlapping window, so a run that fails is repeated without loss or duplicates.
 */
package dev.spotbridge.backsync;
