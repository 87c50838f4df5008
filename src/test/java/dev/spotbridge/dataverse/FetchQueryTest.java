package dev.spotbridge.dataverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FetchQueryTest {

    private static final String LIST_QUERY =
            "<fetch version=\"1.0\" output-format=\"xml-platform\" mapping=\"logical\" distinct=\"false\">"
                    + "<entity name=\"contact\"><attribute name=\"fullname\" /><attribute name=\"emailaddress1\" />"
                    + "<filter type=\"and\"><condition attribute=\"address1_city\" operator=\"eq\" value=\"Berlin\" />"
                    + "</filter></entity></fetch>";

    @Test
    void addsTheColumnsSpotbridgeNeedsOnceAndPages() {
        FetchQuery query =
                FetchQuery.parse(
                        LIST_QUERY, List.of("emailaddress1", "donotbulkemail", "contactid"));
        assertEquals("contact", query.entity());
        String first = query.page(1, 5000, null);
        assertTrue(first.contains("page=\"1\"") && first.contains("count=\"5000\""), first);
        assertTrue(first.contains("<attribute name=\"donotbulkemail\"/>"), first);
        assertEquals(
                1,
                first.split("name=\"emailaddress1\"", -1).length - 1,
                "an attribute already asked for is not added twice");
        assertTrue(
                first.contains("operator=\"eq\" value=\"Berlin\""), "the list's own filter stays");
        String second =
                query.page(2, 5000, "<cookie page=\"1\"><contactid last=\"{A}\" /></cookie>");
        assertTrue(second.contains("page=\"2\"") && second.contains("paging-cookie="), second);
        assertFalse(query.page(3, 5000, null).contains("paging-cookie"));
    }

    @Test
    void pagingCookieIsTakenFromTheAnnotationAndDecodedTwice() {
        String annotation =
                "<cookie pagenumber=\"2\" pagingcookie=\"%253ccookie%2520page%253d%25221%2522%253e%253c%252fcookie%253e\" istracking=\"False\" />";
        assertEquals("<cookie page=\"1\"></cookie>", FetchQuery.pagingCookie(annotation));
    }

    @Test
    void refusesDoctypesAndQueriesWithoutEntity() {
        assertThrows(
                DataverseRejectedException.class,
                () ->
                        FetchQuery.parse(
                                "<!DOCTYPE fetch [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><fetch><entity name=\"contact\">&x;</entity></fetch>",
                                List.of()));
        assertThrows(
                DataverseRejectedException.class,
                () -> FetchQuery.parse("<fetch></fetch>", List.of()));
    }
}
