package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The back-sync's watermarks live in the database: an application restart keeps them. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BacksyncRestartIT {

    @ArquillianResource Deployer deployer;

    @Deployment(name = "app", managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static JsonObject watermarks() {
        return await(
                () -> {
                    Http.Answer a = Http.get(Http.BASE + "/api/backsync", AdminApi.ADMIN);
                    return a.status() == 200 ? a.json().getJsonObject("watermarks") : null;
                },
                w -> true,
                "the back-sync state");
    }

    @Test
    void watermarksSurviveARestart() {
        deployer.deploy("app");
        try {
            assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
            JsonObject before = watermarks();
            assertFalse(before.isEmpty());
            deployer.undeploy("app");
            deployer.deploy("app");
            assertEquals(before, watermarks());
        } finally {
            deployer.undeploy("app");
        }
    }
}
