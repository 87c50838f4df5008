import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark client (run by src/bench/benchmark.sh against a running sandbox-only server):
 * raw broker limit, webhook ingest (rate, ratio to the raw limit, ack p50/p99), end to end at a
 * steady rate, write economy. Prints one report. Java 17 single-file program, no dependencies.
 */
public class Benchmark {

    static final String BASE = "http://127.0.0.1:8080";
    /** Where sandbox.war runs: beside Spotbridge on the default run, a server of its own in the cluster test. */
    static final String SANDBOX = System.getProperty("sandbox", BASE);
    static final String KEY = System.getenv().getOrDefault("SPOTBRIDGE_WEBHOOK_KEY", "sandbox-webhook-key");
    static final HttpClient HTTP =
            // HTTP/1.1: a long admin call (a back-sync of 100 000) must not meet HTTP/2 stream limits
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    static final String CLI = System.getProperty("cli", "target/server/bin/jboss-cli.sh");
    static final String SYNC_QUEUE = "/subsystem=messaging-activemq/server=default/jms-queue=spotbridge-sync";

    static final int THREADS = Integer.getInteger("threads", 32);
    static final int INGEST = Integer.getInteger("ingest", 10_000);
    static final int RATE = Integer.getInteger("rate", 200);
    static final int STEADY_SECONDS = Integer.getInteger("seconds", 30);
    static final int WARMUP = Integer.getInteger("warmup", 5_000);
    static final int WARMUP_ROUNDS = Integer.getInteger("warmupRounds", 12);
    static final double WARMUP_JIT = Double.parseDouble(System.getProperty("warmupJit", "0.15"));

