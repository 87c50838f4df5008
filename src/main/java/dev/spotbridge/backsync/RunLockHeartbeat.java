package dev.spotbridge.backsync;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/**
 * Renews the run-lock leases of this node's running back-syncs and reconciliations, four times per
 * lease (spotbridge.run-lock-seconds), on a timer of its own: the scheduled runs' timer is busy
 * with the run itself. A renewal that fails is retried by the timer service; should the node die,
 * its leases lapse and another node's next firing takes the job over.
 */
@Singleton
@Startup
@DependsOn("Migrations")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RunLockHeartbeat {

    @Resource TimerService timers;

    @Inject RunLocks locks;

    @PostConstruct
    void start() {
        long every = locks.renewalInterval().toMillis();
        timers.createIntervalTimer(every, every, new TimerConfig("run-lock-heartbeat", false));
    }

    @Timeout
    void renew() {
        locks.renew();
    }
}
