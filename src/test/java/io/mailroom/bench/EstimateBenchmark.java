package io.mailroom.bench;

import io.mailroom.audience.UserStore;
import io.mailroom.testing.SignedClient;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one audience estimate costs: {@code -Dbench.customers} (20,000) customers shaped as the
 * Syncer writes them (nine in ten consenting) in the local DynamoDB, then estimates of three
 * different filters (so none is answered from the cache), each timed, with the Users items read.
 * One customer in twenty has a suppression (a bounce). From the items' mean DynamoDB size it works
 * out the read units of one estimate at {@code -Dbench.at} (1,000,000) customers: the eventually
 * consistent scans (size / 4 KB, halved) of the Users table and of the Suppressions table, which an
 * estimate reads once, beside what one consistent suppression look-up per consenting customer (one
 * unit each, found or not) would cost. Asserts nothing.
 *
 * <pre>mvn -B -ntp -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.mailroom.bench.EstimateBenchmark</pre>
 */
public final class EstimateBenchmark {
  private static final int CUSTOMERS = Integer.getInteger("bench.customers", 20_000);
  private static final long AT = Long.getLong("bench.at", 1_000_000L);
  private static final String[] GENDERS = {"Female", "Male", "Female", "Other", "Male"};
  private static final String[] FILTERS = {
      "{}",
      "{\"audience\": {\"attribute\": \"Gender\", \"equals\": \"Female\"}}",
      "{\"audience\": {\"all\": [{\"attribute\": \"Gender\", \"in\": [\"Female\", \"Other\"]},"
          + " {\"not\": {\"attribute\": \"CreateTime\", \"before\": \"2023-06-01T00:00:00Z\"}}]}}"};

  private EstimateBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    List<Map<String, AttributeValue>> items = customers(CUSTOMERS);
    double meanBytes = items.stream().mapToLong(EstimateBenchmark::itemBytes).average().orElse(0);
    Vertx vertx = Vertx.vertx();
    long seeding = System.nanoTime();
    List<Map<String, AttributeValue>> suppressions = suppressions(CUSTOMERS);
    double suppressionBytes = suppressions.stream().mapToLong(EstimateBenchmark::itemBytes).average().orElse(0);
    TestNode node = TestNode.named("estimate-bench").seed(m -> TestNode.users(m).putAll(items)
        // UserStore.putAll is a plain batch write: here it fills the Suppressions table
        .compose(v -> new UserStore(m.aws().dynamo(), m.tables().suppressions()).putAll(suppressions))).start(vertx);
    System.out.printf("EstimateBenchmark: %d customers seeded in %.1f s, mean item %.0f bytes%n", CUSTOMERS,
        (System.nanoTime() - seeding) / 1e9, meanBytes);
    SignedClient client = node.client();
    double consentingShare = 0;
    for (String filter : FILTERS) {
      long start = System.nanoTime();
      SignedClient.Reply reply = client.post("/v1/audiences/estimate", filter);
      double millis = (System.nanoTime() - start) / 1e6;
      JsonObject estimate = reply.json();
      System.out.printf("%s -> %d: customers %d, consenting %d, %d items read, scan %d ms, request %.0f ms%n",
          filter, reply.status(), estimate.getLong("customers"), estimate.getLong("consenting"),
          estimate.getLong("itemsRead"), estimate.getLong("scanMillis"), millis);
      if (filter.equals("{}")) {
        consentingShare = estimate.getLong("consenting") / (double) CUSTOMERS;
      }
    }
    double scanUnits = Math.ceil(AT * meanBytes / 4096) / 2;
    double suppressionScanUnits = Math.ceil(AT * suppressions.size() / (double) CUSTOMERS * suppressionBytes / 4096) / 2;
    double lookUpUnits = AT * consentingShare;
    System.out.printf("at %,d customers: Users scan %,.0f + Suppressions scan %,.0f = %,.0f read units (both"
        + " eventually consistent); one look-up per consenting customer would be %,.0f more (%.0fx)%n", AT,
        scanUnits, suppressionScanUnits, scanUnits + suppressionScanUnits, lookUpUnits,
        (scanUnits + lookUpUnits) / (scanUnits + suppressionScanUnits));
    node.close();
    vertx.close().await();
    System.exit(0);
  }

  /** Customers as the Syncer's AudienceWriter writes them. */
  private static List<Map<String, AttributeValue>> customers(int count) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, AttributeValue> item = new HashMap<>();
      long created = 1_680_000_000L + i * 600L;
      item.put("Email", AttributeValue.fromS(String.format("shopper%07d@example.com", i)));
      item.put("Name", AttributeValue.fromS("Shopper " + i));
      item.put("Gender", AttributeValue.fromS(GENDERS[i % GENDERS.length]));
      item.put("CreateTime", AttributeValue.fromN(Long.toString(created)));
      item.put("SubscriptionStatus", AttributeValue.fromBool(i % 10 != 3));
      item.put("ConsentAt", AttributeValue.fromN(Long.toString(created * 1000 + 5000)));
      item.put("SourceUpdatedAt", AttributeValue.fromN(Long.toString(created * 1000 + 5000)));
      item.put("SourceId", AttributeValue.fromN(Integer.toString(i + 1)));
      items.add(item);
    }
    return items;
  }

  /** A bounce suppression for one customer in twenty. */
  private static List<Map<String, AttributeValue>> suppressions(int count) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 7; i < count; i += 20) {
      items.add(Map.of("Email", AttributeValue.fromS(String.format("shopper%07d@example.com", i)),
          "Reason", AttributeValue.fromS("BOUNCE"), "At", AttributeValue.fromN("1700000000000"),
          "Detail", AttributeValue.fromS("550 5.1.1 mailbox unknown")));
    }
    return items;
  }

  /**
   * The item's size as DynamoDB bills it: each attribute's name plus its value (a string's UTF-8
   * bytes; a number's significant digits / 2 + 1; a boolean 1).
   */
  static long itemBytes(Map<String, AttributeValue> item) {
    long bytes = 0;
    for (Map.Entry<String, AttributeValue> entry : item.entrySet()) {
      bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length;
      AttributeValue value = entry.getValue();
      if (value.s() != null) {
        bytes += value.s().getBytes(StandardCharsets.UTF_8).length;
      } else if (value.n() != null) {
        bytes += (new BigDecimal(value.n()).stripTrailingZeros().precision() + 1) / 2 + 1;
      } else {
        bytes += 1;
      }
    }
    return bytes;
  }
}
