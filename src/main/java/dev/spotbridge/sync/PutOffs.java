package dev.spotbridge.sync;

import dev.spotbridge.http.Throttling;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Work a request limit had no room for (a record change, a batch of status write-backs) goes back
 * on its queue for a while instead of failing: for the limit's Retry-After, else for
 * spotbridge.sync.put-off-ms doubled per put-off up to 60 s; after spotbridge.sync.max-put-offs
 * put-offs a throttle counts as a failed attempt. The count travels with the message.
 */
@ApplicationScoped
public class PutOffs {

    /** The message property that counts a message's put-offs. */
    static final String PROPERTY = "spotbridgePutOffs";

    @Inject
    @ConfigProperty(name = "spotbridge.sync.max-put-offs", defaultValue = "50")
    int maxPutOffs;

    /** The wait when the limit did not say how long: doubled per put-off, up to 60 s. */
    @Inject
    @ConfigProperty(name = "spotbridge.sync.put-off-ms", defaultValue = "5000")
    long putOffMillis;

    /**
     * @param putOffs how often the work was put off before
     * @return the wait in ms when the failure is a request limit's and the work may be put off
     *     again; empty when it is a failure like any other
     */
    OptionalLong delay(Throwable failure, int putOffs) {
        return Throttling.in(failure)
                .filter(throttled -> putOffs < maxPutOffs)
                .map(
                        throttled ->
                                OptionalLong.of(
                                        throttled
                                                .retryAfter()
                                                .map(Duration::toMillis)
                                                .orElse(
                                                        Math.min(
                                                                putOffMillis
                                                                        << Math.min(putOffs, 4),
                                                                60_000L))))
                .orElse(OptionalLong.empty());
    }
}
