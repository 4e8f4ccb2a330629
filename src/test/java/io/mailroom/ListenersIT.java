package io.mailroom;

import io.mailroom.config.ConfigSource;
import io.mailroom.local.FreePort;
import io.mailroom.testing.NodeProcess;
import io.mailroom.testing.SignedClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node on the embedded default ({@code conf/local.json}, as {@code serve} reads it) listens on
 * loopback only: its HTTP API, ElasticMQ in its JVM and dynalite in its Node.js child. The sockets
 * are read from {@code /proc}: the listening ones of {@code /proc/net/tcp} and {@code tcp6} whose
 * inodes the node process or one of its descendants holds.
 */
class ListenersIT {
  private static final String LISTEN = "0A";
  private static final Set<String> LOOPBACK = Set.of("0100007F", "00000000000000000000000001000000",
      "0000000000000000FFFF00000100007F");

  /** One listening socket: the process holding it, its address as /proc writes it, its port. */
  private record Listener(long pid, String address, int port) { }

  @Test
  void everyServerOfTheEmbeddedDefaultListensOnLoopbackOnly(@TempDir Path dir) throws Exception {
    int port = FreePort.pick();
    JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
    json.getJsonObject("http").put("port", port);
    json.getJsonObject("management").put("port", 0);
    json.put("publicBaseUrl", "http://127.0.0.1:" + port);
    json.getJsonObject("outbox").put("dir", dir.resolve("outbox").toString());
    Path config = Files.writeString(dir.resolve("local.json"), json.encodePrettily());
    try (NodeProcess node = NodeProcess.start(config, dir.resolve("node.log"), "512m")) {
      node.awaitLive(new SignedClient(port, "unused-for-health-checks"));
      List<Listener> listeners = listeners(node.process().toHandle());
      long javaPid = node.process().pid();
      assertThat(listeners).as("the HTTP API is among them").anyMatch(l -> l.pid() == javaPid && l.port() == port);
      assertThat(listeners).as("dynalite, a child process, is among them").anyMatch(l -> l.pid() != javaPid);
      assertThat(listeners.stream().filter(l -> l.pid() == javaPid).count())
          .as("ElasticMQ listens in the node's JVM beside the API").isGreaterThanOrEqualTo(2);
      assertThat(listeners).as("every listening socket is on 127.0.0.1 or ::1: %s", listeners)
          .allMatch(l -> LOOPBACK.contains(l.address()));
    }
  }

  @Test
  void aNodeWhosePortIsTakenExitsWithOneAndSaysWhy(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(FreePort.pick(), 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      JsonObject json = ConfigSource.load(ConfigSource.DEFAULT_FILE, Map.of());
      json.getJsonObject("http").put("port", port);
      json.getJsonObject("management").put("port", 0);
      json.getJsonObject("outbox").put("dir", dir.resolve("outbox").toString());
      Path config = Files.writeString(dir.resolve("local.json"), json.encodePrettily());
      Path log = dir.resolve("node.log");
      try (NodeProcess node = NodeProcess.start(config, log, "512m")) {
        // 180 s: a bound for a stuck start, not a start-up time
        assertThat(node.process().waitFor(180, TimeUnit.SECONDS)).as("the node exits instead of living on unheard")
            .isTrue();
        assertThat(node.process().exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("Mailroom did not start").contains(String.valueOf(port));
      }
    }
  }

  private static List<Listener> listeners(ProcessHandle node) throws IOException {
    List<ProcessHandle> processes = new ArrayList<>();
    processes.add(node);
    node.descendants().forEach(processes::add);
    List<Listener> found = new ArrayList<>();
    for (ProcessHandle process : processes) {
      Set<String> inodes = socketInodes(process.pid());
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        // read once: the table changes while other processes open and close sockets
        List<String> lines = Files.readAllLines(Path.of(table));
        for (String line : lines.subList(1, lines.size())) {
          String[] f = line.trim().split("\\s+");
          if (f[3].equals(LISTEN) && inodes.contains(f[9])) {
            String[] local = f[1].split(":");
            found.add(new Listener(process.pid(), local[0], Integer.parseInt(local[1], 16)));
          }
        }
      }
    }
    return found;
  }

  /** The inodes of the sockets a process holds: its fds that link to {@code socket:[INODE]}. */
  private static Set<String> socketInodes(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException closedMeanwhile) {
          // an fd closed between the listing and the read
        }
      }
    }
    return inodes;
  }
}
