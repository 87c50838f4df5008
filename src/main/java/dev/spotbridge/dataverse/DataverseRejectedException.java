package dev.spotbridge.dataverse;

/**
 * Dataverse refused for good (401/403 with our credentials, 400): retrying cannot help until
 * configuration changes.
 */
public class DataverseRejectedException extends RuntimeException {

    private final int status;

    public DataverseRejectedException(String message) {
        this(0, message);
    }

    public DataverseRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status Dataverse (or the token endpoint) answered; 0 when none was involved. */
    public int status() {
        return status;
    }
}
