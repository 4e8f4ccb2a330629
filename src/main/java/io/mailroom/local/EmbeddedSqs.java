package io.mailroom.local;

import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** ElasticMQ, an SQS-compatible queue server, in this process on loopback. */
public final class EmbeddedSqs implements AutoCloseable {
  private static final long STOP_WAIT_MILLIS = 3000;

  private final SQSRestServer server;
  private final int port;

  private EmbeddedSqs(SQSRestServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Blocking: call from a worker thread or from main. */
  public static EmbeddedSqs start() {
    // stopped by Mailroom.close() after the Senders drained, not by its own JVM shutdown hook
    System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    int port = FreePort.pick();
    SQSRestServer server = SQSRestServerBuilder
        .withInterface("127.0.0.1")
        .withPort(port)
        .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
        .withAWSRegion("us-east-1")
        .start();
    server.waitUntilStarted();
    return new EmbeddedSqs(server, port);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Stops the server. Its HTTP layer waits for open long polls to end, so the wait is bounded:
   * after a few seconds the daemon thread doing it is left to finish alone.
   */
  @Override
  public void close() throws InterruptedException {
    Thread stopper = new Thread(server::stopAndWait, "elasticmq-stop");
    stopper.setDaemon(true);
    stopper.start();
    stopper.join(STOP_WAIT_MILLIS);
  }
}
