package io.mailroom.compliance.notices;

import io.mailroom.Mailroom;
import io.mailroom.subscription.Suppression;
import io.mailroom.subscription.SuppressionStore;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.ReceivedEmail;
import io.mailroom.testing.SesEmulator;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SnsPublisher;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consent notices of the Korean profile on two nodes sharing their tables, through the SES
 * emulator: the two-year reconfirmation goes once per customer and cycle, and each consent change
 * made through the unsubscribe routes is confirmed once, never to a complained address, and a
 * pending confirmation left by a node that stopped is sent by the sweep, once.
 */
@ExtendWith(VertxExtension.class)
class ConsentNoticesTest {
  private static final long DAY = 86_400_000L;
  private static final long WAIT = 60_000;
  private static final String DOMAIN = "@notices.test";
  private static TestNode first;
  private static TestNode second;
  private static SignedClient client;
  private static SesEmulator ses;
  private static SnsPublisher sns;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    long now = System.currentTimeMillis();
    sns = new SnsPublisher();
    first = TestNode.named("notices").publicPort().config(ConsentNoticesTest::korean).sesEvents(sns, 300)
        .customers(List.of(
            customer("due", true, now - (730 - 5) * DAY, 0),
            customer("year", true, now - 365 * DAY, 0),
            customer("left", false, now - (730 - 5) * DAY, 0),
            customer("undated", true, 0, (now - (730 - 3) * DAY) / 1000),
            customer("blocked", true, now - (730 - 5) * DAY, 0), customer("complains", true, now - (730 - 5) * DAY, 0),
            customer("c-once", true, 0, 0), customer("c-again", true, 0, 0), customer("c-complained", true, 0, 0),
            customer("c-crash", true, 0, 0), customer("c-stuck", true, 0, 0)))
        .seed(node -> suppressions(node).suppress(email("blocked"), Suppression.COMPLAINT, "test", now)
            .compose(v -> suppressions(node).suppress(email("c-complained"), Suppression.COMPLAINT, "test", now)))
        .start(vertx);
    Mailroom one = first.mailroom();
    second = TestNode.named("notices-b").config(ConsentNoticesTest::korean).config(json -> {
      json.getJsonObject("dynamodb").put("tablePrefix", one.config().dynamodb().tablePrefix());
      json.getJsonObject("sqs").put("queueName", one.config().sqs().queueName())
          .put("deadLetterQueueName", one.config().sqs().deadLetterQueueName());
    }).start(vertx);
    client = first.client();
    ses = LocalServices.ses();
  }

  @AfterAll
  static void stop() throws Exception {
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
    sns.close();
  }

  static void korean(JsonObject json) {
    JsonObject compliance = json.getJsonObject("compliance").put("profile", "kr").put("confirmSweepSeconds", 1);
    compliance.getJsonObject("reconfirm").put("intervalSeconds", 1);
    json.getJsonObject("templates").put("cacheSeconds", 0);
  }

  private static SuppressionStore suppressions(Mailroom node) {
    return new SuppressionStore(node.aws().dynamo(), node.tables().suppressions());
  }

  static String email(String name) {
    return name + DOMAIN;
  }

  private static Map<String, AttributeValue> customer(String name, boolean subscribed, long consentAt, long created) {
    Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of("Email", AttributeValue.fromS(email(name)),
        "Name", AttributeValue.fromS("Mina " + name), "SubscriptionStatus", AttributeValue.fromBool(subscribed)));
    if (consentAt > 0) {
      item.put("ConsentAt", AttributeValue.fromN(Long.toString(consentAt)));
    }
    if (created > 0) {
      item.put("CreateTime", AttributeValue.fromN(Long.toString(created)));
    }
    return item;
  }

  @Test
  void aCustomerNearTheTwoYearAnniversaryGetsOneNoticeWhateverRunsAndNodes() throws Exception {
    JsonObject notice = Eventually.until("the reconfirmation", WAIT, () -> to("due"), list -> !list.isEmpty()).get(0);
    Eventually.until("the undated customer's reconfirmation", WAIT, () -> to("undated"), list -> !list.isEmpty());
    Map<String, AttributeValue> claim = Eventually.until("its claim settled", WAIT,
        () -> notice(NoticeStore.reconfirmId(email("due"), anniversaryOf(5))), item -> item.containsKey("SentAt"));
    long runs = seenLeases();
    Eventually.until("two more runs of the job", WAIT, ConsentNoticesTest::seenLeases, n -> n >= runs + 2);

    assertThat(to("due")).hasSize(1);
    assertThat(to("undated")).hasSize(1);
    assertThat(claim.get("State").s()).isEqualTo("SENT");
    assertThat(claim.get("Attempts").n()).isEqualTo("1");
    assertThat(to("year")).as("one year after consent").isEmpty();
    assertThat(to("left")).as("unsubscribed").isEmpty();
    assertThat(to("blocked")).as("suppressed").isEmpty();

    ReceivedEmail read = ReceivedEmail.parse(ses.rawEmail(notice.getString("messageId")));
    String consented = NoticeComposer.date(System.currentTimeMillis() - (730 - 5) * DAY);
    assertThat(read.subject()).startsWith("[Mailroom Fashion] 광고성 정보 수신동의 여부 확인 안내").doesNotContain("(광고)");
    assertThat(read.text()).contains("전송자: Mailroom Fashion", "수신동의 날짜: " + consented,
        "You consented on: " + consented, "/u/").doesNotContain("본 메일은 광고성 정보입니다");
    assertThat(read.text().indexOf("수신동의를 유지하시려면")).isLessThan(read.text().indexOf("To keep your consent"));
    assertThat(read.html()).doesNotContain("legal-footer");
    assertThat(read.headers()).containsKey("list-unsubscribe");
  }

  @Test
  void aOneClickUnsubscribeIsConfirmedOnceAndARepeatAddsNothing() throws Exception {
    assertThat(oneClick("c-once").status()).isEqualTo(200);
    JsonObject sent = Eventually.until("the confirmation", WAIT, () -> to("c-once"), list -> !list.isEmpty()).get(0);
    long firstAt = Long.parseLong(first.suppression(email("c-once")).get("UnsubscribeAt").n());
    assertThat(oneClick("c-once").status()).isEqualTo(200);
    long repeatAt = Long.parseLong(Eventually.until("the repeat applied", WAIT, () -> first.suppression(email("c-once")),
        s -> !s.get("UnsubscribeAt").n().equals(Long.toString(firstAt)) && !s.containsKey("Pending"))
        .get("UnsubscribeAt").n());
    assertThat(notice(NoticeStore.changeId(email("c-once"), false, repeatAt))).as("nothing recorded").isEmpty();
    assertThat(notice(NoticeStore.changeId(email("c-once"), false, firstAt)).get("State").s()).isEqualTo("SENT");
    assertThat(to("c-once")).hasSize(1);
    ReceivedEmail read = ReceivedEmail.parse(ses.rawEmail(sent.getString("messageId")));
    assertThat(read.subject()).isEqualTo("[Mailroom Fashion] 수신거부 처리 결과 안내 / You are unsubscribed");
    assertThat(read.text()).contains("전송자: Mailroom Fashion", "수신거부 완료", "Result: unsubscribed")
        .doesNotContain("(광고)");
  }

  @Test
  void consentGivenAgainOnThePageIsConfirmedToo() throws Exception {
    assertThat(oneClick("c-again").status()).isEqualTo(200);
    Eventually.until("the unsubscribe's confirmation", WAIT, () -> to("c-again"), list -> list.size() == 1);
    long left = Long.parseLong(Eventually.until("the unsubscribe applied", WAIT, () -> first.user(email("c-again")),
        u -> u.containsKey("UnsubscribedAt")).get("UnsubscribedAt").n());
    String fresh = first.tokens().seal(email("c-again"), "c_notice", Instant.ofEpochMilli(left + 1));
    SignedClient.Reply again = client.send(client.unsigned("/u/" + fresh).header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("action=preferences&topic=newsletter")).build());
    assertThat(again.status()).isEqualTo(200);
    List<JsonObject> both = Eventually.until("the consent's confirmation", WAIT, () -> to("c-again"),
        list -> list.size() == 2);
    assertThat(both.stream().map(e -> e.getString("subject")).toList()).containsExactlyInAnyOrder(
        "[Mailroom Fashion] 수신거부 처리 결과 안내 / You are unsubscribed",
        "[Mailroom Fashion] 수신동의 처리 결과 안내 / You are subscribed");
  }

  @Test
  void aComplainedAddressGetsNoConfirmation() throws Exception {
    assertThat(oneClick("c-complained").status()).isEqualTo(200);
    long at = Long.parseLong(Eventually.until("the unsubscribe applied", WAIT, () -> first.suppression(email("c-complained")),
        s -> s.containsKey("UnsubscribeAt") && !s.containsKey("Pending")).get("UnsubscribeAt").n());
    Map<String, AttributeValue> skipped = Eventually.until("the confirmation skipped", WAIT,
        () -> notice(NoticeStore.changeId(email("c-complained"), false, at)),
        item -> item.containsKey("State") && "SKIPPED".equals(item.get("State").s()));
    assertThat(skipped.get("LastError").s()).isEqualTo("Complained");
    assertThat(to("c-complained")).isEmpty();
  }

  @Test
  void aPendingConfirmationLeftByAStoppedNodeIsSentOnceByTheSweep() throws Exception {
    SignedClient.Reply edited = putTemplate(NoticeTemplates.CHANGE, new JsonObject().put("name", "edited")
        .put("subject", "Edited for {{ SenderName }}").put("html", "<p>{{ ChangeDate }} {{ UnsubscribeURL }}</p>"));
    assertThat(edited.status()).isIn(200, 201);
    try {
      sweptOnce();
    } finally {
      io.mailroom.campaign.Template original = NoticeTemplates.defaults(NoticeTemplates.CHANGE);
      assertThat(putTemplate(NoticeTemplates.CHANGE, new JsonObject().put("name", original.name())
          .put("subject", original.subject()).put("html", original.html()).put("text", original.text())).status())
          .isEqualTo(200);
    }
  }

  private static void sweptOnce() throws Exception {
    long at = System.currentTimeMillis() - 60_000;
    NoticeStore store = new NoticeStore(first.mailroom().aws().dynamo(), first.mailroom().tables().notices());
    store.pending(email("c-crash"), false, at, "one_click", 0).await(30, TimeUnit.SECONDS);
    store.pending(email("c-crash"), false, at, "one_click", 0).await(30, TimeUnit.SECONDS);
    JsonObject sent = Eventually.until("the swept confirmation", WAIT, () -> to("c-crash"), l -> !l.isEmpty()).get(0);
    Map<String, AttributeValue> item = Eventually.until("its claim settled", WAIT,
        () -> notice(NoticeStore.changeId(email("c-crash"), false, at)), found -> found.containsKey("SentAt"));
    assertThat(to("c-crash")).hasSize(1);
    assertThat(sent.getString("subject")).isEqualTo("Edited for Mailroom Fashion");
    assertThat(item.get("State").s()).isEqualTo("SENT");
    assertThat(item.get("Attempts").n()).isEqualTo("1");
    assertThat(item).doesNotContainKey("DueShard");
  }

  @Test
  void aConfirmationClaimedByANodeThatStoppedMidSendIsSentOnceItsClaimRunsOut() throws Exception {
    long at = System.currentTimeMillis() - 60 * 60_000;
    String id = NoticeStore.changeId(email("c-stuck"), false, at);
    NoticeStore store = new NoticeStore(first.mailroom().aws().dynamo(), first.mailroom().tables().notices());
    store.pending(email("c-stuck"), false, at, "one_click", 0).await(30, TimeUnit.SECONDS);
    long claimedAt = System.currentTimeMillis() - NoticeStore.CLAIM_MILLIS - 60_000;
    // the state a node leaves when it stops after its claim and before the send: SENDING, claimed long ago
    first.mailroom().aws().dynamo().updateItem(b -> b.tableName(first.mailroom().tables().notices())
        .key(Map.of("Id", AttributeValue.fromS(id)))
        .updateExpression("SET #state = :sending, ClaimedAt = :claimed, DueAt = :due, Attempts = :one")
        .expressionAttributeNames(Map.of("#state", "State"))
        .expressionAttributeValues(Map.of(":sending", AttributeValue.fromS("SENDING"),
            ":claimed", AttributeValue.fromN(Long.toString(claimedAt)),
            ":due", AttributeValue.fromN(Long.toString(claimedAt + NoticeStore.CLAIM_MILLIS)),
            ":one", AttributeValue.fromN("1")))).get(30, TimeUnit.SECONDS);

    Map<String, AttributeValue> item = Eventually.until("the stuck confirmation sent", WAIT, () -> notice(id),
        found -> found.containsKey("SentAt"));
    assertThat(to("c-stuck")).hasSize(1);
    assertThat(item.get("Attempts").n()).isEqualTo("2");
    assertThat(item).doesNotContainKey("DueShard");
    assertThat(store.claimChange(id, "a-later-sweep").await(30, TimeUnit.SECONDS)).as("a sent one is not taken again").isFalse();
  }

  @Test
  void aComplaintAboutANoticeSuppressesTheAddress() throws Exception {
    JsonObject notice = Eventually.until("the reconfirmation", WAIT, () -> to("complains"), l -> !l.isEmpty()).get(0);
    JsonObject mail = new JsonObject().put("messageId", notice.getString("messageId"))
        .put("destination", new JsonArray().add(email("complains"))).put("tags", new JsonObject()
            .put("campaign", new JsonArray().add(NoticeComposer.RECONFIRM_CAMPAIGN))
            .put("delivery", new JsonArray().add("notice-unknown")));
    JsonObject complaint = new JsonObject().put("eventType", "Complaint").put("mail", mail).put("complaint",
        new JsonObject().put("complaintFeedbackType", "abuse").put("complainedRecipients",
            new JsonArray().add(new JsonObject().put("emailAddress", email("complains")))));
    SignedClient.Reply reply = client.send(client.unsigned("/v1/ses/events")
        .header("Content-Type", "text/plain; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(sns.notification(complaint).encode())).build());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(Eventually.until("the complaint applied", WAIT, () -> first.suppression(email("complains")),
        item -> item.containsKey("Reason")).get("Reason").s()).isEqualTo("COMPLAINT");
  }

  /** Every email the emulator holds to {@code name}'s address. */
  private static List<JsonObject> to(String name) {
    JsonArray emails = ses.emails();
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < emails.size(); i++) {
      JsonObject email = emails.getJsonObject(i);
      if (email.getJsonObject("destination").getJsonArray("to").getString(0).equals(email(name))) {
        out.add(email);
      }
    }
    return out;
  }

  private static String anniversaryOf(int daysAhead) {
    return java.time.LocalDate.ofInstant(Instant.ofEpochMilli(System.currentTimeMillis() - (730 - daysAhead) * DAY),
        NoticeComposer.KOREA).plusYears(2).toString();
  }

  private static Map<String, AttributeValue> notice(String id) throws Exception {
    return first.mailroom().aws().dynamo().getItem(b -> b.tableName(first.mailroom().tables().notices())
        .consistentRead(true).key(Map.of("Id", AttributeValue.fromS(id)))).get(10, TimeUnit.SECONDS).item();
  }

  /** How many intervals the reconfirmation job has been leased for: a clock of the notices' own runs. */
  private static long seenLeases() throws Exception {
    return first.mailroom().aws().dynamo().scan(b -> b.tableName(first.mailroom().tables().seen())
        .filterExpression("begins_with(#k, :r)").expressionAttributeNames(Map.of("#k", "Key"))
        .expressionAttributeValues(Map.of(":r", AttributeValue.fromS("reconfirm:")))).get(10, TimeUnit.SECONDS).count();
  }

  private static SignedClient.Reply oneClick(String name) {
    String token = first.tokens().seal(email(name), "c_notice", Instant.now());
    return client.send(client.unsigned("/u/" + token).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
  }

  private static SignedClient.Reply putTemplate(String id, JsonObject body) {
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    return client.send(client.signed("PUT", "/v1/templates/" + id, bytes).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }
}
