package dev.spotbridge.sync;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/**
 * Consumes the write-back queue and delegates to {@link StatusWriteback}. A failure (Dataverse
 * down, throttled) propagates: the broker redelivers with back-off, then dead-letters.
 */
@MessageDriven(
        activationConfig = {
            @ActivationConfigProperty(
                    propertyName = "destinationLookup",
                    propertyValue = WritebackQueue.QUEUE),
            @ActivationConfigProperty(
                    propertyName = "destinationType",
                    propertyValue = "jakarta.jms.Queue"),
            @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")
        })
public class WritebackConsumer implements MessageListener {

    @Inject StatusWriteback writeback;

    @Override
    public void onMessage(Message message) {
        try {
            writeback.apply(((TextMessage) message).getText());
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable write-back message: " + e, e);
        }
    }
}
