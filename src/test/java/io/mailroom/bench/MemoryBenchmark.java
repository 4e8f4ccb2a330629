package io.mailroom.bench;

import io.mailroom.audience.UserStore;
import io.mailroom.aws.AwsClients;
import io.mailroom.aws.Tables;
import io.mailroom.campaign.TemplateStore;
import io.mailroom.config.ConfigSource;
import io.mailroom.config.MailroomConfig;
import io.mailroom.local.DemoData;
import io.mailroom.local.FreePort;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.NodeProcess;
import io.mailroom.testing.SignedClient;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Memory stays flat as campaigns grow: for each audience size, a node of its own (its own JVM
 * from {@code target/mailroom.jar}, a fixed {@code -Xmx}) on the outbox transport sends one
 * campaign of the ~100 KB demo template, started through the signed webhook, to the demo audience
 * of that size (every tenth customer unsubscribed, so 90% get an email). When the campaign has
 * completed it prints the node's heap used after a full GC ({@code jcmd GC.run}, then
 * {@code GC.heap_info}), its peak RSS ({@code VmHWM}), its CPU seconds per 1,000 emails and the
 * wall time, and at the end the ratio of the largest size to the smallest (the goal: at most
 * 1.2×). With {@code -Dbench.liveEverySeconds=N} it also takes a class histogram every N seconds
 * while the campaign runs (each one a full GC, which also shrinks the heap and so lowers the peak
 * RSS) and reports the largest live set it saw, with that histogram: what the node holds at the
 * end is not all it held on the way. Asserts nothing; a run whose node dies, stops answering or
 * stops making progress is reported as failed and the next size runs, and a node log that shows
 * a stack overflow, an OutOfMemoryError or a thread that died is pointed out.
 *
 * <p>DynamoDB (dynalite) and SQS (ElasticMQ) run outside the node, in this JVM and its child, as
 * real ones would, so the node's heap and RSS are the node's alone. The outbox of each run is
 * under {@code target/memory-bench/} and is deleted when the run ends (a 100,000-customer run
 * writes about 10 GB); the node's log, config and a class histogram of its heap before and after
 * the campaign stay there.
 *
 * <pre>mvn -B -ntp -q package -DskipTests
 * mvn -B -ntp -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.mailroom.bench.MemoryBenchmark</pre>
 * Options (system properties): {@code -Dbench.sizes=10000,100000 -Dbench.heap=1g -Dbench.senders=8
 * -Dbench.timeoutMinutes=90 -Dbench.stallMinutes=5 -Dbench.liveEverySeconds=0}. The node runs the
 * packaged jar: package it first.
 */
public final class MemoryBenchmark {
  private static final List<Integer> SIZES = Arrays.stream(System.getProperty("bench.sizes", "10000,100000").split(","))
      .map(String::trim).map(Integer::parseInt).toList();
  private static final String HEAP = System.getProperty("bench.heap", "1g");
  private static final int SENDERS = Integer.getInteger("bench.senders", 8);
  private static final long TIMEOUT_MILLIS = Integer.getInteger("bench.timeoutMinutes", 90) * 60_000L;
  private static final long STALL_NANOS = Integer.getInteger("bench.stallMinutes", 5) * 60_000_000_000L;
  private static final Pattern SERIOUS = Pattern.compile("StackOverflowError|OutOfMemoryError|Exception in thread");
  private static final Path WORK = Path.of("target", "memory-bench").toAbsolutePath();
  private static final Path JAR = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar")).toAbsolutePath();
  private static final int SEED_CHUNK = 1000;
  private static final int TOP_CLASSES = 12;
  private static final long LIVE_EVERY_NANOS = Integer.getInteger("bench.liveEverySeconds", 0) * 1_000_000_000L;

  private MemoryBenchmark() {
  }

  /** One run's figures. */
  private record Result(int customers, long emails, long failed, double heapBeforeMb, double heapAfterMb,
                        double peakRssMb, double cpuPerThousand, double seconds, LiveSet live) {
  }

  /**
   * The largest live set seen while the campaign ran: every {@code bench.liveEverySeconds} a class
   * histogram, which starts with a full GC and ends with the bytes it left live.
   */
  private static final class LiveSet {
    private final Path file;
    double lastMb;
    double maxMb;
    String when = "not sampled";
    String histogram;

    LiveSet(Path file) {
      this.file = file;
    }

