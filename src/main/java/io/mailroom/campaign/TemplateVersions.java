package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The item layout of {@link TemplateStore}'s versions: the keys, the transaction that writes the
 * next version, and the scan that lists heads.
 */
final class TemplateVersions {
  /** DynamoDB's item limit is 400 KB; what is left is for attribute names and overhead. */
  private static final long MAX_ITEM_BYTES = 390_000;
  private static final int SCAN_PAGE = 100;

  private final String table;

  TemplateVersions(String table) {
    this.table = table;
  }

  /** The transaction that saves a version, and the template as saved. */
  record Write(TransactWriteItemsRequest request, TemplateStore.Saved saved) { }

  static String key(String id, long version) {
    return id + "#v" + version;
  }

  static boolean live(Map<String, AttributeValue> head) {
    AttributeValue deleted = head.get("Deleted");
    return deleted == null || !Boolean.TRUE.equals(deleted.bool());
  }

  /** The versions a head records; a legacy head is version 1, saved when it says it was updated. */
  static List<TemplateStore.Version> times(Map<String, AttributeValue> head) {
    AttributeValue times = head.get("VersionTimes");
    List<TemplateStore.Version> versions = new ArrayList<>();
    if (times == null || !times.hasL()) {
      Template legacy = Template.fromItem(head);
      versions.add(new TemplateStore.Version(legacy.version(), legacy.updatedAt()));
      return versions;
    }
    for (int i = 0; i < times.l().size(); i++) {
      versions.add(new TemplateStore.Version(i + 1, Long.parseLong(times.l().get(i).n())));
    }
    return versions;
  }

  /**
   * The next version after {@code head} (null: none yet). A legacy head gets its own version item
   * (version 1) in the same transaction, so that its content stays readable once it is replaced.
   */
  Write next(Template template, Map<String, AttributeValue> head, long now) {
    Template current = head == null ? null : Template.fromItem(head);
    boolean legacy = head != null && !head.containsKey("Version");
    long previous = current == null ? 0 : current.version();
    boolean created = head == null || !live(head);
    Template saved = template.saved(previous + 1, created || current.createdAt() <= 0 ? now : current.createdAt(), now);
    List<AttributeValue> times = new ArrayList<>();
    if (head != null) {
      times(head).forEach(v -> times.add(AttributeValue.fromN(Long.toString(v.savedAt()))));
    }
    times.add(AttributeValue.fromN(Long.toString(now)));
    Map<String, AttributeValue> headItem = new HashMap<>(saved.toItem());
    headItem.put("VersionTimes", AttributeValue.fromL(times));
    checkSize(headItem);
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(headPut(headItem, head == null, legacy, previous));
    writes.add(versionPut(saved.toItem(), key(template.id(), saved.version())));
    if (legacy) {
      writes.add(versionPut(current.saved(1, now, now).toItem(), key(template.id(), 1)));
    }
    return new Write(TransactWriteItemsRequest.builder().transactItems(writes).build(),
        new TemplateStore.Saved(saved, created));
  }

  private TransactWriteItem headPut(Map<String, AttributeValue> item, boolean absent, boolean legacy, long previous) {
    Put.Builder put = Put.builder().tableName(table).item(item);
    if (absent) {
      put.conditionExpression("attribute_not_exists(TemplateID)");
    } else if (legacy) {
      put.conditionExpression("attribute_exists(TemplateID) AND attribute_not_exists(Version)");
    } else {
      put.conditionExpression("Version = :previous")
          .expressionAttributeValues(Map.of(":previous", AttributeValue.fromN(Long.toString(previous))));
    }
    return TransactWriteItem.builder().put(put.build()).build();
  }

  private TransactWriteItem versionPut(Map<String, AttributeValue> content, String key) {
    Map<String, AttributeValue> item = new HashMap<>(content);
    item.put("TemplateID", AttributeValue.fromS(key));
    return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
        .conditionExpression("attribute_not_exists(TemplateID)").build()).build();
  }

  private static void checkSize(Map<String, AttributeValue> item) {
    long bytes = 0;
    for (Map.Entry<String, AttributeValue> entry : item.entrySet()) {
      AttributeValue value = entry.getValue();
      bytes += entry.getKey().length() + (value.s() != null ? value.s().getBytes(StandardCharsets.UTF_8).length
          : value.b() != null ? value.b().asByteArray().length : value.hasL() ? value.l().size() * 64L : 16);
    }
    if (bytes > MAX_ITEM_BYTES) {
      throw new TemplateStore.TooLarge(bytes);
    }
  }

  /** One page of live heads, continuing a scan after the id {@code after}. */
  Future<TemplateStore.Page> page(DynamoDbAsyncClient dynamo, int limit, String after) {
    return scan(dynamo, limit, after == null ? null : Map.of("TemplateID", AttributeValue.fromS(after)),
        new ArrayList<>());
  }

  private Future<TemplateStore.Page> scan(DynamoDbAsyncClient dynamo, int limit, Map<String, AttributeValue> start,
                                          List<Template> found) {
    ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true).limit(SCAN_PAGE)
        .filterExpression("NOT contains(#id, :mark) AND attribute_not_exists(#deleted)")
        .projectionExpression("#id, #name, #subject, #version, #updated")
        .expressionAttributeNames(Map.of("#id", "TemplateID", "#name", "TemplateName", "#subject", "Subject",
            "#version", "Version", "#updated", "UpdatedAt", "#deleted", "Deleted"))
        .expressionAttributeValues(Map.of(":mark", AttributeValue.fromS("#v")));
    if (start != null) {
      request.exclusiveStartKey(start);
    }
    return Async.of(dynamo.scan(request.build())).compose(r -> {
      for (Map<String, AttributeValue> item : r.items()) {
        found.add(Template.fromItem(item));
        if (found.size() == limit) {
          boolean more = item != r.items().get(r.items().size() - 1) || r.hasLastEvaluatedKey()
              && !r.lastEvaluatedKey().isEmpty();
          return Future.succeededFuture(new TemplateStore.Page(found, more ? item.get("TemplateID").s() : null));
        }
      }
      return r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()
          ? scan(dynamo, limit, r.lastEvaluatedKey(), found)
          : Future.succeededFuture(new TemplateStore.Page(found, null));
    });
  }
}
