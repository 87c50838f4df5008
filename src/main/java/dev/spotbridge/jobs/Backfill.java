package dev.spotbridge.jobs;

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
import java.util.Arrays;
import java.util.List;

/** One backfill: which tables, where it is (table + next page), what it did (migration V9). */
@Entity
@Table(name = "backfill")
public class Backfill {

    static final String RUNNING = "Running";
    static final String SUCCEEDED = "Succeeded";
    static final String FAILED = "Failed";
    static final String PAUSED = "Paused";

    /** A Running backfill whose node has not been heard of for this long is Interrupted. */
    static final Duration STALE = Duration.ofMinutes(10);

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String entities;

    private String origin;

    private String state;

    private String entity;

    @Column(name = "skip_token")
    private String skipToken;

    private int pages;

    @Column(name = "records_read")
    private int recordsRead;

    private int written;

    private int excluded;

    @Column(name = "spotler_calls")
    private int spotlerCalls;

    private String node;

    @Column(name = "started_at")
    private Instant startedAt;

    @Column(name = "heartbeat_at")
    private Instant heartbeatAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    private String detail;

    /** The run it reports its progress on (GET /api/runs/{id}); null for a backfill before V23. */
    @Column(name = "run_id")
    private Long runId;

    protected Backfill() {}

    Backfill(List<String> entities, String origin, String node) {
        this.entities = String.join(",", entities);
        this.origin = origin;
        this.state = RUNNING;
        this.entity = entities.get(0);
        this.node = node;
        this.startedAt = Instant.now();
        this.heartbeatAt = startedAt;
    }

    public long id() {
        return id;
    }

    public Long runId() {
        return runId;
    }

    void runId(long runId) {
        this.runId = runId;
    }

    int pages() {
        return pages;
    }

    int recordsRead() {
        return recordsRead;
    }

    List<String> entities() {
        return List.of(entities.split(","));
    }

    String origin() {
        return origin;
    }

    String entity() {
        return entity;
    }

    String skipToken() {
        return skipToken;
    }

    int written() {
        return written;
    }

    int excluded() {
        return excluded;
    }

    /** Running, Paused, Succeeded, Failed, or Interrupted (Running, but its node went silent). */
    String state() {
        return RUNNING.equals(state) && heartbeatAt.plus(STALE).isBefore(Instant.now())
                ? "Interrupted"
                : state;
    }

    public boolean running() {
        return "Running".equals(state());
    }

    /** One page done; moves to the next page, the next table, or the end. */
    void page(int read, int written, int excluded, int calls, String next) {
        pages++;
        recordsRead += read;
        this.written += written;
        this.excluded += excluded;
        spotlerCalls += calls;
        heartbeatAt = Instant.now();
        skipToken = next;
        if (next == null) {
            List<String> all = Arrays.asList(entities.split(","));
            int at = all.indexOf(entity);
            if (at + 1 < all.size()) {
                entity = all.get(at + 1);
            } else {
                state = SUCCEEDED;
                finishedAt = heartbeatAt;
                detail = summary();
            }
        }
    }

    void failed(String why, String node) {
        state = FAILED;
        this.node = node;
        finishedAt = Instant.now();
        detail = why.length() > 2000 ? why.substring(0, 1990) + " …" : why;
    }

    /** Stopped between two pages, as an operator asked; resumable from the next page. */
    void paused(String node) {
        state = PAUSED;
        this.node = node;
        heartbeatAt = Instant.now();
        detail = "paused at " + entity + " after " + pages + " page(s); resume goes on from there";
    }

    /** Running again from where it stopped, on this node. */
    void resumed(String node) {
        state = RUNNING;
        this.node = node;
        heartbeatAt = Instant.now();
        finishedAt = null;
        detail = null;
    }

    String summary() {
        return recordsRead
                + " active record(s) read in "
                + pages
                + " page(s); "
                + written
                + " written to Spotler in "
                + spotlerCalls
                + " batch call(s), "
                + excluded
                + " left out (opted out, sync disabled or no bulk email)";
    }

    public JsonObject json() {
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("id", id)
                        .add("entities", Json.createArrayBuilder(List.of(entities.split(","))))
                        .add("origin", origin)
                        .add("state", state())
                        .add("pages", pages)
                        .add("recordsRead", recordsRead)
                        .add("written", written)
                        .add("excluded", excluded)
                        .add("spotlerCalls", spotlerCalls)
                        .add("startedAt", startedAt.toString())
                        .add("heartbeatAt", heartbeatAt.toString());
        if (RUNNING.equals(state) || !SUCCEEDED.equals(state)) {
            b.add("at", entity);
        }
        if (node != null) {
            b.add("node", node);
        }
        if (runId != null) {
            b.add("run", runId);
        }
        if (finishedAt != null) {
            b.add("finishedAt", finishedAt.toString());
            b.add("seconds", Duration.between(startedAt, finishedAt).toMillis() / 1000.0);
        }
        if (detail != null) {
            b.add("detail", detail);
        }
        return b.build();
    }
}
