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

    @Column(name = "last_started_at")
    private Instant lastStartedAt;

    @Column(name = "last_finished_at")
    private Instant lastFinishedAt;

    @Column(name = "last_outcome")
    private String lastOutcome;

    @Column(name = "last_detail")
    private String lastDetail;

    @Column(name = "last_node")
    private String lastNode;

    protected RunLock() {}

    String name() {
        return name;
    }

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

    /** What the run that held the lock ended with; kept until the next run ends. */
    void finished(String node, Instant started, String outcome, String detail) {
        lastNode = node;
        lastStartedAt = started;
        lastFinishedAt = Instant.now();
        lastOutcome = outcome;
        lastDetail = detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000);
    }

    RunLocks.LastRun lastRun() {
        return lastOutcome == null
                ? null
                : new RunLocks.LastRun(
                        name, lastNode, lastStartedAt, lastFinishedAt, lastOutcome, lastDetail);
    }
}
