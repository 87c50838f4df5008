package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * HTTP Basic for the admin API: the one user of SPOTBRIDGE_ADMIN_USER / SPOTBRIDGE_ADMIN_PASSWORD
 * holds the role spotbridge-admin. Without them every admin request is refused (the default run's
 * server configuration sets admin/admin; production has no default). Passwords are compared in
 * constant time. Failed logins are throttled per client address ({@link LoginThrottle}): 429 with
 * Retry-After while an address must wait.
 */
@ApplicationScoped
@Provider
@AdminOnly
@Priority(Priorities.AUTHENTICATION)
public class AdminAuthFilter implements ContainerRequestFilter {

    public static final String ROLE = "spotbridge-admin";

    @Inject
    @ConfigProperty(name = "spotbridge.admin.user")
    Optional<String> user;

    @Inject
    @ConfigProperty(name = "spotbridge.admin.password")
    Optional<String> password;

    @Context HttpServletRequest http;

    private final LoginThrottle throttle = new LoginThrottle(System::nanoTime);

    @Override
    public void filter(ContainerRequestContext request) {
        String expectedUser = user.filter(s -> !s.isBlank()).orElse(null);
        String expectedPassword = password.filter(s -> !s.isBlank()).orElse(null);
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        String address = http == null ? "unknown" : String.valueOf(http.getRemoteAddr());
        if (header != null) {
            OptionalLong wait = throttle.wait(address);
            if (wait.isPresent()) {
                tooManyFailures(request, wait.getAsLong());
                return;
            }
        }
        String given = null;
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                given =
                        new String(
                                Base64.getDecoder().decode(header.substring(6).trim()),
                                StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                given = null;
            }
        }
        if (expectedUser == null
                || expectedPassword == null
                || given == null
                || given.indexOf(':') < 0) {
            if (header != null && expectedUser != null && expectedPassword != null) {
                throttle.failed(address);
            }
            deny(request, header == null ? "credentials required" : "credentials not accepted");
            return;
        }
        String name = given.substring(0, given.indexOf(':'));
        String secret = given.substring(given.indexOf(':') + 1);
        boolean ok =
                MessageDigest.isEqual(
                                name.getBytes(StandardCharsets.UTF_8),
                                expectedUser.getBytes(StandardCharsets.UTF_8))
                        & MessageDigest.isEqual(
                                secret.getBytes(StandardCharsets.UTF_8),
                                expectedPassword.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throttle.failed(address);
            deny(request, "credentials not accepted");
            return;
        }
        throttle.succeeded(address);
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(
                new SecurityContext() {
                    @Override
                    public Principal getUserPrincipal() {
                        return () -> name;
                    }

                    @Override
                    public boolean isUserInRole(String role) {
                        return ROLE.equals(role);
                    }

                    @Override
                    public boolean isSecure() {
                        return secure;
                    }

                    @Override
                    public String getAuthenticationScheme() {
                        return SecurityContext.BASIC_AUTH;
                    }
                });
    }

    /** 429: this address failed to log in too often; Retry-After says when it may try again. */
    private static void tooManyFailures(ContainerRequestContext request, long seconds) {
        request.abortWith(
                Response.status(Response.Status.TOO_MANY_REQUESTS)
                        .header(HttpHeaders.RETRY_AFTER, seconds)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(
                                Json.createObjectBuilder()
                                        .add("status", 429)
                                        .add("error", "too_many_failed_logins")
                                        .add(
                                                "message",
                                                "too many failed logins from this address; try"
                                                        + " again in "
                                                        + seconds
                                                        + " s")
                                        .build())
                        .build());
    }

    /**
     * 401 with a Basic challenge, except for the admin page's own calls (X-Requested-With): a
     * challenge there would make the browser raise its login dialog over the page's form.
     */
    private static void deny(ContainerRequestContext request, String message) {
        boolean page = request.getHeaderString("X-Requested-With") != null;
        request.abortWith(
                Response.status(Response.Status.UNAUTHORIZED)
                        .header(
                                HttpHeaders.WWW_AUTHENTICATE,
                                page ? null : "Basic realm=\"spotbridge\", charset=\"UTF-8\"")
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(
                                Json.createObjectBuilder()
                                        .add("status", 401)
                                        .add("error", "unauthorized")
                                        .add("message", message)
                                        .build())
                        .build());
    }
}
