package dev.spotbridge;

import dev.spotbridge.admin.AdminAuthFilter;
import dev.spotbridge.admin.BackfillsResource;
import dev.spotbridge.admin.BacksyncResource;
import dev.spotbridge.admin.ChartsResource;
import dev.spotbridge.admin.CrossSiteGuard;
import dev.spotbridge.admin.DeadLettersResource;
import dev.spotbridge.admin.ListsResource;
import dev.spotbridge.admin.MappingResource;
import dev.spotbridge.admin.OverviewResource;
import dev.spotbridge.admin.ReconcileResource;
import dev.spotbridge.admin.RecordsResource;
import dev.spotbridge.admin.RetentionResource;
import dev.spotbridge.admin.RunFailures;
import dev.spotbridge.admin.RunsResource;
import dev.spotbridge.admin.SetupResource;
import dev.spotbridge.admin.TracesResource;
import dev.spotbridge.ingest.BrokerUnavailable;
import dev.spotbridge.ingest.WebApplicationExceptions;
import dev.spotbridge.ingest.WebhooksResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The Spotbridge REST API under /api. */
@ApplicationPath("api")
public class Spotbridge extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(
                WebhooksResource.class,
                RecordsResource.class,
                DeadLettersResource.class,
                BacksyncResource.class,
                ListsResource.class,
                BackfillsResource.class,
                RunsResource.class,
                TracesResource.class,
                ChartsResource.class,
                SetupResource.class,
                ReconcileResource.class,
                OverviewResource.class,
                MappingResource.class,
                RunFailures.class,
                RunFailures.Stopped.class,
                RetentionResource.class,
                AdminAuthFilter.class,
                CrossSiteGuard.class,
                WebApplicationExceptions.class,
                BrokerUnavailable.class);
    }
}
