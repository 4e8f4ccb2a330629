package io.mailroom.local;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * DynamoDB Local, in memory, in this process, telemetry off. Its SQLite native library ships
 * inside our jar as a resource and is extracted to a temporary folder at start.
 */
public final class EmbeddedDynamo implements AutoCloseable {
  private static final String NATIVE = "libsqlite4java-linux-amd64.so";
  /** Kept referenced so that its level sticks: sqlite4java logs through java.util.logging. */
  private static final java.util.logging.Logger SQLITE_LOG = java.util.logging.Logger.getLogger("com.almworks.sqlite4java");

  private final DynamoDBProxyServer server;
  private final int port;

  private EmbeddedDynamo(DynamoDBProxyServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Blocking: call from a worker thread or from main. */
  public static EmbeddedDynamo start() {
    prepareNativeLibrary();
    int port = FreePort.pick();
    PrintStream stdout = System.out;
    try {
      // DynamoDB Local prints its settings banner to standard output: keep ours clean
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
          "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
      server.start();
      return new EmbeddedDynamo(server, port);
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
    } finally {
      System.setOut(stdout);
    }
  }

  private static synchronized void prepareNativeLibrary() {
    if (System.getProperty("sqlite4java.library.path") != null) {
      return;
    }
    SQLITE_LOG.setLevel(java.util.logging.Level.SEVERE);
    try (InputStream in = EmbeddedDynamo.class.getResourceAsStream("/native/" + NATIVE)) {
      if (in == null) {
        throw new IllegalStateException("native/" + NATIVE + " is missing from the classpath; build with Maven");
      }
      Path dir = Files.createTempDirectory("mailroom-sqlite4java");
      Files.copy(in, dir.resolve(NATIVE), StandardCopyOption.REPLACE_EXISTING);
      dir.toFile().deleteOnExit();
      dir.resolve(NATIVE).toFile().deleteOnExit();
      System.setProperty("sqlite4java.library.path", dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + NATIVE, e);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not stop", e);
    }
  }
}
