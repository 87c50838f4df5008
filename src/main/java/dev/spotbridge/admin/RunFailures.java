package dev.spotbridge.admin;

import dev.spotbridge.http.Outage;
import dev.spotbridge.json.Json;
import dev.spotbridge.runs.RunStopped;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;

/**
 * A run the admin started (back-sync, reconciliation) failed: 503 when Spotler or Dataverse was
 * unavailable (the next run repeats the work; nothing is lost), 500 otherwise; the body says why.
 * The log has one warning line for an outage, an error with the stack trace for anything else.
 */
@ApplicationScoped
@Provider
public class RunFailures implements ExceptionMapper<EJBException> {

    private static final Logger LOG = Logger.getLogger(RunFailures.class.getName());

    @Override
    public Response toResponse(EJBException exception) {
        return answer(exception.getCause() == null ? exception : exception.getCause());
    }

    static Response answer(Throwable cause) {
        boolean unavailable = Outage.in(cause);
        RunStopped.log(LOG, "admin-triggered run failed", cause);
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

    /** A run an outage stopped, as the EJB container hands it on. */
    @ApplicationScoped
    @Provider
    public static class Stopped implements ExceptionMapper<RunStopped> {
        @Override
        public Response toResponse(RunStopped stopped) {
            return answer(stopped);
        }
    }
}
