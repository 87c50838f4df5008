package dev.spotbridge.admin;

import jakarta.ws.rs.core.SecurityContext;

/** Who started a run from the admin API, as its run shows it. */
final class StartedBy {

    private StartedBy() {}

    static String admin(SecurityContext security) {
        return security == null || security.getUserPrincipal() == null
                ? "admin"
                : "admin " + security.getUserPrincipal().getName();
    }
}
