package io.mailroom.testing;

import io.mailroom.local.FreePort;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The Redis the limiter tests use. {@link #url()}: the one at 127.0.0.1:6379 when it answers,
 * else a private one started for this JVM. {@link #own()}: a Redis the test may stop and start
 * (a {@code redis-server} child process on a free loopback port, or embedded-redis where the
 * binary is not on the PATH), never the system one. Each test takes its own key prefix.
 */
public final class TestRedis implements AutoCloseable {
  private static TestRedis fallback;

  private final int port;
  private Process process;
  private RedisServer embedded;

  private TestRedis(int port) {
    this.port = port;
  }

  public static synchronized String url() {
    if (answers(6379)) {
      return "redis://127.0.0.1:6379";
    }
    if (fallback == null) {
      fallback = own();
      Runtime.getRuntime().addShutdownHook(new Thread(fallback::close));
    }
    return fallback.ownUrl();
  }

  /** A unique key prefix for one test. */
  public static String prefix(String test) {
    return "mailroom-test:" + test + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  public static TestRedis own() {
    TestRedis redis = new TestRedis(FreePort.pick());
    redis.start();
    return redis;
  }

  public String ownUrl() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public synchronized void start() {
    try {
      if (onPath()) {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      } else {
        embedded = RedisServer.builder().port(port).bind("127.0.0.1").setting("save \"\"").build();
        embedded.start();
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a Redis for the tests", e);
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (!answers(port)) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the test Redis on port " + port + " did not start");
      }
      sleep(50);
    }
  }

  /** Stops it; its data is gone (no persistence), as after a real Redis restart without a snapshot. */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    if (embedded != null) {
      embedded.stop();
      embedded = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static boolean onPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, "redis-server"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] reply = new byte[5];
      int n = socket.getInputStream().read(reply);
      return n > 0 && reply[0] == '+';
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
