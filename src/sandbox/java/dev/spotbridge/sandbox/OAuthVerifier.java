package dev.spotbridge.sandbox;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Spotler sandbox's check of an OAuth 1.0a signature (RFC 5849, HMAC-SHA1, one-legged: consumer
 * key and secret, no token), written apart from Spotbridge's signer so that a mistake in the signer
 * shows up as a refused call instead of being repeated here. Only the signature; the caller checks
 * key, timestamp and nonce.
 */
final class OAuthVerifier {

    /** {@code name="value"} pairs of an Authorization header (RFC 5849 §3.5.1). */
    private static final Pattern PARAMETER =
            Pattern.compile("([A-Za-z0-9_.~%-]+)\\s*=\\s*\"([^\"]*)\"");

    private OAuthVerifier() {}

    /**
     * The decoded parameters of an {@code OAuth …} Authorization header; empty for no header or
     * another scheme.
     */
    static Map<String, String> parameters(String authorization) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (authorization == null) {
            return parameters;
        }
        String header = authorization.trim();
        if (header.length() < 6 || !header.substring(0, 6).equalsIgnoreCase("OAuth ")) {
            return parameters;
        }
        Matcher m = PARAMETER.matcher(header.substring(6));
        while (m.find()) {
            parameters.put(decode(m.group(1)), decode(m.group(2)));
        }
        return parameters;
    }

    /**
     * True when the header's oauth_signature is the HMAC-SHA1 of the request (method, URI with its
     * query, the header's other oauth_* parameters) under the consumer secret.
     */
    static boolean signatureMatches(
            String method, URI requestUri, Map<String, String> oauth, String consumerSecret) {
        String given = oauth.get("oauth_signature");
        if (given == null) {
            return false;
        }
        String expected =
                hmacSha1(encode(consumerSecret) + "&", baseString(method, requestUri, oauth));
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    /** RFC 5849 §3.4.1: METHOD &amp; encoded base URI &amp; encoded normalized parameters. */
    static String baseString(String method, URI requestUri, Map<String, String> oauth) {
        List<String[]> pairs = new ArrayList<>();
        String query = requestUri.getRawQuery();
        if (query != null) {
            for (String item : query.split("&")) {
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                pairs.add(
                        new String[] {
                            encode(decode(eq < 0 ? item : item.substring(0, eq))),
                            encode(decode(eq < 0 ? "" : item.substring(eq + 1)))
                        });
            }
        }
        oauth.forEach(
                (name, value) -> {
                    if (!name.equals("oauth_signature") && !name.equals("realm")) {
                        pairs.add(new String[] {encode(name), encode(value)});
                    }
                });
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder normalized = new StringBuilder();
        for (String[] pair : pairs) {
            if (normalized.length() > 0) {
                normalized.append('&');
            }
            normalized.append(pair[0]).append('=').append(pair[1]);
        }
        String scheme = requestUri.getScheme().toLowerCase(Locale.ROOT);
        int port = requestUri.getPort();
        String authority =
                requestUri.getHost().toLowerCase(Locale.ROOT)
                        + ((port == 80 && scheme.equals("http"))
                                        || (port == 443 && scheme.equals("https"))
                                        || port < 0
                                ? ""
                                : ":" + port);
        String path = requestUri.getRawPath();
        String baseUri = scheme + "://" + authority + (path == null || path.isEmpty() ? "/" : path);
        return method.toUpperCase(Locale.ROOT)
                + '&'
                + encode(baseUri)
                + '&'
                + encode(normalized.toString());
    }

    /** RFC 3986 unreserved characters kept, everything else %XX (upper case) of its UTF-8 bytes. */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static String hmacSha1(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
        }
    }
}
