package io.mailroom.config;

import io.mailroom.compliance.ComplianceSettings;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** The whole, validated configuration of one Mailroom node. */
public record MailroomConfig(
    Http http,
    String publicBaseUrl,
    Webhook webhook,
    Subscription subscription,
    Aws aws,
    Dynamo dynamodb,
    Sqs sqs,
    Ses ses,
    TransportKind transport,
    String outboxDir,
    Sender sender,
    Fetcher fetcher,
    int templateCacheSeconds,
    int shutdownGraceSeconds,
    Sync sync,
    Demo demo,
    Limiter limiter,
    Authoring authoring,
    Admission admission,
    ComplianceSettings compliance,
    Reputation reputation,
    Console console) {

  public static final String EMBEDDED = "embedded";

  public enum TransportKind { SES, OUTBOX }

  /** The API server (read by {@link HttpKeys}) and the management server beside it. */
  public record Http(String host, int port, int maxBodyBytes, int idleTimeoutSeconds, int requestTimeoutSeconds,
                     Management management) { }

  /** {@code /metrics} and {@code /health/*}: for probes and Prometheus, never the public load balancer. */
  public record Management(String host, int port) { }

  /** HMAC secrets: the first signs, every one verifies, so a secret can be rotated. */
  public record Webhook(List<String> secrets, int maxSkewSeconds) {
    @Override
    public String toString() {
      return "Webhook[secrets=" + secrets.size() + " configured, maxSkewSeconds=" + maxSkewSeconds + "]";
    }
  }

  /**
   * Unsubscribe tokens (HMAC secrets: the first signs, every one verifies), the optional mailto
   * address of {@code List-Unsubscribe}, the preference topics and the SNS feed of SES events.
   */
  public record Subscription(List<String> tokenSecrets, String mailto, List<String> topics, String defaultTopic,
                             Sns sns) {
    @Override
    public String toString() {
      return "Subscription[tokenSecrets=" + tokenSecrets.size() + " configured, mailto=" + mailto + ", topics=" + topics
          + ", defaultTopic=" + defaultTopic + ", sns=" + sns + "]";
    }
  }

  /**
   * How {@code POST /v1/ses/events} trusts SNS: an optional local certificate used instead of
   * SNS's (tests; refused in production), an optional loopback endpoint that plays SNS's host
   * (tests; refused in production), and the topics it accepts (empty: any; required in production).
   */
  public record Sns(String certificateFile, String localEndpoint, List<String> topicArns) { }

  public record Aws(String region, String accessKeyId, String secretAccessKey) {
    public boolean staticCredentials() {
      return !accessKeyId.isEmpty();
    }

    @Override
    public String toString() {
      return "Aws[region=" + region + ", credentials=" + (staticCredentials() ? "static" : "default chain") + "]";
    }
  }

  /**
   * DynamoDB: {@code embedded} starts the local one (dynalite) with the node, keeping its data in
   * memory, or under {@code embeddedPath} when that is set, so that a local node keeps it across restarts.
   */
  public record Dynamo(String endpoint, String tablePrefix, boolean createTables, String embeddedPath) {
    public boolean embedded() {
      return EMBEDDED.equals(endpoint);
    }
  }

  public record Sqs(String endpoint, String queueName, String deadLetterQueueName, boolean createQueues,
                    int visibilityTimeoutSeconds, int maxReceives, int waitSeconds) {
    public boolean embedded() {
      return EMBEDDED.equals(endpoint);
    }
  }

  public record Ses(String endpoint, String region, String fromAddress, String configurationSet, int timeoutMillis) { }

  /**
   * {@code reconcileSeconds}: how long an email whose SES call got no answer waits for SES's Send
   * event before it is sent again; {@code resendAmbiguous}: with no way to reconcile (SES without a
   * configuration set), send such an email again (it may arrive twice) instead of recording it failed.
   */
  public record Sender(int instances, int maxInFlight, int maxAttempts, int retryBaseMillis, boolean resendAmbiguous,
                       int reconcileSeconds) { }

  /** {@code scheduleCheckSeconds}: how often each node looks for scheduled campaigns whose time has come. */
  public record Fetcher(int scanLimit, int batchSize, int leaseSeconds, int resumeSeconds, int staleSeconds,
                        int scheduleCheckSeconds) { }

  public record Demo(boolean seed, int customers) { }

  /** Template authoring: the addresses, besides customers, that a test send may go to (see {@link AuthoringKeys}). */
  public record Authoring(List<String> testRecipients) { }

  /** The Syncer: the company's MySQL customer table, its column names, and the schedule. */
  public record Sync(boolean enabled, int intervalSeconds, int chunkSize, int lookBackSeconds, int leaseSeconds,
                     boolean writeBack, Mysql mysql, String table, Columns columns) { }

  /** {@code sslMode}: disabled, preferred, required, verify-ca or verify-full (the CA and the host name checked). */
  public record Mysql(String host, int port, String database, String user, String password, String sslMode) {
    @Override
    public String toString() {
      return "Mysql[" + user + "@" + host + ":" + port + "/" + database + ", ssl " + sslMode + "]";
    }
  }

  /**
   * Column names; {@code consentUpdatedAt} and {@code deletedAt} may be empty (not in the table).
   * {@code attributes} maps further columns to the Users attributes they are written as.
   */
  public record Columns(String id, String email, String name, String gender, String created, String subscribed,
                        String consentUpdatedAt, String updatedAt, String deletedAt, Map<String, String> attributes) {
    public Columns {
      attributes = Map.copyOf(attributes);
    }
  }

  /**
   * Admission control of the customer-facing routes ({@code /u/{token}}): at most {@code maxInFlight}
   * requests at once, of which {@code oneClickReserved} only one-clicks may take; a page is answered
   * within {@code pageDeadlineMillis} (from the token alone when the topics take longer than
   * {@code topicsBudgetMillis}), a one-click within {@code oneClickDeadlineMillis}, else 503 with
   * {@code Retry-After: retryAfterSeconds}. Every {@code sweepSeconds} a node finishes unsubscribes
   * whose follow-up did not complete.
   */
  public record Admission(int maxInFlight, int oneClickReserved, int pageDeadlineMillis, int oneClickDeadlineMillis,
                          int topicsBudgetMillis, int retryAfterSeconds, int sweepSeconds) { }

  public enum LimiterKind { LOCAL, REDIS }

  /**
   * The SES rate limiter: in-process ({@code local}, one node) or shared by every node through
   * Redis. The limits are SES's quota (GetAccount, or {@code fixedRate}/{@code fixedDaily} for the
   * outbox transport) times {@code quotaPercent}, capped by {@code maxRate}/{@code maxDaily} when
   * those are above 0.
   */
  public record Limiter(LimiterKind kind, String redisUrl, String keyPrefix, int quotaPercent, int maxRate,
                        int maxDaily, int refreshSeconds, int fixedRate, int fixedDaily) {
    @Override
    public String toString() {
      return "Limiter[" + kind + ", keyPrefix=" + keyPrefix + ", quotaPercent=" + quotaPercent + "]";
    }
  }

  /**
   * Every node is a production node, to which the production checks apply, unless both its
   * DynamoDB and its SQS are embedded or on loopback (development and tests). A node pointed at a
   * VPC or FIPS endpoint is production too: the checks fail closed.
   */
  public boolean production() {
    return !(local(dynamodb.endpoint()) && local(sqs.endpoint()));
  }

  private static boolean local(String endpoint) {
    return EMBEDDED.equals(endpoint) || endpoint.matches("https?://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:\\d+)?/?");
  }

  /** Reads and validates, section by section; throws {@link ConfigException} naming the first bad key. */
  public static MailroomConfig from(JsonObject json) {
    ConfigReader r = new ConfigReader(json);
    Webhook webhook = new Webhook(SubscriptionKeys.secrets(r, "webhook.secrets"),
        r.integer("webhook.maxSkewSeconds", 1, 86400));
    Subscription subscription = SubscriptionKeys.read(r);
    MailroomConfig config = new MailroomConfig(
        HttpKeys.read(r),
        SubscriptionKeys.publicBaseUrl(r), webhook, subscription,
        new Aws(r.nonEmpty("aws.region"), r.string("aws.accessKeyId"), r.string("aws.secretAccessKey")),
        new Dynamo(r.endpoint("dynamodb.endpoint", EMBEDDED, ""), r.string("dynamodb.tablePrefix"),
            r.bool("dynamodb.createTables"), r.string("dynamodb.embeddedPath")),
        CoreKeys.sqs(r),
        new Ses(r.endpoint("ses.endpoint", ""), r.nonEmpty("ses.region"), r.nonEmpty("ses.fromAddress"),
            r.string("ses.configurationSet"), r.integer("ses.timeoutMillis", 100, 120_000)),
        r.choice("transport", TransportKind.class),
        r.string("outbox.dir"),
        CoreKeys.sender(r),
        CoreKeys.fetcher(r),
        r.integer("templates.cacheSeconds", 0, 86400),
        r.integer("shutdownGraceSeconds", 1, 3600),
        SyncKeys.read(r),
        new Demo(r.bool("demo.seed"), r.integer("demo.customers", 0, 1_000_000)),
        CoreKeys.limiter(r), AuthoringKeys.read(r), AdmissionKeys.read(r), ComplianceKeys.read(r),
        ReputationKeys.read(r), ConsoleKeys.read(r));
    crossCheck(config);
    ProductionChecks.profileNamed(config, ComplianceKeys.named(r));
    return config;
  }

  /** What holds between sections. */
  private static void crossCheck(MailroomConfig config) {
    if (config.production()) {
      ProductionSecrets.check(config.webhook, config.subscription);
    }
    if (config.aws.staticCredentials() && config.aws.secretAccessKey.isEmpty()) {
      throw new ConfigException("config key 'aws.secretAccessKey' must be set when 'aws.accessKeyId' is");
    }
    if (config.transport == TransportKind.OUTBOX && config.outboxDir.isEmpty()) {
      throw new ConfigException("config key 'outbox.dir' must be set when 'transport' is outbox");
    }
    if (config.transport == TransportKind.SES && config.ses.endpoint().isEmpty()
        && config.ses.configurationSet().isEmpty() && !config.sender.resendAmbiguous()) {
      throw new ConfigException("config key 'ses.configurationSet' must name a configuration set whose Send events"
          + " reach POST /v1/ses/events when sending through Amazon SES: they settle the calls that got no answer");
    }
    if (config.sqs.maxReceives <= config.sender.maxAttempts) {
      throw new ConfigException("config key 'sqs.maxReceives' must be greater than 'sender.maxAttempts'"
          + " so that retries finish before a message moves to the dead-letter queue");
    }
    ProductionChecks.check(config);
  }

  /** Loads a file (disk first, then classpath) with environment overrides, then validates it. */
  public static MailroomConfig load(String file, Map<String, String> env) {
    return from(ConfigSource.load(file, env));
  }

  /** This config on another API port; port 0 (any free port) frees the management port too. */
  public MailroomConfig withHttpPort(int port) {
    return new MailroomConfig(new Http(http.host, port, http.maxBodyBytes, http.idleTimeoutSeconds,
        http.requestTimeoutSeconds, port == 0 ? new Management(http.management.host(), 0) : http.management),
        publicBaseUrl, webhook, subscription, aws, dynamodb, sqs, ses, transport, outboxDir, sender, fetcher,
        templateCacheSeconds, shutdownGraceSeconds, sync, demo, limiter, authoring, admission, compliance, reputation,
        console);
  }

  /** This config with another console (the demo's own sign-in). */
  public MailroomConfig withConsole(Console other) {
    return new MailroomConfig(http, publicBaseUrl, webhook, subscription, aws, dynamodb, sqs, ses, transport, outboxDir,
        sender, fetcher, templateCacheSeconds, shutdownGraceSeconds, sync, demo, limiter, authoring, admission,
        compliance, reputation, other);
  }

  /**
   * This config on API port {@code port} (management on any free port), with a loopback
   * {@code publicBaseUrl} moved to that port, so that the unsubscribe links of its emails reach this
   * node. A public base URL (another host) is kept as it is. {@code seedDemo} false: the node loads no
   * demo data at start (the demo command brings its own through the API).
   */
  public MailroomConfig listeningOn(int port, boolean seedDemo) {
    MailroomConfig moved = withHttpPort(0).withHttpPort(port);
    java.net.URI base = java.net.URI.create(publicBaseUrl);
    String host = base.getHost();
    boolean loopback = "127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host);
    String url = loopback ? base.getScheme() + "://" + host + ":" + port : publicBaseUrl;
    return new MailroomConfig(moved.http, url, webhook, subscription, aws, dynamodb, sqs, ses, transport, outboxDir,
        sender, fetcher, templateCacheSeconds, shutdownGraceSeconds, sync, new Demo(seedDemo, demo.customers()),
        limiter, authoring, admission, compliance, reputation, console);
  }
}
