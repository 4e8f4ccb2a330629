package io.mailroom.bench;

import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.bus.Channels;
import io.mailroom.config.MailroomConfig;
import io.mailroom.sync.Syncer;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.MariaDb;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Syncer's speed: an initial load of {@code -Dbench.rows} (100,000) MySQL rows into DynamoDB
 * Local, then an incremental pass over {@code -Dbench.changes} (10,000) updated rows; rows/s for
 * each and the incremental pass's rows read per changed row, per run and the median of
 * {@code -Dbench.runs} (3). Asserts nothing.
 *
 * <p>The loaded rows are stamped as a customer table's rows are, one a minute up to a minute ago
 * (about ten weeks for 100,000), not all with the second they were inserted in: rows stamped
 * within {@code sync.lookBackSeconds} of the initial load's first read could be late commits, and
 * the incremental pass would rightly read them all again.
 *
 * <pre>mvn -B -ntp -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.mailroom.bench.SyncBenchmark</pre>
 */
public final class SyncBenchmark {
  private static final int ROWS = Integer.getInteger("bench.rows", 100_000);
  private static final int CHANGES = Integer.getInteger("bench.changes", 10_000);
  private static final int RUNS = Integer.getInteger("bench.runs", 3);
  private static final int CHUNK = Integer.getInteger("bench.chunk", 1000);

  private SyncBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    System.out.printf("SyncBenchmark: initial load of %d rows, then %d changed rows; chunks of %d; %d runs%n",
        ROWS, CHANGES, CHUNK, RUNS);
    List<Double> initial = new ArrayList<>();
    List<Double> incremental = new ArrayList<>();
    List<Double> readPerChange = new ArrayList<>();
    for (int run = 1; run <= RUNS; run++) {
      Pass[] result = run();
      initial.add(result[0].rowsPerSecond());
      incremental.add(result[1].rowsPerSecond());
      readPerChange.add(result[1].rowsRead() / (double) CHANGES);
      System.out.printf("run %d: initial load %.1f s (%.0f rows/s); incremental %.1f s (%.0f rows/s), "
              + "%.2f rows read per changed row%n", run, result[0].seconds(), result[0].rowsPerSecond(),
          result[1].seconds(), result[1].rowsPerSecond(), result[1].rowsRead() / (double) CHANGES);
    }
    Collections.sort(initial);
    Collections.sort(incremental);
    Collections.sort(readPerChange);
    System.out.printf("MEDIAN: initial load %.0f rows/s (%.1f s for %d), incremental %.0f rows/s, "
            + "%.2f rows read per changed row%n", initial.get(RUNS / 2), ROWS / initial.get(RUNS / 2), ROWS,
        incremental.get(RUNS / 2), readPerChange.get(RUNS / 2));
    System.exit(0);
  }

  /** One sync run: rows/s over the rows it was meant to sync, its seconds, and the rows it read. */
  private record Pass(double rowsPerSecond, double seconds, int rowsRead) { }

  private static Pass[] run() throws Exception {
    Vertx vertx = Vertx.vertx();
    String prefix = LocalServices.uniquePrefix("syncbench");
    String database = "mr_" + prefix.replaceAll("[^A-Za-z0-9]", "").toLowerCase();
    Pool admin = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost("127.0.0.1")
        .setPort(MariaDb.port()).setUser("root")).using(vertx).build();
    admin.query("CREATE DATABASE " + database).execute().await(60, TimeUnit.SECONDS);
    Pool db = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost("127.0.0.1")
        .setPort(MariaDb.port()).setUser("root").setDatabase(database)).using(vertx).build();
    try {
      db.query(Files.readString(Path.of("conf/mysql-schema.sql")).replaceAll("(?m)^--.*$", "").trim()
          .replaceAll(";$", "")).execute().await(60, TimeUnit.SECONDS);
      for (int start = 1; start <= ROWS; start += 1000) {
        StringBuilder values = new StringBuilder();
        for (int i = start; i < start + 1000 && i <= ROWS; i++) {
          String stamp = "TIMESTAMPADD(MINUTE, " + (i - ROWS - 1) + ", NOW())"; // row ROWS a minute ago
          values.append(i == start ? "" : ",").append("(").append(i).append(",'c").append(i)
              .append("@example.com','Customer ").append(i).append("','F',1,").append(stamp).append(",")
              .append(stamp).append(")");
        }
        db.query("INSERT INTO customers (id, email, name, gender, marketing_opt_in, created_at, updated_at) VALUES "
            + values).execute().await(60, TimeUnit.SECONDS);
      }
      JsonObject json = LocalServices.configJson(prefix);
      json.getJsonObject("sync").put("enabled", true).put("chunkSize", CHUNK).put("intervalSeconds", 3600)
          .getJsonObject("mysql").put("port", MariaDb.port()).put("database", database).put("user", "root");
      MailroomConfig config = MailroomConfig.from(json);
      Tables tables = Tables.withPrefix(prefix);
      try (AwsClients aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "",
          "us-east-1", 5000)) {
        tables.create(aws.dynamo()).await(60, TimeUnit.SECONDS);
        vertx.deployVerticle(new Syncer(config.sync(), aws.dynamo(), tables.users(), tables.syncState(),
        io.mailroom.metrics.MailroomMetrics.forVertx()),
            new DeploymentOptions()).await(60, TimeUnit.SECONDS);
        Pass initial = timed(vertx, ROWS);
        db.query("UPDATE customers SET name = CONCAT('Changed ', id) WHERE id <= " + CHANGES)
            .execute().await(60, TimeUnit.SECONDS);
        Pass incremental = timed(vertx, CHANGES);
        return new Pass[] {initial, incremental};
      }
    } finally {
      admin.query("DROP DATABASE " + database).execute().await(60, TimeUnit.SECONDS);
      vertx.close().await(60, TimeUnit.SECONDS);
    }
  }

  /** One sync run, meant to sync {@code rows} rows. */
  private static Pass timed(Vertx vertx, int rows) throws Exception {
    long start = System.nanoTime();
    JsonObject result = Channels.SYNC_RUN.request(vertx.eventBus(), null, 600_000).await(600, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!"ok".equals(result.getString("state"))) {
      throw new IllegalStateException("sync run failed: " + result);
    }
    System.out.printf("  (%d rows read, %d of them again by the look-back; %d written)%n",
        result.getInteger("rowsRead"), result.getInteger("rowsReadAgain"), result.getInteger("rowsWritten"));
    return new Pass(rows / seconds, seconds, result.getInteger("rowsRead"));
  }
}
