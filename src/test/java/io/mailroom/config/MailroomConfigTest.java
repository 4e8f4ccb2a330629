package io.mailroom.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailroomConfigTest {
  private static JsonObject local() {
    return ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
  }

  @Test
  void theEmbeddedDefaultIsValid() {
    MailroomConfig config = MailroomConfig.from(local());
    assertThat(config.dynamodb().embedded()).isTrue();
    assertThat(config.sqs().embedded()).isTrue();
    assertThat(config.transport()).isEqualTo(MailroomConfig.TransportKind.OUTBOX);
  }

  @Test
  void environmentVariablesOverrideKeys() {
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of(
        "MAILROOM_SES_REGION", "eu-west-1",
        "MAILROOM_HTTP_MAX_BODY_BYTES", "2048",
        "MAILROOM_DYNAMODB_CREATE_TABLES", "false",
        "MAILROOM_TRANSPORT", "ses", "MAILROOM_SES_CONFIGURATION_SET", "mailroom"));
    MailroomConfig config = MailroomConfig.from(json);
    assertThat(config.ses().region()).isEqualTo("eu-west-1");
    assertThat(config.http().maxBodyBytes()).isEqualTo(2048);
    assertThat(config.dynamodb().createTables()).isFalse();
    assertThat(config.transport()).isEqualTo(MailroomConfig.TransportKind.SES);
  }

  @Test
  void theManagementServerHasItsOwnPortAndTheTimeoutsAreChecked() {
    MailroomConfig config = MailroomConfig.from(local());
    assertThat(config.http().management().host()).isEqualTo("127.0.0.1");
    assertThat(config.http().management().port()).isNotEqualTo(config.http().port());
    assertThat(config.withHttpPort(0).http().management().port()).as("the demo's free ports").isZero();
    JsonObject samePort = local();
    samePort.getJsonObject("management").put("port", samePort.getJsonObject("http").getInteger("port"));
    assertThatThrownBy(() -> MailroomConfig.from(samePort)).hasMessageContaining("'management.port'");
    JsonObject slow = local();
    slow.getJsonObject("http").put("requestTimeoutSeconds", 120).put("idleTimeoutSeconds", 60);
    assertThatThrownBy(() -> MailroomConfig.from(slow)).hasMessageContaining("'http.requestTimeoutSeconds'");
    JsonObject production = ConfigSource.load("conf/production.json", Map.of());
    assertThat(production.getJsonObject("management").getString("host")).isEqualTo("0.0.0.0");
  }

  @Test
  void aBadEnvironmentValueNamesTheVariable() {
    assertThatThrownBy(() -> ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of("MAILROOM_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("MAILROOM_HTTP_PORT");
  }

  @Test
  void missingAndWrongKeysAreNamed() {
    JsonObject missing = local();
    missing.getJsonObject("sqs").remove("queueName");
    assertThatThrownBy(() -> MailroomConfig.from(missing)).hasMessageContaining("'sqs.queueName' is missing");

    JsonObject wrongType = local();
    wrongType.getJsonObject("sender").put("instances", "many");
    assertThatThrownBy(() -> MailroomConfig.from(wrongType)).hasMessageContaining("'sender.instances'");

    JsonObject outOfRange = local();
    outOfRange.getJsonObject("http").put("port", 70000);
    assertThatThrownBy(() -> MailroomConfig.from(outOfRange)).hasMessageContaining("'http.port' must be between");

    JsonObject badUrl = local();
    badUrl.getJsonObject("dynamodb").put("endpoint", "localhost:8000");
    assertThatThrownBy(() -> MailroomConfig.from(badUrl)).hasMessageContaining("'dynamodb.endpoint'");

    JsonObject weakSecret = local();
    weakSecret.getJsonObject("webhook").put("secrets", "short");
    assertThatThrownBy(() -> MailroomConfig.from(weakSecret)).hasMessageContaining("'webhook.secrets'");

    JsonObject badTransport = local();
    badTransport.put("transport", "carrier-pigeon");
    assertThatThrownBy(() -> MailroomConfig.from(badTransport)).hasMessageContaining("'transport' must be one of");
  }

  @Test
  void productionNeedsItsSecretsFromTheEnvironment() {
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", Map.of()))
        .hasMessageContaining("'webhook.secrets'");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json",
        Map.of("MAILROOM_WEBHOOK_SECRETS", "a-production-secret-of-some-length")))
        .hasMessageContaining("'subscription.tokenSecrets'");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json",
        Map.of("MAILROOM_WEBHOOK_SECRETS", "a-production-secret-of-some-length",
            "MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", "an-unsubscribe-secret-of-some-length")))
        .hasMessageContaining("'limiter.redisUrl'");
    MailroomConfig config = MailroomConfig.load("conf/production.json",
        Map.of("MAILROOM_WEBHOOK_SECRETS", "a-production-secret-of-some-length",
            "MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", "an-unsubscribe-secret-of-some-length",
            "MAILROOM_LIMITER_REDIS_URL", "redis://redis.internal:6379",
            "MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events",
            "MAILROOM_COMPLIANCE_PROFILE", "none"));
    assertThat(config.publicBaseUrl()).startsWith("https://");
    assertThat(config.subscription().topics()).contains(config.subscription().defaultTopic());
    assertThat(config.limiter().kind()).isEqualTo(MailroomConfig.LimiterKind.REDIS);
    assertThat(config.limiter().quotaPercent()).isEqualTo(90);
    assertThat(config.dynamodb().embedded()).isFalse();
    assertThat(config.dynamodb().createTables()).isFalse();
    assertThat(config.sqs().createQueues()).isFalse();
    assertThat(config.transport()).isEqualTo(MailroomConfig.TransportKind.SES);
    assertThat(config.aws().staticCredentials()).isFalse();
    assertThat(config.demo().seed()).isFalse();
    assertThat(config.ses().configurationSet()).isNotEmpty();
    assertThat(config.sender().reconcileSeconds()).isEqualTo(300);
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json",
        Map.of("MAILROOM_WEBHOOK_SECRETS", "a-production-secret-of-some-length",
            "MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", "an-unsubscribe-secret-of-some-length",
            "MAILROOM_LIMITER_REDIS_URL", "redis://redis.internal:6379", "MAILROOM_SES_CONFIGURATION_SET", "")))
        .as("Amazon SES without Send events cannot settle a call with no answer")
        .hasMessageContaining("'ses.configurationSet'");
  }

  @Test
  void unsubscribeLinksNeedHttpsOffLoopbackAndKnownTopics() {
    JsonObject plain = local();
    plain.put("publicBaseUrl", "http://mail.example.com");
    assertThatThrownBy(() -> MailroomConfig.from(plain)).hasMessageContaining("'publicBaseUrl' must be an https URL");
    JsonObject topic = local();
    topic.getJsonObject("subscription").put("defaultTopic", "weather");
    assertThatThrownBy(() -> MailroomConfig.from(topic)).hasMessageContaining("'subscription.defaultTopic'");
    JsonObject shortSecret = local();
    shortSecret.getJsonObject("subscription").put("tokenSecrets", "short");
    assertThatThrownBy(() -> MailroomConfig.from(shortSecret)).hasMessageContaining("'subscription.tokenSecrets'");
  }

  @Test
  void limiterKeysAreValidated() {
    assertThat(MailroomConfig.from(local()).limiter().kind()).isEqualTo(MailroomConfig.LimiterKind.LOCAL);
    JsonObject badKind = local();
    badKind.getJsonObject("limiter").put("kind", "memcached");
    assertThatThrownBy(() -> MailroomConfig.from(badKind)).hasMessageContaining("'limiter.kind' must be one of");
    JsonObject badUrl = local();
    badUrl.getJsonObject("limiter").put("kind", "redis").put("redisUrl", "http://127.0.0.1:6379");
    assertThatThrownBy(() -> MailroomConfig.from(badUrl)).hasMessageContaining("'limiter.redisUrl'");
    JsonObject badPercent = local();
    badPercent.getJsonObject("limiter").put("quotaPercent", 120);
    assertThatThrownBy(() -> MailroomConfig.from(badPercent)).hasMessageContaining("'limiter.quotaPercent' must be between");
    JsonObject missing = local();
    missing.getJsonObject("limiter").remove("refreshSeconds");
    assertThatThrownBy(() -> MailroomConfig.from(missing)).hasMessageContaining("'limiter.refreshSeconds' is missing");
  }

  @Test
  void secretsNeverAppearInToString() {
    MailroomConfig config = MailroomConfig.from(local());
    assertThat(config.toString()).doesNotContain(config.webhook().secrets().get(0))
        .doesNotContain(config.subscription().tokenSecrets().get(0))
        .doesNotContain(config.aws().secretAccessKey() + ",");
  }

  private static final String WEBHOOK = "a-production-webhook-secret-of-32-bytes-or-more";
  private static final String TOKENS = "a-production-unsubscribe-secret-of-32-bytes-or-more";

  private static Map<String, String> production(String webhook, String tokens) {
    Map<String, String> env = new HashMap<>();
    env.put("MAILROOM_WEBHOOK_SECRETS", webhook);
    env.put("MAILROOM_SUBSCRIPTION_TOKEN_SECRETS", tokens);
    env.put("MAILROOM_LIMITER_REDIS_URL", "rediss://redis.internal:6379");
    env.put("MAILROOM_SUBSCRIPTION_SNS_TOPIC_ARNS", "arn:aws:sns:us-east-1:123456789012:mailroom-ses-events");
    env.put("MAILROOM_COMPLIANCE_PROFILE", "none");
    return env;
  }

  @Test
  void aNodeOnVpcEndpointsIsProductionToo() {
    Map<String, String> env = production(WEBHOOK, "local-unsubscribe-secret-change-me");
    env.put("MAILROOM_DYNAMODB_ENDPOINT", "https://vpce-0a1b2c3d.dynamodb.us-east-1.vpce.amazonaws.com");
    env.put("MAILROOM_SQS_ENDPOINT", "https://sqs.us-east-1.amazonaws.com");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", env))
        .as("the production checks fail closed").hasMessageContaining("'subscription.tokenSecrets'");
    env.put("MAILROOM_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
    env.put("MAILROOM_SQS_ENDPOINT", "http://localhost:9324");
    assertThat(MailroomConfig.load("conf/production.json", env).production()).as("both on loopback").isFalse();
  }

  @Test
  void productionRefusesTheSampleSecrets() {
    assertThat(MailroomConfig.load("conf/production.json", production(WEBHOOK, TOKENS)).production()).isTrue();
    JsonObject samples = local();
    String webhookSample = samples.getJsonObject("webhook").getString("secrets");
    String tokenSample = samples.getJsonObject("subscription").getString("tokenSecrets");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production(webhookSample, TOKENS)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'webhook.secrets'").hasMessageContaining("sample");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production(WEBHOOK + "," + tokenSample, TOKENS)))
        .as("the sample of another key is a sample too").hasMessageContaining("'webhook.secrets'");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json",
        production(WEBHOOK, "my-own-unsubscribe-secret-change-me-please")))
        .hasMessageContaining("'subscription.tokenSecrets'").hasMessageContaining("sample");
  }

  @Test
  void productionRefusesSharedAndShortSecrets() {
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production(WEBHOOK, TOKENS + "," + WEBHOOK)))
        .hasMessageContaining("'subscription.tokenSecrets'").hasMessageContaining("'webhook.secrets'");
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", production("0123456789abcdef0123456789abcde", TOKENS)))
        .as("31 bytes").hasMessageContaining("'webhook.secrets'").hasMessageContaining("32 bytes");
    assertThat(MailroomConfig.load("conf/production.json", production("0123456789abcdef0123456789abcdef", TOKENS))
        .webhook().secrets()).hasSize(1);
    assertThat(MailroomConfig.from(local()).production()).as("the samples still work locally").isFalse();
  }

  @Test
  void fileVariablesReadTheValueFromAFile(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("webhook");
    Files.writeString(secret, WEBHOOK + "\n");
    Map<String, String> env = production("", TOKENS);
    env.remove("MAILROOM_WEBHOOK_SECRETS");
    env.put("MAILROOM_WEBHOOK_SECRETS_FILE", secret.toString());
    env.put("MAILROOM_HTTP_PORT_FILE", Files.writeString(dir.resolve("port"), "9090\n").toString());
    MailroomConfig config = MailroomConfig.load("conf/production.json", env);
    assertThat(config.webhook().secrets()).containsExactly(WEBHOOK);
    assertThat(config.http().port()).isEqualTo(9090);

    env.put("MAILROOM_WEBHOOK_SECRETS", WEBHOOK);
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAILROOM_WEBHOOK_SECRETS ").hasMessageContaining("MAILROOM_WEBHOOK_SECRETS_FILE");

    env.remove("MAILROOM_WEBHOOK_SECRETS");
    env.put("MAILROOM_WEBHOOK_SECRETS_FILE", dir.resolve("missing").toString());
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("MAILROOM_WEBHOOK_SECRETS_FILE").hasMessageContaining(dir.resolve("missing").toString());

    Path unreadable = Files.writeString(dir.resolve("unreadable"), WEBHOOK);
    env.put("MAILROOM_WEBHOOK_SECRETS_FILE", dir.toString());
    assertThatThrownBy(() -> MailroomConfig.load("conf/production.json", env)).as("a folder is not a file")
        .isInstanceOf(ConfigException.class).hasMessageContaining(dir.toString()).hasMessageNotContaining(WEBHOOK);
    assertThat(unreadable).exists();
  }

  @Test
  void envNamesSplitCamelCase() {
    assertThat(ConfigSource.envName("maxBodyBytes")).isEqualTo("MAX_BODY_BYTES");
    assertThat(ConfigSource.envName("region")).isEqualTo("REGION");
  }
}
