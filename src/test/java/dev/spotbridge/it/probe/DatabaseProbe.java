package dev.spotbridge.it.probe;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A test-only deployment (probe.war, never shipped): looks into Spotbridge's database and
 * dead-letter queue from inside the server, as an auditor with a dump would, and puts test data
 * where only time would (old rows, old dead letters).
 */
@RequestScoped
@Path("")
public class DatabaseProbe {

    @Resource(lookup = "java:jboss/datasources/SpotbridgeDS")
    DataSource dataSource;

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = "java:/jms/queue/spotbridge-dlq")
    Queue deadLetters;

    /**
     * GET /probe/find?text=…: every text column of every table of Spotbridge's schema, and every
     * dead letter (body and properties), that holds the text (any case): {"table.column": rows,
     * "dead-letters": messages}.
     */
    @GET
    @Path("find")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject find(@QueryParam("text") String text) throws SQLException, JMSException {
        String needle = text.toLowerCase(Locale.ROOT);
        JsonObjectBuilder found = Json.createObjectBuilder();
        try (Connection c = dataSource.getConnection()) {
            List<String[]> columns = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs =
                            s.executeQuery(
                                    "SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                                            + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA"
                                            + " AND DATA_TYPE IN ('CHARACTER VARYING', 'CHARACTER',"
                                            + " 'CHARACTER LARGE OBJECT')")) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] col : columns) {
                try (PreparedStatement p =
                        c.prepareStatement(
                                "SELECT COUNT(*) FROM \""
                                        + col[0]
                                        + "\" WHERE LOWER(CAST(\""
                                        + col[1]
                                        + "\" AS VARCHAR)) LIKE ?")) {
                    p.setString(1, "%" + needle + "%");
                    try (ResultSet rs = p.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            found.add(
                                    col[0].toLowerCase(Locale.ROOT)
                                            + "."
                                            + col[1].toLowerCase(Locale.ROOT),
                                    rs.getLong(1));
                        }
                    }
                }
            }
        }
        int letters = 0;
        try (JMSContext context = connectionFactory.createContext();
                QueueBrowser browser = context.createBrowser(deadLetters)) {
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message m = (Message) messages.nextElement();
                StringBuilder all = new StringBuilder();
                if (m instanceof TextMessage t && t.getText() != null) {
                    all.append(t.getText());
                }
                Enumeration<?> names = m.getPropertyNames();
                while (names.hasMoreElements()) {
                    all.append(' ').append(m.getObjectProperty((String) names.nextElement()));
                }
                if (all.toString().toLowerCase(Locale.ROOT).contains(needle)) {
                    letters++;
                }
            }
        }
        if (letters > 0) {
            found.add("dead-letters", letters);
        }
        return found.build();
    }

    /** POST /probe/sql: runs one SQL update (ages rows); answers the rows it changed. */
    @POST
    @Path("sql")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String sql(String statement) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            return String.valueOf(s.executeUpdate(statement));
        }
    }

    /**
     * POST /probe/hold?seconds=…: runs one locking statement (SELECT … FOR UPDATE) in a transaction
     * of its own and keeps its locks that long, as a slow or stuck transaction would; then rolls
     * back. Answers when it let go.
     */
    @POST
    @Path("hold")
    @Consumes(MediaType.TEXT_PLAIN)
    @Produces(MediaType.TEXT_PLAIN)
    public String hold(String statement, @QueryParam("seconds") int seconds)
            throws SQLException, InterruptedException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(statement);
                Thread.sleep(seconds * 1000L);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        return "released";
    }

    /** GET /probe/count?sql=…: the number a SELECT COUNT(*) answers. */
    @GET
    @Path("count")
    @Produces(MediaType.TEXT_PLAIN)
    public String count(@QueryParam("sql") String query) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return String.valueOf(rs.getLong(1));
        }
    }

    /**
     * POST /probe/dead-letters?entity=&amp;recordId=&amp;count=&amp;old=true: dead letters of a
     * record, as a failed change leaves them; old ones carry no timestamp (JMSTimestamp 0), as if
     * they had been there for ever.
     */
    @POST
    @Path("dead-letters")
    @Produces(MediaType.TEXT_PLAIN)
    public String deadLetters(
            @QueryParam("entity") String entity,
            @QueryParam("recordId") String recordId,
            @QueryParam("count") int count,
            @QueryParam("old") boolean old,
            @QueryParam("event") boolean event)
            throws JMSException {
        try (JMSContext context = connectionFactory.createContext(JMSContext.SESSION_TRANSACTED)) {
            JMSProducer producer = context.createProducer().setDisableMessageTimestamp(old);
            for (int i = 0; i < count; i++) {
                TextMessage m =
                        context.createTextMessage(
                                event
                                        // a resync of the record, as the admin API queues it
                                        ? "{\"key\":\"probe-resync|"
                                                + java.util.UUID.randomUUID()
                                                + "\",\"entity\":\""
                                                + entity
                                                + "\",\"recordId\":\""
                                                + recordId
                                                + "\",\"message\":\"Resync\",\"operation\":\"RESYNC\","
                                                + "\"version\":\""
                                                + java.time.Instant.now()
                                                + "\",\"attributes\":{},\"complete\":false}"
                                        : "{\"entity\":\""
                                                + entity
                                                + "\",\"recordId\":\""
                                                + recordId
                                                + "\"}");
                m.setStringProperty("entity", entity);
                m.setStringProperty("recordId", recordId);
                m.setStringProperty("spotbridgeReason", "put here by a test");
                if (event) {
                    m.setStringProperty("JMSXGroupID", entity + ":" + recordId);
                    m.setStringProperty("_AMQ_ORIG_ADDRESS", "jms.queue.spotbridge-sync");
                }
                producer.send(deadLetters, m);
                if (i % 500 == 499) {
                    context.commit();
                }
            }
            context.commit();
        }
        return String.valueOf(count);
    }
}
