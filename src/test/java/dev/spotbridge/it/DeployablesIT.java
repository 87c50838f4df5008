package dev.spotbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The two deployables as built: ROOT.war holds nothing of the sandboxes (no emulator, control
 * endpoint, benchmark class or their resources), sandbox.war nothing of Spotbridge, and neither
 * refers to a class of the other. Runs after the package phase, without a server.
 */
class DeployablesIT {

    /** Package names inside dev.spotbridge that a class file refers to. */
    private static final Pattern REFERENCE = Pattern.compile("dev/spotbridge/([A-Za-z0-9_]+)/");

    @Test
    void theProductWarHoldsNoSandbox() throws IOException {
        List<String> offending = new ArrayList<>();
        for (String name : entries("ROOT.war")) {
            String lower = name.toLowerCase();
            if (lower.contains("sandbox") || lower.contains("benchmark")) {
                offending.add(name);
            }
        }
        assertEquals(List.of(), offending, "sandbox or benchmark entries in ROOT.war");
        assertEquals(
                Set.of(),
                referencedPackages("ROOT.war", "sandbox"),
                "ROOT.war classes referring to the sandboxes");
        for (String text : textResources("ROOT.war")) {
            assertTrue(!text.contains("_control"), "a resource of ROOT.war names a control path");
        }
    }

    @Test
    void theSandboxWarHoldsNothingOfTheProduct() throws IOException {
        List<String> classes = new ArrayList<>();
        for (String name : entries("sandbox.war")) {
            if (name.endsWith(".class")) {
                classes.add(name);
            }
        }
        assertTrue(classes.size() > 10, "sandbox.war has the emulators' classes: " + classes);
        for (String name : classes) {
            assertTrue(
                    name.startsWith("WEB-INF/classes/dev/spotbridge/sandbox/"),
                    "a class outside the sandbox package in sandbox.war: " + name);
        }
        Set<String> foreign = new TreeSet<>(referencedPackagesOf("sandbox.war"));
        foreign.remove("sandbox");
        assertEquals(Set.of(), foreign, "sandbox.war refers to Spotbridge's own packages");
        assertTrue(
                entries("sandbox.war")
                        .contains("WEB-INF/classes/dev/spotbridge/sandbox/OAuthVerifier.class"),
                "the sandbox verifies OAuth signatures with a verifier of its own");
    }

    private static Set<String> referencedPackages(String war, String only) throws IOException {
        Set<String> found = new TreeSet<>(referencedPackagesOf(war));
        found.retainAll(Set.of(only));
        return found;
    }

    /** The dev.spotbridge sub-packages the war's classes name in their constant pools. */
    private static Set<String> referencedPackagesOf(String war) throws IOException {
        Set<String> packages = new TreeSet<>();
        try (ZipFile zip = new ZipFile("target/" + war)) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Matcher m =
                            REFERENCE.matcher(
                                    new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        packages.add(m.group(1));
                    }
                }
            }
        }
        return packages;
    }

    private static List<String> textResources(String war) throws IOException {
        List<String> texts = new ArrayList<>();
        try (ZipFile zip = new ZipFile("target/" + war)) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (name.endsWith(".properties")
                        || name.endsWith(".xml")
                        || name.endsWith(".json")
                        || name.endsWith(".html")
                        || name.endsWith(".js")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        texts.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return texts;
    }

    private static List<String> entries(String war) throws IOException {
        try (ZipFile zip = new ZipFile("target/" + war)) {
            return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
        }
    }
}
