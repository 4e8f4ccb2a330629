package io.mailroom.testing;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A node run as its own JVM from {@code target/mailroom.jar}, as in production. */
public final class NodeProcess implements AutoCloseable {
  private final Process process;

  private NodeProcess(Process process) {
    this.process = process;
  }

  public static NodeProcess start(Path config, Path log, String maxHeap) throws Exception {
    String jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar")).toAbsolutePath().toString();
    return new NodeProcess(new ProcessBuilder("java", "-Xmx" + maxHeap, "-jar", jar, "serve", "--config",
        config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  public static NodeProcess of(Process process) {
    return new NodeProcess(process);
  }

  public Process process() {
    return process;
  }

  /** Waits until the node answers {@code /health/live} on {@code client}'s port. */
  public NodeProcess awaitLive(SignedClient client) throws Exception {
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
    return this;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
