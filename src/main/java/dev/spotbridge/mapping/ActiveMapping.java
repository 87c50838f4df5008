package dev.spotbridge.mapping;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The mapping in force: the file named by spotbridge.mapping.file, else the built-in default. Read
 * once at start; a file that cannot be read or parsed stops the deployment with the reason, rather
 * than syncing wrong data.
 */
@ApplicationScoped
public class ActiveMapping {

    private static final Logger LOG = Logger.getLogger(ActiveMapping.class.getName());

    @Inject
    @ConfigProperty(name = "spotbridge.mapping.file")
    Optional<String> file;

    private Mapping mapping;
    private String source;

    @PostConstruct
    void load() {
        if (file.isPresent() && !file.get().isBlank()) {
            Path path = Path.of(file.get());
            try (InputStream in = Files.newInputStream(path)) {
                mapping = Mapping.parse(in, path.toString());
                source = path.toString();
            } catch (IOException e) {
                throw new UncheckedIOException("mapping file " + path + " cannot be read", e);
            }
        } else {
            mapping = Mapping.defaults();
            source = "built-in default-mapping.json";
        }
        LOG.info(() -> "mapping in force: " + source);
    }

    public Mapping get() {
        return mapping;
    }

    public String source() {
        return source;
    }
}