    /** A histogram now; the largest one so far is also written to {@code file} (a node that dies leaves it). */
    void sample(long pid, String when) throws Exception {
      String taken = jcmd(pid, "GC.class_histogram");
      lastMb = histogramTotalMb(taken);
      if (lastMb > maxMb) {
        maxMb = lastMb;
        this.when = when;
        histogram = taken;
        Files.writeString(file, taken);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    checkJar();
    Files.createDirectories(WORK);
    System.out.printf("MemoryBenchmark: sizes %s, node -Xmx%s, %d senders, outbox transport, ~100 KB template, "
        + "demo audience (90%% consenting), no rate limit%n", SIZES, HEAP, SENDERS);
    List<Result> results = new ArrayList<>();
    boolean failed = false;
    for (int customers : SIZES) {
      Result r;
      try {
        r = run(customers);
      } catch (Exception | AssertionError e) {
        failed = true;
        System.out.printf("RUN FAILED %,d customers: %s (node log: %s)%n", customers, e,
            WORK.resolve(Integer.toString(customers)).resolve("node.log"));
        reportSerious(customers);
        continue;
      }
      results.add(r);
      reportSerious(customers);
      System.out.printf("RESULT %,d customers (%,d emails%s): heap after GC %.1f MB (before the campaign %.1f MB), "
          + "peak RSS %.1f MB, node CPU %.2f s per 1,000 emails, %.1f s (%.1f emails/s)%n", r.customers(), r.emails(),
          r.failed() > 0 ? ", " + r.failed() + " failed" : "", r.heapAfterMb(), r.heapBeforeMb(), r.peakRssMb(),
          r.cpuPerThousand(), r.seconds(), r.emails() / r.seconds());
      if (r.live().histogram != null) {
        System.out.printf("       live set during the campaign (full GC every %d s): at most %.1f MB, %s%n",
            LIVE_EVERY_NANOS / 1_000_000_000L, r.live().maxMb, r.live().when);
      }
    }
    if (results.size() > 1) {
      Result small = results.stream().min(Comparator.comparingInt(Result::customers)).orElseThrow();
      Result large = results.stream().max(Comparator.comparingInt(Result::customers)).orElseThrow();
      System.out.printf("larger/smaller (%,d/%,d customers): heap after GC %.2f×, peak RSS %.2f×"
          + " (goal: at most 1.2×)%n",
          large.customers(), small.customers(), large.heapAfterMb() / small.heapAfterMb(),
          large.peakRssMb() / small.peakRssMb());
      if (large.live().histogram != null && small.live().histogram != null) {
        System.out.printf("larger/smaller: largest live set during the campaign %.2f×%n",
            large.live().maxMb / small.live().maxMb);
      }
    }
    System.exit(failed ? 1 : 0);
  }

  /** The node runs the packaged jar: it must be there and not older than the compiled classes. */
  private static void checkJar() throws IOException {
    Path classes = Path.of("target", "classes");
    if (!Files.isRegularFile(JAR)) {
      fail(JAR + " is missing: run mvn -B -ntp -q package -DskipTests first");
    }
    long newestClass;
    try (Stream<Path> files = Files.walk(classes)) {
      newestClass = files.filter(p -> p.toString().endsWith(".class")).mapToLong(MemoryBenchmark::modified)
          .max().orElse(0);
    }
    if (newestClass > modified(JAR)) {
      fail(JAR + " is older than target/classes: run mvn -B -ntp -q package -DskipTests again");
    }
  }

  private static void fail(String message) {
    System.err.println("MemoryBenchmark: " + message);
    System.exit(2);
  }

  private static Result run(int customers) throws Exception {
    Path dir = WORK.resolve(Integer.toString(customers));
    Path outbox = dir.resolve("outbox");
    deleteTree(dir);
    Files.createDirectories(dir);
    String prefix = LocalServices.uniquePrefix("mem" + customers);
    int port = FreePort.pick();
    JsonObject json = nodeConfig(prefix, port, outbox);
    Path configFile = dir.resolve("node.json");
    Files.writeString(configFile, json.encodePrettily());
    MailroomConfig config = MailroomConfig.from(json);
    seed(config, prefix, customers);

    SignedClient client = new SignedClient(port, config.webhook().secrets().get(0));
    NodeProcess node = NodeProcess.start(configFile, dir.resolve("node.log"), HEAP);
    long pid = node.process().pid();
    Thread cleanup = new Thread(() -> stop(node, outbox), "memory-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      node.awaitLive(client);
      System.out.printf("%,d customers: node pid %d live (log %s)%n", customers, pid, dir.resolve("node.log"));
      double heapBefore = heapAfterGcMb(pid);
      Files.writeString(dir.resolve("histogram-before.txt"), jcmd(pid, "GC.class_histogram"));
      double cpuBefore = cpuSeconds(node.process());
      long start = System.nanoTime();
      SignedClient.Reply accepted = client.post("/v1/campaigns", "{\"templateId\":\"" + DemoData.TEMPLATE_ID + "\"}");
      if (accepted.status() != 202) {
        throw new IllegalStateException("the webhook answered " + accepted.status() + ": " + accepted.body());
      }
      LiveSet live = new LiveSet(dir.resolve("histogram-largest-live.txt"));
      JsonObject done = awaitFinished(client, node.process(), accepted.json().getString("campaignId"), start, live);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = cpuSeconds(node.process()) - cpuBefore;
      JsonObject counts = done.getJsonObject("counts");
      long emails = counts.getLong("sent");
      long failed = counts.getLong("failed");
      if (!"completed".equals(done.getString("status"))) {
        System.out.println("  the campaign ended " + done.getString("status") + ": " + done.encode());
      }
      double heapAfter = heapAfterGcMb(pid);
      double peakRss = procStatusKb(pid, "VmHWM") / 1024.0;
      String histogram = jcmd(pid, "GC.class_histogram");
      Files.writeString(dir.resolve("histogram-after.txt"), histogram);
      printTopClasses(customers, "after the campaign", dir.resolve("histogram-after.txt"), histogram);
      if (live.histogram != null) {
        printTopClasses(customers, "at the largest live set during the campaign (" + live.when + ")",
            dir.resolve("histogram-largest-live.txt"), live.histogram);
      }
      return new Result(customers, emails, failed, heapBefore, heapAfter, peakRss,
          cpu * 1000 / Math.max(1, emails + failed), seconds, live);
    } finally {
      stop(node, outbox);
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
  }

  /**
   * conf/local.json on the outbox transport, pointed at this JVM's dynalite and ElasticMQ, with
   * its own tables and queues, no demo seeding (done here, before the node starts, so that the
   * node's peak RSS is the campaign's) and a rate limit no run reaches.
   */
  private static JsonObject nodeConfig(String prefix, int port, Path outbox) {
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
    json.getJsonObject("http").put("port", port);
    json.getJsonObject("dynamodb").put("endpoint", LocalServices.dynamo().endpoint()).put("tablePrefix", prefix)
        .put("createTables", true);
    json.getJsonObject("sqs").put("endpoint", LocalServices.sqs().endpoint()).put("queueName", prefix + "send")
        .put("deadLetterQueueName", prefix + "send-dlq");
    json.put("transport", "outbox");
    json.getJsonObject("outbox").put("dir", outbox.toString());
    json.getJsonObject("sender").put("instances", SENDERS);
    json.getJsonObject("demo").put("seed", false);
    json.getJsonObject("limiter").put("kind", "local").put("fixedRate", 100_000).put("maxRate", 0)
        .put("fixedDaily", 1_000_000_000).put("maxDaily", 0);
    return json;
  }

  /** The tables, the demo template and the demo audience of {@code customers}, written a thousand at a time. */
  private static void seed(MailroomConfig config, String prefix, int customers) throws Exception {
    long start = System.nanoTime();
    Tables tables = Tables.withPrefix(prefix);
    try (AwsClients aws = new AwsClients(config.aws(), config.dynamodb().endpoint(), config.sqs().endpoint(), "",
        "us-east-1", 30_000)) {
      tables.create(aws.dynamo()).await(60, TimeUnit.SECONDS);
      new TemplateStore(aws.dynamo(), tables.templates()).put(DemoData.template()).await(30, TimeUnit.SECONDS);
      UserStore users = new UserStore(aws.dynamo(), tables.users());
      List<Map<String, AttributeValue>> all = DemoData.customers(customers);
      for (int i = 0; i < all.size(); i += SEED_CHUNK) {
        users.putAll(all.subList(i, Math.min(all.size(), i + SEED_CHUNK))).await(120, TimeUnit.SECONDS);
      }
    }
    System.out.printf("%,d customers: seeded (%,d consenting) in %.1f s%n", customers, DemoData.consenting(customers),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * Polls the campaign every second until it leaves queued/running; a progress line every 30 s,
   * and the live set sampled every {@code bench.liveEverySeconds}.
   */
  private static JsonObject awaitFinished(SignedClient client, Process node, String id, long start, LiveSet live)
      throws Exception {
    long pid = node.pid();
    long lastPrint = System.nanoTime();
    long lastSample = lastPrint;
    long lastMove = lastPrint;
    long lastDone = -1;
    int unanswered = 0;
    while (true) {
      if (!node.isAlive()) {
        throw new IllegalStateException("the node exited with " + node.exitValue() + " before campaign " + id
            + " finished");
      }
      JsonObject status;
      try {
        status = client.get("/v1/campaigns/" + id).json();
        unanswered = 0;
      } catch (IllegalStateException e) {
        if (++unanswered >= 30) {
          throw new IllegalStateException("the node stopped answering (" + e.getMessage() + ") before campaign " + id
              + " finished", e);
        }
        Thread.sleep(1000);
        continue;
      }
      String state = status.getString("status");
      if (!"queued".equals(state) && !"running".equals(state)) {
        return status;
      }
      long now = System.nanoTime();
      if (now - start > TIMEOUT_MILLIS * 1_000_000) {
        throw new IllegalStateException("campaign " + id + " not finished within " + TIMEOUT_MILLIS / 60_000
            + " minutes: " + status.encode());
      }
      JsonObject progress = status.getJsonObject("counts");
      long done = progress.getLong("queued") + progress.getLong("sent") + progress.getLong("failed");
      if (done != lastDone) {
        lastDone = done;
        lastMove = now;
      } else if (now - lastMove > STALL_NANOS) {
        throw new IllegalStateException("campaign " + id + " made no progress for " + STALL_NANOS / 60_000_000_000L
            + " minutes: " + status.encode());
      }
      if (LIVE_EVERY_NANOS > 0 && now - lastSample >= LIVE_EVERY_NANOS) {
        lastSample = now;
        JsonObject counts = status.getJsonObject("counts");
        live.sample(pid, String.format("at %.0f s, %,d queued, %,d sent", (now - start) / 1e9, counts.getLong("queued"),
            counts.getLong("sent")));
      }
      if (now - lastPrint >= 30_000_000_000L) {
        lastPrint = now;
        JsonObject counts = status.getJsonObject("counts");
        System.out.printf("  [%5.0f s] queued %,d, sent %,d, failed %,d; node RSS %.0f MB%s%n", (now - start) / 1e9,
            counts.getLong("queued"), counts.getLong("sent"), counts.getLong("failed"),
            procStatusKb(pid, "VmRSS") / 1024.0,
            live.histogram == null ? "" : String.format(", live %.1f MB at the last full GC", live.lastMb));
      }
      Thread.sleep(1000);
    }
  }

  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");

  /** The bytes a class histogram found live (its {@code Total} line), in MB. */
  private static double histogramTotalMb(String histogram) {
    Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
    if (!m.find()) {
      throw new IllegalStateException("no Total line in the class histogram");
    }
    return Long.parseLong(m.group(1)) / (1024.0 * 1024.0);
  }

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

  /** A full GC ({@code System.gc()} in the node), then the heap it left in use, in MB. */
  private static double heapAfterGcMb(long pid) throws Exception {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = HEAP_USED.matcher(info);
    if (!m.find()) {
      throw new IllegalStateException("no heap figure in GC.heap_info:\n" + info);
    }
    return Long.parseLong(m.group(2)) / 1024.0;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(120, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
    }
    return out;
  }

  /** The node log's lines that say the node is broken (a stack overflow, out of memory, a thread that died), if any. */
  private static void reportSerious(int customers) {
    Path log = WORK.resolve(Integer.toString(customers)).resolve("node.log");
    List<String> serious;
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      serious = lines.filter(l -> SERIOUS.matcher(l).find()).toList();
    } catch (IOException | UncheckedIOException e) {
      return;
    }
    if (!serious.isEmpty()) {
      System.out.printf("  WARNING %,d customers: %d line(s) in the node log say it broke, the first: %s%n", customers,
          serious.size(), serious.get(0).strip());
    }
  }

  /** A {@code kB} line of {@code /proc/<pid>/status} ({@code VmHWM} is the peak RSS). */
  private static long procStatusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
  }

  /** The node's user and system CPU time so far ({@code /proc/<pid>/stat}, through ProcessHandle). */
  private static double cpuSeconds(Process process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElseThrow() / 1e9;
  }

  /** The histogram's top classes by bytes, with how many bytes and instances they hold. */
  private static void printTopClasses(int customers, String when, Path file, String histogram) {
    System.out.printf("%,d customers: top classes %s (%.1f MB live; full histogram in %s):%n", customers, when,
        histogramTotalMb(histogram), file);
    histogram.lines().filter(l -> l.matches("\\s*\\d+:\\s+\\d+\\s+\\d+\\s+.*")).limit(TOP_CLASSES)
        .forEach(l -> System.out.println("   " + l.trim()));
  }

  private static void stop(NodeProcess node, Path outbox) {
    try {
      node.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(outbox);
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
