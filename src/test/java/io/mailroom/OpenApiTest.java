package io.mailroom;

import io.mailroom.subscription.UnsubscribeToken;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.mailroom.local.DemoData;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document against a running node: every route of the node's routers is in it and
 * nothing else is, every refusal it lists for an operation has a request in {@code x-refusals},
 * and each of those requests, sent to the node, gets that status and error code.
 */
@ExtendWith(VertxExtension.class)
class OpenApiTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  private static TestNode node;
  private static Map<String, Object> document;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void start(Vertx vertx) throws Exception {
    node = TestNode.named("openapi").customers(DemoData.customers(1)).start(vertx);
    try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.yaml")) {
      document = new Yaml().load(in);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> paths() {
    return (Map<String, Map<String, Object>>) document.get("paths");
  }

  @Test
  void theDocumentIsServedAsItIs() throws Exception {
    SignedClient.Reply reply = node.client().send(node.client().unsigned("/v1/openapi.yaml").GET().build());
    assertThat(reply.status()).isEqualTo(200);
    try (InputStream in = OpenApiTest.class.getResourceAsStream("/openapi.yaml")) {
      assertThat(reply.body()).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertThat(document.get("openapi")).isEqualTo("3.1.0");
  }

  @Test
  void everyRouteOfTheNodeIsInTheDocumentAndNothingElse() {
    Set<String> documented = new TreeSet<>();
    paths().forEach((path, item) -> item.keySet().stream().filter(METHODS::contains)
        .forEach(method -> documented.add(method.toUpperCase() + " " + path)));
    Set<String> routed = new TreeSet<>();
    for (String route : node.mailroom().routes()) {
      routed.add(route.replaceAll(":([A-Za-z]+)", "{$1}"));
    }
    assertThat(documented).as("the routes of the node's routers").isEqualTo(routed);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyListedRefusalHasARequestThatReachesIt() {
    List<String> checked = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    paths().forEach((path, item) -> item.forEach((method, value) -> {
      if (!METHODS.contains(method)) {
        return;
      }
      Map<String, Object> operation = (Map<String, Object>) value;
      Set<Integer> listed = new TreeSet<>();
      ((Map<Object, Object>) operation.get("responses")).keySet().stream().map(String::valueOf)
          .filter(code -> code.startsWith("4")).forEach(code -> listed.add(Integer.parseInt(code)));
      List<Map<String, Object>> refusals = (List<Map<String, Object>>) operation.getOrDefault("x-refusals", List.of());
      Set<Integer> covered = new TreeSet<>();
      for (Map<String, Object> refusal : refusals) {
        covered.add((Integer) refusal.get("status"));
        checked.add(refusal.get("method") + " " + refusal.get("path"));
        String answer = reach(refusal);
        if (answer != null) {
          missed.add(answer);
        }
      }
      listed.removeAll(covered);
      if (!listed.isEmpty()) {
        missed.add(method + " " + path + ": no request in x-refusals for " + listed);
      }
    }));
    System.out.printf("OpenAPI: %d refusals tried, %d missed%n", checked.size(), missed.size());
    assertThat(missed).as("refusals the document lists that were not reached").isEmpty();
    assertThat(checked).hasSizeGreaterThan(40);
  }

  /**
   * Sends one {@code x-refusals} request (after its {@code before} requests); null when it got the
   * status and error code listed, else what it got.
   */
  @SuppressWarnings("unchecked")
  private static String reach(Map<String, Object> refusal) {
    String campaignId = "c_none";
    for (Map<String, Object> step : (List<Map<String, Object>>) refusal.getOrDefault("before", List.of())) {
      SignedClient.Reply reply = send(step, campaignId);
      if (reply.status() / 100 != 2) {
        return "set-up " + step + " of " + refusal.get("path") + ": got " + reply.status() + " " + reply.body();
      }
      campaignId = reply.body().startsWith("{") ? reply.json().getString("campaignId", campaignId) : campaignId;
    }
    String what = refusal.get("method") + " " + refusal.get("path") + " → " + refusal.get("status");
    SignedClient.Reply reply = send(refusal, campaignId);
    if (Boolean.TRUE.equals(refusal.get("replay"))) {
      reply = send(refusal, campaignId, reply);
    }
    JsonObject error;
    try {
      error = reply.json().getJsonObject("error");
    } catch (RuntimeException e) {
      return what + ": not a JSON error: " + reply.status() + " " + reply.body();
    }
    boolean reached = reply.status() == (Integer) refusal.get("status") && error != null
        && refusal.get("error").equals(error.getString("code")) && !error.getString("message", "").isBlank();
    return reached ? null : what + ": got " + reply.status() + " " + reply.body();
  }

  private static SignedClient.Reply send(Map<String, Object> request, String campaignId) {
    return send(request, campaignId, null);
  }

  /** One request as the document describes it; {@code replayOf} non-null: the same signed request again. */
  @SuppressWarnings("unchecked")
  private static SignedClient.Reply send(Map<String, Object> request, String campaignId, SignedClient.Reply replayOf) {
    String method = (String) request.get("method");
    String path = fill((String) request.get("path"), campaignId);
    byte[] body = body(request, campaignId);
    boolean signed = !Boolean.FALSE.equals(request.get("signed"));
    HttpRequest.Builder builder = replayOf != null ? lastSigned : signed
        ? node.client().signed(method, path, body) : node.client().unsigned(path);
    if (replayOf == null) {
      lastSigned = builder.copy();
    }
    if (body.length > 0 || !"GET".equals(method)) {
      builder.setHeader("Content-Type", (String) request.getOrDefault("contentType", "application/json"));
    }
    ((Map<String, Object>) request.getOrDefault("headers", Map.of()))
        .forEach((name, value) -> builder.setHeader(name, String.valueOf(value)));
    HttpRequest.BodyPublisher publisher = body.length == 0 ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body);
    return node.client().send(builder.method(method, publisher).build());
  }

  private static HttpRequest.Builder lastSigned;

  private static byte[] body(Map<String, Object> request, String campaignId) {
    Object size = request.get("bodyBytes");
    if (size != null) {
      return ("{\"templateId\": \"" + "x".repeat((Integer) size) + "\"}").getBytes(StandardCharsets.UTF_8);
    }
    Object body = request.get("body");
    return body == null ? new byte[0] : fill((String) body, campaignId).getBytes(StandardCharsets.UTF_8);
  }

  private static String fill(String text, String campaignId) {
    Instant now = Instant.now();
    UnsubscribeToken tokens = new UnsubscribeToken(node.mailroom().config().subscription().tokenSecrets());
    String customer = DemoData.email(0);
    return text.replace("${inThirtyDays}", now.plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString())
        .replace("${now}", now.toString())
        .replace("${campaignId}", campaignId)
        .replace("${token}", tokens.seal(customer, "c_openapi", now))
        .replace("${hourOldToken}", tokens.seal(customer, "c_openapi", now.minus(1, ChronoUnit.HOURS)))
        .replace("${previewToken}", tokens.sealPreview(customer, "preview", now));
  }
}
