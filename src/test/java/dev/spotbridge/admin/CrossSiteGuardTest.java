package dev.spotbridge.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CrossSiteGuardTest {

    @Test
    void anOriginIsThisServerWhenItsHostAndPortAreTheHostHeaders() {
        assertTrue(CrossSiteGuard.sameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(CrossSiteGuard.sameOrigin("https://sync.example.com", "sync.example.com"));
        assertTrue(CrossSiteGuard.sameOrigin("https://Sync.Example.com", "sync.example.com"));
        // TLS ended by a proxy in front: the scheme differs, the host does not
        assertTrue(
                CrossSiteGuard.sameOrigin(
                        "https://sync.example.com:8443", "sync.example.com:8443"));
        assertFalse(CrossSiteGuard.sameOrigin("https://evil.example", "sync.example.com"));
        assertFalse(CrossSiteGuard.sameOrigin("http://127.0.0.1:9999", "127.0.0.1:8080"));
        assertFalse(CrossSiteGuard.sameOrigin("https://sync.example.com:8443", "sync.example.com"));
        assertFalse(CrossSiteGuard.sameOrigin("null", "sync.example.com"));
        assertFalse(CrossSiteGuard.sameOrigin("https://sync.example.com", null));
        assertFalse(
                CrossSiteGuard.sameOrigin(
                        "https://sync.example.com.evil.example", "sync.example.com"));
    }
}
