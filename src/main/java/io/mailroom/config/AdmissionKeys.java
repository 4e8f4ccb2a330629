package io.mailroom.config;

/** Reads the {@code admission.*} keys: how many requests the customer-facing routes take at once, and their deadlines. */
final class AdmissionKeys {
  private AdmissionKeys() {
  }

  static MailroomConfig.Admission read(ConfigReader r) {
    int maxInFlight = r.integer("admission.maxInFlight", 2, 100_000);
    int reserved = r.integer("admission.oneClickReserved", 1, 100_000);
    if (reserved >= maxInFlight) {
      throw new ConfigException("config key 'admission.oneClickReserved' must be less than 'admission.maxInFlight'");
    }
    int pageDeadline = r.integer("admission.pageDeadlineMillis", 10, 60_000);
    int budget = r.integer("admission.topicsBudgetMillis", 1, 60_000);
    if (budget >= pageDeadline) {
      throw new ConfigException("config key 'admission.topicsBudgetMillis' must be less than"
          + " 'admission.pageDeadlineMillis'");
    }
    return new MailroomConfig.Admission(maxInFlight, reserved, pageDeadline,
        r.integer("admission.oneClickDeadlineMillis", 10, 60_000), budget,
        r.integer("admission.retryAfterSeconds", 1, 3600), r.integer("admission.sweepSeconds", 1, 3600));
  }
}
