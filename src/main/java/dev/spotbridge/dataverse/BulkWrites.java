package dev.spotbridge.dataverse;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes of many rows spent the way Dataverse counts them: the creates of one table go as one
 * CreateMultiple, the updates as one UpdateMultiple (one request against the org's limits for up to
 * {@link #MAX_BULK} rows), where a $batch would count each of its operations. A bulk request is all
 * or nothing; when Dataverse refuses one (a row gone or already there, a value refused), each half
 * is tried again, so one bad row costs a few requests, not one per row, and the last few rows of a
 * refused part are handed back to go through a $batch, which tells which one it was.
 */
@ApplicationScoped
public class BulkWrites {

    /** Rows of one bulk request at most (Dataverse's guidance for standard tables). */
    public static final int MAX_BULK = 1000;

    /** Fewer rows than this of one kind go in the $batch, one part each. */
    static final int MIN_BULK = 4;

    @Inject DataverseGateway dataverse;

    /**
     * Writes the items' operations in bulk, grouped by method, table and bypass.
     *
     * @return the items still to be written one by one (in a $batch), in their order
     */
    public <T> List<T> inBulk(List<T> items, Function<T, BatchOperation> operation) {
        Map<String, List<T>> byKind = new LinkedHashMap<>();
        for (T item : items) {
            BatchOperation op = operation.apply(item);
            byKind.computeIfAbsent(
                            op.method() + " " + op.entitySet() + " " + op.withoutAsyncSteps(),
                            k -> new ArrayList<>())
                    .add(item);
        }
        List<T> oneByOne = new ArrayList<>();
        for (List<T> kind : byKind.values()) {
            if (kind.size() < MIN_BULK) {
                oneByOne.addAll(kind);
                continue;
            }
            for (int from = 0; from < kind.size(); from += MAX_BULK) {
                bisect(
                        kind.subList(from, Math.min(kind.size(), from + MAX_BULK)),
                        operation,
                        oneByOne);
            }
        }
        return oneByOne;
    }

    private <T> void bisect(List<T> part, Function<T, BatchOperation> operation, List<T> oneByOne) {
        String entity = DataverseGateway.entityOf(operation.apply(part.get(0)).entitySet());
        if (dataverse.multiple(entity, part.stream().map(operation).toList())) {
            return;
        }
        if (part.size() <= MIN_BULK) {
            oneByOne.addAll(part);
            return;
        }
        int half = part.size() / 2;
        bisect(part.subList(0, half), operation, oneByOne);
        bisect(part.subList(half, part.size()), operation, oneByOne);
    }
}
