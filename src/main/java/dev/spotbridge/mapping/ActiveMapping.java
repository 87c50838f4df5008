package dev.spotbridge.mapping;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The mapping in force and its version. The configured mapping (the file named by
 * spotbridge.mapping.file, else the built-in default) is read at start; a file that cannot be read
 * or parsed stops the deployment with the reason, rather than syncing wrong data. The version in
 * force is the highest in the database (see {@link MappingVersions}); a version applied on another
 * node is picked up within spotbridge.mapping.refresh-seconds.
 */
@ApplicationScoped
public class ActiveMapping {

    private static final Logger LOG = Logger.getLogger(ActiveMapping.class.getName());

    /** A parsed mapping with the version number it has in the database. */
    public record Versioned(int version, Mapping mapping, String source) {}

    @Inject
    @ConfigProperty(name = "spotbridge.mapping.file")
    Optional<String> file;

    @Inject
    @ConfigProperty(name = "spotbridge.mapping.refresh-seconds", defaultValue = "5")
    long refreshSeconds;

    @Inject MappingVersions versions;

    private String configuredContent;
    private String configuredSource;

    private volatile Versioned active;
    private volatile long checkedAt;

    @PostConstruct
    void load() {
        if (file.isPresent() && !file.get().isBlank()) {
            Path path = Path.of(file.get());
            try {
                configuredContent = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("mapping file " + path + " cannot be read", e);
            }
            configuredSource = path.toString();
        } else {
            try (InputStream in =
                    Mapping.class.getResourceAsStream("/mapping/default-mapping.json")) {
                if (in == null) {
                    throw new IllegalStateException(
                            "default-mapping.json is missing from the application");
                }
                configuredContent = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("built-in default-mapping.json cannot be read", e);
            }
            configuredSource = "built-in default-mapping.json";
        }
        // fails the deployment on a broken file
        parse(configuredContent, configuredSource);
        LOG.info(() -> "configured mapping: " + configuredSource);
    }

    public Mapping get() {
        return current().mapping();
    }

    /** The version number of the mapping in force (recorded with every change it produces). */
    public int version() {
        return current().version();
    }

    public String source() {
        return current().source();
    }

    public Versioned current() {
        Versioned now = active;
        long at = System.nanoTime();
        if (now == null) {
            synchronized (this) {
                if (active == null) {
                    MappingVersion version = versions.activate(configuredContent, configuredSource);
                    active = versioned(version);
                    checkedAt = at;
                    LOG.info(
                            () ->
                                    "mapping in force: version "
                                            + version.version()
                                            + " ("
                                            + version.source()
                                            + ")");
                }
                return active;
            }
        }
        if (at - checkedAt > refreshSeconds * 1_000_000_000L) {
            checkedAt = at;
            int latest = versions.latestNumber();
            if (latest != now.version()) {
                MappingVersion version = versions.find(latest).orElseThrow();
                active = versioned(version);
                LOG.info(() -> "mapping version " + latest + " is now in force");
            }
        }
        return active;
    }

    /** Takes a just-applied version into force on this node at once. */
    public void inForce(MappingVersion version) {
        active = versioned(version);
        checkedAt = System.nanoTime();
    }

    /**
     * Reads a mapping text.
     *
     * @throws InvalidMappingException naming what is wrong
     */
    public static Mapping parse(String content, String source) {
        return Mapping.parse(
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), source);
    }

    private static Versioned versioned(MappingVersion version) {
        String source = "version " + version.version() + " (" + version.source() + ")";
        return new Versioned(version.version(), parse(version.content(), source), source);
    }
}
