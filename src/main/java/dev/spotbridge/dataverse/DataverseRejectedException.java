package dev.spotbridge.dataverse;

/**
 * Dataverse refused for good (401/403 with our credentials, 400): retrying cannot help until
 * configuration changes.
 */
public class DataverseRejectedException extends RuntimeException {

    public DataverseRejectedException(String message) {
        super(message);
    }
}
