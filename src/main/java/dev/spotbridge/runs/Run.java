package dev.spotbridge.runs;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/** One run of long work and where it is (migration V23). */
@Entity
@Table(name = "run")
public class Run {

    public static final String RUNNING = "Running";
    public static final String PAUSED = "Paused";
    public static final String SUCCEEDED = "Succeeded";
    public static final String PARTLY_SUCCEEDED = "PartlySucceeded";
    public static final String FAILED = "Failed";

    /** A Running run whose node has not reported for this long is Interrupted. */
    static final Duration STALE = Duration.ofMinutes(10);

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String kind;

    private String subject;

    private String state;

    private String phase;

    private Long total;

    @Column(name = "total_estimated")
    private boolean totalEstimated;

    private long done;

    private long failed;

    @Column(name = "started_by")
    private String startedBy;

    private String node;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "heartbeat_at")
    private Instant heartbeatAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(name = "pause_requested")
    private boolean pauseRequested;

    /** Since when the rate is measured (the start, or the last resume) … */
    @Column(name = "rate_since")
    private Instant rateSince;

    /** … and how many items were done or failed then. */
    @Column(name = "rate_base")
    private long rateBase;

    private String params;

    private String detail;

    protected Run() {}

    Run(String kind, String subject, String startedBy, String node, String params) {
        this.kind = kind;
        this.subject = cut(subject, 300);
        this.state = RUNNING;
        this.startedBy = cut(startedBy, 200);
        this.node = node;
        this.startedAt = Instant.now();
        this.heartbeatAt = startedAt;
        this.rateSince = startedAt;
        this.params = cut(params, 4000);
    }

    public long id() {
        return id;
    }

    public String kind() {
        return kind;
    }

    public String subject() {
        return subject;
    }

    public String params() {
        return params;
    }

    public long done() {
        return done;
    }

    public long failed() {
        return failed;
    }

    /**
     * Running, Paused, Succeeded, PartlySucceeded, Failed — or Interrupted: its node went silent.
     */
    public String state() {
        return RUNNING.equals(state) && heartbeatAt.plus(STALE).isBefore(Instant.now())
                ? "Interrupted"
                : state;
    }

    public boolean active() {
        return RUNNING.equals(state) || PAUSED.equals(state);
    }

    boolean pauseRequested() {
        return pauseRequested;
    }

    void progress(long done, long failed, String phase, Instant at) {
        this.done = done;
        this.failed = failed;
        if (phase != null) {
            this.phase = cut(phase, 300);
        }
        heartbeatAt = at;
    }

    void total(Long total, boolean estimated) {
        this.total = total;
        this.totalEstimated = total != null && estimated;
    }

    void requestPause(boolean wanted) {
        pauseRequested = wanted;
    }

    void paused(String why) {
        state = PAUSED;
        pauseRequested = false;
        heartbeatAt = Instant.now();
        phase = cut(why, 300);
    }

    /** Running again, on this node: the rate is measured afresh. */
    void resumed(String node) {
        state = RUNNING;
        pauseRequested = false;
        this.node = node;
        heartbeatAt = Instant.now();
        rateSince = heartbeatAt;
        rateBase = done + failed;
        finishedAt = null;
        detail = null;
    }

    void finished(String outcome, String detail) {
        state = outcome;
        pauseRequested = false;
        finishedAt = Instant.now();
        heartbeatAt = finishedAt;
        this.detail = cut(detail, 4000);
        if (SUCCEEDED.equals(outcome) || PARTLY_SUCCEEDED.equals(outcome)) {
            // what was done is what there was: an estimate gives way to the count
            total = done + failed;
            totalEstimated = false;
        }
    }

    /** Items per second since the start or the last resume; null before there is a measure. */
    Double rate(Instant now) {
        Instant until = finishedAt != null ? finishedAt : now;
        double seconds = Duration.between(rateSince, until).toMillis() / 1000.0;
        long items = done + failed - rateBase;
        return seconds < 1 || items <= 0 ? null : items / seconds;
    }

    public JsonObject json() {
        Instant now = Instant.now();
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("id", id)
                        .add("kind", kind)
                        .add("state", state())
                        .add("done", done)
                        .add("failed", failed)
                        .add("startedBy", startedBy)
                        .add("node", node)
                        .add("startedAt", startedAt.toString())
                        .add("updatedAt", heartbeatAt.toString())
                        .add("pausable", pausable());
        if (subject != null) {
            b.add("subject", subject);
        }
        if (phase != null) {
            b.add("phase", phase);
        }
        if (total != null) {
            b.add("total", total).add("totalEstimated", totalEstimated);
            long left = Math.max(0, total - done - failed);
            b.add(
                    "percent",
                    total == 0
                            ? 100.0
                            : Math.min(100.0, Math.round((done + failed) * 1000.0 / total) / 10.0));
            Double rate = rate(now);
            if (rate != null) {
                b.add("ratePerSecond", Math.round(rate * 10) / 10.0);
                if (RUNNING.equals(state)) {
                    b.add("etaSeconds", Math.round(left / rate));
                }
            }
        } else {
            Double rate = rate(now);
            if (rate != null) {
                b.add("ratePerSecond", Math.round(rate * 10) / 10.0);
            }
        }
        if (pauseRequested) {
            b.add("pauseRequested", true);
        }
        if (finishedAt != null) {
            b.add("finishedAt", finishedAt.toString())
                    .add("seconds", Duration.between(startedAt, finishedAt).toMillis() / 1000.0);
        }
        if (detail != null) {
            b.add("detail", detail);
        }
        return b.build();
    }

    /** The kinds of work that can stop between two steps and go on later. */
    boolean pausable() {
        return Runs.PAUSABLE.contains(kind);
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 2) + " …";
    }
}
