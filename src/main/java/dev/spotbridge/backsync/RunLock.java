package dev.spotbridge.backsync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Who runs a scheduled job now, and until when at the latest (a node that dies lets it expire). */
@Entity
@Table(name = "run_lock")
public class RunLock {

    @Id private String name;

    private String holder;

    @Column(name = "locked_until")
    private Instant lockedUntil;

    protected RunLock() {}

    String holder() {
        return holder;
    }

    Instant lockedUntil() {
        return lockedUntil;
    }

    void take(String holder, Instant until) {
        this.holder = holder;
        this.lockedUntil = until;
    }
}
