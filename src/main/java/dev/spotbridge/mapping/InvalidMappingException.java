package dev.spotbridge.mapping;

/** The mapping file cannot be used; the message names the file and the faulty entry. */
public class InvalidMappingException extends RuntimeException {

    public InvalidMappingException(String message) {
        super(message);
    }
}
