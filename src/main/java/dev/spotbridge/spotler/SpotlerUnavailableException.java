package dev.spotbridge.spotler;

/**
 * Spotler did not answer usefully (5xx, 429, timeout, connection refused): worth trying again
 * later.
 */
public class SpotlerUnavailableException extends RuntimeException {

    private final boolean answered;

    public SpotlerUnavailableException(String message) {
        this(message, null, false);
    }

    public SpotlerUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    private SpotlerUnavailableException(String message, Throwable cause, boolean answered) {
        super(message, cause);
        this.answered = answered;
    }

    /** Spotler answered 5xx or 429: it refused the request, which therefore did nothing. */
    static SpotlerUnavailableException answered(String message) {
        return new SpotlerUnavailableException(message, null, true);
    }

    /**
     * Whether Spotler answered (5xx, 429) rather than not at all (timeout, connection lost): only
     * then is it known that the request had no effect.
     */
    public boolean answered() {
        return answered;
    }

    /** The same failure, its message naming the call. */
    SpotlerUnavailableException in(String call) {
        return new SpotlerUnavailableException(call + ": " + getMessage(), getCause(), answered);
    }
}
