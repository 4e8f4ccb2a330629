package io.mailroom.sync;

import io.mailroom.bus.Channels;
import io.mailroom.bus.ConsentChange;
import io.mailroom.config.MailroomConfig;
import io.mailroom.metrics.MailroomMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Keeps the Users table in step with the company's MySQL customer table. Every
 * {@code sync.intervalSeconds} the node holding the lease reads the rows changed since the
 * watermark (less a small look-back for late commits), chunk by chunk, writes each chunk, and
 * only then moves the watermark. The first run is the initial load. A failed run backs off and
 * leaves the watermark where the last written chunk put it.
 */
public final class Syncer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Syncer.class);
  private static final long MAX_BACKOFF_MILLIS = 10 * 60 * 1000;

  private final MailroomConfig.Sync settings;
  private final MailroomMetrics metrics;
  private final DynamoDbAsyncClient dynamo;
  private final String usersTable;
  private final String stateTable;
  private final String owner = UUID.randomUUID().toString();
  private MySqlSource source;
  private SyncState state;
  private AudienceWriter writer;
  private boolean running;
  private int failures;
  private long notBefore;
  private long timer;

  public Syncer(MailroomConfig.Sync settings, DynamoDbAsyncClient dynamo, String usersTable, String stateTable,
                MailroomMetrics metrics) {
    this.metrics = metrics;
    this.settings = settings;
    this.dynamo = dynamo;
    this.usersTable = usersTable;
    this.stateTable = stateTable;
  }

  @Override
  public Future<?> start() {
    source = new MySqlSource(vertx, settings);
    state = new SyncState(dynamo, stateTable);
    writer = new AudienceWriter(vertx, dynamo, usersTable);
    timer = vertx.setPeriodic(1000, settings.intervalSeconds() * 1000L, t -> scheduled());
    Channels.SYNC_STATUS.consumer(vertx.eventBus(), m -> state.status()
        .onSuccess(m::reply).onFailure(e -> m.fail(503, e.getMessage())));
    if (settings.writeBack()) {
      Channels.CONSENT_CHANGED.localConsumer(vertx.eventBus(), this::writeBack);
    }
    return Channels.SYNC_RUN.consumer(vertx.eventBus(), this::onRun).completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    source.close();
    return Future.succeededFuture();
  }

  /**
   * A consent change made through Mailroom goes back to the customer table, so that MySQL agrees;
   * if it fails, Mailroom's own record still holds (the Syncer never undoes it with an older row).
   */
  private void writeBack(Message<ConsentChange> message) {
    ConsentChange change = message.body();
    LocalDateTime at = LocalDateTime.ofInstant(Instant.ofEpochMilli(change.at()), ZoneOffset.UTC);
    source.writeConsent(change.email(), change.subscribed(), at)
        .onSuccess(v -> LOG.info("consent change written back to MySQL"))
        .onFailure(e -> LOG.warn("consent change not written back to MySQL: {}", e.toString()));
  }

  private void scheduled() {
    if (System.currentTimeMillis() >= notBefore) {
      run().onFailure(e -> { });
    }
  }

  /** A run on request (operators, tests): replies with the run's result, or fails with the reason. */
  private void onRun(Message<Void> message) {
    run().onSuccess(message::reply).onFailure(e -> message.fail(503, e.getMessage()));
  }

  Future<JsonObject> run() {
    if (running) {
      return Future.succeededFuture(new JsonObject().put("state", "already_running"));
    }
    running = true;
    long started = System.currentTimeMillis();
    Tally tally = new Tally();
    return state.lease(owner, settings.leaseSeconds() * 1000L)
        .compose(leader -> {
          if (!leader) {
            return Future.succeededFuture(new JsonObject().put("state", "not_leader"));
          }
          return state.watermark().compose(mark -> {
                tally.floor = mark;
                return settings.lookBackSeconds() == 0 ? chunks(mark.updatedAt(), mark.id(), tally)
                    : chunks(later(SyncState.EPOCH, mark.updatedAt().minusSeconds(settings.lookBackSeconds())), 0, tally);
              })
              .compose(v -> finished(started, tally, null));
        })
        .recover(e -> {
          failures++;
          long backoff = Math.min(MAX_BACKOFF_MILLIS, settings.intervalSeconds() * 1000L << Math.min(failures, 10));
          notBefore = System.currentTimeMillis() + backoff;
          LOG.warn("sync failed after {} rows ({}); watermark kept, next try in {} s", tally.rows, e.toString(),
              backoff / 1000);
          return finished(started, tally, e.toString()).compose(x -> Future.failedFuture(e));
        })
        .onSuccess(v -> failures = 0)
        .eventually(() -> {
          running = false;
          return Future.succeededFuture();
        });
  }

  private static LocalDateTime later(LocalDateTime a, LocalDateTime b) {
    return a.isAfter(b) ? a : b;
  }

  private Future<Void> chunks(LocalDateTime updatedAt, long id, Tally tally) {
    return source.after(updatedAt, id).compose(chunk -> {
      if (chunk.isEmpty()) {
        return Future.succeededFuture();
      }
      List<CustomerRow> valid = chunk.stream().filter(row -> tally.accept(row)).toList();
      CustomerRow last = chunk.get(chunk.size() - 1);
      return writer.write(valid)
          .compose(outcome -> {
            tally.add(outcome, last);
            SyncState.Watermark next = new SyncState.Watermark(last.updatedAt(), last.id());
            return tally.floor.before(next) ? state.saveWatermark(next) : Future.succeededFuture();
          })
          .compose(v -> state.lease(owner, settings.leaseSeconds() * 1000L))
          .compose(stillLeader -> !stillLeader || chunk.size() < settings.chunkSize() ? Future.succeededFuture()
              : chunks(last.updatedAt(), last.id(), tally));
    });
  }

  private Future<JsonObject> finished(long started, Tally tally, String error) {
    long now = System.currentTimeMillis();
    JsonObject status = new JsonObject()
        .put("state", error == null ? "ok" : "failed")
        .put("lastRunStartedAt", Instant.ofEpochMilli(started).toString())
        .put("lastRunMillis", now - started)
        .put("rowsRead", tally.rows)
        .put("rowsWritten", tally.written)
        .put("rowsDeleted", tally.deleted)
        .put("unsubscribesKept", tally.keptUnsubscribed)
        .put("skipped", new JsonObject(new TreeMap<>(tally.skipped)));
    if (tally.newest != null) {
      long lag = Duration.between(tally.newest.toInstant(ZoneOffset.UTC), Instant.ofEpochMilli(now)).toSeconds();
      status.put("lagSeconds", lag);
      metrics.syncLag(lag);
    }
    if (error != null) {
      status.put("error", error);
    }
    if (tally.rows > 0 || error != null) {
      LOG.info("sync {}: {} rows read, {} written, {} deleted, skipped {}", status.getString("state"), tally.rows,
          tally.written, tally.deleted, tally.skipped);
    }
    return state.saveStatus(status).map(status).recover(e -> Future.succeededFuture(status));
  }

  /** Counts of one run; skipped rows are counted by reason and never logged by address. */
  private static final class Tally {
    final java.util.Map<String, Integer> skipped = new java.util.HashMap<>();
    int rows;
    int written;
    int deleted;
    int keptUnsubscribed;
    LocalDateTime newest;
    SyncState.Watermark floor;

    boolean accept(CustomerRow row) {
      rows++;
      String problem = row.problem();
      if (problem != null) {
        skipped.merge(problem, 1, Integer::sum);
        LOG.debug("customer row {} skipped: {}", row.id(), problem);
        return false;
      }
      return true;
    }

    void add(AudienceWriter.Outcome outcome, CustomerRow last) {
      written += outcome.written();
      deleted += outcome.deleted();
      keptUnsubscribed += outcome.keptUnsubscribed();
      newest = last.updatedAt();
    }
  }
}
