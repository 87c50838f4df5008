package dev.spotbridge.it.probe;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The probe's REST root: /probe. */
@ApplicationPath("/")
public class ProbeApplication extends Application {}
