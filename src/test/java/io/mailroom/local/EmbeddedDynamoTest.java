package io.mailroom.local;

import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.testing.LocalServices;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded DynamoDB (dynalite as a child process) as the node and the tests use it: a real
 * server over HTTP, and the TransactWriteItems our launcher adds, all or nothing.
 */
class EmbeddedDynamoTest {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static EmbeddedDynamo dynamo;
  private static AwsClients aws;

  @BeforeAll
  static void start() {
    dynamo = EmbeddedDynamo.start();
    aws = clients(dynamo);
  }

  @AfterAll
  static void stop() {
    aws.close();
    dynamo.close();
  }

  private static AwsClients clients(EmbeddedDynamo server) {
    return LocalServices.dynamoClients(server.endpoint());
  }

  private static String table(DynamoDbAsyncClient client) {
    String name = "t" + TABLES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    client.createTable(b -> b.tableName(name).billingMode("PAY_PER_REQUEST")
        .attributeDefinitions(a -> a.attributeName("Id").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("Id").keyType("HASH"))).join();
    Tables.awaitActive(client, name).toCompletionStage().toCompletableFuture().join();
    return name;
  }

  private static Map<String, AttributeValue> key(String id) {
    return Map.of("Id", AttributeValue.fromS(id));
  }

