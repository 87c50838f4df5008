package dev.spotbridge.setup;

import dev.spotbridge.dataverse.SolutionGateway.Form;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The XML parts of the Spotbridge solution — forms, views, ribbon commands and the web resource
 * they call, kept as text in src/main/dataverse (customizations.xml, WebResources/) — and the
 * solution zip setup imports from them.
 *
 * <p>The systemforms of contact, lead and account in customizations.xml hold only the Spotler tab.
 * The zip carries every main form of the org as it is now with that tab put in (an earlier Spotler
 * tab replaced, every other part of the form kept), so importing it changes nothing of a customer's
 * own form customizations.
 */
final class SolutionParts {

    static final String CUSTOMIZATIONS = "dataverse/customizations.xml";

    /** The name of the Spotler tab on the main forms of contact, lead and account. */
    static final String TAB = "sb_spotler";

    /** A view of the solution. */
    record View(String id, String table, String name) {}

    /** A web resource of the solution, with the content the repo holds. */
    record WebResource(String id, String name, String fileName, byte[] content) {}

    private final byte[] customizations;
    private final List<WebResource> webResources = new ArrayList<>();
    private final List<View> views = new ArrayList<>();
    private final Map<String, Element> tabs = new LinkedHashMap<>();
    private final List<String> tables = new ArrayList<>();
    private final String digest;

