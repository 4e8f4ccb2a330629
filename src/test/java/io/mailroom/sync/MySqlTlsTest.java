package io.mailroom.sync;

import io.mailroom.config.MailroomConfig;
import io.mailroom.testing.LocalServices;
import io.mailroom.testing.MariaDb;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code sync.mysql.sslMode} against the machine's MariaDB, which has no TLS: {@code required}
 * refuses to talk to it in plaintext, {@code disabled} talks to it.
 */
class MySqlTlsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(60, TimeUnit.SECONDS);
  }

  private static MailroomConfig.Sync sync(String sslMode) {
    JsonObject json = LocalServices.configJson(LocalServices.uniquePrefix("tls"));
    json.getJsonObject("sync").getJsonObject("mysql").put("port", MariaDb.port()).put("database", "mysql")
        .put("user", "root").put("sslMode", sslMode);
    return MailroomConfig.from(json).sync();
  }

  @Test
  void requiredFailsOnAServerWithoutTlsInsteadOfFallingBackToPlaintext() {
    try (MySqlSource source = new MySqlSource(vertx, sync("required"))) {
      assertThatThrownBy(() -> source.now().await(60, TimeUnit.SECONDS)).hasMessageContaining("SSL");
    }
  }

  @Test
  void disabledTalksToIt() throws Exception {
    try (MySqlSource source = new MySqlSource(vertx, sync("disabled"))) {
      assertThat(source.now().await(60, TimeUnit.SECONDS)).isNotNull();
    }
  }

  @Test
  void anUnknownModeIsNamed() {
    assertThatThrownBy(() -> sync("sometimes")).hasMessageContaining("'sync.mysql.sslMode'");
  }
}
