package dev.spotbridge.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The admin API takes no body larger than spotbridge.api.max-bytes (16 MiB: a mapping file is a few
 * KB): 413 from the Content-Length, before anything is read. The webhook has its own, smaller limit
 * (spotbridge.webhook.max-bytes), checked the same way by its resource. The HTTP listener's own
 * limit is far above both (server-config/http.cli), so it never answers first.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class BodyLimit extends HttpFilter {

    private long maxBytes;

    @Override
    public void init(FilterConfig config) throws ServletException {
        super.init(config);
        maxBytes =
                ConfigProvider.getConfig()
                        .getOptionalValue("spotbridge.api.max-bytes", Long.class)
                        .orElse(16L * 1024 * 1024);
    }

    @Override
    protected void doFilter(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!request.getRequestURI().startsWith("/api/d365/")
                && request.getContentLengthLong() > maxBytes) {
            response.setStatus(413);
            response.setContentType("application/json");
            response.getOutputStream()
                    .write(
                            ("{\"status\":413,\"error\":\"payload_too_large\",\"message\":\"the body"
                                            + " is larger than "
                                            + maxBytes
                                            + " bytes (spotbridge.api.max-bytes)\"}")
                                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }
}
