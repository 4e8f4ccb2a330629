package io.mailroom.api;

import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionStore;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suppression routes on a real node over dynalite: a manual suppression is added once (a second
 * add changes nothing), found by prefix and by address, removed; a bounce is never removed; and a
 * campaign reaches every consenting customer but the manually suppressed one.
 */
@ExtendWith(VertxExtension.class)
class SuppressionRoutesTest {
  private static final String DOMAIN = "@suppressions.test";
  private static final String BOUNCED = "bounced" + DOMAIN;
  private static TestNode test;
  private static SignedClient client;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    test = TestNode.named("suppressionroutes")
        .customers(4, i -> "customer" + i + DOMAIN)
        .seed(node -> new SuppressionStore(node.aws().dynamo(), node.tables().suppressions())
            .suppress(BOUNCED, Suppression.BOUNCE, "General", System.currentTimeMillis()))
        .start(vertx);
    client = test.client();
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
  }


  private static List<String> addresses(SignedClient.Reply reply) {
    JsonArray list = reply.json().getJsonArray("suppressions");
    return list.stream().map(o -> ((JsonObject) o).getString("address")).toList();
  }

  @Test
  void aManualSuppressionIsAddedOnceFoundAndRemoved() {
    SignedClient.Reply added = client.put("/v1/suppressions/Manual.One" + DOMAIN, "{\"reason\": \"manual\", \"note\": \"asked by phone\"}");
    assertThat(added.status()).isEqualTo(201);
    assertThat(added.json().getString("address")).isEqualTo("manual.one" + DOMAIN);
    assertThat(added.json().getString("reason")).isEqualTo("manual");
    assertThat(added.json().getString("note")).isEqualTo("asked by phone");
    SignedClient.Reply again = client.put("/v1/suppressions/manual.one" + DOMAIN, "{}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("since")).isEqualTo(added.json().getString("since"));
    client.put("/v1/suppressions/manual.two" + DOMAIN, "{}");

    assertThat(addresses(client.get("/v1/suppressions?q=manual.&limit=10")))
        .containsExactlyInAnyOrder("manual.one" + DOMAIN, "manual.two" + DOMAIN);
    assertThat(addresses(client.get("/v1/suppressions?q=manual.one" + DOMAIN + "&match=exact")))
        .containsExactly("manual.one" + DOMAIN);

    assertThat(client.delete("/v1/suppressions/manual.one" + DOMAIN).status()).isEqualTo(204);
    assertThat(test.suppression("manual.one" + DOMAIN)).isEmpty();
    assertThat(client.delete("/v1/suppressions/manual.one" + DOMAIN).json().getJsonObject("error").getString("code"))
        .isEqualTo("suppression_not_found");
    assertThat(addresses(client.get("/v1/suppressions?q=manual."))).containsExactly("manual.two" + DOMAIN);
  }

  @Test
  void aBounceIsNotRemovedNorReplaced() {
    SignedClient.Reply refused = client.delete("/v1/suppressions/" + BOUNCED);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().getJsonObject("error").getString("code")).isEqualTo("suppression_not_manual");
    assertThat(refused.json().getJsonObject("error").getString("reason")).isEqualTo("bounce");
    assertThat(test.suppression(BOUNCED).get("Reason").s()).isEqualTo("BOUNCE");

    SignedClient.Reply kept = client.put("/v1/suppressions/" + BOUNCED, "{\"note\": \"again\"}");
    assertThat(kept.status()).isEqualTo(200);
    assertThat(kept.json().getString("reason")).isEqualTo("bounce");
    assertThat(kept.json().getString("source")).isEqualTo("ses");
  }

  @Test
  void anInvalidAddressIsRefusedNamingTheField() {
    SignedClient.Reply refused = client.put("/v1/suppressions/not%20an%20address", "{}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getJsonObject("error").getString("field")).isEqualTo("email");
    assertThat(test.suppression("not an address")).isEmpty();
  }

  @Test
  void aSearchPagesThroughTheTable() {
    for (int i = 0; i < 5; i++) {
      client.put("/v1/suppressions/paged" + i + DOMAIN, "{}");
    }
    List<String> seen = new java.util.ArrayList<>();
    String next = "/v1/suppressions?q=paged&limit=2";
    while (next != null) {
      SignedClient.Reply page = client.get(next);
      assertThat(page.status()).isEqualTo(200);
      assertThat(addresses(page)).hasSizeLessThanOrEqualTo(2);
      seen.addAll(addresses(page));
      next = page.json().getString("next");
    }
    assertThat(seen).containsExactlyInAnyOrder("paged0" + DOMAIN, "paged1" + DOMAIN, "paged2" + DOMAIN,
        "paged3" + DOMAIN, "paged4" + DOMAIN);
  }

  @Test
  void aCampaignSkipsTheManuallySuppressedCustomer() {
    SesEmulator ses = LocalServices.ses();
    assertThat(client.put("/v1/suppressions/customer2" + DOMAIN, "{}").status()).isEqualTo(201);

    String campaignId = test.startCampaign();
    JsonObject done = test.awaitFinished(campaignId);

    assertThat(done.getString("status")).isEqualTo("completed");
    Map<String, Long> received = ses.recipients().stream().filter(to -> to.endsWith(DOMAIN))
        .collect(Collectors.groupingBy(to -> to, Collectors.counting()));
    assertThat(received).isEqualTo(Map.of("customer0" + DOMAIN, 1L, "customer1" + DOMAIN, 1L,
        "customer3" + DOMAIN, 1L));
  }
}
