package io.mailroom.console;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import static org.assertj.core.api.Assertions.assertThat;

/** Signing in to the console in a real browser: a wrong password is refused, the right one opens the campaigns. */
class ConsoleSignInTest {
  private static Vertx vertx;
  private static ConsoleBrowser browser;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    browser = ConsoleBrowser.start(vertx, "consoleSignIn");
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    vertx.close().await();
  }

  @Test
  void wrongPasswordIsRefusedAndTheRightOneSignsIn() {
    browser.driver().manage().deleteAllCookies();
    browser.open("/console/signin");
    browser.driver().findElement(By.id("name")).sendKeys("marketer");
    browser.driver().findElement(By.id("password")).sendKeys("not the password");
    browser.driver().findElement(By.id("signin")).click();
    String error = browser.waitUntil(d -> d.findElement(By.id("signin-error"))).getText();
    browser.screenshot("signin-refused");
    assertThat(error).contains("Wrong name or password");

    browser.signIn(Role.MARKETER);
    assertThat(browser.driver().getCurrentUrl()).endsWith("/console/campaigns");
    assertThat(browser.driver().findElement(By.id("signed-in-as")).getText()).contains("marketer");
    browser.screenshot("campaigns");
  }
}
