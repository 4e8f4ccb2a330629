package io.mailroom.console;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.mailroom.console.auth.SignInDelay;
import io.mailroom.testing.SettableClock;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long console sessions live and how sign-ins are slowed, on a node whose clock the test
 * holds still and moves on: automatic refreshes alone do not keep a session alive, a session ends
 * at its longest life however busy, a changed password ends the sessions opened before it, and a
 * flood of wrong passwords sent at once gets only the free attempts' passwords checked (last: it
 * slows this node's address).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleSessionTest {
  private static final SettableClock CLOCK = new SettableClock();
  private static Instant now = Instant.now();
  private static Vertx vertx;
  private static JsonObject console;
  private static TestNode node;
  private static TestNode rotated;
  private static ConsoleHttp http;

  @BeforeAll
  static void start() throws Exception {
    CLOCK.stop(now);
    vertx = Vertx.vertx();
    console = ConsoleBrowser.consoleJson().put("sessionMinutes", 10).put("sessionMaxHours", 1);
    node = TestNode.named("consoleSession").clock(CLOCK).config(json -> json.put("console", console.copy()))
        .start(vertx);
    http = new ConsoleHttp(node.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (rotated != null) {
      rotated.close();
    }
    if (node != null) {
      node.close();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  void automaticRefreshesAloneDoNotKeepASessionAlive() throws Exception {
    String refreshed = http.session("viewer", ConsoleBrowser.password(Role.VIEWER));
    String used = http.session("marketer", ConsoleBrowser.password(Role.MARKETER));
    for (int minutes : new int[] {5, 4}) {
      advance(Duration.ofMinutes(minutes));
      assertThat(http.refresh(refreshed).statusCode()).as("a refresh within the idle time").isEqualTo(200);
      assertThat(http.page(used).statusCode()).isEqualTo(200);
    }
    advance(Duration.ofMinutes(3));
    HttpResponse<String> late = http.refresh(refreshed);
    assertThat(late.statusCode()).as("refreshes alone kept the session for 12 of its 10 idle minutes").isEqualTo(401);
    assertThat(late.headers().firstValue("HX-Redirect").orElseThrow()).startsWith("/console/signin");
    assertThat(http.page(refreshed).statusCode()).isEqualTo(303);
    assertThat(http.page(used).statusCode()).as("a page the user asked for moved the idle expiry on").isEqualTo(200);
  }

  @Test
  @Order(2)
  void aSessionEndsAtItsLongestLifeHoweverBusy() throws Exception {
    String session = http.session("admin", ConsoleBrowser.password(Role.ADMIN));
    for (int i = 0; i < 6; i++) {
      advance(Duration.ofMinutes(9));
      assertThat(http.page(session).statusCode()).as("after %d minutes", 9 * (i + 1)).isEqualTo(200);
    }
    advance(Duration.ofMinutes(7));
    HttpResponse<String> after = http.page(session);
    assertThat(after.statusCode()).as("a request 61 minutes after sign-in, with sessionMaxHours 1").isEqualTo(303);
    assertThat(after.headers().firstValue("Location").orElseThrow()).startsWith("/console/signin");
  }

  @Test
  @Order(3)
  void aChangedPasswordEndsTheSessionsOpenedBeforeIt() throws Exception {
    String marketer = http.session("marketer", ConsoleBrowser.password(Role.MARKETER));
    String viewer = http.session("viewer", ConsoleBrowser.password(Role.VIEWER));
    JsonObject changed = console.copy();
    changed.getJsonArray("users").stream().map(JsonObject.class::cast)
        .filter(u -> "marketer".equals(u.getString("name")))
        .forEach(u -> u.put("passwordHash", BCrypt.withDefaults().hashToString(4, "a new password".toCharArray())));
    rotated = TestNode.named("consoleSessionRotated").clock(CLOCK).config(json -> {
      json.put("console", changed);
      json.getJsonObject("dynamodb").put("tablePrefix", node.mailroom().config().dynamodb().tablePrefix());
    }).start(vertx);
    ConsoleHttp rotatedHttp = new ConsoleHttp(rotated.port());

    assertThat(rotatedHttp.page(viewer).statusCode()).as("an unchanged user's session, on the other node")
        .isEqualTo(200);
    assertThat(rotatedHttp.page(marketer).statusCode()).as("the session of a user whose password hash changed")
        .isEqualTo(303);
    assertThat(http.page(marketer).statusCode()).as("the same session where the old hash is still configured")
        .isEqualTo(200);
  }

  @Test
  @Order(4)
  void wrongPasswordsSentAtOnceGetOnlyTheFreeAttemptsCheckedAndTheRightOneGoesInAfterTheWait() throws Exception {
    advance(Duration.ofMinutes(30));
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    List<ConsoleHttp.SignInForm> forms = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      forms.add(http.form());
    }
    for (int i = 0; i < forms.size(); i++) {
      answers.add(http.signInAsync(forms.get(i), "admin", "guess " + i));
    }
    int checked = 0;
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      HttpResponse<String> reply = answer.get(120, TimeUnit.SECONDS);
      assertThat(reply.statusCode()).isIn(401, 429, 503);
      if (reply.statusCode() == 401) {
        checked++;
      } else {
        assertThat(reply.headers().firstValue("Retry-After")).isPresent();
      }
    }
    assertThat(checked).as("passwords checked of 20 sent at once").isBetween(1, SignInDelay.FREE);
    assertThat(failures("admin")).as("the account's counted failures").isEqualTo(checked);

    advance(Duration.ofSeconds(SignInDelay.MAX_SECONDS + 1));
    assertThat(http.signIn(http.form(), "admin", ConsoleBrowser.password(Role.ADMIN)).statusCode())
        .as("the right password after the wait").isEqualTo(303);
    assertThat(failures("admin")).as("a sign-in forgets the account's failures").isZero();
  }

  private static void advance(Duration by) {
    now = now.plus(by);
    CLOCK.stop(now);
  }

  /** The failed attempts counted against the account name, as stored. */
  private static long failures(String name) throws Exception {
    String key = "signin:account:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(name.getBytes(StandardCharsets.UTF_8)));
    Map<String, AttributeValue> item = node.mailroom().aws().dynamo().getItem(b -> b.consistentRead(true)
        .tableName(node.mailroom().tables().console()).key(Map.of("Key", AttributeValue.fromS(key))))
        .get(30, TimeUnit.SECONDS).item();
    return item == null || !item.containsKey("Failures") ? 0 : Long.parseLong(item.get("Failures").n());
  }
}
