package dev.spotbridge.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The schema's migrations under Flyway, on the embedded database's engine. */
class MigrationsTest {

    private static JdbcDataSource database() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    private static int count(JdbcDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }

    private static void execute(JdbcDataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The number of the newest migration: the scripts are V1 … V&lt;n&gt;, listed in index.txt. */
    private static final int LATEST =
            (int) script("index.txt").lines().filter(l -> l.startsWith("V")).count();

    private static String script(String name) {
        try (InputStream in = MigrationsTest.class.getResourceAsStream("/db/migration/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aNewDatabaseGetsEveryMigration() throws SQLException {
        JdbcDataSource ds = database();
        MigrateResult result = Migrations.migrate(ds);
        assertEquals(LATEST, result.migrationsExecuted);
        assertEquals(Integer.toString(LATEST), result.targetSchemaVersion);
        assertEquals(0, count(ds, "SELECT COUNT(*) FROM sync_record"));
        assertEquals(
                0, Migrations.migrate(ds).migrationsExecuted, "a second start applies nothing");
    }

    @Test
    void theEmbeddedDatabaseHandsOutIdentitiesAThousandPerWrite() throws SQLException {
        JdbcDataSource ds = database();
        Migrations.migrate(ds);
        String cache =
                "SELECT MIN(IDENTITY_CACHE) FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE IS_IDENTITY = 'YES' AND TABLE_NAME = '%s'";
        assertEquals(1000, count(ds, cache.formatted("SYNC_HISTORY")));
        assertEquals(1000, count(ds, cache.formatted("CONSENT_CHANGE")));
        execute(ds, "ALTER TABLE sync_history ALTER COLUMN id SET CACHE 32");
        Migrations.migrate(ds);
        assertEquals(1000, count(ds, cache.formatted("SYNC_HISTORY")), "set again at a start");
    }

    @Test
    void aDatabaseFromBeforeFlywayIsTakenOverAtItsVersion() throws SQLException {
        JdbcDataSource ds = database();
        // what Spotbridge's own migrations left: the schema of V1 and their ledger
        for (String statement : script("V1__sync_state.sql").split(";\\s*\\n")) {
            if (!statement.isBlank()) {
                execute(ds, statement);
            }
        }
        execute(
                ds,
                "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                        + "description VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)");
        execute(ds, "INSERT INTO schema_version VALUES (1, 'sync_state', CURRENT_TIMESTAMP)");
        MigrateResult result = Migrations.migrate(ds);
        // baselined at 1, then V2 onwards; V1 (which would fail on the existing table) not run
        assertEquals(LATEST - 1, result.migrationsExecuted);
        assertEquals(
                1,
                count(
                        ds,
                        "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"type\" = 'BASELINE'"
                                + " AND \"version\" = '1'"));
    }

    @Test
    void aScriptChangedAfterItRanStopsTheMigration() throws SQLException {
        JdbcDataSource ds = database();
        Migrations.migrate(ds);
        execute(
                ds,
                "UPDATE \"flyway_schema_history\" SET \"checksum\" = \"checksum\" + 1"
                        + " WHERE \"version\" = '3'");
        FlywayException e = assertThrows(FlywayException.class, () -> Migrations.migrate(ds));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }
}
