package io.mailroom.console.authoring;

import io.mailroom.console.ConsoleBrowser;
import io.mailroom.console.Role;
import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suppressions page in a real browser: an admin adds a manual suppression, finds it, removes it,
 * and is refused (with the reason) when removing a bounce; a viewer sees no form and its POST is refused.
 */
class SuppressionPagesTest {
  private static final String DOMAIN = "@supp-pages.test";
  private static final String BOUNCED = "bounced" + DOMAIN;
  private static Vertx vertx;
  private static ConsoleBrowser browser;
  private static WebDriver driver;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    browser = ConsoleBrowser.start(vertx, "suppressionPages", node -> node.customers(2, i -> "customer" + i + DOMAIN)
        .seed(n -> new SuppressionStore(n.aws().dynamo(), n.tables().suppressions())
            .suppress(BOUNCED, Suppression.BOUNCE, "General", System.currentTimeMillis())));
    driver = browser.driver();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    vertx.close().await();
  }

  private static String text(String id) {
    return browser.waitUntil(d -> d.findElement(By.id(id))).getText();
  }

  @Test
  void anAdminAddsFindsAndRemovesAManualOneButNotABounce() {
    browser.signIn(Role.ADMIN);
    browser.open("/console/suppressions");
    driver.findElement(By.id("add-email")).sendKeys("Manual" + DOMAIN);
    driver.findElement(By.id("add-note")).sendKeys("asked on the phone");
    driver.findElement(By.id("add")).click();
    assertThat(text("notice")).contains("manual" + DOMAIN);
    assertThat(browser.node().suppression("manual" + DOMAIN).get("Reason").s()).isEqualTo("MANUAL");

    driver.findElement(By.id("q")).clear();
    driver.findElement(By.id("q")).sendKeys("manual");
    driver.findElement(By.id("search")).click();
    browser.waitUntil(d -> d.getCurrentUrl().contains("q=manual"));
    assertThat(text("suppression-list")).contains("manual" + DOMAIN).contains("asked on the phone")
        .doesNotContain(BOUNCED);
    browser.screenshot("suppressions-search");

    driver.findElement(By.cssSelector("tr[data-address='manual" + DOMAIN + "'] button.remove")).click();
    assertThat(text("notice")).contains("manual" + DOMAIN);
    assertThat(browser.node().suppression("manual" + DOMAIN)).isEmpty();
    assertThat(driver.findElements(By.id("suppression-list"))).isEmpty();

    browser.open("/console/suppressions?q=bounced");
    assertThat(text("suppression-list")).contains(BOUNCED).contains("bounce");
    driver.findElement(By.id("remove-email")).sendKeys(BOUNCED);
    driver.findElement(By.id("remove")).click();
    assertThat(text("suppression-error")).contains("bounce");
    browser.screenshot("suppressions-bounce-refused");
    assertThat(browser.node().suppression(BOUNCED).get("Reason").s()).isEqualTo("BOUNCE");
  }

  @Test
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
