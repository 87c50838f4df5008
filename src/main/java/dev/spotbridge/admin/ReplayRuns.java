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
import java.util.List;
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
     * Replays the letters, reporting on a new run.
     *
     * @return {"replayed": n, "run": id} and "paused": true when an operator paused it
     */
    JsonObject replay(List<String> ids, JsonObject filter, String by) {
        RunTracker run = runs.start(Runs.REPLAY, describe(filter), by, filter.toString());
        return replay(run, ids);
    }

    private JsonObject replay(RunTracker run, List<String> ids) {
        run.total(run.done() + run.failed() + ids.size(), false);
        run.phase("replaying " + ids.size() + " dead letter(s)");
        int replayed = 0;
        try {
            for (String id : ids) {
                if (run.pauseRequested()) {
                    run.paused("paused after " + (run.done() + run.failed()) + " letter(s)");
                    return answer(run, replayed).add("paused", true).build();
                }
                // false: the letter is gone already (replayed or discarded by someone else)
                if (deadLetters.replay(id)) {
                    replayed++;
                }
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
        JsonObject filter;
        try (var reader = Json.createReader(new StringReader(run.params()))) {
            filter = reader.readObject();
        }
        List<String> ids;
        try {
            ids = DeadLetterBrowse.matching(connectionFactory, deadLetterQueue, filter);
        } catch (JMSException e) {
            throw new IllegalStateException("could not browse the dead-letter queue", e);
        }
        runs.resumed(run.id());
        RunTracker tracker = runs.tracker(run.id());
        executor.submit(
                () -> {
                    JsonObject result = replay(tracker, ids);
                    LOG.info(() -> "replay run " + run.id() + ": " + result);
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
