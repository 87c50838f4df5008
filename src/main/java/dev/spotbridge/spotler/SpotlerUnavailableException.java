package dev.spotbridge.spotler;

/**
 * Spotler did not answer usefully (5xx, 429, timeout, connection refused): worth trying again
 * later.
 */
public class SpotlerUnavailableException extends RuntimeException {

    public SpotlerUnavailableException(String message) {
        super(message);
    }

    public SpotlerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same failure, its message naming the call. */
    SpotlerUnavailableException in(String call) {
        return new SpotlerUnavailableException(call + ": " + getMessage(), getCause());
    }
}
