package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.CallMeter;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * OAuth 2.0 client-credentials tokens of one app registration, cached until a minute before they
 * expire. The runtime identity ({@link AccessTokens}) and the setup identity ({@link SetupTokens})
 * each hold one.
 */
final class ClientCredentials implements AutoCloseable {

    private final CallMeter calls;
    private final TokenClient client;
    private final String clientId;
    private final String clientSecret;
    private final String scope;
    private String token;
    private Instant expires = Instant.EPOCH;

    ClientCredentials(
            String tokenUrl, String clientId, String clientSecret, String scope, CallMeter calls) {
        this.calls = calls;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.scope = scope;
        this.client =
                RestClientBuilder.newBuilder()
                        .baseUri(URI.create(tokenUrl))
                        .connectTimeout(5, TimeUnit.SECONDS)
                        .readTimeout(10, TimeUnit.SECONDS)
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .register(calls)
                        .build(TokenClient.class);
    }

    @Override
    public void close() {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an idle HTTP client cannot lose work
            }
        }
    }

    /** "Bearer …", from the cache or freshly requested. */
    synchronized String bearer() {
        if (token == null || Instant.now().isAfter(expires.minusSeconds(60))) {
            request();
        }
        return "Bearer " + token;
    }

    /** Forgets the cached token (after a 401 from the Web API). */
    synchronized void invalidate() {
        token = null;
    }

    private void request() {
        Form form =
                new Form()
                        .param("grant_type", "client_credentials")
                        .param("client_id", clientId)
                        .param("client_secret", clientSecret)
                        .param("scope", scope);
        Response response;
        try {
            response = client.token(form);
        } catch (ProcessingException e) {
            calls.unreachable();
            throw new DataverseUnavailableException("token request: " + e.getMessage(), e);
        }
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        int status = response.getStatus();
        if (status >= 500 || status == 429) {
            throw new DataverseUnavailableException("token request: " + status);
        }
        if (status != 200) {
            // the error_description of Entra ID says what is wrong without echoing the secret
            throw new DataverseRejectedException(
                    401,
                    "token request of "
                            + clientId
                            + " refused: "
                            + status
                            + " "
                            + (body.length() > 300 ? body.substring(0, 300) : body));
        }
        JsonObject json;
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            json = reader.readObject();
        }
        token = json.getString("access_token");
        long lifetime =
                json.containsKey("expires_in")
                        ? Long.parseLong(json.get("expires_in").toString().replace("\"", ""))
                        : 3600;
        expires = Instant.now().plusSeconds(lifetime);
    }
}
