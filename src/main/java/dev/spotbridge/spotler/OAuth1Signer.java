package dev.spotbridge.spotler;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OAuth 1.0a signing (RFC 5849) as Spotler uses it: one-legged (consumer key and secret, no token),
 * HMAC-SHA1, query parameters in the signature base string, the JSON body not. The Spotler sandbox
 * checks signatures with a verifier of its own, so a mistake here is refused there.
 */
public final class OAuth1Signer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String consumerKey;
    private final String consumerSecret;

    public OAuth1Signer(String consumerKey, String consumerSecret) {
        this.consumerKey = consumerKey;
        this.consumerSecret = consumerSecret;
    }

    /** A fresh Authorization header for one request. */
    public String authorization(String method, URI uri) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String nonceText = HexFormat.of().formatHex(nonce);
        return authorization(
                method, uri, nonceText, String.valueOf(System.currentTimeMillis() / 1000));
    }

    String authorization(String method, URI uri, String nonce, String timestamp) {
        Map<String, String> oauth = new LinkedHashMap<>();
        oauth.put("oauth_consumer_key", consumerKey);
        oauth.put("oauth_nonce", nonce);
        oauth.put("oauth_signature_method", "HMAC-SHA1");
        oauth.put("oauth_timestamp", timestamp);
        oauth.put("oauth_version", "1.0");
        List<Map.Entry<String, String>> params = new ArrayList<>(queryParameters(uri));
        params.addAll(oauth.entrySet());
        String signature = sign(baseString(method, uri, params), consumerSecret, "");
        oauth.put("oauth_signature", signature);
        return "OAuth "
                + oauth.entrySet().stream()
                        .map(
                                e ->
                                        percentEncode(e.getKey())
                                                + "=\""
                                                + percentEncode(e.getValue())
                                                + "\"")
                        .collect(Collectors.joining(", "));
    }

    /**
     * RFC 3986 percent-encoding as OAuth requires it: only A-Z a-z 0-9 - . _ ~ stay as they are.
     */
    public static String percentEncode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The signature base string (RFC 5849 §3.4.1) of a request with the given parameters (query +
     * oauth_*).
     */
    public static String baseString(
            String method, URI uri, List<Map.Entry<String, String>> parameters) {
        String normalized =
                parameters.stream()
                        .map(e -> Map.entry(percentEncode(e.getKey()), percentEncode(e.getValue())))
                        .sorted(
                                Comparator.<Map.Entry<String, String>, String>comparing(
                                                Map.Entry::getKey)
                                        .thenComparing(Map.Entry::getValue))
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining("&"));
        return method.toUpperCase(Locale.ROOT)
                + "&"
                + percentEncode(baseUri(uri))
                + "&"
                + percentEncode(normalized);
    }

    /**
     * scheme://host[:port]/path, lower-case scheme and host, default ports left out, no query or
     * fragment.
     */
    static String baseUri(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort =
                port == -1
                        || ("http".equals(scheme) && port == 80)
                        || ("https".equals(scheme) && port == 443);
        String path =
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return scheme
                + "://"
                + uri.getHost().toLowerCase(Locale.ROOT)
                + (defaultPort ? "" : ":" + port)
                + path;
    }

    /** The decoded query parameters of a URI, in order ('+' is a space, as in form encoding). */
    public static List<Map.Entry<String, String>> queryParameters(URI uri) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        String query = uri.getRawQuery();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.add(
                    Map.entry(
                            URLDecoder.decode(name, StandardCharsets.UTF_8),
                            URLDecoder.decode(value, StandardCharsets.UTF_8)));
        }
        return params;
    }

    /** Base64(HMAC-SHA1(pct(consumerSecret) & pct(tokenSecret), baseString)). */
    public static String sign(String baseString, String consumerSecret, String tokenSecret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            String key =
                    percentEncode(consumerSecret)
                            + "&"
                            + percentEncode(tokenSecret == null ? "" : tokenSecret);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is not available", e);
        }
    }

    /**
     * The parameters of an "OAuth k="v", ..." header, decoded; empty when the header is no OAuth
     * header.
     */
    public static Map<String, String> parseAuthorization(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        if (header == null || !header.regionMatches(true, 0, "OAuth ", 0, 6)) {
            return params;
        }
        for (String part : header.substring(6).split(",")) {
            String item = part.trim();
            int eq = item.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = item.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            params.put(
                    URLDecoder.decode(item.substring(0, eq).trim(), StandardCharsets.UTF_8),
                    URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return params;
    }
}
