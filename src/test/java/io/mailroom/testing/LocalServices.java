package io.mailroom.testing;

import io.mailroom.aws.AwsClients;
import io.mailroom.config.ConfigSource;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.EmbeddedDynamo;
import io.mailroom.local.EmbeddedSqs;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real local servers the tests talk to, started once per test JVM: dynalite (DynamoDB), ElasticMQ
 * and the SES emulator. Each test gets its own table prefix and queue names, so tests never see
 * each other's data.
 */
public final class LocalServices {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static EmbeddedDynamo dynamo;
  private static EmbeddedSqs sqs;
  private static SesEmulator ses;

  private LocalServices() {
  }

  public static synchronized EmbeddedDynamo dynamo() {
    if (dynamo == null) {
      dynamo = EmbeddedDynamo.start();
      Runtime.getRuntime().addShutdownHook(new Thread(dynamo::close));
    }
    return dynamo;
  }

  public static synchronized EmbeddedSqs sqs() {
    if (sqs == null) {
      sqs = EmbeddedSqs.start();
    }
    return sqs;
  }

  public static synchronized SesEmulator ses() {
    if (ses == null) {
      ses = SesEmulator.start();
      Runtime.getRuntime().addShutdownHook(new Thread(ses::close));
    }
    return ses;
  }

  /** Clients for a DynamoDB at {@code endpoint} alone (static local credentials; no SQS, no SES). */
  public static AwsClients dynamoClients(String endpoint) {
    return new AwsClients(new MailroomConfig.Aws("us-east-1", "local", "local"), endpoint, "http://127.0.0.1:1", "",
        "us-east-1", 30_000);
  }

  /** A unique name for one test's tables and queues. */
  public static String uniquePrefix(String test) {
    return test.replaceAll("[^A-Za-z0-9]", "") + SEQUENCE.incrementAndGet() + "_" + ProcessHandle.current().pid() + "_";
  }

  /**
   * The configuration of a node for one test: conf/local.json pointed at the shared local
   * servers, SES transport, free HTTP and management ports, its own tables and queues, no demo data.
   */
  public static JsonObject configJson(String prefix) {
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
    json.getJsonObject("http").put("port", 0);
    json.getJsonObject("management").put("port", 0);
    json.getJsonObject("dynamodb").put("endpoint", dynamo().endpoint()).put("tablePrefix", prefix);
    json.getJsonObject("sqs").put("endpoint", sqs().endpoint()).put("queueName", prefix + "send")
        .put("deadLetterQueueName", prefix + "send-dlq").put("waitSeconds", 1);
    json.getJsonObject("ses").put("endpoint", ses().endpoint());
    json.put("transport", "ses");
    json.getJsonObject("demo").put("seed", false);
    json.getJsonObject("sender").put("retryBaseMillis", 200);
    json.getJsonObject("compliance").put("profile", "none");
    return json;
  }

  public static MailroomConfig config(String prefix) {
    return MailroomConfig.from(configJson(prefix));
  }
}
