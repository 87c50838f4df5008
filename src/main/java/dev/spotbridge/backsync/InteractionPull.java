package dev.spotbridge.backsync;

import dev.spotbridge.dataverse.Activities;
import dev.spotbridge.dataverse.BatchOperation;
import dev.spotbridge.dataverse.BulkWrites;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseRejectedException;
import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.spotler.SpotlerBounce;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerGateway.Interaction;
import dev.spotbridge.spotler.SpotlerGateway.Mailing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spotler's mailing interactions onto the D365 timeline. Each sent EMAIL becomes one completed,
 * outgoing email activity and each SMS one phone call, regarding the record with that externalId,
 * marked sb_source = Spotler; the activityid is derived from the interaction, so a repeated run
 * cannot make a second one. Opens, clicks and bounces update the email's engagement columns; a
 * bounce also becomes the owner's task (once, shared with the bounce feed). Writes go in parts of
 * at most 1000, each table's creates or updates as one CreateMultiple or UpdateMultiple; the ledger
 * is written after each part, so a run that fails halfway is repeated by the next one without gap
 * or duplicate.
 */
@ApplicationScoped
public class InteractionPull {

    static final List<String> FEEDS = List.of("sent", "opened", "clicked", "bounced");
    private static final int BATCH = 1000;

    @Inject SpotlerGateway spotler;

    @Inject BulkWrites bulk;
    @Inject DataverseGateway dataverse;

    @Inject SyncRecords records;

    @Inject Timeline timeline;

    @Inject BounceTasks bounceTasks;

    @Inject Watermarks watermarks;

    /** Mailing details are the same for every recipient: read once per mailing. */
    private final Map<String, Optional<Mailing>> mailings = new ConcurrentHashMap<>();

    /** What one run did. */
    public record Counts(int activities, int updated, int batches, int skipped) {}

    /**
     * Every interaction feed, each on its own (a feed that fails keeps its watermark, the others go
     * on); items that cannot be read or applied are recorded in the tally and skipped.
     */
    Counts pull(HourlyPulls.Tally tally) {
        int[] sum = new int[4];
        for (String kind : FEEDS) {
            String feed = "spotler-interactions-" + kind;
            tally.feed(
                    feed,
                    () -> {
                        Watermarks.Window window = watermarks.window(feed);
                        // page by page: one page of the feed (FEED_PAGE_SIZE items) and its
                        // batches in memory at a time, not the whole window (100 000
                        // interactions held 400 MB)
                        Integer after = 0;
                        while (after != null) {
                            SpotlerGateway.Page<SpotlerGateway.Interaction> page =
                                    spotler.interactions(kind, window.from(), window.to(), after);
                            tally.read(page.items().size());
                            tally.unreadable(feed, page);
                            Counts done =
                                    "sent".equals(kind)
                                            ? sent(feed, page.items(), tally)
                                            : engagement(feed, kind, page.items(), tally);
                            sum[0] += done.activities();
                            sum[1] += done.updated();
                            sum[2] += done.batches();
                            sum[3] += done.skipped();
                            after = page.next();
                        }
                        watermarks.completed(feed, window);
                    });
        }
        if (mailings.size() > 10_000) {
            mailings.clear();
        }
        return new Counts(sum[0], sum[1], sum[2], sum[3]);
    }

    private Counts sent(String feed, List<Interaction> items, HourlyPulls.Tally tally) {
        Map<String, Optional<String>> keys = new HashMap<>();
        List<BatchOperation> ops = new ArrayList<>();
        List<InteractionRow> rows = new ArrayList<>();
        int skipped = 0;
        for (Interaction i : items) {
            try {
                Optional<String> key =
                        keys.computeIfAbsent(i.externalContactId(), records::keyOfExternalId);
                if (key.isEmpty() || timeline.known(i.key())) {
                    skipped++;
                    continue;
                }
                Optional<Mailing> mailing =
                        mailings.computeIfAbsent(i.mailingId(), spotler::mailing);
                boolean sms = mailing.map(m -> "SMS".equalsIgnoreCase(m.type())).orElse(false);
                String activityId = id(i.key());
                ops.add(Activities.created(sent(i, mailing, key.get(), activityId, sms)));
                rows.add(
                        new InteractionRow(
                                i.key(),
                                sms ? "sent-sms" : "sent",
                                key.get(),
                                i.mailingId(),
                                activityId,
                                i.date(),
                                null));
            } catch (RuntimeException e) {
                tally.itemFailed(feed, i.externalContactId(), e, i.toString());
            }
        }
        int batches = write(feed, ops, rows, tally);
        return new Counts(ops.size(), 0, batches, skipped);
    }

