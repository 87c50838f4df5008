package dev.spotbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.spotler.OAuth1Signer;
import java.net.URI;
import java.net.http.HttpRequest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Spotler sandbox checks OAuth 1.0a signatures with a verifier of its own (sandbox.war holds
 * none of Spotbridge's classes, DeployablesIT): a request Spotbridge's signer signs right is
 * admitted, and the mistakes a signer can make are refused as Spotler would refuse them.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SandboxSignaturesIT {

    private static final String KEY = "sandbox-consumer-key";
    private static final String SECRET = "sandbox-consumer-secret";
    private static final String FEED =
            SpotlerSandbox.SPOTLER
                    + "/contact/updates/list?fromDate=2026-01-01T00:00:00&toDate=2026-01-01T01:00:00&pageSize=100";

    @Deployment(name = "sandbox", testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    @Test
    void aRightSignatureIsAdmitted() {
        Http.Answer a =
                get(FEED, new OAuth1Signer(KEY, SECRET).authorization("GET", URI.create(FEED)));
        assertEquals(200, a.status(), a.body());
    }

    @Test
    void aSignatureUnderAnotherSecretIsRefused() {
        assertRefused(
                get(
                        FEED,
                        new OAuth1Signer(KEY, "not-the-secret")
                                .authorization("GET", URI.create(FEED))));
    }

    @Test
    void aSignatureThatLeavesTheQueryOutIsRefused() {
        // a signer that forgot the query parameters in the base string (RFC 5849 §3.4.1.3)
        URI withoutQuery = URI.create(FEED.substring(0, FEED.indexOf('?')));
        assertRefused(get(FEED, new OAuth1Signer(KEY, SECRET).authorization("GET", withoutQuery)));
    }

    @Test
    void aSignatureOfAnotherMethodIsRefused() {
        assertRefused(
                get(FEED, new OAuth1Signer(KEY, SECRET).authorization("POST", URI.create(FEED))));
    }

    @Test
    void anUnknownConsumerIsRefused() {
        assertRefused(
                get(
                        FEED,
                        new OAuth1Signer("someone-else", SECRET)
                                .authorization("GET", URI.create(FEED))));
    }

    @Test
    void aReplayedNonceIsRefused() {
        String authorization = new OAuth1Signer(KEY, SECRET).authorization("GET", URI.create(FEED));
        assertEquals(200, get(FEED, authorization).status());
        assertRefused(get(FEED, authorization));
    }

    private static void assertRefused(Http.Answer a) {
        assertEquals(401, a.status(), a.body());
        assertTrue(a.body().contains("NOT_AUTHORIZED"), a.body());
    }

    private static Http.Answer get(String url, String authorization) {
        return Http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", authorization)
                        .GET()
                        .build());
    }
}
