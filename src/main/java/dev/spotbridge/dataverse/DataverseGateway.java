package dev.spotbridge.dataverse;

import dev.spotbridge.sandbox.SandboxMode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * Reads D365 records through the Web API, with a cached bearer token, under timeout, retry and
 * circuit breaker. Rows come back normalised like webhook images: lookups "_x_value" become x =
 * {"id","logicalName"}.
 */
@ApplicationScoped
@Retry(
        maxRetries = 2,
        delay = 300,
        jitter = 200,
        abortOn = {DataverseRejectedException.class, CircuitBreakerOpenException.class})
@Timeout(value = 15, unit = java.time.temporal.ChronoUnit.SECONDS)
@CircuitBreaker(
        requestVolumeThreshold = 20,
        failureRatio = 0.5,
        delay = 15,
        delayUnit = java.time.temporal.ChronoUnit.SECONDS,
        successThreshold = 2,
        skipOn = DataverseRejectedException.class)
public class DataverseGateway {

    @Inject SandboxMode sandbox;

    @Inject AccessTokens tokens;

    @Inject
    @ConfigProperty(name = "dataverse.api.url")
    Optional<String> url;

    private DataverseClient client;

    @PostConstruct
    void connect() {
        String base = sandbox.dataverse() ? sandbox.dataverseApiUrl() : url.get();
        client =
                RestClientBuilder.newBuilder()
                        .baseUri(URI.create(base.endsWith("/") ? base : base + "/"))
                        .connectTimeout(5, TimeUnit.SECONDS)
                        .readTimeout(10, TimeUnit.SECONDS)
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .build(DataverseClient.class);
    }

    /** The entity set of a table: contact → contacts. */
    public static String entitySet(String entity) {
        return switch (entity) {
            case "contact" -> "contacts";
            case "lead" -> "leads";
            case "account" -> "accounts";
            default -> entity.endsWith("s") ? entity + "es" : entity + "s";
        };
    }

    /**
     * The record's current columns, or empty when Dataverse no longer has it.
     *
     * @param columns the columns to $select (the mapping's, plus statecode and modifiedon)
     */
    public Optional<Map<String, JsonValue>> record(
            String entity, String id, Collection<String> columns) {
        String select = String.join(",", new java.util.LinkedHashSet<>(columns));
        Response response;
        try {
            response = client.row(entitySet(entity), id, select, tokens.bearer());
            if (response.getStatus() == 401) {
                response.close();
                tokens.invalidate();
                response = client.row(entitySet(entity), id, select, tokens.bearer());
            }
        } catch (ProcessingException e) {
            throw new DataverseUnavailableException(
                    "GET " + entitySet(entity) + "(" + id + "): " + e.getMessage(), e);
        }
        int status = response.getStatus();
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        if (status == 404) {
            return Optional.empty();
        }
        if (status == 429 || status >= 500) {
            throw new DataverseUnavailableException(
                    "GET " + entitySet(entity) + "(" + id + "): " + status);
        }
        if (status != 200) {
            throw new DataverseRejectedException(
                    "GET " + entitySet(entity) + "(" + id + "): " + status + " " + body);
        }
        JsonObject row;
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            row = reader.readObject();
        }
        return Optional.of(normalize(row));
    }

    static Map<String, JsonValue> normalize(JsonObject row) {
        Map<String, JsonValue> columns = new LinkedHashMap<>();
        row.forEach(
                (name, value) -> {
                    if (name.contains("@")) {
                        return;
                    }
                    if (name.startsWith("_") && name.endsWith("_value")) {
                        String column = name.substring(1, name.length() - "_value".length());
                        JsonValue logical =
                                row.get(name + "@Microsoft.Dynamics.CRM.lookuplogicalname");
                        columns.put(
                                column,
                                value.getValueType() == JsonValue.ValueType.NULL
                                        ? JsonValue.NULL
                                        : Json.createObjectBuilder()
                                                .add("id", value)
                                                .add(
                                                        "logicalName",
                                                        logical == null ? JsonValue.NULL : logical)
                                                .build());
                    } else {
                        columns.put(name, value);
                    }
                });
        return columns;
    }
}
