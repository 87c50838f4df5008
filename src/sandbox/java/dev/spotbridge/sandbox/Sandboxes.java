package dev.spotbridge.sandbox;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The sandboxes' JAX-RS application: its own WAR (sandbox.war, context root /sandbox), deployed
 * beside Spotbridge by the default run and the tests, never in production.
 */
@ApplicationPath("")
public class Sandboxes extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(
                SpotlerSandbox.class,
                SpotlerApiFilter.class,
                DataverseSandbox.class,
                SandboxControl.class,
                BrokerBenchmark.class);
    }
}
