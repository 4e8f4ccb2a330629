package io.mailroom.campaign;

import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.compliance.SendingHold;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.testing.LocalServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deliveries parked while a campaign was paused go back on the queue after its resume, by one
 * node at a time; a node that stops before they are back leaves them to the next, never stranded.
 */
class ParkedRequeueTest {
  private static final long T = 60;
  private static final String ID = "c_parked";
  private static final long LEASE = 5_000;

  private AwsClients aws;
  private Tables tables;
  private CampaignStore campaigns;

  @BeforeEach
  void tables() throws Exception {
    tables = Tables.withPrefix(LocalServices.uniquePrefix("parked"));
    aws = LocalServices.dynamoClients(LocalServices.dynamo().endpoint());
    tables.create(aws.dynamo()).await(120, TimeUnit.SECONDS);
    campaigns = new CampaignStore(aws.dynamo(), tables.campaigns());
    aws.dynamo().putItem(b -> b.tableName(tables.campaigns()).item(Map.of(
        "CampaignId", AttributeValue.fromS(ID), "TemplateId", AttributeValue.fromS("t"),
        "Status", AttributeValue.fromS("PAUSED"), "FetchDone", AttributeValue.fromBool(true),
        "Queued", AttributeValue.fromN("2"), "Pending", AttributeValue.fromN("2"),
        "UpdatedAt", AttributeValue.fromN("1"), "CreatedAt", AttributeValue.fromN("1")))).join();
  }

  @AfterEach
  void close() {
    aws.close();
  }

  @Test
  void aNodeThatStopsBeforeTheParkedAreBackLeavesThemToTheNext() throws Exception {
    resume();
    long now = System.currentTimeMillis();
    assertThat(take("node-a", now)).as("the first node takes them").isTrue();
    assertThat(take("node-b", now)).as("one node at a time").isFalse();
    // node-a stops here, before its requeue finished: its lease runs out, the flag stays
    assertThat(take("node-b", now + LEASE + 1)).as("the next node takes them").isTrue();
    assertThat(campaigns.parkedRequeued(ID, "node-a").await(T, TimeUnit.SECONDS)).as("no longer node-a's").isFalse();
    assertThat(campaigns.parkedRequeued(ID, "node-b").await(T, TimeUnit.SECONDS)).isTrue();
    assertThat(take("node-c", now + 10 * LEASE)).as("nothing left to take").isFalse();
  }

  @Test
  void aResumeMakesTheParkedTakeableAgainAtOnce() throws Exception {
    resume();
    long now = System.currentTimeMillis();
    assertThat(take("node-a", now)).isTrue();
    campaigns.transition(ID, List.of(CampaignStatus.RUNNING), CampaignStatus.PAUSED, null, now)
        .await(T, TimeUnit.SECONDS);
    resume();
    assertThat(take("node-b", now)).as("a new resume, a new requeue").isTrue();
  }

  @Test
  void theSweepLooksAtAStillRunningCampaignWhoseScanIsDone() throws Exception {
    resume();
    List<String> resumed = new ArrayList<>();
    new CampaignRecovery(campaigns, new DeliveryQueries(aws.dynamo(), tables.deliveries()), -1, SendingHold.never())
        .sweep(resumed::add).await(T, TimeUnit.SECONDS);
    assertThat(resumed).as("handed to the Fetcher, which queues parked deliveries left behind").containsExactly(ID);
  }

  @Test
  void theSweepHandsOnParkedDeliveriesEvenWhenTheCountersSayNothingIsPending() throws Exception {
    resume();
    // a recount overlapped a live node's batch: the counters read nothing pending, one delivery is still parked
    aws.dynamo().updateItem(b -> b.tableName(tables.campaigns()).key(CampaignStore.key(ID))
        .updateExpression("SET Pending = :zero, Recounted = :true")
        .expressionAttributeValues(Map.of(":zero", AttributeValue.fromN("0"), ":true", AttributeValue.fromBool(true))))
        .join();
    delivery("a@example.com", "SENT");
    delivery("b@example.com", "PARKED");
    List<String> resumed = new ArrayList<>();
    new CampaignRecovery(campaigns, new DeliveryQueries(aws.dynamo(), tables.deliveries()), 3_600_000,
        SendingHold.never()).sweep(resumed::add).await(T, TimeUnit.SECONDS);
    assertThat(campaigns.get(ID).await(T, TimeUnit.SECONDS).orElseThrow().status()).as("b is not sent yet")
        .isEqualTo(CampaignStatus.RUNNING);
    assertThat(resumed).as("handed to the Fetcher, which queues b again").containsExactly(ID);
  }

  private void delivery(String email, String status) {
    aws.dynamo().putItem(b -> b.tableName(tables.deliveries()).item(Map.of(
        "CampaignId", AttributeValue.fromS(ID), "Email", AttributeValue.fromS(email),
        "Status", AttributeValue.fromS(status)))).join();
  }

  private void resume() throws Exception {
    assertThat(campaigns.transition(ID, List.of(CampaignStatus.PAUSED), CampaignStatus.RUNNING, null,
        System.currentTimeMillis()).await(T, TimeUnit.SECONDS)).isPresent();
  }

  private boolean take(String node, long now) throws Exception {
    return campaigns.takeParked(ID, node, LEASE, now).await(T, TimeUnit.SECONDS);
  }
}
