package dev.spotbridge.queue;

/**
 * Work of the sync queue that is not a record change (marketing lists, jobs): the consumer hands
 * each event to the handler that takes it, inside its transaction. Throwing rolls the message back
 * for redelivery.
 */
public interface EventHandler {

    boolean handles(ChangeEvent event);

    /**
     * @return {@link Outcome#REJECTED} to dead-letter the message at once
     */
    Outcome apply(ChangeEvent event);
}
