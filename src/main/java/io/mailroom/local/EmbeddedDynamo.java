package io.mailroom.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded DynamoDB: dynalite (an open-source implementation of the DynamoDB API on LevelDB)
 * as a child process of this node, on loopback and a port the system picks, in memory or under a
 * folder. It stops with {@link #close()}, and on its own when this process ends however it ends:
 * it watches its standard input, which closes with us.
 */
public final class EmbeddedDynamo implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDynamo.class);
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
  /** A bound for a stuck start, not an expected time: a starved machine takes seconds. */
  private static final long START_SECONDS = 120;
  private static final long STOP_SECONDS = 5;

  private final Process process;
  private final int port;

  private EmbeddedDynamo(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** In memory. Blocking: call from a worker thread or from main. */
  public static EmbeddedDynamo start() {
    return start(Optional.empty());
  }

  /**
   * Keeping its tables under {@code dataDir} when given (created if missing), in memory otherwise.
   *
   * @throws LocalServerMissing where Node.js or the dynalite install is missing, saying what to run
   */
  public static EmbeddedDynamo start(Optional<Path> dataDir) {
    Path install = DynaliteInstall.locate();
    List<String> command = new ArrayList<>(List.of(DynaliteInstall.node(), install.resolve("server.js").toString()));
    if (dataDir.isPresent()) {
      try {
        Files.createDirectories(dataDir.get());
      } catch (IOException e) {
        throw new LocalServerMissing("cannot create dynamodb.embeddedPath " + dataDir.get() + ": " + e.getMessage());
      }
      command.add("--path");
      command.add(dataDir.get().toAbsolutePath().toString());
    }
    Process process;
    try {
      process = new ProcessBuilder(command).directory(install.toFile()).start();
    } catch (IOException e) {
      throw new LocalServerMissing("the embedded DynamoDB needs Node.js 20 or newer on the PATH (" + e.getMessage()
          + "); install it, or set dynamodb.endpoint to a DynamoDB");
    }
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    StringBuilder errors = new StringBuilder();
    drain(process, listening, errors);
    try {
      int port = listening.get(START_SECONDS, TimeUnit.SECONDS);
      return new EmbeddedDynamo(process, port);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      String said;
      synchronized (errors) {
        said = errors.toString().strip();
      }
      throw new LocalServerMissing("the embedded DynamoDB (" + install + ") did not start"
          + (said.isEmpty() ? "" : ": " + said.lines().findFirst().orElse("")));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the embedded DynamoDB started", e);
    }
  }

  /** Its output goes to our log, line by line; its first line gives the port. */
  private static void drain(Process process, CompletableFuture<Integer> listening, StringBuilder errors) {
    Thread out = new Thread(() -> {
      try (BufferedReader reader = reader(process.getInputStream())) {
        for (String line; (line = reader.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (!listening.isDone() && m.find()) {
            listening.complete(Integer.parseInt(m.group(1)));
          } else {
            LOG.info("dynalite: {}", line);
          }
        }
      } catch (IOException e) {
        LOG.debug("dynalite output: {}", e.toString());
      }
      listening.completeExceptionally(new IllegalStateException("exited with " + exitCode(process)));
    }, "dynalite-out");
    Thread err = new Thread(() -> {
      try (BufferedReader reader = reader(process.getErrorStream())) {
        for (String line; (line = reader.readLine()) != null; ) {
          synchronized (errors) {
            if (errors.length() < 4096) {
              errors.append(line).append('\n');
            }
          }
          LOG.warn("dynalite: {}", line);
        }
      } catch (IOException e) {
        LOG.debug("dynalite errors: {}", e.toString());
      }
    }, "dynalite-err");
    out.setDaemon(true);
    err.setDaemon(true);
    err.start();
    out.start();
  }

  private static BufferedReader reader(java.io.InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static String exitCode(Process process) {
    try {
      return process.waitFor(STOP_SECONDS, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "no exit";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "no exit";
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Whether the server process still runs. */
  public boolean alive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Asks it to stop (it closes its store), and ends it if it has not within a few seconds. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
