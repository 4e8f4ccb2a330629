package io.mailroom;

import io.mailroom.audience.UserStore;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.FreePort;
import io.mailroom.subscription.UnsubscribeToken;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.NodeProcess;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.SlowDynamoProxy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A one-click is answered once its suppression is written, before the rest of the unsubscribe:
 * here the node, its own JVM, is killed with SIGKILL right after answering, while every follow-up
 * write is still held by a proxy in front of the real DynamoDB (so none of them was made). The
 * next node, on the same tables, finishes each of them from its suppression record: every
 * customer whose one-click was answered 200 ends unsubscribed.
 */
class OneClickCrashIT {
  private static final int CLICKS = 20;

  @Test
  void everyOneClickAnswered200IsAppliedThoughTheNodeIsKilledRightAfter(@TempDir Path dir) throws Exception {
    String prefix = LocalServices.uniquePrefix("oneclickcrash");
    int port = FreePort.pick();
    JsonObject json = nodeConfig(prefix, port);
    MailroomConfig config = MailroomConfig.from(json);
    Tables tables = Tables.withPrefix(prefix);
    SignedClient client = new SignedClient(port, config.webhook().secrets().get(0));
    try (SlowDynamoProxy store = new SlowDynamoProxy(LocalServices.dynamo().endpoint());
         AwsClients aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "",
             "us-east-1", 5000)) {
      seed(aws, tables);

      // the first node's store holds every UpdateItem (the follow-up's consent write) until the node is gone
      store.delay("UpdateItem", 600_000);
      json.getJsonObject("dynamodb").put("endpoint", store.endpoint());
      json.getJsonObject("admission").put("sweepSeconds", 3600);
      List<String> answered = clickThenDie(write(dir, "first", json), client, new UnsubscribeToken(
          config.subscription().tokenSecrets()));
      assertThat(answered).as("one-clicks answered 200 before the kill").isNotEmpty();
      for (String email : answered) {
        assertThat(item(aws, tables.users(), email).get("SubscriptionStatus").bool())
            .as("no follow-up was made before the kill").isTrue();
        assertThat(item(aws, tables.suppressions(), email)).containsKey("Pending");
      }

      json.getJsonObject("dynamodb").put("endpoint", LocalServices.dynamo().endpoint());
      json.getJsonObject("admission").put("sweepSeconds", 1);
      try (NodeProcess second = NodeProcess.start(write(dir, "second", json), dir.resolve("second.log"), "384m")) {
        second.awaitLive(client);
        for (String email : answered) {
          Eventually.until(email + " unsubscribed by the next node's sweep", 120_000,
              () -> item(aws, tables.users(), email), u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()));
          Eventually.until(email + "'s record settled", 60_000, () -> item(aws, tables.suppressions(), email),
              s -> !s.containsKey("Pending") && "UNSUBSCRIBE".equals(s.get("Reason").s()));
        }
      }
    }
  }

  /** A node's config on the shared local servers, under {@code prefix}, on {@code port}, with tables made beforehand. */
  private static JsonObject nodeConfig(String prefix, int port) {
    JsonObject json = LocalServices.configJson(prefix);
    json.getJsonObject("http").put("port", port);
    json.getJsonObject("management").put("port", FreePort.pick());
    json.getJsonObject("dynamodb").put("createTables", false);
    return json;
  }

  /** The tables, with {@value #CLICKS} consenting customers. */
  private static void seed(AwsClients aws, Tables tables) throws Exception {
    tables.create(aws.dynamo()).await(60, TimeUnit.SECONDS);
    List<Map<String, AttributeValue>> customers = new ArrayList<>();
    for (int i = 0; i < CLICKS; i++) {
      customers.add(Map.of("Email", AttributeValue.fromS(email(i)), "Name", AttributeValue.fromS("Customer " + i),
          "SubscriptionStatus", AttributeValue.fromBool(true)));
    }
    new UserStore(aws.dynamo(), tables.users()).putAll(customers).await(60, TimeUnit.SECONDS);
  }

  /** One-clicks for every customer on a node started from {@code config}, then SIGKILL; the emails answered 200. */
  private static List<String> clickThenDie(Path config, SignedClient client, UnsubscribeToken tokens) throws Exception {
    List<String> answered = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start(config, config.resolveSibling("first.log"), "384m")) {
      node.awaitLive(client);
      for (int i = 0; i < CLICKS; i++) {
        SignedClient.Reply reply = client.send(client.unsigned("/u/" + tokens.seal(email(i), "c_crash", Instant.now()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build());
        assertThat(reply.status()).as("answered in time, or refused").isIn(200, 503);
        if (reply.status() == 200) {
          answered.add(email(i));
        }
      }
      node.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    return answered;
  }

  private static Path write(Path dir, String name, JsonObject json) throws Exception {
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  private static Map<String, AttributeValue> item(AwsClients aws, String table, String email) throws Exception {
    return aws.dynamo().getItem(b -> b.tableName(table).consistentRead(true)
        .key(Map.of("Email", AttributeValue.fromS(email)))).get(10, TimeUnit.SECONDS).item();
  }

  private static String email(int i) {
    return String.format("crash%03d@oneclick.test", i);
  }
}
