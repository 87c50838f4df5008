package dev.spotbridge.sandbox;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Admits a call to the Spotler sandbox's API: request counters, fault switch, OAuth 1.0a
 * verification; and replaces the answer of a call whose fault comes after its effect.
 */
@ApplicationScoped
@Provider
@SpotlerApiFilter.SpotlerApi
@Priority(Priorities.AUTHENTICATION)
public class SpotlerApiFilter implements ContainerRequestFilter, ContainerResponseFilter {

    /** Marks the Spotler sandbox's API resource. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface SpotlerApi {}

    @Inject SpotlerSandbox spotler;

    @Override
    public void filter(ContainerRequestContext request) {
        spotler.admit(request);
    }

    /** A fault injected with afterEffect replaces the answer of the request carried out. */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(SpotlerSandbox.AFTER_EFFECT) instanceof Faults.Fault fault) {
            Response answer = spotler.faultAnswer(fault).getResponse();
            response.setStatus(answer.getStatus());
            response.getHeaders().clear();
            response.getHeaders().putAll(answer.getHeaders());
            response.setEntity(answer.getEntity(), null, MediaType.APPLICATION_JSON_TYPE);
        }
    }
}
