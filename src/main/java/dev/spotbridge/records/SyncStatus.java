package dev.spotbridge.records;

/** The sync status of a record, as D365 users and the records API see it. */
public enum SyncStatus {
    Processing,
    Succeeded,
    Failed,
    OptOut,
    Disabled
}
