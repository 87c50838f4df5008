package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The D365 timeline's activities that Spotler's mailings become, as operations of a $batch: a
 * completed outgoing email (or, for an SMS, phone call) regarding the record, and the engagement
 * columns of an email (opens, clicks, bounce) of the Spotbridge solution.
 */
public final class Activities {

    private Activities() {}

    /**
     * A mailing Spotler sent to a record.
     *
     * @param activityId the activity's own id, the same on every run (a repeated create meets
     *     "duplicate key")
     * @param entity the record's table (contact, lead, account)
     * @param sms an SMS (a phone call activity), else an email
     * @param at when Spotler sent it
     */
    public record Sent(
            String activityId,
            String entity,
            String recordId,
            boolean sms,
            String subject,
            String description,
            Instant at,
            String interactionId,
            String mailingId) {}

    /**
     * What became of an email: how often and when it was opened and clicked, and its bounce.
     *
     * @param bounceType "Hard" or "Soft"; null when it did not bounce
     */
    public record Engagement(
            int opens,
            Instant firstOpen,
            Instant lastOpen,
            int clicks,
            Instant firstClick,
            Instant lastClick,
            String bounceType,
            Instant bouncedOn,
            List<ClickedLink> links) {}

    /** One click of the email: when, and on which link (its URL). */
    public record ClickedLink(Instant at, String url) {}

    /** The clicked links as the email shows them: one line per click, in time order. */
    static String clickedLinks(List<ClickedLink> links) {
        StringBuilder text = new StringBuilder();
        for (ClickedLink link : links) {
            String line =
                    link.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + "  "
                            + (link.url() == null ? "(link not reported)" : link.url())
                            + "\n";
            if (text.length() + line.length() > CLICKED_LINKS_MAX) {
                text.append("…");
                break;
            }
            text.append(line);
        }
        return text.toString().stripTrailing();
    }

    /** The length of email.sb_clickedlinks (solution.json). */
    static final int CLICKED_LINKS_MAX = 10000;

    /** The create of a sent mailing's activity, completed (email Sent, phone call Made). */
    public static BatchOperation created(Sent sent) {
        String set = DataverseGateway.entitySet(sent.entity());
        String type = sent.sms() ? "phonecall" : "email";
        String record = "/" + set + "(" + sent.recordId() + ")";
        JsonObjectBuilder body =
                Json.createObjectBuilder()
                        .add("activityid", sent.activityId())
                        .add("subject", sent.subject())
                        .add("description", sent.description())
                        .add("directioncode", true)
                        .add("actualend", time(sent.at()))
                        .add("sb_source", "Spotler")
                        .add("sb_spotlerinteractionid", sent.interactionId())
                        .add("sb_spotlermailingid", sent.mailingId())
                        .add(
                                "regardingobjectid_" + sent.entity() + "_" + type + "@odata.bind",
                                record)
                        .add(
                                type + "_activity_parties",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add(
                                                                "partyid_"
                                                                        + sent.entity()
                                                                        + "@odata.bind",
                                                                record)
                                                        .add("participationtypemask", 2)))
                        // completed: email Sent (3), phone call Made (2)
                        .add("statecode", 1)
                        .add("statuscode", sent.sms() ? 2 : 3);
        return BatchOperation.create(sent.sms() ? "phonecalls" : "emails", body.build());
    }

    /** The update of an email activity's engagement columns. */
    public static BatchOperation engagement(String activityId, Engagement e) {
        JsonObjectBuilder columns = Json.createObjectBuilder().add("sb_opencount", e.opens());
        if (e.opens() > 0) {
            columns.add("sb_firstopenedon", time(e.firstOpen()))
                    .add("sb_lastopenedon", time(e.lastOpen()));
        }
        columns.add("sb_clickcount", e.clicks());
        if (e.clicks() > 0) {
            columns.add("sb_firstclickedon", time(e.firstClick()))
                    .add("sb_lastclickedon", time(e.lastClick()))
                    .add("sb_clickedlinks", clickedLinks(e.links()));
        }
        if (e.bounceType() != null) {
            columns.add("sb_bouncetype", e.bounceType()).add("sb_bouncedon", time(e.bouncedOn()));
        }
        return BatchOperation.update("emails", activityId, columns.build());
    }

    private static String time(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
