package io.mailroom.sync;

import io.mailroom.config.MailroomConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.mysqlclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the company's customer table in chunks ordered by {@code (updated_at, id)}: keyset
 * pagination, never OFFSET, so rows sharing one timestamp are never skipped at a chunk boundary
 * and no more than one chunk is held in memory.
 */
final class MySqlSource implements AutoCloseable {
  private final Pool pool;
  private final MailroomConfig.Sync sync;
  private final String query;

  MySqlSource(Vertx vertx, MailroomConfig.Sync sync) {
    this.sync = sync;
    MailroomConfig.Mysql mysql = sync.mysql();
    this.pool = MySQLBuilder.pool()
        .with(new PoolOptions().setMaxSize(2))
        .connectingTo(connectOptions(mysql))
        .withConnectHandler(connection -> connection.query("SET time_zone = '+00:00'").execute()
            .onComplete(done -> connection.close()))
        .using(vertx)
        .build();
    MailroomConfig.Columns c = sync.columns();
    List<String> selected = new ArrayList<>(List.of(c.id(), c.email(), c.name(), c.gender(), c.created(),
        c.subscribed(), c.updatedAt()));
    if (!c.consentUpdatedAt().isEmpty()) {
      selected.add(c.consentUpdatedAt());
    }
    if (!c.deletedAt().isEmpty()) {
      selected.add(c.deletedAt());
    }
    selected.addAll(c.attributes().keySet());
    this.query = "SELECT " + String.join(", ", selected) + " FROM " + sync.table()
        + " WHERE (" + c.updatedAt() + " > ? OR (" + c.updatedAt() + " = ? AND " + c.id() + " > ?))"
        + " ORDER BY " + c.updatedAt() + ", " + c.id() + " LIMIT ?";
  }

  /**
   * verify-full checks the certificate's CA and that it names the host; verify-ca the CA alone;
   * required encrypts without checking either; preferred encrypts when the server can.
   */
  static MySQLConnectOptions connectOptions(MailroomConfig.Mysql mysql) {
    MySQLConnectOptions options = new MySQLConnectOptions().setHost(mysql.host()).setPort(mysql.port())
        .setDatabase(mysql.database()).setUser(mysql.user()).setPassword(mysql.password())
        .setSslMode(switch (mysql.sslMode()) {
          case "disabled" -> SslMode.DISABLED;
          case "required" -> SslMode.REQUIRED;
          case "verify-ca" -> SslMode.VERIFY_CA;
          case "verify-full" -> SslMode.VERIFY_IDENTITY;
          default -> SslMode.PREFERRED;
        });
    if (options.getSslMode() == SslMode.VERIFY_IDENTITY) {
      options.getSslOptions().setHostnameVerificationAlgorithm("HTTPS");
    }
    return options;
  }

  /** The next chunk after {@code (updatedAt, id)}. */
  Future<List<CustomerRow>> after(LocalDateTime updatedAt, long id) {
    return pool.preparedQuery(query).execute(Tuple.of(updatedAt, updatedAt, id, sync.chunkSize())).map(rows -> {
      List<CustomerRow> chunk = new ArrayList<>(rows.size());
      for (Row row : rows) {
        chunk.add(CustomerRow.of(row, sync.columns()));
      }
      return chunk;
    });
  }

  /**
   * MySQL's clock now, in UTC and whole seconds like the {@code updated_at} it stamps: a row not
   * committed yet when a read begins at this time carries at least this, less the time its
   * transaction takes to commit.
   */
  Future<LocalDateTime> now() {
    return pool.query("SELECT UTC_TIMESTAMP()").execute().map(rows -> rows.iterator().next().getLocalDateTime(0));
  }

  /** Writes a consent change made through Mailroom back to the customer table. */
  Future<Void> writeConsent(String email, boolean subscribed, LocalDateTime at) {
    MailroomConfig.Columns c = sync.columns();
    String set = c.subscribed() + " = ?" + (c.consentUpdatedAt().isEmpty() ? "" : ", " + c.consentUpdatedAt() + " = ?");
    Tuple args = c.consentUpdatedAt().isEmpty() ? Tuple.of(subscribed, email) : Tuple.of(subscribed, at, email);
    return pool.preparedQuery("UPDATE " + sync.table() + " SET " + set + " WHERE LOWER(" + c.email() + ") = ?")
        .execute(args).mapEmpty();
  }

  @Override
  public void close() {
    pool.close();
  }
}
