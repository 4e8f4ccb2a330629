package io.mailroom.sync;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * Customers written into a Users table by the Syncer's own {@link AudienceWriter}, as rows read
 * from MySQL would be, without a MySQL: tests of what reads the Users table see the Syncer's item
 * shape ({@code ConsentAt}, {@code SourceId}, a boolean {@code SubscriptionStatus}) beside the demo seed's.
 */
public final class SyncedCustomers {
  /** One MySQL customer row: its id, address, name, gender, creation and consent times (UTC). */
  public record Row(long id, String email, String name, String gender, LocalDateTime created, boolean subscribed,
                    LocalDateTime consentUpdatedAt) { }

  private SyncedCustomers() {
  }

  public static Future<Void> write(Vertx vertx, DynamoDbAsyncClient dynamo, String usersTable, List<Row> rows) {
    List<CustomerRow> customers = rows.stream().map(row -> new CustomerRow(row.id(), row.email(), row.name(),
        row.gender(), row.created(), row.subscribed(), row.consentUpdatedAt(), row.consentUpdatedAt(), null, Map.of())).toList();
    return new AudienceWriter(vertx, dynamo, usersTable).write(customers).mapEmpty();
  }
}
