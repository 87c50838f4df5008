package dev.spotbridge.spotler;

import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Signs every request of the Spotler client; runs again on each retry, so every attempt has a fresh
 * nonce.
 */
class SigningFilter implements ClientRequestFilter {

    private final OAuth1Signer signer;

    SigningFilter(OAuth1Signer signer) {
        this.signer = signer;
    }

    @Override
    public void filter(ClientRequestContext request) {
        request.getHeaders()
                .putSingle(
                        HttpHeaders.AUTHORIZATION,
                        signer.authorization(request.getMethod(), request.getUri()));
    }
}