    private SolutionParts(byte[] customizations) {
        this.customizations = customizations;
        Document doc = parse(customizations);
        for (Element entity : children(doc.getDocumentElement(), "Entities", "Entity")) {
            String table = text(entity, "Name").toLowerCase(Locale.ROOT);
            tables.add(table);
            NodeList tabNodes = entity.getElementsByTagName("tab");
            for (int i = 0; i < tabNodes.getLength(); i++) {
                Element tab = (Element) tabNodes.item(i);
                if (TAB.equals(tab.getAttribute("name"))) {
                    tabs.put(table, tab);
                }
            }
            NodeList queries = entity.getElementsByTagName("savedquery");
            for (int i = 0; i < queries.getLength(); i++) {
                Element q = (Element) queries.item(i);
                Element name = (Element) q.getElementsByTagName("LocalizedName").item(0);
                views.add(
                        new View(
                                guid(text(q, "savedqueryid")),
                                table,
                                name == null ? "" : name.getAttribute("description")));
            }
        }
        MessageDigest sha = sha256();
        sha.update(customizations);
        NodeList resources = doc.getElementsByTagName("WebResource");
        for (int i = 0; i < resources.getLength(); i++) {
            Element r = (Element) resources.item(i);
            String name = text(r, "Name");
            String file = "dataverse/WebResources/" + name.substring(name.lastIndexOf('/') + 1);
            byte[] content = resource(file);
            sha.update(content);
            webResources.add(
                    new WebResource(
                            guid(text(r, "WebResourceId")),
                            name,
                            text(r, "FileName").replaceFirst("^/", ""),
                            content));
        }
        this.digest = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    static SolutionParts load() {
        return new SolutionParts(resource(CUSTOMIZATIONS));
    }

    /** What identifies this version of the parts: a changed file gives another digest. */
    String digest() {
        return digest;
    }

    /** The tables whose main forms get the Spotler tab. */
    List<String> tabbedTables() {
        return List.copyOf(tabs.keySet());
    }

    /** The tables the parts customize (for PublishXml). */
    List<String> tables() {
        return List.copyOf(tables);
    }

    List<View> views() {
        return List.copyOf(views);
    }

    List<WebResource> webResources() {
        return List.copyOf(webResources);
    }

    /** Whether a form's FormXml holds the Spotler tab. */
    static boolean hasTab(String formXml) {
        return formXml != null && formXml.contains("name=\"" + TAB + "\"");
    }

    /**
     * The solution zip: solution.xml (unmanaged, the publisher's and the solution's names, the
     * description with the digest), customizations.xml with the main forms of the org given and the
     * Spotler tab in each, the web resources, and [Content_Types].xml.
     */
    byte[] zip(SolutionDefinition definition, String description, Map<String, List<Form>> forms) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "solution.xml", manifest(definition, description));
            put(zip, "customizations.xml", customizations(forms));
            for (WebResource r : webResources) {
                put(zip, r.fileName(), r.content());
            }
            put(zip, "[Content_Types].xml", contentTypes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private byte[] customizations(Map<String, List<Form>> forms) {
        Document doc = parse(customizations);
        for (Element entity : children(doc.getDocumentElement(), "Entities", "Entity")) {
            String table = text(entity, "Name").toLowerCase(Locale.ROOT);
            Element tab = tabs.get(table);
            if (tab == null) {
                continue;
            }
            Element formsElement = (Element) entity.getElementsByTagName("forms").item(0);
            Element template = (Element) formsElement.getElementsByTagName("systemform").item(0);
            for (Form form : forms.getOrDefault(table, List.of())) {
                Element systemform = doc.createElement("systemform");
                append(doc, systemform, "formid", "{" + form.id() + "}");
                systemform.appendChild(doc.importNode(withTab(form.formXml(), tab), true));
                Element names = doc.createElement("LocalizedNames");
                Element name = doc.createElement("LocalizedName");
                name.setAttribute("description", form.name());
                name.setAttribute("languagecode", "1033");
                names.appendChild(name);
                systemform.appendChild(names);
                formsElement.insertBefore(systemform, template);
            }
            formsElement.removeChild(template);
        }
        return serialize(doc);
    }

    /** The form with the Spotler tab put in: an earlier one replaced, the rest kept. */
    static Element withTab(String formXml, Element tab) {
        Document form =
                parse(
                        (formXml == null || formXml.isBlank() ? "<form><tabs /></form>" : formXml)
                                .getBytes(StandardCharsets.UTF_8));
        Element root = form.getDocumentElement();
        Element tabsElement = firstChild(root, "tabs");
        if (tabsElement == null) {
            tabsElement = form.createElement("tabs");
            root.insertBefore(tabsElement, root.getFirstChild());
        }
        for (Element existing : children(tabsElement, "tab")) {
            if (TAB.equals(existing.getAttribute("name"))) {
                tabsElement.removeChild(existing);
            }
        }
        tabsElement.appendChild(form.importNode(tab, true));
        return root;
    }

    private static byte[] manifest(SolutionDefinition definition, String description) {
        SolutionDefinition.Solution s = definition.solution();
        SolutionDefinition.Publisher p = definition.publisher();
        String xml =
                "<ImportExportXml version=\"9.2.0.0\" SolutionPackageVersion=\"9.2\""
                        + " languagecode=\"1033\" generatedBy=\"Spotbridge\""
                        + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                        + "<SolutionManifest>"
                        + "<UniqueName>"
                        + escape(s.uniqueName())
                        + "</UniqueName>"
                        + "<LocalizedNames><LocalizedName description=\""
                        + escape(s.displayName())
                        + "\" languagecode=\"1033\" /></LocalizedNames>"
                        + "<Descriptions><Description description=\""
                        + escape(description)
                        + "\" languagecode=\"1033\" /></Descriptions>"
                        + "<Version>"
                        + escape(s.version())
                        + "</Version>"
                        + "<Managed>0</Managed>"
                        + "<Publisher><UniqueName>"
                        + escape(p.uniqueName())
                        + "</UniqueName>"
                        + "<LocalizedNames><LocalizedName description=\""
                        + escape(p.displayName())
                        + "\" languagecode=\"1033\" /></LocalizedNames>"
                        + "<Descriptions />"
                        + "<EMailAddress xsi:nil=\"true\"></EMailAddress>"
                        + "<SupportingWebsiteUrl xsi:nil=\"true\"></SupportingWebsiteUrl>"
                        + "<CustomizationPrefix>"
                        + escape(p.prefix())
                        + "</CustomizationPrefix>"
                        + "<CustomizationOptionValuePrefix>"
                        + p.optionValuePrefix()
                        + "</CustomizationOptionValuePrefix>"
                        + "<Addresses />"
                        + "</Publisher>"
                        + "<RootComponents />"
                        + "<MissingDependencies />"
                        + "</SolutionManifest></ImportExportXml>";
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] contentTypes() {
        StringBuilder xml =
                new StringBuilder(
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Types"
                                + " xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                                + "<Default Extension=\"xml\" ContentType=\"application/octet-stream\" />");
        for (WebResource r : webResources) {
            xml.append("<Override PartName=\"/")
                    .append(escape(r.fileName()))
                    .append("\" ContentType=\"application/octet-stream\" />");
        }
        return xml.append("</Types>").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static void append(Document doc, Element parent, String tag, String text) {
        Element e = doc.createElement(tag);
        e.setTextContent(text);
        parent.appendChild(e);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static List<Element> children(Element root, String container, String tag) {
        Element c = firstChild(root, container);
        return c == null ? List.of() : children(c, tag);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && tag.equals(e.getTagName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element firstChild(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? null : found.get(0);
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static String guid(String text) {
        return text.replace("{", "").replace("}", "").trim().toLowerCase(Locale.ROOT);
    }

    static Document parse(byte[] xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            try (InputStream in = new ByteArrayInputStream(xml)) {
                return factory.newDocumentBuilder().parse(in);
            }
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    private static byte[] serialize(Document doc) {
        try {
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            Transformer t = factory.newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            StringWriter out = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString().getBytes(StandardCharsets.UTF_8);
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = SolutionParts.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
