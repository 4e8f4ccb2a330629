package io.mailroom.aws;

import io.mailroom.testing.LocalServices;
import io.vertx.core.Future;
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
 * The Seen table against the embedded DynamoDB: a key is claimed once while it lasts, by one of
 * many racing callers; an expired item still in the table (DynamoDB deletes late) counts as gone.
 */
class OnceStoreTest {
  private Tables tables;
  private AwsClients aws;
  private OnceStore once;

  @BeforeEach
  void tables() throws Exception {
    tables = Tables.withPrefix(LocalServices.uniquePrefix("once"));
    aws = LocalServices.dynamoClients(LocalServices.dynamo().endpoint());
    tables.create(aws.dynamo()).await(120, TimeUnit.SECONDS);
    once = new OnceStore(aws.dynamo(), tables.seen());
  }

  @AfterEach
  void close() {
    aws.close();
  }

  @Test
  void aKeyIsClaimedOnceAndSeenUntilItExpires() throws Exception {
    assertThat(once.seen("test:a").await(30, TimeUnit.SECONDS)).isFalse();
    assertThat(once.claim("test:a", 300).await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(once.claim("test:a", 300).await(30, TimeUnit.SECONDS)).isFalse();
    assertThat(once.seen("test:a").await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(once.claim("test:b", 300).await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void ofManyRacingClaimsOneWins() throws Exception {
    List<Future<Boolean>> claims = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      claims.add(once.claim("test:race", 300));
    }
    Future.all(claims).await(30, TimeUnit.SECONDS);
    assertThat(claims.stream().filter(Future::result).count()).isEqualTo(1);
  }

  @Test
  void anExpiredItemStillInTheTableCountsAsGone() throws Exception {
    long past = System.currentTimeMillis() / 1000 - 10;
    aws.dynamo().putItem(b -> b.tableName(tables.seen()).item(Map.of(
        "Key", AttributeValue.fromS("test:old"), "ExpiresAt", AttributeValue.fromN(Long.toString(past))))).join();

    assertThat(once.seen("test:old").await(30, TimeUnit.SECONDS)).isFalse();
    assertThat(once.claim("test:old", 300).await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(once.seen("test:old").await(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void recordMarksAKeyWhateverWasThere() throws Exception {
    once.record("test:r", 300).await(30, TimeUnit.SECONDS);
    assertThat(once.seen("test:r").await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(once.claim("test:r", 300).await(30, TimeUnit.SECONDS)).isFalse();
  }
}
