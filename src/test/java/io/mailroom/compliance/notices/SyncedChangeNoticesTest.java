package io.mailroom.compliance.notices;

import io.mailroom.testing.DynamoFaultProxy;
import io.mailroom.testing.Eventually;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.MariaDb;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent changes that arrive from MySQL through the Syncer: confirmed only with
 * {@code compliance.confirmSyncedChanges}. Two nodes, each with its own MariaDB database and tables,
 * one with the key on and one with it off, see the same change made in MySQL; a third, whose first
 * record of the change fails, confirms it once when the row is read again.
 */
@ExtendWith(VertxExtension.class)
class SyncedChangeNoticesTest {
  private static final long WAIT = 60_000;
  private static final Synced ON = new Synced();
  private static final Synced OFF = new Synced();
  private static final Synced FAULTY = new Synced();
  private static DynamoFaultProxy dynamo;
  private static AtomicInteger failedRecords;

  /** One node and its database. */
  private static final class Synced {
    TestNode node;
    Pool db;
    String database;
    String email;
  }

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    open(vertx, ON, "synced-on", true, json -> { });
    open(vertx, OFF, "synced-off", false, json -> { });
    dynamo = new DynamoFaultProxy(LocalServices.dynamo().endpoint());
    failedRecords = dynamo.refuseNext("PutItem", 1, "Notices", "synced-faulty@");
    open(vertx, FAULTY, "synced-faulty", true, json -> json.getJsonObject("dynamodb").put("endpoint", dynamo.endpoint()));
  }

  private static void open(Vertx vertx, Synced synced, String name, boolean confirm, Consumer<JsonObject> edit)
      throws Exception {
    String prefix = LocalServices.uniquePrefix(name);
    synced.database = "mr_" + prefix.replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    synced.email = name + "@notices-sync.test";
    Pool admin = pool(vertx, null);
    admin.query("CREATE DATABASE " + synced.database).execute().await(WAIT, TimeUnit.MILLISECONDS);
    admin.close().await(WAIT, TimeUnit.MILLISECONDS);
    synced.db = pool(vertx, synced.database);
    synced.db.query(Files.readString(Path.of("conf/mysql-schema.sql")).replaceAll("(?m)^--.*$", "").trim()
        .replaceAll(";$", "")).execute().await(WAIT, TimeUnit.MILLISECONDS);
    synced.db.query("INSERT INTO customers (email, name, gender, marketing_opt_in, opt_in_updated_at) VALUES ('"
        + synced.email + "', 'Mina', 'F', 1, NOW() - INTERVAL 1 DAY)").execute().await(WAIT, TimeUnit.MILLISECONDS);
    synced.node = TestNode.named(name).config(json -> {
      json.getJsonObject("compliance").put("profile", "kr").put("confirmSweepSeconds", 1)
          .put("confirmSyncedChanges", confirm).getJsonObject("reconfirm").put("intervalSeconds", 1);
      json.getJsonObject("sync").put("enabled", true).put("intervalSeconds", 1).put("lookBackSeconds", 0)
          .getJsonObject("mysql").put("port", MariaDb.port()).put("database", synced.database).put("user", "root");
      edit.accept(json);
    }).start(vertx);
  }

  private static Pool pool(Vertx vertx, String database) {
    MySQLConnectOptions options = new MySQLConnectOptions().setHost("127.0.0.1").setPort(MariaDb.port())
        .setUser("root").setPassword("");
    if (database != null) {
      options.setDatabase(database);
    }
    return MySQLBuilder.pool().connectingTo(options).using(vertx).build();
  }

  @AfterAll
  static void stop() throws Exception {
    for (Synced synced : new Synced[] {ON, OFF, FAULTY}) {
      if (synced.node != null) {
        synced.node.close();
      }
      if (synced.db != null) {
        synced.db.query("DROP DATABASE " + synced.database).execute().await(WAIT, TimeUnit.MILLISECONDS);
        synced.db.close().await(WAIT, TimeUnit.MILLISECONDS);
      }
    }
    if (dynamo != null) {
      dynamo.close();
    }
  }

  @Test
  void aWithdrawalMadeInMysqlIsConfirmedOnlyWithTheKeyOn() throws Exception {
    for (Synced synced : new Synced[] {ON, OFF}) {
      Eventually.until("the initial load", WAIT, () -> synced.node.user(synced.email), u -> !u.isEmpty());
      synced.db.query("UPDATE customers SET marketing_opt_in = 0, opt_in_updated_at = NOW() WHERE email = '"
          + synced.email + "'").execute().await(WAIT, TimeUnit.MILLISECONDS);
    }
    for (Synced synced : new Synced[] {ON, OFF}) {
      Eventually.until("the withdrawal synced", WAIT, () -> synced.node.user(synced.email),
          u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()));
    }
    Eventually.until("the confirmation of the synced change", WAIT, () -> received(ON.email), n -> n == 1);
    long runs = leases(OFF);
    Eventually.until("more runs on the node with the key off", WAIT, () -> leases(OFF), n -> n >= runs + 2);
    assertThat(received(OFF.email)).isZero();
    assertThat(notices(OFF)).isZero();
    assertThat(received(ON.email)).isEqualTo(1);
  }

  @Test
  void aSyncedWithdrawalWhoseRecordFailedIsConfirmedOnceWhenItsRowIsReadAgain() throws Exception {
    Eventually.until("the initial load", WAIT, () -> FAULTY.node.user(FAULTY.email), u -> !u.isEmpty());
    FAULTY.db.query("UPDATE customers SET marketing_opt_in = 0, opt_in_updated_at = NOW() WHERE email = '"
        + FAULTY.email + "'").execute().await(WAIT, TimeUnit.MILLISECONDS);
    Eventually.until("the withdrawal synced", WAIT, () -> FAULTY.node.user(FAULTY.email),
        u -> Boolean.FALSE.equals(u.get("SubscriptionStatus").bool()));
    assertThat(failedRecords.get()).as("the first record of the change failed").isEqualTo(1);
    Eventually.until("the confirmation of the synced change", WAIT, () -> received(FAULTY.email), n -> n == 1);
    long runs = leases(FAULTY);
    Eventually.until("more runs", WAIT, () -> leases(FAULTY), n -> n >= runs + 2);
    assertThat(received(FAULTY.email)).isEqualTo(1);
  }

  private static long received(String email) {
    JsonArray emails = LocalServices.ses().emails();
    long n = 0;
    for (int i = 0; i < emails.size(); i++) {
      n += email.equals(emails.getJsonObject(i).getJsonObject("destination").getJsonArray("to").getString(0)) ? 1 : 0;
    }
    return n;
  }

  private static int notices(Synced synced) throws Exception {
    return synced.node.mailroom().aws().dynamo().scan(b -> b.tableName(synced.node.mailroom().tables().notices())
        .consistentRead(true)).get(10, TimeUnit.SECONDS).count();
  }

  private static int leases(Synced synced) throws Exception {
    return synced.node.mailroom().aws().dynamo().scan(b -> b.tableName(synced.node.mailroom().tables().seen())
        .filterExpression("begins_with(#k, :r)").expressionAttributeNames(Map.of("#k", "Key"))
        .expressionAttributeValues(Map.of(":r", AttributeValue.fromS("reconfirm:")))).get(10, TimeUnit.SECONDS).count();
  }
}
