package io.mailroom.console;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A node with one console user of each role (name = the role's key, password {@link #password}),
 * and a headless Chromium (Debian's {@code /usr/bin/chromium} through {@code /usr/bin/chromedriver})
 * that signs in as one of them. Meant to be shared by the tests of one class: start it once, close
 * it at the end. A machine without the browser fails the test; it never skips.
 */
public final class ConsoleBrowser implements AutoCloseable {
  public static final String CHROMIUM = "/usr/bin/chromium";
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final TestNode node;
  private final WebDriver driver;
  private final String base;

  private ConsoleBrowser(TestNode node, WebDriver driver) {
    this.node = node;
    this.driver = driver;
    this.base = "http://127.0.0.1:" + node.port();
  }

  /** A node named after {@code test} with the three users, and a browser. */
  public static ConsoleBrowser start(Vertx vertx, String test) throws Exception {
    return start(vertx, test, builder -> { });
  }

  /** As {@link #start(Vertx, String)}, the node changed by {@code node} (customers, config) before it starts. */
  public static ConsoleBrowser start(Vertx vertx, String test, Consumer<TestNode.Builder> node) throws Exception {
    TestNode.Builder builder = TestNode.named(test).config(json -> json.put("console", consoleJson()));
    node.accept(builder);
    TestNode started = builder.start(vertx);
    try {
      return new ConsoleBrowser(started, chromium(test));
    } catch (RuntimeException | Error e) {
      started.close();
      throw e;
    }
  }

  /** The {@code console} section of the config: the three users with their test passwords. */
  public static JsonObject consoleJson() {
    JsonArray users = new JsonArray();
    for (Role role : Role.values()) {
      users.add(new JsonObject().put("name", role.key()).put("role", role.key())
          .put("passwordHash", BCrypt.withDefaults().hashToString(4, password(role).toCharArray())));
    }
    return new JsonObject().put("enabled", true).put("users", users).put("sessionMinutes", 480)
        .put("secureCookie", "auto");
  }

  /** The user's password in these tests. */
  public static String password(Role role) {
    return role.key() + "-password-for-tests";
  }

  private static WebDriver chromium(String test) {
    if (!new File(CHROMIUM).canExecute() || !new File(CHROMEDRIVER).canExecute()) {
      throw new AssertionError(CHROMIUM + " and " + CHROMEDRIVER + " are needed for the console's browser tests:"
          + " mvn verify installs them (src/test/browser/install-chromium.sh), or apt-get install chromium"
          + " chromium-driver");
    }
    Path profile;
    try {
      profile = Files.createTempDirectory(Files.createDirectories(Path.of("target", "chromium")),
          test.replaceAll("[^A-Za-z0-9]", ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  public TestNode node() {
    return node;
  }

  public WebDriver driver() {
    return driver;
  }

  /** {@code http://127.0.0.1:<port>}: the node's API server, where the console is. */
  public String base() {
    return base;
  }

  /** Signs out whoever is signed in (by forgetting the cookies) and signs in as the user of {@code role}. */
  public void signIn(Role role) {
    driver.manage().deleteAllCookies();
    open("/console/signin");
    driver.findElement(By.id("name")).sendKeys(role.key());
    driver.findElement(By.id("password")).sendKeys(password(role));
    driver.findElement(By.id("signin")).click();
    waitUntil(d -> !d.getCurrentUrl().contains("/console/signin"));
  }

  /** Opens {@code path} (such as {@code /console/campaigns}) on the node. */
  public void open(String path) {
    driver.get(base + path);
  }

  /** Waits (30 s at most) for {@code condition} of the page. */
  public <T> T waitUntil(java.util.function.Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).until(condition::apply);
  }

  /** Saves the page as {@code target/screenshots/<name>.png}. */
  public Path screenshot(String name) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "screenshots"));
      Path file = dir.resolve(name + ".png");
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      driver.quit();
    } finally {
      node.close();
    }
  }
}
