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
}