    private Counts engagement(
            String feed, String kind, List<Interaction> items, HourlyPulls.Tally tally) {
        Map<String, Optional<String>> keys = new HashMap<>();
        List<InteractionRow> rows = new ArrayList<>();
        Set<String> touched = new LinkedHashSet<>();
        int skipped = 0;
        Map<String, List<SpotlerGateway.Click>> links =
                "clicked".equals(kind) ? links(feed, items, tally) : Map.of();
        for (Interaction i : items) {
            try {
                Optional<String> key =
                        keys.computeIfAbsent(i.externalContactId(), records::keyOfExternalId);
                Optional<String> activity =
                        key.flatMap(k -> timeline.emailActivity(k, i.mailingId()));
                if (activity.isEmpty() || timeline.known(i.key())) {
                    skipped++;
                    continue;
                }
                InteractionRow row =
                        new InteractionRow(
                                i.key(),
                                kind,
                                key.get(),
                                i.mailingId(),
                                activity.get(),
                                i.date(),
                                "bounced".equals(kind) ? i.bounceType() : null);
                if ("clicked".equals(kind)) {
                    row.clickedOn(
                            nearest(
                                    links.getOrDefault(
                                            i.mailingId() + "|" + i.externalContactId(),
                                            new ArrayList<>()),
                                    i.date()));
                }
                rows.add(row);
                touched.add(activity.get());
                if ("bounced".equals(kind)) {
                    bounceTasks.create(bounce(i));
                }
            } catch (RuntimeException e) {
                tally.itemFailed(feed, i.externalContactId(), e, i.toString());
            }
        }
        timeline.remember(rows);
        List<BatchOperation> ops = new ArrayList<>();
        for (String activity : touched) {
            ops.add(Activities.engagement(activity, timeline.engagement(activity)));
        }
        int batches = write(feed, ops, List.of(), tally);
        return new Counts(0, ops.size(), batches, skipped);
    }

    /**
     * The clicks of a page's clicked interactions with their links' URLs, per "mailing|contact":
     * Spotler's click feed says who clicked when, not on what, so each mailing's clicks are read
     * for its contacts (one call per contact, or per campaign mailing). A mailing whose clicks
     * cannot be read for good is recorded as a failure of the feed and its clicks keep no URL.
     */
    private Map<String, List<SpotlerGateway.Click>> links(
            String feed, List<Interaction> items, HourlyPulls.Tally tally) {
        Map<String, Set<String>> contacts = new LinkedHashMap<>();
        for (Interaction i : items) {
            if (!timeline.known(i.key())) {
                contacts.computeIfAbsent(i.mailingId(), m -> new LinkedHashSet<>())
                        .add(i.externalContactId());
            }
        }
        Map<String, List<SpotlerGateway.Click>> links = new HashMap<>();
        contacts.forEach(
                (mailingId, who) -> {
                    Optional<Mailing> mailing =
                            mailings.computeIfAbsent(mailingId, spotler::mailing);
                    if (mailing.isEmpty()) {
                        return;
                    }
                    try {
                        spotler.clicks(mailing.get(), who)
                                .forEach(
                                        (contact, clicks) ->
                                                links.put(
                                                        mailingId + "|" + contact,
                                                        new ArrayList<>(clicks)));
                    } catch (RuntimeException e) {
                        tally.itemFailed(
                                feed,
                                "",
                                e,
                                "the clicks on mailing "
                                        + mailingId
                                        + " (their links' URLs; the clicks are counted without)");
                    }
                });
        return links;
    }

    /** The click nearest in time to the interaction, taken from the list; its URL. */
    private static String nearest(List<SpotlerGateway.Click> clicks, Instant at) {
        SpotlerGateway.Click best = null;
        long distance = Long.MAX_VALUE;
        for (SpotlerGateway.Click c : clicks) {
            long d =
                    c.at() == null
                            ? Long.MAX_VALUE - 1
                            : Math.abs(c.at().toEpochMilli() - at.toEpochMilli());
            if (d < distance) {
                distance = d;
                best = c;
            }
        }
        if (best == null) {
            return null;
        }
        clicks.remove(best);
        return best.url();
    }

