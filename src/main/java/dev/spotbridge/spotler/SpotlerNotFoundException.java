package dev.spotbridge.spotler;

import jakarta.json.JsonObject;

/**
 * Spotler answered 404: for a read or an update of one contact, audience or mailing an answer ("no
 * such …"), for other calls a refusal like any 4xx.
 */
class SpotlerNotFoundException extends SpotlerRejectedException {

    SpotlerNotFoundException(String errorType, String message, JsonObject body) {
        super(404, errorType, message, body);
    }

    @Override
    SpotlerRejectedException in(String call) {
        return new SpotlerNotFoundException(errorType(), call + ": " + getMessage(), body());
    }
}
