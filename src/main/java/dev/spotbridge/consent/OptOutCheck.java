package dev.spotbridge.consent;

import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * "The next sync" recognises a Spotler opt-out (manual §2.7.2) also when it has nothing to write: a
 * write would have been answered CONTACT_OPTOUT, a sync without one asks. It asks only when the
 * record's last known Spotler state (its last write or status read) is older than the hourly pull's
 * window (spotbridge.backsync.overlap-minutes), since the pull finds every opt-out of that window
 * anyway: at most one read per record per window. Many records at once (a list sync) read the
 * changed-contacts feed since the oldest of them instead, a few calls for any number.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class OptOutCheck {

    /** Above this many stale records a bulk check reads the feed rather than each contact. */
    static final int SINGLE_READS = 50;

    @Inject SpotlerGateway spotler;

    @Inject SpotlerOptOuts optOuts;

    /**
     * How old the last known Spotler state of a record may be before a sync with nothing to write
     * asks Spotler (default: the hourly pull's window, spotbridge.backsync.overlap-minutes).
     */
    @Inject
    @ConfigProperty(name = "spotbridge.sync.spotler-state-max-age-minutes")
    Optional<Long> maxAgeMinutes;

    @Inject
    @ConfigProperty(name = "spotbridge.backsync.overlap-minutes", defaultValue = "60")
    long windowMinutes;

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /** Whether Spotbridge's knowledge of the record's Spotler state is older than the window. */
    public boolean due(SyncRecord record) {
        return record.inSpotler()
                && !record.optedOut()
                && record.spotlerStateAt()
                        .isBefore(
                                Instant.now()
                                        .minus(
                                                Duration.ofMinutes(
                                                        maxAgeMinutes.orElse(windowMinutes))));
    }

    /**
     * Reads the contact's status from Spotler.
     *
     * @return true when it is opted out there (the caller records it)
     */
    public boolean optedOut(SyncRecord record) {
        Optional<SpotlerContact> contact = spotler.find(record.recordId());
        record.spotlerRead();
        return contact.isPresent() && contact.get().optedOut();
    }

    /**
     * How far the hourly pull has read Spotler's changed contacts (its watermark, less its
     * overlap); empty before its first run. Read from the table the back-sync keeps (watermark),
     * not through the back-sync's classes, which depend on this package.
     */
    private Optional<Instant> pulledUpTo() {
        List<?> rows =
                em.createNativeQuery("select position from watermark where feed = ?1")
                        .setParameter(1, "spotler-contact-updates")
                        .getResultList();
        if (rows.isEmpty() || rows.get(0) == null) {
            return Optional.empty();
        }
        Object position = rows.get(0);
        Instant at =
                position instanceof Instant i
                        ? i
                        : position instanceof java.time.OffsetDateTime o
                                ? o.toInstant()
                                : position instanceof java.sql.Timestamp t
                                        ? t.toInstant()
                                        : Instant.parse(position.toString());
        return Optional.of(at.minus(Duration.ofMinutes(windowMinutes)));
    }

    /**
     * The records among these whose contact opted out in Spotler since their last known state (each
     * one recorded as opted out, D365 told through the write-back).
     */
    public Set<String> optedOut(Collection<SyncRecord> records) {
        List<SyncRecord> stale = records.stream().filter(this::due).toList();
        Set<String> found = new LinkedHashSet<>();
        if (stale.isEmpty()) {
            return found;
        }
        if (stale.size() <= SINGLE_READS) {
            for (SyncRecord record : stale) {
                if (optedOut(record)) {
                    optOuts.optedOut(
                            record,
                            "found by a sync with nothing to write (Spotler's status read)",
                            null);
                    found.add(record.recordId());
                }
            }
            return found;
        }
        Instant from =
                stale.stream()
                        .map(SyncRecord::spotlerStateAt)
                        .min(Instant::compareTo)
                        .orElseThrow();
        // the hourly pull found every opt-out up to its watermark: only what came after it can
        // be unknown (and never more than a day back)
        Instant to = Instant.now();
        Instant floor = pulledUpTo().orElse(to.minus(Duration.ofHours(24)));
        if (from.isBefore(floor)) {
            from = floor;
        }
        Set<String> wanted = new LinkedHashSet<>();
        stale.forEach(r -> wanted.add(r.recordId()));
        for (Integer after = 0; after != null; ) {
            SpotlerGateway.Page<SpotlerContact> page = spotler.changedContacts(from, to, after);
            for (SpotlerContact contact : page.items()) {
                if (contact.optedOut() && wanted.contains(contact.externalId())) {
                    found.add(contact.externalId());
                }
            }
            after = page.next();
        }
        for (SyncRecord record : stale) {
            record.spotlerRead();
            if (found.contains(record.recordId())) {
                optOuts.optedOut(
                        record,
                        "found by a list sync in Spotler's changed contacts since its last known"
                                + " state",
                        null);
            }
        }
        return found;
    }
}