    /** A bounced interaction as a bounce of the contact (its address read from Spotler). */
    private SpotlerBounce bounce(Interaction i) {
        String email =
                spotler.find(i.externalContactId())
                        .map(SpotlerContact::properties)
                        .map(p -> p.get("email") instanceof JsonString s ? s.getString() : null)
                        .orElse("(unknown address)");
        return new SpotlerBounce(
                i.externalContactId(),
                email,
                i.date(),
                i.bounceType().toUpperCase().startsWith("HARD"),
                i.mailingId());
    }

    /**
     * Sends the operations in parts of {@link #BATCH}: each part's creates as one CreateMultiple
     * per table and its updates as one UpdateMultiple (one request each against Dataverse's limits,
     * where a $batch counts every operation); what Dataverse refuses in bulk goes through a $batch,
     * which tells which operation it was. After each part the rows of its successful operations are
     * remembered.
     */
    private int write(
            String feed,
            List<BatchOperation> ops,
            List<InteractionRow> rows,
            HourlyPulls.Tally tally) {
        int parts = 0;
        for (int from = 0; from < ops.size(); from += BATCH) {
            int to = Math.min(ops.size(), from + BATCH);
            parts++;
            List<Integer> part = new ArrayList<>();
            for (int k = from; k < to; k++) {
                part.add(k);
            }
            List<Integer> oneByOne = bulk.inBulk(part, ops::get);
            Set<Integer> left = new HashSet<>(oneByOne);
            List<InteractionRow> done = new ArrayList<>();
            for (int k : part) {
                if (!left.contains(k) && k < rows.size()) {
                    done.add(rows.get(k));
                }
            }
            String unavailable = null;
            if (!oneByOne.isEmpty()) {
                List<Integer> statuses = dataverse.batch(oneByOne.stream().map(ops::get).toList());
                for (int i = 0; i < oneByOne.size(); i++) {
                    int k = oneByOne.get(i);
                    int status = statuses.get(i);
                    // 412: the activity is there already (an earlier run that died before its
                    // ledger write)
                    if (status < 300 || status == 412) {
                        if (k < rows.size()) {
                            done.add(rows.get(k));
                        }
                    } else if (status == 429 || status >= 500) {
                        unavailable = "Dataverse answered " + status + " to " + ops.get(k).target();
                    } else {
                        tally.itemFailed(
                                feed,
                                k < rows.size() ? externalIdOf(rows.get(k)) : "",
                                new DataverseRejectedException(
                                        status,
                                        "Dataverse refused "
                                                + ops.get(k).method()
                                                + " "
                                                + ops.get(k).target()
                                                + " with "
                                                + status),
                                k < rows.size() ? rows.get(k).toString() : ops.get(k).target());
                    }
                }
            }
            timeline.remember(done);
            if (unavailable != null) {
                // not the item's fault: the feed stops and its window is repeated next run
                throw new DataverseUnavailableException(unavailable);
            }
        }
        return parts;
    }

    /** The externalId of the record a timeline row is about (its D365 id). */
    private static String externalIdOf(InteractionRow row) {
        String key = row.recordKey();
        return key.substring(key.indexOf(':') + 1);
    }

    /** The timeline activity of a sent mailing: the mailing's name and subject, its link. */
    private static Activities.Sent sent(
            Interaction i,
            Optional<Mailing> mailing,
            String recordKey,
            String activityId,
            boolean sms) {
        String[] parts = recordKey.split(":", 2);
        String name = mailing.map(Mailing::name).filter(n -> !n.isBlank()).orElse(i.name());
        String subject =
                mailing.map(Mailing::subject).filter(s -> !s.isBlank()).orElse(i.subject());
        return new Activities.Sent(
                activityId,
                parts[0],
                parts[1],
                sms,
                (sms ? "SMS: " : "") + (subject == null || subject.isBlank() ? name : subject),
                (sms ? "SMS" : "Email")
                        + " sent by Spotler Mail+: "
                        + name
                        + (i.onlineVersionLink().isBlank()
                                ? ""
                                : "\nOnline version: " + i.onlineVersionLink()),
                i.date(),
                i.id(),
                i.mailingId());
    }

    /** The activityid of an interaction: the same on every run. */
    static String id(String interactionId) {
        return UUID.nameUUIDFromBytes(
                        ("spotler-interaction:" + interactionId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }
}
