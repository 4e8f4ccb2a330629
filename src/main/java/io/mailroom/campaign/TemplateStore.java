package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Templates table (partition key {@code TemplateID}) in DynamoDB, with versions. The head item
 * {@code <id>} holds the newest content, its {@code Version} and the time of every version
 * ({@code VersionTimes}); each version is also an item {@code <id>#v<N>} that is never changed, so a
 * campaign renders the version it pinned however the template is edited later. A head from before
 * versions (no {@code Version}) is version 1. A deleted template keeps its head, marked
 * {@code Deleted}, so that its versions stay readable and a new one continues their numbering.
 */
public final class TemplateStore {
  private static final int ATTEMPTS = 3;

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final TemplateVersions versions;

  public TemplateStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
    this.versions = new TemplateVersions(table);
  }

  /** A template saved, and whether it was new (no template, or a deleted one, had the id). */
  public record Saved(Template template, boolean created) { }

  /** One version of a template and when it was saved. */
  public record Version(long version, long savedAt) { }

  /** The newest version of a template and the list of its versions. */
  public record Head(Template template, List<Version> versions) { }

  /** One page of template heads and the id to continue after (null: the last page). */
  public record Page(List<Template> templates, String next) { }

  /** Two saves of one template raced and this one kept losing. */
  public static final class ConcurrentUpdate extends RuntimeException {
    ConcurrentUpdate(String id) {
      super("template '" + id + "' was changed by another request at the same time; try again", null, false, false);
    }
  }

  /** A template that does not fit in a DynamoDB item even with its bodies compressed. */
  public static final class TooLarge extends RuntimeException {
    TooLarge(long bytes) {
      super("the template takes " + bytes + " bytes stored (compressed), more than DynamoDB's item limit",
          null, false, false);
    }
  }

  /** The newest version (empty when there is none or it was deleted). */
  public Future<Optional<Template>> get(String id) {
    return head(id).map(found -> found.map(Head::template));
  }

  public Future<Optional<Head>> head(String id) {
    return item(id).map(item -> item.filter(TemplateVersions::live)
        .map(found -> new Head(Template.fromItem(found), TemplateVersions.times(found))));
  }

  /** Version {@code version} of a template, deleted or not; version 0: the newest. */
  public Future<Optional<Template>> version(String id, long version) {
    if (version <= 0) {
      return get(id);
    }
    return item(TemplateVersions.key(id, version)).compose(found -> found.isPresent()
        ? Future.succeededFuture(found.map(Template::fromItem))
        : item(id).map(head -> head.map(Template::fromItem).filter(t -> t.version() == version)));
  }

  private Future<Optional<Map<String, AttributeValue>>> item(String id) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).consistentRead(true)
            .key(Map.of("TemplateID", AttributeValue.fromS(id)))))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty());
  }

  /** Saves {@code template} as a new version (the demo data and tests use it). */
  public Future<Void> put(Template template) {
    return save(template, System.currentTimeMillis()).mapEmpty();
  }

  /**
   * Saves {@code template} as the version after the head's, head and version in one transaction on
   * the condition that the head is still the one read: two saves at once never make the same
   * version; the one that loses reads the head again, up to {@value #ATTEMPTS} times, then fails
   * with {@link ConcurrentUpdate}.
   */
  public Future<Saved> save(Template template, long now) {
    return attempt(template, now, ATTEMPTS);
  }

  private Future<Saved> attempt(Template template, long now, int left) {
    return item(template.id()).compose(head -> {
      TemplateVersions.Write write = versions.next(template, head.orElse(null), now);
      return Async.of(dynamo.transactWriteItems(write.request())).map(done -> write.saved())
          .recover(e -> {
            if (!(e instanceof TransactionCanceledException)) {
              return Future.failedFuture(e);
            }
            return left > 1 ? attempt(template, now, left - 1)
                : Future.failedFuture(new ConcurrentUpdate(template.id()));
          });
    });
  }

  /** Template heads (without bodies) in the table's order, {@code limit} at most, after the id {@code after}. */
  public Future<Page> list(int limit, String after) {
    return versions.page(dynamo, limit, after);
  }

  /** Marks the template deleted; false when there was none. Its versions stay for the campaigns that use them. */
  public Future<Boolean> delete(String id, long now) {
    return Async.conditional(dynamo.updateItem(b -> b.tableName(table)
            .key(Map.of("TemplateID", AttributeValue.fromS(id)))
            .updateExpression("SET Deleted = :yes, DeletedAt = :now")
            .conditionExpression("attribute_exists(TemplateID) AND attribute_not_exists(Deleted)")
            .expressionAttributeValues(Map.of(":yes", AttributeValue.fromBool(true),
                ":now", AttributeValue.fromN(Long.toString(now))))));
  }
}
