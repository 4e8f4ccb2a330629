package io.mailroom.campaign;

import io.mailroom.testing.DynamoFaultProxy;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A DynamoDB outage that outlasts the SDK's own retries while the Fetcher reads the audience: the
 * first page's read and a later page's read each fail once. The Fetcher reads the page again after
 * a pause, and the campaign completes with every customer sent one email, instead of failing.
 */
@ExtendWith(VertxExtension.class)
class AudienceScanFaultTest {
  private static final int CUSTOMERS = 25;
  private static final int PAGE = 10;
  private static DynamoFaultProxy dynamo;
  private static TestNode test;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    dynamo = new DynamoFaultProxy(LocalServices.dynamo().endpoint());
    test = TestNode.named("scanfault")
        .config(json -> {
          json.getJsonObject("dynamodb").put("endpoint", dynamo.endpoint());
          // no recovery sweep during the test: the Fetcher itself must get past the outage
          json.getJsonObject("fetcher").put("scanLimit", PAGE).put("resumeSeconds", 3600);
        })
        .customers(CUSTOMERS, AudienceScanFaultTest::email)
        .start(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    test.close();
    dynamo.close();
  }

  static String email(int i) {
    return String.format("s%03d@scanfault.test", i);
  }

  @Test
  void aPageReadThatFailsIsReadAgainAndTheCampaignCompletes() {
    String users = test.mailroom().tables().users();
    dynamo.fail("Scan", scan -> users.equals(scan.getString("TableName")) && scan.getInteger("Limit", 0) == PAGE
        && !scan.containsKey("ExclusiveStartKey"), 1);
    dynamo.fail("Scan", scan -> users.equals(scan.getString("TableName")) && scan.getInteger("Limit", 0) == PAGE
        && scan.containsKey("ExclusiveStartKey"), 1);

    String id = test.startCampaign();
    JsonObject done = test.awaitFinished(id);

    assertThat(dynamo.failed.get()).as("both page reads failed once").isEqualTo(2);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getJsonObject("counts").getLong("sent")).isEqualTo(CUSTOMERS);
    Map<String, Integer> received = LocalServices.ses().perRecipient().entrySet().stream()
        .filter(e -> e.getKey().endsWith("@scanfault.test"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    assertThat(received).hasSize(CUSTOMERS).allSatisfy((email, count) -> assertThat(count).as(email).isEqualTo(1));
  }
}
