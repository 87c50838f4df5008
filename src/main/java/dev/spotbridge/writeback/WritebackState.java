package dev.spotbridge.writeback;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** What Spotbridge last wrote to the D365 record: only differences are written again. */
@Entity
@Table(name = "writeback_state")
public class WritebackState {

    @Id
    @Column(name = "record_key")
    private String recordKey;

    private String status;

    @Column(name = "synced_at")
    private Instant syncedAt;

    @Column(name = "opt_out_written")
    private boolean optOutWritten;

    @Column(name = "last_error")
    private String lastError;

    /** The newest history entry written to D365 as an sb_synclog row (or found not to be one). */
    @Column(name = "logged_through")
    private Long loggedThrough;

    @Column(name = "updated_at")
    private Instant updatedAt;

    /** When a newer sync time than the one written goes to D365 (null: none waits). */
    @Column(name = "due_at")
    private Instant dueAt;

    protected WritebackState() {}

    /** The last error without the record's personal values (an erasure). */
    public void scrubError(java.util.function.UnaryOperator<String> scrub) {
        lastError = lastError == null ? null : scrub.apply(lastError);
    }

    WritebackState(String recordKey) {
        this.recordKey = recordKey;
        this.updatedAt = Instant.now();
    }

    String status() {
        return status;
    }

    Instant syncedAt() {
        return syncedAt;
    }

    boolean optOutWritten() {
        return optOutWritten;
    }

    String lastError() {
        return lastError;
    }

    long loggedThrough() {
        return loggedThrough == null ? 0 : loggedThrough;
    }

    /** History entries through this one are in D365 (or were found not to be events of it). */
    void logged(long through) {
        this.loggedThrough = Math.max(loggedThrough(), through);
        this.updatedAt = Instant.now();
    }

    /** A newer sync time waits until then: sb_lastsyncedon is written at most once an interval. */
    void due(Instant at) {
        this.dueAt = at;
    }

    void written(
            String status, Instant syncedAt, boolean optOut, String lastError, long loggedThrough) {
        this.status = status;
        this.syncedAt = syncedAt;
        this.optOutWritten |= optOut;
        this.lastError = lastError;
        this.loggedThrough = Math.max(loggedThrough(), loggedThrough);
        this.updatedAt = Instant.now();
    }
}
