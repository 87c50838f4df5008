package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** Runs sandbox work as one transaction (a $batch change set): an exception undoes all of it. */
@ApplicationScoped
public class SandboxTransactions {

    @Transactional
    public void run(Runnable work) {
        work.run();
    }
}
