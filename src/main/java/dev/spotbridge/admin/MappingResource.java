package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.mapping.InvalidMappingException;
import dev.spotbridge.mapping.Mapping;
import dev.spotbridge.mapping.MappingDryRun;
import dev.spotbridge.mapping.MappingVersion;
import dev.spotbridge.mapping.MappingVersions;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The mapping, versioned. GET /api/mapping: the version in force; GET /api/mapping/versions[/{n}]:
 * every version. POST /api/mapping/dry-run (body: a mapping file; ?record=entity:id, repeatable, or
 * the most recent ?limit records): per record, what would change in Spotler, writing nothing. POST
 * /api/mapping (body: a mapping file; ?note=): validates and puts it in force as the next version;
 * every change it produces records that version. A mapping that is not valid JSON or not a valid
 * mapping is 400; one that names Spotler properties the account does not have is 422; neither
 * changes anything.
 */
@RequestScoped
@Path("mapping")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class MappingResource {

    /** Spotbridge syncs these tables; a mapping for another is a mistake. */
    static final Set<String> TABLES = Set.of("contact", "lead", "account");

    static final int MAX_BYTES = 1_000_000;

    static final int MAX_RECORDS = 200;

    @Inject ActiveMapping active;

    @Inject MappingVersions versions;

    @Inject MappingDryRun dryRun;

    @Inject SpotlerGateway spotler;

    @Context SecurityContext security;

    @GET
    public JsonObject inForce() {
        int version = active.version();
        return describe(versions.find(version).orElseThrow(), true);
    }

    @GET
    @Path("versions")
    public JsonObject all() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        versions.all().forEach(v -> list.add(describe(v, false)));
        return Json.createObjectBuilder()
                .add("inForce", active.version())
                .add("versions", list)
                .build();
    }

    @GET
    @Path("versions/{version}")
    public JsonObject one(@PathParam("version") int version) {
        return describe(
                versions.find(version)
                        .orElseThrow(() -> new NotFoundException("no mapping version " + version)),
                true);
    }

    @POST
    @Path("dry-run")
    public JsonObject dryRun(
            @QueryParam("record") List<String> records,
            @QueryParam("limit") Integer limit,
            InputStream body) {
        String content = read(body);
        Mapping proposed = validate(content);
        List<String> unknown = unknownProperties(proposed);
        int max = limit == null ? 20 : limit;
        if (max < 1 || max > MAX_RECORDS || records.size() > MAX_RECORDS) {
            throw new BadRequestException("choose 1 to " + MAX_RECORDS + " records");
        }
        List<String> keys = new ArrayList<>();
        for (String record : records) {
            if (!record.matches("(contact|lead|account):[0-9a-fA-F-]{36}")) {
                throw new BadRequestException(
                        "record must be entity:id (contact, lead or account and a GUID): "
                                + record);
            }
            keys.add(record.toLowerCase(Locale.ROOT));
        }
        JsonArrayBuilder answers = Json.createArrayBuilder();
        int changing = 0;
        for (MappingDryRun.RecordDiff diff : dryRun.diff(proposed, keys, max)) {
            JsonObjectBuilder item =
                    Json.createObjectBuilder()
                            .add("record", diff.record())
                            .add("outcome", diff.outcome());
            if (diff.reason() != null) {
                item.add("reason", diff.reason());
            }
            if (diff.changes() != null) {
                item.add("changes", diff.changes());
            }
            if (diff.fromSpotler() != null) {
                item.add("fromSpotler", diff.fromSpotler());
            }
            changing += "changes".equals(diff.outcome()) ? 1 : 0;
            answers.add(item);
        }
        JsonArrayBuilder unknownJson = Json.createArrayBuilder();
        unknown.forEach(unknownJson::add);
        return Json.createObjectBuilder()
                .add("dryRun", true)
                .add("comparedWithVersion", active.version())
                .add("recordsWithChanges", changing)
                .add("records", answers)
                .add("unknownSpotlerProperties", unknownJson)
                .build();
    }

    @POST
    public Response apply(@QueryParam("note") String note, InputStream body) {
        String content = read(body);
        Mapping proposed = validate(content);
        List<String> unknown = unknownProperties(proposed);
        if (!unknown.isEmpty()) {
            return Response.status(422)
                    .entity(
                            Json.createObjectBuilder()
                                    .add("status", 422)
                                    .add("error", "unknown_spotler_properties")
                                    .add(
                                            "message",
                                            "the Spotler account has no contact properties "
                                                    + unknown
                                                    + "; nothing was changed")
                                    .build())
                    .build();
        }
        String by =
                security.getUserPrincipal() == null ? null : security.getUserPrincipal().getName();
        MappingVersion version = versions.apply(content, by, note);
        active.inForce(version);
        return Response.status(201).entity(describe(version, false)).build();
    }

    private static String read(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new WebApplicationException(
                        "a mapping file is at most " + MAX_BYTES + " bytes", 413);
            }
            if (bytes.length == 0) {
                throw new BadRequestException("the body must be a mapping file (JSON)");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Mapping validate(String content) {
        Mapping mapping;
        try {
            mapping = ActiveMapping.parse(content, "the mapping");
        } catch (InvalidMappingException e) {
            throw new BadRequestException(e.getMessage());
        }
        try (var reader = Json.createReader(new StringReader(content))) {
            Set<String> tables = reader.readObject().getJsonObject("entities").keySet();
            for (String table : tables) {
                if (!TABLES.contains(table)) {
                    throw new BadRequestException(
                            "the mapping: unknown table \""
                                    + table
                                    + "\" (Spotbridge syncs "
                                    + String.join(", ", new TreeSet<>(TABLES))
                                    + ")");
                }
            }
        }
        return mapping;
    }

    /** Properties the mapping writes that the Spotler account does not have. */
    private List<String> unknownProperties(Mapping mapping) {
        Set<String> known = spotler.propertyNames();
        Set<String> unknown = new LinkedHashSet<>();
        for (String table : TABLES) {
            mapping.rules(table).stream()
                    .map(Mapping.Rule::property)
                    .filter(p -> !known.contains(p))
                    .forEach(unknown::add);
        }
        return List.copyOf(unknown);
    }

    private static JsonObject describe(MappingVersion version, boolean withContent) {
        JsonObjectBuilder json =
                Json.createObjectBuilder()
                        .add("version", version.version())
                        .add("origin", version.origin())
                        .add("source", version.source())
                        .add("appliedAt", version.appliedAt().toString());
        if (version.appliedBy() != null) {
            json.add("appliedBy", version.appliedBy());
        }
        if (version.note() != null) {
            json.add("note", version.note());
        }
        if (withContent) {
            try (var reader = Json.createReader(new StringReader(version.content()))) {
                json.add("mapping", reader.readObject());
            }
        }
        return json.build();
    }
}
