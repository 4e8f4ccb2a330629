package io.mailroom.compliance.notices;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailroom.bus.Channels;
import io.mailroom.bus.ConsentChange;
import io.mailroom.testing.DynamoFaultProxy;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.SesRejectingProxy;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
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
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consent notices of the Korean profile when their stores and SES fail, on a node whose
 * DynamoDB calls pass a fault-injecting proxy in front of dynalite and whose SES rejects one
 * address with an error that names it: a consent given again on the page whose save failed half
 * way is confirmed once and written back when the customer saves again; a reconfirmation is not
 * sent to a customer who withdrew while it waited; a stalled claim cannot overwrite the claim that
 * took over; a customer sent their reconfirmation is passed by without a claim; no address reaches
 * the log.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsentNoticeFaultsTest {
  private static final long DAY = 86_400_000L;
  private static final long WAIT = 60_000;
  private static final String DOMAIN = "@faults.test";
  private static final String RECONFIRM_SUBJECT = "광고성 정보 수신동의 여부 확인";
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static final List<ConsentChange> PUBLISHED = new CopyOnWriteArrayList<>();
  private static DynamoFaultProxy dynamo;
  private static DynamoFaultProxy.Hold lateClaim;
  private static AtomicInteger onceCalls;
  private static SesRejectingProxy rejectingSes;
  private static TestNode node;
  private static SignedClient client;
  private static MessageConsumer<ConsentChange> listener;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger("io.mailroom")).addAppender(LOGS);
    long due = System.currentTimeMillis() - (730 - 5) * DAY;
    dynamo = new DynamoFaultProxy(LocalServices.dynamo().endpoint());
    lateClaim = dynamo.hold("UpdateItem", "reconfirm#" + email("late"));
    onceCalls = dynamo.count("UpdateItem", "reconfirm#" + email("once"));
    rejectingSes = new SesRejectingProxy(LocalServices.ses().endpoint(), email("rejected"));
    node = TestNode.named("notice-faults").publicPort().config(json -> {
      json.getJsonObject("dynamodb").put("endpoint", dynamo.endpoint());
      json.getJsonObject("ses").put("endpoint", rejectingSes.endpoint());
      ConsentNoticesTest.korean(json);
    }).customers(List.of(customer("late", due), customer("once", due), customer("rejected", due),
        customer("again", 0), customer("lift", 0), customer("stale", 0), customer("written", 0))).start(vertx);
    client = node.client();
    listener = Channels.CONSENT_CHANGED.localConsumer(vertx.eventBus(), m -> PUBLISHED.add(m.body()));
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("io.mailroom")).detachAppender(LOGS);
    lateClaim.release();
    if (listener != null) {
      listener.unregister();
    }
    if (node != null) {
      node.close();
    }
    rejectingSes.close();
    dynamo.close();
  }

  @Test
  @Order(1)
  void aCustomerWhoWithdrawsWhileTheirReconfirmationWaitsDoesNotGetIt() throws Exception {
    Eventually.until("the reconfirmation's claim held", WAIT, lateClaim.held::get, n -> n > 0);
    assertThat(oneClick("late").status()).isEqualTo(200);
    Eventually.until("the withdrawal applied", WAIT, () -> node.user(email("late")),
        u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()));
    lateClaim.release();
    Map<String, AttributeValue> item = Eventually.until("the reconfirmation settled", WAIT,
        () -> notice(NoticeStore.reconfirmId(email("late"), anniversary())),
        found -> found.containsKey("State") && !"SENDING".equals(found.get("State").s()));
    assertThat(item.get("State").s()).isEqualTo("SKIPPED");
    assertThat(item.get("LastError").s()).isEqualTo("Unsubscribed");
    assertThat(subjects("late")).noneMatch(s -> s.contains(RECONFIRM_SUBJECT));
  }

  @Test
  @Order(2)
  void consentWhoseConfirmationCouldNotBeRecordedIsConfirmedOnceWhenSavedAgain() throws Exception {
    long left = unsubscribed("again");
    dynamo.refuseNext("PutItem", 1, "Notices", email("again"), "#in\"");
    assertThat(consent("again", left).status()).isEqualTo(503);
    assertThat(consent("again", left).status()).isEqualTo(200);
    confirmedOnceAndWrittenBack("again");
  }

  @Test
  @Order(2)
  void consentWrittenBeforeTheSaveFailedIsConfirmedOnceAndWrittenBackWhenSavedAgain() throws Exception {
    long left = unsubscribed("lift");
    AtomicInteger failed = dynamo.refuseNext("DeleteItem", 1, email("lift"));
    assertThat(consent("lift", left).status()).isEqualTo(503);
    assertThat(failed.get()).as("the unsubscribe's lift failed, after the consent was written").isEqualTo(1);
    assertThat(consent("lift", left).status()).isEqualTo(200);
    confirmedOnceAndWrittenBack("lift");
    assertThat(node.suppression(email("lift"))).isEmpty();
    assertThat(node.user(email("lift"))).doesNotContainKey("ConsentFollowUp");
  }

  private static void confirmedOnceAndWrittenBack(String name) throws Exception {
    long consentAt = Long.parseLong(node.user(email(name)).get("ConsentAt").n());
    Eventually.until("the consent's confirmation sent", WAIT,
        () -> notice(NoticeStore.changeId(email(name), true, consentAt)),
        item -> item.containsKey("State") && "SENT".equals(item.get("State").s()));
    Eventually.until("the consent published for the write-back", WAIT, () -> PUBLISHED,
        list -> list.stream().anyMatch(c -> c.email().equals(email(name)) && c.subscribed() && c.at() == consentAt));
    assertThat(subjects(name)).filteredOn(s -> s.endsWith("You are subscribed")).hasSize(1);
  }

  @Test
  @Order(2)
  void aConsentIsConfirmedOnceItsWriteLandsAndOneNeverWrittenIsSuperseded() throws Exception {
    NoticeStore store = new NoticeStore(node.mailroom().aws().dynamo(), node.mailroom().tables().notices());
    long stale = System.currentTimeMillis() - ChangeConfirmations.SETTLE_MILLIS - 60_000;
    store.pending(email("stale"), true, stale, "page", stale).await(30, TimeUnit.SECONDS);
    String staleId = NoticeStore.changeId(email("stale"), true, stale);
    set(node.mailroom().tables().notices(), "Id", staleId, "CreatedAt", AttributeValue.fromN(Long.toString(stale)));
    long now = System.currentTimeMillis();
    store.pending(email("written"), true, now, "page", now).await(30, TimeUnit.SECONDS);
    String writtenId = NoticeStore.changeId(email("written"), true, now);
    Eventually.until("the confirmation put off while its consent is not written", WAIT, () -> notice(writtenId),
        item -> "PENDING".equals(item.get("State").s()) && Long.parseLong(item.get("DueAt").n()) > now);
    set(node.mailroom().tables().users(), "Email", email("written"), "ConsentAt",
        AttributeValue.fromN(Long.toString(now)));

    Eventually.until("the written consent confirmed", WAIT, () -> notice(writtenId),
        item -> "SENT".equals(item.get("State").s()));
    Map<String, AttributeValue> skipped = Eventually.until("the unwritten one superseded", WAIT, () -> notice(staleId),
        item -> "SKIPPED".equals(item.get("State").s()));
    assertThat(skipped.get("LastError").s()).isEqualTo("Superseded");
    assertThat(subjects("stale")).isEmpty();
    assertThat(subjects("written")).hasSize(1);
  }

  @Test
  @Order(2)
  void aClaimThatStalledCannotOverwriteTheClaimThatTookItOver() throws Exception {
    NoticeStore store = new NoticeStore(node.mailroom().aws().dynamo(), node.mailroom().tables().notices());
    long at = System.currentTimeMillis() + 3_600_000; // due in an hour: the node's own sweep leaves it alone
    String id = NoticeStore.changeId(email("owner"), false, at);
    store.pending(email("owner"), false, at, "one_click", 0).await(30, TimeUnit.SECONDS);
    assertThat(store.claimChange(id, "stalled").await(30, TimeUnit.SECONDS)).isTrue();
    long staleClaim = System.currentTimeMillis() - NoticeStore.CLAIM_MILLIS - 60_000;
    set(node.mailroom().tables().notices(), "Id", id, "ClaimedAt", AttributeValue.fromN(Long.toString(staleClaim)));
    assertThat(store.claimChange(id, "took-over").await(30, TimeUnit.SECONDS)).isTrue();

    store.failed(id, "stalled", "late failure", at, true).await(30, TimeUnit.SECONDS);
    assertThat(notice(id).get("State").s()).as("the stalled claim's failure changes nothing").isEqualTo("SENDING");
    store.sent(id, "took-over", "message-1").await(30, TimeUnit.SECONDS);
    Map<String, AttributeValue> item = notice(id);
    assertThat(item.get("State").s()).isEqualTo("SENT");
    assertThat(item).doesNotContainKey("DueShard").doesNotContainKey("LastError");
  }

  @Test
  @Order(2)
  void aCustomerSentTheirReconfirmationIsPassedByWithoutAClaim() throws Exception {
    String anniversary = anniversary();
    Eventually.until("the reconfirmation marked on the customer", WAIT, () -> node.user(email("once")),
        u -> u.containsKey("ReconfirmedFor") && anniversary.equals(u.get("ReconfirmedFor").s()));
    assertThat(notice(NoticeStore.reconfirmId(email("once"), anniversary)).get("State").s()).isEqualTo("SENT");
    int calls = onceCalls.get();
    long runs = leases();
    Eventually.until("two more runs of the job", WAIT, ConsentNoticeFaultsTest::leases, n -> n >= runs + 2);
    assertThat(onceCalls.get()).as("no claim since").isEqualTo(calls);
    assertThat(subjects("once")).hasSize(1);
  }

  @Test
  @Order(2)
  void aNoticeSesRefusesNamingTheAddressLeavesTheAddressOutOfTheLog() throws Exception {
    Eventually.until("the reconfirmation refused", WAIT,
        () -> notice(NoticeStore.reconfirmId(email("rejected"), anniversary())),
        item -> item.containsKey("LastError") && item.get("LastError").s().contains("MessageRejected"));
    assertThat(oneClick("rejected").status()).isEqualTo(200);
    long at = Long.parseLong(Eventually.until("the unsubscribe applied", WAIT, () -> node.suppression(email("rejected")),
        s -> s.containsKey("UnsubscribeAt") && !s.containsKey("Pending")).get("UnsubscribeAt").n());
    Eventually.until("the confirmation refused", WAIT, () -> notice(NoticeStore.changeId(email("rejected"), false, at)),
        item -> item.containsKey("LastError") && item.get("LastError").s().contains("MessageRejected"));
    List<String> lines = List.copyOf(LOGS.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).as("both refusals logged").anyMatch(l -> l.contains("confirmation not sent")
        && l.contains("MessageRejected")).anyMatch(l -> l.contains("reconfirmation not sent")
        && l.contains("MessageRejected"));
    assertThat(lines).as("no address in the log").noneMatch(l -> l.contains(email("rejected")));
  }

  private static long unsubscribed(String name) throws Exception {
    assertThat(oneClick(name).status()).isEqualTo(200);
    Eventually.until("the unsubscribe's confirmation", WAIT, () -> subjects(name), list -> list.size() == 1);
    return Long.parseLong(Eventually.until("the unsubscribe applied", WAIT, () -> node.user(email(name)),
        u -> u.containsKey("UnsubscribedAt")).get("UnsubscribedAt").n());
  }

  private static SignedClient.Reply consent(String name, long left) {
    String token = node.tokens().seal(email(name), "c_faults", Instant.ofEpochMilli(left + 1));
    return client.send(client.unsigned("/u/" + token).header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("action=preferences&topic=newsletter")).build());
  }

  private static SignedClient.Reply oneClick(String name) {
    String token = node.tokens().seal(email(name), "c_faults", Instant.now());
    return client.send(client.unsigned("/u/" + token).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
  }

  private static String email(String name) {
    return name + DOMAIN;
  }

  private static Map<String, AttributeValue> customer(String name, long consentAt) {
    Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of("Email", AttributeValue.fromS(email(name)),
        "Name", AttributeValue.fromS("Mina " + name), "SubscriptionStatus", AttributeValue.fromBool(true)));
    if (consentAt > 0) {
      item.put("ConsentAt", AttributeValue.fromN(Long.toString(consentAt)));
    }
    return item;
  }

  private static String anniversary() {
    return java.time.LocalDate.ofInstant(Instant.ofEpochMilli(System.currentTimeMillis() - (730 - 5) * DAY),
        NoticeComposer.KOREA).plusYears(2).toString();
  }

  /** The subjects of every email the emulator holds to {@code name}'s address. */
  private static List<String> subjects(String name) {
    JsonArray emails = LocalServices.ses().emails();
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < emails.size(); i++) {
      JsonObject email = emails.getJsonObject(i);
      if (email.getJsonObject("destination").getJsonArray("to").getString(0).equals(email(name))) {
        out.add(email.getString("subject"));
      }
    }
    return out;
  }

  private static Map<String, AttributeValue> notice(String id) throws Exception {
    return node.mailroom().aws().dynamo().getItem(b -> b.tableName(node.mailroom().tables().notices())
        .consistentRead(true).key(Map.of("Id", AttributeValue.fromS(id)))).get(10, TimeUnit.SECONDS).item();
  }

  private static void set(String table, String keyName, String key, String name, AttributeValue value) throws Exception {
    node.mailroom().aws().dynamo().updateItem(b -> b.tableName(table).key(Map.of(keyName, AttributeValue.fromS(key)))
        .updateExpression("SET #a = :v").expressionAttributeNames(Map.of("#a", name))
        .expressionAttributeValues(Map.of(":v", value))).get(10, TimeUnit.SECONDS);
  }

  private static long leases() throws Exception {
    return node.mailroom().aws().dynamo().scan(b -> b.tableName(node.mailroom().tables().seen())
        .filterExpression("begins_with(#k, :r)").expressionAttributeNames(Map.of("#k", "Key"))
        .expressionAttributeValues(Map.of(":r", AttributeValue.fromS("reconfirm:")))).get(10, TimeUnit.SECONDS).count();
  }
}
