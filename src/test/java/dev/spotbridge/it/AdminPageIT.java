package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page in headless Chromium (Debian's chromium + chromedriver; .ci/run installs them):
 * log in, find a record, read its timeline, see it among the dead letters, replay it once the
 * sandbox recovers, and watch it become Succeeded.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AdminPageIT {

    private static final File CHROMIUM = new File("/usr/bin/chromium");

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    private WebDriver browser;

    private WebDriverWait wait;

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    @BeforeEach
    void browser() {
        boolean present = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        if (!present && Boolean.getBoolean("spotbridge.browser.required")) {
            throw new IllegalStateException(
                    "the browser test needs /usr/bin/chromium and /usr/bin/chromedriver"
                            + " (Debian: apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(
                present, "chromium/chromedriver not installed: browser test skipped");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--window-size=1280,900");
        ChromeDriverService service =
                new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // the page re-renders its tables: an element read between two renders is stale, not absent
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void close() {
        SpotlerSandbox.clearSpotlerFault();
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void findRecordSeeItsDeadLetterReplayItAndSeeSucceeded() {
        String id = UUID.randomUUID().toString();
        String surname = "Browser" + id.substring(0, 8);
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Ada")
                        .add("lastname", surname)
                        .add("fullname", "Ada " + surname)
                        .add("emailaddress1", "ada." + id.substring(0, 8) + "@example.com")
                        .build());
        // Spotler refuses the first write for good: Failed and dead-lettered at once
        SpotlerSandbox.spotlerFault(
                "{\"status\":400,\"count\":1,\"method\":\"POST\",\"path\":\"contact\"}");
        assertEquals(
                202,
                Webhooks.webhook(
                                Contexts.create(
                                        "contact",
                                        id,
                                        Map.of(
                                                "firstname",
                                                "Ada",
                                                "lastname",
                                                surname,
                                                "emailaddress1",
                                                "ada." + id.substring(0, 8) + "@example.com"),
                                        Instant.now()))
                        .status());
        AdminApi.deadLetterOf(id);

        browser.get(Http.BASE + "/admin/");
        // a wrong password is refused on the form (no browser dialog)
        type("user", "it-admin");
        type("password", "wrong");
        click(By.id("login-button"));
        wait.until(ExpectedConditions.textToBe(By.id("message"), "credentials not accepted"));
        // the IT server's admin login (arquillian.xml)
        type("password", "it-admin-secret");
        click(By.id("login-button"));

        // find the record by part of its name (D365 holds the names)
        try {
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("search-form")));
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "after log-in: " + browser.findElement(By.tagName("body")).getText(), e);
        }
        // the latest records come without names (D365 holds them): no column that is always empty
        wait.until(d -> !d.findElements(By.cssSelector("#records-table tbody tr")).isEmpty());
        assertTrue(!browser.findElement(By.id("records-name")).isDisplayed(), "Name hidden");
        type("q", surname);
        click(By.id("search-button"));
        // the first page lists recent records; the search's answer carries the name from D365
        By hit = By.cssSelector("#records-table a[href='#record/contact/" + id + "']");
        wait.until(
                d ->
                        d.findElements(hit).stream()
                                .anyMatch(
                                        a ->
                                                a.findElement(By.xpath("./ancestor::tr"))
                                                        .getText()
                                                        .contains("Ada " + surname)));
        assertTrue(browser.findElement(By.id("records-name")).isDisplayed(), "Name shown");
        WebElement link = browser.findElement(hit);
        String row = link.findElement(By.xpath("./ancestor::tr")).getText();
        assertTrue(row.contains("Failed"), row);
        link.click();

        // its timeline shows the refused attempt
        wait.until(ExpectedConditions.textToBe(By.id("record-status"), "Failed"));
        String timeline = browser.findElement(By.id("timeline")).getText();
        assertTrue(timeline.contains("Create"), timeline);
        // times as the operator reads them: relative, and in the browser's own time zone
        assertTrue(timeline.contains(" ago ("), timeline);
        String exact =
                browser.findElement(By.cssSelector("#timeline time")).getAttribute("datetime");
        assertTrue(exact.matches("\\d{4}-\\d{2}-\\d{2}T.*Z"), exact);
        assertTrue(browser.findElement(By.id("record-error")).getText().length() > 1);

        // the overview counts it among the failed records and the dead letters
        click(By.linkText("Overview"));
        wait.until(
                d -> Integer.parseInt(d.findElement(By.id("status-table-Failed")).getText()) >= 1);
        assertTrue(
                browser.findElement(By.id("queue-table-deadLetters"))
                        .getText()
                        .matches("[1-9][0-9]*\\+? waiting.*"),
                browser.findElement(By.id("queue-table-deadLetters")).getText());
        // every scheduled job says when it runs next, or why it does not (the ITs switch the
        // back-sync's and the reconciliation's schedules off, not the retention's)
        wait.until(
                d ->
                        d.findElement(By.id("run-table-retention"))
                                .getText()
                                .matches(".*next run in .+ \\(.+\\)"));
        wait.until(
                d ->
                        d.findElement(By.id("run-table-backsync"))
                                .getText()
                                .endsWith(
                                        "its schedule is off on this node"
                                                + " (spotbridge.backsync.schedule)"));

        // the dead letter is listed; the sandbox recovers; replay it
        SpotlerSandbox.clearSpotlerFault();
        click(By.linkText("Dead letters"));
        WebElement box =
                wait.until(
                        ExpectedConditions.presenceOfElementLocated(
                                By.cssSelector(
                                        "#dead-letters-table input[aria-label='select contact "
                                                + id
                                                + "']")));
        String letter = box.findElement(By.xpath("./ancestor::tr")).getText();
        assertTrue(letter.contains("contact " + id), letter);
        box.click();
        click(By.id("replay-selected"));
        wait.until(ExpectedConditions.textToBe(By.id("message"), "Replayed 1."));

        // the record page shows Succeeded once the replay went through
        await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "Succeeded after the replay");
        browser.get(Http.BASE + "/admin/#record/contact/" + id);
        wait.until(ExpectedConditions.textToBe(By.id("record-status"), "Succeeded"));
        String replayed = browser.findElement(By.id("timeline")).getText();
        assertTrue(replayed.contains("Replayed"), replayed);
        // the write says which mapping produced it and what it changed
        assertTrue(replayed.contains("(mapping version "), replayed);
        assertTrue(replayed.contains("lastName: (empty) → \"" + surname + "\""), replayed);
        assertEquals(
                surname,
                SpotlerSandbox.spotlerContact(id)
                        .orElseThrow()
                        .getJsonObject("properties")
                        .getString("lastName"));
    }

    @Test
    void mappingDryRunShowsWhatWouldChangeAndWritesNothing() {
        String id = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Tess")
                        .add("emailaddress1", "tess@example.com")
                        .add("jobtitle", "Pilot")
                        .build());
        assertEquals(
                202,
                Webhooks.webhook(
                                Contexts.create(
                                        "contact",
                                        id,
                                        Map.of(
                                                "firstname", "Tess",
                                                "emailaddress1", "tess@example.com"),
                                        Instant.now()))
                        .status());
        AdminApi.awaitHistory("contact", id, 1);
        long writes = SpotlerSandbox.spotlerWrites();

        browser.get(Http.BASE + "/admin/#mapping");
        type("user", "it-admin");
        type("password", "it-admin-secret");
        click(By.id("login-button"));
        wait.until(
                ExpectedConditions.textMatches(
                        By.id("mapping-current"), Pattern.compile("In force: version \\d+")));
        WebElement text = browser.findElement(By.id("mapping-text"));
        wait.until(d -> text.getAttribute("value").contains("\"contact\""));
        String proposed =
                text.getAttribute("value")
                        .replace(
                                "\"firstname\": \"firstName\"",
                                "\"firstname\": \"firstName\", \"jobtitle\": \"customerType\"");
        assertTrue(proposed.contains("customerType"), proposed);
        ((JavascriptExecutor) browser)
                .executeScript("arguments[0].value = arguments[1];", text, proposed);
        type("dry-records", "contact:" + id);
        click(By.id("dry-run"));
        wait.until(
                ExpectedConditions.textToBePresentInElementLocated(
                        By.id("dry-run-summary"), "1 of 1 record(s) would change"));
        String table = browser.findElement(By.id("dry-run-table")).getText();
        assertTrue(table.contains("customerType: (empty) → \"Pilot\""), table);
        assertEquals(writes, SpotlerSandbox.spotlerWrites(), "the dry run wrote nothing");
        assertTrue(
                !SpotlerSandbox.spotlerProperties(id).containsKey("customerType"),
                "Spotler unchanged");
    }

    @Test
    void theSetupButtonTurnsTheChecklistGreen() {
        DataverseSandbox.resetCustomizations();
        browser.get(Http.BASE + "/admin/#setup");
        type("user", "it-admin");
        type("password", "it-admin-secret");
        click(By.id("login-button"));
        wait.until(
                ExpectedConditions.textMatches(
                        By.id("setup-summary"),
                        Pattern.compile("\\d+ of \\d+ items need attention")));
        String before = browser.findElement(By.id("setup-table")).getText();
        assertTrue(before.contains("MISSING table sb_synclog"), before);
        click(By.id("setup-run"));
        wait.until(
                ExpectedConditions.textMatches(
                        By.id("setup-summary"), Pattern.compile("All \\d+ items OK\\.")));
        String done = browser.findElement(By.id("setup-done")).getText();
        assertTrue(done.contains("created the table sb_synclog"), done);
        assertTrue(
                browser.findElement(By.id("message")).getText().contains("changes made"),
                browser.findElement(By.id("message")).getText());
        assertTrue(
                Http.get(Http.BASE + "/api/setup/check", AdminApi.ADMIN).json().getBoolean("ok"));
    }

    /**
     * The overview while a backfill runs: its progress bar moves without a reload, and the charts
     * draw the minutes the nodes wrote (the backfill's Spotler requests among them).
     */
    @Test
    void theOverviewShowsARunsBarMovingAndChartsWithData() {
        DataverseSandbox.dataverseSeed(
                "contacts", 6_000, "page-" + UUID.randomUUID().toString().substring(0, 8));
        browser.get(Http.BASE + "/admin/#overview");
        type("user", "it-admin");
        type("password", "it-admin-secret");
        click(By.id("login-button"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("runs-active")));

        Http.Answer started = AdminApi.adminPost("/api/backfills", "{\"entities\":[\"contact\"]}");
        assertEquals(202, started.status(), started.body());
        long run = started.json().getJsonNumber("run").longValue();
        By bar = By.id("run-progress-" + run);
        double first =
                wait.until(
                        d -> {
                            double v = progress(bar);
                            return v > 0 ? v : null;
                        });
        double later =
                new WebDriverWait(browser, Duration.ofSeconds(90))
                        .ignoring(StaleElementReferenceException.class)
                        .until(
                                d -> {
                                    double v = progress(bar);
                                    return v > first ? v : null;
                                });
        assertTrue(later > first, first + " → " + later);
        // the finished run leaves the bars for the table of finished runs
        new WebDriverWait(browser, Duration.ofSeconds(180))
                .ignoring(StaleElementReferenceException.class)
                .until(
                        ExpectedConditions.textToBePresentInElementLocated(
                                By.id("runs-table"), "Backfill " + run));

        // the minute the backfill ran in is written at the start of the next one
        Http.await(
                () -> Http.get(Http.BASE + "/api/charts", AdminApi.ADMIN).json(),
                c -> !c.getJsonObject("series").getJsonArray("spotlerRequests").isEmpty(),
                "a minute of Spotler requests",
                Duration.ofSeconds(90));
        browser.get(Http.BASE + "/admin/#records");
        browser.get(Http.BASE + "/admin/#overview");
        // the page draws the charts again when the overview is shown: read them in one go, again
        // when an element was replaced meanwhile (the wait ignores stale elements)
        String summary =
                wait.until(
                        d -> {
                            String points =
                                    d.findElement(
                                                    By.cssSelector(
                                                            "#chart-spotler polyline[data-series=spotlerRequests]"))
                                            .getAttribute("points");
                            String text =
                                    d.findElement(By.cssSelector("#chart-spotler .summary"))
                                            .getText();
                            return points != null && points.split(" ").length > 1 ? text : null;
                        });
        assertTrue(summary.startsWith("requests: now"), summary);
    }

    /**
     * At 200 % zoom (a 1280-pixel window is 640 CSS pixels wide) every view fits the width, without
     * scrolling sideways; and the page works by keyboard alone: log in with Tab and Enter, move
     * between the views from the navigation, search with Enter, with the focus always visible.
     */
    @Test
    void everyViewFitsAtTwiceTheZoomAndWorksByKeyboard() {
        // long words on the overview: a finished back-sync run, its result's JSON as its outcome
        Http.Answer backsync = AdminApi.adminPost("/api/backsync/run");
        assertEquals(200, backsync.status(), backsync.body());
        browser.manage().window().setSize(new Dimension(640, 900));
        browser.get(Http.BASE + "/admin/");
        WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("user")));
        user.click();
        user.sendKeys("it-admin", Keys.TAB);
        assertEquals("password", focused().getAttribute("id"));
        focused().sendKeys("it-admin-secret", Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("nav")));

        for (String view : List.of("overview", "records", "dead-letters", "mapping", "setup")) {
            WebElement link = browser.findElement(By.cssSelector("#nav a[href='#" + view + "']"));
            link.sendKeys(Keys.ENTER);
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(view + "-view")));
            // what the view loads is on it before it is measured
            Http.pause(1_500);
            long overflow =
                    (Long)
                            ((JavascriptExecutor) browser)
                                    .executeScript(
                                            "return document.documentElement.scrollWidth"
                                                    + " - document.documentElement.clientWidth;");
            assertTrue(overflow <= 0, view + " is " + overflow + " px wider than the window");
        }

        // the search by keyboard: the field, Enter; the focus ring shows where the keyboard is
        browser.findElement(By.cssSelector("#nav a[href='#records']")).sendKeys(Keys.ENTER);
        WebElement q = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("q")));
        q.click();
        q.sendKeys("contact", Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("records-table")));
        q.sendKeys(Keys.TAB);
        assertEquals("status", focused().getAttribute("id"));
        String outline =
                (String)
                        ((JavascriptExecutor) browser)
                                .executeScript(
                                        "return getComputedStyle(document.activeElement)"
                                                + ".outlineStyle;");
        assertTrue(!"none".equals(outline), "focus visible: outline " + outline);
    }

    private WebElement focused() {
        return browser.switchTo().activeElement();
    }

    /** A progress bar's value; 0 while it is not on the page. */
    private double progress(By bar) {
        List<WebElement> found = browser.findElements(bar);
        if (found.isEmpty()) {
            return 0;
        }
        String value = found.get(0).getAttribute("value");
        return value == null || value.isEmpty() ? 0 : Double.parseDouble(value);
    }

    private void type(String id, String text) {
        WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        field.clear();
        field.sendKeys(text);
    }

    private void click(By by) {
        wait.until(ExpectedConditions.elementToBeClickable(by)).click();
    }
}
