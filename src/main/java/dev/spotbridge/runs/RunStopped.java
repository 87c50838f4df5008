package dev.spotbridge.runs;

import dev.spotbridge.http.Outage;
import dev.spotbridge.queue.Redelivery;
import jakarta.ejb.ApplicationException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A run that an outage of Spotler or Dataverse stopped: the next run repeats its work. An
 * application exception, so that the EJB container hands it on as it is rather than logging it as a
 * defect with its stack trace; the caller (the schedule's timer, the admin API) logs one warning.
 */
@ApplicationException(rollback = true)
public class RunStopped extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RunStopped(RuntimeException outage) {
        super(Redelivery.describe(outage), outage);
    }

    /**
     * Logs a run that failed and that the next run repeats: an outage as one warning line
     * (Spotbridge handles it: nothing to do), anything else as an error with its stack trace (a
     * person must look).
     *
     * @param what the line's beginning, such as "backsync run failed; the next run repeats it"
     */
    public static void log(Logger log, String what, Throwable failure) {
        String why =
                failure instanceof RunStopped ? failure.getMessage() : Redelivery.describe(failure);
        if (Outage.in(failure)) {
            log.warning(() -> what + ": " + why);
        } else {
            log.log(Level.SEVERE, what + ": " + why, failure);
        }
    }
}
