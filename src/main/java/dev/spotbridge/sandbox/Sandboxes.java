package dev.spotbridge.sandbox;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The sandboxes' own JAX-RS application under /sandbox, apart from the Spotbridge API. */
@ApplicationPath("sandbox")
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
