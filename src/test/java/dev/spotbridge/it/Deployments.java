package dev.spotbridge.it;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The ITs deploy the application exactly as built: target/ROOT.war, sandboxes included. */
final class Deployments {

    private Deployments() {}

    static WebArchive application() {
        File war = new File("target/ROOT.war");
        if (!war.isFile()) {
            throw new IllegalStateException(
                    "target/ROOT.war is missing: the ITs run after the package phase (mvn verify)");
        }
        return ShrinkWrap.create(ZipImporter.class, "ROOT.war")
                .importFrom(war)
                .as(WebArchive.class);
    }
}
