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
  public NodeProcess awaitLive(SignedClient client) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 180_000; // a bound for a stuck node, not a start-up time
    while (System.currentTimeMillis() < deadline && process.isAlive()) {
      try {
        if (client.send(client.unsigned("/health/live").GET().build()).status() == 200) {
          return this;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(process.isAlive() ? "the node did not answer within 180 s" : "the node exited");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
