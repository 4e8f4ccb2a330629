package io.mailroom;

import io.mailroom.testing.LocalServices;
import io.mailroom.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audience rows written to the Users table by something other than the Syncer (which refuses them)
 * with an address that is not one plain mailbox: a campaign skips them, and SES is never asked to
 * send to a display name or to two addresses at once.
 */
@ExtendWith(VertxExtension.class)
class InvalidAddressTest {
  private static final String GOOD = "invalid-address-good@example.com";
  private static final List<String> BAD = List.of(
      "\"kim\" <invalid-address-kim@example.com>",
      "invalid-address-a@example.com, invalid-address-b@example.com",
      "invalid-address-c@example.com\r\nbcc: invalid-address-d@example.com");

  @Test
  void aCampaignSkipsAddressesThatAreNotOnePlainMailbox(Vertx vertx) throws Exception {
    List<Map<String, AttributeValue>> items = new java.util.ArrayList<>();
    for (String email : BAD) {
      items.add(customer(email));
    }
    items.add(customer(GOOD));
    try (TestNode node = TestNode.named("invalidaddress").customers(items).start(vertx)) {
      JsonObject finished = node.awaitFinished(node.startCampaign());

      assertThat(finished.getJsonObject("counts").getLong("sent")).isEqualTo(1);
      assertThat(finished.getJsonObject("counts").getLong("skipped")).isEqualTo(BAD.size());
      Map<String, Integer> ours = LocalServices.ses().perRecipient().entrySet().stream()
          .filter(e -> e.getKey().contains("invalid-address"))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertThat(ours).isEqualTo(Map.of(GOOD, 1));
    }
  }

  private static Map<String, AttributeValue> customer(String email) {
    return Map.of("Email", AttributeValue.fromS(email), "Name", AttributeValue.fromS("Customer"),
        "SubscriptionStatus", AttributeValue.fromBool(true));
  }
}
