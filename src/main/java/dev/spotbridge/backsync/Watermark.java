package dev.spotbridge.backsync;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** How far a feed has been read: the end of the last window that was processed completely. */
@Entity
@Table(name = "watermark")
public class Watermark {

    @Id private String feed;

    private Instant position;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected Watermark() {}

    Watermark(String feed, Instant position) {
        this.feed = feed;
        this.position = position;
        this.updatedAt = Instant.now();
    }

    String feed() {
        return feed;
    }

    Instant position() {
        return position;
    }

    void advance(Instant to) {
        if (to.isAfter(position)) {
            position = to;
        }
        updatedAt = Instant.now();
    }
}
