package dev.spotbridge.sandbox;

import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading and writing the multipart/mixed bodies of an OData $batch (the sandbox's side). */
final class ODataBatch {

    /** One HTTP request inside a batch. */
    record Request(
            String method,
            String url,
            Map<String, String> headers,
            String body,
            String contentId) {}

    /** A part of the batch: one request, or a change set of several. */
    record Part(Request request, List<Request> changeset) {}

    private ODataBatch() {}

    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher m = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        return m.find() ? m.group(1).trim() : null;
    }

    static List<Part> parse(String body, String boundary) {
        List<Part> parts = new ArrayList<>();
        for (String chunk : split(body, boundary)) {
            int blank = headerEnd(chunk);
            Map<String, String> headers = headers(chunk.substring(0, Math.max(0, blank)));
            String rest =
                    blank < 0 ? "" : chunk.substring(blank).replaceFirst("^\\r?\\n\\r?\\n", "");
            String type = headers.getOrDefault("content-type", "");
            if (type.toLowerCase(Locale.ROOT).startsWith("multipart/mixed")) {
                List<Request> changeset = new ArrayList<>();
                for (String inner : split(rest, boundary(type))) {
                    int innerBlank = headerEnd(inner);
                    Map<String, String> innerHeaders =
                            headers(inner.substring(0, Math.max(0, innerBlank)));
                    String http =
                            innerBlank < 0
                                    ? ""
                                    : inner.substring(innerBlank)
                                            .replaceFirst("^\\r?\\n\\r?\\n", "");
                    changeset.add(request(http, innerHeaders.get("content-id")));
                }
                parts.add(new Part(null, changeset));
            } else {
                parts.add(new Part(request(rest, headers.get("content-id")), null));
            }
        }
        return parts;
    }

    /** application/http part of one response. */
    static String httpPart(Response response) {
        StringBuilder out =
                new StringBuilder(
                        "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
        out.append("HTTP/1.1 ")
                .append(response.getStatus())
                .append(' ')
                .append(response.getStatusInfo().getReasonPhrase())
                .append("\r\n");
        String entityId = response.getHeaderString("OData-EntityId");
        if (entityId != null) {
            out.append("OData-EntityId: ").append(entityId).append("\r\n");
        }
        Object entity = response.getEntity();
        if (entity != null) {
            out.append("Content-Type: application/json; odata.metadata=minimal\r\n\r\n")
                    .append(entity)
                    .append("\r\n");
        } else {
            out.append("\r\n");
        }
        return out.toString();
    }

    private static Request request(String http, String contentId) {
        String[] lines = http.split("\\r?\\n", -1);
        String[] requestLine = lines.length == 0 ? new String[0] : lines[0].trim().split(" ");
        if (requestLine.length < 2) {
            return new Request("", "", Map.of(), "", contentId);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int i = 1;
        for (; i < lines.length && !lines[i].isBlank(); i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        StringBuilder body = new StringBuilder();
        for (i++; i < lines.length; i++) {
            body.append(lines[i]).append('\n');
        }
        return new Request(
                requestLine[0], requestLine[1], headers, body.toString().trim(), contentId);
    }

    private static List<String> split(String body, String boundary) {
        List<String> chunks = new ArrayList<>();
        if (boundary == null) {
            return chunks;
        }
        String[] pieces = body.split("(?m)^--" + Pattern.quote(boundary) + "(--)?[ \\t]*\\r?$");
        for (int i = 1; i < pieces.length; i++) {
            String piece = pieces[i].replaceFirst("^\\r?\\n", "");
            if (!piece.isBlank()) {
                chunks.add(piece);
            }
        }
        return chunks;
    }

    private static int headerEnd(String chunk) {
        Matcher m = Pattern.compile("\\r?\\n\\r?\\n").matcher(chunk);
        return m.find() ? m.start() : -1;
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\\r?\\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        return headers;
    }
}
