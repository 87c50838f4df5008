package dev.spotbridge.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The ITs deploy the two deployables exactly as built: target/sandbox.war (the Spotler and
 * Dataverse sandboxes, deployed first) and target/ROOT.war (Spotbridge), which reaches the
 * sandboxes through the default server configuration's URLs.
 */
final class Deployments {

    private Deployments() {}

    static WebArchive application() {
        return built("ROOT.war");
    }

    static WebArchive sandbox() {
        return built("sandbox.war");
    }

    /**
     * probe.war, for the ITs only: looks into Spotbridge's database and dead-letter queue from
     * inside the server (dev.spotbridge.it.probe).
     */
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "probe.war")
                .addPackage(dev.spotbridge.it.probe.DatabaseProbe.class.getPackage())
                .addAsWebInfResource(
                        new org.jboss.shrinkwrap.api.asset.StringAsset(
                                "<beans xmlns=\"https://jakarta.ee/xml/ns/jakartaee\""
                                        + " bean-discovery-mode=\"annotated\" version=\"4.0\"/>"),
                        "beans.xml");
    }

    private static WebArchive built(String name) {
        File war = new File("target/" + name);
        if (!war.isFile()) {
            throw new IllegalStateException(
                    "target/"
                            + name
                            + " is missing: the ITs run after the package phase (mvn verify)");
        }
        return ShrinkWrap.create(ZipImporter.class, name).importFrom(war).as(WebArchive.class);
    }
}
