package dev.spotbridge.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The webhook keys (SPOTBRIDGE_WEBHOOK_KEY, comma-separated so an old and a new key work during
 * rotation). Comparison is constant-time: digests of equal length, every key checked, no early
 * exit.
 */
@ApplicationScoped
public class WebhookKeys {

    @Inject
    @ConfigProperty(name = "spotbridge.webhook.key")
    Optional<String> configured;

    public boolean configured() {
        return !keys().isEmpty();
    }

    public boolean accepts(String given) {
        if (given == null || given.isEmpty()) {
            return false;
        }
        byte[] presented = sha256(given);
        boolean match = false;
        for (String key : keys()) {
            match |= MessageDigest.isEqual(presented, sha256(key));
        }
        return match;
    }

    /** The key to give Dataverse: the last one listed (the new key during a rotation). */
    public Optional<String> newest() {
        List<String> keys = keys();
        return keys.isEmpty() ? Optional.empty() : Optional.of(keys.get(keys.size() - 1));
    }

    List<String> keys() {
        return configured
                .map(
                        value ->
                                Arrays.stream(value.split(","))
                                        .map(String::trim)
                                        .filter(s -> !s.isEmpty())
                                        .toList())
                .orElse(List.of());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
