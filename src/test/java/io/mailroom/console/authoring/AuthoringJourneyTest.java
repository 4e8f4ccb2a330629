package io.mailroom.console.authoring;

import io.mailroom.console.ConsoleBrowser;
import io.mailroom.console.Role;
import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionStore;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A marketer's journey through the console in a real browser, against a node sending to the SES
 * emulator: a template whose syntax error is shown at its line as it is typed and when saved, fixed and saved; its preview and a
 * test send (exactly that one email); an audience estimated; a campaign scheduled a few seconds
 * ahead that completes with one email to each consenting customer it selects; and a bigger campaign,
 * sent at 4 emails a second, paused mid-way from its page and resumed, each recipient getting one email.
 * Then the suppressions page: an admin adds a manual suppression, finds it, removes it, and is refused
 * (with the reason) when removing a bounce; a marketer may add but not remove, a viewer neither.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthoringJourneyTest {
  private static final String DOMAIN = "@journey.test";
  private static final String BOUNCED = "bounced" + DOMAIN;
  private static final int BULK = 30;
  private static final String BROKEN = "<html>\n<body>\n<p>Hello {{ Name | }}</p>\n</body>\n</html>";
  private static final String FIXED = "<html>\n<body>\n<p>Hello {{ Name }}</p>\n</body>\n</html>";
  private static Vertx vertx;
  private static ConsoleBrowser browser;
  private static WebDriver driver;
  private static SesEmulator ses;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    ses = LocalServices.ses();
    browser = ConsoleBrowser.start(vertx, "authoringJourney", node -> node
        .config(json -> json.getJsonObject("limiter").put("maxRate", 4))
        .customers(customers())
        .seed(n -> new SuppressionStore(n.aws().dynamo(), n.tables().suppressions())
            .suppress(BOUNCED, Suppression.BOUNCE, "General", System.currentTimeMillis())));
    driver = browser.driver();
    browser.signIn(Role.MARKETER);
  }

  /** Six customers (0, 2, 4 female; 4 does not consent) and {@value #BULK} more of gender "Other". */
  private static List<Map<String, AttributeValue>> customers() {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      items.add(customer("customer" + i + DOMAIN, "Customer " + i, i % 2 == 0 ? "Female" : "Male", i != 4));
    }
    for (int i = 0; i < BULK; i++) {
      items.add(customer("bulk" + i + DOMAIN, "Bulk " + i, "Other", true));
    }
    return items;
  }

  private static Map<String, AttributeValue> customer(String email, String name, String gender, boolean consents) {
    return Map.of("Email", AttributeValue.fromS(email), "Name", AttributeValue.fromS(name),
        "Gender", AttributeValue.fromS(gender), "SubscriptionStatus", AttributeValue.fromBool(consents));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    vertx.close().await();
  }

  /** What {@code read} finds of the element now; empty while htmx is swapping it (found, then replaced). */
  private static String now(WebDriver d, String id, java.util.function.Function<WebElement, String> read) {
    try {
      String value = read.apply(d.findElement(By.id(id)));
      return value == null ? "" : value;
    } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
      return "";
    }
  }

  private static String srcdoc(WebDriver d) {
    return now(d, "preview-frame", e -> e.getAttribute("srcdoc"));
  }

  /** Goes on to the wizard's step {@code step} and waits for its page. */
  private static void next(int step) {
    find("next").click();
    browser.waitUntil(d -> d.getCurrentUrl().matches(".*[?&]step=" + step + "(&.*)?$")
        && now(d, "step-title", WebElement::getText).length() > 0);
  }

  private static String textOf(String id) {
    return find(id).getText();
  }

  private static WebElement find(String id) {
    return browser.waitUntil(d -> d.findElement(By.id(id)));
  }

  /** The subjects of the emails the emulator got for each address of this test. */
  private static Map<String, List<String>> received() {
    Map<String, List<String>> subjects = new HashMap<>();
    JsonArray emails = ses.emails();
    for (int i = 0; i < emails.size(); i++) {
      JsonObject email = emails.getJsonObject(i);
      String to = email.getJsonObject("destination").getJsonArray("to").getString(0);
      if (to.endsWith(DOMAIN)) {
        subjects.computeIfAbsent(to, k -> new ArrayList<>()).add(email.getString("subject"));
      }
    }
    return subjects;
  }

  @Test
  @Order(1)
  void aSyntaxErrorIsShownAtItsLineThenTheFixedTemplateIsSaved() {
    browser.open("/console/templates/new");
    find("templateId").sendKeys("journey");
    find("name").sendKeys("Journey");
    find("subject").sendKeys("Hello {{ Name }}");
    find("html").sendKeys(BROKEN);
    browser.waitUntil(d -> now(d, "preview-error", WebElement::getText).contains("line 3"));
    find("save").click();

    assertThat(find("html-error").getText()).contains("line 3");
    assertThat(find("html-bad-line").getText()).isEqualTo("3");
    browser.screenshot("template-syntax-error");
    assertThat(browser.node().client().get("/v1/templates/journey").status()).isEqualTo(404);

    find("html").clear();
    find("html").sendKeys(FIXED);
    find("save").click();
    browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/templates/journey?saved=1"));
    assertThat(find("saved").getText()).contains("1");
    JsonObject saved = browser.node().client().get("/v1/templates/journey").json();
    assertThat(saved.getString("html")).isEqualTo(FIXED);
    assertThat(saved.getLong("version")).isEqualTo(1L);
  }

  @Test
  @Order(2)
  void thePreviewFollowsTheSampleAndATestSendGoesOnce() throws Exception {
    browser.open("/console/templates/journey");
    browser.waitUntil(d -> srcdoc(d).contains("Hello Mina"));
    find("sampleName").clear();
    find("sampleName").sendKeys("Jisoo");
    browser.waitUntil(d -> srcdoc(d).contains("Hello Jisoo"));
    assertThat(find("preview-frame").getAttribute("sandbox")).isEmpty();
    browser.screenshot("template-preview");

    find("test-to").sendKeys("customer1" + DOMAIN);
    find("send-test").click();
    assertThat(find("test-sent").getText()).contains("customer1" + DOMAIN);
    browser.screenshot("template-test-sent");
    Map<String, List<String>> got = Eventually.until("the test email", 30_000, AuthoringJourneyTest::received,
        r -> r.containsKey("customer1" + DOMAIN));
    assertThat(got).isEqualTo(Map.of("customer1" + DOMAIN, List.of("[TEST] Hello Customer 1")));
  }

  @Test
  @Order(3)
  void anEstimatedAudienceGetsAScheduledCampaignOnce() throws Exception {
    browser.open("/console/campaigns/new");
    find("wizard-form").findElement(By.cssSelector("input[value='journey']")).click();
    next(2);
    find("attr0").sendKeys("Gender");
    find("val0").sendKeys("Female");
    browser.waitUntil(d -> "2".equals(now(d, "estimate-consenting", WebElement::getText)));
    browser.screenshot("wizard-audience");
    next(3);
    find("subject").sendKeys("{{ Name }}, our autumn news");
    next(4);
    find("show-preview").click();
    browser.waitUntil(d -> now(d, "preview-subject", WebElement::getText).contains("our autumn news"));
    next(5);
    next(6);
    find("when-later").click();
    String at = LocalDateTime.now(ZoneOffset.UTC).plusSeconds(5).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
    ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", find("sendAtLocal"), at);
    find("zone").clear();
    find("zone").sendKeys("UTC");
    browser.screenshot("wizard-schedule");
    find("create").click();

    String campaignId = browser.waitUntil(d -> d.getCurrentUrl().matches(".*/console/campaigns/c_[^/?]+$")
        ? d.getCurrentUrl().replaceAll(".*/", "") : null);
    JsonObject created = browser.node().client().get("/v1/campaigns/" + campaignId).json();
    assertThat(created.getString("sendAt")).isEqualTo(at + "Z");
    browser.waitUntil(d -> now(d, "campaign-status", e -> e.getAttribute("class")).contains("status-completed"));
    browser.waitUntil(d -> "2".equals(now(d, "count-sent", WebElement::getText)));
    browser.screenshot("campaign-scheduled-completed");
    Map<String, List<String>> got = received();
    assertThat(got.get("customer0" + DOMAIN)).containsExactly("Customer 0, our autumn news");
    assertThat(got.get("customer2" + DOMAIN)).containsExactly("Customer 2, our autumn news");
    assertThat(got).doesNotContainKey("customer4" + DOMAIN);
  }

  @Test
  @Order(4)
  void aCampaignPausedMidWayCompletesAfterItsResumeWithOneEmailEach() throws Exception {
    browser.open("/console/campaigns/new?step=6&templateId=journey&attr0=Gender&op0=equals&val0=Other");
    find("create").click();
    String campaignId = browser.waitUntil(d -> d.getCurrentUrl().matches(".*/console/campaigns/c_[^/?]+$")
        ? d.getCurrentUrl().replaceAll(".*/", "") : null);
    browser.waitUntil(d -> !now(d, "count-sent", WebElement::getText).matches("0?"));
    find("action-pause").click();
    JsonObject paused = Eventually.until("the pause", 30_000,
        () -> browser.node().client().get("/v1/campaigns/" + campaignId).json(),
        c -> "paused".equals(c.getString("status")));
    browser.waitUntil(d -> now(d, "campaign-status", e -> e.getAttribute("class")).contains("status-paused"));
    browser.screenshot("campaign-paused");
    assertThat(paused.getJsonObject("counts").getLong("sent")).isLessThan(BULK);

    find("action-resume").click();
    Eventually.until("the resume", 30_000, () -> browser.node().client().get("/v1/campaigns/" + campaignId).json(),
        c -> !"paused".equals(c.getString("status")));
    JsonObject done = browser.node().awaitFinished(campaignId);
    assertThat(done.getString("status")).isEqualTo("completed");
    browser.waitUntil(d -> now(d, "campaign-status", e -> e.getAttribute("class")).contains("status-completed"));
    browser.screenshot("campaign-resumed-completed");
    Map<String, List<String>> got = received();
    for (int i = 0; i < BULK; i++) {
      assertThat(got.get("bulk" + i + DOMAIN)).as("bulk%d", i).containsExactly("Hello Bulk " + i);
    }
  }

  @Test
  @Order(5)
  void anAdminAddsFindsAndRemovesAManualOneButNotABounce() {
    browser.signIn(Role.ADMIN);
    browser.open("/console/suppressions");
    driver.findElement(By.id("add-email")).sendKeys("Manual" + DOMAIN);
    driver.findElement(By.id("add-note")).sendKeys("asked on the phone");
    driver.findElement(By.id("add")).click();
    assertThat(textOf("notice")).contains("manual" + DOMAIN);
    assertThat(browser.node().suppression("manual" + DOMAIN).get("Reason").s()).isEqualTo("MANUAL");

    driver.findElement(By.id("q")).clear();
    driver.findElement(By.id("q")).sendKeys("manual");
    driver.findElement(By.id("search")).click();
    browser.waitUntil(d -> d.getCurrentUrl().contains("q=manual"));
    assertThat(textOf("suppression-list")).contains("manual" + DOMAIN).contains("asked on the phone")
        .doesNotContain(BOUNCED);
    browser.screenshot("suppressions-search");

    driver.findElement(By.cssSelector("tr[data-address='manual" + DOMAIN + "'] button.remove")).click();
    assertThat(textOf("notice")).contains("manual" + DOMAIN);
    assertThat(browser.node().suppression("manual" + DOMAIN)).isEmpty();
    assertThat(driver.findElements(By.id("suppression-list"))).isEmpty();

    browser.open("/console/suppressions?q=bounced");
    assertThat(textOf("suppression-list")).contains(BOUNCED).contains("bounce");
    driver.findElement(By.id("remove-email")).sendKeys(BOUNCED);
    driver.findElement(By.id("remove")).click();
    assertThat(textOf("suppression-error")).contains("bounce");
    browser.screenshot("suppressions-bounce-refused");
    assertThat(browser.node().suppression(BOUNCED).get("Reason").s()).isEqualTo("BOUNCE");
  }

  @Test
  @Order(6)
  void aMarketerMayAddButNotRemoveAndAViewerNeither() {
    browser.signIn(Role.MARKETER);
    browser.open("/console/suppressions");
    assertThat(driver.findElements(By.id("add-form"))).hasSize(1);
    assertThat(driver.findElements(By.id("remove-form"))).isEmpty();
    assertThat(post("/console/suppressions/remove", "email=" + BOUNCED)).isEqualTo(403);

    browser.signIn(Role.VIEWER);
    browser.open("/console/suppressions");
    assertThat(driver.findElements(By.id("add-form"))).isEmpty();
    browser.screenshot("suppressions-viewer");
    assertThat(post("/console/suppressions/add", "email=viewer" + DOMAIN)).isEqualTo(403);
    assertThat(browser.node().suppression("viewer" + DOMAIN)).isEmpty();

    browser.open("/console/suppressions?lang=ko");
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("수신 거부 목록");
    assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("ko");
    browser.open("/console/suppressions?lang=en");
  }

  /** A POST from the page with the session's CSRF token (as htmx sends it), answered with its status. */
  private static long post(String path, String form) {
    return (Long) ((JavascriptExecutor) driver).executeAsyncScript(
        "var done = arguments[arguments.length - 1];"
            + "var token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];"
            + "fetch(arguments[0], {method: 'POST', headers: {'X-CSRF-Token': token,"
            + " 'Content-Type': 'application/x-www-form-urlencoded'}, body: arguments[1]})"
            + ".then(function (r) { done(r.status); });", path, form);
  }
}
