package dev.spotbridge.schema;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the database schema up to date at deployment with Flyway: the versioned scripts of
 * db/migration (listed in its index.txt), each applied once, in order, in its own transaction,
 * recorded with its checksum in flyway_schema_history — a script changed after it was applied stops
 * the deployment. Nodes that start together take Flyway's lock (an advisory lock on PostgreSQL), so
 * one migrates and the others find the work done. A database that Spotbridge's own migrations made
 * before Flyway (table schema_version) is taken over at the version it has. Messages consumed
 * before this finishes fail and are redelivered after the back-off; none is lost.
 */
@Singleton
@Startup
// the settings are checked first: a node that must not start does not touch the database
@DependsOn("RequiredSettings")
@TransactionManagement(TransactionManagementType.BEAN)
public class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    /** The table in which Spotbridge recorded its migrations before it used Flyway. */
    private static final String LEGACY_TABLE = "schema_version";

    /** Flyway's history table (its default name). */
    private static final String HISTORY_TABLE = "flyway_schema_history";

    @Resource(lookup = "java:jboss/datasources/SpotbridgeDS")
    DataSource dataSource;

    private volatile boolean done;

    @PostConstruct
    void migrate() {
        MigrateResult result = migrate(dataSource);
        LOG.info(
                () ->
                        "schema at version "
                                + result.targetSchemaVersion
                                + ": "
                                + result.migrationsExecuted
                                + " migration(s) applied");
        done = true;
    }

    /** True once every migration is in place. */
    public boolean done() {
        return done;
    }

    /** Applies what the database does not have yet; the outcome. */
    static MigrateResult migrate(DataSource dataSource) {
        ClassLoader loader = Migrations.class.getClassLoader();
        Optional<String> legacy = legacyVersion(dataSource);
        Flyway flyway =
                Flyway.configure(loader)
                        .dataSource(dataSource)
                        .resourceProvider(new IndexedMigrations(loader))
                        .javaMigrationClassProvider(List::of)
                        .baselineVersion(legacy.orElse("1"))
                        // no quote in it: Flyway 13 then no longer finds its own baseline marker
                        .baselineDescription("Spotbridge migrations before Flyway")
                        .cleanDisabled(true)
                        .load();
        if (legacy.isPresent()) {
            // a command of its own: the migrate that follows reads the history with the marker
            flyway.baseline();
        }
        MigrateResult result = flyway.migrate();
        cacheIdentities(dataSource);
        return result;
    }

    /** How many values of an identity column the embedded database hands out per write of it. */
    static final long IDENTITY_CACHE = 1000;

    /**
     * On the embedded H2 database: every identity column hands out {@link #IDENTITY_CACHE} values
     * per write of its sequence instead of H2's 32. H2 writes a sequence's position by committing
     * (with WRITE_DELAY=0, a write of every changed page of the file), so with 32 a batch of 100
     * changes made six extra commits for its history lines alone. Values stay in order; after a
     * crash the unused ones of the cache are skipped. PostgreSQL's cache is per connection and
     * would put ids out of order across connections, so it keeps its own default.
     */
    private static void cacheIdentities(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (!"H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())) {
                return;
            }
            List<String[]> columns = new java.util.ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet identities =
                            statement.executeQuery(
                                    "SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                                            + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA"
                                            + " AND IS_IDENTITY = 'YES' AND IDENTITY_CACHE < "
                                            + IDENTITY_CACHE)) {
                while (identities.next()) {
                    columns.add(new String[] {identities.getString(1), identities.getString(2)});
                }
            }
            try (Statement statement = connection.createStatement()) {
                for (String[] column : columns) {
                    statement.execute(
                            "ALTER TABLE \""
                                    + column[0]
                                    + "\" ALTER COLUMN \""
                                    + column[1]
                                    + "\" SET CACHE "
                                    + IDENTITY_CACHE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not set the identity columns' cache: " + e.getMessage(), e);
        }
    }

    /**
     * The version of a database made before Flyway (the highest in schema_version) that Flyway has
     * not taken over yet; empty for a database Flyway knows, or a new one.
     */
    private static Optional<String> legacyVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            boolean legacy = false;
            boolean flyway = false;
            try (ResultSet tables =
                    connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                while (tables.next()) {
                    String name = tables.getString("TABLE_NAME");
                    legacy |= LEGACY_TABLE.equalsIgnoreCase(name);
                    flyway |= HISTORY_TABLE.equalsIgnoreCase(name);
                }
            }
            if (!legacy || flyway) {
                return Optional.empty();
            }
            try (Statement statement = connection.createStatement();
                    ResultSet max =
                            statement.executeQuery("SELECT MAX(version) FROM " + LEGACY_TABLE)) {
                return max.next() && max.getInt(1) > 0
                        ? Optional.of(String.valueOf(max.getInt(1)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "could not read the schema's version: " + e.getMessage(), e);
        }
    }
}
