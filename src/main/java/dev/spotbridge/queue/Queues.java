package dev.spotbridge.queue;

/**
 * Spotbridge's queues by their JNDI names (server-config/messaging.cli declares them, with their
 * back-off, delivery attempts and dead-letter address), and the message properties they share.
 */
public final class Queues {

    /** Change events of records, one message group per D365 record; drained in batches. */
    public static final String SYNC = "java:/jms/queue/spotbridge-sync";

    /** Marketing list events and sb_syncjob jobs, one message group per list or job. */
    public static final String JOBS = "java:/jms/queue/spotbridge-jobs";

    /** Requests to bring a D365 record up to date with its sync state. */
    public static final String WRITEBACK = "java:/jms/queue/spotbridge-writeback";

    /** Messages refused for good, or out of delivery attempts; replayable from the admin API. */
    public static final String DEAD_LETTERS = "java:/jms/queue/spotbridge-dlq";

    /** The broker addresses of the work queues, as a dead letter's _AMQ_ORIG_ADDRESS names them. */
    public static final String SYNC_ADDRESS = "jms.queue.spotbridge-sync";

    public static final String JOBS_ADDRESS = "jms.queue.spotbridge-jobs";

    public static final String WRITEBACK_ADDRESS = "jms.queue.spotbridge-writeback";

    private Queues() {}

    /**
     * The history a message belongs to, from its "entity" and "recordId" properties: its record,
     * list or job ("entity:id"), or "dead-letters" when it names none.
     */
    public static String subject(jakarta.jms.Message message) {
        try {
            String entity = message.getStringProperty("entity");
            String id = message.getStringProperty("recordId");
            return entity == null || id == null ? "dead-letters" : entity + ":" + id;
        } catch (jakarta.jms.JMSException e) {
            return "dead-letters";
        }
    }
}
