package io.mailroom.aws;

import io.mailroom.config.ConfigException;
import io.mailroom.config.MailroomConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import java.net.URI;
import java.time.Duration;

/**
 * The AWS SDK v2 async clients one node shares: DynamoDB, SQS and SES v2, each on the Netty
 * NIO HTTP client, pointed at the configured endpoints (local emulators or AWS).
 */
public final class AwsClients implements AutoCloseable {
  private final SdkAsyncHttpClient http;
  private final DynamoDbAsyncClient dynamo;
  private final SqsAsyncClient sqs;
  private final SesV2AsyncClient ses;

  /** Endpoints here are resolved ones: "embedded" has already been replaced by a URL. */
  public AwsClients(MailroomConfig.Aws aws, String dynamoEndpoint, String sqsEndpoint,
                    String sesEndpoint, String sesRegion, int sesTimeoutMillis) {
    this.http = NettyNioAsyncHttpClient.builder()
        .maxConcurrency(512)
        .connectionAcquisitionTimeout(Duration.ofSeconds(30))
        .build();
    AwsCredentialsProvider credentials = aws.staticCredentials()
        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(aws.accessKeyId(), aws.secretAccessKey()))
        : DefaultCredentialsProvider.builder().build();
    this.dynamo = configure(DynamoDbAsyncClient.builder(), aws.region(), dynamoEndpoint, credentials).build();
    this.sqs = configure(SqsAsyncClient.builder(), aws.region(), sqsEndpoint, credentials).build();
    // SES calls are retried by the Sender's RetryPolicy alone, so one attempt here, with a deadline
    this.ses = configure(SesV2AsyncClient.builder(), sesRegion, sesEndpoint, credentials)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallAttemptTimeout(Duration.ofMillis(sesTimeoutMillis))
            .apiCallTimeout(Duration.ofMillis(sesTimeoutMillis)))
        .build();
  }

  /**
   * Checks, before a node starts, that credentials can be found: without static ones in the config,
   * the default chain must give some. Blocking (it may ask a container or instance endpoint).
   *
   * @throws ConfigException one line saying what is missing and where it is looked for
   */
  public static void checkCredentials(MailroomConfig.Aws aws) {
    if (aws.staticCredentials()) {
      return;
    }
    try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
      chain.resolveCredentials();
    } catch (SdkClientException e) {
      throw new ConfigException("no AWS credentials found: set config keys aws.accessKeyId and aws.secretAccessKey"
          + " (MAILROOM_AWS_ACCESS_KEY_ID, MAILROOM_AWS_SECRET_ACCESS_KEY), or give the default credentials chain"
          + " some: environment AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, Java system properties aws.accessKeyId"
          + " and aws.secretAccessKey, a profile in ~/.aws/credentials (AWS_PROFILE), a web identity token,"
          + " or a container or instance role");
    }
  }

  private <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B configure(
      B builder, String region, String endpoint, AwsCredentialsProvider credentials) {
    builder.region(Region.of(region)).credentialsProvider(credentials).httpClient(http);
    if (endpoint != null && !endpoint.isEmpty()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder;
  }

  public DynamoDbAsyncClient dynamo() {
    return dynamo;
  }

  public SqsAsyncClient sqs() {
    return sqs;
  }

  public SesV2AsyncClient ses() {
    return ses;
  }

  @Override
  public void close() {
    dynamo.close();
    sqs.close();
    ses.close();
    http.close();
  }
}
