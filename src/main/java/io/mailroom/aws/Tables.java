package io.mailroom.aws;

import io.vertx.core.Future;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbAsyncWaiter;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The names of Mailroom's DynamoDB tables under one prefix, and their creation (with the Seen
 * table's TTL, the Campaigns table's indexes and the Suppressions table's index of pending unsubscribes,
 * the Notices table's index of consent notices due). {@code console} holds the console's sessions and
 * sign-in delays (TTL {@code ExpiresAt}), {@code audit} who did what through the API.
 */
public record Tables(String users, String templates, String campaigns, String deliveries, String syncState,
                     String suppressions, String seen, String notices, String console, String audit) {
  /** Every campaign ({@code Listed = "campaign"}), newest first by {@code ListKey} (created-at, then id). */
  public static final GlobalIndex CAMPAIGNS_LISTED = new GlobalIndex("Listed", "Listed", "ListKey",
      ScalarAttributeType.S, ProjectionType.ALL);
  /** The campaigns in one status, newest first by {@code ListKey}. */
  public static final GlobalIndex CAMPAIGNS_BY_STATUS = new GlobalIndex("ByStatus", "Status", "ListKey",
      ScalarAttributeType.S, ProjectionType.ALL);
  /**
   * Sparse: only scheduled campaigns carry {@code ScheduledShard}, removed when they leave
   * {@code scheduled}, so the scheduler reads the due ones by {@code SendAt} and nothing else.
   */
  public static final GlobalIndex CAMPAIGNS_DUE = new GlobalIndex("BySendAt", "ScheduledShard", "SendAt",
      ScalarAttributeType.N, ProjectionType.KEYS_ONLY);

  /**
   * Sparse: only an unsubscribe whose follow-up is not done carries {@code PendingShard}, removed
   * when it is settled, so the sweep reads the pending ones by {@code UnsubscribeAt} and nothing else.
   */
  public static final GlobalIndex SUPPRESSIONS_PENDING = new GlobalIndex("ByPending", "PendingShard", "UnsubscribeAt",
      ScalarAttributeType.N, ProjectionType.ALL);

  /**
   * Sparse: only a consent notice still to be sent (pending, or failed and waiting to be tried
   * again) carries {@code DueShard}, so the sweep reads the due ones by {@code DueAt} and nothing else.
   */
  public static final GlobalIndex NOTICES_DUE = new GlobalIndex("ByDue", "DueShard", "DueAt",
      ScalarAttributeType.N, ProjectionType.ALL);

  private static final Duration ACTIVE_POLL = Duration.ofMillis(250);
  private static final Duration ACTIVE_WAIT = Duration.ofMinutes(5);

  public static Tables withPrefix(String prefix) {
    return new Tables(prefix + "Users", prefix + "Templates", prefix + "Campaigns", prefix + "Deliveries",
        prefix + "SyncState", prefix + "Suppressions", prefix + "Seen", prefix + "Notices", prefix + "Console",
        prefix + "Audit");
  }

  /** Creates every missing table (on-demand billing) and waits until each is active. */
  public Future<Void> create(DynamoDbAsyncClient dynamo) {
    List<Future<?>> all = new ArrayList<>();
    all.add(create(dynamo, users, "Email", null, List.of()));
    all.add(create(dynamo, templates, "TemplateID", null, List.of()));
    all.add(create(dynamo, campaigns, "CampaignId", null,
        List.of(CAMPAIGNS_LISTED, CAMPAIGNS_BY_STATUS, CAMPAIGNS_DUE)));
    all.add(create(dynamo, deliveries, "CampaignId", "Email", List.of()));
    all.add(create(dynamo, syncState, "Name", null, List.of()));
    all.add(create(dynamo, suppressions, "Email", null, List.of(SUPPRESSIONS_PENDING)));
    all.add(create(dynamo, notices, "Id", null, List.of(NOTICES_DUE)));
    all.add(create(dynamo, seen, "Key", null, List.of()).compose(v -> OnceStore.enableExpiry(dynamo, seen)));
    all.add(create(dynamo, console, "Key", null, List.of()).compose(v -> OnceStore.enableExpiry(dynamo, console)));
    all.add(create(dynamo, audit, "Log", "Entry", List.of()));
    return Future.all(all).mapEmpty();
  }

  private static Future<Void> create(DynamoDbAsyncClient dynamo, String table, String hashKey, String rangeKey,
                                     List<GlobalIndex> indexes) {
    List<AttributeDefinition> attributes = new ArrayList<>();
    List<KeySchemaElement> keys = new ArrayList<>();
    attributes.add(AttributeDefinition.builder().attributeName(hashKey).attributeType(ScalarAttributeType.S).build());
    keys.add(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build());
    if (rangeKey != null) {
      attributes.add(AttributeDefinition.builder().attributeName(rangeKey).attributeType(ScalarAttributeType.S).build());
      keys.add(KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build());
    }
    for (GlobalIndex index : indexes) {
      index.attributes().stream()
          .filter(a -> attributes.stream().noneMatch(known -> known.attributeName().equals(a.attributeName())))
          .forEach(attributes::add);
    }
    CreateTableRequest.Builder request = CreateTableRequest.builder()
        .tableName(table)
        .attributeDefinitions(attributes)
        .keySchema(keys)
        .billingMode(BillingMode.PAY_PER_REQUEST);
    if (!indexes.isEmpty()) {
      request.globalSecondaryIndexes(indexes.stream().map(GlobalIndex::definition).toList());
    }
    return Async.of(dynamo.createTable(request.build()))
        .<Void>mapEmpty()
        .recover(e -> e instanceof ResourceInUseException ? Future.succeededFuture() : Future.failedFuture(e))
        .compose(v -> awaitActive(dynamo, table));
  }

  /**
   * Waits until the table is ACTIVE, asking every 250 ms for up to 5 minutes: the SDK's own
   * waiter asks every 20 s, which a table that is CREATING for a moment turns into a 20 s start.
   */
  public static Future<Void> awaitActive(DynamoDbAsyncClient dynamo, String table) {
    DynamoDbAsyncWaiter waiter = DynamoDbAsyncWaiter.builder().client(dynamo)
        .overrideConfiguration(WaiterOverrideConfiguration.builder()
            .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(ACTIVE_POLL))
            .waitTimeout(ACTIVE_WAIT).maxAttempts(Integer.MAX_VALUE).build())
        .build();
    return Async.of(waiter.waitUntilTableExists(b -> b.tableName(table)))
        .<Void>mapEmpty()
        .eventually(() -> {
          waiter.close();
          return Future.succeededFuture();
        });
  }
}
