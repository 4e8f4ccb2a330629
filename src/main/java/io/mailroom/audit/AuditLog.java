package io.mailroom.audit;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Audit table: one item per change, all in the partition {@code Log = "audit"}, sorted by
 * {@code Entry = <ISO instant>#<request id>}, so that a page of the newest changes is one Query.
 * A page's cursor is the {@code Entry} of its last item.
 */
public final class AuditLog {
  /** What a cursor looks like: an {@code Entry} key. */
  public static final Pattern CURSOR = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT[0-9:.]{8,18}Z#[A-Za-z0-9._:-]{1,64}");
  private static final AttributeValue PARTITION = AttributeValue.fromS("audit");

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  /** A page of entries, newest first, and the cursor of the next page (null at the end). */
  public record Page(List<AuditEntry> entries, String next) { }

  public AuditLog(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public Future<Void> record(AuditEntry entry) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("Log", PARTITION);
    item.put("Entry", AttributeValue.fromS(Instant.ofEpochMilli(entry.atMillis()) + "#" + entry.requestId()));
    item.put("Actor", AttributeValue.fromS(entry.actor()));
    item.put("Action", AttributeValue.fromS(entry.action()));
    item.put("Target", AttributeValue.fromS(entry.target()));
    item.put("At", AttributeValue.fromN(Long.toString(entry.atMillis())));
    item.put("RequestId", AttributeValue.fromS(entry.requestId()));
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(item))).mapEmpty();
  }

  /** Up to {@code limit} entries older than the cursor {@code after} (null: the newest). */
  public Future<Page> page(int limit, String after) {
    return Async.of(dynamo.query(b -> {
      b.tableName(table).keyConditionExpression("#l = :l").expressionAttributeNames(Map.of("#l", "Log"))
          .expressionAttributeValues(Map.of(":l", PARTITION)).scanIndexForward(false).limit(limit);
      if (after != null) {
        b.exclusiveStartKey(Map.of("Log", PARTITION, "Entry", AttributeValue.fromS(after)));
      }
    })).map(AuditLog::page);
  }

  private static Page page(QueryResponse answer) {
    List<AuditEntry> entries = answer.items().stream().map(item -> new AuditEntry(item.get("Actor").s(),
        item.get("Action").s(), item.get("Target").s(), Long.parseLong(item.get("At").n()),
        item.get("RequestId").s())).toList();
    boolean more = answer.hasLastEvaluatedKey() && !answer.lastEvaluatedKey().isEmpty();
    return new Page(entries, more ? answer.lastEvaluatedKey().get("Entry").s() : null);
  }
}
