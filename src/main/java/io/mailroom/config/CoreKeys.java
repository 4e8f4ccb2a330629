package io.mailroom.config;

/** Reads the keys of the sending pipeline: {@code sqs.*}, {@code sender.*}, {@code fetcher.*} and {@code limiter.*}. */
final class CoreKeys {
  private CoreKeys() {
  }

  static MailroomConfig.Sqs sqs(ConfigReader r) {
    return new MailroomConfig.Sqs(r.endpoint("sqs.endpoint", MailroomConfig.EMBEDDED, ""), r.nonEmpty("sqs.queueName"),
        r.nonEmpty("sqs.deadLetterQueueName"), r.bool("sqs.createQueues"),
        r.integer("sqs.visibilityTimeoutSeconds", 5, 43200), r.integer("sqs.maxReceives", 1, 1000),
        r.integer("sqs.waitSeconds", 0, 20));
  }

  static MailroomConfig.Sender sender(ConfigReader r) {
    return new MailroomConfig.Sender(r.integer("sender.instances", 1, 256), r.integer("sender.maxInFlight", 10, 1000),
        r.integer("sender.maxAttempts", 1, 20), r.integer("sender.retryBaseMillis", 0, 600_000),
        r.bool("sender.resendAmbiguous"), r.integer("sender.reconcileSeconds", 1, 43_200));
  }

  static MailroomConfig.Fetcher fetcher(ConfigReader r) {
    return new MailroomConfig.Fetcher(r.integer("fetcher.scanLimit", 1, 1000), r.integer("fetcher.batchSize", 1, 10),
        r.integer("fetcher.leaseSeconds", 1, 3600), r.integer("fetcher.resumeSeconds", 1, 3600),
        r.integer("fetcher.staleSeconds", 1, 86400), r.integer("fetcher.scheduleCheckSeconds", 1, 60, 1));
  }

  static MailroomConfig.Limiter limiter(ConfigReader r) {
    MailroomConfig.LimiterKind kind = r.choice("limiter.kind", MailroomConfig.LimiterKind.class);
    String url = r.string("limiter.redisUrl");
    if (kind == MailroomConfig.LimiterKind.REDIS && !url.matches("rediss?://[^\\s/]+(/\\d+)?")) {
      throw new ConfigException("config key 'limiter.redisUrl' must be a redis:// or rediss:// URL when"
          + " 'limiter.kind' is redis");
    }
    return new MailroomConfig.Limiter(kind, url, r.nonEmpty("limiter.keyPrefix"), r.integer("limiter.quotaPercent", 1, 100),
        r.integer("limiter.maxRate", 0, 100_000), r.integer("limiter.maxDaily", 0, 1_000_000_000),
        r.integer("limiter.refreshSeconds", 1, 3600), r.integer("limiter.fixedRate", 1, 100_000),
        r.integer("limiter.fixedDaily", 1, 1_000_000_000));
  }
}
