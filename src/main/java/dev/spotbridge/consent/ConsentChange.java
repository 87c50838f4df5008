package dev.spotbridge.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One entry of the consent ledger: who changed which consent of a record, when, from what to what.
 */
@Entity
@Table(name = "consent_change")
public class ConsentChange {

    /** Where a consent change was made. */
    public enum Source {
        D365,
        Spotler
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "record_key")
    private String recordKey;

    @Column(name = "happened_at")
    private Instant at;

    private String source;

    private String kind;

    private String subject;

    @Column(name = "value_before")
    private String before;

    @Column(name = "value_after")
    private String after;

    protected ConsentChange() {}

    ConsentChange(
            String recordKey,
            Source source,
            String kind,
            String subject,
            String before,
            String after) {
        this.recordKey = recordKey;
        this.at = Instant.now();
        this.source = source.name();
        this.kind = kind;
        this.subject = subject;
        this.before = before;
        this.after = after;
    }

    String describe() {
        return subject
                + ": "
                + (before == null ? "(unknown)" : before)
                + " → "
                + after
                + " (source "
                + source
                + ")";
    }
}
