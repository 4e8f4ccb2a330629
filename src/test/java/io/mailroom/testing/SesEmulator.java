package io.mailroom.testing;

import io.mailroom.local.FreePort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The npm {@code aws-ses-v2-local} SES v2 emulator, run as a child process on a free loopback
 * port. {@code GET /store} shows what it received; {@code POST /clear-store} empties it.
 */
public final class SesEmulator implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /**
   * What the shared test emulator's {@code GetAccount} answers: production access with a quota
   * (1,000 emails/s, a million a day) far above what the tests send, so that only the rate-limit
   * tests, which start emulators with their own quotas ({@link #account}), are paced.
   */
  public static final String ACCOUNT = account(1000, 1_000_000);

  /** A GetAccount answer with production access and this send quota. */
  public static String account(double maxSendRate, long max24HourSend) {
    return new JsonObject()
      .put("DedicatedIpAutoWarmupEnabled", false)
      .put("Details", new JsonObject().put("AdditionalContactEmailAddresses", new JsonArray())
          .put("ContactLanguage", "EN").put("MailType", "MARKETING")
          .put("ReviewDetails", new JsonObject().put("CaseId", "local").put("Status", "GRANTED"))
          .put("UseCaseDescription", "tests").put("WebsiteURL", "https://shop.example.com"))
      .put("EnforcementStatus", "HEALTHY")
      .put("ProductionAccessEnabled", true)
      .put("SendingEnabled", true)
      .put("SendQuota", new JsonObject().put("Max24HourSend", max24HourSend).put("MaxSendRate", maxSendRate)
          .put("SentLast24Hours", 0))
      .put("SuppressionAttributes", new JsonObject().put("SuppressedReasons", new JsonArray()))
      .encode();
  }

  private final Process process;
  private final int port;

  private SesEmulator(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static SesEmulator start() {
    return start(ACCOUNT, FreePort.pick());
  }

  /**
   * An emulator answering GetAccount with {@code account} on {@code port} (a port an earlier one
   * used may be given again, to change the quota). Each stored email also carries
   * {@code atMillis}, the millisecond it arrived ({@code received-at.js}).
   */
  public static SesEmulator start(String account, int port) {
    Path dir = Path.of(System.getProperty("ses.emulator.dir", "src/test/ses-emulator"));
    Path cli = dir.resolve("node_modules/aws-ses-v2-local/dist/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException("the SES emulator is not installed at " + cli
          + "; run the tests through Maven (it runs npm ci in " + dir + ")");
    }
    try {
      Path log = Files.createTempFile("ses-emulator", ".log");
      ProcessBuilder builder = new ProcessBuilder("node", "-r", dir.resolve("received-at.js").toAbsolutePath().toString(),
          cli.toString(), "--host", "127.0.0.1",
          "--port", Integer.toString(port))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().put("AWS_SES_ACCOUNT", account);
      SesEmulator emulator = new SesEmulator(builder.start(), port);
      emulator.awaitReady(log.toFile());
      return emulator;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the SES emulator (is node installed?)", e);
    }
  }

  private void awaitReady(File log) {
    long deadline = System.currentTimeMillis() + 120_000; // a bound for a stuck emulator, not a start-up time
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the SES emulator exited; see " + log);
      }
      try {
        if (HTTP.send(HttpRequest.newBuilder(uri("/health-check")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(100);
    }
    throw new IllegalStateException("the SES emulator did not answer within 120 s; see " + log);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Every email received since the last clear, as the emulator stores them. */
  public JsonArray emails() {
    return new JsonObject(get("/store")).getJsonArray("emails");
  }

  /** The first recipient of every email received since the last clear, in arrival order. */
  public java.util.List<String> recipients() {
    JsonArray emails = emails();
    java.util.List<String> to = new java.util.ArrayList<>();
    for (int i = 0; i < emails.size(); i++) {
      to.add(emails.getJsonObject(i).getJsonObject("destination").getJsonArray("to").getString(0));
    }
    return to;
  }

  /** How many emails each recipient got since the last clear. */
  public java.util.Map<String, Integer> perRecipient() {
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    recipients().forEach(to -> counts.merge(to, 1, Integer::sum));
    return counts;
  }

  /** The raw MIME of one received email, as the emulator builds it from what it was sent. */
  public byte[] rawEmail(String messageId) {
    JsonObject eml = new JsonObject(get("/get-emlContent?messageId="
        + java.net.URLEncoder.encode(messageId, java.nio.charset.StandardCharsets.UTF_8)));
    JsonArray data = eml.getJsonObject("body").getJsonArray("data");
    byte[] bytes = new byte[data.size()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) data.getInteger(i).intValue();
    }
    return bytes;
  }

  public void clear() {
    try {
      HTTP.send(HttpRequest.newBuilder(uri("/clear-store")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private String get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String path) {
    return URI.create(endpoint() + path);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public int port() {
    return port;
  }

  /** Every email's arrival, in milliseconds, in arrival order. */
  public long[] arrivals() {
    JsonArray emails = emails();
    long[] at = new long[emails.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = emails.getJsonObject(i).getLong("atMillis");
    }
    java.util.Arrays.sort(at);
    return at;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
