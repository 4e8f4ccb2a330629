package io.mailroom.sync;

import io.mailroom.audience.AudienceAttributes;
import io.mailroom.audience.AudienceFilter;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.bus.Channels;
import io.mailroom.config.ConfigException;
import io.mailroom.config.MailroomConfig;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.MariaDb;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code sync.columns.attributes}: further MySQL columns the Syncer copies to the Users items, typed
 * (text, number, time as epoch milliseconds), removed when the column turns NULL, and usable in
 * audience filters; a mapping onto an attribute Mailroom writes itself is refused at start.
 */
class SyncedAttributesTest {
  private static final long T = 120;
  private static final Map<String, String> MAPPING = Map.of("tier", "Tier", "points", "Points",
      "last_order_at", "LastOrderAt");

  private final Vertx vertx = Vertx.vertx();
  private Pool server;
  private Pool shop;
  private String database;
  private AwsClients aws;

  @AfterEach
  void tearDown() throws Exception {
    if (shop != null) {
      shop.close().await(T, TimeUnit.SECONDS);
      server.query("DROP DATABASE " + database).execute().await(T, TimeUnit.SECONDS);
      server.close().await(T, TimeUnit.SECONDS);
      aws.close();
    }
    vertx.close().await(T, TimeUnit.SECONDS);
  }

  private static JsonObject config(String prefix, String database, Map<String, String> mapping) {
    JsonObject json = LocalServices.configJson(prefix);
    JsonObject sync = json.getJsonObject("sync").put("enabled", true).put("intervalSeconds", 3600);
    sync.getJsonObject("mysql").put("port", MariaDb.port()).put("database", database).put("user", "root");
    sync.getJsonObject("columns").put("attributes", new JsonObject(Map.copyOf(mapping)));
    return json;
  }

  @Test
  void mappedColumnsAreWrittenTypedUpdatedAndRemovedAndFiltersReadThem() throws Exception {
    String prefix = LocalServices.uniquePrefix("syncattr");
    database = "mr_" + prefix.replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    MailroomConfig config = MailroomConfig.from(config(prefix, database, MAPPING));
    server = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost("127.0.0.1").setPort(MariaDb.port())
        .setUser("root").setPassword("")).using(vertx).build();
    server.query("CREATE DATABASE " + database).execute().await(T, TimeUnit.SECONDS);
    shop = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost("127.0.0.1").setPort(MariaDb.port())
        .setUser("root").setPassword("").setDatabase(database)).using(vertx).build();
    sql(Files.readString(Path.of("conf/mysql-schema.sql")).replaceAll("(?m)^--.*$", "").trim().replaceAll(";$", ""));
    sql("ALTER TABLE customers ADD COLUMN tier VARCHAR(16) NULL, ADD COLUMN points INT NULL,"
        + " ADD COLUMN last_order_at DATETIME NULL");
    sql("INSERT INTO customers (id, email, name, gender, marketing_opt_in, tier, points, last_order_at) VALUES"
        + " (1, 'gold@example.com', 'Gold', 'F', 1, 'gold', 120, '2024-03-01 12:00:00'),"
        + " (2, 'plain@example.com', 'Plain', 'M', 1, NULL, NULL, NULL)");
    Tables tables = Tables.withPrefix(prefix);
    aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "", "us-east-1", 5000);
    tables.create(aws.dynamo()).await(T, TimeUnit.SECONDS);
    Vertx node = Vertx.vertx();
    node.deployVerticle(new Syncer(config.sync(), aws.dynamo(), tables.users(), tables.syncState(),
        io.mailroom.metrics.MailroomMetrics.forVertx()), new DeploymentOptions()).await(T, TimeUnit.SECONDS);
    try {
      run(node).await(T, TimeUnit.SECONDS);
      Map<String, AttributeValue> gold = user(tables, "gold@example.com");
      assertThat(gold.get("Tier")).isEqualTo(AttributeValue.fromS("gold"));
      assertThat(gold.get("Points")).isEqualTo(AttributeValue.fromN("120"));
      assertThat(gold.get("LastOrderAt")).isEqualTo(AttributeValue.fromN(Long.toString(
          LocalDateTime.of(2024, 3, 1, 12, 0).toInstant(ZoneOffset.UTC).toEpochMilli())));
      Map<String, AttributeValue> plain = user(tables, "plain@example.com");
      assertThat(plain).doesNotContainKeys("Tier", "Points", "LastOrderAt");

      AudienceFilter loyal = AudienceFilter.parse(new JsonObject("{\"all\": [{\"attribute\": \"Points\", \"in\": [130, 140]},"
          + " {\"attribute\": \"LastOrderAt\", \"after\": \"2024-03-01T11:00:00Z\"}]}"), "audience",
          AudienceAttributes.withMapped(config.sync().columns().attributes().values()));
      assertThat(loyal.matches(gold)).as("120 points").isFalse();

      sql("UPDATE customers SET tier = NULL, points = 130 WHERE id = 1");
      run(node).await(T, TimeUnit.SECONDS);
      gold = user(tables, "gold@example.com");
      assertThat(gold).doesNotContainKey("Tier");
      assertThat(gold.get("Points")).isEqualTo(AttributeValue.fromN("130"));
      assertThat(loyal.matches(gold)).isTrue();
      assertThat(loyal.matches(user(tables, "plain@example.com"))).isFalse();
    } finally {
      node.close().await(T, TimeUnit.SECONDS);
    }
  }

  @Test
  void aColumnMappedOntoAnAttributeMailroomWritesIsRefused() {
    for (String taken : new String[] {"Email", "ConsentAt", "SubscriptionStatus"}) {
      assertThatThrownBy(() -> MailroomConfig.from(config("refused", "shop", Map.of("tier", taken))))
          .isInstanceOf(ConfigException.class).hasMessageContaining("sync.columns.attributes.tier");
    }
    assertThatThrownBy(() -> MailroomConfig.from(config("refused", "shop", Map.of("tier; DROP", "Tier"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("plain SQL identifier");
    assertThat(MailroomConfig.from(config("refused", "shop", Map.of())).sync().columns().attributes()).isEmpty();
  }

  private void sql(String statement) throws Exception {
    shop.query(statement).execute().await(T, TimeUnit.SECONDS);
  }

  private Map<String, AttributeValue> user(Tables tables, String email) throws Exception {
    return aws.dynamo().getItem(b -> b.tableName(tables.users()).consistentRead(true)
        .key(Map.of("Email", AttributeValue.fromS(email)))).get(T, TimeUnit.SECONDS).item();
  }

  /** A run that starts after this call (one that meets the scheduled first run asks again). */
  private static Future<JsonObject> run(Vertx node) {
    return Channels.SYNC_RUN.request(node.eventBus(), null, T * 1000)
        .compose(result -> "already_running".equals(result.getString("state"))
            ? node.timer(20).compose(t -> run(node)) : Future.succeededFuture(result));
  }
}
