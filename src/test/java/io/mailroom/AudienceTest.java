package io.mailroom;

import io.mailroom.audience.Recipient;
import io.mailroom.local.DemoData;
import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionStore;
import io.mailroom.sync.SyncedCustomers;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Select;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audiences on a real node: the 200 demo customers and 20 written by the Syncer's writer (both item
 * shapes), one of them suppressed and one who left the newsletter topic. A campaign for
 * Gender=Female reaches exactly the women who consent; estimates equal the truth computed here
 * from the seed data, not from the filter code; a second estimate within the window answers from
 * the cache (a customer added between the two is not seen); refusals name the field and create nothing.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AudienceTest {
  private static final int DEMO = 200;
  private static final int SYNCED = 20;
  private static final String SUPPRESSED = DemoData.email(2);
  private static final String LEFT_NEWSLETTER = DemoData.email(6);
  private static final LocalDateTime SYNCED_CREATED = LocalDateTime.of(2023, 11, 10, 0, 0);
  private static TestNode node;
  private static SignedClient client;
  private static SesEmulator ses;

  /** What the test knows of each customer it seeded. */
  private record Customer(String email, String gender, long createTime, Long consentAt, boolean consents,
                          Set<String> optedOut) {
    boolean reachable(String topic) {
      return consents && !optedOut.contains(topic) && !email.equals(SUPPRESSED);
    }
  }

  private static final List<Customer> CUSTOMERS = new ArrayList<>();

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    List<Map<String, AttributeValue>> demo = DemoData.customers(DEMO).stream().map(HashMap::new)
        .collect(Collectors.toList());
    for (int i = 0; i < DEMO; i++) {
      Map<String, AttributeValue> item = demo.get(i);
      boolean leaves = item.get("Email").s().equals(LEFT_NEWSLETTER);
      if (leaves) {
        item.put("OptedOutTopics", AttributeValue.fromSs(List.of("newsletter")));
        item.put("Tier", AttributeValue.fromS("gold")); // as a column sync.columns.attributes maps would be
      }
      CUSTOMERS.add(new Customer(item.get("Email").s(), item.get("Gender").s(), Long.parseLong(item.get("CreateTime").n()),
          null, DemoData.consents(i), leaves ? Set.of("newsletter") : Set.of()));
    }
    List<SyncedCustomers.Row> synced = new ArrayList<>();
    String[] genders = {"Female", "Male", ""};
    for (int i = 0; i < SYNCED; i++) {
      LocalDateTime created = SYNCED_CREATED.plusDays(i);
      LocalDateTime consent = LocalDateTime.of(2024, 1, 1, 0, 0).plusDays(i);
      String email = String.format("synced%02d@example.org", i);
      synced.add(new SyncedCustomers.Row(1000 + i, email, "Synced " + i, genders[i % 3], created, i % 4 != 1, consent));
      CUSTOMERS.add(new Customer(email, genders[i % 3], created.toEpochSecond(ZoneOffset.UTC),
          consent.toInstant(ZoneOffset.UTC).toEpochMilli(), i % 4 != 1, Set.of()));
    }
    node = TestNode.named("audience")
        .config(json -> json.getJsonObject("sync").getJsonObject("columns").put("attributes", new JsonObject().put("tier", "Tier")))
        .seed(mailroom -> mailroom.templates().put(DemoData.template())
            .compose(v -> TestNode.users(mailroom).putAll(demo))
            .compose(v -> SyncedCustomers.write(vertx, mailroom.aws().dynamo(), mailroom.tables().users(), synced))
            .compose(v -> new SuppressionStore(mailroom.aws().dynamo(), mailroom.tables().suppressions())
                .suppress(SUPPRESSED, Suppression.MANUAL, "test", System.currentTimeMillis())))
        .start(vertx);
    client = node.client();
    ses = LocalServices.ses();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  private static Set<String> emails(Predicate<Customer> audience, String topic) {
    return CUSTOMERS.stream().filter(audience).filter(c -> c.reachable(topic)).map(Customer::email)
        .collect(Collectors.toSet());
  }

  @Test
  @Order(1)
  void aFemaleAudienceReachesExactlyTheWomenWhoConsent() {
    ses.clear();
    String audience = "{\"attribute\": \"Gender\", \"equals\": \"Female\"}";
    String id = node.startCampaign("{\"templateId\": \"" + DemoData.TEMPLATE_ID + "\", \"audience\": " + audience + "}");

    JsonObject finished = node.awaitFinished(id);
    Set<String> expected = emails(c -> c.gender().equals("Female"), "promotions");
    long women = CUSTOMERS.stream().filter(c -> c.gender().equals("Female")).count();
    assertThat(expected).contains(LEFT_NEWSLETTER).doesNotContain(SUPPRESSED).hasSizeGreaterThan(60)
        .anyMatch(email -> email.endsWith("@example.org"));
    assertThat(finished.getString("status")).isEqualTo("completed");
    assertThat(finished.getJsonObject("counts").getLong("sent")).isEqualTo(expected.size());
    assertThat(finished.getJsonObject("counts").getLong("skipped")).as("women kept from it by consent")
        .isEqualTo(women - expected.size());
    assertThat(finished.getJsonObject("audience")).isEqualTo(new JsonObject(audience));

    List<String> recipients = ses.recipients();
    assertThat(recipients).doesNotHaveDuplicates();
    assertThat(new HashSet<>(recipients)).isEqualTo(expected);
  }

  @Test
  @Order(2)
  void estimatesEqualTheTruthForEachOperator() {
    Instant joined = Instant.parse("2023-11-20T00:00:00Z");
    Map<String, Predicate<Customer>> filters = new HashMap<>();
    filters.put("{\"all\": [{\"attribute\": \"Gender\", \"equals\": \"Female\"},"
        + " {\"attribute\": \"CreateTime\", \"after\": \"2023-11-20T09:00:00+09:00\"}]}",
        c -> c.gender().equals("Female") && c.createTime() > joined.getEpochSecond());
    filters.put("{\"any\": [{\"attribute\": \"Gender\", \"equals\": \"Male\"}, {\"attribute\": \"ConsentAt\", \"exists\": true}]}",
        c -> c.gender().equals("Male") || c.consentAt() != null);
    filters.put("{\"not\": {\"attribute\": \"Gender\", \"in\": [\"Male\", \"Other\"]}}",
        c -> !c.gender().equals("Male") && !c.gender().equals("Other"));
    filters.put("{\"attribute\": \"ConsentAt\", \"before\": \"2024-01-05T00:00:00Z\"}",
        c -> c.consentAt() != null && c.consentAt() < Instant.parse("2024-01-05T00:00:00Z").toEpochMilli());
    filters.forEach((audience, truth) -> {
      for (String topic : List.of("promotions", "newsletter")) {
        JsonObject estimate = estimate("{\"audience\": " + audience + ", \"topic\": \"" + topic + "\"}");
        Set<String> reachable = emails(truth, topic);
        assertThat(estimate.getLong("customers")).as(audience).isEqualTo(CUSTOMERS.stream().filter(truth).count());
        assertThat(estimate.getLong("consenting")).as(audience + " on " + topic).isEqualTo(reachable.size());
        assertSample(estimate.getJsonArray("sample"), reachable);
      }
    });
  }

  @Test
  @Order(3)
  void everyoneIsTheWholeTableAndTheSuppressedCustomerIsNotConsenting() {
    JsonObject estimate = estimate("{}");
    System.out.printf("estimate of everyone: %d items read in %d ms%n", estimate.getLong("itemsRead"),
        estimate.getLong("scanMillis"));
    assertThat(estimate.getLong("customers")).isEqualTo(DEMO + SYNCED);
    assertThat(estimate.getLong("itemsRead")).isEqualTo(DEMO + SYNCED);
    Set<String> reachable = emails(c -> true, "promotions");
    assertThat(estimate.getLong("consenting")).isEqualTo(reachable.size());
    JsonObject suppressed = estimate("{\"audience\": {\"attribute\": \"Email\", \"equals\": \"" + SUPPRESSED.toUpperCase()
        + "\"}}");
    assertThat(suppressed.getLong("customers")).as("Email compares lower-cased").isEqualTo(1);
    assertThat(suppressed.getLong("consenting")).isZero();
    assertThat(suppressed.getJsonArray("sample")).isEmpty();
    JsonObject gold = estimate("{\"audience\": {\"attribute\": \"Tier\", \"equals\": \"gold\"}}");
    assertThat(gold.getLong("customers")).as("a mapped attribute").isEqualTo(1);
    assertThat(gold.getJsonArray("sample")).containsExactly("c***@example.com");
  }

  @Test
  @Order(4)
  void refusalsNameTheFieldAndARefusedCampaignCreatesNothing() {
    SignedClient.Reply unknown = client.post("/v1/audiences/estimate", "{\"audience\": {\"all\": [{\"attribute\": \"Gender\","
        + " \"equals\": \"Female\"}, {\"attribute\": \"ShoeSize\", \"equals\": 42}]}}");
    assertRefused(unknown, 400, "invalid_audience", "audience.all[1].attribute");
    assertRefused(client.post("/v1/audiences/estimate", "{\"topic\": \"gardening\"}"), 400, "unknown_topic", "topic");
    assertRefused(client.post("/v1/audiences/estimate", "{\"audiences\": {}}"), 400, "unknown_field", "audiences");

    long before = campaignCount();
    SignedClient.Reply refused = client.post("/v1/campaigns", "{\"templateId\": \"" + DemoData.TEMPLATE_ID
        + "\", \"audience\": {\"not\": {\"attribute\": \"CreateTime\", \"after\": \"yesterday\"}}}");
    assertRefused(refused, 400, "invalid_audience", "audience.not.after");
    SignedClient.Reply twoOperators = client.post("/v1/campaigns", "{\"templateId\": \"" + DemoData.TEMPLATE_ID
        + "\", \"audience\": {\"attribute\": \"Gender\", \"equals\": \"Female\", \"exists\": true}}");
    assertRefused(twoOperators, 400, "invalid_audience", "audience");
    assertThat(campaignCount()).as("campaigns after the refusals").isEqualTo(before);
  }

  @Test
  @Order(5)
  void aSecondEstimateWithinTheWindowDoesNotScanAgain() throws Exception {
    String others = "{\"audience\": {\"attribute\": \"Gender\", \"equals\": \"Other\"}}";
    JsonObject first = estimate(others);
    long truth = CUSTOMERS.stream().filter(c -> c.gender().equals("Other")).count();
    assertThat(first.getLong("customers")).isEqualTo(truth);
    assertThat(first.getBoolean("cached")).isFalse();

    TestNode.users(node.mailroom()).put(new Recipient("late@example.net", "Late", "Other", 1_750_000_000L, true))
        .await(10, TimeUnit.SECONDS);
    JsonObject second = estimate("{\"audience\": {\"equals\": \"Other\", \"attribute\": \"Gender\"}}");
    assertThat(second.getBoolean("cached")).as("the same canonical filter, answered from the cache").isTrue();
    assertThat(second.getString("scannedAt")).isEqualTo(first.getString("scannedAt"));
    assertThat(second.getLong("customers")).as("the customer added since is not seen: no second scan").isEqualTo(truth);

    JsonObject other = estimate("{\"audience\": {\"attribute\": \"Gender\", \"in\": [\"Other\"]}}");
    assertThat(other.getBoolean("cached")).isFalse();
    assertThat(other.getLong("customers")).as("another filter scans again and sees the new customer").isEqualTo(truth + 1);
  }

  private static JsonObject estimate(String body) {
    SignedClient.Reply reply = client.post("/v1/audiences/estimate", body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  /** Up to five masked addresses ({@code c***@example.com}), each one of the reachable customers. */
  private static void assertSample(JsonArray sample, Set<String> reachable) {
    Set<String> masks = reachable.stream().map(email -> email.charAt(0) + "***" + email.substring(email.indexOf('@')))
        .collect(Collectors.toSet());
    assertThat(sample.size()).isEqualTo(Math.min(5, reachable.size()));
    for (Object masked : sample) {
      assertThat((String) masked).matches("[a-z0-9]\\*\\*\\*@example\\.(com|org)");
      assertThat(masks).contains((String) masked);
    }
  }

  private static void assertRefused(SignedClient.Reply reply, int status, String code, String field) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    JsonObject error = reply.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(error.getString("message")).isNotBlank();
  }

  private static long campaignCount() {
    try {
      return node.mailroom().aws().dynamo().scan(b -> b.tableName(node.mailroom().tables().campaigns())
          .consistentRead(true).select(Select.COUNT)).get(10, TimeUnit.SECONDS).count();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
