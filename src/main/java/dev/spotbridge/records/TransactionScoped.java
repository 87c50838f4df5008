package dev.spotbridge.records;

import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.function.Supplier;

/**
 * A value that lives as long as the current transaction (what it already read, asked for or made),
 * made on first use and gone with the commit or rollback.
 */
public final class TransactionScoped {

    private TransactionScoped() {}

    /**
     * The transaction's value under this key, made by {@code fresh} the first time it is asked for.
     *
     * @param key a name of the caller's own (its class name and a word)
     */
    @SuppressWarnings("unchecked")
    public static <T> T get(
            TransactionSynchronizationRegistry transaction, String key, Supplier<T> fresh) {
        Object known = transaction.getResource(key);
        if (known == null) {
            known = fresh.get();
            transaction.putResource(key, known);
        }
        return (T) known;
    }
}
