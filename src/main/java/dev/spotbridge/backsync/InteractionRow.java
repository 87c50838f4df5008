package dev.spotbridge.backsync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A Spotler mailing interaction that is on the D365 timeline (kind sent, sent-sms, opened, clicked,
 * bounced).
 */
@Entity
@Table(name = "interaction")
public class InteractionRow {

    @Id
    @Column(name = "interaction_id")
    private String interactionId;

    private String kind;

    @Column(name = "record_key")
    private String recordKey;

    @Column(name = "mailing_id")
    private String mailingId;

    @Column(name = "activity_id")
    private String activityId;

    @Column(name = "happened_at")
    private Instant at;

    @Column(name = "bounce_type")
    private String bounceType;

    /** The URL of the link a click was on; null for other kinds, or when Spotler did not say. */
    @Column(name = "link_url")
    private String linkUrl;

    protected InteractionRow() {}

    InteractionRow(
            String interactionId,
            String kind,
            String recordKey,
            String mailingId,
            String activityId,
            Instant at,
            String bounceType) {
        this.interactionId = interactionId;
        this.kind = kind;
        this.recordKey = recordKey;
        this.mailingId = mailingId;
        this.activityId = activityId;
        this.at = at;
        this.bounceType = bounceType;
    }

    /** A click, with the URL of its link. */
    InteractionRow clickedOn(String url) {
        this.linkUrl = url == null || url.length() <= 2000 ? url : url.substring(0, 2000);
        return this;
    }

    String linkUrl() {
        return linkUrl;
    }

    String kind() {
        return kind;
    }

    String activityId() {
        return activityId;
    }

    Instant at() {
        return at;
    }

    String bounceType() {
        return bounceType;
    }

    String recordKey() {
        return recordKey;
    }

    @Override
    public String toString() {
        return kind
                + " interaction "
                + interactionId
                + " of mailing "
                + mailingId
                + " on "
                + recordKey;
    }
}