    /**
     * Runs the command and exits with its outcome: a failure must end the program even while pool threads of an
     * abandoned phase are still alive (they are not daemons), or the script waiting for it (CI) hangs.
     */
    public static void main(String[] args) {
        int status = 0;
        try {
            run(args);
        } catch (Throwable failure) {
            failure.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    static void run(String[] args) throws Exception {
        if (args.length == 2 && "crash-send".equals(args[0])) {
            crashSend(java.nio.file.Path.of(args[1]));
            return;
        }
        if (args.length == 2 && "crash-verify".equals(args[0])) {
            crashVerify(java.nio.file.Path.of(args[1]));
            return;
        }
        if (args.length == 1 && "cluster-load".equals(args[0])) {
            clusterLoad();
            return;
        }
        if (args.length == 1 && "cluster-order".equals(args[0])) {
            clusterOrder();
            return;
        }
        if (args.length == 1 && "rate-check".equals(args[0])) {
            rateCheck();
            return;
        }
        if (args.length == 1 && "cluster-budget".equals(args[0])) {
            clusterBudget();
            return;
        }
        if (args.length == 2 && "cluster-takeover".equals(args[0])) {
            clusterTakeover(java.nio.file.Path.of(args[1]));
            return;
        }
        if (args.length >= 2 && "cluster-backsync".equals(args[0])) {
            clusterBacksync(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        awaitReady();
        System.out.printf(Locale.ROOT, "machine: %d cores; %d client threads%n",
                Runtime.getRuntime().availableProcessors(), THREADS);

        // warm-up, not measured: the broker, then the intake with the sync queue paused (the path the ingest figure
        // measures), then the consumer draining what was taken in. A fresh WildFly spends much of its CPU in the JIT
        // compiler for minutes; figures of a server still compiling its hot paths would be of the JIT.
        Instant t0 = Instant.now().minusSeconds(3600);
        post(SANDBOX + "/sandbox/broker/benchmark?messages=20000&threads=" + THREADS, "");
        // rounds until the JIT compiler has settled (it used less than WARMUP_JIT cores in the last round), at most
        // WARMUP_ROUNDS
        for (int round = 1; WARMUP > 0 && round <= WARMUP_ROUNDS; round++) {
            long warmStart = System.nanoTime();
            Map<String, Long> before = ServerThreads.ticks();
            long w = writes();
            List<String> warmIds = seeded(WARMUP, "warm" + round);
            Intake warm = takeIn(WARMUP, THREADS, i -> create(warmIds.get(i), "Warm" + i, t0));
            awaitWrites(w + WARMUP);
            quiet();
            double seconds = (System.nanoTime() - warmStart) / 1e9;
            double jit = ServerThreads.minus(ServerThreads.ticks(), before).getOrDefault("JIT compiler", 0L)
                    / (double) ServerThreads.HZ / seconds;
            // the intake's part on its own too: it is a few seconds of a round of 20-70, and the compiler's work on
            // the intake's paths hid in the round's average (0.2-0.4 cores in the measured ingest after a round at 0.1)
            double intakeJit = warm.serverCpu().getOrDefault("JIT compiler", 0L) / (double) ServerThreads.HZ / warm.seconds();
            System.out.printf(Locale.ROOT, "warm-up round %d: %d creates taken in and written to Spotler in %.1f s, the JIT compiler used %.2f cores"
                            + " (%.2f while they were taken in; not measured)%n", round, WARMUP, seconds, jit, intakeJit);
            if (jit < WARMUP_JIT && intakeJit < WARMUP_JIT) {
                break;
            }
        }

        if (System.getProperty("sweep") != null) {
            sweep(t0);
            return;
        }

        // 1. raw broker limit (the same Artemis, persistent send + receive)
        String raw = post(SANDBOX + "/sandbox/broker/benchmark?messages=20000&threads=" + THREADS, "");
        double rawRate = number(raw, "perSecond");
        System.out.printf(Locale.ROOT, "raw broker: %.0f persistent messages/s sent and received (20000, %d producers + %d consumers)%n",
                rawRate, THREADS, THREADS);

        // 2. ingest: webhooks accepted and durably enqueued, consumers paused
        List<String> ids = seeded(INGEST, "ingest");
        long writesBeforeIngest = writes();
        long callsBeforeIngest = spotlerCalls();
        long dataverseBeforeIngest = dataverseRequests();
        Intake intake = takeIn(INGEST, THREADS, i -> create(ids.get(i), "Bench" + i, t0));
        double ingestSeconds = intake.seconds();
        long[] acks = intake.acks();
        double clientCpu = intake.clientCpu();
        Map<String, Long> serverCpu = intake.serverCpu();
        double ingestRate = INGEST / ingestSeconds;
        System.out.printf(Locale.ROOT, "ingest: %.0f webhooks/s accepted and enqueued (%d, %d threads) = %.0f %% of the raw broker rate; ack p50 %.1f ms, p99 %.1f ms%n",
                ingestRate, INGEST, THREADS, 100 * ingestRate / rawRate, acks[INGEST / 2] / 1e6, acks[(int) (INGEST * 0.99)] / 1e6);
        System.out.printf(Locale.ROOT, "ingest: the load client itself used %.2f of the %d cores meanwhile%n",
                clientCpu, Runtime.getRuntime().availableProcessors());
        System.out.println("ingest: the server's CPU meanwhile, by thread group: " + ServerThreads.describe(serverCpu, ingestSeconds));

        // draining the backlog: processing throughput
        // the end is the last of the INGEST Spotler writes, polled on the sandbox's cheap counter (a Prometheus
        // scrape of the whole server every 500 ms took 8 % of the CPU the drain is measured with)
        long drainStart = System.nanoTime();
        Map<String, Long> drainBefore = ServerThreads.ticks();
        awaitWrites(writesBeforeIngest + INGEST);
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        Map<String, Long> drainCpu = ServerThreads.minus(ServerThreads.ticks(), drainBefore);
        System.out.printf(Locale.ROOT, "drain: the %d queued creates written to Spotler in %.1f s = %.0f changes/s; %.3f Spotler calls per change%n",
                INGEST, drainSeconds, INGEST / drainSeconds, (spotlerCalls() - callsBeforeIngest) / (double) INGEST);
        System.out.println("drain: the server's CPU meanwhile, by thread group: " + ServerThreads.describe(drainCpu, drainSeconds));
        // the drain's Dataverse cost: its reads, and the status write-back of the new records, once that is done
        quiet();
        System.out.printf(Locale.ROOT, "drain: %.3f Dataverse requests per change (%d in all, each request of a $batch counted), write-back included%n",
                (dataverseRequests() - dataverseBeforeIngest) / (double) INGEST, dataverseRequests() - dataverseBeforeIngest);

        // 3. end to end at a steady rate, once the drain's status write-backs are done too
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        steady(pool, "end to end", t0.plusSeconds(10));

        // 4. outage: Spotler down while changes keep coming at the same rate, then up again
        int outage = Integer.getInteger("outage", 30);
        if (outage > 0) {
            outage(pool, outage, t0.plusSeconds(20_000));
        }

        // 5. latency as over the internet: both sandboxes answer every call after -Dlatency ms
        int latency = Integer.getInteger("latency", 50);
        if (latency > 0) {
            latency(latency);
            try {
                steady(pool, "end to end with " + latency + " ms per Spotler and Dataverse call", t0.plusSeconds(40_000));
            } finally {
                latency(0);
            }
        }

        // 6. write economy
        long w0 = writes();
        int real = 200;
        parallel(real, i -> webhook(update(ids.get(i), "Real" + i, t0.plusSeconds(100_000 + i))));
        awaitWrites(w0 + real);
        long w1 = settle();
        parallel(real, i -> webhook(update(ids.get(i), "Real" + i, t0.plusSeconds(200_000 + i))));
        long w2 = settle();
        String burst = ids.get(ids.size() - 1);
        for (int i = 0; i < 50; i++) {
            webhook(update(burst, "Burst" + i, t0.plusSeconds(300_000 + i)));
        }
        long w3 = settle();
        String last = get(SANDBOX + "/sandbox/spotler/_control/contacts/" + burst);
        System.out.printf(Locale.ROOT, "write economy: %.2f Spotler contact writes per real change (%d changes), %.2f per no-op update (%d), %d for a burst of 50 updates to one record (final firstName %s)%n",
                (w1 - w0) / (double) real, real, (w2 - w1) / (double) real, real, w3 - w2,
                last.contains("\"firstName\":\"Burst49\"") ? "Burst49, right" : "WRONG: " + last);
        pool.shutdownNow();

        backfillAndBacksync();
    }

    /**
     * RATE new records a second for STEADY_SECONDS, each its own create: the end-to-end latency from the webhook's 202
     * to its Spotler write (p50, p99 of the server's histogram), and the server's CPU meanwhile.
     */
    static void steady(ExecutorService pool, String label, Instant versions) throws Exception {
        quiet();
        Map<Double, Double> bucketsBefore = buckets(metrics());
        int steady = RATE * STEADY_SECONDS;
        List<String> ids = seeded(steady, "steady");
        long writesBefore = writes();
        long begin = System.nanoTime();
        Map<String, Long> steadyBefore = ServerThreads.ticks();
        double sendSeconds = sendAtRate(pool, ids, "Steady", versions).seconds();
        awaitWrites(writesBefore + steady);
        Map<String, Long> steadyCpu = ServerThreads.minus(ServerThreads.ticks(), steadyBefore);
        double steadySeconds = (System.nanoTime() - begin) / 1e9;
        settle();
        Map<Double, Double> delta = minus(buckets(metrics()), bucketsBefore);
        System.out.printf(Locale.ROOT, "%s at %d changes/s for %d s (%d changes, sent in %.1f s): p50 %s, p99 %s (webhook 202 to Spotler write, from spotbridge_end_to_end_buckets_total)%n",
                label, RATE, STEADY_SECONDS, steady, sendSeconds, quantile(delta, 0.5), quantile(delta, 0.99));
        System.out.println(label + ": the server's CPU meanwhile, by thread group: " + ServerThreads.describe(steadyCpu, steadySeconds));
    }

    /** What was sent at a steady rate: the records (one create each) and how long sending took. */
    record Sent(List<String> ids, double seconds) {}

    /** A create of each record at RATE a second; every webhook must be answered 202. */
    static Sent sendAtRate(ExecutorService pool, List<String> ids, String name, Instant versions) throws Exception {
        int n = ids.size();
        long period = 1_000_000_000L / RATE;
        long begin = System.nanoTime();
        List<Future<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long due = begin + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            // a new record each time: one real change each, nothing for coalescing to merge
            String id = ids.get(i);
            int k = i;
            sent.add(pool.submit(() -> webhook(create(id, name + k, versions.plusSeconds(k)))));
        }
        for (Future<Integer> f : sent) {
            if (f.get() != 202) {
                throw new IllegalStateException("webhook answered " + f.get());
            }
        }
        return new Sent(ids, (System.nanoTime() - begin) / 1e9);
    }

    /**
     * The Spotler sandbox answers 503 to everything for the given seconds while RATE changes a second keep coming,
     * then is back: how long the backlog takes to reach Spotler after the recovery (against the outage's length),
     * the Spotler calls and Dataverse requests that cost, and whether every change arrived, once, with its values.
     */
    static void outage(ExecutorService pool, int seconds, Instant versions) throws Exception {
        quiet();
        long w0 = writes();
        long calls0 = spotlerCalls();
        long requests0 = (long) number(get(SANDBOX + "/sandbox/spotler/_control/stats"), "requests");
        long dataverse0 = dataverseRequests();
        List<String> ids = seeded(RATE * seconds, "outage");
        control("POST", "/sandbox/spotler/_control/faults", "{\"status\":503,\"count\":2000000000}");
        Sent sent;
        try {
            sent = sendAtRate(pool, ids, "Outage", versions);
        } finally {
            control("DELETE", "/sandbox/spotler/_control/faults", null);
        }
        long up = System.nanoTime();
        int n = sent.ids().size();
        // the first write after the recovery: how long the service took to notice (its circuit breaker's delay,
        // the retry of held changes), a fixed cost whatever the outage's length
        awaitWrites(w0 + 1, 20);
        double noticed = (System.nanoTime() - up) / 1e9;
        awaitWrites(w0 + n);
        double catchUp = (System.nanoTime() - up) / 1e9;
        double drained = catchUp - noticed;
        quiet();
        int missing = 0;
        int wrong = 0;
        for (int i = 0; i < n; i++) {
            String contact = get(SANDBOX + "/sandbox/spotler/_control/contacts/" + sent.ids().get(i));
            if (!contact.contains("\"externalId\"")) {
                missing++;
            } else if (!contact.contains("\"firstName\":\"Outage" + i + "\"")) {
                wrong++;
            }
        }
        long contactWrites = writes() - w0;
        long calls = spotlerCalls() - calls0;
        long refused = (long) number(get(SANDBOX + "/sandbox/spotler/_control/stats"), "requests") - requests0 - calls;
        System.out.printf(Locale.ROOT, "outage: Spotler down for %d s (%.1f s of sending) while %d changes came in at %d/s; "
                        + "the backlog reached Spotler %.1f s after the recovery = %.0f %% of the outage%n",
                seconds, sent.seconds(), n, RATE, catchUp, 100 * catchUp / sent.seconds());
        // an hour's outage at the same rate: the same fixed delay, and a backlog 3600/seconds times larger drained at
        // this drain rate while RATE/s keep coming in
        double drainRate = n / Math.max(drained, 1e-3);
        double hour = drainRate > RATE ? (noticed + 3600.0 * RATE / (drainRate - RATE)) / 3600 : Double.NaN;
        System.out.printf(Locale.ROOT, "outage: the first write %.1f s after the recovery (circuit breaker and retry delay), then the backlog "
                        + "in %.1f s = %.0f changes/s; at that rate an hour's outage at %d/s would be caught up in %.0f %% of it%n",
                noticed, drained, drainRate, RATE, 100 * hour);
        System.out.printf(Locale.ROOT, "outage: %d Spotler write calls answered (%.3f per change) and about %d refused or read meanwhile; "
                        + "%d Dataverse requests (%.3f per change); %d changes missing, %d with the wrong values, %d contact writes for %d changes%n",
                calls, calls / (double) n, refused, dataverseRequests() - dataverse0,
                (dataverseRequests() - dataverse0) / (double) n, missing, wrong, contactWrites, n);
    }

    /** Both sandboxes answer every API call after ms (0: at once). */
    static void latency(int ms) throws Exception {
        for (String service : List.of("spotler", "dataverse")) {
            control("POST", "/sandbox/" + service + "/_control/latency", "{\"ms\":" + ms + "}");
        }
    }

    /** A call to a sandbox's control (no signature); any 2xx is fine. */
    static void control(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SANDBOX + path)).timeout(Duration.ofSeconds(30));
        request = json == null
                ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * n contacts made in the Dataverse sandbox, the records a phase's webhooks are about — as in an org, whose
     * webhooks are about its own records, so their status write-back finds them. Inactive, so that the backfill
     * phase's N are the only active contacts.
     */
    static List<String> seeded(int n, String tag) throws Exception {
        String prefix = "bench-" + tag + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin("POST", SANDBOX + "/sandbox/dataverse/_control/seed",
                "{\"set\":\"contacts\",\"count\":" + n + ",\"prefix\":\"" + prefix + "\",\"statecode\":1}", 200);
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(UUID.nameUUIDFromBytes((prefix + "/" + i).getBytes(StandardCharsets.UTF_8)).toString());
        }
        return ids;
    }

    /** What one intake of n webhooks cost: wall time, sorted ack times, server CPU by thread group, client cores. */
    record Intake(double seconds, long[] acks, Map<String, Long> serverCpu, double clientCpu) {}

    /**
     * Posts n webhooks (bodies by index) on the given number of client threads with the sync queue paused, so that
     * only the intake works, and resumes it; every webhook must be answered 202.
     */
    static Intake takeIn(int n, int threads, java.util.function.IntFunction<String> body) throws Exception {
        long[] acks = new long[n];
        cli(SYNC_QUEUE + ":pause");
        try {
            double clientCpuBefore = cpuSeconds();
            Map<String, Long> serverBefore = ServerThreads.ticks();
            double seconds = parallel(n, threads, i -> {
                long start = System.nanoTime();
                int status = webhook(body.apply(i));
                acks[i] = System.nanoTime() - start;
                if (status != 202) {
                    throw new IllegalStateException("webhook answered " + status);
                }
            });
            // read before the resume: the jboss-cli call is not part of the intake
            double clientCpu = (cpuSeconds() - clientCpuBefore) / seconds;
            Map<String, Long> serverCpu = ServerThreads.minus(ServerThreads.ticks(), serverBefore);
            Arrays.sort(acks);
            return new Intake(seconds, acks, serverCpu, clientCpu);
        } finally {
            cli(SYNC_QUEUE + ":resume");
        }
    }

    /**
     * -Dsweep=8,16,32,64: after the warm-up, the raw broker rate and the ingest at each of these
     * client concurrencies (producers + consumers for the raw rate, client threads for the ingest),
     * each ingest drained before the next; nothing else.
     */
    static void sweep(Instant t0) throws Exception {
        for (String each : System.getProperty("sweep").split(",")) {
            int threads = Integer.parseInt(each.trim());
            double rawRate = number(post(SANDBOX + "/sandbox/broker/benchmark?messages=20000&threads=" + threads, ""), "perSecond");
            long w = writes();
            List<String> sweepIds = seeded(INGEST, "sweep" + threads);
            Intake intake = takeIn(INGEST, threads, i -> create(sweepIds.get(i), "Sweep" + i, t0));
            double seconds = intake.seconds();
            long[] acks = intake.acks();
            Map<String, Long> cpu = intake.serverCpu();
            System.out.printf(Locale.ROOT, "%d threads: raw broker %.0f messages/s, ingest %.0f webhooks/s = %.0f %%, ack p50 %.1f ms, p99 %.1f ms; server %s%n",
                    threads, rawRate, INGEST / seconds, 100 * INGEST / seconds / rawRate, acks[INGEST / 2] / 1e6,
                    acks[(int) (INGEST * 0.99)] / 1e6, ServerThreads.describe(cpu, seconds));
            awaitWrites(w + INGEST);
            quiet();
        }
    }

    /**
     * 5. Backfill of N contacts seeded in the Dataverse sandbox (POST /api/backfills): Spotler calls
     * against ceil(N/100), wall time. 6. Back-sync of M interactions of 1000 of them: $batch calls
     * against ceil(M/1000), wall time. -Dbackfill=0 / -Dbacksync=0 leave them out.
     */
    static void backfillAndBacksync() throws Exception {
        int n = Integer.getInteger("backfill", 100_000);
        int m = Integer.getInteger("backsync", 100_000);
        if (n <= 0) {
            return;
        }
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        long seedStart = System.nanoTime();
        admin("POST", SANDBOX + "/sandbox/dataverse/_control/seed",
                "{\"set\":\"contacts\",\"count\":" + n + ",\"prefix\":\"" + prefix + "\"}", 200);
        System.out.printf(Locale.ROOT, "backfill: %d active contacts seeded in the Dataverse sandbox in %.1f s%n",
                n, (System.nanoTime() - seedStart) / 1e9);
        long requests = (long) number(get(SANDBOX + "/sandbox/spotler/_control/stats"), "requests");
        long start = System.nanoTime();
        String started = admin("POST", BASE + "/api/backfills", "{\"entities\":[\"contact\"]}", 202);
        long id = (long) number(started, "id");
        String done;
        do {
            Thread.sleep(1000);
            done = admin("GET", BASE + "/api/backfills/" + id, null, 200);
        } while (done.contains("\"state\":\"Running\""));
        double seconds = (System.nanoTime() - start) / 1e9;
        long calls = (long) number(get(SANDBOX + "/sandbox/spotler/_control/stats"), "requests") - requests;
        System.out.printf(Locale.ROOT, "backfill: %s; %.0f read, %.0f written; %d Spotler calls (ceil(N/100) = %d) in %.1f s = %.0f records/s%n",
                done.replaceAll(".*\"state\":\"([A-Za-z]+)\".*", "$1"), number(done, "recordsRead"), number(done, "written"),
                calls, (n + 99) / 100, seconds, n / seconds);
        // the backfilled records' sync status goes back to Dataverse on the write-back queue
        long drain = System.nanoTime();
        while (queueDepth(metrics(), "spotbridge-writeback") > 0) {
            Thread.sleep(1000);
        }
        System.out.printf(Locale.ROOT, "backfill: sync status written back to the Dataverse sandbox for all of them %.1f s after the backfill ended%n",
                (System.nanoTime() - drain) / 1e9);
        if (m <= 0) {
            return;
        }
        int people = Math.min(1000, n);
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < people; i++) {
            ids.append(i == 0 ? "" : ",").append('"')
                    .append(UUID.nameUUIDFromBytes((prefix + "/" + i).getBytes(StandardCharsets.UTF_8))).append('"');
        }
        // seeded in calls of at most 10 per contact (one transaction each)
        int repeat = m / people;
        for (int seeded = 0; seeded < repeat; seeded += 10) {
            admin("POST", SANDBOX + "/sandbox/spotler/_control/interactions",
                    "{\"kind\":\"sent\",\"externalContactIds\":[" + ids + "],\"encryptedMailingId\":\"" + prefix
                            + "\",\"repeat\":" + Math.min(10, repeat - seeded) + "}", 200);
        }
        long before = dataverseRequests();
        long pull = System.nanoTime();
        String result = admin("POST", BASE + "/api/backsync/run", null, 200);
        double pullSeconds = (System.nanoTime() - pull) / 1e9;
        long used = dataverseRequests() - before;
        System.out.printf(Locale.ROOT, "back-sync: %d interactions of %d contacts → %.0f activities created with %d Dataverse requests, each request of a $batch counted (ceil(N/1000) = %d) in %.1f s%s%n",
                people * (m / people), people, number(result, "activitiesCreated"), used, (m + 999) / 1000, pullSeconds,
                result.contains("\"failedFeeds\":{}") || !result.contains("failedFeeds") ? "" : "; " + result);
    }