  private static Optional<Map<String, AttributeValue>> get(DynamoDbAsyncClient client, String table, String id) {
    var item = client.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true)).join();
    return item.hasItem() ? Optional.of(item.item()) : Optional.empty();
  }

  private static TransactWriteItem putIfAbsent(String table, String id, String value) {
    return TransactWriteItem.builder().put(Put.builder().tableName(table)
        .item(Map.of("Id", AttributeValue.fromS(id), "Value", AttributeValue.fromS(value)))
        .conditionExpression("attribute_not_exists(Id)").build()).build();
  }

  private static TransactionCanceledException canceled(Throwable e) {
    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
    assertThat(cause).isInstanceOf(TransactionCanceledException.class);
    return (TransactionCanceledException) cause;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"DynamoDB_20120810.PutItem", "DynamoDB_20120810.TransactWriteItems"})
  void aClientThatGoesAwayMidRequestDoesNotStopTheServer(String target) throws Exception {
    URI endpoint = URI.create(dynamo.endpoint());
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: " + target
          + "\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 4000\r\n\r\n{\"TableName\":")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      socket.setSoLinger(true, 0); // a reset, as a killed process leaves its connections
    }
    Thread.sleep(500); // the server sees the reset: before, it threw on it and the process ended
    String table = table(aws.dynamo());
    aws.dynamo().putItem(b -> b.tableName(table).item(key("after"))).join();
    assertThat(get(aws.dynamo(), table, "after")).as("the server still answers").isPresent();
    assertThat(ProcessHandle.of(dynamo.pid()).map(ProcessHandle::isAlive)).contains(true);
  }

  @Test
  void aTransactionWritesEveryItem() {
    DynamoDbAsyncClient client = aws.dynamo();
    String table = table(client);
    client.transactWriteItems(b -> b.transactItems(putIfAbsent(table, "a", "1"), putIfAbsent(table, "b", "2"))).join();

    assertThat(get(client, table, "a")).get().extracting(i -> i.get("Value").s()).isEqualTo("1");
    assertThat(get(client, table, "b")).get().extracting(i -> i.get("Value").s()).isEqualTo("2");
  }

  @Test
  void aFailedConditionCancelsTheWholeTransactionWithAReasonPerItem() {
    DynamoDbAsyncClient client = aws.dynamo();
    String table = table(client);
    client.putItem(b -> b.tableName(table).item(Map.of("Id", AttributeValue.fromS("taken"),
        "Value", AttributeValue.fromS("first")))).join();

    CompletableFuture<?> attempt = client.transactWriteItems(b -> b.transactItems(
        putIfAbsent(table, "fresh", "x"), putIfAbsent(table, "taken", "second")));

    assertThatThrownBy(attempt::join).satisfies(e -> {
      TransactionCanceledException canceled = canceled(e);
      assertThat(canceled.cancellationReasons()).extracting(r -> r.code())
          .containsExactly("None", "ConditionalCheckFailed");
    });
    assertThat(get(client, table, "fresh")).as("nothing of a cancelled transaction is written").isEmpty();
    assertThat(get(client, table, "taken")).get().extracting(i -> i.get("Value").s()).isEqualTo("first");
  }

  @Test
  void anUpdateHappensOnlyWhileAnotherTablesConditionHolds() {
    DynamoDbAsyncClient client = aws.dynamo();
    String items = table(client);
    String flags = table(client);
    client.putItem(b -> b.tableName(items).item(Map.of("Id", AttributeValue.fromS("d"), "N", AttributeValue.fromN("1")))).join();
    client.putItem(b -> b.tableName(flags).item(Map.of("Id", AttributeValue.fromS("c"), "Status", AttributeValue.fromS("PAUSED")))).join();
    TransactWriteItem increment = TransactWriteItem.builder().update(Update.builder().tableName(items).key(key("d"))
        .updateExpression("SET N = N + :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))
        .build()).build();
    TransactWriteItem whilePaused = TransactWriteItem.builder().conditionCheck(ConditionCheck.builder()
        .tableName(flags).key(key("c")).conditionExpression("#s = :paused")
        .expressionAttributeNames(Map.of("#s", "Status"))
        .expressionAttributeValues(Map.of(":paused", AttributeValue.fromS("PAUSED"))).build()).build();

    client.transactWriteItems(b -> b.transactItems(increment, whilePaused)).join();
    assertThat(get(client, items, "d").orElseThrow().get("N").n()).isEqualTo("2");

    client.putItem(b -> b.tableName(flags).item(Map.of("Id", AttributeValue.fromS("c"), "Status", AttributeValue.fromS("RUNNING")))).join();
    assertThatThrownBy(() -> client.transactWriteItems(b -> b.transactItems(increment, whilePaused)).join())
        .satisfies(e -> assertThat(canceled(e).cancellationReasons()).extracting(r -> r.code())
            .containsExactly("None", "ConditionalCheckFailed"));
    assertThat(get(client, items, "d").orElseThrow().get("N").n()).as("the update was cancelled with the check").isEqualTo("2");
  }

  @Test
  void aWriteRefusedAfterTheConditionsHeldLeavesNothingWritten() {
    DynamoDbAsyncClient client = aws.dynamo();
    String table = table(client);
    client.putItem(b -> b.tableName(table).item(Map.of("Id", AttributeValue.fromS("text"), "N", AttributeValue.fromS("not a number")))).join();
    TransactWriteItem wrongType = TransactWriteItem.builder().update(Update.builder().tableName(table).key(key("text"))
        .updateExpression("ADD N :one").expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build()).build();

    assertThatThrownBy(() -> client.transactWriteItems(b -> b.transactItems(putIfAbsent(table, "new", "x"), wrongType)).join())
        .hasCauseInstanceOf(DynamoDbException.class);
    assertThat(get(client, table, "new")).as("the put before the refused update is undone").isEmpty();
    assertThat(get(client, table, "text").orElseThrow().get("N").s()).isEqualTo("not a number");
  }

  @Test
  void twoOperationsOnOneItemAreRefused() {
    DynamoDbAsyncClient client = aws.dynamo();
    String table = table(client);
    assertThatThrownBy(() -> client.transactWriteItems(b -> b.transactItems(
        putIfAbsent(table, "same", "1"), putIfAbsent(table, "same", "2"))).join())
        .hasCauseInstanceOf(DynamoDbException.class)
        .hasMessageContaining("multiple operations on one item");
    assertThat(get(client, table, "same")).isEmpty();
  }

  @Test
  void concurrentTransactionsOnOneItemTakeTurns() {
    DynamoDbAsyncClient client = aws.dynamo();
    String table = table(client);
    int claims = 40;
    List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < claims; i++) {
      String record = "record-" + i;
      // each claims the lock item and writes its own record: exactly one may win
      attempts.add(client.transactWriteItems(b -> b.transactItems(putIfAbsent(table, "lock", "owner"),
              putIfAbsent(table, record, "r")))
          .thenApply(r -> true).exceptionally(e -> {
            canceled(e);
            return false;
          }));
    }
    long won = attempts.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();

    assertThat(won).isEqualTo(1);
    long records = client.scan(b -> b.tableName(table).consistentRead(true)).join().items().stream()
        .filter(i -> i.get("Id").s().startsWith("record-")).count();
    assertThat(records).as("only the winner's record exists").isEqualTo(1);
  }

  @Test
  void withAFolderTheTablesOutliveTheServer(@TempDir Path dir) {
    String table;
    try (EmbeddedDynamo first = EmbeddedDynamo.start(Optional.of(dir)); AwsClients one = clients(first)) {
      table = table(one.dynamo());
      one.dynamo().putItem(b -> b.tableName(table).item(Map.of("Id", AttributeValue.fromS("kept"),
          "Value", AttributeValue.fromS("yes")))).join();
    }
    try (EmbeddedDynamo second = EmbeddedDynamo.start(Optional.of(dir)); AwsClients two = clients(second)) {
      assertThat(get(two.dynamo(), table, "kept")).get().extracting(i -> i.get("Value").s()).isEqualTo("yes");
    }
  }

  @Test
  void theServerStopsWhenItsNodeCloses() throws Exception {
    EmbeddedDynamo server = EmbeddedDynamo.start();
    ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
    server.close();
    assertThat(process.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
  }

  @Test
  void aMissingInstallIsOneLineSayingWhatToRun(@TempDir Path empty) {
    String before = System.getProperty("mailroom.dynalite.dir");
    System.setProperty("mailroom.dynalite.dir", empty.toString());
    try {
      assertThatThrownBy(EmbeddedDynamo::start).isInstanceOf(LocalServerMissing.class)
          .hasMessageContaining(empty.toString()).hasMessageContaining("mvn -q package -DskipTests")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    } finally {
      if (before == null) {
        System.clearProperty("mailroom.dynalite.dir");
      } else {
        System.setProperty("mailroom.dynalite.dir", before);
      }
    }
  }

  @Test
  void everyPackageOfTheInstallIsOpenSource() throws Exception {
    Path modules = DynaliteInstall.locate().resolve("node_modules");
    Set<String> allowed = Set.of("Apache-2.0", "MIT", "ISC", "BSD-2-Clause", "BSD-3-Clause");
    Map<String, String> licences = new TreeMap<>();
    try (Stream<Path> manifests = Files.find(modules, 3, (path, attrs) -> path.endsWith("package.json")
        && path.getParent().getParent().getFileName().toString().matches("node_modules|@.*"))) {
      manifests.forEach(manifest -> {
        JsonObject pkg = new JsonObject(readString(manifest));
        // "license": "MIT", or the older {"type": "MIT"} and "licenses": [{"type": "MIT"}]
        Object licence = pkg.getValue("license");
        if (licence == null && pkg.getJsonArray("licenses") != null) {
          licence = pkg.getJsonArray("licenses").getValue(0);
        }
        if (licence instanceof JsonObject typed) {
          licence = typed.getString("type");
        }
        licences.put(pkg.getString("name") + "@" + pkg.getString("version"), String.valueOf(licence));
      });
    }
    assertThat(licences).containsKey("dynalite@4.0.0").hasSizeGreaterThan(10);
    assertThat(licences).allSatisfy((name, licence) -> assertThat(allowed).as(name).contains(licence));
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
