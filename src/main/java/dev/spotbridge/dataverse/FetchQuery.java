package dev.spotbridge.dataverse;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A dynamic list's FetchXML, made ready to run: the columns Spotbridge needs are added to its
 * entity (unless it asks for all attributes), and each page gets count, page and the paging cookie
 * of the previous page. The XML is parsed without DTDs or external entities.
 */
final class FetchQuery {

    private final Document doc;
    private final String entity;

    private FetchQuery(Document doc, String entity) {
        this.doc = doc;
        this.entity = entity;
    }

    static FetchQuery parse(String fetchXml, Collection<String> columns) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            doc =
                    factory.newDocumentBuilder()
                            .parse(
                                    new ByteArrayInputStream(
                                            fetchXml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new DataverseRejectedException(
                    "the list's FetchXML query cannot be read: " + e.getMessage());
        }
        Element fetch = doc.getDocumentElement();
        Element entity = null;
        for (Node n = fetch.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "entity".equals(e.getTagName())) {
                entity = e;
            }
        }
        if (!"fetch".equals(fetch.getTagName()) || entity == null) {
            throw new DataverseRejectedException(
                    "the list's FetchXML query has no <fetch><entity>");
        }
        boolean all = false;
        Set<String> present = new HashSet<>();
        for (Node n = entity.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "attribute".equals(e.getTagName())) {
                present.add(e.getAttribute("name"));
            } else if (n instanceof Element e && "all-attributes".equals(e.getTagName())) {
                all = true;
            }
        }
        if (!all) {
            for (String column : columns) {
                if (present.add(column)) {
                    Element attribute = doc.createElement("attribute");
                    attribute.setAttribute("name", column);
                    entity.insertBefore(attribute, entity.getFirstChild());
                }
            }
        }
        // aggregate queries cannot be paged and are not member lists
        fetch.removeAttribute("aggregate");
        return new FetchQuery(doc, entity.getAttribute("name"));
    }

    String entity() {
        return entity;
    }

    String page(int page, int count, String cookie) {
        Element fetch = doc.getDocumentElement();
        fetch.setAttribute("page", String.valueOf(page));
        fetch.setAttribute("count", String.valueOf(count));
        fetch.removeAttribute("top");
        if (cookie != null) {
            fetch.setAttribute("paging-cookie", cookie);
        } else {
            fetch.removeAttribute("paging-cookie");
        }
        try {
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(doc), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException("FetchXML could not be written", e);
        }
    }

    /**
     * The paging cookie to send with the next page: the pagingcookie attribute of the
     * fetchxmlpagingcookie annotation, URL-decoded twice as Dataverse encodes it.
     */
    static String pagingCookie(String annotation) {
        if (annotation == null) {
            return null;
        }
        Matcher m = Pattern.compile("pagingcookie=\"([^\"]*)\"").matcher(annotation);
        if (!m.find()) {
            return null;
        }
        return URLDecoder.decode(
                URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
