package dev.spotbridge.schema;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Flyway's migrations, named in db/migration/index.txt rather than found by scanning the class path
 * (a deployment's class path on WildFly is a virtual file system Flyway cannot list).
 */
class IndexedMigrations implements ResourceProvider {

    private static final String FOLDER = "db/migration/";

    private final ClassLoader loader;
    private final List<String> files;

    IndexedMigrations(ClassLoader loader) {
        this.loader = loader;
        this.files = index(loader);
    }

    @Override
    public LoadableResource getResource(String name) {
        String file = name.startsWith(FOLDER) ? name.substring(FOLDER.length()) : name;
        return files.contains(file) ? new Migration(file) : null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> found = new ArrayList<>();
        for (String file : files) {
            if (file.startsWith(prefix) && endsWithAny(file, suffixes)) {
                found.add(new Migration(file));
            }
        }
        return found;
    }

    private static boolean endsWithAny(String file, String[] suffixes) {
        for (String suffix : suffixes) {
            if (file.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> index(ClassLoader loader) {
        List<String> files = new ArrayList<>();
        for (String line : read(loader, FOLDER + "index.txt").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                files.add(line.trim());
            }
        }
        return files;
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One script of db/migration. */
    private final class Migration extends LoadableResource {

        private final String file;

        Migration(String file) {
            this.file = file;
        }

        @Override
        public Reader read() {
            return new InputStreamReader(
                    new ByteArrayInputStream(
                            IndexedMigrations.read(loader, FOLDER + file)
                                    .getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return FOLDER + file;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return FOLDER + file;
        }

        @Override
        public String getFilename() {
            return file;
        }

        @Override
        public String getRelativePath() {
            return file;
        }
    }
}
