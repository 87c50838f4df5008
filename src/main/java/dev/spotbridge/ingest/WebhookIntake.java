package dev.spotbridge.ingest;

import dev.spotbridge.dataverse.MalformedContextException;
import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.dataverse.RemoteExecutionContext;
import dev.spotbridge.json.Json;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.mapping.Mapping;
import dev.spotbridge.queue.ChangeEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Validates one webhook delivery, in the order a caller can fix things: key (401), media type
 * (415), size (413), JSON and RemoteExecutionContext shape (400), handled entity and message (422).
 */
@ApplicationScoped
public class WebhookIntake {

    @Inject WebhookKeys keys;

    @Inject ActiveMapping mapping;

    /** The tables whose rows are people and organisations: their events carry personal data. */
    private static final Set<String> RECORD_TABLES = Set.of("contact", "lead", "account");

    @Inject
    @ConfigProperty(name = "spotbridge.webhook.max-bytes", defaultValue = "1048576")
    long maxBytes;

    public ChangeEvent read(
            String key,
            String contentType,
            String contentLength,
            boolean sizeExceeded,
            InputStream body) {
        if (!keys.configured()) {
            throw new WebhookRejected(
                    401,
                    "unauthorized",
                    "no webhook key is configured on this server (set SPOTBRIDGE_WEBHOOK_KEY)");
        }
        if (key == null || key.isEmpty()) {
            throw new WebhookRejected(
                    401,
                    "unauthorized",
                    "webhook key missing: send it in header x-spotbridge-key or query parameter code");
        }
        if (!keys.accepts(key)) {
            throw new WebhookRejected(401, "unauthorized", "webhook key not accepted");
        }
        checkJson(contentType);
        if (contentLength != null && parseLength(contentLength) > maxBytes) {
            throw tooLarge();
        }
        byte[] bytes = readLimited(body);
        JsonObject json = parse(bytes);
        RemoteExecutionContext context;
        try {
            context = RemoteExecutionContext.parse(json, sizeExceeded);
        } catch (MalformedContextException e) {
            throw new WebhookRejected(
                    400,
                    "not_a_remote_execution_context",
                    "not a Dataverse RemoteExecutionContext: " + e.getMessage());
        }
        Optional<String> unhandled = ChangeEvents.unhandled(context);
        if (unhandled.isPresent()) {
            throw new WebhookRejected(422, "not_handled", unhandled.get());
        }
        try {
            return onlyWhatIsSynced(ChangeEvents.from(context));
        } catch (MalformedContextException e) {
            throw new WebhookRejected(
                    400,
                    "not_a_remote_execution_context",
                    "not a Dataverse RemoteExecutionContext: " + e.getMessage());
        }
    }

    /**
     * A record's change goes on the queue with the columns Spotbridge syncs (the mapping's, those
     * that decide what happens, the id) and none of the others: a D365 record carries far more
     * personal data than is synced, and queued and dead-lettered messages should not hold it. A
     * column the mapping gains later is read from Dataverse by the changes after that.
     */
    private ChangeEvent onlyWhatIsSynced(ChangeEvent event) {
        if (!RECORD_TABLES.contains(event.entity()) || event.attributes().isEmpty()) {
            return event;
        }
        Mapping inForce = mapping.get();
        Set<String> kept =
                new HashSet<>(
                        RecordRow.select(event.entity(), inForce.selectColumns(event.entity())));
        inForce.rules(event.entity()).forEach(rule -> kept.add(rule.column()));
        Map<String, JsonValue> only = new LinkedHashMap<>();
        event.attributes()
                .forEach(
                        (column, value) -> {
                            if (kept.contains(column)) {
                                only.put(column, value);
                            }
                        });
        return only.size() == event.attributes().size() ? event : event.withAttributes(only);
    }

    private static void checkJson(String contentType) {
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        boolean json =
                type != null
                        && "application".equalsIgnoreCase(type.getType())
                        && ("json".equalsIgnoreCase(type.getSubtype())
                                || type.getSubtype().toLowerCase().endsWith("+json"));
        if (!json) {
            throw new WebhookRejected(
                    415,
                    "unsupported_media_type",
                    "the body must be JSON (Content-Type: application/json), got "
                            + (contentType == null ? "none" : contentType));
        }
    }

    private long parseLength(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private byte[] readLimited(InputStream body) {
        if (body == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = body.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                if (out.size() > maxBytes) {
                    throw tooLarge();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private WebhookRejected tooLarge() {
        return new WebhookRejected(
                413,
                "payload_too_large",
                "the body is larger than " + maxBytes + " bytes (spotbridge.webhook.max-bytes)");
    }

    private static JsonObject parse(byte[] bytes) {
        if (bytes.length == 0) {
            throw new WebhookRejected(400, "malformed_json", "the body is empty");
        }
        String text;
        try {
            // strict: a byte sequence that is not UTF-8 is refused, not replaced
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (CharacterCodingException e) {
            throw new WebhookRejected(400, "malformed_json", "the body is not valid UTF-8");
        }
        try (JsonParser parser = Json.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw new WebhookRejected(400, "malformed_json", "the body is empty");
            }
            parser.next();
            JsonValue value = parser.getValue();
            if (parser.hasNext()) {
                throw new WebhookRejected(
                        400,
                        "malformed_json",
                        "the body is not valid JSON: content after the end of the value");
            }
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new WebhookRejected(
                        400,
                        "not_a_remote_execution_context",
                        "not a Dataverse RemoteExecutionContext: the body is a JSON "
                                + value.getValueType().name().toLowerCase()
                                + ", not an object");
            }
            return value.asJsonObject();
        } catch (JsonParsingException e) {
            throw new WebhookRejected(
                    400, "malformed_json", "the body is not valid JSON: " + e.getMessage());
        } catch (JsonException | IllegalStateException e) {
            throw new WebhookRejected(400, "malformed_json", "the body is not valid JSON");
        } catch (RuntimeException e) {
            if (e instanceof WebhookRejected) {
                throw e;
            }
            // the parser's own limits (nesting depth, number size): the body is refused, not a 500
            throw new WebhookRejected(
                    400, "malformed_json", "the body is not acceptable JSON: " + e.getMessage());
        }
    }
}