    /** An admin (or sandbox control) call with the sandbox login; the body, or fails on another status. */
    static String admin(String method, String url, String body, int expected) throws Exception {
        HttpResponse<String> r = adminCall(method, url, body);
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** An admin (or sandbox control) call with the sandbox login (-Dadmin=user:password); the answer, whatever its status. */
    static HttpResponse<String> adminCall(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        System.getProperty("admin", "admin:admin").getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        } else {
            // what the admin API asks of a request without a body (a form of another site cannot send it)
            request.header("X-Requested-With", "spotbridge-benchmark");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- crash test (src/bench/crash-test.sh): changes sent while the server is killed, checked after restart ----

    /** Sends CRASH_CHANGES creates; appends the id of every one answered 202 to the file, as it is acked. */
    static void crashSend(java.nio.file.Path acked) throws Exception {
        awaitReady();
        int n = Integer.getInteger("changes", 10_000);
        Instant at = Instant.now().minusSeconds(60);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (var out = java.nio.file.Files.newBufferedWriter(acked)) {
            parallel(n, i -> {
                String id = UUID.randomUUID().toString();
                int status;
                try {
                    status = webhook(create(id, "Crash" + i, at));
                } catch (java.io.IOException serverGone) {
                    status = 0;
                }
                if (status == 202) {
                    synchronized (out) {
                        out.write(id + " Crash" + i + "\n");
                        out.flush();
                    }
                    ok.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                }
            });
        }
        System.out.printf(Locale.ROOT, "crash test: %d changes acknowledged (202), %d not (the server was gone; Dataverse would retry them)%n",
                ok.get(), refused.get());
    }

    /** After the restart: every acknowledged change reached Spotler exactly once, with its values. */
    static void crashVerify(java.nio.file.Path acked) throws Exception {
        awaitReady();
        List<String> lines = java.nio.file.Files.readAllLines(acked);
        // drained: the sync queue empty and the Spotler write count still
        long last = -1;
        while (true) {
            Thread.sleep(2000);
            String m = metrics();
            long now = writes();
            if (queueDepth(m) == 0 && now == last) {
                break;
            }
            last = now;
        }
        int missing = 0;
        int wrong = 0;
        int duplicated = 0;
        for (String line : lines) {
            String[] parts = line.split(" ");
            String contact = get(SANDBOX + "/sandbox/spotler/_control/contacts/" + parts[0]);
            if (!contact.contains("\"externalId\"") && !contact.contains("\"properties\"")) {
                missing++;
                continue;
            }
            if (!contact.contains("\"firstName\":\"" + parts[1] + "\"")) {
                wrong++;
            }
            String record = adminCall("GET", BASE + "/api/records/contact/" + parts[0], null).body();
            int written = record.split("created in Spotler", -1).length - 1;
            if (written > 1) {
                duplicated++;
            }
        }
        System.out.printf(Locale.ROOT, "crash test: of %d acknowledged changes after kill -9 and restart: %d missing in Spotler, %d with wrong values, %d written more than once%n",
                lines.size(), missing, wrong, duplicated);
        if (missing + wrong + duplicated > 0) {
            System.exit(1);
        }
    }

    // ---- two nodes (src/ops/cluster-test.sh): PostgreSQL + external Artemis, webhooks spread over the nodes ----

    /** The nodes' base URLs (-Dnodes=http://127.0.0.1:8080,http://127.0.0.1:8180). */
    static final String[] NODES = System.getProperty("nodes", BASE).split(",");

    /**
     * Sends a webhook to node {@code first}, and like a load balancer to the next node when that one
     * does not answer 202 (it is down or not ready), for up to two minutes.
     */
    static void deliver(int first, String body) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (int attempt = 0; ; attempt++) {
            String base = NODES[(first + attempt) % NODES.length];
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/d365/webhook"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json").header("x-spotbridge-key", KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                    return;
                }
            } catch (java.io.IOException nodeDown) {
                // next node
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no node accepted a webhook for two minutes");
            }
            if (attempt % NODES.length == NODES.length - 1) {
                Thread.sleep(500);
            }
        }
    }

    /** A number from the shared database (psql with the PG* environment of the script). */
    static long sql(String query) throws Exception {
        Process p = new ProcessBuilder("psql", "-X", "-tA", "-c", query).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql: " + out);
        }
        return Long.parseLong(out);
    }

    /** Waits until the query's number reaches target; the seconds it took from start (nanoTime). */
    static double awaitCount(String query, long target, long start) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(Integer.getInteger("drainMinutes", 20)).toNanos();
        while (sql(query) < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + sql(query) + " of " + target + " after the deadline: " + query);
            }
            Thread.sleep(250);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** N new contacts spread round-robin over the nodes; accepted rate and end-to-end throughput. */
    static void clusterLoad() throws Exception {
        int n = Integer.getInteger("changes", 3000);
        String done = "select count(*) from sync_record where status = 'Succeeded'";
        long before = sql(done);
        Instant at = Instant.now().minusSeconds(60);
        long start = System.nanoTime();
        double sent = parallel(n, i -> deliver(i, create(UUID.randomUUID().toString(), "Node" + i, at)));
        double all = awaitCount(done, before + n, start);
        System.out.printf(Locale.ROOT, "%d node(s): %d new contacts accepted in %.1f s (%.0f webhooks/s); all in Spotler after %.1f s: %.1f changes/s end to end%n",
                NODES.length, n, sent, n / sent, all, n / all);
    }

    /**
     * The client-side Spotler rate limit (the node started with spotler.max-requests-per-second =
     * -Dlimit): -Dchanges new contacts sent one after another at four times the limit; the Spotler sandbox's request counter sampled
     * every 100 ms until all are Succeeded. Holds when no 1 s window saw more than two seconds'
     * worth (one second's burst + one second's rate; +2 for the sampling edges), the whole run not
     * more than its duration's worth + the burst, and every change succeeded (throttling sent
     * nothing to the dead-letter queue). Without the limit the same load goes at the node's speed.
     */
    static void rateCheck() throws Exception {
        int n = Integer.getInteger("changes", 300);
        double limit = Double.parseDouble(System.getProperty("limit", "10"));
        String stats = SANDBOX + "/sandbox/spotler/_control/stats";
        String done = "select count(*) from sync_record where status = 'Succeeded'";
        long before = sql(done);
        List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                try {
                    // the count is read some time after the request leaves: both ends are kept,
                    // so a window is measured by what it may really span
                    long sent = System.nanoTime();
                    long count = (long) number(get(stats), "requests");
                    samples.add(new long[] {sent, count, System.nanoTime()});
                    Thread.sleep(100);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        sampler.start();
        Instant at = Instant.now().minusSeconds(60);
        long start = System.nanoTime();
        // sent at four times the limit, one after another: a lone change goes out at once, so
        // without the limit each would be a Spotler call of its own; with it, the drain waits and
        // the changes that came in meanwhile go out together (sent all at once, 300 changes were
        // 5 calls of 100; sent at 40/s against a limit of 10/s, the drain's own batching kept the
        // calls at 3.6/s). The run's request rate must come near the limit, or it was not tested
        long pace = (long) (1e9 / (4 * limit));
        for (int i = 0; i < n; i++) {
            long due = start + i * pace;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            }
            deliver(i, create(UUID.randomUUID().toString(), "Rate" + i, at));
        }
        double all = awaitCount(done, before + n, start);
        sampling.set(false);
        sampler.join();
        // the limit allows one second's worth at once and the turn that is due now (RateLimit),
        // then its rate: in a window that may span w seconds (from before the first read was sent
        // to after the last was answered) at most limit + 1 + limit * w requests, one more allowed
        // for a request counted at the window's edge (2 x limit + 2 in any second)
        long busiest = 0;
        double excess = 0;
        for (int i = 0; i < samples.size(); i++) {
            for (int j = i + 1; j < samples.size() && samples.get(j)[0] - samples.get(i)[0] <= 1_000_000_000L; j++) {
                long requests = samples.get(j)[1] - samples.get(i)[1];
                double span = (samples.get(j)[2] - samples.get(i)[0]) / 1e9;
                busiest = Math.max(busiest, requests);
                excess = Math.max(excess, requests - (limit + 1 + limit * span));
            }
        }
        long first = samples.get(0)[1];
        long total = samples.get(samples.size() - 1)[1] - first;
        long from = samples.stream().filter(x -> x[1] > first).findFirst().map(x -> x[0]).orElse(start);
        long to = samples.stream().filter(x -> x[1] == first + total).findFirst().map(x -> x[0]).orElse(from);
        double seconds = (to - from) / 1e9;
        System.out.printf(Locale.ROOT, "rate limit %.0f/s: %d new contacts, %d Spotler requests in %.1f s (%.1f/s), at most %d in any second; all Succeeded after %.1f s%n",
                limit, n, total, seconds, total / Math.max(seconds, 0.001), busiest, all);
        if (excess > 1 || total > limit * (seconds + 0.2) + limit + 2) {
            throw new IllegalStateException("the Spotler request rate went over the configured limit of " + limit + "/s");
        }
        if (total / Math.max(seconds, 0.001) < 0.7 * limit) {
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "%.1f Spotler requests/s, under the limit of %.0f/s: the check did not exercise it", total / Math.max(seconds, 0.001), limit));
        }
    }

    /**
     * The Dataverse request budget shared by the nodes (started with dataverse.max-requests-per-5-minutes
     * = -Dlimit and dataverse.request-window-seconds = -Dwindow): the Dataverse sandbox enforces the same
     * limit (429 over it), -Dchanges new contacts go round-robin to the nodes, and their status write-backs
     * need several windows' worth of requests. Holds when the sandbox refused none, no window held more than
     * the limit, the load needed more than two windows' worth, both nodes took grants, and every change
     * succeeded.
     */
    static void clusterBudget() throws Exception {
        int n = Integer.getInteger("changes", 1500);
        int limit = Integer.getInteger("limit", 1000);
        int window = Integer.getInteger("window", 20);
        String protection = SANDBOX + "/sandbox/dataverse/_control/service-protection";
        String stats = SANDBOX + "/sandbox/dataverse/_control/stats";
        postJson(protection, "{\"maxRequests\":" + limit + ",\"windowSeconds\":" + window + "}");
        try {
            long requestsBefore = (long) number(get(stats), "requests");
            java.util.Set<Long> nodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    try {
                        nodes.add(sql("select count(distinct node) from budget_grant"));
                        Thread.sleep(1000);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            sampler.start();
            String done = "select count(*) from sync_record where status = 'Succeeded'";
            long before = sql(done);
            Instant at = Instant.now().minusSeconds(60);
            long start = System.nanoTime();
            parallel(n, i -> deliver(i, create(UUID.randomUUID().toString(), "Budget" + i, at)));
            double all = awaitCount(done, before + n, start);
            // the write-backs follow: done when the Dataverse sandbox has seen no request for a window
            long last = (long) number(get(stats), "requests");
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < (window + 5) * 1_000_000_000L
                    && System.nanoTime() - start < 600_000_000_000L) {
                Thread.sleep(1000);
                long now = (long) number(get(stats), "requests");
                if (now != last) {
                    last = now;
                    quietSince = System.nanoTime();
                }
            }
            sampling.set(false);
            sampler.join();
            String s = get(stats);
            long requests = (long) number(s, "requests") - requestsBefore;
            long throttled = (long) number(s, "throttled");
            long busiest = (long) number(s, "maxInWindow");
            long bothNodes = nodes.stream().mapToLong(Long::longValue).max().orElse(0);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "Dataverse budget %d per %d s over %d node(s): %d new contacts, all Succeeded after %.1f s; %d Dataverse requests in %.0f s, at most %d in any window, %d refused; grants taken by up to %d node(s) at once%n",
                    limit, window, NODES.length, n, all, requests, seconds, busiest, throttled, bothNodes);
            if (throttled > 0 || busiest > limit) {
                throw new IllegalStateException("the nodes together went over the Dataverse budget of " + limit + " per " + window + " s");
            }
            if (requests < 2L * limit) {
                throw new IllegalStateException(requests + " Dataverse requests: under two windows' worth, the check did not exercise the budget");
            }
            if (bothNodes < NODES.length) {
                throw new IllegalStateException("grants from " + bothNodes + " node(s) at once, not " + NODES.length);
            }
        } finally {
            postJson(protection, "{\"maxRequests\":0}");
        }
    }

    /**
     * Per-record order under load while a node is killed: each record gets a create and then
     * updates Seq1..SeqN-1, sent one after the other (each after the previous was accepted),
     * alternating between the nodes; -Dkill=<shell command> runs once half of them are sent, and
     * -Drestart=<shell command> 10 s later. Then: every record's Spotler contact holds its last
     * update, Spotler never received an older change after a newer one, nothing was written twice.
     * Changes that reached a consumer after a newer one of their record (redelivered after the kill)
     * are counted: the version check skips them.
     */
    static void clusterOrder() throws Exception {
        int records = Integer.getInteger("records", 200);
        int updates = Integer.getInteger("updates", 10);
        String kill = System.getProperty("kill");
        String restart = System.getProperty("restart");
        List<String> ids = new ArrayList<>();
        for (int r = 0; r < records; r++) {
            ids.add(UUID.randomUUID().toString());
        }
        AtomicInteger sent = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
        // the restart of the killed node: waited for before returning (main exits the JVM, and the checks after this
        // one need the node back; the order check can finish within the 10 s before the restart)
        java.util.concurrent.atomic.AtomicReference<Thread> restarter = new java.util.concurrent.atomic.AtomicReference<>();
        Instant t0 = Instant.now().minusSeconds(3600);
        long start = System.nanoTime();
        parallel(records, r -> {
            String id = ids.get(r);
            for (int u = 0; u < updates; u++) {
                Instant at = t0.plusSeconds(u);
                String body = u == 0 ? create(id, "Seq0", at) : update(id, "Seq" + u, at);
                deliver(r + u, body);
                if (sent.incrementAndGet() == records * updates / 2 && kill != null && killed.compareAndSet(false, true)) {
                    System.out.println("cluster: " + sent.get() + " changes sent; " + shell(kill));
                    if (restart != null) {
                        restarter.set(new Thread(() -> {
                            try {
                                Thread.sleep(10_000);
                                System.out.println("cluster: " + shell(restart));
                            } catch (Exception e) {
                                System.out.println("cluster: restart failed: " + e);
                            }
                        }));
                        restarter.get().start();
                    }
                }
            }
        });
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        String inList = "('contact:" + String.join("','contact:", ids) + "')";
        // drained: every record's last update applied
        awaitCount("select count(*) from sync_history where outcome = 'Succeeded' and record_key in " + inList
                + " and changes like '%\"after\":\"Seq" + (updates - 1) + "\"%'", records, start);
        int wrong = 0;
        for (String id : ids) {
            String contact = get(SANDBOX + "/sandbox/spotler/_control/contacts/" + id);
            if (!contact.contains("\"firstName\":\"Seq" + (updates - 1) + "\"")) {
                wrong++;
            }
        }
        // the order Spotler saw: per record, the Seq number of each write; a write of a lower number after a
        // higher one would be a regression (an older change overwriting a newer one)
        long regressions = sql("select count(*) from (select seq, lag(seq) over (partition by record_key order by id) prev from ("
                + "select record_key, id, (regexp_match(changes, '\"firstName\":\\{\"before\":(null|\"[^\"]*\"),\"after\":\"Seq([0-9]+)\"'))[2]::int seq "
                + "from sync_history where record_key in " + inList + " and outcome = 'Succeeded') w where seq is not null) t "
                + "where prev is not null and seq < prev");
        long older = sql("select count(*) from sync_history where record_key in " + inList + " and detail like 'older (%'");
        long overwritten = sql("select count(*) from (select record_key, count(*) c from sync_history where record_key in " + inList
                + " and outcome = 'Succeeded' group by record_key having count(*) > " + updates + ") t");
        long dead = sql("select count(*) from sync_record where record_key in " + inList + " and status <> 'Succeeded'");
        System.out.printf(Locale.ROOT, "cluster: %d records x %d changes sent over %d nodes in %.1f s; %d records not at their last change in Spotler, "
                        + "%d writes of an older change after a newer one, %d records written more than %d times, %d records not Succeeded; "
                        + "%d changes reached a consumer after a newer one of their record and were skipped as older%n",
                records, updates, NODES.length, sendSeconds, wrong, regressions, overwritten, updates, dead, older);
        Thread restarting = restarter.get();
        if (restarting != null) {
            restarting.join();
        }
        if (wrong + regressions + overwritten + dead > 0) {
            System.exit(1);
        }
    }

    static String shell(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    /**
     * The scheduled back-sync over the nodes' server.log files (JSON lines) and the shared
     * scheduled_run table: every firing of every node either ran the slot (one per slot, whether it
     * succeeded or failed) or stepped aside because another node had it. A run cut by the kill of its
     * node left its slot claimed with no run; a later firing took its lapsed lock over and said so.
     * Fails unless the runs plus the runs taken over equal the claimed slots and some firing stepped
     * aside.
     */
    static void clusterBacksync(String[] logs) throws Exception {
        // a run claimed in the last seconds may still be going: check from second 10 of a minute
        while (Instant.now().atZone(java.time.ZoneOffset.UTC).getSecond() < 10) {
            Thread.sleep(1000);
        }
        int runs = 0;
        int asides = 0;
        int cut = 0;
        for (String log : logs) {
            for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of(log))) {
                if (l.contains("\"message\":\"backsync: took over the run lock")) {
                    cut++;
                } else if (l.contains("\"message\":\"backsync run failed")) {
                    runs++;
                } else if (l.contains("\"message\":\"backsync run: ")) {
                    if (l.contains("another node ran or runs the slot")) {
                        asides++;
                    } else {
                        runs++;
                    }
                }
            }
        }
        long slots = sql("select count(*) from scheduled_run where job = 'backsync'");
        long nodes = sql("select count(distinct node) from scheduled_run where job = 'backsync'");
        System.out.printf(Locale.ROOT, "cluster: scheduled back-sync (every minute in this test): %d slots claimed (by %d node(s)), %d runs, "
                        + "%d runs cut by the kill (lock taken over after its lease), %d firings that stepped aside for another node%n",
                slots, nodes, runs, cut, asides);
        if (runs + cut != slots || asides == 0) {
            System.exit(1);
        }
    }

    /**
     * A node killed while its back-sync run holds the run lock. The Spotler sandbox answers every read after 5 s, so
     * the run started on node 2 by hand lasts; once run_lock shows node 2 holding the lock, -Dkill kills node 2 and
     * the sandbox answers at once again. Node 2's lease lapses and a later firing on node 1 (whose server.log is the
     * argument) takes the lock over and runs.
     * Fails unless that happens within -Dwithin seconds of the kill.
     */
    static void clusterTakeover(java.nio.file.Path node1Log) throws Exception {
        String node2 = NODES[1];
        long within = Long.getLong("within", 150);
        admin("POST", SANDBOX + "/sandbox/spotler/_control/faults", "{\"status\":0,\"delayMs\":5000,\"count\":1000,\"method\":\"GET\"}", 204);
        long takeoversBefore = takeovers(node1Log);
        java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
        // started by hand, so a firing on node 1 may hold the lock just then (409): try again until node 2 runs
        Thread trigger = new Thread(() -> {
            while (!killed.get()) {
                try {
                    if (adminCall("POST", node2 + "/api/backsync/run", null).statusCode() != 409) {
                        return;
                    }
                    Thread.sleep(2000);
                } catch (Exception e) {
                    return; // the kill cut the call
                }
            }
        });
        trigger.setDaemon(true);
        trigger.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (sql("select count(*) from run_lock where name = 'backsync' and holder like 'spotbridge-2/%'") == 0) {
            if (System.nanoTime() > deadline || !trigger.isAlive()) {
                throw new IllegalStateException("node 2 never held the back-sync lock");
            }
            Thread.sleep(200);
        }
        killed.set(true);
        long killedAt = System.nanoTime();
        System.out.println("cluster: node 2 holds the back-sync lock in a run; " + shell(System.getProperty("kill")));
        admin("DELETE", SANDBOX + "/sandbox/spotler/_control/faults", null, 204);
        while (true) {
            List<String> lines = java.nio.file.Files.readAllLines(node1Log);
            int taken = -1;
            long seen = 0;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("\"message\":\"backsync: took over the run lock of spotbridge-2/") && ++seen > takeoversBefore) {
                    taken = i;
                }
            }
            boolean ran = taken >= 0 && lines.subList(taken, lines.size()).stream()
                    .anyMatch(l -> l.contains("\"message\":\"backsync run: ") && l.contains("ran\\\":true"));
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            if (ran) {
                System.out.printf(Locale.ROOT, "cluster: node 1 took the lapsed lock over and ran the back-sync %.0f s after the kill "
                        + "(lease %s s, schedule every minute)%n", seconds, System.getenv().getOrDefault("SPOTBRIDGE_RUN_LOCK_SECONDS", "120"));
                return;
            }
            if (seconds > within) {
                System.out.printf(Locale.ROOT, "cluster: no takeover and run on node 1 within %d s of the kill%n", within);
                System.exit(1);
            }
            Thread.sleep(1000);
        }
    }

    static long takeovers(java.nio.file.Path log) throws Exception {
        return java.nio.file.Files.readAllLines(log).stream()
                .filter(l -> l.contains("\"message\":\"backsync: took over the run lock of spotbridge-2/")).count();
    }

    // ---- webhook bodies (the RemoteExecutionContext as Dataverse posts it) ----

    static String context(String message, String id, Instant modifiedOn, String target, String postImage) {
        return "{\"BusinessUnitId\":\"41b2c9d0-2b6e-ef11-a670-000d3a4f8c21\",\"CorrelationId\":\"" + UUID.randomUUID()
                + "\",\"Depth\":1,\"InitiatingUserId\":\"be5d0e77-3c6e-ef11-a670-6045bd1d2f10\",\"InputParameters\":[{\"key\":\"Target\",\"value\":"
                + target + "}],\"IsExecutingOffline\":false,\"IsInTransaction\":false,\"IsOfflinePlayback\":false,\"IsolationMode\":1,\"MessageName\":\""
                + message + "\",\"Mode\":1,\"OperationCreatedOn\":\"\\/Date(" + modifiedOn.toEpochMilli()
                + "+0000)\\/\",\"OperationId\":\"" + UUID.randomUUID()
                + "\",\"OrganizationId\":\"7a3c1f52-2b6e-ef11-a670-000d3a4f8c21\",\"OrganizationName\":\"bench\",\"OutputParameters\":[],\"OwningExtension\":{\"Id\":\"2c9f6e1a-8a95-f011-b4cc-000d3a4f8c21\",\"KeyAttributes\":[],\"LogicalName\":\"sdkmessageprocessingstep\",\"Name\":\"Spotbridge\",\"RowVersion\":null},\"ParentContext\":null,\"PostEntityImages\":["
                + (postImage == null ? "" : "{\"key\":\"PostImage\",\"value\":" + postImage + "}")
                + "],\"PreEntityImages\":[],\"PrimaryEntityId\":\"" + id
                + "\",\"PrimaryEntityName\":\"contact\",\"RequestId\":null,\"SecondaryEntityName\":\"none\",\"SharedVariables\":[],\"Stage\":40,\"UserId\":\"be5d0e77-3c6e-ef11-a670-6045bd1d2f10\"}";
    }

    static String entity(String id, String firstName, Instant modifiedOn, boolean typed) {
        return "{" + (typed ? "\"__type\":\"Entity:http:\\/\\/schemas.microsoft.com\\/xrm\\/2011\\/Contracts\"," : "")
                + "\"Attributes\":[{\"key\":\"firstname\",\"value\":\"" + firstName + "\"},{\"key\":\"lastname\",\"value\":\"Load\"},"
                + "{\"key\":\"emailaddress1\",\"value\":\"" + id.substring(0, 8) + "@example.com\"},{\"key\":\"modifiedon\",\"value\":\"\\/Date("
                + modifiedOn.toEpochMilli() + ")\\/\"},{\"key\":\"contactid\",\"value\":\"" + id
                + "\"}],\"EntityState\":null,\"FormattedValues\":[],\"Id\":\"" + id
                + "\",\"KeyAttributes\":[],\"LogicalName\":\"contact\",\"RelatedEntities\":[],\"RowVersion\":null}";
    }

    static String create(String id, String firstName, Instant at) {
        return context("Create", id, at, entity(id, firstName, at, true), null);
    }

    static String update(String id, String firstName, Instant at) {
        return context("Update", id, at, entity(id, firstName, at, true), entity(id, firstName, at, false));
    }

    // ---- HTTP, metrics, helpers ----

    /**
     * POST /api/d365/webhook on this thread's keep-alive HTTP/1.1 connection, written from pre-built bytes: the load
     * client shares the 2 cores with the server, so it is kept light (java.net.http took about a third of the CPU
     * during the ingest phase). A connection that fails is closed; the next call opens a new one.
     */
    static int webhook(String body) throws Exception {
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /api/d365/webhook HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
                + "x-spotbridge-key: " + KEY + "\r\nContent-Length: " + payload.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Connection c = CONNECTION.get();
        boolean reused = c != null;
        for (int attempt = 1; ; attempt++) {
            if (c == null) {
                c = new Connection();
                CONNECTION.set(c);
            }
            boolean answered = false;
            try {
                c.out.write(head);
                c.out.write(payload);
                c.out.flush();
                int status = c.readResponse();
                answered = true;
                if (c.closeAfter) {
                    c.close();
                }
                return status;
            } catch (java.io.IOException e) {
                c.close();
                c = null;
                // a kept-alive connection the server had already closed: one more try on a new one (a duplicate
                // delivery would be skipped by the consumer, as Dataverse's own retries are)
                if (!reused || answered || attempt > 1) {
                    throw e;
                }
            }
        }
    }

    static final ThreadLocal<Connection> CONNECTION = new ThreadLocal<>();

    /** CPU seconds this process (the load client) has used. */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** One keep-alive connection to the server's HTTP port. */
    static final class Connection {
        final java.net.Socket socket;
        final java.io.BufferedInputStream in;
        final java.io.OutputStream out;
        boolean closeAfter;

        Connection() throws java.io.IOException {
            socket = new java.net.Socket("127.0.0.1", 8080);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 8192);
        }

        /** Reads one response (status line, headers, a Content-Length or chunked body) and answers its status. */
        int readResponse() throws java.io.IOException {
            String status = line();
            if (!status.startsWith("HTTP/1.")) {
                throw new java.io.IOException("not an HTTP response: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            closeAfter = false;
            for (String header; !(header = line()).isEmpty(); ) {
                String h = header.toLowerCase(Locale.ROOT);
                if (h.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                    chunked = true;
                } else if (h.startsWith("connection:") && h.contains("close")) {
                    closeAfter = true;
                }
            }
            if (chunked) {
                for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; ) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                skip(length);
            }
            return code;
        }

        private void skip(long n) throws java.io.IOException {
            for (long left = n; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new java.io.EOFException("response body cut short");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        private String line() throws java.io.IOException {
            StringBuilder b = new StringBuilder();
            for (int ch; (ch = in.read()) != '\n'; ) {
                if (ch < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                if (ch != '\r') {
                    b.append((char) ch);
                }
            }
            return b.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (java.io.IOException ignored) {
                // closing a failed connection
            }
        }
    }

    static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String post(String url, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** A JSON POST that must succeed (2xx). */
    static void postJson(String url, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + " " + r.body());
        }
    }

    static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.Ee+-]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException(field + " not in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Contacts the Spotler sandbox has written so far, however many one request carried. */
    static long writes() throws Exception {
        return (long) number(get(SANDBOX + "/sandbox/spotler/_control/stats"), "contactWrites");
    }

    /** Write requests the Spotler sandbox has answered so far (a POST /contact/list of 100 is one). */
    static long spotlerCalls() throws Exception {
        return (long) number(get(SANDBOX + "/sandbox/spotler/_control/stats"), "writes");
    }

    /** Requests the Dataverse sandbox has answered so far, each request of a $batch counted. */
    static long dataverseRequests() throws Exception {
        return (long) number(get(SANDBOX + "/sandbox/dataverse/_control/stats"), "requests");
    }

    static String metrics() throws Exception {
        return get("http://127.0.0.1:9990/metrics");
    }

    static double sum(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static double queueDepth(String metrics) {
        return queueDepth(metrics, "spotbridge-sync");
    }

    static double queueDepth(String metrics, String queue) {
        return metrics.lines().filter(l -> l.startsWith("messaging_activemq_message_count{") && l.contains("name=\"" + queue + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Waits, outside the measured time, until the sync and the write-back queue are empty. */
    static void quiet() throws Exception {
        while (true) {
            String m = metrics();
            if (queueDepth(m) == 0 && queueDepth(m, "spotbridge-writeback") == 0) {
                return;
            }
            Thread.sleep(1000);
        }
    }

    static void awaitWrites(long target) throws Exception {
        awaitWrites(target, 100);
    }

    static void awaitWrites(long target, long pollMillis) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (writes() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Spotler writes stuck at " + writes() + " < " + target);
            }
            Thread.sleep(pollMillis);
        }
    }

    /** The Spotler write count once the queue is empty and nothing moved for a second. */
    static long settle() throws Exception {
        long last = -1;
        while (true) {
            Thread.sleep(1000);
            long now = writes();
            if (now == last && queueDepth(metrics()) == 0) {
                return now;
            }
            last = now;
        }
    }

    static Map<Double, Double> buckets(String metrics) {
        Map<Double, Double> b = new TreeMap<>();
        Pattern p = Pattern.compile("^spotbridge_end_to_end_buckets_total\\{.*le=\"([^\"]+)\".*\\} ([0-9.Ee+-]+)$");
        metrics.lines().forEach(l -> {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                double le = "+Inf".equals(m.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
                b.merge(le, Double.parseDouble(m.group(2)), Double::sum);
            }
        });
        return b;
    }

    static Map<Double, Double> minus(Map<Double, Double> a, Map<Double, Double> b) {
        Map<Double, Double> d = new TreeMap<>();
        a.forEach((k, v) -> d.put(k, v - b.getOrDefault(k, 0.0)));
        return d;
    }

    /** The quantile by linear interpolation within the cumulative bucket that holds it. */
    static String quantile(Map<Double, Double> cumulative, double q) {
        double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total == 0) {
            return "n/a";
        }
        double rank = q * total;
        double prevLe = 0;
        double prevCount = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= rank) {
                if (e.getKey().isInfinite()) {
                    return "> " + prevLe + " s";
                }
                double fraction = e.getValue() == prevCount ? 1 : (rank - prevCount) / (e.getValue() - prevCount);
                return String.format(Locale.ROOT, "%.0f ms", 1000 * (prevLe + fraction * (e.getKey() - prevLe)));
            }
            prevLe = e.getKey();
            prevCount = e.getValue();
        }
        return "n/a";
    }

    interface Task {
        void run(int i) throws Exception;
    }

    /** Runs n tasks on THREADS threads; the wall time in seconds. */
    static double parallel(int n, Task task) throws Exception {
        return parallel(n, THREADS, task);
    }

    static double parallel(int n, int threads, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < n; ) {
                    task.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return (System.nanoTime() - start) / 1e9;
    }

    static void cli(String operation) throws Exception {
        Process p = new ProcessBuilder(CLI, "--connect", "--controller=127.0.0.1:9990", "--command=" + operation)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !out.contains("success")) {
            throw new IllegalStateException(operation + ": " + out);
        }
    }

    static void awaitReady() throws Exception {
        for (int i = 0; i < 300; i++) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9990/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("spotbridge-webhook-intake")) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // the server is starting
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the server did not become ready");
    }

    /**
     * CPU time of the server's threads, grouped by name (digits dropped), from /proc: shows where the server's share
     * of the 2 cores went during a phase, the JIT compiler included. Empty where there is no /proc or no server found.
     */
    static final class ServerThreads {
        static final long HZ = 100; // USER_HZ, the unit of utime/stime in /proc/<pid>/task/<tid>/stat

        static final String MACHINE = "/machine ";

        static Map<String, Long> ticks() {
            Map<String, Long> groups = new TreeMap<>();
            // the whole machine's CPU (first line of /proc/stat): user nice system idle iowait irq softirq steal
            try {
                String[] cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i : new int[] {1, 2, 3, 6, 7}) {
                    busy += Long.parseLong(cpu[i]);
                }
                groups.put(MACHINE + "busy", busy);
                groups.put(MACHINE + "idle", Long.parseLong(cpu[4]));
                groups.put(MACHINE + "iowait", Long.parseLong(cpu[5]));
                groups.put(MACHINE + "steal", cpu.length > 8 ? Long.parseLong(cpu[8]) : 0L);
            } catch (java.io.IOException | RuntimeException noProcStat) {
                // not Linux: the machine line is left out
            }
            java.util.Optional<ProcessHandle> server = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("jboss-modules.jar") && c.contains("Standalone")).orElse(false))
                    .findFirst();
            if (server.isEmpty()) {
                return groups;
            }
            java.io.File[] tasks = new java.io.File("/proc/" + server.get().pid() + "/task").listFiles();
            for (java.io.File task : tasks == null ? new java.io.File[0] : tasks) {
                try {
                    String comm = java.nio.file.Files.readString(task.toPath().resolve("comm")).trim();
                    String name = comm.matches("C[12] CompilerThre.*") ? "JIT compiler" : comm.replaceAll("[0-9]+", "N");
                    String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // per thread (group and thread id), so that a thread that ended between two readings is left out
                    // of the difference instead of making its group's difference negative (see minus)
                    groups.put(name + THREAD + task.getName(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (java.io.IOException | RuntimeException gone) {
                    // a thread that ended meanwhile
                }
            }
            return groups;
        }

        static final String THREAD = "\u0000";

        /**
         * The CPU used between two readings, by thread group: each thread's difference (a thread started meanwhile
         * from 0; one that ended meanwhile is not in the later reading and is left out), summed by group.
         */
        static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
            Map<String, Long> d = new TreeMap<>();
            after.forEach((k, v) -> {
                int cut = k.indexOf(THREAD);
                d.merge(cut < 0 ? k : k.substring(0, cut), v - before.getOrDefault(k, 0L), Long::sum);
            });
            return d;
        }

        /** "1.62 cores: default task-N 0.80, JIT compiler 0.31, ..." for the groups that used at least 0.02 cores. */
        static String describe(Map<String, Long> ticks, double seconds) {
            Map<String, Long> threads = new TreeMap<>(ticks);
            threads.keySet().removeIf(k -> k.startsWith(MACHINE));
            StringBuilder b = new StringBuilder();
            if (threads.isEmpty()) {
                b.append("not available (no /proc or no server process found)");
            } else {
                double total = threads.values().stream().mapToLong(Long::longValue).sum() / (double) HZ / seconds;
                b.append(String.format(Locale.ROOT, "%.2f cores:", total));
                threads.entrySet().stream()
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .filter(e -> e.getValue() / (double) HZ / seconds >= 0.02)
                        .forEach(e -> b.append(String.format(Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue() / (double) HZ / seconds)));
                b.setLength(b.length() - 1);
            }
            // the machine as a whole: where a slow run's cores went (steal: taken by the hypervisor for other guests)
            if (ticks.containsKey(MACHINE + "busy")) {
                b.append(String.format(Locale.ROOT, "; the whole machine: busy %.2f, idle %.2f, iowait %.2f, steal %.2f cores",
                        ticks.get(MACHINE + "busy") / (double) HZ / seconds, ticks.get(MACHINE + "idle") / (double) HZ / seconds,
                        ticks.get(MACHINE + "iowait") / (double) HZ / seconds, ticks.get(MACHINE + "steal") / (double) HZ / seconds));
            }
            return b.toString();
        }
    }
}
