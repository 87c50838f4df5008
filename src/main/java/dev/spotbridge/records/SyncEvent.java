package dev.spotbridge.records;

/**
 * What happened to a record, as its history in D365 (sb_synclog) names it. Every event but {@link
 * #SYNCED} is non-routine and always reaches D365; routine successes only when
 * spotbridge.d365.log-successes is true.
 */
public enum SyncEvent {
    SYNCED,
    FAILED,
    BLANKED,
    RESTORED,
    OPTED_OUT,
    DISABLED,
    CONSENT_CHANGED,
    /** profile values that came from Spotler (a form, a preference page) written to D365 */
    ENRICHED;

    /** Whether it reaches D365 only when routine successes are logged. */
    public boolean routine() {
        return this == SYNCED;
    }
}
