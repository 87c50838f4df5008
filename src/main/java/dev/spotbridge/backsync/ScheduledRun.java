package dev.spotbridge.backsync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** A scheduled firing of a job that one node claimed (and ran); see migration V8. */
@Entity
@Table(name = "scheduled_run")
@IdClass(ScheduledRun.Key.class)
public class ScheduledRun {

    @Id private String job;

    @Id private Instant slot;

    private String node;

    @Column(name = "claimed_at")
    private Instant claimedAt;

    protected ScheduledRun() {}

    ScheduledRun(String job, Instant slot, String node) {
        this.job = job;
        this.slot = slot;
        this.node = node;
        this.claimedAt = Instant.now();
    }

    /** The composite key (job, slot). */
    public record Key(String job, Instant slot) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
