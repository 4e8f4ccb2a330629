package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.Optional;

/** The Templates table (partition key {@code TemplateID}) in DynamoDB. */
public final class TemplateStore {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public TemplateStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public Future<Optional<Template>> get(String id) {
    return Async.of(dynamo.getItem(b -> b.tableName(table).key(Map.of("TemplateID", AttributeValue.fromS(id)))))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(Template.fromItem(r.item())) : Optional.empty());
  }

  public Future<Void> put(Template template) {
    return Async.of(dynamo.putItem(b -> b.tableName(table).item(template.toItem()))).mapEmpty();
  }
}
