package dev.spotbridge.dataverse;

/**
 * The body is JSON but not a RemoteExecutionContext Spotbridge can read; the message says what is
 * wrong.
 */
public class MalformedContextException extends RuntimeException {

    public MalformedContextException(String message) {
        super(message);
    }
}
