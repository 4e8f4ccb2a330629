package io.mailroom.config;

import java.util.Arrays;
import java.util.List;

/**
 * Reads the keys of the customer-facing side: {@code subscription.*} (token secrets, topics, the
 * mailto address, the SNS topics), {@code publicBaseUrl}, and the comma-separated secret lists.
 */
final class SubscriptionKeys {
  private SubscriptionKeys() {
  }

  static MailroomConfig.Subscription read(ConfigReader r) {
    List<String> topics = list(r.nonEmpty("subscription.topics"));
    if (topics.stream().anyMatch(t -> !t.matches("[a-z0-9][a-z0-9-]{0,39}"))) {
      throw new ConfigException("config key 'subscription.topics' must list lower-case names of letters, digits and '-'");
    }
    String defaultTopic = r.nonEmpty("subscription.defaultTopic");
    if (!topics.contains(defaultTopic)) {
      throw new ConfigException("config key 'subscription.defaultTopic' must be one of 'subscription.topics'");
    }
    String mailto = r.string("subscription.mailto");
    if (!mailto.isEmpty() && !mailto.matches("[^\\s@<>,;:\"]+@[A-Za-z0-9.-]+")) {
      throw new ConfigException("config key 'subscription.mailto' must be empty or a plain email address");
    }
    MailroomConfig.Sns sns = new MailroomConfig.Sns(r.string("subscription.sns.certificateFile"), ProductionChecks.loopback(r,
        "subscription.sns.localEndpoint"), list(r.string("subscription.sns.topicArns")));
    return new MailroomConfig.Subscription(secrets(r, "subscription.tokenSecrets"), mailto, topics, defaultTopic, sns);
  }

  /** https, or http on loopback only; no trailing '/' and no query (links are built onto it). */
  static String publicBaseUrl(ConfigReader r) {
    String url = r.endpoint("publicBaseUrl");
    java.net.URI base = java.net.URI.create(url);
    boolean loopback = "127.0.0.1".equals(base.getHost()) || "localhost".equals(base.getHost())
        || "[::1]".equals(base.getHost());
    if (!"https".equals(base.getScheme()) && !loopback) {
      throw new ConfigException("config key 'publicBaseUrl' must be an https URL (unsubscribe links and"
          + " List-Unsubscribe need one); plain http is allowed on loopback only");
    }
    if (url.endsWith("/") || base.getRawQuery() != null) {
      throw new ConfigException("config key 'publicBaseUrl' must not end with '/' or hold a query");
    }
    return url;
  }

  /** Comma-separated secrets of 16 characters or more, at least one. */
  static List<String> secrets(ConfigReader r, String key) {
    List<String> secrets = list(r.nonEmpty(key));
    if (secrets.isEmpty() || secrets.stream().anyMatch(s -> s.length() < 16)) {
      throw new ConfigException("config key '" + key + "' must hold secrets of at least 16 characters");
    }
    return secrets;
  }

  static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
