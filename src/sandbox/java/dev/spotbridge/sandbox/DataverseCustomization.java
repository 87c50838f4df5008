package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The customization side of the Dataverse sandbox: metadata definitions (tables, columns,
 * relationships, global choices) created into a solution named by MSCRM.SolutionUniqueName, the
 * actions setup calls, and ImportSolution of a solution zip whose forms, views, ribbon and web
 * resources must refer only to columns that exist.
 */
@ApplicationScoped
public class DataverseCustomization {

    private static final Pattern LOGICAL_NAME = Pattern.compile("^LogicalName='([a-z0-9_]+)'$");
    private static final Pattern NAME = Pattern.compile("^Name='([a-z0-9_]+)'$");

    @Inject DataverseMetadata metadata;

    @Inject DataverseSecurity security;

    @Inject DataverseRegistrations registrations;

    @Inject SandboxStore store;

    Response entityDefinition(String api, String key) {
        Optional<DataverseMetadata.Entity> entity = entity(key);
        if (entity.isEmpty()) {
            return error(404, "0x80040217", "Could not find an entity with " + key + ".");
        }
        DataverseMetadata.Entity e = entity.get();
        return Response.ok(
                        Json.createObjectBuilder()
                                .add("@odata.context", api + "/$metadata#EntityDefinitions/$entity")
                                .add("LogicalName", e.logicalName())
                                .add("SchemaName", e.logicalName())
                                .add("EntitySetName", e.entitySet())
                                .add("PrimaryIdAttribute", e.primaryId())
                                .add("IsCustomEntity", e.custom())
                                .add(
                                        "MetadataId",
                                        DataverseMetadata.id("entity/" + e.logicalName()))
                                .build())
                .build();
    }

    Response attributeDefinitions(String api, String key) {
        Optional<DataverseMetadata.Entity> entity = entity(key);
        if (entity.isEmpty()) {
            return error(404, "0x80040217", "Could not find an entity with " + key + ".");
        }
        JsonArrayBuilder value = Json.createArrayBuilder();
        entity.get()
                .attributes()
                .values()
                .forEach(
                        a ->
                                value.add(
                                        Json.createObjectBuilder()
                                                .add("LogicalName", a.getString("LogicalName"))
                                                .add("AttributeType", a.getString("AttributeType"))
                                                .add("MetadataId", a.getString("MetadataId"))
                                                .add(
                                                        "IsCustomAttribute",
                                                        a.getBoolean("IsCustomAttribute", false))));
        return Response.ok(
                        Json.createObjectBuilder()
                                .add(
                                        "@odata.context",
                                        api
                                                + "/$metadata#EntityDefinitions('"
                                                + entity.get().logicalName()
                                                + "')/Attributes")
                                .add("value", value)
                                .build())
                .build();
    }

    Response createEntity(String api, JsonObject definition, String solution) {
        return metadataChange(
                solution,
                () -> {
                    DataverseMetadata.Entity e = metadata.createEntity(definition);
                    registrations.filters(e.logicalName());
                    security.privileges(definition.getString("SchemaName", e.logicalName()));
                    String id = DataverseMetadata.id("entity/" + e.logicalName());
                    component(solution, id, 1);
                    return api + "/EntityDefinitions(" + id + ")";
                });
    }

    Response createAttribute(String api, String key, JsonObject definition, String solution) {
        Optional<DataverseMetadata.Entity> entity = entity(key);
        if (entity.isEmpty()) {
            return error(404, "0x80040217", "Could not find an entity with " + key + ".");
        }
        return metadataChange(
                solution,
                () -> {
                    String table = entity.get().logicalName();
                    metadata.addAttribute(table, definition);
                    String logical = definition.getString("SchemaName").toLowerCase(Locale.ROOT);
                    String id = DataverseMetadata.id("attribute/" + table + "/" + logical);
                    component(solution, id, 2);
                    return api
                            + "/EntityDefinitions(LogicalName='"
                            + table
                            + "')/Attributes("
                            + id
                            + ")";
                });
    }

    Response createRelationship(String api, JsonObject definition, String solution) {
        return metadataChange(
                solution,
                () -> {
                    metadata.createRelationship(definition);
                    String id =
                            DataverseMetadata.id(
                                    "relationship/" + definition.getString("SchemaName", ""));
                    component(solution, id, 10);
                    return api + "/RelationshipDefinitions(" + id + ")";
                });
    }

