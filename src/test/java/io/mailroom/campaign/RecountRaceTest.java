package io.mailroom.campaign;

import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.testing.LocalServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A recount of a campaign's counters (after a crash lost a node's batch of outcomes) that overlaps
 * a live node's batch: the batch holds deliveries the recount already counted. The campaign still
 * completes with counters equal to its deliveries, and only once all of them are finished. Before,
 * the batch was added on top of the recount (a campaign of 900 showed 929 sent) and could complete
 * the campaign while deliveries were still being sent.
 */
class RecountRaceTest {
  private static final long T = 60;
  private static final String ID = "c_recount";

  private Tables tables;
  private AwsClients aws;
  private CampaignStore campaigns;
  private CampaignRecovery recovery;

  @BeforeEach
  void tables() throws Exception {
    tables = Tables.withPrefix(LocalServices.uniquePrefix("recount"));
    aws = LocalServices.dynamoClients(LocalServices.dynamo().endpoint());
    tables.create(aws.dynamo()).await(120, TimeUnit.SECONDS);
    campaigns = new CampaignStore(aws.dynamo(), tables.campaigns());
    // staleMillis -1: every running campaign whose counters are short of its deliveries is recounted
    recovery = new CampaignRecovery(campaigns, new DeliveryQueries(aws.dynamo(), tables.deliveries()), -1,
        io.mailroom.compliance.SendingHold.never());
  }

  @AfterEach
  void close() {
    aws.close();
  }

  @Test
  void aBatchThatArrivesAfterTheRecountIsNotCountedTwice() throws Exception {
    runningCampaign(3);
    delivery("a@example.com", "SENT");
    delivery("b@example.com", "SENT");
    delivery("c@example.com", "SENT");
    // the crashed node's batch (a, b) is lost; the live node's batch (c) is not written yet

    sweep();
    campaigns.tally().addOutcomes(ID, new CampaignStore.Outcomes(1, 0, 0, 0), System.currentTimeMillis())
        .await(T, TimeUnit.SECONDS);
    sweep();

    Campaign done = campaign();
    assertThat(done.status()).isEqualTo(CampaignStatus.COMPLETED);
    assertThat(done.sent()).isEqualTo(3);
    assertThat(done.pending()).isZero();
  }

  @Test
  void aRecountedCampaignIsNotCompletedWhileADeliveryIsStillBeingSent() throws Exception {
    runningCampaign(3);
    delivery("a@example.com", "SENT");
    delivery("b@example.com", "SENT");
    delivery("c@example.com", "CALLING");

    sweep();
    // the live node's batch holds b, which the recount counted: the counters now say nothing is pending
    campaigns.tally().addOutcomes(ID, new CampaignStore.Outcomes(1, 0, 0, 0), System.currentTimeMillis())
        .await(T, TimeUnit.SECONDS);
    assertThat(campaigns.tally().complete(ID, System.currentTimeMillis()).await(T, TimeUnit.SECONDS)).isFalse();
    sweep();
    assertThat(campaign().status()).as("c is still being sent").isEqualTo(CampaignStatus.RUNNING);

    delivery("c@example.com", "SENT");
    campaigns.tally().addOutcomes(ID, new CampaignStore.Outcomes(1, 0, 0, 0), System.currentTimeMillis())
        .await(T, TimeUnit.SECONDS);
    sweep();

    Campaign done = campaign();
    assertThat(done.status()).isEqualTo(CampaignStatus.COMPLETED);
    assertThat(done.sent()).isEqualTo(3);
    campaigns.tally().addOutcomes(ID, new CampaignStore.Outcomes(1, 0, 0, 0), System.currentTimeMillis())
        .await(T, TimeUnit.SECONDS);
    assertThat(campaign().sent()).as("a batch after the final count is dropped").isEqualTo(3);
  }

  @Test
  void aCampaignThatWasNeverRecountedCompletesOnItsCounters() throws Exception {
    runningCampaign(2);
    delivery("a@example.com", "SENT");
    delivery("b@example.com", "FAILED");
    campaigns.tally().addOutcomes(ID, new CampaignStore.Outcomes(1, 1, 0, 0), System.currentTimeMillis())
        .await(T, TimeUnit.SECONDS);

    assertThat(campaigns.tally().complete(ID, System.currentTimeMillis()).await(T, TimeUnit.SECONDS)).isTrue();
    Campaign done = campaign();
    assertThat(done.sent()).isEqualTo(1);
    assertThat(done.failed()).isEqualTo(1);
  }

  private void sweep() throws Exception {
    recovery.sweep(id -> { }).await(T, TimeUnit.SECONDS);
  }

  private Campaign campaign() throws Exception {
    return campaigns.get(ID).await(T, TimeUnit.SECONDS).orElseThrow();
  }

  private void runningCampaign(long queued) {
    CampaignItems.running(aws.dynamo(), tables.campaigns(), ID, queued);
  }

  private void delivery(String email, String status) {
    aws.dynamo().putItem(b -> b.tableName(tables.deliveries()).item(Map.of(
        "CampaignId", AttributeValue.fromS(ID), "Email", AttributeValue.fromS(email),
        "Status", AttributeValue.fromS(status)))).join();
  }
}
