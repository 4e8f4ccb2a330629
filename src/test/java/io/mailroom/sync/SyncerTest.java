package io.mailroom.sync;

import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.bus.Channels;
import io.mailroom.bus.SubscriptionChange;
import io.mailroom.config.MailroomConfig;
import io.mailroom.subscription.ConsentStore;
import io.mailroom.subscription.SuppressionStore;
import io.mailroom.subscription.UnsubscribeHandler;
import io.mailroom.subscription.UnsubscribeToken;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.MariaDb;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Syncer against the machine's MariaDB (each test its own database) and dynalite. */
class SyncerTest {
  private static final long T = 120;

  private final Vertx vertx = Vertx.vertx();
  private final List<Vertx> others = new ArrayList<>();
  private String database;
  private Pool admin;
  private Pool db;
  private Tables tables;
  private AwsClients aws;
  private MailroomConfig config;

  @BeforeEach
  void setUp() throws Exception {
    String prefix = LocalServices.uniquePrefix("sync");
    database = "mr_" + prefix.replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    admin = pool(null);
    admin.query("CREATE DATABASE " + database).execute().await(T, TimeUnit.SECONDS);
    db = pool(database);
    db.query(Files.readString(Path.of("conf/mysql-schema.sql")).replaceAll("(?m)^--.*$", "").trim()
        .replaceAll(";$", "")).execute().await(T, TimeUnit.SECONDS);
    JsonObject json = LocalServices.configJson(prefix);
    json.getJsonObject("sync").put("enabled", true).put("chunkSize", 200).put("intervalSeconds", 3600)
        .getJsonObject("mysql").put("port", MariaDb.port()).put("database", database).put("user", "root");
    config = MailroomConfig.from(json);
    tables = Tables.withPrefix(prefix);
    aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "", "us-east-1", 5000);
    tables.create(aws.dynamo()).await(T, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Vertx other : others) {
      other.close().await(T, TimeUnit.SECONDS);
    }
    db.close().await(T, TimeUnit.SECONDS);
    admin.query("DROP DATABASE " + database).execute().await(T, TimeUnit.SECONDS);
    admin.close().await(T, TimeUnit.SECONDS);
    aws.close();
    vertx.close().await(T, TimeUnit.SECONDS);
  }

  private Pool pool(String name) {
    MySQLConnectOptions options = new MySQLConnectOptions().setHost("127.0.0.1").setPort(MariaDb.port())
        .setUser("root").setPassword("");
    if (name != null) {
      options.setDatabase(name);
    }
    return MySQLBuilder.pool().connectingTo(options).using(vertx).build();
  }

  private void sql(String statement) throws Exception {
    db.query(statement).execute().await(T, TimeUnit.SECONDS);
  }

  /** {@code count} customers from id {@code from}, in multi-row INSERTs. */
  private void insert(int from, int count) throws Exception {
    for (int start = from; start < from + count; start += 500) {
      StringBuilder values = new StringBuilder();
      for (int i = start; i < Math.min(from + count, start + 500); i++) {
        values.append(i == start ? "" : ",").append("(").append(i).append(",'c").append(i)
            .append("@example.com','Customer ").append(i).append("','").append(i % 2 == 0 ? "F" : "Male")
            .append("',").append(i % 10 == 3 ? 0 : 1).append(")");
      }
      sql("INSERT INTO customers (id, email, name, gender, marketing_opt_in) VALUES " + values);
    }
  }

  private Vertx deploySyncer() throws Exception {
    return deploySyncer(config.sync());
  }

  private Vertx deploySyncer(MailroomConfig.Sync sync) throws Exception {
    Vertx node = Vertx.vertx();
    others.add(node);
    node.deployVerticle(new Syncer(sync, aws.dynamo(), tables.users(), tables.syncState(),
        io.mailroom.metrics.MailroomMetrics.forVertx()),
        new DeploymentOptions()).await(T, TimeUnit.SECONDS);
    return node;
  }

  /**
   * A run that starts after this call: a request that meets the Syncer's own scheduled run (first
   * one second after deployment) is answered {@code already_running} at once, so it asks again.
   */
  private static Future<JsonObject> run(Vertx node) {
    return Channels.SYNC_RUN.request(node.eventBus(), null, T * 1000)
        .compose(result -> "already_running".equals(result.getString("state"))
            ? node.timer(20).compose(t -> run(node)) : Future.succeededFuture(result));
  }

  private Map<String, Map<String, AttributeValue>> users() throws Exception {
    Map<String, Map<String, AttributeValue>> all = new HashMap<>();
    Map<String, AttributeValue> start = null;
    do {
      ScanRequest.Builder request = ScanRequest.builder().tableName(tables.users()).consistentRead(true);
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      var page = aws.dynamo().scan(request.build()).get(T, TimeUnit.SECONDS);
      page.items().forEach(item -> all.put(item.get("Email").s(), item));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return all;
  }

  /** DynamoDB holds exactly MySQL's valid, not deleted customers, with their names and consent. */
  private void assertInSync() throws Exception {
    Map<String, Map<String, AttributeValue>> users = users();
    Map<String, Row> rows = new HashMap<>();
    // ids from 20000 on are the invalid rows, which must stay out
    for (Row row : db.query("SELECT * FROM customers WHERE deleted_at IS NULL AND id < 20000")
        .execute().await(T, TimeUnit.SECONDS)) {
      rows.put(row.getString("email"), row);
    }
    assertThat(users.keySet()).isEqualTo(rows.keySet());
    rows.forEach((email, row) -> {
      Map<String, AttributeValue> item = users.get(email);
      assertThat(item.get("Name").s()).isEqualTo(row.getString("name"));
      assertThat(item.get("SubscriptionStatus").bool()).as(email).isEqualTo(row.getInteger("marketing_opt_in") == 1);
    });
  }

  @Test
  void anUnsubscribeMadeInMailroomIsWrittenBackToMySql() throws Exception {
    insert(1, 10);
    MailroomConfig.Sync sync = config.sync();
    MailroomConfig.Sync writing = new MailroomConfig.Sync(sync.enabled(), sync.intervalSeconds(), sync.chunkSize(),
        sync.lookBackSeconds(), sync.leaseSeconds(), true, sync.mysql(), sync.table(), sync.columns());
    Vertx node = Vertx.vertx();
    Channels.install(node.eventBus());
    others.add(node);
    node.deployVerticle(new Syncer(writing, aws.dynamo(), tables.users(), tables.syncState(),
        io.mailroom.metrics.MailroomMetrics.forVertx()), new DeploymentOptions()).await(T, TimeUnit.SECONDS);
    UnsubscribeToken tokens = new UnsubscribeToken(config.subscription().tokenSecrets());
    node.deployVerticle(new UnsubscribeHandler(tokens, new ConsentStore(aws.dynamo(), tables.users()),
        new SuppressionStore(aws.dynamo(), tables.suppressions()), config.subscription().topics(),
        io.mailroom.metrics.MailroomMetrics.forVertx()), new DeploymentOptions()).await(T, TimeUnit.SECONDS);
    run(node).await(T, TimeUnit.SECONDS);
    assertThat(users().get("c4@example.com").get("SubscriptionStatus").bool()).isTrue();

    Channels.SUBSCRIPTION_CHANGE.request(node.eventBus(),
        SubscriptionChange.unsubscribe(tokens.seal("c4@example.com", "c_writeback", java.time.Instant.ofEpochSecond(1)), "one_click"))
        .await(T, TimeUnit.SECONDS);
    Row row = Eventually.until("the unsubscribe written back to MySQL", 60_000,
        () -> db.query("SELECT marketing_opt_in, opt_in_updated_at FROM customers WHERE id = 4").execute()
            .await(T, TimeUnit.SECONDS).iterator().next(),
        r -> r.getInteger("marketing_opt_in") == 0);
    assertThat(row.getInteger("marketing_opt_in")).as("the customer table agrees").isZero();
    assertThat(row.getLocalDateTime("opt_in_updated_at")).isNotNull();
    assertThat(db.query("SELECT COUNT(*) AS n FROM customers WHERE marketing_opt_in = 1").execute()
        .await(T, TimeUnit.SECONDS).iterator().next().getInteger("n")).as("no other row changed").isEqualTo(8);

    run(node).await(T, TimeUnit.SECONDS);
    assertThat(users().get("c4@example.com").get("SubscriptionStatus").bool()).isFalse();
  }

  @Test
  void initialLoadThenChangesKeepDynamoExactlyLikeMysql() throws Exception {
    insert(1, 10_000);
    sql("INSERT INTO customers (id, email, name, gender, marketing_opt_in) VALUES "
        + "(20001, 'not-an-email', 'Bad', 'F', 1), (20002, 'g@example.com', 'Gender', 'robot', 1),"
        + "(20003, 'n@example.com', 'NoFlag', 'M', NULL)");
    Vertx node = deploySyncer();
    JsonObject first = run(node).await(T, TimeUnit.SECONDS);
    assertThat(first.getString("state")).isEqualTo("ok");
    assertThat(first.getJsonObject("skipped").getMap())
        .containsEntry("invalid_email", 1).containsEntry("unknown_gender", 1).containsEntry("null_subscription_flag", 1);
    assertInSync();
    assertThat(users()).hasSize(10_000);

    // 300 rows share one updated_at (one statement), across chunk boundaries of 200
    sql("UPDATE customers SET name = CONCAT('Renamed ', id) WHERE id BETWEEN 4001 AND 4300");
    sql("UPDATE customers SET marketing_opt_in = 0 WHERE id BETWEEN 5001 AND 5050");
    sql("UPDATE customers SET deleted_at = NOW() WHERE id BETWEEN 6001 AND 6020");
    insert(10_001, 50);
    JsonObject second = run(node).await(T, TimeUnit.SECONDS);
    assertThat(second.getString("state")).isEqualTo("ok");
    assertThat(second.getInteger("rowsDeleted")).isEqualTo(20);
    assertInSync();
    assertThat(users()).hasSize(10_000 - 20 + 50);
    assertThat(users().get("c4300@example.com").get("Name").s()).isEqualTo("Renamed 4300");
  }

  @Test
  void aMailroomUnsubscribeOutlivesStaleRowsButNotANewerResubscription() throws Exception {
    insert(1, 50);
    Vertx node = deploySyncer();
    run(node).await(T, TimeUnit.SECONDS);
    long unsubscribedAt = System.currentTimeMillis();
    aws.dynamo().updateItem(b -> b.tableName(tables.users()).key(Map.of("Email", AttributeValue.fromS("c7@example.com")))
        .updateExpression("SET SubscriptionStatus = :f, UnsubscribedAt = :at")
        .expressionAttributeValues(Map.of(":f", AttributeValue.fromBool(false),
            ":at", AttributeValue.fromN(Long.toString(unsubscribedAt))))).get(T, TimeUnit.SECONDS);

    sql("UPDATE customers SET name = 'Still Subscribed In MySQL' WHERE id = 7");
    JsonObject stale = run(node).await(T, TimeUnit.SECONDS);
    Map<String, AttributeValue> item = users().get("c7@example.com");
    assertThat(item.get("Name").s()).isEqualTo("Still Subscribed In MySQL");
    assertThat(item.get("SubscriptionStatus").bool()).as("the unsubscribe holds").isFalse();
    assertThat(stale.getInteger("unsubscribesKept")).isEqualTo(1);

    sql("UPDATE customers SET marketing_opt_in = 1, opt_in_updated_at = TIMESTAMPADD(SECOND, 2, UTC_TIMESTAMP())"
        + " WHERE id = 7");
    run(node).await(T, TimeUnit.SECONDS);
    assertThat(users().get("c7@example.com").get("SubscriptionStatus").bool()).as("re-subscribed in MySQL").isTrue();
  }

  @Test
  void anUnsubscribeMadeInMySqlStopsOlderLinksFromGivingConsentAgain() throws Exception {
    insert(1, 10);
    Vertx node = deploySyncer();
    run(node).await(T, TimeUnit.SECONDS);
    ConsentStore consent = new ConsentStore(aws.dynamo(), tables.users());
    long mailedAt = System.currentTimeMillis() - 60_000;
    assertThat(consent.customer("c5@example.com").await(T, TimeUnit.SECONDS).orElseThrow().mayConsentAgain(mailedAt))
        .as("a subscribed customer's link").isTrue();

    sql("UPDATE customers SET marketing_opt_in = 0, opt_in_updated_at = UTC_TIMESTAMP() WHERE id = 5");
    run(node).await(T, TimeUnit.SECONDS);

    ConsentStore.Customer customer = consent.customer("c5@example.com").await(T, TimeUnit.SECONDS).orElseThrow();
    assertThat(customer.recipient().subscribed()).isFalse();
    assertThat(customer.mayConsentAgain(mailedAt)).as("a link mailed before the MySQL unsubscribe").isFalse();
    assertThat(consent.preferences("c5@example.com", java.util.Set.of(), true, System.currentTimeMillis(), mailedAt)
        .await(T, TimeUnit.SECONDS)).as("its re-consent is refused by the write's condition").isFalse();
    assertThat(users().get("c5@example.com").get("SubscriptionStatus").bool()).isFalse();
    assertThat(customer.mayConsentAgain(System.currentTimeMillis() + 60_000)).as("a link issued later").isTrue();
  }

  @Test
  void mysqlGoingAwayMidRunFailsTheRunWithoutMovingTheWatermarkPastUnwrittenRows() throws Exception {
    insert(1, 10_000);
    String user = database + "_u";
    admin.query("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw-" + user + "'").execute().await(T, TimeUnit.SECONDS);
    admin.query("GRANT SELECT ON " + database + ".* TO '" + user + "'@'%'").execute().await(T, TimeUnit.SECONDS);
    JsonObject json = LocalServices.configJson(tables.users().replace("Users", ""));
    json.getJsonObject("sync").put("enabled", true).put("chunkSize", 50).put("intervalSeconds", 3600)
        .getJsonObject("mysql").put("port", MariaDb.port()).put("database", database).put("user", user)
        .put("password", "pw-" + user);
    config = MailroomConfig.from(json);
    Vertx node = deploySyncer();
    SyncState state = new SyncState(aws.dynamo(), tables.syncState());
    Future<JsonObject> running = run(node);
    while (state.watermark().await(T, TimeUnit.SECONDS).id() == 0 && !running.isComplete()) {
      Thread.sleep(5);
    }
    // MySQL goes away for this user: its rights end and its connections are killed
    admin.query("REVOKE SELECT ON " + database + ".* FROM '" + user + "'@'%'").execute().await(T, TimeUnit.SECONDS);
    for (Row row : admin.query("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'")
        .execute().await(T, TimeUnit.SECONDS)) {
      admin.query("KILL " + row.getLong("ID")).execute().await(T, TimeUnit.SECONDS);
    }
    try {
      JsonObject result = running.await(T, TimeUnit.SECONDS);
      throw new AssertionError("the run finished before the connection was killed: " + result);
    } catch (Exception expected) {
      assertThat(expected).isNotInstanceOf(AssertionError.class);
    }
    SyncState.Watermark mark = state.watermark().await(T, TimeUnit.SECONDS);
    Map<String, Map<String, AttributeValue>> users = users();
    assertThat(users.size()).isLessThan(10_000);
    for (long id = 1; id <= mark.id(); id++) {
      assertThat(users).as("row %d is below the watermark", id).containsKey("c" + id + "@example.com");
    }
    assertThat(new SyncState(aws.dynamo(), tables.syncState()).status().await(T, TimeUnit.SECONDS).getString("state"))
        .isEqualTo("failed");
    admin.query("GRANT SELECT ON " + database + ".* TO '" + user + "'@'%'").execute().await(T, TimeUnit.SECONDS);
    assertThat(run(node).await(T, TimeUnit.SECONDS).getString("state")).isEqualTo("ok");
    assertInSync();
    admin.query("DROP USER '" + user + "'@'%'").execute().await(T, TimeUnit.SECONDS);
  }

  @Test
  void anIncrementalPassReadsWhatChangedNotTheRowsNearTheWatermarkAgain() throws Exception {
    insert(1, 2000);
    // an import: every row stamped with one time, an hour ago, so the watermark sits on all of them
    sql("UPDATE customers SET updated_at = TIMESTAMPADD(HOUR, -1, NOW())");
    Vertx node = deploySyncer();
    JsonObject initial = run(node).await(T, TimeUnit.SECONDS);
    assertThat(initial.getString("state")).isEqualTo("ok");
    assertThat(initial.getInteger("rowsRead")).isEqualTo(2000);

    JsonObject quiet = run(node).await(T, TimeUnit.SECONDS);
    assertThat(quiet.getInteger("rowsRead")).as("nothing changed, nothing read").isZero();

    sql("UPDATE customers SET name = CONCAT('Changed ', id) WHERE id <= 100");
    JsonObject changed = run(node).await(T, TimeUnit.SECONDS);
    assertThat(changed.getString("state")).isEqualTo("ok");
    assertThat(changed.getInteger("rowsRead")).as("the changed rows, not the table").isEqualTo(100);
    assertThat(changed.getInteger("rowsReadAgain")).isZero();
    assertThat(changed.getInteger("rowsWritten")).isEqualTo(100);
    assertInSync();

    // right after, the changed rows are within the look-back of the last read: read, not written
    JsonObject after = run(node).await(T, TimeUnit.SECONDS);
    assertThat(after.getInteger("rowsRead")).isLessThanOrEqualTo(100);
    assertThat(after.getInteger("rowsReadAgain")).isEqualTo(after.getInteger("rowsRead"));
    assertThat(after.getInteger("rowsWritten")).isZero();
  }

  @Test
  void aRowCommittedAfterANewerOneIsStillSyncedByTheLookBack() throws Exception {
    insert(1, 10);
    sql("UPDATE customers SET updated_at = TIMESTAMPADD(HOUR, -1, NOW())");
    MailroomConfig.Sync sync = config.sync();
    // a look-back that a slow machine cannot outrun between the two updates and the run
    MailroomConfig.Sync lookBack = new MailroomConfig.Sync(sync.enabled(), sync.intervalSeconds(), sync.chunkSize(),
        30, sync.leaseSeconds(), sync.writeBack(), sync.mysql(), sync.table(), sync.columns());
    Vertx node = deploySyncer(lookBack);
    run(node).await(T, TimeUnit.SECONDS);

    SqlConnection late = db.getConnection().await(T, TimeUnit.SECONDS);
    try {
      Transaction transaction = late.begin().await(T, TimeUnit.SECONDS);
      late.query("UPDATE customers SET name = 'Committed Late' WHERE id = 3").execute().await(T, TimeUnit.SECONDS);
      LocalDateTime stamped = late.query("SELECT updated_at FROM customers WHERE id = 3").execute()
          .await(T, TimeUnit.SECONDS).iterator().next().getLocalDateTime(0);
      sql("UPDATE customers SET name = 'Committed First' WHERE id = 5");
      JsonObject before = run(node).await(T, TimeUnit.SECONDS);
      assertThat(before.getInteger("rowsRead")).as("only the committed change").isEqualTo(1);
      SyncState.Watermark mark = new SyncState(aws.dynamo(), tables.syncState()).watermark().await(T, TimeUnit.SECONDS);
      assertThat(new SyncState.Watermark(stamped, 3, stamped).before(mark))
          .as("the uncommitted row is below the watermark").isTrue();
      assertThat(users().get("c3@example.com").get("Name").s()).isEqualTo("Customer 3");
      transaction.commit().await(T, TimeUnit.SECONDS);
    } finally {
      late.close().await(T, TimeUnit.SECONDS);
    }

    JsonObject after = run(node).await(T, TimeUnit.SECONDS);
    assertThat(after.getInteger("rowsReadAgain")).isGreaterThanOrEqualTo(1);
    assertThat(users().get("c3@example.com").get("Name").s()).isEqualTo("Committed Late");
    assertThat(users().get("c5@example.com").get("Name").s()).isEqualTo("Committed First");
    assertInSync();
  }

  @Test
  void addressesThatAreNotOnePlainMailboxAreSkippedAndTheRestLowerCased() throws Exception {
    sql("INSERT INTO customers (id, email, name, gender, marketing_opt_in) VALUES"
        + " (1, '\"Kim\" <kim@example.com>', 'a', 'F', 1), (2, 'a@example.com, c@example.com', 'b', 'F', 1),"
        + " (3, '\"Kim\"<kim2@example.com>', 'c', 'F', 1), (4, '<angle@example.com>', 'd', 'F', 1),"
        + " (5, 'comma,x@example.com', 'e', 'F', 1), (6, CONCAT('ctl', CHAR(1), '@example.com'), 'f', 'F', 1),"
        + " (7, 'quo\"te@example.com', 'g', 'F', 1), (8, 'Mixed@Example.COM', 'h', 'F', 1)");
    JsonObject result = run(deploySyncer()).await(T, TimeUnit.SECONDS);
    assertThat(result.getJsonObject("skipped").getMap()).containsEntry("invalid_email", 7);
    assertThat(users().keySet()).containsExactly("mixed@example.com");
  }

  @Test
  void withTwoNodesOnlyOneSyncs() throws Exception {
    insert(1, 100);
    Vertx first = deploySyncer();
    Vertx second = deploySyncer();
    List<JsonObject> results = List.of(run(first).await(T, TimeUnit.SECONDS), run(second).await(T, TimeUnit.SECONDS));
    assertThat(results).extracting(r -> r.getString("state")).containsExactlyInAnyOrder("ok", "not_leader");
    assertThat(run(second).await(T, TimeUnit.SECONDS).getString("state")).isEqualTo("not_leader");
    assertInSync();
  }
}
