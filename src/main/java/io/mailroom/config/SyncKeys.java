package io.mailroom.config;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads the {@code sync.*} keys: the Syncer's schedule, its MySQL connection and the customer table's columns. */
final class SyncKeys {
  /** Attributes Mailroom itself writes on a Users item: a mapped column may not take their place. */
  private static final Set<String> RESERVED = Set.of("Email", "Name", "Gender", "CreateTime", "SubscriptionStatus",
      "ConsentAt", "UnsubscribedAt", "LastUnsubscribeAt", "SourceUpdatedAt", "SourceId", "OptedOutTopics",
      "PreferencesAt", "SoftBounces", "LastSoftBounceAt");
  private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  private SyncKeys() {
  }

  /**
   * {@code sync.columns.attributes}: {@code {"column": "Attribute"}}, further columns of the customer
   * table the Syncer copies to the Users items (absent: none), for audience filters to use.
   */
  private static Map<String, String> attributes(ConfigReader r) {
    Map<String, String> attributes = r.strings("sync.columns.attributes");
    Set<String> seen = new HashSet<>();
    attributes.forEach((column, attribute) -> {
      String key = "sync.columns.attributes." + column;
      if (!column.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
        throw new ConfigException("config key '" + key + "': the column must be a plain SQL identifier (letters, digits, _)");
      }
      if (!ATTRIBUTE.matcher(attribute).matches() || RESERVED.contains(attribute) || !seen.add(attribute)) {
        throw new ConfigException("config key '" + key + "' must be an attribute name of letters, digits and _,"
            + " used once, and none of " + new TreeSet<>(RESERVED));
      }
    });
    return attributes;
  }

  static MailroomConfig.Sync read(ConfigReader r) {
    MailroomConfig.Mysql mysql = new MailroomConfig.Mysql(r.nonEmpty("sync.mysql.host"), r.integer("sync.mysql.port", 1, 65535),
        r.identifier("sync.mysql.database", false), r.nonEmpty("sync.mysql.user"), r.string("sync.mysql.password"),
        r.word("sync.mysql.sslMode", "disabled", "preferred", "required", "verify-ca", "verify-full"));
    MailroomConfig.Columns columns = new MailroomConfig.Columns(r.identifier("sync.columns.id", false), r.identifier("sync.columns.email", false),
        r.identifier("sync.columns.name", false), r.identifier("sync.columns.gender", false),
        r.identifier("sync.columns.created", false), r.identifier("sync.columns.subscribed", false),
        r.identifier("sync.columns.consentUpdatedAt", true), r.identifier("sync.columns.updatedAt", false),
        r.identifier("sync.columns.deletedAt", true), attributes(r));
    return new MailroomConfig.Sync(r.bool("sync.enabled"), r.integer("sync.intervalSeconds", 1, 86400),
        r.integer("sync.chunkSize", 1, 10_000), r.integer("sync.lookBackSeconds", 0, 3600),
        r.integer("sync.leaseSeconds", 5, 86400), r.bool("sync.writeBack"), mysql,
        r.identifier("sync.table", false), columns);
  }
}
