package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.json.Json;
import dev.spotbridge.spotler.SpotlerUnavailableException;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A run the admin started (back-sync, reconciliation) failed: 503 when Spotler or Dataverse was
 * unavailable (the next run repeats the work; nothing is lost), 500 otherwise; the body says why,
 * the log has the cause.
 */
@ApplicationScoped
@Provider
public class RunFailures implements ExceptionMapper<EJBException> {

    private static final Logger LOG = Logger.getLogger(RunFailures.class.getName());

    @Override
    public Response toResponse(EJBException exception) {
        Throwable cause = exception.getCause() == null ? exception : exception.getCause();
        boolean unavailable =
                cause instanceof SpotlerUnavailableException
                        || cause instanceof DataverseUnavailableException
                        || cause
                                instanceof
                                org.eclipse.microprofile.faulttolerance.exceptions
                                        .CircuitBreakerOpenException;
        LOG.log(Level.WARNING, "admin-triggered run failed: " + cause, cause);
        int status = unavailable ? 503 : 500;
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(
                        Json.createObjectBuilder()
                                .add("status", status)
                                .add(
                                        "error",
                                        unavailable ? "outside_service_unavailable" : "run_failed")
                                .add(
                                        "message",
                                        "the run stopped: "
                                                + cause.getMessage()
                                                + "; its watermarks did not move, so the next run repeats the work")
                                .build())
                .build();
    }
}
