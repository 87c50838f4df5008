package dev.spotbridge.setup;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The default run sets Dataverse up when it starts (spotbridge.setup.on-start, true only in the
 * sandboxes' configuration): a newcomer's sandbox org gets the solution and the webhook steps with
 * no call. A setup that fails is tried again every 30 seconds until it succeeds; GET
 * /api/setup/check shows what is missing meanwhile. Production leaves setup to the admin.
 */
@Singleton
@Startup
@DependsOn("Migrations")
public class SetupOnStart {

    private static final Logger LOG = Logger.getLogger(SetupOnStart.class.getName());

    @Inject
    @ConfigProperty(name = "spotbridge.setup.on-start", defaultValue = "false")
    boolean onStart;

    @Inject
    @ConfigProperty(name = "spotbridge.setup.retry-seconds", defaultValue = "30")
    long retrySeconds;

    @Inject DataverseSetup setup;

    @Resource TimerService timers;

    @PostConstruct
    void start() {
        if (onStart) {
            attempt();
        }
    }

    @Timeout
    void retry() {
        attempt();
    }

    private void attempt() {
        String failure;
        try {
            failure = setup.setup(false).failure();
        } catch (RuntimeException e) {
            failure = e.getMessage();
            LOG.log(Level.FINE, "setup on start", e);
        }
        if (failure != null) {
            LOG.warning(
                    "setup on start did not finish ("
                            + failure
                            + "); trying again in "
                            + retrySeconds
                            + " s. GET /api/setup/check shows what is missing.");
            timers.createSingleActionTimer(
                    retrySeconds * 1000, new TimerConfig("setup-retry", false));
        }
    }
}
