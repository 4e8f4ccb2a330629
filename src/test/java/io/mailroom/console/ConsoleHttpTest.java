package io.mailroom.console;

import io.mailroom.api.WebhookSignature;
import io.mailroom.audit.ActorSignature;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.SettableClock;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console over plain HTTP, as any client could speak to it: the session cookie's attributes,
 * POSTs refused without the session's CSRF token, sign-out, missing assets, the audit's actor, a
 * refused search answered with the refusal's status, and failed sign-ins slowed alike for known and
 * unknown names (last: it slows this node's address).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleHttpTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern HIDDEN = Pattern.compile("name=\"(formToken|csrf)\" value=\"([^\"]+)\"");
  private static Vertx vertx;
  private static TestNode node;
  /** The node's clock: stopped while a test needs a sign-in's wait not to run out under it. */
  private static final SettableClock CLOCK = new SettableClock();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = TestNode.named("consoleHttp").config(json -> json.put("console", ConsoleBrowser.consoleJson()))
        .clock(CLOCK).start(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) {
      node.close();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  void signInSetsAStrictHttpOnlyCookieAndPostsNeedTheSessionsCsrfToken() throws Exception {
    HttpResponse<String> signedIn = signIn("marketer", ConsoleBrowser.password(Role.MARKETER));
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue("/console/campaigns");
    String cookie = signedIn.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("mailroom_session=")).findFirst().orElseThrow();
    assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/console")
        .doesNotContain("Secure").doesNotContain("Max-Age");
    String session = cookie.substring(0, cookie.indexOf(';'));

    HttpResponse<String> page = send(get("/console/campaigns").header("Cookie", session));
    assertThat(page.statusCode()).isEqualTo(200);
    for (String asset : new String[] {"htmx.min.js", "console.css", "console.js"}) {
      assertThat(send(get("/console/assets/" + asset)).statusCode()).as(asset).isEqualTo(200);
    }
    assertThat(send(get("/console/assets/..%2Fsignin.peb")).statusCode()).isEqualTo(404);
    String csrf = hidden(page.body(), "csrf");

    assertThat(send(post("/console/signout", "").header("Cookie", session)).statusCode()).isEqualTo(403);
    assertThat(send(post("/console/signout", "csrf=" + csrf.substring(1) + "A").header("Cookie", session))
        .statusCode()).isEqualTo(403);
    assertThat(send(post("/console/signout", "").header("Cookie", session).header("X-CSRF-Token", "nope"))
        .statusCode()).isEqualTo(403);
    assertThat(send(get("/console/campaigns").header("Cookie", session)).statusCode())
        .as("the refused sign-outs left the session open").isEqualTo(200);

    HttpResponse<String> out = send(post("/console/signout", "").header("Cookie", session).header("X-CSRF-Token", csrf));
    assertThat(out.statusCode()).isEqualTo(303);
    HttpResponse<String> after = send(get("/console/campaigns").header("Cookie", session));
    assertThat(after.statusCode()).isEqualTo(303);
    assertThat(after.headers().firstValue("Location").orElseThrow()).startsWith("/console/signin");
  }

  @Test
  @Order(2)
  void pagesAreInKoreanForAKoreanBrowserAndTheChoiceIsRemembered() throws Exception {
    HttpResponse<String> korean = send(get("/console/signin").header("Accept-Language", "ko-KR,ko;q=0.9,en;q=0.5"));
    assertThat(korean.body()).contains("<html lang=\"ko\">").contains("<label for=\"password\">비밀번호</label>");
    HttpResponse<String> chosen = send(get("/console/signin?lang=en").header("Accept-Language", "ko"));
    assertThat(chosen.body()).contains("<html lang=\"en\">").contains(">Password</label>");
    String cookie = chosen.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("mailroom_lang=en"))
        .findFirst().orElseThrow();
    assertThat(send(get("/console/signin").header("Accept-Language", "ko")
        .header("Cookie", cookie.substring(0, cookie.indexOf(';')))).body()).contains("<html lang=\"en\">");
  }

  @Test
  @Order(3)
  void missingAssetsAre404AndNotKept() throws Exception {
    assertThat(send(get("/console/assets/console.css")).statusCode()).isEqualTo(200);
    int kept = Assets.kept();
    for (int i = 0; i < 200; i++) {
      assertThat(send(get("/console/assets/missing-" + i + ".js")).statusCode()).isEqualTo(404);
    }
    assertThat(Assets.kept()).as("names that are no file leave nothing behind").isEqualTo(kept);
    assertThat(send(get("/console/assets/console.css")).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void theAuditNamesTheActorOnlyWhenItsSignatureVerifies() throws Exception {
    String secret = node.mailroom().config().webhook().secrets().get(0);
    java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofDays(2)).truncatedTo(
        java.time.temporal.ChronoUnit.SECONDS);
    String body = "{\"templateId\":\"t\",\"sendAt\":\"" + later + "\"}";
    String named = campaign("{\"templateId\":\"t\",\"sendAt\":\"" + later.plusSeconds(60) + "\"}", "admin",
        signature -> ActorSignature.sign(secret, signature, "admin"));
    String forged = campaign(body, "admin", signature -> ActorSignature.sign("another secret", signature, "admin"));

    java.util.List<String> created = Eventually.until("both creates audited (written once answered)", 30_000,
        () -> node.client().get("/v1/audit?limit=10").json().getJsonArray("entries").stream()
            .map(e -> (JsonObject) e).filter(e -> e.getString("action").equals("campaign.create"))
            .map(e -> e.getString("actor") + " " + e.getString("target")).toList(), list -> list.size() >= 2);
    assertThat(created).contains("admin " + named, "api " + forged);
    assertThat(node.client().get("/v1/audit?limit=1").json().getString("next")).isNotNull();
  }

  @Test
  @Order(5)
  void aSuppressionSearchTheApiRefusesIsAnsweredWithItsStatus() throws Exception {
    HttpResponse<String> signedIn = signIn("viewer", ConsoleBrowser.password(Role.VIEWER));
    String cookie = signedIn.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("mailroom_session=")).findFirst().orElseThrow();
    HttpResponse<String> refused = send(get("/console/suppressions?q=" + encode("<ann>"))
        .header("Cookie", cookie.substring(0, cookie.indexOf(';'))));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("id=\"search-error\"").contains("q: q must be the start of an email address");
  }

  @Test
  @Order(6)
  void failedSignInsAreSlowedTheSameForKnownAndUnknownNames() throws Exception {
    // no time passes on the node while the failures pile up, so the wait they earn cannot run out
    // between the refused attempt and the right password, however slow the machine
    CLOCK.stop(Instant.now());
    HttpResponse<String> unknown = signIn("nobody", "a guess");
    HttpResponse<String> wrong = signIn("admin", "a guess");
    assertThat(unknown.statusCode()).isEqualTo(401).isEqualTo(wrong.statusCode());
    assertThat(message(unknown.body())).isEqualTo(message(wrong.body())).contains("Wrong name or password");

    HttpResponse<String> slowed = null;
    for (int attempt = 0; attempt < 20 && slowed == null; attempt++) {
      HttpResponse<String> answer = signIn("viewer", "guess " + attempt);
      if (answer.statusCode() == 429) {
        slowed = answer;
      }
    }
    assertThat(slowed).as("an attempt within the wait after repeated failures is refused").isNotNull();
    assertThat(message(slowed.body())).matches("Too many failed attempts: try again in \\d+ s\\.");
    assertThat(signIn("viewer", ConsoleBrowser.password(Role.VIEWER)).statusCode())
        .as("the right password is refused too while the wait lasts, and tells so").isEqualTo(429);
  }

  private static String campaign(String body, String actor, java.util.function.UnaryOperator<String> actorSignature) {
    SignedClient client = node.client();
    HttpRequest.Builder request = client.signed("POST", "/v1/campaigns", body.getBytes(StandardCharsets.UTF_8));
    String signature = request.build().headers().firstValue(WebhookSignature.SIGNATURE_HEADER).orElseThrow();
    SignedClient.Reply reply = client.send(request.header("Content-Type", "application/json")
        .header(ActorSignature.ACTOR_HEADER, actor).header(ActorSignature.SIGNATURE_HEADER, actorSignature.apply(signature))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertThat(reply.status()).isEqualTo(202);
    return reply.json().getString("campaignId");
  }

  private static HttpResponse<String> signIn(String name, String password) throws Exception {
    HttpResponse<String> form = send(get("/console/signin"));
    String cookie = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("mailroom_signin="))
        .findFirst().orElseThrow();
    String body = "name=" + encode(name) + "&password=" + encode(password) + "&formToken="
        + encode(hidden(form.body(), "formToken"));
    return send(post("/console/signin", body).header("Cookie", cookie.substring(0, cookie.indexOf(';'))));
  }

  private static String hidden(String html, String field) {
    Matcher m = HIDDEN.matcher(html);
    while (m.find()) {
      if (m.group(1).equals(field)) {
        return m.group(2);
      }
    }
    throw new AssertionError("no " + field + " in the page");
  }

  private static String message(String html) {
    Matcher m = Pattern.compile("id=\"signin-error\" role=\"alert\">([^<]*)<").matcher(html);
    return m.find() ? m.group(1) : "";
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).GET();
  }

  private static HttpRequest.Builder post(String path, String form) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
