package io.mailroom.campaign;

import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.compliance.SendingHold;
import io.mailroom.delivery.DeliveryQueries;
import io.mailroom.metrics.MailroomMetrics;
import io.mailroom.testing.DynamoFaultProxy;
import io.mailroom.testing.LocalServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node's batch of outcomes is added to its campaign's counters once, even when the write that
 * completes the campaign after it fails: the failed completion is left to a later flush or sweep.
 */
class CampaignCountersTest {
  private static final long T = 60;
  private static final String ID = "c_counters";

  private Tables tables;
  private AwsClients aws;
  private DynamoFaultProxy dynamo;
  private CampaignStore campaigns;

  @BeforeEach
  void tables() throws Exception {
    tables = Tables.withPrefix(LocalServices.uniquePrefix("counters"));
    dynamo = new DynamoFaultProxy(LocalServices.dynamo().endpoint());
    aws = LocalServices.dynamoClients(dynamo.endpoint());
    tables.create(aws.dynamo()).await(120, TimeUnit.SECONDS);
    campaigns = new CampaignStore(aws.dynamo(), tables.campaigns());
  }

  @AfterEach
  void close() throws Exception {
    aws.close();
    dynamo.close();
  }

  @Test
  void aBatchWhoseCompletionFailedIsNotAddedAgain() throws Exception {
    runningCampaign(3);
    dynamo.fail("UpdateItem", request -> request.getString("UpdateExpression", "").startsWith("SET #s = :completed")
        && request.getString("ConditionExpression", "").contains("Pending <= :zero"), 1);
    CampaignCounters counters = new CampaignCounters(campaigns, MailroomMetrics.forVertx());
    counters.sent(ID);
    counters.sent(ID);
    counters.failed(ID);

    counters.flush().await(T, TimeUnit.SECONDS);
    assertThat(dynamo.failed.get()).as("the completion write failed").isEqualTo(1);
    counters.flush().await(T, TimeUnit.SECONDS);

    Campaign after = campaign();
    assertThat(after.sent()).as("the batch counted once").isEqualTo(2);
    assertThat(after.failed()).isEqualTo(1);
    assertThat(after.pending()).isZero();

    new CampaignRecovery(campaigns, new DeliveryQueries(aws.dynamo(), tables.deliveries()), 3_600_000,
        SendingHold.never()).sweep(id -> { }).await(T, TimeUnit.SECONDS);
    Campaign done = campaign();
    assertThat(done.status()).as("the sweep completes it").isEqualTo(CampaignStatus.COMPLETED);
    assertThat(done.sent()).isEqualTo(2);
    assertThat(done.failed()).isEqualTo(1);
  }

  private Campaign campaign() throws Exception {
    return campaigns.get(ID).await(T, TimeUnit.SECONDS).orElseThrow();
  }

  private void runningCampaign(long queued) {
    CampaignItems.running(aws.dynamo(), tables.campaigns(), ID, queued);
  }
}
