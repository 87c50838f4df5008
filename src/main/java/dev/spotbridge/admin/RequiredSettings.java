package dev.spotbridge.admin;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * The settings Spotbridge cannot work without: where Spotler and Dataverse are and how to sign in
 * to them. When one is missing or is no http(s) URL where a URL belongs, the deployment fails with
 * a message that names every such setting and its environment variable; nothing falls back to a
 * default, so a misspelled variable never sends contacts somewhere else. The default run's server
 * configuration points them at the sandboxes (server-config/sandbox.cli).
 */
@Singleton
@Startup
public class RequiredSettings {

    /** The required keys; those ending in ".url" must be absolute http(s) URLs. */
    static final List<String> KEYS =
            List.of(
                    "spotler.api.url",
                    "spotler.consumer.key",
                    "spotler.consumer.secret",
                    "dataverse.api.url",
                    "dataverse.token.url",
                    "dataverse.client.id",
                    "dataverse.client.secret",
                    "dataverse.scope");

    @Inject Config config;

    /**
     * Secrets the production profile (spotbridge.profile=production, set by its server
     * configuration) refuses when empty or a well-known default: the database's and the broker's.
     */
    static final List<String> PRODUCTION_SECRETS =
            List.of("spotbridge.db.password", "spotbridge.broker.password");

    /** Passwords that are anybody's guess: the old defaults and their like. */
    static final Set<String> WEAK =
            Set.of("unset", "spotbridge", "changeme", "change-me", "password", "admin", "secret");

    @PostConstruct
    void check() {
        List<String> problems = problems(key -> config.getOptionalValue(key, String.class));
        if ("production"
                .equalsIgnoreCase(
                        config.getOptionalValue("spotbridge.profile", String.class).orElse(""))) {
            problems.addAll(weakSecrets(key -> config.getOptionalValue(key, String.class)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(
                    "Spotbridge cannot start: "
                            + String.join("; ", problems)
                            + ". Set them in the server's environment (docs/configuration.md).");
        }
    }

    /** What is wrong with the required settings, one line per setting; empty when nothing. */
    static List<String> problems(Function<String, Optional<String>> lookup) {
        List<String> problems = new ArrayList<>();
        for (String key : KEYS) {
            Optional<String> value = lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty());
            if (value.isEmpty()) {
                problems.add(environmentVariable(key) + " (" + key + ") is not set");
            } else if (key.endsWith(".url") && !httpUrl(value.get())) {
                problems.add(
                        environmentVariable(key)
                                + " ("
                                + key
                                + ") is not an http(s) URL: "
                                + value.get());
            }
        }
        return problems;
    }

    /** The production secrets that are empty or a well-known default, one line each. */
    static List<String> weakSecrets(Function<String, Optional<String>> lookup) {
        List<String> problems = new ArrayList<>();
        for (String key : PRODUCTION_SECRETS) {
            String value = lookup.apply(key).map(String::trim).orElse("");
            // "unset": the production configuration's placeholder for a variable not given
            if (value.isEmpty() || "unset".equalsIgnoreCase(value)) {
                problems.add(environmentVariable(key) + " (" + key + ") is not set");
            } else if (WEAK.contains(value.toLowerCase(Locale.ROOT))) {
                problems.add(
                        environmentVariable(key)
                                + " ("
                                + key
                                + ") is a well-known default; set a password of your own");
            }
        }
        return problems;
    }

    static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static boolean httpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return uri.getHost() != null
                    && ("http".equalsIgnoreCase(uri.getScheme())
                            || "https".equalsIgnoreCase(uri.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
