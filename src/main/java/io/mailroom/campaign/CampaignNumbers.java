package io.mailroom.campaign;

import io.mailroom.aws.Async;
import io.vertx.core.Future;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Numbers kept on a campaign's item besides the ones {@link Campaign} carries, such as the results
 * other packages count there (delivered, bounced, unsubscribed…), read by name with one
 * consistent read. A number never written reads as 0.
 */
public final class CampaignNumbers {
  private final DynamoDbAsyncClient dynamo;
  private final String table;

  CampaignNumbers(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** The campaign with the numbers {@code names} (in their order), or empty when there is no such campaign. */
  public Future<Optional<Counted>> read(String id, List<String> names) {
    if (id.startsWith(CampaignStore.IDEMPOTENCY)) {
      return Future.succeededFuture(Optional.empty());
    }
    return Async.of(dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(CampaignStore.key(id))))
        .map(found -> {
          if (!found.hasItem() || found.item().isEmpty()) {
            return Optional.empty();
          }
          Map<String, Long> numbers = new LinkedHashMap<>();
          names.forEach(name -> numbers.put(name, number(found.item().get(name))));
          return Optional.of(new Counted(Campaign.fromItem(found.item()), numbers));
        });
  }

  /** A campaign and the numbers asked for. */
  public record Counted(Campaign campaign, Map<String, Long> numbers) {
    public long number(String name) {
      return numbers.getOrDefault(name, 0L);
    }
  }

  private static long number(AttributeValue value) {
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }
}
