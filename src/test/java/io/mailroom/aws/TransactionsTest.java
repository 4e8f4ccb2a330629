package io.mailroom.aws;

import io.mailroom.campaign.Campaign;
import io.mailroom.campaign.CampaignStore;
import io.mailroom.delivery.DeliveryStore;
import io.mailroom.testing.DynamoConflictProxy;
import io.mailroom.testing.LocalServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two transactions (parking a delivery while its campaign is paused, creating a campaign under
 * an idempotency key) as Amazon DynamoDB answers them: a cancellation that only met another write
 * is tried again; a failed condition is an answer; a delivery no longer held is neither parked nor
 * sent. The conflicts come from a proxy in front of the real embedded DynamoDB.
 */
class TransactionsTest {
  private static final String CAMPAIGN = "c_transactions";
  private static final String EMAIL = "customer@example.com";

  private Tables tables;
  private AwsClients direct;

  @BeforeEach
  void tables() throws Exception {
    tables = Tables.withPrefix(LocalServices.uniquePrefix("tx"));
    direct = clients(LocalServices.dynamo().endpoint());
    tables.create(direct.dynamo()).await(120, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() {
    direct.close();
  }

  private static AwsClients clients(String endpoint) {
    return LocalServices.dynamoClients(endpoint);
  }

  private void campaignStatus(String status) {
    direct.dynamo().putItem(b -> b.tableName(tables.campaigns()).item(Map.of(
        "CampaignId", AttributeValue.fromS(CAMPAIGN), "Status", AttributeValue.fromS(status)))).join();
  }

  private String deliveryStatus() {
    return direct.dynamo().getItem(b -> b.tableName(tables.deliveries()).consistentRead(true).key(Map.of(
        "CampaignId", AttributeValue.fromS(CAMPAIGN), "Email", AttributeValue.fromS(EMAIL)))).join()
        .item().get("Status").s();
  }

  private static int claim(DeliveryStore deliveries) throws Exception {
    DeliveryStore.Claim claim = deliveries.claim(CAMPAIGN, EMAIL, 60_000).await(30, TimeUnit.SECONDS);
    assertThat(claim.state()).isEqualTo(DeliveryStore.Claim.State.CLAIMED);
    return claim.attempt();
  }

  @Test
  void aParkThatMetAnotherWriteIsTriedAgain() throws Exception {
    campaignStatus("PAUSED");
    try (DynamoConflictProxy proxy = new DynamoConflictProxy(LocalServices.dynamo().endpoint(), 2);
         AwsClients aws = clients(proxy.endpoint())) {
      DeliveryStore deliveries = new DeliveryStore(aws.dynamo(), tables.deliveries(), tables.campaigns());
      int attempt = claim(deliveries);

      assertThat(deliveries.park(CAMPAIGN, EMAIL, attempt, "task").await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.conflicted).hasValue(2);
      assertThat(proxy.transactions).hasValue(3);
      assertThat(deliveryStatus()).isEqualTo("PARKED");
    }
  }

  @Test
  void aParkThatKeepsConflictingFailsRatherThanSayNotPaused() throws Exception {
    campaignStatus("PAUSED");
    try (DynamoConflictProxy proxy = new DynamoConflictProxy(LocalServices.dynamo().endpoint(), 1000);
         AwsClients aws = clients(proxy.endpoint())) {
      DeliveryStore deliveries = new DeliveryStore(aws.dynamo(), tables.deliveries(), tables.campaigns());
      int attempt = claim(deliveries);

      // "not paused" would send an email of a paused campaign: a failure keeps the message queued
      assertThatThrownBy(() -> deliveries.park(CAMPAIGN, EMAIL, attempt, "task").await(30, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(Transactions.reasons(e)).containsOnly(Transactions.CONFLICT));
      assertThat(proxy.transactions).hasValue(Transactions.ATTEMPTS);
      assertThat(deliveryStatus()).isEqualTo("SENDING");
    }
  }

  @Test
  void aDeliveryOfARunningCampaignIsNotParked() throws Exception {
    campaignStatus("RUNNING");
    DeliveryStore deliveries = new DeliveryStore(direct.dynamo(), tables.deliveries(), tables.campaigns());
    int attempt = claim(deliveries);

    assertThat(deliveries.park(CAMPAIGN, EMAIL, attempt, "task").await(30, TimeUnit.SECONDS)).isFalse();
    assertThat(deliveryStatus()).isEqualTo("SENDING");
  }

  @Test
  void aDeliveryNoLongerHeldIsNeitherParkedNorToBeSent() throws Exception {
    campaignStatus("PAUSED");
    DeliveryStore deliveries = new DeliveryStore(direct.dynamo(), tables.deliveries(), tables.campaigns());
    int attempt = claim(deliveries);

    assertThatThrownBy(() -> deliveries.park(CAMPAIGN, EMAIL, attempt + 1, "task").await(30, TimeUnit.SECONDS))
        .hasMessageContaining("no longer held");
    assertThat(deliveryStatus()).isEqualTo("SENDING");
  }

  @Test
  void aCreateThatMetAnotherWriteIsTriedAgainAndItsKeyAnswersOnce() throws Exception {
    try (DynamoConflictProxy proxy = new DynamoConflictProxy(LocalServices.dynamo().endpoint(), 1);
         AwsClients aws = clients(proxy.endpoint())) {
      CampaignStore campaigns = new CampaignStore(aws.dynamo(), tables.campaigns());
      long now = System.currentTimeMillis();
      Campaign first = Campaign.create("c_first", "promo", "Subject", "promotions", now);
      Campaign second = Campaign.create("c_second", "promo", "Subject", "promotions", now);

      CampaignStore.Created created = campaigns.create(first, "key-1").await(30, TimeUnit.SECONDS);
      CampaignStore.Created again = campaigns.create(second, "key-1").await(30, TimeUnit.SECONDS);

      assertThat(proxy.conflicted).hasValue(1);
      assertThat(created.existed()).isFalse();
      assertThat(again.existed()).isTrue();
      assertThat(again.campaign().id()).isEqualTo("c_first");
      assertThat(campaigns.get("c_second").await(30, TimeUnit.SECONDS)).isEmpty();
    }
  }
}
