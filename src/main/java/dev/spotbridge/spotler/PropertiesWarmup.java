package dev.spotbridge.spotler;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * Reads the Spotler account's properties once right after start, off the start-up thread, so the
 * first changes do not wait on that read (nor meet it during an outage that began later). When
 * Spotler cannot be reached now, the first write that needs them reads them.
 */
@Singleton
@Startup
public class PropertiesWarmup {

    private static final Logger LOG = Logger.getLogger(PropertiesWarmup.class.getName());

    @Inject SpotlerProperties properties;

    @Resource TimerService timers;

    @PostConstruct
    void schedule() {
        timers.createSingleActionTimer(1, new TimerConfig("spotler-properties-warmup", false));
    }

    @Timeout
    void warm() {
        try {
            properties.account();
        } catch (RuntimeException e) {
            LOG.info(
                    () ->
                            "the Spotler account's properties could not be read at start ("
                                    + e.getMessage()
                                    + "); the first write that needs them reads them");
        }
    }
}
