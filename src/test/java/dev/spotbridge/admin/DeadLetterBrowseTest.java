package dev.spotbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.jms.Message;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class DeadLetterBrowseTest {

    /**
     * An enumeration as an Artemis browser's behaves: "no more" while the broker has nothing to
     * hand over at the moment, although more messages come after.
     */
    private static final class Hesitant implements Enumeration<Message> {
        private final Deque<Integer> answers;
        private int ready;
        private int handedOver;

        /** Each answer: how many messages it hands over, 0 for one "no more". */
        Hesitant(Integer... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public boolean hasMoreElements() {
            if (ready > 0) {
                return true;
            }
            Integer next = answers.poll();
            ready = next == null ? 0 : next;
            return ready > 0;
        }

        @Override
        public Message nextElement() {
            if (!hasMoreElements()) {
                throw new NoSuchElementException();
            }
            ready--;
            handedOver++;
            return null;
        }
    }

    @Test
    void aBrowseGoesOnPastAMomentWhenTheBrokerHadNothingToHandOver() throws Exception {
        assertEquals(2000, visitAll(new Hesitant(1000, 0, 0, 700, 0, 300)));
    }

    @Test
    void aBrowseEndsWhenTheQueueStaysEmpty() throws Exception {
        assertEquals(
                5,
                visitAll(new Hesitant(5, 0, 0, 0, 0, 7)),
                "asked again " + DeadLetterBrowse.END_CHECKS + " times, no more");
    }

    @Test
    void aVisitThatSaysStopEndsTheBrowse() throws Exception {
        Hesitant messages = new Hesitant(10);
        int[] seen = {0};
        DeadLetterBrowse.visitAll(messages, m -> ++seen[0] < 4);
        assertEquals(4, seen[0]);
        assertEquals(4, messages.handedOver);
    }

    /** How many messages a browse visits when every visit says go on. */
    private static int visitAll(Hesitant messages) throws Exception {
        int[] seen = {0};
        DeadLetterBrowse.visitAll(
                messages,
                m -> {
                    seen[0]++;
                    return true;
                });
        return seen[0];
    }
}
