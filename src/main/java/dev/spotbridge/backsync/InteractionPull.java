package dev.spotbridge.backsync;

import dev.spotbridge.dataverse.Activities;
import dev.spotbridge.dataverse.BatchOperation;
import dev.spotbridge.dataverse.DataverseGateway;
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
import java.util.ArrayList;
import java.util.HashMap;
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
 * bounce also becomes the owner's task (once, shared with the bounce feed). Writes go in $batch
 * requests of at most 1000; the ledger is written after each batch, so a run that fails halfway is
 * repeated by the next one without gap or duplicate.
 */
@ApplicationScoped
public class InteractionPull {

    static final List<String> FEEDS = List.of("sent", "opened", "clicked", "bounced");
    private static final int BATCH = 1000;

    @Inject SpotlerGateway spotler;

    @Inject DataverseGateway dataverse;

    @Inject SyncRecords records;

    @Inject Timeline timeline;

    @Inject BounceTasks bounceTasks;

    @Inject Watermarks watermarks;

    /** Mailing details are the same for every recipient: read once per mailing. */
    private final Map<String, Optional<Mailing>> mailings = new ConcurrentHashMap<>();

    /** What one run did. */
    public record Counts(int activities, int updated, int batches, int skipped) {}

    public Counts pull() {
        int activities = 0;
        int updated = 0;
        int batches = 0;
        int skipped = 0;
        for (String kind : FEEDS) {
            String feed = "spotler-interactions-" + kind;
            Watermarks.Window window = watermarks.window(feed);
            // page by page: one page of the feed (FEED_PAGE_SIZE items) and its batches in memory
            // at a time, not the whole window (100 000 interactions held 400 MB)
            Integer after = 0;
            while (after != null) {
                SpotlerGateway.Page<SpotlerGateway.Interaction> page =
                        spotler.interactions(kind, window.from(), window.to(), after);
                Counts done =
                        "sent".equals(kind) ? sent(page.items()) : engagement(kind, page.items());
                activities += done.activities();
                updated += done.updated();
                batches += done.batches();
                skipped += done.skipped();
                after = page.next();
            }
            watermarks.completed(feed, window);
        }
        if (mailings.size() > 10_000) {
            mailings.clear();
        }
        return new Counts(activities, updated, batches, skipped);
    }

    private Counts sent(List<Interaction> items) {
        Map<String, Optional<String>> keys = new HashMap<>();
        List<BatchOperation> ops = new ArrayList<>();
        List<InteractionRow> rows = new ArrayList<>();
        int skipped = 0;
        for (Interaction i : items) {
            Optional<String> key =
                    keys.computeIfAbsent(i.externalContactId(), records::keyOfExternalId);
            if (key.isEmpty() || timeline.known(i.key())) {
                skipped++;
                continue;
            }
            Optional<Mailing> mailing = mailings.computeIfAbsent(i.mailingId(), spotler::mailing);
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
        }
        int batches = write(ops, rows);
        return new Counts(ops.size(), 0, batches, skipped);
    }

    private Counts engagement(String kind, List<Interaction> items) {
        Map<String, Optional<String>> keys = new HashMap<>();
        List<InteractionRow> rows = new ArrayList<>();
        Set<String> touched = new LinkedHashSet<>();
        int skipped = 0;
        for (Interaction i : items) {
            Optional<String> key =
                    keys.computeIfAbsent(i.externalContactId(), records::keyOfExternalId);
            Optional<String> activity = key.flatMap(k -> timeline.emailActivity(k, i.mailingId()));
            if (activity.isEmpty() || timeline.known(i.key())) {
                skipped++;
                continue;
            }
            rows.add(
                    new InteractionRow(
                            i.key(),
                            kind,
                            key.get(),
                            i.mailingId(),
                            activity.get(),
                            i.date(),
                            "bounced".equals(kind) ? i.bounceType() : null));
            touched.add(activity.get());
            if ("bounced".equals(kind)) {
                String email =
                        spotler.find(i.externalContactId())
                                .map(SpotlerContact::properties)
                                .map(
                                        p ->
                                                p.get("email") instanceof JsonString s
                                                        ? s.getString()
                                                        : null)
                                .orElse("(unknown address)");
                bounceTasks.create(
                        new SpotlerBounce(
                                i.externalContactId(),
                                email,
                                i.date(),
                                i.bounceType().toUpperCase().startsWith("HARD"),
                                i.mailingId()));
            }
        }
        timeline.remember(rows);
        List<BatchOperation> ops = new ArrayList<>();
        for (String activity : touched) {
            ops.add(Activities.engagement(activity, timeline.engagement(activity)));
        }
        int batches = write(ops, List.of());
        return new Counts(0, ops.size(), batches, skipped);
    }

    /**
     * Sends the operations in batches; after each batch the rows of its successful operations are
     * remembered.
     */
    private int write(List<BatchOperation> ops, List<InteractionRow> rows) {
        int batches = 0;
        for (int from = 0; from < ops.size(); from += BATCH) {
            int to = Math.min(ops.size(), from + BATCH);
            List<Integer> statuses = dataverse.batch(ops.subList(from, to));
            batches++;
            List<InteractionRow> done = new ArrayList<>();
            for (int k = from; k < to; k++) {
                int status = statuses.get(k - from);
                // 412: the activity is there already (an earlier run that died before its ledger
                // write)
                if (k < rows.size() && (status < 300 || status == 412)) {
                    done.add(rows.get(k));
                }
            }
            timeline.remember(done);
        }
        return batches;
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
