package io.mailroom.config;

/** Reads the {@code sync.*} keys: the Syncer's schedule, its MySQL connection and the customer table's columns. */
final class SyncKeys {
  private SyncKeys() {
  }

  static MailroomConfig.Sync read(ConfigReader r) {
    MailroomConfig.Mysql mysql = new MailroomConfig.Mysql(r.nonEmpty("sync.mysql.host"), r.integer("sync.mysql.port", 1, 65535),
        r.identifier("sync.mysql.database", false), r.nonEmpty("sync.mysql.user"), r.string("sync.mysql.password"),
        r.word("sync.mysql.sslMode", "disabled", "preferred", "required", "verify-ca", "verify-full"));
    MailroomConfig.Columns columns = new MailroomConfig.Columns(r.identifier("sync.columns.id", false), r.identifier("sync.columns.email", false),
        r.identifier("sync.columns.name", false), r.identifier("sync.columns.gender", false),
        r.identifier("sync.columns.created", false), r.identifier("sync.columns.subscribed", false),
        r.identifier("sync.columns.consentUpdatedAt", true), r.identifier("sync.columns.updatedAt", false),
        r.identifier("sync.columns.deletedAt", true));
    return new MailroomConfig.Sync(r.bool("sync.enabled"), r.integer("sync.intervalSeconds", 1, 86400),
        r.integer("sync.chunkSize", 1, 10_000), r.integer("sync.lookBackSeconds", 0, 3600),
        r.integer("sync.leaseSeconds", 5, 86400), r.bool("sync.writeBack"), mysql,
        r.identifier("sync.table", false), columns);
  }
}
