package dev.spotbridge.schema;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Applies the migrations that the database does not have yet, each in its own JDBC transaction, at
 * deployment. Messages consumed before this finishes fail and are redelivered after the back-off;
 * none is lost.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    /** The advisory lock key of Spotbridge's migrations on PostgreSQL ("spotbrdg" as a number). */
    private static final long LOCK_KEY = 0x73706f7462726467L;

    private static final Pattern NAME = Pattern.compile("V(\\d+)__(.+)\\.sql");

    @Resource(lookup = "java:jboss/datasources/SpotbridgeDS")
    DataSource dataSource;

    private volatile boolean done;

    @PostConstruct
    void migrate() {
        try (Connection connection = dataSource.getConnection()) {
            boolean shared = lock(connection);
            try {
                migrate(connection);
            } finally {
                if (shared) {
                    unlock(connection);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database migration failed: " + e.getMessage(), e);
        }
    }

    /**
     * On PostgreSQL, several nodes may start at once against one database: a session-level advisory
     * lock lets one of them migrate while the others wait, then find nothing left to do. The
     * embedded database has one node by construction.
     */
    private static boolean lock(Connection connection) throws SQLException {
        if (!"PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())) {
            return false;
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
        }
        return true;
    }

    private static void unlock(Connection connection) throws SQLException {
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
        }
    }

    private void migrate(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        ensureVersionTable(connection);
        Set<Integer> applied = applied(connection);
        for (String file : index()) {
            Matcher m = NAME.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException(
                        "migration file name " + file + " is not V<n>__<description>.sql");
            }
            int version = Integer.parseInt(m.group(1));
            if (applied.contains(version)) {
                continue;
            }
            apply(connection, version, m.group(2), file);
        }
        done = true;
    }

    /** True once every migration is in place. */
    public boolean done() {
        return done;
    }

    private void apply(Connection connection, int version, String description, String file)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(read("/db/migration/" + file))) {
                statement.execute(sql);
            }
            try (PreparedStatement record =
                    connection.prepareStatement(
                            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
                record.setInt(1, version);
                record.setString(2, description);
                record.setTimestamp(3, Timestamp.from(Instant.now()));
                record.executeUpdate();
            }
            connection.commit();
            LOG.info(() -> "applied migration " + file);
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    private static void ensureVersionTable(Connection connection) throws SQLException {
        try (ResultSet tables =
                connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (tables.next()) {
                if ("schema_version".equalsIgnoreCase(tables.getString("TABLE_NAME"))) {
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                            + "description VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)");
            connection.commit();
        }
    }

    private static Set<Integer> applied(Connection connection) throws SQLException {
        Set<Integer> versions = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM schema_version")) {
            while (rows.next()) {
                versions.add(rows.getInt(1));
            }
        }
        return versions;
    }

    private static List<String> index() {
        List<String> files = new ArrayList<>();
        for (String line : read("/db/migration/index.txt").split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                files.add(line.trim());
            }
        }
        return files;
    }

    /** Splits a script on semicolons that end a line; "--" comment lines are dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().trim();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().trim());
        }
        return statements;
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing migration resource " + resource);
            }
            StringBuilder text = new StringBuilder();
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().forEach(l -> text.append(l).append('\n'));
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
