package dev.spotbridge.spotler;

/** Spotler refused the request for good (4xx such as "Email is invalid"): retrying cannot help. */
public class SpotlerRejectedException extends RuntimeException {

    private final int status;
    private final String errorType;

    public SpotlerRejectedException(int status, String errorType, String message) {
        super(message);
        this.status = status;
        this.errorType = errorType;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }
}
