package io.mailroom.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback port that was free a moment ago, for a server started next. It is picked below the
 * kernel's ephemeral range: a port from that range (what binding port 0 gives) can be taken by any
 * outgoing connection of any process before the server binds it. A port is handed out once per
 * JVM, so that two picks made before either server binds never return the same port.
 */
public final class FreePort {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  private static final int TRIES = 200;
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();
  /** Read once: the range is the kernel's setting, not something that moves while the JVM runs. */
  private static final int EPHEMERAL_START = ephemeralStart();

  private FreePort() {
  }

  public static int pick() {
    int below = EPHEMERAL_START;
    for (int i = 0; i < TRIES && below > LOWEST; i++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (free(port) && GIVEN.add(port)) {
        return port;
      }
    }
    return anyEphemeral();
  }

  /** The first port of the ephemeral range; 32768, Linux's default, when it cannot be read. */
  static int ephemeralStart() {
    try {
      // read by lines: a /proc file reports size 0, which whole-file reads trust
      String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static int anyEphemeral() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
