package dev.spotbridge.writeback;

import dev.spotbridge.queue.Queues;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.TransactionScoped;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Asks for the D365 record to be brought up to date with its sync state (sb_syncstatus,
 * sb_lastsyncedon, donotbulkemail after a Spotler opt-out). Sent inside the caller's transaction,
 * so only a committed change is written back; the write-back itself never holds up the Spotler
 * sync.
 */
@ApplicationScoped
public class WritebackQueue {

    @Inject JMSContext context;

    @Resource(lookup = Queues.WRITEBACK)
    Queue queue;

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Resource TransactionSynchronizationRegistry transaction;

    private static final String ASKED = WritebackQueue.class.getName() + ".asked";

    /**
     * Asks for an sb_permission row of the record to be created (new) or its sb_subscribed set in
     * D365, with the record's next write-back; a row asked for twice is written once, as last
     * asked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void permissionRow(
            SyncRecord record,
            String rowId,
            long bit,
            String name,
            boolean subscribed,
            boolean isNew) {
        // a new row's id was just made: nothing can be asked for it yet
        PermissionRowWrite row = isNew ? null : em.find(PermissionRowWrite.class, rowId);
        if (row == null) {
            row = new PermissionRowWrite(rowId, record.key(), isNew);
            row.set(bit, name, subscribed);
            em.persist(row);
        } else {
            row.set(bit, name, subscribed);
        }
        request(record);
    }

    /**
     * Asks for the record's write-back: one message per record and transaction, however often a
     * transaction asks (its rows, its status and its history go in the one write-back).
     */
    public void request(SyncRecord record) {
        request(record.key(), record.entity(), record.recordId());
    }

    private void request(String key, String entity, String recordId) {
        if (transaction.getTransactionKey() != null) {
            Set<String> asked = TransactionScoped.get(transaction, ASKED, HashSet::new);
            if (!asked.add(key)) {
                return;
            }
        }
        try {
            TextMessage message = context.createTextMessage(key);
            message.setStringProperty("JMSXGroupID", key);
            message.setStringProperty("entity", entity);
            message.setStringProperty("recordId", recordId);
            // the trace of the change that asked for it
            String traceparent = dev.spotbridge.tracing.Tracing.traceparent();
            if (traceparent != null) {
                message.setStringProperty(dev.spotbridge.tracing.Tracing.TRACEPARENT, traceparent);
            }
            context.createProducer().send(queue, message);
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
    }

    /**
     * Asks for the write-back of the records whose newer sync time is due in D365 (sb_lastsyncedon
     * is written at most once an interval), at most {@code limit} of them.
     *
     * @return how many were asked for
     */
    @Transactional
    public int requestDue(Instant now, int limit) {
        List<String> keys =
                em.createQuery(
                                "select w.recordKey from WritebackState w where w.dueAt <= :now"
                                        + " order by w.dueAt",
                                String.class)
                        .setParameter("now", now)
                        .setMaxResults(limit)
                        .getResultList();
        for (String key : keys) {
            String[] parts = key.split(":", 2);
            request(key, parts[0], parts.length > 1 ? parts[1] : "");
        }
        return keys.size();
    }
}
