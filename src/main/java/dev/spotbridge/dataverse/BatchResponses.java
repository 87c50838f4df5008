package dev.spotbridge.dataverse;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP status of each response in a $batch answer (multipart/mixed, change sets flattened), in
 * order.
 */
final class BatchResponses {

    private static final Pattern STATUS = Pattern.compile("(?m)^HTTP/1\\.1 (\\d{3})");

    private BatchResponses() {}

    static List<Integer> statuses(String contentType, String body) {
        if (contentType == null || !contentType.toLowerCase().contains("multipart/mixed")) {
            throw new DataverseUnavailableException(
                    "$batch answered " + contentType + ", not multipart/mixed");
        }
        List<Integer> statuses = new ArrayList<>();
        Matcher m = STATUS.matcher(body);
        while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1)));
        }
        return statuses;
    }
}
