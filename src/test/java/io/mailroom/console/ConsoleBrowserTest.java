package io.mailroom.console;

import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesFaultProxy;
import io.mailroom.testing.SignedClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser: sign-in refused and accepted, an expired session, a POST without
 * its CSRF token, a viewer's page and POST, and a campaign started through the API followed to
 * completion on its page, paused and resumed there. One node and one browser for the class.
 */
class ConsoleBrowserTest {
  private static final int CUSTOMERS = 40;
  /** The one customer whose email SES rejects: the campaign's one failure. */
  private static final String REJECTED = "console-browser-7@example.com";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Vertx vertx;
  private static SesFaultProxy ses;
  private static ConsoleBrowser browser;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    ses = new SesFaultProxy(LocalServices.ses().endpoint(), 0, Set.of(REJECTED), 0);
    browser = ConsoleBrowser.start(vertx, "consoleBrowser", node -> node
        .customers(CUSTOMERS, i -> "console-browser-" + i + "@example.com")
        .config(json -> {
          json.getJsonObject("ses").put("endpoint", ses.endpoint());
          json.getJsonObject("limiter").put("maxRate", 5);
          json.getJsonObject("fetcher").put("resumeSeconds", 1);
        }));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (ses != null) {
      ses.close();
    }
    vertx.close().await();
  }

  @Test
  void aWrongPasswordIsRefusedAndTheRightOneSignsIn() {
    WebDriver driver = browser.driver();
    driver.manage().deleteAllCookies();
    browser.open("/console/signin");
    driver.findElement(By.id("name")).sendKeys("marketer");
    driver.findElement(By.id("password")).sendKeys("not the password");
    driver.findElement(By.id("signin")).click();
    String error = browser.waitUntil(d -> d.findElement(By.id("signin-error"))).getText();
    browser.screenshot("signin-refused");
    assertThat(error).contains("Wrong name or password");
    assertThat(driver.manage().getCookieNamed("mailroom_session")).isNull();

    browser.signIn(Role.MARKETER);
    assertThat(driver.getCurrentUrl()).endsWith("/console/campaigns");
    assertThat(driver.findElement(By.id("signed-in-as")).getText()).contains("marketer");
    browser.screenshot("campaigns");
  }

  @Test
  void everyPageIsLabelledNamedAndReadableAndSignInWorksFromTheKeyboard() {
    WebDriver driver = browser.driver();
    driver.get("data:text/html,<html><body><input id=q><button></button><img src=x>"
        + "<p style='color:%23bbbbbb;background:%23ffffff'>faint</p><a href=/ tabindex=2>home</a></body></html>");
    assertThat(PageAudit.problems(driver)).as("the audit finds what a page lacks").hasSize(6);
    driver.manage().deleteAllCookies();
    browser.open("/console/signin");
    assertThat(PageAudit.problems(driver)).as("/console/signin").isEmpty();
    // the keyboard alone: the name field has the focus, Tab reaches the password, Enter signs in
    driver.switchTo().activeElement().sendKeys("admin");
    driver.switchTo().activeElement().sendKeys(Keys.TAB);
    driver.switchTo().activeElement().sendKeys(ConsoleBrowser.password(Role.ADMIN) + Keys.ENTER);
    browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/campaigns"));
    for (String path : List.of("/console/campaigns", "/console/campaigns/new", "/console/templates",
        "/console/templates/new", "/console/suppressions", "/console/audit", "/console/campaigns?lang=ko")) {
      browser.open(path);
      assertThat(PageAudit.problems(driver)).as(path).isEmpty();
    }
  }

  @Test
  void anExpiredSessionLeadsToTheSignInPage() throws Exception {
    browser.signIn(Role.VIEWER);
    expireSessions();
    browser.open("/console/campaigns");
    browser.waitUntil(d -> d.getCurrentUrl().contains("/console/signin"));
    assertThat(browser.driver().findElements(By.id("signed-in-as"))).isEmpty();
    browser.screenshot("signin-after-expiry");
  }

  @Test
  void aPostWithoutTheCsrfTokenIsRefusedAndChangesNothing() throws Exception {
    String id = scheduledCampaign();
    browser.signIn(Role.MARKETER);
    browser.open("/console/campaigns/" + id);
    HttpResponse<String> refused = post("/console/campaigns/" + id + "/cancel", "");
    HttpResponse<String> wrong = post("/console/campaigns/" + id + "/cancel", "csrf=" + "x".repeat(43));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("did not come from a console page");
    assertThat(post("/console/campaigns/" + id + "/pause", "").statusCode()).isEqualTo(403);
    assertThat(status(id)).isEqualTo("scheduled");

    HttpResponse<String> accepted = post("/console/campaigns/" + id + "/cancel", "csrf=" + csrf());
    assertThat(accepted.statusCode()).as("the same POST with the session's token is carried out").isEqualTo(303);
    assertThat(status(id)).isEqualTo("cancelled");
  }

  @Test
  void aViewerSeesNoActionsAndItsPostIsRefused() throws Exception {
    String id = scheduledCampaign();
    browser.signIn(Role.VIEWER);
    browser.open("/console/campaigns/" + id);
    browser.waitUntil(d -> d.findElement(By.id("campaign-status")));
    assertThat(browser.driver().findElements(By.cssSelector("[id^=action-]"))).isEmpty();
    assertThat(browser.driver().findElements(By.linkText("New campaign"))).isEmpty();
    browser.screenshot("campaign-viewer");
    HttpResponse<String> refused = post("/console/campaigns/" + id + "/cancel", "csrf=" + csrf());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("may not do this with your role");
    assertThat(status(id)).isEqualTo("scheduled");
  }

  @Test
  void theCampaignPageFollowsACampaignToTheEndAndPausesAndResumesIt() throws Exception {
    String id = browser.node().startCampaign();
    browser.signIn(Role.MARKETER);
    browser.open("/console/campaigns/" + id);
    browser.waitUntil(d -> d.findElement(By.id("action-pause")).isEnabled());
    browser.screenshot("campaign-running");
    browser.driver().findElement(By.id("action-pause")).click();
    browser.waitUntil(d -> d.getCurrentUrl().contains("done=pause"));
    assertThat(status(id)).isEqualTo("paused");
    assertThat(browser.driver().findElement(By.id("action-pause")).isEnabled()).isFalse();
    browser.screenshot("campaign-paused");

    browser.driver().findElement(By.id("action-resume")).click();
    browser.waitUntil(d -> d.getCurrentUrl().contains("done=resume"));
    JsonObject finished = browser.node().awaitFinished(id);
    assertThat(finished.getString("status")).isEqualTo("completed");
    assertThat(finished.getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS - 1);
    assertThat(finished.getJsonObject("counts").getLong("failed")).isEqualTo(1);
    browser.waitUntil(d -> text(d, "campaign-status").equals("completed"));
    browser.waitUntil(d -> text(d, "count-sent").equals(Integer.toString(CUSTOMERS - 1)));
    assertThat(text(browser.driver(), "count-failed")).isEqualTo("1");
    assertThat(text(browser.driver(), "campaign-percent")).isEqualTo("100%");
    assertThat(browser.driver().findElement(By.id("failures")).getText()).contains(REJECTED)
        .contains("MessageRejected");
    assertThat(browser.driver().findElement(By.id("action-cancel")).isEnabled()).isFalse();
    assertThat(browser.driver().findElement(By.id("action-resend")).isEnabled())
        .as("a completed campaign with a failure can be re-sent to it").isTrue();
    browser.screenshot("campaign-completed");
    browser.driver().findElement(By.id("action-resend")).click();
    browser.waitUntil(d -> d.getCurrentUrl().contains("done=resend") || !text(d, "action-error").isEmpty());
    browser.screenshot("campaign-resend");

    browser.signIn(Role.ADMIN);
    browser.open("/console/audit");
    String audit = browser.waitUntil(d -> d.findElement(By.id("audit"))).getText();
    assertThat(audit).contains("marketer campaign.pause " + id).contains("marketer campaign.resume " + id)
        .contains("api campaign.create " + id);
    browser.screenshot("audit");
  }

  private static String text(WebDriver driver, String id) {
    try {
      return driver.findElement(By.id(id)).getText().trim();
    } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
      return "";
    }
  }

  private static String scheduledCampaign() {
    String at = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    return browser.node().startCampaign("{\"templateId\":\"t\",\"sendAt\":\"" + at + "\"}");
  }

  private static String status(String id) {
    SignedClient.Reply reply = browser.node().client().get("/v1/campaigns/" + id);
    return reply.json().getString("status");
  }

  private static String csrf() {
    return browser.driver().findElement(By.cssSelector("form[action='/console/signout'] input[name=csrf]"))
        .getAttribute("value");
  }

  /** A form POST with the browser's session cookie, as another site's page or a script would send it. */
  private static HttpResponse<String> post(String path, String form) throws Exception {
    String session = browser.driver().manage().getCookieNamed("mailroom_session").getValue();
    return HTTP.send(HttpRequest.newBuilder(URI.create(browser.base() + path))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "mailroom_session=" + session)
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every session of the node ends now, as when its idle time ran out. */
  private static void expireSessions() throws Exception {
    var dynamo = browser.node().mailroom().aws().dynamo();
    String table = browser.node().mailroom().tables().console();
    var items = dynamo.scan(b -> b.tableName(table)).get().items();
    for (Map<String, AttributeValue> item : items) {
      if (item.get("Key").s().startsWith("session:")) {
        dynamo.updateItem(b -> b.tableName(table).key(Map.of("Key", item.get("Key")))
            .updateExpression("SET ExpiresAt = :past")
            .expressionAttributeValues(Map.of(":past", AttributeValue.fromN(Long.toString(
                Instant.now().getEpochSecond() - 1))))).get();
      }
    }
  }
}
