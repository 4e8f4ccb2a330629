package io.mailroom.console;

import at.favre.lib.crypto.bcrypt.BCrypt;
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

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long console sessions live, on a node whose clock the test
 * holds still and moves on: automatic refreshes alone do not keep a session alive, a session ends
 * at its longest life however busy, and a changed password ends the sessions opened before it.
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
    changed.getJsonArray("users").stream().map(JsonObject.class::cast).filter(u -> "marketer".equals(u.getString("name")))
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

  private static void advance(Duration by) {
    now = now.plus(by);
    CLOCK.stop(now);
  }
}
