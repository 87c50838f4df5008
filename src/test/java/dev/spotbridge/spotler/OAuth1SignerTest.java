package dev.spotbridge.spotler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OAuth1SignerTest {

    /** RFC 5849 §1.2 (the photos.example.net example): a published test vector for HMAC-SHA1. */
    @Test
    void rfc5849Example() {
        URI uri = URI.create("http://photos.example.net/photos?file=vacation.jpg&size=original");
        List<Map.Entry<String, String>> params = new ArrayList<>(OAuth1Signer.queryParameters(uri));
        params.add(Map.entry("oauth_consumer_key", "dpf43f3p2l4k3l03"));
        params.add(Map.entry("oauth_token", "nnch734d00sl2jdk"));
        params.add(Map.entry("oauth_signature_method", "HMAC-SHA1"));
        params.add(Map.entry("oauth_timestamp", "137131202"));
        params.add(Map.entry("oauth_nonce", "chapoH"));
        String base = OAuth1Signer.baseString("GET", uri, params);
        assertEquals(
                "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03"
                        + "%26oauth_nonce%3DchapoH%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202"
                        + "%26oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal",
                base);
        assertEquals(
                "MdpQcU8iPSUjWoN/UDMsK2sui9I=",
                OAuth1Signer.sign(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00"));
    }

    /**
     * Twitter's published "creating a signature" example: encoding of spaces, '!' and '+' in
     * parameters.
     */
    @Test
    void twitterExample() {
        URI uri =
                URI.create(
                        "https://api.twitter.com/1.1/statuses/update.json?include_entities=true");
        List<Map.Entry<String, String>> params = new ArrayList<>(OAuth1Signer.queryParameters(uri));
        params.add(Map.entry("status", "Hello Ladies + Gentlemen, a signed OAuth request!"));
        params.add(Map.entry("oauth_consumer_key", "xvz1evFS4wEEPTGEFPHBog"));
        params.add(Map.entry("oauth_nonce", "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"));
        params.add(Map.entry("oauth_signature_method", "HMAC-SHA1"));
        params.add(Map.entry("oauth_timestamp", "1318622958"));
        params.add(Map.entry("oauth_token", "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"));
        params.add(Map.entry("oauth_version", "1.0"));
        String base = OAuth1Signer.baseString("POST", uri, params);
        assertEquals(
                "hCtSmYh+iHYCEqBWrE7C7hYmtUk=",
                OAuth1Signer.sign(
                        base,
                        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"));
    }

    @Test
    void oneLeggedHeaderHasNoTokenAndRoundTrips() {
        OAuth1Signer signer = new OAuth1Signer("key", "secret");
        URI uri =
                URI.create(
                        "https://restapi.mailplus.nl/integrationservice/contact/updates/list?fromDate=2025-01-01T00:00:00&pageSize=100");
        String header = signer.authorization("GET", uri, "abc", "1700000000");
        Map<String, String> parsed = OAuth1Signer.parseAuthorization(header);
        assertTrue(header.startsWith("OAuth "));
        assertEquals("key", parsed.get("oauth_consumer_key"));
        assertEquals("HMAC-SHA1", parsed.get("oauth_signature_method"));
        assertEquals("1.0", parsed.get("oauth_version"));
        assertTrue(!parsed.containsKey("oauth_token"));
        List<Map.Entry<String, String>> params = new ArrayList<>(OAuth1Signer.queryParameters(uri));
        parsed.forEach(
                (k, v) -> {
                    if (!k.equals("oauth_signature")) {
                        params.add(Map.entry(k, v));
                    }
                });
        assertEquals(
                parsed.get("oauth_signature"),
                OAuth1Signer.sign(OAuth1Signer.baseString("GET", uri, params), "secret", ""));
        // the query is part of what is signed
        String other =
                signer.authorization(
                        "GET",
                        URI.create(uri.toString().replace("pageSize=100", "pageSize=101")),
                        "abc",
                        "1700000000");
        assertNotEquals(
                OAuth1Signer.parseAuthorization(other).get("oauth_signature"),
                parsed.get("oauth_signature"));
    }

    @Test
    void percentEncodingIsRfc3986() {
        assertEquals("a%20b%2Bc%2A~-._%C3%A9", OAuth1Signer.percentEncode("a b+c*~-._é"));
        assertEquals(
                "http://example.com:8080/x",
                OAuth1Signer.baseUri(URI.create("HTTP://Example.COM:8080/x?y=1")));
        assertEquals(
                "https://example.com/",
                OAuth1Signer.baseUri(URI.create("https://example.com:443")));
    }
}
