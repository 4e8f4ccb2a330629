package io.mailroom.config;

/** Reads the {@code reputation.*} keys (each may be absent: SES's own margins then apply). */
final class ReputationKeys {
  private ReputationKeys() {
  }

  static Reputation read(ConfigReader r) {
    return new Reputation(r.integer("reputation.minSample", 1, 10_000_000, 100),
        r.decimal("reputation.maxBounceRate", 0, 1, 0.04),
        r.decimal("reputation.maxComplaintRate", 0, 1, 0.0008),
        !r.has("reputation.pauseOnProbation") || r.bool("reputation.pauseOnProbation"));
  }
}
