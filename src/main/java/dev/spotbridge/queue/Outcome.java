package dev.spotbridge.queue;

/** What became of one event of the sync queue. */
public enum Outcome {
    /** Spotler (or D365) was written */
    WRITTEN,
    /** nothing needed writing: the change was already there */
    NO_CHANGE,
    /** nothing was written, on purpose (the history says why) */
    SKIPPED,
    /** refused for good: the message goes to the dead-letter queue at once, no redelivery */
    REJECTED
}
