package io.mailroom.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A node run as its own JVM from {@code target/mailroom.jar}, as in production. */
public final class NodeProcess implements AutoCloseable {
  private static final int LOG_LINES = 40;
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  public static NodeProcess start(Path config, Path log, String maxHeap) throws Exception {
    String jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar")).toAbsolutePath().toString();
    return new NodeProcess(new ProcessBuilder("java", "-Xmx" + maxHeap, "-jar", jar, "serve", "--config",
        config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
  }

  /** {@code log}: where the process writes, quoted when it does not come up; null when unknown. */
  public static NodeProcess of(Process process, Path log) {
    return new NodeProcess(process, log);
  }

  public Process process() {
    return process;
  }

  /** Waits until the node answers {@code /health/live} on {@code client}'s port. */
  public NodeProcess awaitLive(SignedClient client) throws Exception {
    try {
      untilLive(client);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the node's last log lines:\n" + lastLines(), e);
    }
    return this;
  }

  private void untilLive(SignedClient client) throws Exception {
    // 180 s: a bound for a stuck node, not a start-up time; a node that exited fails at once
    Eventually.until("the node answering /health/live", 180_000, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the node exited with " + process.exitValue());
      }
      try {
        return client.send(client.unsigned("/health/live").GET().build()).status();
      } catch (IllegalStateException notYet) {
        return 0; // not listening yet
      }
    }, status -> status == 200);
  }

  private String lastLines() {
    if (log == null) {
      return "(not kept)";
    }
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
