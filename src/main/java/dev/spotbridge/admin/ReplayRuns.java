package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.runs.Resumable;
import dev.spotbridge.runs.Run;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A replay of the dead letters a filter matches, as a run: one message at a time (each taken off
 * the dead-letter queue and put back on its queue in a transaction of its own), a pause honoured
 * between two messages, and a resume that replays what still matches the filter.
 */
@ApplicationScoped
public class ReplayRuns implements Resumable {

    private static final Logger LOG = Logger.getLogger(ReplayRuns.class.getName());

    @Inject Runs runs;

    @Inject DeadLetters deadLetters;

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = Queues.DEAD_LETTERS)
    Queue deadLetterQueue;

    @Resource ManagedExecutorService executor;

    @Override
    public String kind() {
        return Runs.REPLAY;
    }

    /**
     * Replays every dead letter the filter matches (entity, recordId, [from, to)), reporting on a
     * new run.
     *
     * @return {"replayed": n, "run": id} and "paused": true when an operator paused it
     */
    JsonObject replay(JsonObject filter, String by) throws JMSException {
        // what is dead-lettered once the run began is not its work (a replayed letter that failed
        // again), also when it is resumed
        JsonObject params =
                Json.createObjectBuilder(filter)
                        .add(DeadLetterBrowse.BEFORE, Instant.now().toString())
                        .build();
        // a filter that cannot be a selector is refused before the run begins
        DeadLetterBrowse.selector(params);
        RunTracker run = runs.start(Runs.REPLAY, describe(filter), by, params.toString());
        return replay(run, params);
    }

    /**
     * Replays the matching letters one by one, oldest first, until none is left; the total is what
     * a browse counted at the start (an estimate: the end gives the count).
     */
    private JsonObject replay(RunTracker run, JsonObject params) throws JMSException {
        String selector = DeadLetterBrowse.selector(params);
        int estimate =
                DeadLetterBrowse.count(
                        connectionFactory, deadLetterQueue, selector, Integer.MAX_VALUE);
        run.total(run.done() + run.failed() + estimate, true);
        run.phase("replaying about " + estimate + " dead letter(s)");
        int replayed = 0;
        try {
            while (true) {
                if (run.pauseRequested()) {
                    run.paused("paused after " + (run.done() + run.failed()) + " letter(s)");
                    return answer(run, replayed).add("paused", true).build();
                }
                if (!deadLetters.replayNext(selector)) {
                    break;
                }
                replayed++;
                run.add(1, 0);
            }
        } catch (RuntimeException e) {
            run.failed(Redelivery.describe(e) + "; POST /api/runs/" + run.id() + "/resume goes on");
            throw e;
        }
        run.finished(replayed + " replayed");
        return answer(run, replayed).build();
    }

    private static jakarta.json.JsonObjectBuilder answer(RunTracker run, int replayed) {
        return Json.createObjectBuilder().add("replayed", replayed).add("run", run.id());
    }

    /** Goes on in the background with the letters that still match the run's filter. */
    @Override
    public void resume(Run run, String by) {
        JsonObject params;
        try (var reader = Json.createReader(new StringReader(run.params()))) {
            params = reader.readObject();
        }
        runs.resumed(run.id());
        RunTracker tracker = runs.tracker(run.id());
        executor.submit(
                () -> {
                    try {
                        JsonObject result = replay(tracker, params);
                        LOG.info(() -> "replay run " + run.id() + ": " + result);
                    } catch (JMSException | RuntimeException e) {
                        if (e instanceof JMSException) {
                            tracker.failed("could not browse the dead-letter queue: " + e);
                        }
                        // the run is Failed with the reason; it waits for a person to resume it
                        LOG.log(
                                Level.SEVERE,
                                "replay run " + run.id() + " failed: " + Redelivery.describe(e),
                                e);
                    }
                });
    }

    private static String describe(JsonObject filter) {
        StringBuilder what = new StringBuilder("dead letters");
        for (String key : List.of("entity", "recordId", "from", "to")) {
            if (filter.containsKey(key)) {
                what.append(' ').append(key).append('=').append(filter.getString(key, ""));
            }
        }
        return what.toString();
    }
}
