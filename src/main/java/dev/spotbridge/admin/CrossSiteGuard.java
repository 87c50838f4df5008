package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses cross-site requests that would change state. Once an operator has typed the admin
 * credentials, the browser sends them with any request to this server, also one that another site's
 * page makes (a form POST). So a POST, PUT, PATCH or DELETE of the admin API is taken only
 *
 * <ul>
 *   <li>with a JSON body (Content-Type application/json), or with the header X-Requested-With,
 *       which the admin page sends: a form of another site can send neither, and a script of
 *       another site cannot without the browser asking this server first (CORS), which it never
 *       allows; and
 *   <li>when the request says where it comes from (Origin, which browsers send with every such
 *       request), from this server itself: the Origin's host and port are the Host header's.
 * </ul>
 *
 * Anything else is refused with 403 before the credentials are even looked at, and nothing changes
 * (before the request is matched to a resource, so no other answer comes first). The webhook, which
 * Dataverse calls with its key and no browser credentials, is not the admin API. Scripts (curl)
 * send no Origin; they send JSON, or add -H 'X-Requested-With: curl' to a request without a body.
 */
@ApplicationScoped
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class CrossSiteGuard implements ContainerRequestFilter {

    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Override
    public void filter(ContainerRequestContext request) {
        if (!CHANGING.contains(request.getMethod().toUpperCase(Locale.ROOT))
                || request.getUriInfo().getPath().startsWith("d365/")
                || request.getUriInfo().getPath().startsWith("/d365/")) {
            return;
        }
        String origin = request.getHeaderString("Origin");
        if (origin != null && !sameOrigin(origin, request.getHeaderString(HttpHeaders.HOST))) {
            refuse(
                    request,
                    "a request from another site (" + origin + ") may not change anything here");
            return;
        }
        boolean page = notBlank(request.getHeaderString("X-Requested-With"));
        if (!page && !json(request.getMediaType())) {
            refuse(
                    request,
                    "a request that changes state must send JSON (Content-Type: application/json)"
                            + " or the header X-Requested-With; got "
                            + (request.getMediaType() == null
                                    ? "no Content-Type"
                                    : request.getMediaType().toString()));
        }
    }

    private static boolean json(MediaType type) {
        return type != null
                && "application".equalsIgnoreCase(type.getType())
                && ("json".equalsIgnoreCase(type.getSubtype())
                        || type.getSubtype().toLowerCase(Locale.ROOT).endsWith("+json"));
    }

    /**
     * Origin "scheme://host[:port]" against the Host header "host[:port]": the same host and port
     * (a proxy that ends TLS changes the scheme, not the host). "null" (a sandboxed or file page)
     * is never this server.
     */
    static boolean sameOrigin(String origin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        URI uri;
        try {
            uri = URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false;
        }
        int port =
                uri.getPort() != -1
                        ? uri.getPort()
                        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String h = host.trim().toLowerCase(Locale.ROOT);
        String hostName = h;
        int hostPort = -1;
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            hostName = h.substring(0, colon);
            try {
                hostPort = Integer.parseInt(h.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (!uri.getHost().toLowerCase(Locale.ROOT).equals(hostName)) {
            return false;
        }
        // no port in Host: the scheme's default, which the Origin then has too
        return hostPort == -1 ? uri.getPort() == -1 : hostPort == port;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static void refuse(ContainerRequestContext request, String message) {
        request.abortWith(
                Response.status(Response.Status.FORBIDDEN)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(
                                Json.createObjectBuilder()
                                        .add("status", 403)
                                        .add("error", "cross_site_request_refused")
                                        .add("message", message)
                                        .build())
                        .build());
    }
}
