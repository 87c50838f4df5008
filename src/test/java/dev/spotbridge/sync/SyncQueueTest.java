package dev.spotbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spotbridge.dataverse.RemoteExecutionContext;
import dev.spotbridge.ingest.ChangeEvents;
import dev.spotbridge.json.Json;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import jakarta.json.JsonReader;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The intake's send against a broker whose pooled connections break: a failure the resource adapter
 * raises from inside itself (not as a JMS exception) is a broken connection, tried again on another
 * one, and never a 500.
 */
class SyncQueueTest {

    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger contexts = new AtomicInteger();

    @Test
    void aPooledConnectionThatBreaksInsideTheAdapterIsTriedAgainOnAnother() {
        SyncQueue queue = queueFailingFirst(1, adapterFailure());

        queue.send(event());

        assertEquals(2, contexts.get());
        assertEquals(1, sent.size());
    }

    @Test
    void anAdapterThatStaysBrokenIsABrokerFailureWhichTheIntakeAnswers503() {
        SyncQueue queue = queueFailingFirst(Integer.MAX_VALUE, adapterFailure());

        assertThrows(JMSRuntimeException.class, () -> queue.send(event()));

        assertEquals(0, sent.size());
    }

    @Test
    void aFailureOfSpotbridgesOwnIsNotTriedAgain() {
        NullPointerException own = new NullPointerException("a bug of our own");
        own.setStackTrace(
                new StackTraceElement[] {
                    new StackTraceElement("dev.spotbridge.sync.ChangeEvent", "toJson", null, 1)
                });
        SyncQueue queue = queueFailingFirst(1, own);

        assertThrows(NullPointerException.class, () -> queue.send(event()));

        assertEquals(1, contexts.get());
    }

    /** What the Artemis resource adapter threw in CI while a broker connection failed. */
    private static NullPointerException adapterFailure() {
        NullPointerException e =
                new NullPointerException(
                        "Cannot invoke \"ActiveMQRAManagedConnection.removeHandle(...)\" because"
                                + " \"this.mc\" is null");
        e.setStackTrace(
                new StackTraceElement[] {
                    new StackTraceElement(
                            "org.apache.activemq.artemis.ra.ActiveMQRASession",
                            "closeSession",
                            null,
                            1156),
                    new StackTraceElement(
                            "org.apache.activemq.artemis.ra.ActiveMQRAConnectionFactoryImpl",
                            "createContext",
                            null,
                            315)
                });
        return e;
    }

    private SyncQueue queueFailingFirst(int failures, RuntimeException failure) {
        SyncQueue queue = new SyncQueue();
        queue.supersession = new Supersession();
        queue.factory =
                proxy(
                        ConnectionFactory.class,
                        (method, args) -> {
                            if (!method.equals("createContext")) {
                                throw new UnsupportedOperationException(method);
                            }
                            if (contexts.incrementAndGet() <= failures) {
                                throw failure;
                            }
                            return context();
                        });
        return queue;
    }

    private JMSContext context() {
        return proxy(
                JMSContext.class,
                (method, args) ->
                        switch (method) {
                            case "createTextMessage" -> message((String) args[0]);
                            case "createProducer" -> producer();
                            case "close" -> null;
                            default -> throw new UnsupportedOperationException(method);
                        });
    }

    private TextMessage message(String text) {
        return proxy(
                TextMessage.class,
                (method, args) ->
                        switch (method) {
                            case "getText" -> text;
                            case "setStringProperty" -> null;
                            default -> throw new UnsupportedOperationException(method);
                        });
    }

    private JMSProducer producer() {
        JMSProducer[] self = new JMSProducer[1];
        self[0] =
                proxy(
                        JMSProducer.class,
                        (method, args) ->
                                switch (method) {
                                    case "setDeliveryMode", "setPriority" -> self[0];
                                    case "send" -> {
                                        sent.add(((TextMessage) args[1]).getText());
                                        yield self[0];
                                    }
                                    default -> throw new UnsupportedOperationException(method);
                                });
        return self[0];
    }

    interface Handler {
        Object call(String method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(
                Proxy.newProxyInstance(
                        SyncQueueTest.class.getClassLoader(),
                        new Class<?>[] {type},
                        (p, method, args) -> handler.call(method.getName(), args)));
    }

    private static ChangeEvent event() {
        try (JsonReader reader =
                Json.createReader(
                        SyncQueueTest.class.getResourceAsStream(
                                "/dataverse-samples/01-contact-create-async-postop.json"))) {
            return ChangeEvents.from(RemoteExecutionContext.parse(reader.readObject(), false));
        }
    }
}
