package dev.spotbridge.dataverse;

/**
 * Dataverse or its token endpoint did not answer usefully (5xx, 429, timeout): worth trying again
 * later.
 */
public class DataverseUnavailableException extends RuntimeException {

    public DataverseUnavailableException(String message) {
        super(message);
    }

    public DataverseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
