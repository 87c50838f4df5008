package dev.spotbridge.backsync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Windows of the hourly feeds: from the last processed end minus an overlap (events that Spotler
 * records late are not missed; the effects are idempotent, so reading twice is harmless) up to now.
 * A feed read for the first time looks back one lookback period. The watermark moves only after a
 * complete window.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class Watermarks {

    /** [from, to) of one run of a feed. */
    public record Window(Instant from, Instant to) {}

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "spotbridge.backsync.overlap-minutes", defaultValue = "60")
    long overlapMinutes;

    @Inject
    @ConfigProperty(name = "spotbridge.backsync.first-lookback-hours", defaultValue = "24")
    long firstLookbackHours;

    public Window window(String feed) {
        // Spotler takes whole seconds: the window ends at the next full second, so nothing of this
        // second is missed
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        Watermark mark = em.find(Watermark.class, feed);
        Instant from =
                mark == null
                        ? now.minus(Duration.ofHours(firstLookbackHours))
                        : mark.position().minus(Duration.ofMinutes(overlapMinutes));
        return new Window(from, now);
    }

    /** Every feed's position (the end of its last complete window). */
    public Map<String, Instant> positions() {
        Map<String, Instant> positions = new TreeMap<>();
        em.createQuery("select w from Watermark w", Watermark.class)
                .getResultList()
                .forEach(w -> positions.put(w.feed(), w.position()));
        return positions;
    }

    public void completed(String feed, Window window) {
        Watermark mark = em.find(Watermark.class, feed);
        if (mark == null) {
            em.persist(new Watermark(feed, window.to()));
        } else {
            mark.advance(window.to());
        }
    }
}
