package io.mailroom.config;

/**
 * The checks that apply to a production node alone (one that talks to Amazon itself): what a
 * development default may leave open, production must close. Each throws a {@link ConfigException}
 * naming the key.
 */
final class ProductionChecks {
  private ProductionChecks() {
  }

  static void check(MailroomConfig config) {
    if (!config.production()) {
      return;
    }
    MailroomConfig.Sns sns = config.subscription().sns();
    if (sns.topicArns().isEmpty()) {
      throw new ConfigException("config key 'subscription.sns.topicArns' must list the SNS topics of this node's SES"
          + " events in production: without it any AWS account could subscribe POST /v1/ses/events"
          + " to a topic of its own and publish bounces and complaints");
    }
    if (!sns.certificateFile().isEmpty()) {
      throw new ConfigException("config key 'subscription.sns.certificateFile' must be empty in production: a local"
          + " certificate skips the check of where SNS's signing certificate comes from (it is for tests)");
    }
    if (!sns.localEndpoint().isEmpty()) {
      throw new ConfigException("config key 'subscription.sns.localEndpoint' must be empty in production: it lets"
          + " a loopback server play SNS (it is for tests)");
    }
  }

  /** Production names its compliance profile: a missing one must not silently mean {@code none}. */
  static void profileNamed(MailroomConfig config, boolean named) {
    if (config.production() && !named) {
      throw new ConfigException("config key '" + ComplianceKeys.PROFILE + "' must be set in production, to kr"
          + " (Korean advertising rules: the (광고) prefix and the sender's footer) or none");
    }
  }

  /** Empty, or an http(s) base URL on loopback with a port and nothing after it. */
  static String loopback(ConfigReader r, String key) {
    String url = r.string(key);
    if (!url.isEmpty() && !url.matches("https?://(127\\.0\\.0\\.1|localhost):\\d{1,5}")) {
      throw new ConfigException("config key '" + key + "' must be empty or http://127.0.0.1:PORT");
    }
    return url;
  }
}
