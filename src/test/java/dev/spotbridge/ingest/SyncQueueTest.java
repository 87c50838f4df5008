package dev.spotbridge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.spotbridge.dataverse.RemoteExecutionContext;
import dev.spotbridge.json.Json;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.sync.Coalescing;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.TextMessage;
import jakarta.json.JsonReader;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The intake's send: sessions kept open between webhooks, and a broker whose connections break: a
 * failure Artemis raises from inside itself (not as a JMS exception) is a broken connection, tried
 * again on another one, and never a 500; a session whose connection is gone is closed with the idle
 * ones of its time, never reused.
 */
class SyncQueueTest {

    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger contexts = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final AtomicInteger sendFailures = new AtomicInteger();
    private final List<ExceptionListener> listeners = new ArrayList<>();

    @Test
    void aSessionIsKeptOpenForTheNextWebhooks() {
        SyncQueue queue = queueFailingFirst(0, null);

        for (int i = 0; i < 5; i++) {
            queue.send(event());
        }

        assertEquals(5, sent.size());
        assertEquals(1, contexts.get(), "one session for five sends one after another");
        assertEquals(0, closed.get());
    }

    @Test
    void aSessionWhoseConnectionIsGoneIsClosedAndTheSendGoesOnANewOne() {
        SyncQueue queue = queueFailingFirst(0, null);
        queue.send(event());
        sendFailures.set(1); // the broker went away and came back: the open session is dead

        queue.send(event());
        queue.send(event());

        assertEquals(3, sent.size());
        assertEquals(2, contexts.get(), "the dead session replaced once, the new one kept");
        assertEquals(1, closed.get());
    }

    @Test
    void aSessionWhoseConnectionReportedAFailureIsNotReused() {
        SyncQueue queue = queueFailingFirst(0, null);
        queue.send(event());
        listeners.get(0).onException(new JMSException("AMQ219016: Connection failure detected"));

        queue.send(event());

        assertEquals(2, sent.size());
        assertEquals(2, contexts.get());
        assertEquals(1, closed.get());
    }

    @Test
    void closingTheQueueClosesItsIdleSessions() {
        SyncQueue queue = queueFailingFirst(0, null);
        queue.send(event());

        queue.close();

        assertEquals(1, closed.get());
    }

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
                    new StackTraceElement("dev.spotbridge.queue.ChangeEvent", "toJson", null, 1)
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
        queue.coalescing = new Coalescing();
        queue.user = Optional.empty();
        queue.password = Optional.empty();
        queue.maxIdle = 64;
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
        queue.open();
        return queue;
    }

    private JMSContext context() {
        return proxy(
                JMSContext.class,
                (method, args) ->
                        switch (method) {
                            case "createTextMessage" -> message((String) args[0]);
                            case "createProducer" -> producer();
                            case "setExceptionListener" -> {
                                listeners.add((ExceptionListener) args[0]);
                                yield null;
                            }
                            case "close" -> {
                                closed.incrementAndGet();
                                yield null;
                            }
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
                                        if (sendFailures.getAndUpdate(n -> Math.max(0, n - 1))
                                                > 0) {
                                            throw new JMSRuntimeException(
                                                    "AMQ219016: Connection failure detected");
                                        }
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
