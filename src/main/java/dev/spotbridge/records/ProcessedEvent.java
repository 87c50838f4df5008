package dev.spotbridge.records;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * Idempotency ledger: an event key here has had its effect; written in the transaction of that
 * effect.
 */
@Entity
@Table(name = "processed_event")
public class ProcessedEvent {

    @Id
    @Column(name = "event_key")
    private String key;

    @Column(name = "processed_at")
    private Instant processedAt;

    protected ProcessedEvent() {}

    public ProcessedEvent(String key) {
        this.key = key;
        this.processedAt = Instant.now();
    }
}
