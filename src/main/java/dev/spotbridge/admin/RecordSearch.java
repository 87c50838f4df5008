package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.records.SyncStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds records Spotbridge has seen by id, email or name. Names and emails live in D365, not in
 * Spotbridge's tables (which keep only what was last written to Spotler), so a text search asks
 * Dataverse for matching contacts, leads and accounts — one page of at most 50 rows per table, for
 * a text of at least 3 characters — and keeps those Spotbridge knows.
 */
@ApplicationScoped
public class RecordSearch {

    /** Hits at most; also the rows read from each table of Dataverse (one page). */
    static final int MAX = 50;

    /** The shortest text searched for: a letter or two would match most of an org. */
    static final int MIN_TEXT = 3;

    /** One hit: the record's sync state and, when D365 gave them, its name and email. */
    public record Hit(SyncRecord record, String name, String email) {}

    @Inject SyncRecords records;

    @Inject DataverseGateway dataverse;

    /**
     * Records matching the query: a GUID matches that record; text containing '@' an exact email;
     * other text a part of the name. No query: the most recently changed records, optionally of one
     * status.
     */
    public List<Hit> search(String query, SyncStatus status) {
        String q = query == null ? "" : query.trim();
        if (q.isEmpty()) {
            return records.recent(status, MAX).stream().map(r -> new Hit(r, null, null)).toList();
        }
        String guid = DataverseValues.guid(q);
        if (guid != null) {
            return keep(records.withIds(List.of(guid)), Map.of(), status);
        }
        if (q.length() < MIN_TEXT) {
            throw new BadRequestException(
                    "a search needs at least "
                            + MIN_TEXT
                            + " characters (or a record's GUID, or nothing for the latest records)");
        }
        Map<String, String[]> found = new LinkedHashMap<>();
        for (DataverseGateway.Found f : dataverse.search(q, MAX)) {
            found.put(f.entity() + ":" + f.id(), new String[] {f.name(), f.email()});
        }
        List<String> ids =
                found.keySet().stream().map(k -> k.substring(k.indexOf(':') + 1)).toList();
        return keep(records.withIds(ids), found, status);
    }

    private static List<Hit> keep(
            List<SyncRecord> candidates, Map<String, String[]> details, SyncStatus status) {
        List<Hit> hits = new ArrayList<>();
        for (SyncRecord r : candidates) {
            String[] d = details.get(r.key());
            if (!details.isEmpty() && d == null) {
                continue;
            }
            if ((status == null || r.status() == status) && hits.size() < MAX) {
                hits.add(new Hit(r, d == null ? null : d[0], d == null ? null : d[1]));
            }
        }
        return hits;
    }
}