    Response optionSet(String api, String key) {
        Matcher m = NAME.matcher(key);
        Optional<JsonObject> set =
                m.matches()
                        ? metadata.optionSet(m.group(1))
                        : store.all(DataverseMetadata.OPTION_SET).stream()
                                .filter(o -> key.equalsIgnoreCase(o.getString("MetadataId")))
                                .findFirst();
        if (set.isEmpty()) {
            return error(404, "0x80040217", "Could not find an option set with " + key + ".");
        }
        return Response.ok(
                        Json.createObjectBuilder(set.get())
                                .add(
                                        "@odata.context",
                                        api + "/$metadata#GlobalOptionSetDefinitions/$entity")
                                .build())
                .build();
    }

    Response createOptionSet(String api, JsonObject definition, String solution) {
        return metadataChange(
                solution,
                () -> {
                    JsonObject set = metadata.createOptionSet(definition);
                    component(solution, set.getString("MetadataId"), 9);
                    return api + "/GlobalOptionSetDefinitions(" + set.getString("MetadataId") + ")";
                });
    }

    Response action(String action, JsonObject body) {
        try {
            return switch (action) {
                case "InsertOptionValue" -> {
                    metadata.insertOption(
                            body.getString("OptionSetName", ""),
                            body.getInt("Value"),
                            body.getOrDefault("Label", JsonValue.NULL));
                    yield Response.ok(
                                    Json.createObjectBuilder()
                                            .add("NewOptionValue", body.getInt("Value"))
                                            .build())
                            .build();
                }
                case "AddSolutionComponent" -> {
                    String solution = body.getString("SolutionUniqueName", "");
                    requireSolution(solution);
                    String id =
                            component(
                                    solution,
                                    body.getString("ComponentId", "").toLowerCase(Locale.ROOT),
                                    body.getInt("ComponentType", 0));
                    yield Response.ok(Json.createObjectBuilder().add("id", id).build()).build();
                }
                case "ImportSolution" -> importSolution(body);
                default -> Response.noContent().build(); // PublishXml, PublishAllXml
            };
        } catch (DataverseMetadata.MetadataException e) {
            return error(400, e.code, e.getMessage());
        } catch (RuntimeException e) {
            return error(
                    400,
                    "0x80048d19",
                    "The " + action + " request is not valid: " + e.getMessage());
        }
    }

