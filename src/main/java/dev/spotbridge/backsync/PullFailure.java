package dev.spotbridge.backsync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An item of a Spotler feed that a back-sync run skipped because it could not be applied. */
@Entity
@Table(name = "pull_failure")
public class PullFailure {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String feed;

    /** SHA-256 of the item as recorded: the same item met again in an overlapping window. */
    @Column(name = "item_key")
    private String itemKey;

    @Column(name = "external_id")
    private String externalId;

    @Column(name = "record_key")
    private String recordKey;

    private String reason;

    private String item;

    @Column(name = "failed_at")
    private Instant failedAt;

    protected PullFailure() {}

    PullFailure(
            String feed,
            String itemKey,
            String externalId,
            String recordKey,
            String reason,
            String item) {
        this.feed = feed;
        this.itemKey = itemKey;
        this.externalId = externalId;
        this.recordKey = recordKey;
        this.reason = cut(reason, 2000);
        this.item = cut(item, 4000);
        this.failedAt = Instant.now();
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }

    public Long id() {
        return id;
    }

    public String feed() {
        return feed;
    }

    public String externalId() {
        return externalId;
    }

    public String recordKey() {
        return recordKey;
    }

    public String reason() {
        return reason;
    }

    public String item() {
        return item;
    }

    public Instant failedAt() {
        return failedAt;
    }
}
