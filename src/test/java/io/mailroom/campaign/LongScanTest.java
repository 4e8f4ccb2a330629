package io.mailroom.campaign;

import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An audience scan of thousands of pages, as a campaign of millions is at 100 customers a page:
 * the scan keeps no chain of futures that grows with every page (one that long overflowed the
 * event loop's stack when it completed, and the node stopped answering). Nobody here consents,
 * so the scan is all there is to the campaign.
 */
@ExtendWith(VertxExtension.class)
class LongScanTest {
  private static final int CUSTOMERS = 3000;

  @Test
  void aScanOfThousandsOfPagesFinishesAndTheNodeStillAnswers(Vertx vertx) throws Exception {
    List<Map<String, AttributeValue>> customers = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      customers.add(Map.of("Email", AttributeValue.fromS(String.format("c%05d@longscan.test", i)),
          "Name", AttributeValue.fromS("C" + i), "SubscriptionStatus", AttributeValue.fromBool(false)));
    }
    try (TestNode node = TestNode.named("longscan")
        .config(json -> json.getJsonObject("fetcher").put("scanLimit", 1))
        .customers(customers)
        .start(vertx)) {
      String id = node.startCampaign();
      JsonObject done = node.awaitFinished(id);

      assertThat(done.getString("status")).isEqualTo("completed");
      assertThat(done.getJsonObject("counts").getLong("skipped")).isEqualTo(CUSTOMERS);
      assertThat(node.client().send(node.client().unsigned("/health/live").GET().build()).status())
          .as("the node still answers").isEqualTo(200);
    }
  }
}