    /**
     * ImportSolution: the zip needs solution.xml, customizations.xml and [Content_Types].xml at its
     * root and a solution.xml naming a publisher; its forms and views may refer only to columns
     * that exist. Keeps the web resources, views and form parts it brings.
     */
    private Response importSolution(JsonObject body) {
        byte[] zip = Base64.getDecoder().decode(body.getString("CustomizationFile", ""));
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                files.put(entry.getName().replaceFirst("^/", ""), in.readAllBytes());
            }
        } catch (IOException e) {
            return error(400, "0x80048060", "The solution file is not a zip: " + e.getMessage());
        }
        for (String root : List.of("solution.xml", "customizations.xml", "[Content_Types].xml")) {
            if (!files.containsKey(root)) {
                return error(
                        400,
                        "0x80048060",
                        "The solution file is invalid. The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml.");
            }
        }
        Document manifest;
        Document customizations;
        try {
            manifest = parse(files.get("solution.xml"));
            customizations = parse(files.get("customizations.xml"));
        } catch (Exception e) {
            return error(
                    400,
                    "0x80048013",
                    "The customization file is not well formed: " + e.getMessage());
        }
        String solution = text(manifest.getDocumentElement(), "UniqueName");
        String publisher =
                text((Element) manifest.getElementsByTagName("Publisher").item(0), "UniqueName");
        if (solution.isEmpty() || publisher.isEmpty()) {
            return error(400, "0x8004801a", "solution.xml names no solution or no publisher.");
        }
        // every column a form or a view refers to must exist
        NodeList entities = customizations.getElementsByTagName("Entity");
        for (int i = 0; i < entities.getLength(); i++) {
            Element entity = (Element) entities.item(i);
            String table = text(entity, "Name").toLowerCase(Locale.ROOT);
            Optional<DataverseMetadata.Entity> known = metadata.entity(table);
            if (known.isEmpty()) {
                return error(
                        400,
                        "0x8004801d",
                        "The solution refers to a table that does not exist: " + table);
            }
            for (String column : referenced(entity, "control", "datafieldname")) {
                if (!known.get().attributes().containsKey(column)) {
                    return error(
                            400,
                            "0x8004801d",
                            "A form of "
                                    + table
                                    + " refers to the column "
                                    + column
                                    + ", which does not exist.");
                }
            }
            NodeList fetches = entity.getElementsByTagName("fetch");
            for (int f = 0; f < fetches.getLength(); f++) {
                Element fetch = (Element) fetches.item(f);
                Element fetchEntity = (Element) fetch.getElementsByTagName("entity").item(0);
                String fetchTable = fetchEntity.getAttribute("name");
                Optional<DataverseMetadata.Entity> fetched = metadata.entity(fetchTable);
                for (String tag : List.of("attribute", "condition")) {
                    NodeList named = fetchEntity.getElementsByTagName(tag);
                    for (int a = 0; a < named.getLength(); a++) {
                        String column =
                                ((Element) named.item(a))
                                        .getAttribute(
                                                "attribute".equals(tag) ? "name" : "attribute");
                        if (fetched.isEmpty() || !fetched.get().attributes().containsKey(column)) {
                            return error(
                                    400,
                                    "0x8004801d",
                                    "A view of "
                                            + table
                                            + " refers to "
                                            + fetchTable
                                            + "."
                                            + column
                                            + ", which does not exist.");
                        }
                    }
                }
            }
        }
        keep(customizations, files);
        String jobId =
                body.getString("ImportJobId", UUID.randomUUID().toString())
                        .toLowerCase(Locale.ROOT);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        store.update(
                "dataverse.importjob",
                jobId,
                c ->
                        Json.createObjectBuilder()
                                .add("importjobid", jobId)
                                .add("solutionname", solution)
                                .add("progress", 100.0)
                                .add("startedon", now)
                                .add("completedon", now)
                                .add(
                                        "data",
                                        "<importexportxml><solutionManifests><solutionManifest><result result=\"success\"/></solutionManifest></solutionManifests></importexportxml>")
                                .add("versionnumber", 1)
                                .build());
        return Response.noContent().build();
    }

    /** Keeps what an import brings: web resources (with their content), views and form parts. */
    private void keep(Document customizations, Map<String, byte[]> files) {
        NodeList resources = customizations.getElementsByTagName("WebResource");
        for (int i = 0; i < resources.getLength(); i++) {
            Element r = (Element) resources.item(i);
            String id = guid(text(r, "WebResourceId"));
            byte[] content =
                    files.getOrDefault(text(r, "FileName").replaceFirst("^/", ""), new byte[0]);
            store.update(
                    "dataverse.webresource",
                    id,
                    c ->
                            Json.createObjectBuilder()
                                    .add("webresourceid", id)
                                    .add("name", text(r, "Name"))
                                    .add(
                                            "webresourcetype",
                                            Integer.parseInt(text(r, "WebResourceType")))
                                    .add("content", Base64.getEncoder().encodeToString(content))
                                    .add(
                                            "versionnumber",
                                            c == null ? 1 : c.getInt("versionnumber") + 1)
                                    .build());
        }
        NodeList views = customizations.getElementsByTagName("savedquery");
        for (int i = 0; i < views.getLength(); i++) {
            Element v = (Element) views.item(i);
            String id = guid(text(v, "savedqueryid"));
            Element fetch = (Element) v.getElementsByTagName("entity").item(0);
            store.update(
                    "dataverse.savedquery",
                    id,
                    c ->
                            Json.createObjectBuilder()
                                    .add("savedqueryid", id)
                                    .add(
                                            "returnedtypecode",
                                            fetch == null ? "" : fetch.getAttribute("name"))
                                    .add("name", localizedName(v))
                                    .add(
                                            "versionnumber",
                                            c == null ? 1 : c.getInt("versionnumber") + 1)
                                    .build());
        }
        NodeList forms = customizations.getElementsByTagName("systemform");
        for (int i = 0; i < forms.getLength(); i++) {
            Element f = (Element) forms.item(i);
            String id = guid(text(f, "formid"));
            Element form = (Element) f.getElementsByTagName("form").item(0);
            Element entity = (Element) f.getParentNode().getParentNode().getParentNode();
            String table = text(entity, "Name").toLowerCase(Locale.ROOT);
            String name = localizedName(f);
            String formXml = form == null ? "" : serialize(form);
            // an unmanaged import replaces the form's definition with the one imported
            store.update(
                    "dataverse.systemform",
                    id,
                    c ->
                            Json.createObjectBuilder(c == null ? JsonValue.EMPTY_JSON_OBJECT : c)
                                    .add("formid", id)
                                    .add("name", c == null ? name : c.getString("name", name))
                                    .add("objecttypecode", table)
                                    .add("type", 2)
                                    .add("formactivationstate", 1)
                                    .add("formxml", formXml)
                                    .add(
                                            "versionnumber",
                                            c == null ? 1 : c.getInt("versionnumber", 0) + 1)
                                    .build());
        }
    }

    private static String serialize(Element element) {
        try {
            javax.xml.transform.Transformer t =
                    javax.xml.transform.TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(javax.xml.transform.OutputKeys.OMIT_XML_DECLARATION, "yes");
            java.io.StringWriter out = new java.io.StringWriter();
            t.transform(
                    new javax.xml.transform.dom.DOMSource(element),
                    new javax.xml.transform.stream.StreamResult(out));
            return out.toString();
        } catch (javax.xml.transform.TransformerException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String localizedName(Element view) {
        NodeList names = view.getElementsByTagName("LocalizedName");
        return names.getLength() == 0 ? "" : ((Element) names.item(0)).getAttribute("description");
    }

    private static List<String> referenced(Element entity, String tag, String attribute) {
        NodeList nodes = entity.getElementsByTagName(tag);
        ArrayList<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            String value = ((Element) nodes.item(i)).getAttribute(attribute);
            if (!value.isEmpty()) {
                out.add(value);
            }
        }
        return out;
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = new ByteArrayInputStream(xml)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    private static String text(Element parent, String tag) {
        if (parent == null) {
            return "";
        }
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static String guid(String text) {
        return text.replace("{", "").replace("}", "").trim().toLowerCase(Locale.ROOT);
    }

    private Optional<DataverseMetadata.Entity> entity(String key) {
        Matcher m = LOGICAL_NAME.matcher(key);
        if (m.matches()) {
            return metadata.entity(m.group(1));
        }
        String id = key.toLowerCase(Locale.ROOT);
        return metadata.customTables().stream()
                .filter(t -> DataverseMetadata.id("entity/" + t).equals(id))
                .findFirst()
                .flatMap(metadata::entity);
    }

    private interface Change {
        String apply();
    }

    /** A metadata create: 204 with the new definition's address, or Dataverse's error. */
    private Response metadataChange(String solution, Change change) {
        try {
            if (solution != null) {
                requireSolution(solution);
            }
            return Response.noContent().header("OData-EntityId", change.apply()).build();
        } catch (DataverseMetadata.MetadataException e) {
            return error(400, e.code, e.getMessage());
        }
    }

    private void requireSolution(String solution) {
        boolean exists =
                store.all("dataverse.solution").stream()
                        .anyMatch(s -> solution.equals(s.getString("uniquename", "")));
        if (!exists) {
            throw new DataverseMetadata.MetadataException(
                    "0x8004701c", "The solution " + solution + " does not exist.");
        }
    }

    /** Records that a component belongs to a solution (once). */
    private String component(String solution, String objectId, int type) {
        if (solution == null) {
            return null;
        }
        String solutionId =
                store.all("dataverse.solution").stream()
                        .filter(s -> solution.equals(s.getString("uniquename", "")))
                        .findFirst()
                        .map(s -> s.getString("solutionid"))
                        .orElseThrow();
        String id = DataverseMetadata.id("component/" + solutionId + "/" + objectId);
        store.update(
                "dataverse.solutioncomponent",
                id,
                c ->
                        Json.createObjectBuilder()
                                .add("solutioncomponentid", id)
                                .add("objectid", objectId)
                                .add("componenttype", type)
                                .add("_solutionid_value", solutionId)
                                .add("versionnumber", 1)
                                .build());
        return id;
    }

    static Response error(int status, String code, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(
                        Json.createObjectBuilder()
                                .add(
                                        "error",
                                        Json.createObjectBuilder()
                                                .add("code", code)
                                                .add("message", message))
                                .build())
                .build();
    }
}
